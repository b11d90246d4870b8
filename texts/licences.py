"""Vietnamese texts of the licence register: /tracuu, the weekly expiry digest, the register's files
and its import (`main.py licences …`). Reviewed by a Vietnamese reader; the code only fills the blanks.
"""

from __future__ import annotations

import datetime as dt

from texts.common import format_date

# --- /tracuu ----------------------------------------------------------------------------------------

COMMAND_DESCRIPTION = "tra cứu giấy phép, chứng chỉ theo số, người được cấp hoặc cơ sở"
STATUS = {"valid": "còn hiệu lực", "soon": "sắp hết hạn", "expired": "hết hạn", "replaced": "đã được thay thế"}
ACTIONS = {"cap_moi": "cấp", "gia_han": "gia hạn", "sua_doi": "sửa đổi", "cap_lai": "cấp lại"}
NO_EXPIRY = "không thời hạn"
USAGE = ("Vui lòng gõ số giấy phép, tên người được cấp hoặc tên cơ sở sau lệnh (có thể gõ không dấu, một phần "
         "của tên), ví dụ: /tracuu 12/GP-SKHCN hoặc /tracuu phong kham an binh.")
MANAGER_FILES = ("Tệp Excel cho lãnh đạo: /tracuu sắp hết hạn 90 — danh sách hết hạn trong 90 ngày tới (đổi số "
                 "ngày nếu cần); /tracuu toàn bộ — cả sổ giấy phép, chứng chỉ.")
BAD_DAYS = "Số ngày phải là một số từ 1 đến 3650, ví dụ /tracuu sắp hết hạn 90."
KEEP_ANSWERING = "Bản nháp “{title}” vẫn giữ nguyên; vui lòng trả lời tiếp câu hỏi đang dở."


def none_found(query: str) -> str:
    return (f"Không tìm thấy giấy phép, chứng chỉ nào khớp với “{query}”. Vui lòng kiểm tra lại số hoặc tên "
            "(có thể gõ không dấu, một phần của tên).")


def found_header(query: str, total: int, typo: bool) -> str:
    if typo:
        return f"Không có kết quả khớp đúng “{query}”; {total:02d} kết quả gần đúng (khác một chữ cái):"
    return f"Tìm thấy {total:02d} giấy phép, chứng chỉ khớp với “{query}”:"


def more_results(shown: int, total: int) -> str:
    return (f"Đây là {shown} kết quả đầu trong {total}. Vui lòng gõ thêm để thu hẹp: số giấy phép, thêm một "
            "từ của tên người được cấp hoặc của tên cơ sở.")


def facility_header(name: str, count: int) -> str:
    if not count:
        return f"Cơ sở “{name}” chưa có giấy phép, chứng chỉ nào trong sổ."
    return f"Giấy phép, chứng chỉ của cơ sở “{name}” ({count:02d}):"


def status_text(status: str, expiry: dt.date | None, today: dt.date) -> str:
    label = STATUS[status]
    if status == "soon" and expiry is not None:
        return f"{label} (còn {(expiry - today).days} ngày)"
    return label


def licence_block(position: int, number: str, kind: str, holder: str, facility: str, issued: dt.date,
                  expiry: dt.date | None, status: str, steps: list[str]) -> str:
    """One licence in /tracuu's answer; `status` is already worded (status_text)."""
    lines = [f"{position}. Số {number} — {kind}", f"   Được cấp cho: {holder}"]
    if facility and facility != holder:
        lines.append(f"   Cơ sở: {facility}")
    lines.append(f"   Ngày cấp {format_date(issued)}; " + (f"thời hạn đến {format_date(expiry)}" if expiry else NO_EXPIRY))
    lines.append(f"   Tình trạng: {status}")
    if len(steps) > 1:
        lines.append("   Quá trình: " + " → ".join(steps))
    return "\n".join(lines)


def history_step(action: str, issued: dt.date, number: str, same_number: bool) -> str:
    step = f"{ACTIONS.get(action, action)} {format_date(issued)}"
    return step if same_number else f"{step} (số {number})"


