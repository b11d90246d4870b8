"""The personal-data notice: shown before registration (consent) and again by /quyenriengtu.

Written for Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 (Điều 9: consent is valid only when the person
knows the kinds of data, the purpose, who processes it and their rights) and Nghị định 13/2023/NĐ-CP
(Điều 11: consent in a form that can be printed and verified; Điều 13: what the notice says). Every
fact that differs per department comes from config.toml: the controller ([organisation]), the unit
running the system and the contact ([privacy]), the storage periods ([retention]). The code only
fills the blanks (`NoticeFacts`); the version names the template and a digest of the filled text, so
a stored consent says exactly which notice was agreed to.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

TEMPLATE_VERSION = "1"  # raise when the wording below changes


@dataclass(frozen=True)
class NoticeFacts:
    department: str  # the controller as a sentence names it: "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
    operator: str  # the unit that runs the system for it
    contact: str  # where a person asks about their data
    address: str  # the form of address ("đồng chí", "anh/chị")
    message_days: int  # raw message text
    stranger_hours: int  # messages of people who never registered
    orphan_media_days: int  # photos no record refers to
    document_hours: int  # reports and exports made in the chat


DEFAULT_DEPARTMENT = "Sở Khoa học và Công nghệ"  # [organisation] department_name left empty
DEFAULT_CONTACT = "bộ phận CNTT"  # [privacy] contact left empty


def province(name: str) -> str:
    """The locality when [organisation] names only the province: "tỉnh Hưng Yên"."""
    return f"tỉnh {name}"


TITLE = "THÔNG BÁO XỬ LÝ DỮ LIỆU CÁ NHÂN"
COMMAND_DESCRIPTION = "xem lại thông báo xử lý dữ liệu cá nhân và cách thực hiện các quyền"
AGREE_LABEL = "Đồng ý"


def body(f: NoticeFacts) -> str:
    """The notice itself, the same for everyone under one configuration (its digest is the version)."""
    a = f.address
    operator = f"; đơn vị vận hành hệ thống: {f.operator}" if f.operator else ""
    return "\n".join([
        f"{TITLE} (phiên bản {version(f)})",
        "Căn cứ Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 và Nghị định số 13/2023/NĐ-CP.",
        f"1. Bên kiểm soát dữ liệu: {f.department}{operator}. Liên hệ về dữ liệu cá nhân: {f.contact}.",
        f"2. Cơ sở xử lý: thực hiện nhiệm vụ quản lý nhà nước của {f.department} (ghi nhận kết quả công tác "
        f"chuyên môn, lập báo cáo định kỳ theo quy định) và sự đồng ý của {a}.",
        "3. Dữ liệu được lưu:",
        "• họ tên, vai trò; tên hiển thị và mã tài khoản, mã cuộc trò chuyện (chat id) trên Zalo, Telegram;",
        f"• nguyên văn tin nhắn {a} gửi và tin nhắn trả lời;",
        "• ảnh gửi kèm bản ghi — ảnh có thể có hình ảnh người;",
        f"• vị trí hiện tại nếu {a} chọn chia sẻ: đó là vị trí của chính {a}, là dữ liệu cá nhân nhạy cảm; "
        "có thể gõ địa chỉ hoặc bỏ qua thay cho việc chia sẻ vị trí.",
        "Hệ thống không thu thập ngày sinh, số định danh cá nhân.",
        "4. Mục đích: nhận diện người dùng; ghi tên người nhập trên từng bản ghi; lưu nhật ký thay đổi "
        f"(ai sửa, xóa, khi nào); gửi nhắc việc trước ngày chốt số liệu; lưu giữ hồ sơ công vụ sau khi {a} "
        "thôi sử dụng hệ thống.",
        f"5. Bên khác tiếp cận dữ liệu: Zalo (Công ty Cổ phần VNG) hoặc Telegram (máy chủ đặt ở nước ngoài) "
        f"chuyển tin nhắn giữa {a} và hệ thống; cán bộ, lãnh đạo trong cơ quan thấy tên người nhập trên bản ghi "
        "và báo cáo. Dữ liệu không được bán hay chuyển cho bên nào khác.",
        "6. Thời gian lưu:",
        f"• nội dung tin nhắn: {f.message_days} ngày, sau đó bị xóa (bản ghi công việc vẫn giữ);",
        f"• tin nhắn của người chưa đăng ký: {f.stranger_hours} giờ;",
        f"• ảnh không thuộc bản ghi nào: {f.orphan_media_days} ngày; ảnh của bản ghi lưu cùng bản ghi;",
        f"• vị trí: lưu làm vị trí của cơ sở được kiểm tra, không lưu lịch sử di chuyển của {a};",
        f"• tệp báo cáo, dữ liệu tạo trong cuộc trò chuyện: {f.document_hours} giờ;",
        "• họ tên, tài khoản, bản ghi công việc và nhật ký: lưu cùng hồ sơ công vụ theo quy định về lưu trữ.",
        f"7. Quyền của {a} và cách thực hiện:",
        "• được biết: gõ /quyenriengtu để xem lại thông báo này bất cứ lúc nào;",
        f"• truy cập, nhận bản sao dữ liệu của mình: gửi yêu cầu đến {f.contact};",
        f"• chỉnh sửa: tự sửa bản ghi đã nhập bằng /cuatoi; họ tên, tài khoản: đề nghị qua {f.contact};",
        f"• xóa: đề nghị qua {f.contact}; tài khoản và tin nhắn bị xóa, riêng bản ghi công việc và nhật ký là "
        "hồ sơ công vụ nên được giữ lại theo quy định về lưu trữ (vẫn ghi tên người nhập);",
        f"• hạn chế xử lý, phản đối xử lý: đề nghị qua {f.contact};",
        f"• rút lại sự đồng ý: đề nghị qua {f.contact}; khi đó tài khoản bị thu hồi, hệ thống ngừng nhận tin nhắn "
        "và gửi nhắc việc; việc xử lý đã thực hiện trước đó vẫn hợp pháp;",
        f"• khiếu nại, tố cáo, khởi kiện: gửi đến {f.department} hoặc cơ quan chuyên trách bảo vệ dữ liệu cá nhân "
        "(Bộ Công an).",
        f"8. Không đồng ý chỉ có nghĩa là {a} không sử dụng hệ thống này; công việc vẫn báo cáo theo cách thông thường.",
    ])


def version(f: NoticeFacts) -> str:
    """ "1.3f9a0c21d4": the template's version and a digest of the filled-in facts."""
    digest = hashlib.sha256(repr(sorted(vars(f).items())).encode()).hexdigest()[:10]
    return f"{TEMPLATE_VERSION}.{digest}"


def consent_question(f: NoticeFacts, name: str) -> str:
    """What a newly invited person reads and answers (1. Có / 2. Không)."""
    return f"Kính gửi {f.address} {name}.\n{body(f)}\n{f.address[:1].upper() + f.address[1:]} có đồng ý?"


def consent_record(f: NoticeFacts, name: str) -> str:
    """The text kept with a consent: the notice as it was shown, and the answer."""
    return f"{consent_question(f, name)}\n→ Đồng ý"
