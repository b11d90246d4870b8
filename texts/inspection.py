"""Vietnamese texts of the field inspection form (/kiemtra), facilities, /gopcoso and the facility import.

One place for a Vietnamese reader to review. Errors are one sentence saying what is expected.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from texts.common import EDIT as EDIT_WORD  # the review's "Sửa"

# --- /kiemtra -------------------------------------------------------------------------------------

TITLE = "Kết quả kiểm tra cơ sở"
COMMAND_DESCRIPTION = "ghi kết quả kiểm tra một cơ sở (xăng dầu, điện - điện tử, gas…)"
NO_OPEN_PLAN = (
    "Chưa có kế hoạch kiểm tra nào đang mở nên chưa ghi được kết quả kiểm tra. "
    "Vui lòng đề nghị lãnh đạo thêm kế hoạch bằng lệnh /kehoach rồi gõ lại /kiemtra."
)

ASK_PLAN = "Kiểm tra theo kế hoạch nào?"
LABEL_PLAN = "Kế hoạch"
ASK_DATE = "Ngày kiểm tra? (ví dụ 13/1, “hôm qua”)"
LABEL_DATE = "Ngày"
ASK_KIND = "Loại cơ sở?"
LABEL_KIND = "Loại cơ sở"
ASK_QUERY = "Tên cơ sở: gõ vài chữ trong tên (có dấu hoặc không dấu), ví dụ với “Cửa hàng xăng dầu Số 5” gõ “so 5”."
LABEL_QUERY = "Tìm cơ sở"
ASK_FACILITY = "Chọn cơ sở (không thấy thì gõ “quay lại” để tìm bằng chữ khác):"
LABEL_FACILITY = "Cơ sở"
NEW_FACILITY = "➕ Thêm cơ sở mới"
ASK_NEW_NAME = "Tên cơ sở mới (đầy đủ, như trên biển hiệu hoặc giấy đăng ký)?"
LABEL_NEW_NAME = "Tên cơ sở"
ASK_NEW_TAX = "Mã số thuế (10 số, hoặc 13 số dạng 0101234567-001)? Không biết thì gõ “bỏ qua”."
LABEL_NEW_TAX = "Mã số thuế"
ASK_NEW_ADDRESS = "Địa chỉ cơ sở (thôn/đường, xã/phường)?"
LABEL_NEW_ADDRESS = "Địa chỉ"
ASK_MORE_INSPECTORS = "Có công chức khác cùng tham gia kiểm tra không?"
ASK_INSPECTOR = "Chọn công chức kiểm tra cùng đi:"
LABEL_INSPECTOR = "Người cùng đi"
GROUP_INSPECTORS = "Người cùng đi"
ASK_GPS = (
    "Vị trí cơ sở: gõ địa chỉ hoặc tọa độ (vĩ độ, kinh độ như bản đồ trên điện thoại hiện, cách nhau dấu phẩy), "
    "hoặc bấm “📍 Gửi vị trí hiện tại” nếu có nút này; gõ “bỏ qua” nếu không cần. "
    "Vị trí được lưu cho cơ sở, không theo dõi người."
)
# a new facility's address was just typed: only its position is asked, and it may be skipped
ASK_GPS_POSITION = (
    "Tọa độ cơ sở (không bắt buộc, địa chỉ đã ghi ở câu trước): gõ tọa độ (vĩ độ, kinh độ như bản đồ trên điện thoại hiện, cách nhau dấu phẩy), "
    "hoặc bấm “📍 Gửi vị trí hiện tại” nếu có nút này; gõ “bỏ qua” nếu không cần. "
    "Vị trí được lưu cho cơ sở, không theo dõi người."
)
GPS_ADDRESS_GIVEN = "Địa chỉ đã ghi ở câu trước; ở đây vui lòng gõ tọa độ (vĩ độ, kinh độ như bản đồ trên điện thoại hiện, cách nhau dấu phẩy), hoặc gõ “bỏ qua”."
LABEL_GPS = "Vị trí"
# the review's edit menu: one entry per section, its questions asked again in order
SECTION_FACILITY, SECTION_CRITERIA, SECTION_ACTION = "Cơ sở", "Tiêu chí", "Xử lý"
LABEL_ALL_OK = "Tất cả đạt"
MET, NOT_MET, NOT_APPLICABLE = "Đạt", "Không đạt", "Không áp dụng"
LABEL_NOTE = "Ghi chú"
ASK_PUMPS_QUICK = (
    "Cột đo: gõ số hiệu và sai số (%) của từng cột, các cột cách nhau bằng dấu chấm phẩy, "
    "ví dụ: CD01 -0,2; CD02 +0,1\n"
    "Cột hết hạn kiểm định hoặc mất niêm phong: thêm “hết hạn” hoặc “mất niêm phong”, ví dụ: CD03 +0,1 hết hạn"
)
PUMPS_OUT = "⚠ Cột đo không đạt:"
LABEL_PUMPS_QUICK = "Cột đo"
ASK_ACTION = "Biện pháp xử lý?"
LABEL_ACTION = "Xử lý"
ACTIONS = (
    ("none", "Không xử lý"),
    ("reminder", "Nhắc nhở"),
    ("record", "Lập biên bản vi phạm hành chính"),
    ("fine", "Xử phạt vi phạm hành chính (phạt tiền)"),
)
ASK_FINE = "Số tiền phạt (đồng), ví dụ 7.500.000 hoặc 7,5 triệu?"
LABEL_FINE = "Tiền phạt"
ASK_VIOLATIONS = "Nội dung vi phạm hoặc nhắc nhở (ngắn gọn)? Gõ “bỏ qua” nếu không có."
LABEL_VIOLATIONS = "Vi phạm"

# validation
NAME_TOO_SHORT = "Tên cơ sở quá ngắn, vui lòng gõ tên đầy đủ."
TAX_CODE_BAD = "Mã số thuế gồm 10 chữ số, hoặc 13 chữ số dạng 0101234567-001; vui lòng kiểm tra lại."
KIND_CHANGED = "Loại cơ sở đã đổi, vui lòng chọn lại cơ sở."
QUERY_TOO_SHORT = "Vui lòng gõ ít nhất 2 chữ cái của tên cơ sở."
PUMP_ERROR_RANGE = "Sai số phải nằm trong khoảng -100% đến +100%, ví dụ -0,3; vui lòng kiểm tra lại."
FINE_POSITIVE = "Số tiền phạt phải lớn hơn 0, ví dụ 7.500.000 hoặc 7,5 triệu."
# 0 is no fine: the action chosen was a fine, so say how to choose another
FINE_ZERO = (
    "Số tiền phạt phải lớn hơn 0, ví dụ 7.500.000 hoặc 7,5 triệu; "
    "không phạt tiền thì gõ “quay lại” để chọn biện pháp xử lý khác."
)
PUMPS_EMPTY = "Vui lòng gõ ít nhất một cột đo, ví dụ: CD01 -0,2"
PUMPS_TOO_MANY = "Tối đa {limit} cột đo trong một lần nhập; vui lòng kiểm tra lại."


def all_ok_prompt(criteria: list[str], has_pumps: bool, limit: Decimal) -> str:
    lines = ["Cơ sở đạt tất cả các tiêu chí sau?"]
    lines += [f"• {label}" for label in criteria]
    if has_pumps:
        lines.append(f"• Mọi cột đo: kiểm định còn hạn, niêm phong nguyên vẹn (sai số nhập sau, giới hạn ±{pct(limit)})")
    lines.append("Chọn 1 (Có) nếu đạt tất cả; 2 (Không) để chọn tiêu chí không đạt.")
    return "\n".join(lines)


LABEL_FAILED = "Tiêu chí không đạt"


def which_failed_prompt(criteria: list[str]) -> str:
    lines = ["Tiêu chí nào không đạt? Gõ số, ví dụ “2 3”:"]
    lines += [f"{i}. {label}" for i, label in enumerate(criteria, start=1)]
    lines.append("Tiêu chí không áp dụng: gõ thêm “ka” rồi số, ví dụ “2 ka 1”. Các tiêu chí còn lại là đạt.")
    return "\n".join(lines)


def failed_numbers_bad(count: int) -> str:
    return f"Vui lòng gõ số của các tiêu chí không đạt, từ 1 đến {count}, ví dụ “2 3” (không áp dụng: “2 ka 1”)."


def note_prompt(label: str) -> str:
    return f"Ghi chú cho “{label}” (vi phạm cụ thể)? Gõ “bỏ qua” nếu không có."


def pump_serial_bad(position: int, item: str) -> str:
    return (
        f"Cột thứ {position} (“{item}”): không đọc được sai số. "
        "Gõ mỗi cột: số hiệu rồi sai số, cách nhau bằng dấu chấm phẩy, ví dụ: CD01 -0,2; CD02 0,1 "
        "(thêm “hết hạn” hoặc “mất niêm phong” nếu có)"
    )


def facility_already_recorded(visit_id: int) -> str:
    return (
        f"Cơ sở này đã có kết quả kiểm tra #{visit_id} cùng kế hoạch và cùng ngày; "
        "mỗi lần kiểm tra chỉ lưu một kết quả (gõ “quay lại” để đổi ngày, hoặc chọn cơ sở khác)."
    )


def pct(value: Decimal | float | str) -> str:
    """0.45 → "0,45%" (no space, as the report writes it); a sign is kept when present."""
    return f"{format_decimal(value)}%"


def format_decimal(value: Decimal | float | str) -> str:
    text = format(Decimal(str(value)).normalize(), "f")
    return text.replace(".", ",")


def signed_pct(value: Decimal | float | str) -> str:
    """A pump's error as the report and the export print it: sign and two decimals, "+0,60%", "-0,20%"."""
    number = Decimal(str(value)).quantize(Decimal("0.01"))
    return f"{number:+f}%".replace(".", ",")


