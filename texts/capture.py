"""Vietnamese texts of the capture forms (/kiemdinh, /giayphep, /hoatdong, /kehoach), of /cuatoi,
/chotky and the reminders. Reviewed by a Vietnamese reader; the code only fills the blanks.

Prompts end with a question mark and say, where it helps, what to type; every refusal is one
sentence saying what is expected, because on Zalo it is one more message on a phone screen.
"""

from __future__ import annotations

import datetime as dt

from texts.common import format_count, format_date, lower_label

# --- shared -------------------------------------------------------------------------------------

DATE_LABEL = "Ngày"
CUSTOMER_LABEL = "Khách hàng"
NOTHING = "—"
SAVED = "Đã lưu {noun} #{id}."
UPDATED = "Đã sửa {noun} #{id}."
DELETED = "Đã xóa {noun} #{id}."
UNCHANGED = "Không có thay đổi nào, {noun} #{id} giữ nguyên."
CORRECTION_SUFFIX = " Kỳ {period} đã chốt nên thay đổi này được ghi nhật ký là điều chỉnh."
NOT_YOURS = "Chỉ người đã nhập bản ghi mới sửa hoặc xóa được bản ghi đó."
RECORD_GONE = "Bản ghi này không còn (có thể đã bị xóa), không có gì được lưu."
CHANGED_MEANWHILE = "Bản ghi vừa được người khác sửa trong lúc đang nhập; vui lòng mở lại bằng /cuatoi rồi sửa lại."
EDIT_HEADER = "Sửa {noun} #{id}"
CLOSED_NOTICE = "⚠ Kỳ {period} đã chốt: nếu xác nhận, thay đổi sẽ được ghi nhật ký là điều chỉnh của lãnh đạo."
def period_closed(period: str) -> str:
    """Said when a date falls in a closed period (a form's date question, or a save that lost a race)."""
    return (
        f"Kỳ {period} đã chốt, không nhận thêm hoặc sửa số liệu của kỳ này. "
        "Vui lòng nhập một ngày thuộc kỳ đang mở, hoặc đề nghị lãnh đạo điều chỉnh."
    )


def period_choice(period: str) -> str:
    """A period as an item of a list: "Kỳ tháng 12/2026 (15/11–14/12/2026)"."""
    return f"Kỳ {period}"


def count(value: int | None) -> str:
    return NOTHING if value is None else format_count(value)


def text_or_dash(value: str | None) -> str:
    return value or NOTHING


# --- /kiemdinh ------------------------------------------------------------------------------------

CAL_TITLE = "Kiểm định, hiệu chuẩn phương tiện đo"
CAL_NOUN = "lô kiểm định"
CAL_DESCRIPTION = "ghi một lô phương tiện đo đã kiểm định, hiệu chuẩn"
CAL_DATE = "Ngày kiểm định, hiệu chuẩn? (ví dụ 13/01/2023, “hôm qua”)"
CAL_FIELD = "Lĩnh vực?"
CAL_FIELD_LABEL = "Lĩnh vực"
CAL_VERIFIED = "Số phương tiện đo đã kiểm định, hiệu chuẩn?"
CAL_VERIFIED_LABEL = "Số PTĐ kiểm định"
CAL_REJECTED = "Số phương tiện đo bị loại bỏ (không đạt)?"
CAL_REJECTED_LABEL = "Số PTĐ loại bỏ"
CAL_NONE_REJECTED = "Không có (0)"
CAL_CERTIFICATES = "Số giấy chứng nhận (kiểm định, hiệu chuẩn) đã cấp?"
CAL_CERTIFICATES_LABEL = "Giấy chứng nhận"
CAL_CUSTOMER = "Khách hàng (đơn vị gửi kiểm định)? Gõ “bỏ qua” nếu không cần ghi."
CAL_TOO_MANY_NUMBERS = "Cú pháp nhanh có nhiều nhất ba số: số kiểm định, số loại bỏ, số giấy chứng nhận."
CAL_USAGE = (
    "Cú pháp nhanh: /kiemdinh <lĩnh vực> <số kiểm định> <số loại bỏ> <số giấy chứng nhận> [ngày/tháng/năm], "
    "ví dụ /kiemdinh đồng hồ nước 500 0 500."
)


