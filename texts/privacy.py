"""The personal-data notice, in two layers, and the data subject's requests (/quyenriengtu).

Written for Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 (Điều 9: consent is valid only when it is
voluntary and the person knows the kinds of data, the purposes, who processes it, their rights and
obligations) and Nghị định 356/2025/NĐ-CP (in force 01/01/2026; it replaced the earlier decree):
consent must be verifiable (who, when, to what), never the default, and the choice between agreeing
and declining must not be open to confusion; a data subject's request is answered within 2 working
days of its receipt.

- The short notice (`short`) is what an invited person reads at `/start CODE`: one Zalo message of at
  most 1,000 characters with the question and its numbered choices last (1 agree, 2 decline, 3 the
  full notice). A wrong answer repeats only the question (`again`).
- The full notice (`full`) has every element; `/quyenriengtu` shows it to anyone, and choice 3 before
  answering.
Every fact that differs per department comes from config.toml: the controller ([organisation]), the
processor, the contact and the records' retention ([privacy]), the storage periods ([retention]).
The code only fills the blanks (`NoticeFacts`); each layer's version names its template and a digest
of the filled text, and both are stored with a consent, so it says exactly what was agreed to.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

TEMPLATE_VERSION = "2"  # raise when the wording below changes
SHORT_LIMIT = 1000  # characters of the short notice as shown (one Zalo message, one phone screen)
LONG_NAME = "Nguyễn Thị Phương Thảo"  # a long invited name: the short notice must fit with it


@dataclass(frozen=True)
class NoticeFacts:
    department: str  # the controller as a sentence names it: "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
    operator: str  # the processor: the unit that runs the system for it ("" when the department does)
    contact: str  # where a person asks about their data
    address: str  # the form of address ("đồng chí", "anh/chị")
    message_days: int  # raw message text
    stranger_hours: int  # messages of people who never registered
    orphan_media_days: int  # photos no record refers to
    document_hours: int  # reports and exports made in the chat
    records_period: str = ""  # how long names, accounts, work records and the log are kept


DEFAULT_DEPARTMENT = "Sở Khoa học và Công nghệ"  # [organisation] department_name left empty
DEFAULT_CONTACT = "bộ phận CNTT"  # [privacy] contact left empty (`run` refuses to start then)
# [privacy] records_period left empty: the rule that sets the period.
DEFAULT_RECORDS_PERIOD = "theo thời hạn bảo quản hồ sơ của Sở"


def province(name: str) -> str:
    """The locality when [organisation] names only the province: "tỉnh Hưng Yên"."""
    return f"tỉnh {name}"


TITLE = "THÔNG BÁO XỬ LÝ DỮ LIỆU CÁ NHÂN"
LAW = "Căn cứ Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 và Nghị định số 356/2025/NĐ-CP."
SHORT_LAW = "Căn cứ Luật 91/2025/QH15, Nghị định 356/2025/NĐ-CP."
COMMAND_DESCRIPTION = "xem thông báo xử lý dữ liệu cá nhân, gửi yêu cầu về dữ liệu của mình"
AGREE_LABEL = "Đồng ý"
DECLINE_LABEL = "Không đồng ý"
FULL_LABEL = "Xem toàn văn"


def _cap(address: str) -> str:
    return address[:1].upper() + address[1:]


def _processor(f: NoticeFacts) -> str:
    return f.operator or f"{f.department} tự vận hành hệ thống"


def _records(f: NoticeFacts) -> str:
    return f.records_period or DEFAULT_RECORDS_PERIOD


def question(f: NoticeFacts) -> str:
    """The consent question; its choices (1 agree, 2 decline, 3 the full notice) follow it."""
    return f"{_cap(f.address)} có đồng ý?"


def _short_lines(f: NoticeFacts) -> list[str]:
    return [
        SHORT_LAW,
        f"1. Bên kiểm soát dữ liệu cá nhân: {f.department}; bên xử lý dữ liệu cá nhân: {_processor(f)}.",
        "2. Dữ liệu: họ tên, vai trò, tài khoản Zalo/Telegram, tin nhắn, ảnh; vị trí nếu chia sẻ "
        "(nhạy cảm, không bắt buộc).",
        "3. Mục đích: ghi kết quả công tác, lập báo cáo, nhắc việc.",
        "4. Bên thứ ba: Zalo (Công ty CP VNG); Telegram (chuyển dữ liệu ra nước ngoài).",
        f"5. Lưu: tin nhắn {f.message_days} ngày; bản ghi công việc {_records(f)}.",
        "6. Quyền: biết, xem, nhận bản sao, sửa, xóa, hạn chế, phản đối, rút lại đồng ý, khiếu nại, "
        "yêu cầu bồi thường: gõ /quyenriengtu.",
        f"Đầu mối liên hệ: {f.contact}.",
        "Không đồng ý thì chỉ không dùng hệ thống này.",
    ]


def short_body(f: NoticeFacts) -> str:
    """The short notice without the greeting and the question: the same for everyone under one
    configuration (its digest is the short version)."""
    return "\n".join([f"{TITLE} (phiên bản {short_version(f)})", *_short_lines(f)])


def short(f: NoticeFacts, name: str) -> str:
    """What an invited person reads at /start CODE, the question last (its choices follow)."""
    return f"Kính gửi {f.address} {name}.\n{short_body(f)}\n{question(f)}"


def again(f: NoticeFacts) -> str:
    """An answer that is not one of the choices: the question again, not the notice."""
    return f"Vui lòng chọn 1 ({AGREE_LABEL}) hoặc 2 ({DECLINE_LABEL}).\n{question(f)}"


def full(f: NoticeFacts) -> str:
    """The full notice, every element (/quyenriengtu, and choice 3 before answering)."""
    return "\n".join([f"{TITLE} — TOÀN VĂN (phiên bản {full_version(f)})", *_full_lines(f)])


def _full_lines(f: NoticeFacts) -> list[str]:
    a = f.address
    return [
        LAW,
        f"1. Bên kiểm soát dữ liệu cá nhân: {f.department}. Bên xử lý dữ liệu cá nhân (đơn vị vận hành "
        f"hệ thống): {_processor(f)}. Đầu mối liên hệ về dữ liệu cá nhân: {f.contact}.",
        f"2. Cơ sở xử lý: sự đồng ý của {a}. Riêng bản ghi công việc đã nhập là hồ sơ công vụ: khi {a} rút "
        "lại sự đồng ý hoặc yêu cầu xóa, bản ghi được giữ theo quy định về lưu trữ, không dựa vào sự đồng ý.",
        "3. Dữ liệu được xử lý:",
        "• họ tên, vai trò; tên hiển thị, mã tài khoản và mã cuộc trò chuyện trên Zalo, Telegram;",
        f"• nguyên văn tin nhắn {a} gửi và tin nhắn trả lời;",
        "• ảnh gửi kèm bản ghi (ảnh có thể có hình ảnh người);",
        f"• vị trí hiện tại nếu {a} chọn chia sẻ: là dữ liệu cá nhân nhạy cảm, không bắt buộc "
        "(có thể gõ địa chỉ hoặc bỏ qua).",
        "Hệ thống không thu thập ngày sinh, số định danh cá nhân.",
        "4. Mục đích: nhận diện người dùng; ghi nhận kết quả công tác chuyên môn; lập báo cáo định kỳ; ghi tên "
        "người nhập trên từng bản ghi và nhật ký thay đổi (ai sửa, xóa, khi nào); nhắc việc trước ngày chốt số liệu.",
        f"5. Cách xử lý: thu thập qua tin nhắn {a} gửi; lưu trên máy chủ do bên xử lý dữ liệu cá nhân quản lý; "
        f"tổng hợp tự động vào báo cáo. Việc xử lý bắt đầu khi {a} đồng ý và kết thúc khi {a} rút lại sự đồng ý "
        "hoặc hết thời gian lưu.",
        f"6. Bên thứ ba có liên quan: Zalo (Công ty Cổ phần VNG) hoặc Telegram chuyển tin nhắn giữa {a} và hệ "
        "thống. Máy chủ của Telegram đặt ở nước ngoài: dùng Telegram là dữ liệu được chuyển ra nước ngoài. Cán "
        "bộ, lãnh đạo trong cơ quan thấy tên người nhập trên bản ghi và báo cáo. Dữ liệu không được bán hay "
        "chuyển cho bên nào khác.",
        "7. Thời gian lưu:",
        f"• nội dung tin nhắn: {f.message_days} ngày, sau đó bị xóa (bản ghi công việc vẫn giữ);",
        f"• tin nhắn của người chưa đăng ký: {f.stranger_hours} giờ;",
        f"• ảnh không thuộc bản ghi nào: {f.orphan_media_days} ngày; ảnh của bản ghi lưu cùng bản ghi;",
        f"• vị trí: lưu làm vị trí của cơ sở được kiểm tra, không lưu lịch sử di chuyển của {a};",
        f"• tệp báo cáo, dữ liệu tạo trong cuộc trò chuyện: {f.document_hours} giờ;",
        f"• họ tên, tài khoản, bản ghi công việc và nhật ký: {_records(f)}.",
        f"8. Rủi ro có thể xảy ra: lộ nội dung tin nhắn, ảnh, vị trí nếu điện thoại hoặc tài khoản Zalo/Telegram "
        f"của {a} bị người khác sử dụng.",
        f"9. Quyền của {a}: được biết; đồng ý hoặc không đồng ý; truy cập, nhận bản sao dữ liệu; chỉnh sửa; xóa; "
        "hạn chế xử lý; phản đối xử lý; rút lại sự đồng ý; khiếu nại, tố cáo, khởi kiện; yêu cầu bồi thường "
        "thiệt hại.",
        "10. Cách thực hiện: gõ /quyenriengtu để gửi yêu cầu nhận bản sao, chỉnh sửa, xóa, hạn chế xử lý hoặc rút "
        "lại sự đồng ý; tự sửa bản ghi đã nhập bằng /cuatoi; hoặc liên hệ đầu mối liên hệ. Yêu cầu được trả lời "
        "trong 02 ngày làm việc kể từ ngày nhận. Khi xóa, tài khoản và tin nhắn bị xóa, họ tên được thay bằng "
        f"nhãn ẩn danh. Khiếu nại, tố cáo gửi {f.department} hoặc cơ quan chuyên trách bảo vệ dữ liệu cá nhân "
        "(Bộ Công an).",
        f"11. Nghĩa vụ của {a}: cung cấp thông tin chính xác; tôn trọng dữ liệu cá nhân của người khác (hạn chế "
        "chụp ảnh có người không liên quan, không gửi thông tin cá nhân của người khác khi không cần).",
        f"12. Không đồng ý chỉ có nghĩa là {a} không sử dụng hệ thống này; công việc vẫn báo cáo theo cách thông "
        f"thường. Khi {a} rút lại sự đồng ý, tài khoản bị thu hồi, hệ thống ngừng nhận tin nhắn và gửi nhắc việc; "
        "việc xử lý đã thực hiện trước đó vẫn hợp pháp.",
    ]


def _digest(lines: list[str]) -> str:
    return f"{TEMPLATE_VERSION}.{hashlib.sha256(chr(10).join(lines).encode()).hexdigest()[:10]}"


def short_version(f: NoticeFacts) -> str:
    """ "2.3f9a0c21d4": the template's version and a digest of the filled-in text."""
    return _digest(_short_lines(f))