def format_money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def format_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def plan_label(number: str, plan_date: dt.date, subject: str) -> str:
    subject = subject if len(subject) <= 60 else subject[:57] + "…"
    return f"{number} ngày {format_date(plan_date)} — {subject}" if subject else f"{number} ngày {format_date(plan_date)}"


def facility_label(name: str, address: str, tax_code: str) -> str:
    extra = ", ".join(part for part in (address, f"MST {tax_code}" if tax_code else "") if part)
    return f"{name} ({extra})" if extra else name


def facility_recorded_label(name: str, visit_id: int) -> str:
    return f"{name} — đã có kết quả kiểm tra #{visit_id}"


def no_match_new(query: str) -> str:
    """The one choice left when the search finds nothing: says so before offering to add one."""
    return f"Không tìm thấy cơ sở nào có tên chứa “{query}” — ➕ thêm cơ sở mới"


# --- the review -----------------------------------------------------------------------------------

REVIEW_TITLE = "KẾT QUẢ KIỂM TRA — {kind}"
REVIEW_ALL_MET = "Tiêu chí: tất cả đạt"
REVIEW_CRITERIA = "Tiêu chí:"
REVIEW_NEW_FACILITY = " (cơ sở mới)"
REVIEW_TEAM = "Đoàn kiểm tra"
REVIEW_INSPECTOR = "Người kiểm tra"  # alone
REVIEW_VERDICT_OK = "Kết luận: ĐẠT"
REVIEW_VERDICT_BAD = "Kết luận: KHÔNG ĐẠT"
REVIEW_PHOTOS = "Ảnh"
OVER_LIMIT = "vượt giới hạn"
WITHIN_LIMIT = "trong giới hạn"
CERT_EXPIRED = "hết hạn kiểm định"
# The words the pump line reads after a pump's error (handlers/pumps.py), as a correction writes them back.
PUMP_EXPIRED_WORDS = "hết hạn"
PUMP_UNSEALED_WORDS = "mất niêm phong"
SEALS_BROKEN = PUMP_UNSEALED_WORDS  # one wording: as typed, in the review and the export
RESULT_MARK = {"met": "✓", "not_met": "✗", "na": "–"}
RESULT_WORD = {"met": MET, "not_met": NOT_MET, "na": NOT_APPLICABLE}


