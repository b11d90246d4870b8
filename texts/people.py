"""Vietnamese texts of the handlers (commands, registration, people). Reviewed by a Vietnamese reader."""

# The one form of address where a sentence needs a pronoun (greeting, consent, refusals), from
# config.toml [language] address. Every other sentence needs none ("Ngày kiểm tra?").
ADDRESSES = ("đồng chí", "anh/chị")
DEFAULT_ADDRESS = "đồng chí"
# How a sentence names the bot itself, when it must ("gửi dòng này cho hệ thống trên Zalo"): one name,
# from config.toml [language] system_name (a department may write its Zalo OA's name instead).
DEFAULT_SYSTEM_NAME = "hệ thống"


def capitalised(address: str) -> str:
    """ "đồng chí" → "Đồng chí" at the start of a sentence."""
    return address[:1].upper() + address[1:]


INVITE_EXAMPLE = "/start kèm mã mời, ví dụ /start AB12CD34EF56"


def refusal(department: str = "Sở Khoa học và Công nghệ") -> str:
    """To anyone not registered (a citizen, a business, a journalist may find the bot): a neutral greeting."""
    return (
        f"Kính chào. Đây là hệ thống nội bộ của {department}, chỉ dành cho cán bộ được mời. "
        f"Cán bộ của {department_short(department)} vui lòng xin mã mời từ bộ phận CNTT "
        f"rồi gửi {INVITE_EXAMPLE}."
    )


def department_short(department: str) -> str:
    return "Sở" if department.startswith("Sở") else department


START_NEEDS_CODE = f"Để đăng ký, vui lòng gửi {INVITE_EXAMPLE} (mã mời do bộ phận CNTT cấp)."
BAD_CODE = "Mã mời không đúng, đã dùng hoặc đã hết hạn. Vui lòng kiểm tra lại hoặc xin mã mới từ bộ phận CNTT."
TOO_MANY_TRIES = "Mã mời đã bị nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút."
def registered(address: str, name: str, roles: str) -> str:
    return f"Đã đăng ký tài khoản cho {address} {name}; vai trò: {roles}.\nGõ /help để xem các lệnh được dùng."


def registration_declined(address: str) -> str:
    return (
        f"Chưa đăng ký vì {address} chưa đồng ý; không có dữ liệu nào được lưu. "
        f"Khi sẵn sàng, vui lòng gửi lại {INVITE_EXAMPLE}."
    )


ALREADY_REGISTERED = "Tài khoản này đã đăng ký cho {name}. Gõ /help để xem các lệnh."
LINKED = "Đã liên kết tài khoản {channel} này với {name}. Vai trò: {roles}."
ACCOUNT_TAKEN = "Tài khoản này đã được đăng ký cho một cán bộ khác. Vui lòng liên hệ bộ phận CNTT."

ROLE_NAMES = {
    "inspector": "công chức kiểm tra",
    "technician": "kỹ thuật viên kiểm định",
    "licensing": "cán bộ cấp phép",
    "clerk": "chuyên viên",
    "manager": "lãnh đạo",
    "reviewer": "người duyệt",
    "admin": "quản trị hệ thống",
}


# Other words people use for a role (staff.csv, `admin invite --role`), read with or without diacritics.
# docs/glossary.md says which word the bot writes; these are only accepted.
ROLE_SYNONYMS = {
    "inspector": ["kiểm tra viên", "cán bộ kiểm tra", "kiểm tra"],
    "technician": ["kỹ thuật viên", "kiểm định viên", "kiểm định"],
    "licensing": ["cấp phép", "cán bộ cấp giấy phép", "chuyên viên cấp phép"],
    "clerk": ["văn thư", "nhân viên", "cán bộ văn thư"],
    "manager": ["quản lý", "giám đốc", "phó giám đốc", "trưởng phòng", "phó trưởng phòng", "chi cục trưởng"],
    "reviewer": ["người kiểm duyệt", "cán bộ duyệt", "duyệt"],
    "admin": ["quản trị", "quản trị viên", "cntt", "cán bộ cntt"],
}


def role_choices() -> str:
    """The roles as a person may write them, for an error sentence."""
    return "; ".join(f"{key} ({name}, {', '.join(ROLE_SYNONYMS[key][:2])})" for key, name in ROLE_NAMES.items())


def role_names(roles) -> str:
    """Roles in Vietnamese, in the canonical order."""
    return ", ".join(name for key, name in ROLE_NAMES.items() if key in roles) or "—"


def known_roles() -> str:
    """Every role as a person may type it, its Vietnamese name with the key people may also type:
    "công chức kiểm tra (inspector), …"."""
    return ", ".join(f"{name} ({key})" for key, name in ROLE_NAMES.items())


def not_allowed(command: str, roles: str, address: str) -> str:
    return f"Lệnh /{command} dành cho {roles}; tài khoản của {address} không có quyền này."


def revoked(address: str) -> str:
    return f"Tài khoản của {address} đã bị thu hồi quyền sử dụng. Vui lòng liên hệ bộ phận CNTT nếu cần."


CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "console"}

HELP_HEADER = "Các lệnh được dùng:"
A_FORM = "một biểu mẫu"
NO_FLOW_HINT = "Gõ /help để xem các lệnh được dùng."
UNKNOWN_COMMAND = "Không có lệnh /{command}. Gõ /help để xem các lệnh được dùng."


