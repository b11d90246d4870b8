"""Vietnamese texts of the operations commands (backup, restore, a person's data, the access log,
invitations from a list): what an IT officer reads in the terminal and in the sheets written."""

from __future__ import annotations

# --- backup / restore ---------------------------------------------------------------------------------

BACKUP_ERRORS = {
    "no_sqlite": "Không có cơ sở dữ liệu SQLite ở {path}: kiểm tra [general] data_dir hoặc DATABASE_URL.",
    "no_file": "Không có tệp {path}.",
    "not_sqlite": "{path} không phải bản sao lưu SQLite (với PostgreSQL, dùng tệp của pg_dump).",
    "broken": "{path} bị hỏng ({detail}); dùng một bản sao lưu khác.",
    "integrity": "{path} không qua kiểm tra toàn vẹn ({detail}); dùng một bản sao lưu khác.",
    "not_ours": "{path} không phải cơ sở dữ liệu của dost-fieldbot (không có bảng alembic_version).",
    "not_dump": "{path} không phải bản sao lưu pg_dump dạng custom (với SQLite, dùng tệp .sqlite3).",
    "no_tool": ("Không tìm thấy {tool}: cài gói postgresql-client cùng phiên bản chính với máy chủ "
                "(ví dụ apt install postgresql-client-16), rồi chạy lại."),
    "no_version": "Không đọc được số phiên bản từ “{text}”.",
    "old_tool": ("{tool} phiên bản {client} không đọc được máy chủ PostgreSQL {server}: cài "
                 "postgresql-client-{server} (hoặc mới hơn) và đặt nó trước trong PATH."),
    "tool_failed": "{tool} không thành công: {detail}",
}


def backup_error(key: str, args: dict) -> str:
    return BACKUP_ERRORS[key].format(**args)


def backup_done(backend: str, tables: int, rows: int | None, path, size: str) -> str:
    counted = f", {rows} dòng" if rows is not None else ""
    return f"Đã sao lưu cơ sở dữ liệu ({backend}, {tables} bảng{counted}) vào {path} ({size})."


RESTORE_RUNNING = ("Bot đang chạy trên cơ sở dữ liệu này: dừng nó trước khi khôi phục "
                   "(ví dụ systemctl stop dost-fieldbot), rồi chạy lại lệnh.")


def restored(path) -> str:
    return f"Đã khôi phục cơ sở dữ liệu từ {path} và cập nhật lược đồ. Khởi động lại bot."


# --- a person's data ----------------------------------------------------------------------------------

ERASED_LABEL = "Cán bộ đã xóa #{id}"
EMPTY_SHEET = "(trống)"
PERSON_BAD_SUFFIX = "Tên tệp phải kết thúc bằng .xlsx hoặc .json, ví dụ --out canbo_3.xlsx"
NO_SUCH_STAFF = "Không có cán bộ #{id}: xem số trong `main.py admin staff`."
PERSON_FILE_EXISTS = ("Tệp {path} đã có nên không ghi đè: vui lòng chọn tên khác cho --out, "
                      "hoặc thêm --force nếu muốn thay tệp đó.")


def person_exported(staff_id: int, path, counts: str) -> str:
    return f"Đã ghi mọi dữ liệu bot giữ về cán bộ #{staff_id} vào {path} ({counts})."


def person_erased(staff_id: int, accounts: int, messages: int, files: int, label: str, rewritten: int,
                  records: int) -> str:
    return (f"Đã xóa dữ liệu cá nhân của cán bộ #{staff_id}: {accounts} tài khoản, {messages} tin nhắn, "
            f"{files} tệp; tên được thay bằng “{label}” ở {rewritten} chỗ khác.\n"
            f"{records} bản ghi người này đã nhập vẫn được giữ và vẫn tính trong báo cáo "
            f"(số liệu thống kê của Sở là nhiệm vụ công), nay ghi tên “{label}”.")


# --- the access log -----------------------------------------------------------------------------------

LOG_BAD_DAYS = "--days phải là số ngày dương, ví dụ --days 30"
LOG_COMMAND_LINE = "dòng lệnh"
LOG_STAFF = "cán bộ #{id} "
LOG_PERIOD = "kỳ {period}"


def log_empty(days: int) -> str:
    return f"Không có thao tác nào trong {days} ngày qua."


# --- invitations from a list --------------------------------------------------------------------------

INVITE_NEEDS = "Cần --role và --name (hoặc --from STAFF.csv --out MA_MOI.xlsx); xem: main.py admin invite --help"
INVITE_NEEDS_OUT = "Cần --out TỆP.xlsx để ghi các mã mời, ví dụ --out ma_moi.xlsx"
INVITE_SHEET = "Mã mời"
INVITE_NAME_HEADERS = {"ho ten", "ho va ten", "ten", "name", "full name"}  # folded
INVITE_ROLE_HEADERS = {"vai tro", "roles", "role"}  # folded


def invite_header(system: str) -> list[str]:
    """The invitation sheet's columns; `system`: config.toml [language] system_name."""
    return ["Họ tên", "Vai trò", f"Gửi cho {system} (Zalo hoặc Telegram)", "Hết hạn"]


def invite_csv_format(roles: str) -> str:
    return ("Tệp CSV cần dòng tiêu đề có cột “Họ tên” và cột “Vai trò” (ví dụ: Nguyễn Văn B,inspector; "
            f"vai trò: {roles} hoặc tên tiếng Việt của chúng).")


def invite_bad_role(line: int, cell: str, roles: str) -> str:
    return f"Dòng {line}: vai trò “{cell}” không hợp lệ. Các vai trò: {roles}."


def invite_bad_rows(path, count: int) -> str:
    return f"{path}: {count} dòng cần sửa, chưa tạo mã mời nào (sửa hết rồi chạy lại lệnh):"


def invite_no_name(line: int) -> str:
    return f"Dòng {line}: thiếu họ tên."


def invite_no_file(path) -> str:
    return f"Không có tệp {path}."


def invite_not_utf8(path) -> str:
    return f"{path} không phải văn bản UTF-8: trong Excel, lưu bằng “CSV UTF-8”."


def invite_empty(path, roles: str) -> str:
    return f"{path} trống. {invite_csv_format(roles)}"


def invite_no_rows(path) -> str:
    return f"{path} không có dòng nào sau dòng tiêu đề."


def invites_made(count: int, path, days: int) -> str:
    return (f"Đã tạo {count} mã mời, ghi vào {path} (chỉ chủ tệp đọc được), hết hạn sau {days} ngày. "
            "Phát cho từng người; mỗi mã dùng một lần.")