def review_duplicate(visit_id: int, who: str, day: dt.date) -> str:
    return (
        f"⚠ Cơ sở này đã có kết quả kiểm tra #{visit_id} ({who} lưu) cho cùng kế hoạch, ngày {format_date(day)}. "
        "Kết quả trùng sẽ không được lưu: vui lòng sửa ngày hoặc cơ sở, hoặc hủy."
    )


def review_tax_code_known(name: str) -> str:
    return f"ℹ Mã số thuế này đã có trong danh sách: {name} — kết quả kiểm tra sẽ gắn với cơ sở đó."


def pump_name(position: int, serial: str) -> str:
    return serial or f"Cột {position}"


def pump_line(position: int, serial: str, error: Decimal, within: bool, cert: bool, seals: bool, limit: Decimal) -> str:
    name = pump_name(position, serial)
    notes = [WITHIN_LIMIT if within else f"{OVER_LIMIT} ±{pct(limit)}"]
    if not cert:
        notes.append(CERT_EXPIRED)
    if not seals:
        notes.append(SEALS_BROKEN)
    mark = "✓" if within and cert and seals else "✗"
    return f"  {mark} {name}: {signed_pct(error)} — {', '.join(notes)}"


def pumps_header(count: int) -> str:
    return f"Cột đo ({count}):"