def rejected_too_many(rejected: int, verified: int) -> str:
    return (
        f"Số loại bỏ ({format_count(rejected)}) không thể lớn hơn số đã kiểm định ({format_count(verified)}), "
        "vui lòng nhập lại."
    )


def certificates_too_many(certificates: int, passed: int) -> str:
    return (
        f"Chỉ có {format_count(passed)} phương tiện đo đạt nên không thể cấp {format_count(certificates)} "
        f"giấy chứng nhận, vui lòng nhập một số từ 0 đến {format_count(passed)}."
    )


def certificates_for_passed(passed: int) -> str:
    return f"Cấp {format_count(passed)} giấy chứng nhận (số kiểm định trừ số loại bỏ)"


def unknown_field(typed: str, labels: list[str]) -> str:
    return f"Không nhận ra lĩnh vực “{typed}”. Các lĩnh vực: {', '.join(labels)}.\n{CAL_USAGE}"


def ambiguous_field(typed: str, labels: list[str]) -> str:
    return f"“{typed}” khớp với nhiều lĩnh vực: {', '.join(labels)}. Vui lòng chọn lĩnh vực ở câu hỏi tiếp theo."


def bad_shortcut(reason: str) -> str:
    return f"{reason}\n{CAL_USAGE}"


def calibration_line(field: str, verified: int, rejected: int, certificates: int) -> str:
    return (
        f"Kiểm định {lower_label(field)}: {format_count(verified)} PTĐ, loại bỏ {format_count(rejected)}, "
        f"{format_count(certificates)} GCN"
    )


# --- /chotky --------------------------------------------------------------------------------------

CLOSE_TITLE = "Chốt kỳ báo cáo"
CLOSE_DESCRIPTION = "chốt số liệu một kỳ báo cáo (tháng)"
CLOSE_PERIOD = "Chốt kỳ nào? Gõ số thứ tự, hoặc tháng/năm, ví dụ 01/2023."
CLOSE_PERIOD_LABEL = "Kỳ"
CLOSE_BAD_PERIOD = "Vui lòng gõ tháng/năm của kỳ cần chốt, ví dụ 01/2023."
CLOSE_EFFECT = (
    "Sau khi chốt, cán bộ không nhập thêm hoặc sửa số liệu có ngày thuộc kỳ này; "
    "lãnh đạo vẫn điều chỉnh được và mọi điều chỉnh đều được ghi nhật ký."
)


def close_already(label: str, another: bool = True) -> str:
    """`another`: other months can still be closed, so the person is asked to pick one."""
    return f"Kỳ {label} đã được chốt" + ("; vui lòng chọn một kỳ khác." if another else ".")


def close_not_ended(label: str, another: bool = True) -> str:
    return f"Kỳ {label} chưa kết thúc nên chưa chốt được" + ("; vui lòng chọn một kỳ đã kết thúc." if another else ".")


def close_not_found(label: str, another: bool = True) -> str:
    tail = "; vui lòng chọn một kỳ trong danh sách." if another else "."
    return f"Kỳ {label} không có trong danh sách các kỳ chốt được{tail}"


def close_nothing_left(current: str, end: dt.date) -> str:
    """/chotky when every month that has ended is closed: the form does not open."""
    return f"Không còn kỳ nào đã kết thúc mà chưa chốt; kỳ {current} chốt được sau ngày {format_date(end)}."


def close_review(label: str) -> str:
    return f"{CLOSE_TITLE}: kỳ {label}.\n{CLOSE_EFFECT}"


def closed_done(label: str) -> str:
    return f"Đã chốt kỳ {label}. Số liệu của kỳ này đã cố định để lập báo cáo."


# --- reminders ------------------------------------------------------------------------------------


