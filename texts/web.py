"""The managers' web view (webview/): /web in the chat, the sign-in pages and every word of the pages.

The page templates (webview/templates/) hold no words of their own: they print these names
(`{{ t.NAME }}`, `t` is this module), so a Vietnamese reviewer finds the web view's wording here.
"""

from __future__ import annotations

# --- /web in the chat ------------------------------------------------------------------------------

COMMAND_DESCRIPTION = "Mở trang web quản lý (đăng nhập bằng liên kết)"
NOT_SET_UP = ("Trang web quản lý chưa được cấu hình (thiếu [web] public_url trong config.toml). "
              "Vui lòng báo quản trị viên.")


def sign_in_link(url: str, minutes: int) -> str:
    return (f"Liên kết đăng nhập trang web quản lý (dùng một lần, trong {minutes} phút):\n{url}\n"
            "Không chuyển liên kết này cho người khác.")


# --- the layout ------------------------------------------------------------------------------------

LANG = "vi"
SITE = "Trang quản lý"
SKIP = "Bỏ qua, tới nội dung"
NAV_MONTH = "Tổng quan kỳ"
NAV_RECORDS = "Bản ghi"
NAV_FACILITIES = "Cơ sở"
SIGNED_IN_AS = "Đang đăng nhập:"
SIGN_OUT = "Đăng xuất"
PRINT = "In trang"

# --- signing in and out ----------------------------------------------------------------------------

SIGN_IN_TITLE = "Đăng nhập"
SIGN_IN_INTRO = "Đăng nhập trang web quản lý bằng liên kết vừa nhận trong cuộc trò chuyện."
SIGN_IN_BUTTON = "Đăng nhập"
SIGNED_OUT_TITLE = "Chưa đăng nhập"
SIGNED_OUT = ("Vui lòng gõ /web trong cuộc trò chuyện trên Zalo hoặc Telegram để nhận liên kết đăng nhập. "
              "Phiên làm việc kết thúc khi đăng xuất hoặc sau một thời gian không dùng.")
LINK_USED_TITLE = "Liên kết đã được dùng"
LINK_USED = "Mỗi liên kết đăng nhập chỉ dùng được một lần. Vui lòng gõ lại /web để nhận liên kết mới."
LINK_EXPIRED_TITLE = "Liên kết đã hết hạn"
LINK_EXPIRED = "Liên kết đăng nhập chỉ dùng được trong 10 phút. Vui lòng gõ lại /web để nhận liên kết mới."
LINK_UNKNOWN_TITLE = "Liên kết không đúng"
LINK_UNKNOWN = "Liên kết đăng nhập không đúng. Vui lòng gõ lại /web trong cuộc trò chuyện để nhận liên kết mới."
SIGNED_OUT_DONE = "Đã đăng xuất."

# --- refusals --------------------------------------------------------------------------------------

FORBIDDEN_TITLE = "Không có quyền xem trang này"
FORBIDDEN = "Vai trò của tài khoản này không được xem trang này. Nếu cần, vui lòng liên hệ quản trị viên."
CSRF_TITLE = "Yêu cầu không hợp lệ"
CSRF = "Biểu mẫu đã cũ hoặc không gửi từ trang này. Vui lòng tải lại trang và thử lại."
NOT_FOUND_TITLE = "Không tìm thấy"
NOT_FOUND = "Trang hoặc tệp này không có, hoặc đã bị xóa."

# --- the records -----------------------------------------------------------------------------------

RECORDS_TITLE = "Bản ghi"
STATE_NAMES = {"waiting": "Chờ duyệt", "returned": "Cần bổ sung", "approved": "Đã duyệt", "deleted": "Đã xóa"}
BAD_PERIOD = "Không hiểu kỳ “{period}”: vui lòng ghi tháng (01/2023), quý (Q1/2023), 6 tháng (6T/2023) hoặc năm (2023)."
FILTER_KIND = "Loại"
FILTER_AUTHOR = "Người nhập"
FILTER_STATE = "Trạng thái"
FILTER_PERIOD = "Kỳ"
FILTER_PERIOD_HINT = "kỳ này; 01/2023, Q1/2023, 2023"
EVERY_PERIOD = "tất cả"
EVERY_PERIOD_LINK = "Xem mọi kỳ"
FILTER_SEARCH = "Tìm (không cần dấu)"
FILTER_FACILITY = "Cơ sở"
FILTER_ANY = "Tất cả"
FILTER_APPLY = "Lọc"
FILTER_CLEAR = "Bỏ lọc"
COL_DATE = "Ngày"
COL_KIND = "Loại"
COL_WHAT = "Nội dung"
COL_FACILITY = "Cơ sở"
COL_AUTHOR = "Người nhập"
COL_STATE = "Trạng thái"
NO_RECORDS = "Không có bản ghi nào khớp với bộ lọc."
PREVIOUS = "← Trang trước"
NEXT = "Trang sau →"