def help_footer(title: str) -> str:
    """/help's last line, only while a form is half-filled."""
    return f"Biểu mẫu “{title}” đang nhập dở: trả lời câu hỏi đang chờ, gõ “quay lại” để sửa câu trước, “hủy” để dừng."


CANCELLED = "Đã hủy, không có gì được lưu."  # the same words as the forms' Hủy button
NOTHING_TO_CANCEL = "Không có việc gì đang dở để hủy."
ABANDON_DRAFT = "Biểu mẫu “{title}” đang nhập dở. Bỏ bản nháp đó để chuyển sang /{command}?"
ABANDON_YES = "Bỏ bản nháp"
ABANDON_NO = "Tiếp tục nhập"
ANSWER_ABANDON = "Vui lòng trả lời 1 (Bỏ bản nháp) hoặc 2 (Tiếp tục nhập)."


def abandon_first(command: str) -> str:
    """A command typed while "drop the draft?" waits: why it did not run."""
    return (
        f"Lệnh /{command} chỉ chạy sau khi bỏ bản nháp; vui lòng trả lời câu hỏi này trước: "
        "1 (Bỏ bản nháp) hoặc 2 (Tiếp tục nhập)."
    )


DRAFT_EXPIRED = "Bản nháp “{title}” đã quá {minutes} phút không được trả lời nên đã bị hủy. Gõ /{command} để nhập lại."
ERROR = "Xin lỗi, đã có lỗi khi xử lý tin nhắn này. Các câu trả lời trước đó vẫn được giữ nguyên; vui lòng gửi lại."
UNSUPPORTED = "Hệ thống chưa đọc được loại tin nhắn này. Vui lòng gửi chữ, ảnh hoặc vị trí."

# /nhansu (/staff)
STAFF_LIST_HEADER = "Cán bộ ({count}):"
STAFF_LINE = "{n}. {name} — {roles}{inactive} [{channels}]"
STAFF_INACTIVE = " (đã thu hồi)"
STAFF_USAGE = (
    "Quản lý cán bộ: /nhansu kèm số thứ tự trong danh sách và việc cần làm, ví dụ "
    "/nhansu 2 vaitro công chức kiểm tra, chuyên viên (đặt vai trò), /nhansu 2 thuhoi (thu hồi quyền), "
    "/nhansu 2 khoiphuc (khôi phục), /nhansu 2 duyet kiểm tra, kiểm định (giao duyệt các loại bản ghi này; "
    "“tất cả”: mọi loại)."
)
STAFF_BAD_NUMBER = "Không có cán bộ số {n} trong danh sách. Gõ /nhansu để xem danh sách."
STAFF_BAD_ROLE = "Vai trò không hợp lệ: {roles}. Các vai trò: {known}."
STAFF_ROLES_SET = "Đã cập nhật vai trò của {name}: {roles}."
STAFF_REVOKED = "Đã thu hồi quyền của {name}. Các bản ghi của người này vẫn được giữ và ghi tên họ."
STAFF_RESTORED = "Đã khôi phục quyền của {name}."
STAFF_SELF = "Không thể tự thu hồi quyền quản trị hệ thống của chính mình."

# /moi
INVITE_DESCRIPTION = "tạo mã mời cho một cán bộ mới"
INVITE_USAGE = (
    "Tạo mã mời: /moi kèm vai trò và họ tên, ví dụ /moi công chức kiểm tra, chuyên viên Nguyễn Văn B. "
    "Các vai trò: {known}."
)


def invite_bad_role(rest: str) -> str:
    """/moi whose words do not start with a role (or a comma followed by no role): every word accepted."""
    accepted = "; ".join(f"{name} ({key}, {', '.join(ROLE_SYNONYMS[key])})" for key, name in ROLE_NAMES.items())
    return (f"“{rest[:60]}” không bắt đầu bằng một vai trò: vui lòng ghi vai trò trước họ tên, ví dụ /moi công "
            f"chức kiểm tra, chuyên viên Nguyễn Văn B. Các vai trò, mỗi vai trò kèm những cách ghi khác cũng được "
            f"nhận (có dấu hoặc không dấu): {accepted}.")


INVITE_CREATED = (
    "Mã mời cho {name} ({roles}), dùng một lần, hết hạn ngày {expires}:\n/start {code}\n"
    "Gửi nguyên dòng trên cho người được mời; người đó gửi lại dòng này cho {system} trên Zalo hoặc Telegram."
)

# /lienket
LINK_CODE = (
    "Mã liên kết: {code}\n"
    "Mở {system} trên {other} và gửi /start {code}\nMã dùng một lần, hết hạn sau {minutes} phút."
)

# registration, the command menu
AGREE_LABEL = "Đồng ý"
REGISTRATION_TITLE = "Đăng ký"
LINK_DESCRIPTION = "lấy mã liên kết tài khoản Zalo/Telegram còn lại"
STAFF_DESCRIPTION = "danh sách cán bộ, đổi vai trò, thu hồi quyền"
MENU_START = "đăng ký bằng mã mời"
MENU_HELP = "các lệnh được dùng"
MENU_CANCEL = "hủy việc đang làm dở"