# A criterion the pumps also answer (catalogue `pumps`): what a pump fails, or keeps, of it.
PUMP_FAULT = {"certificate": "hết hạn kiểm định", "seals": "mất niêm phong", "error": "có sai số vượt giới hạn"}
PUMP_SOUND = {"certificate": "còn hiệu lực kiểm định", "seals": "còn niêm phong", "error": "có sai số trong giới hạn"}


def pumps_fail_criterion(label: str, result: str, pumps: list[str], aspect: str) -> str:
    """The review, when the checklist says met (or not applicable) and a pump typed fails the criterion."""
    return (
        f"⚠ Tiêu chí “{label}” được trả lời {RESULT_WORD[result].lower()}, nhưng cột đo {', '.join(pumps)} "
        f"{PUMP_FAULT[aspect]}: báo cáo sẽ tính cơ sở không đạt tiêu chí này. Nếu có chỗ gõ nhầm, chọn {EDIT_WORD}."
    )


def pumps_pass_criterion(label: str, aspect: str) -> str:
    """The review, when the checklist says not met and every pump typed passes what the criterion covers."""
    return (
        f"⚠ Tiêu chí “{label}” được trả lời không đạt, nhưng các cột đo đã nhập đều {PUMP_SOUND[aspect]}: "
        f"báo cáo vẫn tính cơ sở không đạt tiêu chí này theo câu trả lời. Nếu có chỗ gõ nhầm, chọn {EDIT_WORD}."
    )


# --- saving ---------------------------------------------------------------------------------------


def saved(visit_id: int, facility: str, compliant: bool) -> str:
    verdict = "đạt" if compliant else "không đạt"
    return f"Đã lưu kết quả kiểm tra #{visit_id} — {facility} ({verdict})."


def refused_duplicate(visit_id: int, who: str) -> str:
    return (
        f"Không lưu: cơ sở này đã có kết quả kiểm tra #{visit_id} ({who} lưu) cùng kế hoạch, cùng ngày. "
        "Mỗi lần kiểm tra chỉ có một kết quả."
    )


def someone(staff_id: int) -> str:
    return f"cán bộ #{staff_id}"


# --- /gopcoso -------------------------------------------------------------------------------------

MERGE_TITLE = "Gộp cơ sở nhập trùng"
MERGE_DESCRIPTION = "gộp hai cơ sở bị nhập hai lần"
MERGE_ASK_QUERY = "Gõ vài chữ trong tên cơ sở bị nhập trùng (có dấu hoặc không dấu):"
MERGE_LABEL_QUERY = "Tìm"
MERGE_ASK_KEEP = "Chọn cơ sở GIỮ LẠI (bản đúng):"
MERGE_LABEL_KEEP = "Giữ lại"
MERGE_ASK_QUERY2 = "Tìm bản TRÙNG: gõ vài chữ trong tên của nó."
MERGE_LABEL_QUERY2 = "Tìm bản trùng"
MERGE_ASK_DUPLICATE = "Chọn cơ sở TRÙNG (sẽ gộp vào cơ sở giữ lại):"
MERGE_LABEL_DUPLICATE = "Bản trùng"
MERGE_SAME = "Không thể gộp một cơ sở vào chính nó, vui lòng chọn cơ sở khác."
MERGE_GONE = "Một trong hai cơ sở vừa bị gộp hoặc thay đổi; không gộp gì. Vui lòng gõ /gopcoso để làm lại."