# --- the register's files in the chat (managers) -------------------------------------------------------

EXPIRING, REGISTER = "licences_expiring", "licences_register"


def making(kind: str, days: int) -> str:
    if kind == EXPIRING:
        return f"Đang lập danh sách giấy phép, chứng chỉ hết hạn trong {days} ngày tới…"
    return "Đang lập sổ giấy phép, chứng chỉ…"


def ready(kind: str, count: int) -> str:
    what = "danh sách" if kind == EXPIRING else "sổ giấy phép"
    return f"Đã lập xong {what}: {count:02d} giấy phép, chứng chỉ."


def caption(kind: str, today: dt.date, days: int) -> str:
    if kind == EXPIRING:
        until = today + dt.timedelta(days=days)
        return f"Giấy phép, chứng chỉ hết hạn đến {format_date(until)} và đã hết hạn chưa gia hạn"
    return f"Sổ giấy phép, chứng chỉ ngày {format_date(today)}"


FILE_FAILED = "Không lập được tệp; vui lòng thử lại sau hoặc báo quản trị hệ thống."

# The sheet (main.py licences expiring | export; the same files in the chat).
SHEET_EXPIRING = "Sắp hết hạn"
SHEET_REGISTER = "Sổ giấy phép"
COLUMNS = ("Số giấy phép", "Loại", "Hình thức", "Được cấp cho", "Cơ sở", "Mã số thuế", "Ngày cấp", "Ngày hết hạn",
           "Tình trạng", "Còn (ngày)", "Thay thế giấy phép", "Nguồn")
SOURCE_IMPORTED = "nhập từ sổ cũ"
SOURCE_CHAT = "ghi qua /giayphep"

# --- the weekly digest and the managers' copy with the monthly reminder --------------------------------


def digest_header(today: dt.date, managers: bool) -> str:
    if managers:
        return f"Kèm nhắc việc: giấy phép, chứng chỉ cần gia hạn (tính đến {format_date(today)})."
    return f"Giấy phép, chứng chỉ cần gia hạn, tuần bắt đầu {format_date(today)}."


def digest_group(days: int | None, count: int) -> str:
    if days is None:
        return f"Đã hết hạn, chưa gia hạn ({count:02d}):"
    return f"Hết hạn trong {days} ngày tới ({count:02d}):"


def digest_line(number: str, holder: str, expiry: dt.date) -> str:
    return f"- {number} — {holder} — hết hạn {format_date(expiry)}"


def digest_more(count: int) -> str:
    return f"- … và {count} giấy phép, chứng chỉ khác."


def nothing_due(days: int) -> str:
    return f"Không có giấy phép, chứng chỉ nào hết hạn trong {days} ngày tới hoặc đã hết hạn mà chưa gia hạn."


DIGEST_FOOTER = "Gõ /tracuu kèm số giấy phép để xem chi tiết; giấy phép đã gia hạn qua /giayphep không còn được nhắc."


def renewal_linked(noun: str, saved_id: int, old_number: str, old_id: int) -> str:
    return (f"Đã lưu {noun} #{saved_id}; thay thế giấy phép số {old_number} (#{old_id}), "
            "giấy phép cũ không còn được nhắc hạn.")


# --- the register's import (main.py licences import) -----------------------------------------------------

IMPORT_COLUMNS = {"number": "Số giấy phép", "kind": "Loại", "action": "Hình thức", "holder": "Được cấp cho",
                  "facility": "Cơ sở", "tax_code": "Mã số thuế", "address": "Địa chỉ", "issued": "Ngày cấp",
                  "expiry": "Ngày hết hạn"}
IMPORT_NO_HEADER = ("không thấy dòng tiêu đề trong 10 dòng đầu; cần các cột: Số giấy phép, Loại, Được cấp cho, "
                    "Ngày cấp (và nếu có: Hình thức, Cơ sở, Mã số thuế, Địa chỉ, Ngày hết hạn)")