def full_version(f: NoticeFacts) -> str:
    return _digest(_full_lines(f))


def shown(f: NoticeFacts, name: str) -> str:
    """The short notice as the numbered channels show it (Zalo, the console): the text, the choices."""
    return "\n".join([short(f, name), f"1. {AGREE_LABEL}", f"2. {DECLINE_LABEL}", f"3. {FULL_LABEL}"])


def consent_record(f: NoticeFacts, name: str) -> str:
    """The text kept with a consent: the short notice as it was shown, and the answer."""
    return f"{shown(f, name)}\n→ {AGREE_LABEL}"


# --- registration -------------------------------------------------------------------------------------

def stranger_notice_footer(contact: str) -> str:
    return f"Cán bộ đã đăng ký gõ /quyenriengtu trong cuộc trò chuyện của mình để gửi yêu cầu; người khác liên hệ {contact}."


# --- requests (/quyenriengtu) -------------------------------------------------------------------------

REQUEST_KINDS = {  # key → what the person asks for, as a choice and in the administrators' notice
    "copy": "Nhận bản sao dữ liệu",
    "correct": "Chỉnh sửa dữ liệu",
    "erase": "Xóa dữ liệu",
    "restrict": "Hạn chế xử lý dữ liệu",
    "withdraw": "Rút lại sự đồng ý",
}
REQUEST_QUESTION = "Gửi yêu cầu về dữ liệu cá nhân của {address}? Chọn một yêu cầu, hoặc gõ “hủy” nếu không cần."
REQUEST_DETAIL = {
    "correct": "Vui lòng ghi rõ dữ liệu cần sửa và nội dung đúng (bản ghi công việc {address} tự sửa được bằng /cuatoi).",
    "restrict": "Vui lòng ghi rõ dữ liệu hoặc việc xử lý cần hạn chế, và lý do.",
}
REQUEST_PICK = "Vui lòng gõ số thứ tự của yêu cầu (1 đến 5), hoặc “hủy”."
REQUEST_DETAIL_EMPTY = "Vui lòng ghi nội dung yêu cầu, hoặc gõ “hủy”."
REQUEST_CANCELLED = "Đã hủy, chưa gửi yêu cầu nào."
REQUEST_AFTER_DRAFT = ("Đang có biểu mẫu nhập dở, nên chưa gửi yêu cầu được; vui lòng nhập xong hoặc gõ /huy, "
                       "rồi gõ lại /quyenriengtu.")


