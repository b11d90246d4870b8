"""Vietnamese texts of the command line (.venv/bin/python main.py …) and the console's banner: what an
operator or a newcomer reads in the terminal — what went wrong and what to type instead. Every command
named here works as typed after the README's setup."""

from __future__ import annotations

PY = ".venv/bin/python main.py"

# --- no channel, the newcomer's first look ------------------------------------------------------------

HOW_TO_CONFIGURE = f"""\
Chưa cấu hình kênh chat nào (chưa có ZALO_BOT_TOKEN hay TELEGRAM_BOT_TOKEN).

  Zalo:     trong ứng dụng Zalo, mở OA "Zalo Bot Manager" → "Tạo bot" (tên bot bắt đầu bằng "Bot");
            Zalo gửi token qua tin nhắn. Sau đó: export ZALO_BOT_TOKEN='…'
  Telegram: tạo bot với @BotFather (lệnh /newbot), rồi: export TELEGRAM_BOT_TOKEN='…'

Sau đó chạy bot:
    {PY} run
Xem README.md, mục "Connecting Zalo" và "Connecting Telegram"."""

TRY_THE_DEMO = f"""\
Thử ngay trên máy này, trên dữ liệu mẫu tháng 01/2023:
    {PY} console --demo"""

DEMO_USER = "Người dùng thử"
DEMO_LOADED = "Đã nạp dữ liệu mẫu tháng 01/2023 vào {path}"
DEMO_REPORT = "Báo cáo mẫu (.docx) đã được ghi tại: {path}"
DEMO_CONSOLE = "Mở console trên dữ liệu mẫu, với tư cách “{name}”."

# --- what was typed is wrong (exit status 2) ----------------------------------------------------------

BAD_MONTH = (
    "--month “{text}” không phải là một kỳ báo cáo: vui lòng viết tháng YYYY-MM (2023-01), quý Q1/2023, "
    "6 tháng 6T/2023 (6 tháng cuối năm: 2023-H2) hoặc năm 2023."
)
NOTES_MONTH_ONLY = "--month “{text}”: ghi chú được lưu theo tháng, vui lòng viết một tháng YYYY-MM, ví dụ 2023-01."
# --help of `report` and `export`: the periods --month accepts (Nghị định 09/2019, the cut-off day).
PERIOD_HELP = (
    "kỳ báo cáo: tháng 2023-01 (hoặc 01/2023), quý Q1/2023 (hoặc 2023-Q1, \"quý 1/2023\"), 6 tháng 6T/2023 "
    "(hoặc 2023-H1; 6 tháng cuối năm: 2023-H2), năm 2023; mỗi kỳ tính theo ngày chốt số liệu [reporting] cut_off_day"
)
OUT_IS_FOLDER = "--out {out} là một thư mục: vui lòng ghi cả tên tệp, ví dụ --out {example}"
OUT_UNDER_FILE = "--out {out} không dùng được vì {file} là một tệp, không phải thư mục: vui lòng chọn thư mục khác."
FILE_NOT_FOUND = "Không tìm thấy tệp {path}: vui lòng kiểm tra lại tên tệp và thư mục."
NOT_A_FILE = "{path} là một thư mục, không phải tệp: vui lòng ghi đường dẫn của tệp."
NAME_EMPTY = "--name không được để trống: vui lòng ghi họ tên người được mời, ví dụ --name \"Nguyễn Văn B\"."
AS_EMPTY = "--as không được để trống: vui lòng ghi họ tên như trong danh sách cán bộ, ví dụ --as \"Nguyễn Văn B\"."
BAD_DATE = "--date “{text}” không phải là một ngày: vui lòng viết dd/mm/yyyy, ví dụ 20/01/2023."
DAYS_POSITIVE = "--days phải từ 1 trở lên (số ngày mã mời còn dùng được)."
NO_CHANNEL = HOW_TO_CONFIGURE

# --- the run failed (exit status 1) -----------------------------------------------------------------------

OUT_NOT_WRITABLE = "Không ghi được vào thư mục {folder} ({reason}): vui lòng chọn nơi khác cho --out."
DATA_NOT_WRITABLE = (
    "Không ghi được vào thư mục dữ liệu {folder} ({reason}): vui lòng đặt FIELDBOT_DATA_DIR "
    "(hoặc [general] data_dir trong config.toml) là một thư mục ghi được."
)
IN_USE = (
    "Cơ sở dữ liệu {where} đang được một tiến trình dost-fieldbot khác dùng (tiến trình {holder}) — có lẽ bot đang chạy "
    "(main.py run) hoặc một console khác đang mở: vui lòng dừng tiến trình đó rồi thử lại."
)
DB_UNREACHABLE = (
    "Không mở được cơ sở dữ liệu {where} ({reason}): vui lòng kiểm tra DATABASE_URL (hoặc [database] url) "
    "và máy chủ PostgreSQL."
)
PERMISSION_DENIED = "không có quyền ghi"
# what the system said, by errno name; others are shown as the system wrote them
OS_REASONS = {
    "ENOENT": "không có tệp hay thư mục này",
    "ENOSPC": "hết chỗ trên đĩa",
    "EDQUOT": "hết hạn mức đĩa",
    "EISDIR": "đây là một thư mục",
    "ENOTDIR": "một phần của đường dẫn không phải thư mục",
    "ENAMETOOLONG": "tên quá dài",
    "EXDEV": "khác ổ đĩa",
    "EIO": "lỗi đọc ghi đĩa",
}

