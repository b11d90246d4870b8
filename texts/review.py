"""Review (issue 24): /duyet's cards and answers, the notices to authors and reviewers, /suangay, the
review states as /cuatoi shows them, a reviewer's kinds in /nhansu."""

from __future__ import annotations

import datetime as dt

COMMAND_DESCRIPTION = "Duyệt bản ghi: duyệt, hoặc trả lại để bổ sung"
COMMAND_ALIASES = ("duyệt",)  # /duyệt typed with its diacritics (besides /duyet and /review)
FIX_DESCRIPTION = "Sửa ngay bản ghi được trả lại để bổ sung"

# The states, as every sentence names them (docs/glossary.md).
STATE_NAMES = {"waiting": "chờ duyệt", "returned": "cần bổ sung", "approved": "đã duyệt"}

# The kinds of record a reviewer may be limited to, and the words an administrator may type for them.
KIND_NAMES = {
    "inspection": "kiểm tra",
    "calibration_batch": "kiểm định",
    "licence": "giấy phép",
    "activity": "hoạt động",
    "plan": "kế hoạch",
}
KIND_SYNONYMS = {
    "inspection": ["kiemtra", "kết quả kiểm tra", "thanh tra"],
    "calibration_batch": ["kiemdinh", "lô kiểm định", "hiệu chuẩn"],
    "licence": ["giayphep", "chứng chỉ"],
    "activity": ["hoatdong"],
    "plan": ["kehoach"],
}
EVERY_KIND = "mọi loại bản ghi"
ALL_WORDS = ("tất cả", "tat ca", "all")  # not a sentence

# --- the reviewer's cards -------------------------------------------------------------------------

APPROVE = "Duyệt"
RETURN = "Trả lại"
SKIP = "Bỏ qua"
STOP = "Dừng"
YES = "Có"
NO = "Không"
DONE_WORD = "Xong"
DONE_WORDS = ("xong", "done", "gui", "gửi")  # not a sentence

EMPTY = "Không có bản ghi nào chờ duyệt."
QUEUE_DONE = "Đã xem hết các bản ghi chờ duyệt."
NOT_A_REVIEWER = "Tài khoản của {address} không có quyền duyệt {noun}; thẻ duyệt này không còn tác dụng."
OWN_RECORD = "Bản ghi #{id} do chính {address} nhập; theo cấu hình, bản ghi này do người khác duyệt."
NOT_FOUND = "Không tìm thấy bản ghi #{id} trong các loại bản ghi {address} được duyệt."
BAD_NUMBER = "Vui lòng gõ /duyet, hoặc /duyet và số của bản ghi (ví dụ /duyet 12)."
PICK_WHICH = "Có nhiều bản ghi mang số #{id}. Vui lòng chọn bản ghi cần mở:"
ANSWER_CARD = "Vui lòng chọn một việc trong danh sách (gõ số), hoặc gõ “Trả lại: nội dung cần bổ sung”."
PHOTO_NOT_HERE = "Ở bước này chỉ nhận chữ."
NOT_SEEN_YET = "Tin nhắn này đến trước bản ghi vừa gửi nên chưa được dùng; vui lòng xem bản ghi ở trên rồi chọn."


def card(noun: str, record_id: int, state: str, remaining: int, author: str, when: str, channel: str,
         summary: str, extra: list[str]) -> str:
    """A record on screen for its reviewer; `remaining`: how many wait, this one included (0: opened by number)."""
    head = f"{noun[:1].upper()}{noun[1:]} #{record_id} · {STATE_NAMES.get(state, state)}"
    if remaining:
        head += f" (còn {remaining} bản ghi chờ duyệt)"
    lines = [head, f"Người nhập: {author or '—'} · {when} · {channel}", "", summary]
    return "\n".join(lines + ([""] + extra if extra else []))


def photos_sent(count: int) -> str:
    return f"Ảnh: {count} ảnh, gửi kèm ngay sau đây."


def photos_counted(count: int) -> str:
    """On Zalo when the bot's web server has no public address: Zalo takes photos only by a link."""
    return f"Ảnh: {count} ảnh (Zalo chỉ nhận ảnh qua đường dẫn; hệ thống chưa có địa chỉ web công khai nên không gửi kèm được)."


def photo_caption(noun: str, record_id: int, n: int, count: int) -> str:
    return f"{noun[:1].upper()}{noun[1:]} #{record_id} · ảnh {n}/{count}"


def earlier_return(who: str, when: str, comment: str) -> str:
    return f"Đã trả lại lúc {when} ({who}): {comment}"


def approve_all(count: int, noun: str, author: str) -> str:
    return f"Duyệt tất cả {count} {noun} chờ duyệt của {author}"


def approve_all_confirm(count: int, noun: str, author: str) -> str:
    return f"Duyệt tất cả {count} {noun} chờ duyệt của {author}? Vui lòng xác nhận."


def approved_many(count: int, noun: str, author: str, others: int) -> str:
    text = f"Đã duyệt {count} {noun} của {author}."
    return text + (f" {others} bản ghi khác đã được xử lý trước đó, không duyệt lại." if others else "")