def request_received(number: int, kind: str, due: str, address: str) -> str:
    return (f"Đã ghi nhận yêu cầu số {number}: {REQUEST_KINDS[kind].lower()}. Bộ phận quản trị sẽ trả lời "
            f"{address} chậm nhất ngày {due} (02 ngày làm việc). Khi thực hiện xong, hệ thống sẽ báo lại.")


def admin_notice(number: int, kind: str, name: str, staff_id: int, received: str, due: str, detail: str) -> str:
    how = {"copy": f".venv/bin/python main.py admin person export --staff {staff_id} --out FILE.xlsx",
           "erase": f".venv/bin/python main.py admin person erase --staff {staff_id}"}.get(
        kind, f".venv/bin/python main.py admin person done --request {number}")
    lines = [f"⚠ Yêu cầu về dữ liệu cá nhân số {number}: {REQUEST_KINDS[kind].lower()}, của {name} (cán bộ số {staff_id}).",
             f"Nhận lúc {received}; hạn trả lời: {due} (02 ngày làm việc, Nghị định 356/2025/NĐ-CP)."]
    if detail:
        lines.append(f"Nội dung: {detail}")
    lines.append(f"Thực hiện xong rồi đóng yêu cầu: {how}")
    return "\n".join(lines)


def request_done(number: int, kind: str, address: str) -> str:
    return (f"Yêu cầu số {number} về dữ liệu cá nhân của {address} ({REQUEST_KINDS[kind].lower()}) đã được "
            "thực hiện xong.")


