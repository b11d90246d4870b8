"""Vietnamese texts of the handlers (commands, registration, people). Reviewed by a Vietnamese reader."""

REFUSAL = (
    "Xin chào! Đây là trợ lý nội bộ của Sở Khoa học và Công nghệ, chỉ dành cho cán bộ được mời. "
    "Nếu bạn là cán bộ của Sở, hãy xin mã mời từ bộ phận CNTT rồi gửi: /start MÃ_MỜI"
)
START_NEEDS_CODE = "Để đăng ký, hãy gửi: /start MÃ_MỜI (mã mời do bộ phận CNTT cấp)."
BAD_CODE = "Mã mời không đúng, đã dùng hoặc đã hết hạn. Hãy kiểm tra lại hoặc xin mã mới từ bộ phận CNTT."
TOO_MANY_TRIES = "Bạn đã nhập sai mã quá nhiều lần. Vui lòng thử lại sau {minutes} phút."
PRIVACY_NOTICE = (
    "Chào {name}! Trước khi bắt đầu, xin lưu ý về dữ liệu cá nhân:\n"
    "• Bot lưu họ tên, vai trò và mã tài khoản Zalo/Telegram của bạn để nhận ra bạn.\n"
    "• Mỗi bản ghi công việc lưu người nhập, thời điểm nhập và nội dung bạn gửi (kể cả ảnh, vị trí cơ sở).\n"
    "• Dữ liệu chỉ dùng để lập báo cáo của Sở; không thu thập ngày sinh, số định danh cá nhân.\n"
    "Bạn đồng ý để tiếp tục?"
)
REGISTERED = "Đăng ký xong. Vai trò của bạn: {roles}.\nGõ /help để xem các lệnh bạn dùng được."
REGISTRATION_DECLINED = "Bạn chưa đồng ý nên chưa đăng ký. Khi sẵn sàng, gửi lại /start MÃ_MỜI."
ALREADY_REGISTERED = "Bạn đã đăng ký rồi, {name}. Gõ /help để xem các lệnh."
LINKED = "Đã liên kết tài khoản {channel} này với {name}. Vai trò: {roles}."
ACCOUNT_TAKEN = "Tài khoản này đã được đăng ký cho một cán bộ khác. Hãy liên hệ bộ phận CNTT."

ROLE_NAMES = {
    "inspector": "kiểm tra viên",
    "technician": "kỹ thuật viên kiểm định",
    "licensing": "cán bộ cấp phép",
    "clerk": "văn thư",
    "manager": "lãnh đạo",
    "admin": "quản trị",
}


def role_names(roles) -> str:
    """Roles in Vietnamese, in the canonical order."""
    return ", ".join(name for key, name in ROLE_NAMES.items() if key in roles) or "—"


CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "console"}

HELP_HEADER = "Các lệnh bạn dùng được:"
A_FORM = "một biểu mẫu"


def help_footer(title: str) -> str:
    return f"Bạn đang nhập dở “{title}”: trả lời câu hỏi đang chờ, gõ “quay lại” để sửa câu trước, /huy để hủy."
NO_FLOW_HINT = "Gõ /help để xem các lệnh bạn dùng được."
UNKNOWN_COMMAND = "Không có lệnh /{command}. Gõ /help để xem các lệnh bạn dùng được."
NOT_ALLOWED = "Lệnh /{command} dành cho {roles}; tài khoản của bạn không có quyền này."
CANCELLED = "Đã hủy, không có gì được lưu."  # the same words as the forms' Hủy button
NOTHING_TO_CANCEL = "Không có việc gì đang dở để hủy."
ABANDON_DRAFT = "Bạn đang nhập dở “{title}”. Bỏ bản nháp đó để chuyển sang /{command}?"
ABANDON_YES = "Bỏ bản nháp"
ABANDON_NO = "Tiếp tục nhập"
ANSWER_ABANDON = "Vui lòng trả lời 1 (Bỏ bản nháp) hoặc 2 (Tiếp tục nhập)."
DRAFT_EXPIRED = "Bản nháp “{title}” đã quá {minutes} phút không được trả lời nên đã bị hủy. Gõ /{command} để nhập lại."
REVOKED = "Tài khoản của bạn đã bị thu hồi quyền sử dụng. Liên hệ bộ phận CNTT nếu cần."
ERROR = "Xin lỗi, đã có lỗi khi xử lý tin nhắn này. Tin nhắn trước đó vẫn được giữ nguyên; vui lòng thử lại."
UNSUPPORTED = "Bot chưa đọc được loại tin nhắn này. Vui lòng gửi chữ, ảnh hoặc vị trí."

# /staff
STAFF_LIST_HEADER = "Cán bộ ({count}):"
STAFF_LINE = "{n}. {name} — {roles}{inactive} [{channels}]"
STAFF_INACTIVE = " (đã thu hồi)"
STAFF_USAGE = (
    "Quản lý cán bộ: /staff SỐ vaitro VAI_TRÒ,… (ví dụ: /staff 2 vaitro inspector,clerk), "
    "/staff SỐ thuhoi, /staff SỐ khoiphuc."
)
STAFF_BAD_NUMBER = "Không có cán bộ số {n} trong danh sách. Gõ /staff để xem danh sách."
STAFF_BAD_ROLE = "Vai trò không hợp lệ: {roles}. Các vai trò: {known}."
STAFF_ROLES_SET = "Đã cập nhật vai trò của {name}: {roles}."
STAFF_REVOKED = "Đã thu hồi quyền của {name}. Các bản ghi của người này vẫn được giữ và ghi tên họ."
STAFF_RESTORED = "Đã khôi phục quyền của {name}."
STAFF_SELF = "Bạn không thể tự thu hồi quyền quản trị của mình."

# /lienket
LINK_CODE = (
    "Mã liên kết của bạn: {code}\n"
    "Mở bot trên {other} và gửi: /start {code}\nMã dùng một lần, hết hạn sau {minutes} phút."
)

# registration, the command menu
AGREE_LABEL = "Đồng ý"
REGISTRATION_TITLE = "Đăng ký"
LINK_DESCRIPTION = "lấy mã liên kết tài khoản Zalo/Telegram còn lại"
STAFF_DESCRIPTION = "danh sách cán bộ, đổi vai trò, thu hồi quyền"
MENU_START = "đăng ký bằng mã mời"
MENU_HELP = "các lệnh bạn dùng được"
MENU_CANCEL = "hủy việc đang làm dở"