APPROVED = "Đã duyệt {noun} #{id}."
RETURNED = "Đã trả lại {noun} #{id} cho {author} để bổ sung."
SKIPPED = "Đã bỏ qua {noun} #{id}; bản ghi vẫn chờ duyệt."
STOPPED = "Đã dừng duyệt. Còn {count} bản ghi chờ duyệt; gõ /duyet để tiếp tục."
ALL_CANCELLED = "Không duyệt tất cả; quay lại bản ghi đang xem."
CHANGED = "{noun} #{id} vừa được sửa sau khi thẻ này được gửi; vui lòng xem lại nội dung mới."
GONE = "{noun} #{id} đã bị xóa; không còn gì để duyệt."


def acted_first(noun: str, record_id: int, state: str, who: str, when: str) -> str:
    verb = {"approved": "duyệt", "returned": "trả lại để bổ sung"}.get(state, "gửi duyệt lại")
    return f"{upper_first(noun)} #{record_id} đã được {who or 'người khác'} {verb} lúc {when}; không cần thao tác nữa."


def already_state(noun: str, record_id: int, state: str) -> str:
    return f"{upper_first(noun)} #{record_id} hiện ở trạng thái “{STATE_NAMES.get(state, state)}”, không chờ duyệt."


COMMENT_ASK = ("Vui lòng nhập nội dung cần bổ sung (một hoặc nhiều tin nhắn), xong thì gõ “xong”. "
               "Gõ “hủy” để quay lại bản ghi.")
COMMENT_NOTED = "Đã ghi. Gõ “xong” để trả lại, hoặc nhập tiếp."
COMMENT_EMPTY = "Chưa có nội dung cần bổ sung. Vui lòng nhập nội dung trước khi gõ “xong”."

# --- notices --------------------------------------------------------------------------------------

FIX_NOW = "Sửa ngay"
OPEN_CARD = "Mở để duyệt"


def returned_notice(noun: str, record_id: int, what: str, reviewer: str, comment: str) -> str:
    return (f"{upper_first(noun)} #{record_id} ({what}) cần bổ sung.\n"
            f"Ý kiến của {reviewer or 'người duyệt'}:\n{comment}")


def fix_later(command: str, record_id: int) -> str:
    """To an author in the middle of another form: the draft is kept."""
    return f"Phần đang nhập vẫn được giữ. Khi nhập xong, gõ /{command} {record_id} để sửa bản ghi này."


def fix_by_command(command: str, record_id: int) -> str:
    """A notice sent in the morning: by then another form may be open, so no number to type."""
    return f"Gõ /{command} {record_id} để sửa bản ghi này."


def approved_notice(noun: str, record_id: int, what: str, reviewer: str) -> str:
    return f"{upper_first(noun)} #{record_id} ({what}) đã được {reviewer or 'người duyệt'} duyệt."


def approved_many_notice(count: int, noun: str, reviewer: str) -> str:
    return f"{reviewer or 'Người duyệt'} đã duyệt {count} {noun} chờ duyệt."


def resubmitted_notice(author: str, noun: str, record_id: int, what: str) -> str:
    return (f"{author or 'Người nhập'} đã sửa {noun} #{record_id} ({what}) và gửi duyệt lại. "
            f"Gõ /duyet {record_id} để duyệt.")


# --- the author's correction ----------------------------------------------------------------------

FIX_NONE = "Không có bản ghi nào của {address} cần bổ sung."
FIX_NOT_FOUND = "Không tìm thấy bản ghi #{id} cần bổ sung của {address}. Gõ /cuatoi để xem các bản ghi."
SENT_BACK = " Đã gửi duyệt lại."


def fix_opening(noun: str, record_id: int, comment: str) -> str:
    return (f"Sửa {noun} #{record_id} theo ý kiến: {comment}\n"
            "Chọn mục cần sửa, sửa xong thì xác nhận để gửi duyệt lại.")


def fix_list(count: int) -> str:
    return f"Có {count} bản ghi cần bổ sung. Vui lòng chọn bản ghi cần sửa:"


# --- /cuatoi --------------------------------------------------------------------------------------


def mine_mark(state: str, comment: str) -> str:
    """After a record's line in /cuatoi."""
    if state == "returned":
        return f" · cần bổ sung: {comment}" if comment else " · cần bổ sung"
    return f" · {STATE_NAMES.get(state, state)}"


# --- who reviews what (/nhansu) -------------------------------------------------------------------

SCOPE_SET = "Đã giao cho {name} duyệt: {kinds}."
SCOPE_BAD = "Không rõ loại bản ghi: {words}. Các loại: {known}; hoặc “tất cả”."


def kinds_phrase(kinds) -> str:
    return ", ".join(name for key, name in KIND_NAMES.items() if key in kinds) or EVERY_KIND


def known_kinds() -> str:
    return ", ".join(KIND_NAMES.values())


def time_of(when: dt.datetime) -> str:
    """ "09:30 13/01/2023": a moment in the department's zone, as review sentences write it."""
    return when.strftime("%H:%M %d/%m/%Y")


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]