# --- results ----------------------------------------------------------------------------------------------

REPORT_WRITTEN = "Báo cáo {period} ({records} bản ghi): {path}"
EXPORT_WRITTEN = "Dữ liệu {period} ({records} bản ghi): {path}"
NOTES_ADDED = "Đã thêm {added} ghi chú cho kỳ {period}."
NOTES_IMPORT_FAILED = "Không nhập được ghi chú: {error}"
NAME_TAKEN = "({name} đã có sẵn nên không ghi đè; tệp mới mang tên {new})"

# --- the console's banner ---------------------------------------------------------------------------------

BANNER_WHO = "Console dost-fieldbot — đang dùng với tư cách {name} ({roles})."
BANNER_STRANGER = (
    "Console dost-fieldbot — “{name}” chưa là cán bộ đã đăng ký. Xin bộ phận CNTT một mã mời; trên máy chủ:\n"
    f"    {PY} admin invite --role clerk --name \"{{name}}\"\n"
    "rồi gõ ở đây: /start MÃ_MỜI"
)
BANNER_REVOKED = "Console dost-fieldbot — quyền của {name} đã bị thu hồi."
BANNER_DRAFT = "Đang dở: {title} — trả lời tiếp câu hỏi cuối, hoặc gõ “hủy” để bỏ."
BANNER_DEMO = "Dữ liệu mẫu; hôm nay là {today}, trong kỳ báo cáo tháng 01/2023."
BANNER_KEYS = "/help: các lệnh được dùng · Ctrl-D hoặc Ctrl-C: thoát · nhật ký: {log}"

# --- admin ----------------------------------------------------------------------------------------------------

STAFF_HEADER = "Cán bộ:"
STAFF_NONE = "  (chưa có ai)"
STAFF_LINE = "{n}. {name}{state} — {roles} — {channels}"
STAFF_REVOKED = " (đã thu hồi)"
INVITES_HEADER = "Lời mời chưa dùng:"
INVITE_LINE = "  – {name} — {roles} — dùng được đến {expires}"

# --- which database, who may run a command (issue 19) ------------------------------------------------------

WRAPPER = "/opt/dost-fieldbot/deploy/fieldbot"
WHERE = "Cơ sở dữ liệu: {database} · thư mục dữ liệu: {folder}"
MIGRATED = "Lược đồ cơ sở dữ liệu đã được cập nhật ({database})."
INVITE_MADE = "Mã mời cho {name} ({roles}), dùng được {days} ngày:"
INVITE_SEND = "Gửi nguyên dòng trên cho bot trên Zalo hoặc Telegram. Mã chỉ dùng được một lần."
CONFIG_ERROR = "Lỗi cấu hình: {error}"
ROOT_ON_SERVICE_DATA = (
    "Thư mục dữ liệu {folder} thuộc người dùng {owner}, mà lệnh này đang chạy với quyền root (tệp root tạo ra "
    "sẽ làm bot không khởi động được): vui lòng chạy lệnh qua {wrapper} (ví dụ {wrapper} {example})."
)
PATH_NOT_WRITABLE = (
    "Bot không ghi được vào {path} (chủ sở hữu: {owner}, bot đang chạy với người dùng {me}): vui lòng trả lại "
    "quyền, ví dụ chown -R {me}: {folder}, rồi khởi động lại."
)
DATA_MISSING = (
    "Chưa có thư mục dữ liệu {folder} và người dùng {me} không tạo được nó: vui lòng tạo trước, "
    "ví dụ install -d -m 0700 -o {me} -g {me} {folder} (hoặc đặt FIELDBOT_DATA_DIR là một thư mục ghi được)."
)
ENV_FILE_UNREADABLE = (
    "Không đọc được tệp biến môi trường {path} ({reason}): vui lòng kiểm tra đường dẫn; trên máy chủ, "
    "chạy lệnh qua " + WRAPPER + "."
)
ENV_FILE_BAD_LINE = "{path}, dòng {line}: không phải dạng TÊN=giá trị; vui lòng sửa dòng đó."
NOT_XLSX = "{path} không phải tệp .xlsx: vui lòng mở bảng trong Excel và lưu dạng “Excel Workbook (.xlsx)”."
FILE_ERROR = "Không làm được với tệp {path} ({reason}): vui lòng kiểm tra đường dẫn và quyền ghi."

