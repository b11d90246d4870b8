"""The sentences of tests/forms/letters.py, as texts/<area>.py would hold them for a form of the product."""

TITLE = "Đơn thư tiếp nhận qua bộ phận một cửa"
NOUN = "đơn thư"
DESCRIPTION = "ghi các đơn thư tiếp nhận qua bộ phận một cửa"
DATE = "Ngày tiếp nhận?"
COUNT = "Số đơn thư đã tiếp nhận?"
COUNT_LABEL = "Số đơn thư"
CONTENT = "Nội dung chính của các đơn thư?"
CONTENT_LABEL = "Nội dung"


def line(count: int, content: str) -> str:
    return f"Đơn thư một cửa: {count} — {content}"
