"""Vietnamese texts of the report in the chat: /baocao, /xuat and the notes form /ghichu.

Reviewed by a Vietnamese reader. Each sentence arrives as one message on a phone screen (Zalo), so
each says what happened and, when something is wrong, what to type instead.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from typing import Protocol

from texts.common import format_span


class Period(Protocol):
    """What these sentences read of a reporting period (`reports.periods.Period`)."""

    kind: str
    number: int
    year: int
    start: dt.date
    end: dt.date

    @property
    def phrase(self) -> str: ...

    @property
    def short_phrase(self) -> str: ...

# --- commands in /help and Telegram's menu ------------------------------------------------------

def document_title(period_label: str) -> str:
    """The .docx file's title property."""
    return f"Báo cáo kết quả hoạt động quản lý nhà nước về khoa học và công nghệ - {period_label}"


REPORT_COMMAND = "báo cáo tháng (.docx); /baocao MM/YYYY, Q1/YYYY, 6T/YYYY hoặc YYYY cho kỳ khác"
EXPORT_COMMAND = "dữ liệu của kỳ báo cáo (.xlsx); /xuat MM/YYYY, Q1/YYYY, 6T/YYYY hoặc YYYY cho kỳ khác"
NOTES_COMMAND = "ghi chú cho các mục của báo cáo; /ghichu xem để xem tất cả"


def period_name(period: Period) -> str:
    """ "tháng 01/2023", "quý I/2023", "6 tháng đầu năm 2023", "năm 2023"."""
    if period.kind == "month":
        return f"tháng {period.number:02d}/{period.year}"
    if period.kind == "quarter":
        return f"{period.short_phrase}/{period.year}"
    return period.phrase


def period_span(period: Period) -> str:
    return format_span(period.start, period.end)


def in_period(period: Period) -> str:
    """A period inside a sentence, named one way (docs/glossary.md): "kỳ tháng 01/2023 (15/12/2022–14/01/2023)".
    "Báo cáo tháng 01/2023" stays: there "tháng" names the monthly report, not the period."""
    return f"kỳ {period_name(period)} ({period_span(period)})"


# --- periods people type --------------------------------------------------------------------------


def bad_period(typed: str) -> str:
    return (
        f"Kỳ báo cáo “{typed}” không hợp lệ. Vui lòng gõ tháng/năm (01/2023), quý (Q1/2023), "
        "6 tháng (6T/2023) hoặc năm (2023)."
    )


def just_ended(kind: str, period: Period, current: Period) -> str:
    """/baocao or /xuat without a period in the days after a cut-off: the period that just ended."""
    what = "báo cáo" if kind == "report" else "dữ liệu"
    return (
        f"Kỳ {period_name(period)} đã kết thúc ngày {period.end:%d/%m/%Y}, đang trong thời hạn báo cáo, "
        f"nên lập {what} kỳ này. Để lập kỳ hiện tại, vui lòng gõ /{'baocao' if kind == 'report' else 'xuat'} "
        f"{period_name(current).removeprefix('tháng ')}."
    )


def future_period(period: Period) -> str:
    return f"Kỳ {period_name(period)} ({period_span(period)}) chưa bắt đầu, chưa có gì để báo cáo."


MONTH_ONLY = "Ghi chú được lưu theo tháng, vui lòng gõ tháng/năm, ví dụ 01/2023."

# --- /baocao and /xuat ----------------------------------------------------------------------------


def making(kind: str, period: Period) -> str:
    if kind == "report":  # "báo cáo tháng 01/2023" names the report; data are of a period (glossary)
        return f"Đang lập báo cáo {period_name(period)} ({period_span(period)})…"
    return f"Đang xuất dữ liệu {in_period(period)}…"


def report_ready(period: Period, records: int) -> str:
    return f"Đã lập xong báo cáo {period_name(period)} từ {records} bản ghi. Tệp Word ở tin nhắn tiếp theo."


def export_ready(period: Period, records: int) -> str:
    return f"Đã xuất {records} bản ghi của {in_period(period)}. Tệp Excel ở tin nhắn tiếp theo."


