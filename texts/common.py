"""Every Vietnamese sentence the flow machinery says to a person, in one place for review.

Flows (`handlers/`) bring their own prompts; this module holds only what the parsers and the flow
runtime add around them. Each error is one sentence that says what is expected, because on Zalo it
arrives as one more message on a phone screen.
"""

from __future__ import annotations

import datetime as dt

# --- parsing errors -----------------------------------------------------------------------------

EMPTY = "Chưa có nội dung trả lời, vui lòng trả lời câu hỏi bên dưới."
COUNT_EXPECTED = "Vui lòng nhập một số nguyên không âm, ví dụ 12 hoặc 1.200."
COUNT_NEGATIVE = "Số lượng không thể âm, vui lòng nhập 0 hoặc một số lớn hơn."
COUNT_NOT_WHOLE = "Số lượng phải là số nguyên, ví dụ 12 (không có phần lẻ)."
COUNT_TOO_LONG = "Số này quá lớn, vui lòng kiểm tra lại và nhập tối đa 9 chữ số."
MONEY_EXPECTED = "Vui lòng nhập số tiền (đồng), ví dụ 7.500.000 hoặc 7,5 triệu."
DECIMAL_EXPECTED = "Vui lòng nhập một số, có thể có phần thập phân, số âm ghi dấu trừ, ví dụ -0,3 hoặc 0,25."
DATE_EXPECTED = (
    "Vui lòng nhập ngày dạng ngày/tháng hoặc ngày/tháng/năm, ví dụ 13/1 hoặc 13/01/2023, hoặc “hôm nay”."
)
YESNO_EXPECTED = "Vui lòng trả lời “có” hoặc “không”."
CHOICE_EXPECTED = (
    "Không có lựa chọn này trong danh sách, vui lòng gõ số thứ tự hoặc tên lựa chọn."
)
CHOICE_AMBIGUOUS = "Câu trả lời khớp với nhiều lựa chọn, vui lòng gõ số thứ tự trong danh sách."
COORDINATES_OUT_OF_RANGE = (
    "Tọa độ không hợp lệ: vĩ độ từ -90 đến 90, kinh độ từ -180 đến 180 (vĩ độ trước, kinh độ sau, cách nhau dấu phẩy); "
    "hoặc gõ địa chỉ."
)


def date_impossible(day: int, month: int, year: int | None) -> str:
    shown = f"{day:02d}/{month:02d}" + (f"/{year}" if year else "")
    return f"Không có ngày {shown}, vui lòng kiểm tra lại ngày và tháng."


def date_in_future(day: dt.date, today: dt.date) -> str:
    return f"Ngày {format_date(day)} chưa đến (hôm nay là {format_date(today)}), vui lòng nhập một ngày đã qua."


def text_too_long(limit: int) -> str:
    return f"Nội dung quá dài, vui lòng viết gọn trong {limit} ký tự."


# --- words people type (folded: lower case, no diacritics) ---------------------------------------

YES_WORDS = frozenset(
    {"co", "c", "ok", "oke", "okay", "dong y", "dung", "u", "uh", "vang", "da", "yes", "y", "roi", "co a"}
)
NO_WORDS = frozenset({"khong", "k", "ko", "kg", "kh", "khong co", "chua", "no", "n", "sai"})
BACK_WORDS = frozenset({"quay lai", "back", "/back", "lui", "tro lai"})
SKIP_WORDS = frozenset({"bo qua", "skip", "/skip"})
CANCEL_WORDS = frozenset({"huy", "/cancel", "cancel", "huy bo", "/huy"})
DONE_WORDS = frozenset({"xong", "done", "het", "/done"})
TODAY_WORDS = frozenset({"hom nay", "homnay", "nay"})
YESTERDAY_WORDS = frozenset({"hom qua", "homqua", "qua"})

# --- the runtime ----------------------------------------------------------------------------------