def merge_search_again(query: str) -> str:
    return f"Tìm lại “{query}”"


def merge_summary(keep: str, duplicate: str, visits: int) -> str:
    return (
        f"{MERGE_TITLE}\nGiữ lại: {keep}\nBản trùng: {duplicate}\n"
        f"{visits} kết quả kiểm tra của bản trùng sẽ chuyển sang cơ sở giữ lại; bản trùng không còn hiện khi tìm."
    )


def merged(keep: str, duplicate: str) -> str:
    return f"Đã gộp “{duplicate}” vào “{keep}”."


# --- the facility import --------------------------------------------------------------------------

IMPORT_NO_HEADER = "dòng 1: không thấy tiêu đề cột; cần các cột: Tên cơ sở, Loại, Địa chỉ, Tỉnh, Mã số thuế"
IMPORT_MISSING_COLUMNS = "dòng 1: thiếu cột {columns}"
IMPORT_NOT_TEXT = "ô {cell} không phải chữ (vui lòng định dạng cột là Text để giữ số 0 ở đầu)"
IMPORT_NO_NAME = "thiếu tên cơ sở"
IMPORT_NO_TAX = "thiếu mã số thuế"
IMPORT_BAD_TAX = "mã số thuế “{value}” không đúng (10 số, hoặc 13 số dạng 0101234567-001)"
IMPORT_BAD_KIND = "loại cơ sở “{value}” không có trong danh mục ({known})"
IMPORT_TOO_LONG = "{column} dài quá {limit} ký tự"
IMPORT_CONFLICT = "không lưu được: {reason}"
IMPORT_BAD_FILE = "không mở được tệp .xlsx: {reason}"


def import_row_error(row: int, message: str) -> str:
    return f"dòng {row}: {message}"


def import_refused(created: int, updated: int, unchanged: int, errors: int) -> str:
    return (f"Chưa ghi gì: tệp có {errors} dòng lỗi (liệt kê dưới đây); vui lòng sửa rồi nhập lại cả tệp. "
            f"Các dòng đúng sẽ thêm mới {created}, cập nhật {updated}, không đổi {unchanged}.")


def import_summary(created: int, updated: int, unchanged: int, errors: int) -> str:
    return f"Thêm mới {created}, cập nhật {updated}, không đổi {unchanged}, lỗi {errors} dòng."

# --- the facility import (python main.py facilities import) -------------------------------------

IMPORT_COLUMNS = {"name": "Tên cơ sở", "kind": "Loại", "address": "Địa chỉ", "province": "Tỉnh",
                  "tax_code": "Mã số thuế"}
IMPORT_KIND_NEEDED = "cần ghi loại cho cơ sở mới"
# `main.py facilities import --help` and the README (docs/sample-facilities.xlsx is an example).
IMPORT_FORMAT = """\
An .xlsx whose first sheet has a header row naming the columns (any order; upper or lower case, with
or without diacritics), then one facility per row. Rows are keyed by tax code: a known tax code
updates that facility, a new one adds it. The whole file is checked before anything is written.

  Tên cơ sở   required  the facility's name (also: Tên, Tên doanh nghiệp, Tên cửa hàng, Cơ sở)
  Loại        required  a facility kind of config.toml, by label or key: xăng dầu, thiết bị điện -
                        điện tử, gas, khác (also: Loại cơ sở, Loại hình, Lĩnh vực); may be empty
                        for a known tax code (the kind is kept)
  Mã số thuế  required  10 digits, or 10-3 for a branch (also: MST, Mã số doanh nghiệp)
  Địa chỉ     optional  street, commune or ward (also: Xã/phường); no district since 2025
  Tỉnh        optional  province (also: Tỉnh/thành phố)

Sample: docs/sample-facilities.xlsx (made by docs/make_sample_facilities.py).
"""


def import_duplicate(tax_code: str, line: int) -> str:
    return f"mã số thuế {tax_code} trùng với dòng {line}"