# --- review (issue 24): the period's records not yet approved, in the chat, never in the document ----


def under_review(waiting: int, returned: int, *, chat: bool = True) -> str:
    """/baocao's and /xuat's status, always: how many records of the period wait or were returned (in
    the chat with the command that shows them; the command line's without)."""
    if not waiting and not returned:
        return "Kỳ này không có bản ghi nào chờ duyệt hoặc cần bổ sung."
    parts = [f"{n} bản ghi {what}" for n, what in ((waiting, "chờ duyệt"), (returned, "cần bổ sung")) if n]
    return f"Kỳ này có {' và '.join(parts)}{' (xem: /duyet)' if chat else ''}."


def counted(count: str, unapproved: int) -> str:
    """What the report made of the records not yet approved ([reporting] count); "" when there are none."""
    if not unapproved:
        return ""
    if count == "approved":
        return f"Báo cáo chỉ tính bản ghi đã duyệt: {unapproved} bản ghi chưa duyệt không được tính."
    return f"Báo cáo có tính cả {unapproved} bản ghi chưa được duyệt."


EXPORT_REVIEW = "Cột “Trạng thái duyệt” ghi trạng thái của từng bản ghi."


def report_caption(period: Period) -> str:
    return (
        f"Báo cáo {period_name(period)} — bản dự thảo để trình ký; "
        "số và ngày văn bản để trống để điền khi ban hành."
    )


def export_caption(period: Period) -> str:
    return f"Dữ liệu kỳ {period_name(period)}: mỗi loại bản ghi một trang tính."


def failed(kind: str, period: Period) -> str:
    what = "báo cáo" if kind == "report" else "tệp dữ liệu"
    return (
        f"Xin lỗi, không lập được {what} {period_name(period)}. Lỗi đã được ghi lại cho bộ phận CNTT; "
        "vui lòng thử lại sau ít phút."
    )


# --- /ghichu --------------------------------------------------------------------------------------

NOTE_FLOW_TITLE = "Ghi chú báo cáo"
ASK_PERIOD = "Ghi chú cho kỳ báo cáo nào? Gõ tháng/năm, ví dụ 12/2022."
PERIOD_LABEL = "Kỳ báo cáo"


def current_period(period: Period) -> str:
    return f"Kỳ {period_name(period)} ({period_span(period)}), kỳ hiện tại"


ASK_SECTION = (
    "Ghi chú cho mục nào của báo cáo? “(mục …)” là số mục trong báo cáo kỳ này (mục không có nội dung được bỏ, "
    "các mục sau đánh số lại); số ở cuối trong ngoặc là số ghi chú đã có."
)
SECTION_LABEL = "Mục"
ASK_PICK = "Viết ghi chú mới, hay chọn một ghi chú đã có để sửa hoặc xóa?"
PICK_NEW = "Viết ghi chú mới"
ASK_TODO = "Làm gì với ghi chú này?"
TODO_EDIT = "Sửa nội dung"
TODO_DELETE = "Xóa ghi chú"
ASK_SURE = "Xóa hẳn ghi chú này khỏi báo cáo?"
ASK_TEXT = (
    "Gõ nội dung ghi chú. Có thể gửi nhiều tin nhắn, mỗi dòng xuống hàng là một đoạn. "
    "Gõ “xong” khi viết xong."
)
KEEP_TEXT = "Giữ nội dung cũ, viết thêm"
NOTE_EMPTY = "Ghi chú chưa có nội dung. Vui lòng gõ nội dung, hoặc gõ “hủy” để dừng."
NOT_DELETED = "Đã giữ nguyên ghi chú, không xóa."
NOTE_CHANGED = "Ghi chú này vừa được người khác sửa hoặc xóa nên chưa thay đổi gì. Gõ /ghichu để xem lại."


def ask_more_text(received: int, last: bool) -> str:
    if last:
        return (f"Đã nhận {received} tin nhắn. Tin nhắn tiếp theo là tin nhắn cuối của ghi chú này; "
                "sau đó ghi chú được lưu.")
    return f"Đã nhận {received} tin nhắn. Gõ tiếp, hoặc gõ “xong” để lưu ghi chú."