def found_line(total: int, page: int, pages: int) -> str:
    return f"{total} bản ghi · trang {page}/{pages}"

# --- a record's page -------------------------------------------------------------------------------

BACK_TO_RECORDS = "← Danh sách bản ghi"
RECORD_DATE = "Ngày"
RECORD_STATE = "Trạng thái duyệt"
RECORD_FACILITY = "Cơ sở"
RECORD_CARD = "Nội dung (như thẻ xem lại trong cuộc trò chuyện)"
RECORD_RETURNED_COMMENT = "Ý kiến khi trả lại:"
PLACE = "Vị trí"
COORDINATES = "Tọa độ (vĩ độ, kinh độ):"
COORDINATES_HEAD = "Tọa độ"
NO_COORDINATES = "Cơ sở này chưa có tọa độ."
NO_TILES = "Bản đồ chưa được cấu hình ([web] tiles_url): chỉ hiện tọa độ."
PHOTOS = "Ảnh"
NO_PHOTOS = "Không có ảnh."
PHOTO_ALT = "Ảnh chụp tại cơ sở"
HISTORY = "Lịch sử"
HISTORY_AT = "Thời điểm"
HISTORY_WHAT = "Việc"
HISTORY_WHO = "Người thực hiện"
HISTORY_COMMENT = "Ý kiến"
NO_HISTORY = "Chưa có lịch sử."
HISTORY_ACTIONS = {"submitted": "Gửi", "corrected": "Sửa", "resubmitted": "Gửi lại sau khi bổ sung",
                   "returned": "Trả lại để bổ sung", "approved": "Duyệt", "deleted": "Xóa"}

# --- facilities ------------------------------------------------------------------------------------

FACILITIES_TITLE = "Cơ sở"
FACILITY_KIND = "Loại cơ sở"
FACILITY_SEARCH = "Tìm theo tên, địa chỉ, mã số thuế (không cần dấu)"
FACILITY_NAME = "Tên cơ sở"
FACILITY_ADDRESS = "Địa chỉ"
FACILITY_TAX_CODE = "Mã số thuế"
FACILITY_VISITS = "Số lần kiểm tra"
FACILITY_LAST_VISIT = "Lần kiểm tra gần nhất"
NO_FACILITIES = "Không có cơ sở nào khớp."
FACILITIES_MAP = "Bản đồ các cơ sở có tọa độ"
FACILITY_INSPECTIONS = "Các lần kiểm tra"
NO_INSPECTIONS = "Chưa có lần kiểm tra nào."
FACILITY_LICENCES = "Giấy phép, chứng chỉ"
NO_LICENCES = "Chưa có giấy phép nào gắn với cơ sở này."
LICENCE_NUMBER = "Số"
LICENCE_KIND = "Loại"
LICENCE_HOLDER = "Người được cấp"
LICENCE_ISSUED = "Ngày cấp"
LICENCE_EXPIRY = "Hết hạn"
LICENCE_STATUS = "Tình trạng"
LICENCE_NO_EXPIRY = "không thời hạn"
BACK_TO_FACILITIES = "← Danh sách cơ sở"


def facilities_line(total: int, page: int, pages: int) -> str:
    return f"{total} cơ sở · trang {page}/{pages}"

# --- approving or returning a record from its page -------------------------------------------------

REVIEW_TITLE = "Duyệt"
REVIEW_APPROVE = "Duyệt"
REVIEW_RETURN = "Trả lại để bổ sung"
REVIEW_COMMENT = "Nội dung cần bổ sung (bắt buộc khi trả lại; người nhập nhận được trong cuộc trò chuyện)"
REVIEW_RESULTS = {
    "approved": "Đã duyệt bản ghi. Người nhập đã được báo trong cuộc trò chuyện.",
    "returned": "Đã trả lại bản ghi để bổ sung. Người nhập đã được báo trong cuộc trò chuyện, kèm nội dung cần bổ sung.",
    "acted": "Bản ghi đã được duyệt hoặc trả lại trước đó (xem trạng thái và lịch sử bên dưới); không thay đổi gì.",
    "changed": "Bản ghi vừa được sửa sau khi trang này được mở: vui lòng xem lại nội dung mới rồi duyệt.",
    "gone": "Bản ghi đã bị xóa; không còn gì để duyệt.",
    "own": "Theo cấu hình, bản ghi do chính mình nhập phải do người khác duyệt.",
    "comment": "Vui lòng ghi nội dung cần bổ sung trước khi trả lại.",
    "forbidden": "Tài khoản này không có quyền duyệt loại bản ghi này.",
}