IMPORT_BAD_FILE = "không mở được tệp .xlsx: {reason}"
IMPORT_MISSING = "thiếu {column}"
IMPORT_BAD_KIND = "loại “{value}” không có trong danh mục ({known})"
IMPORT_BAD_ACTION = "hình thức “{value}” không rõ (cấp mới, gia hạn, sửa đổi bổ sung, cấp lại)"
IMPORT_BAD_DATE = "ô {cell}: “{value}” không phải ngày (ngày/tháng/năm, ví dụ 13/01/2023)"
IMPORT_EXPIRY_BEFORE = "ngày hết hạn {expiry} không sau ngày cấp {issued}"
IMPORT_NO_EXPIRY = "thiếu ngày hết hạn (gia hạn, sửa đổi, cấp lại phải ghi rõ)"
IMPORT_BAD_TAX = "mã số thuế “{value}” không đúng (10 số, hoặc 13 số dạng 0101234567-001)"
IMPORT_TOO_LONG = "{column} dài quá {limit} ký tự"
IMPORT_FUTURE = "ngày cấp {issued} chưa tới"
IMPORT_NOTHING_WRITTEN = "Chưa ghi gì vào sổ vì tệp còn dòng lỗi; vui lòng sửa các dòng trên rồi nhập lại cả tệp."


def import_row_error(row: int, message: str) -> str:
    return f"dòng {row}: {message}"


def import_duplicate(line: int) -> str:
    return f"trùng với dòng {line} (cùng số, loại, hình thức và ngày cấp)"


def import_summary(created: int, updated: int, unchanged: int, facilities: int) -> str:
    return (f"Đã nhập sổ giấy phép: thêm mới {created}, cập nhật {updated}, không đổi {unchanged}; "
            f"thêm {facilities} cơ sở mới.")


# `main.py licences import --help` and the README.
IMPORT_FORMAT = """\
An .xlsx whose first sheet has a header row (within the first 10 rows; a title above it and header
cells merged over two rows are fine) naming the columns in any order, upper or lower case, with or
without diacritics; then one licence or certificate per row. The whole file is checked first: every
bad row is listed with its number and reason, and nothing is written while any row is bad. A row
already in the register (same number, kind, action and issue date) is left as it is, so importing
the same file twice changes nothing. Imported licences are marked as such and never counted in a
period's report.

  Số giấy phép   required  the number with its symbol, e.g. 12/GP-SKHCN (also: Số, Số GP, Số chứng chỉ)
  Loại           required  a licence kind of config.toml by label, key or synonym: X-quang, chứng chỉ
                           nhân viên bức xạ… (also: Loại giấy phép, Loại giấy tờ)
  Được cấp cho   required  the organisation or person (also: Tổ chức/cá nhân được cấp, Người được cấp,
                           Tên tổ chức, Chủ sở hữu)
  Ngày cấp       required  an Excel date or dd/mm/yyyy text
  Hình thức      optional  cấp mới (the default), gia hạn, sửa đổi bổ sung, cấp lại
  Ngày hết hạn   optional  an Excel date or dd/mm/yyyy text; empty: a new licence runs the kind's
                           validity_years from its issue date; a renewal, amendment or re-issue of a
                           kind with an expiry must give it (also: Hết hạn, Thời hạn, Có hiệu lực đến)
  Cơ sở          optional  where the equipment is installed (also: Tên cơ sở, Nơi đặt thiết bị)
  Mã số thuế     optional  the facility's tax code (also: MST)
  Địa chỉ        optional  the facility's address, kept when the facility is created

The facility (else the holder) is matched to the facilities on file by tax code, else by the same
name; when none matches it is added (kind "khác"). A renewal, amendment or re-issue is linked to the
licence it replaces, so that licence is no longer reminded.
"""

# --- main.py licences expiring | export ------------------------------------------------------------------

CLI_DAYS = "--days phải là số ngày từ 1 đến 3650, ví dụ --days 90."


def cli_written(kind: str, rows: int, path: str) -> str:
    what = "Giấy phép, chứng chỉ sắp hết hạn" if kind == EXPIRING else "Sổ giấy phép, chứng chỉ"
    return f"{what} ({rows} giấy phép): {path}"