def note_item(text: str) -> str:
    """A note listed by /ghichu xem: one bullet; the note's own leading "- ", "+ " or "1." is not doubled."""
    return "• " + re.sub(r"^\s*(?:[-+•–]|\d{1,2}[.)])\s+", "", text)


def section_label(key: str, title: str, count: int, number: str | None = None) -> str:
    """A section in /ghichu's list, with the number the month's report prints above it ("mục V.4")."""
    return f"{key}{_printed(key, number)} {title}" + (f" ({count})" if count else "")


def _printed(key: str, number: str | None) -> str:
    """The section's number in the month's report beside its key, when they differ: " (mục V.4)"."""
    return f" (mục {number})" if number and number != key else ""


def note_label(text: str, limit: int = 80) -> str:
    first = " ".join(text.split())
    return "Sửa/xóa: " + (first if len(first) <= limit else first[: limit - 1].rstrip() + "…")


def carry_label(count: int, previous: Period) -> str:
    return f"Chép {count} ghi chú của mục này từ {in_period(previous)}"


def carry_all_label(count: int, previous: Period) -> str:
    return f"Chép tất cả {count} ghi chú từ {in_period(previous)} sang kỳ này"


def defaults_label(count: int) -> str:
    return f"Dùng danh sách mặc định ({count} nhiệm vụ)"


def note_saved(section: str, period: Period, count: int) -> str:
    return f"Đã lưu ghi chú mục {section}, {in_period(period)}. Mục này có {count} ghi chú."


def note_updated(section: str, period: Period) -> str:
    return f"Đã sửa ghi chú mục {section}, {in_period(period)}."


def note_deleted(section: str, period: Period, count: int) -> str:
    return f"Đã xóa ghi chú mục {section}, {in_period(period)}. Mục này còn {count} ghi chú."


def carried(count: int, previous: Period, period: Period, skipped: int = 0) -> str:
    if not count and not skipped:
        return f"Kỳ {period_name(previous)} ({period_span(previous)}) không có ghi chú nào để chép."
    text = f"Đã chép {count} ghi chú từ {in_period(previous)} sang {in_period(period)}."
    if skipped:
        text += f" Bỏ qua {skipped} ghi chú đã có sẵn."
    return text


def defaults_added(count: int, period: Period) -> str:
    return f"Đã đưa {count} nhiệm vụ mặc định vào mục B, {in_period(period)}. Gõ /ghichu để sửa từng mục."


# /ghichu xem
def notes_header(period: Period, count: int) -> str:
    if not count:
        return f"Kỳ {period_name(period)} ({period_span(period)}) chưa có ghi chú nào. Gõ /ghichu để viết."
    return f"Ghi chú {in_period(period)}, {count} ghi chú:"


def notes_section(key: str, title: str, number: str | None = None) -> str:
    return f"\n■ {key}{_printed(key, number)} {title}"


# --- the notes import (python main.py notes import --help) ---------------------------------------


def import_format(section_keys) -> str:
    """The file format the notes import reads, as its --help shows it."""
    return """\
File format (plain text .txt in UTF-8, or a Word .docx):
  - a heading line names a report section: "# " followed by the section's key or its title,
    e.g. "# A.IV.1", "# A.IV.1 Quản lý nhà nước về tiêu chuẩn, đo lường, chất lượng" or
    "# Phương hướng, nhiệm vụ trọng tâm kỳ sau"; in a .docx, a paragraph in a Heading style
    (Heading 1, 2, …) naming a section is a heading too, with or without the "#";
  - the lines after a heading are that section's notes: consecutive lines are the paragraphs of
    one note, and an empty line starts the next note;
  - a note already in that month's section with the same text is not added again, so importing a
    file twice adds nothing.
Section keys:
""" + textwrap.fill(", ".join(section_keys) + ".", width=96, initial_indent="  ", subsequent_indent="  ")