# The words a channel without buttons shows for the runtime's own choices (typed back, they are read
# through the *_WORDS sets above).
WORD_BACK = "quay lại"
WORD_SKIP = "bỏ qua"
WORD_CANCEL = "hủy"
WORD_DONE = "xong"
WORD_OK = "ok"

YES = "Có"
NO = "Không"
BACK = "Quay lại"
BACK_TO_REVIEW = "Về màn hình kiểm tra"  # "quay lại" from the edit menu or a question being corrected
SKIP = "Bỏ qua"
CANCEL = "Hủy"
DONE = "Xong"
CONFIRM = "Xác nhận"
EDIT = "Sửa"
NUMBERED_HINT = "Gõ số thứ tự để chọn."
QUESTION_CLOSED = "Câu hỏi này đã đóng."
CANCELLED = "Đã hủy, không có gì được lưu."
ALREADY_FIRST = "Đây đã là câu hỏi đầu tiên."
NOT_OPTIONAL = "Câu này không bỏ qua được, vui lòng trả lời."
TEXT_EXPECTED = "Câu này cần trả lời bằng chữ."
NUMBER_EXPECTED = "Câu này cần trả lời bằng một số."
UNSUPPORTED = "Hệ thống chưa đọc được loại tin nhắn này, vui lòng trả lời bằng chữ hoặc số."
COMMAND_IN_FLOW = "Một biểu mẫu đang nhập dở: vui lòng trả lời câu hỏi, hoặc gõ “hủy” để dừng."
PICK_EDIT = "Sửa mục nào?"
REVIEW_QUESTION = "Kiểm tra lại trước khi lưu:"
REVIEW_HINT = "Mọi thông tin đã đúng chưa?"
NO_CHOICES = "Không có lựa chọn nào phù hợp."  # the words that may follow are in the hint under it
PHOTOS_NEED_ONE = "Vui lòng gửi ít nhất một ảnh rồi gõ “xong”."
SKIPPED = "—"  # a skipped answer, as the reviews show it


def current_value(shown: str) -> str:
    """Under a question asked again to correct it: its answer so far."""
    return f"Giá trị hiện tại: {shown}"


def drop_photos(count: int) -> str:
    """The edit list's entry that drops the photos sent (a correction may replace them)."""
    return f"Bỏ {count} ảnh đã gửi"


def photos_dropped(count: int) -> str:
    return f"Đã bỏ {count} ảnh; đồng chí có thể gửi ảnh mới bất cứ lúc nào."


def photo_received(count: int) -> str:
    return f"Đã nhận ảnh ({count} ảnh)."


def photos_prompt_hint(count: int) -> str:
    return f"Đã có {count} ảnh, gửi thêm hoặc gõ “xong” khi đã đủ."


def type_word(word: str, label: str) -> str:
    """How a text-only channel offers an answer that is a word rather than a number."""
    return f"Gõ “{word}” để chọn: {label}"


# What each runtime word does, for the hint under a question on a channel without buttons.
WORD_MEANINGS = {WORD_BACK: "để sửa câu trước", WORD_SKIP: "để bỏ qua câu này", WORD_DONE: "khi đã đủ",
                 WORD_CANCEL: "để dừng"}


TO_REVIEW_MEANING = "để về màn hình kiểm tra"


def nav_hint(words: list[str], meanings: dict[str, str] | None = None) -> str:
    """ "(gõ “quay lại” để sửa câu trước, “hủy” để dừng)" — each word with what it does (`meanings`:
    where a word does something else here, e.g. “quay lại” from the edit menu)."""
    known = {**WORD_MEANINGS, **(meanings or {})}
    parts = [f"“{w}” {known[w]}" if w in known else f"“{w}”" for w in words]
    return "(gõ " + ", ".join(parts) + ")"


def photos_label(count: int) -> str:
    return f"{count} ảnh"


def item_label(group_label: str, index: int) -> str:
    return f"{group_label} {index + 1}"


def add_item(group_label: str) -> str:
    return f"Thêm {group_label.lower()}"