def reminder(label: str, cut_off: dt.date) -> str:
    return (
        f"Nhắc việc: ngày mai ({format_date(cut_off)}) là ngày chốt số liệu kỳ {label}. "
        "Vui lòng nhập đủ các lô kiểm định và kết quả kiểm tra đã thực hiện trong kỳ; gõ /cuatoi để xem lại."
    )


# The reminder's lines about review (issue 24), in the same message: a reviewer's queue, an author's
# returned records.
RETURNED_LISTED = 10  # lines; the rest are counted


def reminder_queue(count: int, oldest: dt.date, address: str) -> str:
    return (f"Có {count} bản ghi đang chờ {address} duyệt, bản ghi chờ lâu nhất từ ngày {format_date(oldest)}. "
            "Gõ /duyet để duyệt trước ngày chốt.")


def reminder_returned(items: list[tuple[int, str, dt.date, str]], address: str) -> str:
    """(record number, kind's name, its date, the reviewer's comment) of each record returned to the person."""
    lines = [f"Có {len(items)} bản ghi của {address} cần bổ sung; gõ /suangay và số của bản ghi để sửa:"]
    for number, kind, day, comment in items[:RETURNED_LISTED]:
        short = " ".join(comment.split())
        short = short if len(short) <= 80 else short[:79] + "…"
        lines.append(f"/suangay {number} — {kind} ngày {format_date(day)}: {short}")
    if len(items) > RETURNED_LISTED:
        lines.append(f"… và {len(items) - RETURNED_LISTED} bản ghi khác (gõ /suangay để xem hết).")
    return "\n".join(lines)


# --- /cuatoi --------------------------------------------------------------------------------------

MINE_TITLE = "Bản ghi đã nhập"
MINE_DESCRIPTION = "xem, sửa, xóa các bản ghi đã nhập trong kỳ"
MINE_PICK = "Chọn một bản ghi:"
MINE_ACTION = "Làm gì với bản ghi này?"


def mine_action(line: str) -> str:
    """The record picked, named by its line in the list (date, kind, key figure or facility, #id)."""
    return f"{line}\n{MINE_ACTION}"


MINE_EDIT = "Sửa"
MINE_DELETE = "Xóa"
MINE_CONFIRM_DELETE = "Xóa bản ghi này? Bản ghi sẽ không còn được tính vào báo cáo; nhật ký vẫn lưu lại."


def mine_confirm_delete(line: str) -> str:
    return f"{line}\n{MINE_CONFIRM_DELETE}"


def mine_not_deleted(noun: str, record_id: int) -> str:
    return f"Đã giữ nguyên {noun} #{record_id}, không xóa gì."


def mine_named(done: str, what: str) -> str:
    """A /cuatoi step's sentence with what it acted on: "Đã xóa lô kiểm định #6 (13/01/2023 Kiểm định điện: …)."."""
    return f"{done.removesuffix('.')} ({what})." if what else done


MINE_NONE = "Chưa nhập bản ghi nào trong {periods}."
MINE_NONE_ALL = "Chưa có bản ghi nào trong {periods}."
MINE_OPENING = "Mở {noun} #{id} ({what}) để sửa…"
MINE_EDIT_ELSEWHERE = "Bản ghi loại này chưa sửa được ở đây; vui lòng xóa rồi nhập lại."
MINE_CLOSED_MARK = " [đã chốt]"
SOMEONE = "một lãnh đạo"
MINE_PERIOD_ASK = "Kỳ cần xem: gõ tháng/năm, ví dụ 11/2022 (gõ “bỏ qua”: kỳ này và kỳ trước)."
MINE_PERIOD_LABEL = "Kỳ"
MINE_BAD_PERIOD = "Vui lòng gõ tháng/năm của một kỳ đã bắt đầu, ví dụ /cuatoi 11/2022."
REOPEN_DESCRIPTION = "mở lại một kỳ đã chốt, ví dụ /mochot 11/2022"
REOPEN_BAD_PERIOD = "Vui lòng gõ tháng/năm của kỳ cần mở lại, ví dụ /mochot 11/2022."


