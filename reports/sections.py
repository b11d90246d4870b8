"""The report's sections that take narrative notes, in report order.

A note is stored with its section key ("A.IV.1"); the template reads a section's notes under the
key with dots turned into underscores (`notes.A_IV_1`). A template a department extends with new
sections can use any key: every key found in the notes reaches the template.

Notes with a negative position come before the section's figures, the rest after them, so the
figures sit at position 0 (the model report opens some sections with a general sentence).
"""

from __future__ import annotations

SECTIONS: tuple[tuple[str, str], ...] = (
    ("A.I", "Xây dựng cơ chế, chính sách, pháp luật về KH&CN"),
    ("A.II.1.1", "Công tác xây dựng kế hoạch KH&CN"),
    ("A.II.1.2", "Công tác triển khai nhiệm vụ KH&CN"),
    ("A.II.2", "Đánh giá, thẩm định, giám định, chuyển giao công nghệ"),
    ("A.III.1", "Phát triển nhân lực KH&CN"),
    ("A.III.2.1", "Hỗ trợ doanh nghiệp, phát triển thị trường KH&CN"),
    ("A.III.2.2", "Hỗ trợ khởi nghiệp, đổi mới sáng tạo"),
    ("A.III.3", "Thông tin KH&CN"),
    ("A.IV.1", "Quản lý nhà nước về tiêu chuẩn, đo lường, chất lượng"),
    ("A.IV.2", "Dịch vụ tiêu chuẩn, đo lường, chất lượng"),
    ("A.V.1", "Sở hữu trí tuệ"),
    ("A.V.2", "Hoạt động sáng kiến"),
    ("A.VI.1", "Ứng dụng năng lượng nguyên tử"),
    ("A.VI.2", "An toàn bức xạ và hạt nhân"),
    ("A.VII.1", "Chương trình, kế hoạch thanh tra, kiểm tra"),
    ("A.VII.2", "Công tác thanh tra"),
    ("A.VII.3", "Công tác kiểm tra"),
    ("A.VII.4", "Tiếp công dân, giải quyết khiếu nại, tố cáo"),
    ("B", "Phương hướng, nhiệm vụ trọng tâm kỳ sau"),
)

SECTION_KEYS: tuple[str, ...] = tuple(key for key, _ in SECTIONS)


def template_name(section: str) -> str:
    """The name a section's notes have in the template: "A.IV.1" -> "A_IV_1"."""
    return section.strip().replace(".", "_").replace("-", "_").replace(" ", "_")