def min_items(group_label: str, count: int) -> str:
    return f"Cần ít nhất {count} {group_label.lower()}."


def format_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def format_span(start: dt.date, end: dt.date) -> str:
    """ "15/11–14/12/2026"; both years when they differ: "15/12/2022–14/01/2023"."""
    head = start.strftime("%d/%m") if start.year == end.year else format_date(start)
    return f"{head}–{format_date(end)}"


def period_name(number: int, year: int, start: dt.date, end: dt.date) -> str:
    """A month period, the one way the chat names it: "tháng 12/2026 (15/11–14/12/2026)".
    A sentence writes "kỳ " before it; a list item "Kỳ "."""
    return f"tháng {number:02d}/{year} ({format_span(start, end)})"


def lower_label(label: str) -> str:
    """A catalogue label inside a sentence: "Điện" → "điện"; "X-quang", "KH&CN" keep their capitals."""
    return label[:1].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


def today_label(today: dt.date) -> str:
    return f"Hôm nay ({format_date(today)})"


def format_decimal_vi(text: str) -> str:
    """Vietnamese writes the decimal comma: -0.3 → -0,3."""
    return text.replace(".", ",")


def format_location(value) -> str:
    """A location answer as read: a typed address as is, a position as "12.34560, 105.67890"."""
    if isinstance(value, str):
        return value
    return f"{value.latitude:.5f}, {value.longitude:.5f}"


def format_count(value: int) -> str:
    """Vietnamese groups thousands with a dot: 1200 → 1.200."""
    return f"{value:,}".replace(",", ".")


def format_money(amount: int) -> str:
    return f"{format_count(amount)} đồng"


# --- channels and document links ------------------------------------------------------------------

LOCATION_BUTTON = "📍 Gửi vị trí hiện tại"  # Telegram's reply-keyboard button that shares the location
NO_DOCUMENT_LINK = (
    "Zalo không nhận được tệp gửi kèm, và hệ thống chưa được cấu hình để gửi liên kết tải tài liệu. "
    "Vui lòng liên hệ bộ phận CNTT để nhận tài liệu; bộ phận quản trị hệ thống đã được báo lý do."
)
# What the administrators are told (once per document) when a Zalo user could not get a document.
ADMIN_NO_DOCUMENT_LINK = (
    "{name} yêu cầu tài liệu “{document}” trên Zalo nhưng không nhận được: chưa cấu hình [web] public_url "
    "(và FIELDBOT_LINK_SECRET) nên hệ thống không tạo được liên kết tải. Vui lòng cấu hình địa chỉ công khai "
    "của máy chủ, hoặc lập tài liệu trên máy chủ và gửi cho người yêu cầu."
)
# Pages a phone's browser may show for a document link: (title, explanation).
PAGE_NOT_FOUND = ("Không tìm thấy tài liệu", "Liên kết không đúng hoặc tài liệu đã bị xóa. "
                  "Vui lòng yêu cầu lại tài liệu trong cuộc trò chuyện.")
PAGE_EXPIRED = ("Liên kết đã hết hạn", "Liên kết tải tài liệu chỉ dùng được trong thời gian ngắn. "
                "Vui lòng gõ lại lệnh trong cuộc trò chuyện (ví dụ /baocao) để nhận liên kết mới.")


def link_validity(minutes: int) -> str:
    return f"(Liên kết dùng được trong {minutes} phút.)"


# --- photos that could not be kept (Zalo sends a link the bot must download) ---------------------------

PHOTO_FAILED = "Ảnh này chưa tải về được nên chưa lưu, vui lòng gửi lại ảnh."


def photo_too_large(megabytes: int) -> str:
    return f"Ảnh quá lớn (tối đa {megabytes} MB) nên chưa lưu, vui lòng gửi ảnh nhỏ hơn hoặc chụp lại."


FILE = "Tệp"  # the console shows a document as its path
PICTOGRAPHS_DROPPED = "ℹ Biểu tượng cảm xúc (emoji) sẽ không được in trong báo cáo."