# argparse's own mistakes, in one sentence (exit status 2); {help} is how to see the command's options
HELP = "xem {command} --help"
USAGE_REQUIRED = "Thiếu {args}: vui lòng ghi đủ, {help}."
USAGE_ONE_OF = "Cần một trong {args}: {help}."
USAGE_COMMAND = "Không có lệnh “{value}”: vui lòng chọn một trong {choices}."
USAGE_CHOICE = "{arg} không nhận “{value}”: vui lòng chọn một trong {choices}."
USAGE_NUMBER = "{arg} phải là một số nguyên, không phải “{value}”."
USAGE_VALUE = "{arg} cần một giá trị: {help}."
USAGE_UNKNOWN = "Không hiểu “{args}”: {help}."
USAGE_TOGETHER = "{arg} không dùng cùng {other}: vui lòng chọn một."
USAGE_OTHER = "Lệnh gõ chưa đúng ({detail}): {help}."
USAGE_ROLE = "--role không nhận “{value}”: vui lòng ghi một vai trò, {roles}."

# --- the configuration file and environment, after "Lỗi cấu hình: " (exit status 2) ----------------------

CONFIG_KINDS = {"int": "một số nguyên", "float": "một số", "str": "chữ (trong dấu nháy)", "bool": "true hoặc false",
                "list": "một danh sách [ … ]", "dict": "một bảng"}
CONFIG_SECTION_MISSING = "{path}: thiếu mục [{section}]"
CONFIG_KEY_MISSING = "{where}: thiếu khóa này"
CONFIG_KEY_KIND = "{where} phải là {kind}, không phải {value}"
CONFIG_KEY_CHOICE = "{where} phải là một trong {choices}, không phải {value}"
CONFIG_KEY_POSITIVE = "{where} phải lớn hơn 0, không phải {value}"
CONFIG_LIMIT_ORDER = ("{where} {small} = {value} lớn hơn {large} = {limit} nên không bao giờ đạt tới: "
                      "vui lòng đặt {small} nhỏ hơn hoặc bằng {large}")
CONFIG_NOT_FOUND = "{path}: không có tệp cấu hình này (đặt --config hoặc FIELDBOT_CONFIG)"
CONFIG_IS_FOLDER = "{path} là một thư mục, không phải tệp cấu hình (đặt --config hoặc FIELDBOT_CONFIG)"
CONFIG_UNREADABLE = "{path}: không đọc được tệp cấu hình ({reason})"
CONFIG_NOT_UTF8 = "không phải văn bản UTF-8"
CONFIG_NOT_TOML = "{path}: không phải TOML hợp lệ: {error}"
CONFIG_TIME_ZONE = "{path}: [general] time_zone {zone} không phải một múi giờ (ví dụ \"Asia/Ho_Chi_Minh\")"
CONFIG_TODAY = "FIELDBOT_TODAY={text} không phải một ngày: vui lòng viết YYYY-MM-DD, ví dụ 2023-01-13"
CONFIG_DATABASE_URL = "{path}: [database] url phải bắt đầu bằng sqlite+aiosqlite:// hoặc postgresql+asyncpg://"
CONFIG_PUBLIC_URL = "{path}: [web] public_url phải bắt đầu bằng https:// (hoặc http:// khi thử nghiệm)"
CONFIG_TILES_URL = ("{path}: [web] tiles_url phải là địa chỉ https:// (hoặc http://) có {{z}}, {{x}} và {{y}}, "
                    "ví dụ https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png; để trống nếu không dùng bản đồ")
CONFIG_MEGABYTES = "{where} phải là một số nguyên megabyte lớn hơn 0, không phải {value}"
CONFIG_TIME_OF_DAY = "{where} phải là một giờ trong ngày dạng \"HH:MM\" (ví dụ \"21:00\"), không phải {value}"
CONFIG_QUIET_EMPTY = ("{path}: [notices] quiet_from và quiet_until trùng nhau; để gửi thông báo vào mọi giờ, "
                      "vui lòng đặt quiet_hours = false")
CONFIG_CUT_OFF = "{path}: [reporting] cut_off_day phải từ 1 đến 28, không phải {day}"
CONFIG_B_DEFAULT = "{path}: [reporting] b_default phải là một danh sách chữ"
CONFIG_TOKEN_SHAPE = (
    "{variable} không có dạng token bot (<số>:<chuỗi bí mật>): vui lòng chép lại cả token, không có dấu cách "
    "hay dấu nháy"
)
SECRET_HELP = 'tạo bằng: python3 -c "import secrets; print(secrets.token_urlsafe(32))"'
RUN_NEEDS_PUBLIC_URL = (
    '[{name}] mode = "webhook" cần [web] public_url trong {path}: địa chỉ https:// mà {platform} gửi tin tới '
    "(xem README, Running in production)."
)
RUN_NEEDS_SECRET = '[{name}] mode = "webhook" cần {variable} trong biến môi trường (' + SECRET_HELP + ")."
RUN_NEEDS_LINK_SECRET = (
    "Liên kết tải tài liệu cho Zalo ([web] public_url đã đặt) cần FIELDBOT_LINK_SECRET trong biến môi trường ("
    + SECRET_HELP + ")."
)