# --- the command line ---------------------------------------------------------------------------------

REQUESTS_NONE = "Không có yêu cầu nào về dữ liệu cá nhân đang chờ."
REQUESTS_HEADER = "Yêu cầu về dữ liệu cá nhân đang chờ ({count}):"
REQUESTS_OVERDUE = " — QUÁ HẠN"


def request_line(number: int, kind: str, name: str, staff_id: int | None, received: str, due: str, overdue: bool,
                 detail: str) -> str:
    who = f"{name} (cán bộ số {staff_id})" if staff_id is not None else name
    text = f"  số {number}  {REQUEST_KINDS[kind]:<22} {who}  nhận {received}  hạn {due}{REQUESTS_OVERDUE if overdue else ''}"
    return text + (f"\n      {detail}" if detail else "")


REQUESTS_HOW = ("Nhận bản sao: admin person export --staff N --out FILE; xóa: admin person erase --staff N; "
                "chỉnh sửa, hạn chế, rút lại sự đồng ý: làm xong rồi gõ admin person done --request SỐ.")
NO_SUCH_REQUEST = "Không có yêu cầu số {number} đang chờ; xem danh sách bằng: .venv/bin/python main.py admin person requests."
DONE_NEEDS_COMMAND = ("Yêu cầu số {number} ({kind}) được đóng bằng lệnh thực hiện nó: "
                      ".venv/bin/python main.py admin person {command} --staff {staff_id}.")
REQUEST_CLOSED = "Đã đóng yêu cầu số {number} ({kind}); đã báo cho người yêu cầu."
WITHDRAWN = "Đã thu hồi tài khoản của cán bộ số {staff_id} (rút lại sự đồng ý)."
CLOSED_WITH_COMMAND = "Đã đóng {count} yêu cầu về dữ liệu cá nhân của cán bộ số {staff_id}; đã báo cho người yêu cầu."


# --- start-up -----------------------------------------------------------------------------------------

def placeholders_left(keys: list[str], path: str) -> str:
    return (f"Chưa điền thông tin của Sở trong {path}: {', '.join(keys)} vẫn là giá trị mẫu trong ngoặc vuông "
            "hoặc để trống; vui lòng điền rồi chạy lại (README, “A new department”).")


def placeholders_in_report(keys: list[str]) -> str:
    return f"Lưu ý: báo cáo in giá trị mẫu vì {', '.join(keys)} trong config.toml chưa được điền."


def short_too_long(length: int) -> str:
    return (f"Thông báo tóm tắt về dữ liệu cá nhân dài {length} ký tự, quá {SHORT_LIMIT} (một tin nhắn Zalo): "
            "vui lòng rút gọn [privacy] operator, contact, records_period hoặc [organisation] department_name.")