def mine_closed(label: str, by: str, on: dt.date, month: str) -> str:
    """`month` as typed after a command: "11/2022"."""
    return (
        f"Kỳ {label} đã được {by} chốt ngày {format_date(on)} nên không sửa, xóa được nữa. "
        f"Lãnh đạo có thể mở lại kỳ này bằng lệnh /mochot {month}."
    )


def reopen_not_closed(label: str) -> str:
    return f"Kỳ {label} chưa chốt nên không cần mở lại."


def reopened(label: str, month: str) -> str:
    return (
        f"Đã mở lại kỳ {label}: cán bộ có thể tiếp tục nhập, sửa, xóa số liệu của kỳ này. "
        f"Khi xong, vui lòng chốt lại bằng lệnh /chotky {month}."
    )


INSPECTION_NOUN = "kết quả kiểm tra"  # as saved: "Đã lưu kết quả kiểm tra #1" (docs/glossary.md)


def mine_header(periods: str, shown: int, total: int) -> str:
    more = f" (hiện {shown} bản ghi mới nhất)" if shown < total else ""
    return f"Có {total} bản ghi trong {periods}{more}."


def periods_phrase(labels: list[str]) -> str:
    return "kỳ " + " và kỳ ".join(labels)


def inspection_line(facility: str) -> str:
    return f"Kiểm tra cơ sở {facility}"


# --- /giayphep ------------------------------------------------------------------------------------

LIC_TITLE = "Giấy phép, chứng chỉ"
LIC_NOUN = "giấy phép"
LIC_DESCRIPTION = "ghi một giấy phép, chứng chỉ đã cấp (X-quang, nhân viên bức xạ…)"
LIC_KIND = "Loại giấy phép, chứng chỉ?"
LIC_KIND_LABEL = "Loại"
LIC_ACTION = "Hình thức cấp?"
LIC_ACTION_LABEL = "Hình thức"
LIC_ACTIONS = (("cap_moi", "Cấp mới"), ("gia_han", "Gia hạn"), ("sua_doi", "Sửa đổi, bổ sung"), ("cap_lai", "Cấp lại"))
LIC_NUMBER = "Số giấy phép, chứng chỉ?"
LIC_NUMBER_LABEL = "Số"
LIC_HOLDER = "Tên tổ chức hoặc cá nhân được cấp? (không cần ngày sinh, số định danh)"
LIC_HOLDER_LABEL = "Được cấp cho"
LIC_FACILITY = "Cơ sở (nơi đặt thiết bị hoặc nơi làm việc)? Gõ “bỏ qua” nếu trùng với người được cấp."
LIC_FACILITY_LABEL = "Cơ sở"
LIC_ISSUED = "Ngày cấp?"
LIC_ISSUED_LABEL = "Ngày cấp"
LIC_OLD_EXPIRY = "Ngày hết hạn của giấy phép cũ (ngày/tháng/năm)?"
LIC_OLD_EXPIRY_LABEL = "Hạn giấy phép cũ"
LIC_EXPIRY = "Ngày hết hạn (ngày/tháng/năm)?"
LIC_EXPIRY_KEEP = "Ngày hết hạn (giữ như giấy phép đang có hiệu lực, ngày/tháng/năm)?"
LIC_EXPIRY_LABEL = "Có hiệu lực đến"
LIC_TERM_LABEL = "Thời hạn"  # only "Thời hạn: không thời hạn"
LIC_NO_EXPIRY = "không thời hạn"
LIC_DATE_EXPECTED = "Vui lòng nhập đủ ngày/tháng/năm, ví dụ 13/01/2026."
LIC_EXPIRY_BEFORE_ISSUE = "Ngày hết hạn phải sau ngày cấp ({issued}), vui lòng nhập lại."


def expiry_suggestion(day: dt.date, years: int, renewal: bool) -> str:
    start = "ngày hết hạn cũ" if renewal else "ngày cấp"
    return f"{format_date(day)} ({years} năm kể từ {start})"


def licence_noun(kind_label: str) -> str:
    """The noun a saved licence is named by, from its kind: "chứng chỉ …" → "chứng chỉ", else "giấy phép"."""
    return "chứng chỉ" if kind_label.lower().startswith("chứng chỉ") else LIC_NOUN


def licence_line(kind: str, action: str, number: str, holder: str) -> str:
    return f"{action} {kind} số {number} — {holder}"


# --- /hoatdong ------------------------------------------------------------------------------------

ACT_TITLE = "Hoạt động"
ACT_NOUN = "hoạt động"
ACT_DESCRIPTION = "ghi một hoạt động đếm được (công bố hợp chuẩn, hợp quy, đơn thư…)"
ACT_KIND = "Loại hoạt động?"
ACT_KIND_LABEL = "Loại"
ACT_DATE = "Ngày (ngày tiếp nhận hoặc ngày cấp)?"
ACT_COUNT = "Số lượng?"
ACT_COUNT_LABEL = "Số lượng"
ACT_COUNT_ZERO = "Số lượng phải từ 1 trở lên, vui lòng nhập lại."
ACT_ENTERPRISE = "Tên doanh nghiệp?"
ACT_ENTERPRISE_LABEL = "Doanh nghiệp"
ACT_SECTOR = "Lĩnh vực của dự án đầu tư?"
ACT_SECTOR_LABEL = "Lĩnh vực"
ACT_AUTHORS = "Số tác giả?"
ACT_AUTHORS_LABEL = "Số tác giả"
ACT_AUTHORS_ZERO = "Một sáng kiến có ít nhất 1 tác giả, vui lòng nhập lại."
ACT_DECISION = "Văn bản, quyết định liên quan (số, ngày)? Gõ “bỏ qua” nếu không có."
ACT_DECISION_LABEL = "Văn bản"


def activity_line(kind: str, count: int, detail: str) -> str:
    return f"{kind}: {format_count(count)}" + (f" ({detail})" if detail else "")


# --- /kehoach -------------------------------------------------------------------------------------

PLAN_TITLE = "Kế hoạch, quyết định kiểm tra, thanh tra"
PLAN_NOUN = "kế hoạch"
PLAN_DESCRIPTION = "ghi một kế hoạch/quyết định kiểm tra, thanh tra; /kehoach dong kèm số kế hoạch để đóng"
PLAN_NUMBER = "Số, ký hiệu văn bản? (ví dụ 3826/KH-TĐC)"
PLAN_NUMBER_LABEL = "Số, ký hiệu"
PLAN_DATE = "Ngày ban hành?"
PLAN_ISSUER = "Cơ quan ban hành?"
PLAN_ISSUER_LABEL = "Cơ quan ban hành"
PLAN_SUBJECT = "Trích yếu?"
PLAN_SUBJECT_LABEL = "Trích yếu"
PLAN_KIND = "Loại?"
PLAN_KIND_LABEL = "Loại"
PLAN_KINDS = (("kiem_tra", "Kiểm tra"), ("thanh_tra", "Thanh tra"))
PLAN_OPEN_LIST = "Kế hoạch đang mở (gõ /kehoach dong kèm số kế hoạch để đóng, ví dụ /kehoach dong 3):"
PLAN_NONE_OPEN = "Không có kế hoạch nào đang mở."
PLAN_CLOSED = "Đã đóng kế hoạch #{id} ({number}); công chức kiểm tra không còn chọn được kế hoạch này."
PLAN_REOPENED = "Đã mở lại kế hoạch #{id} ({number})."
PLAN_NOT_FOUND = "Không có kế hoạch #{id}. Gõ /kehoach dong để xem các kế hoạch đang mở."


def plan_line(kind: str, number: str, subject: str, is_open: bool) -> str:
    return f"{kind} {number}: {subject}" + ("" if is_open else " (đã đóng)")

MINE_RECORD_LABEL = "Bản ghi"
MINE_ACTION_LABEL = "Việc"
MINE_DELETE_LABEL = "Xóa"
