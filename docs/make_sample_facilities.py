"""Write docs/sample-facilities.xlsx: the facilities import's format (`main.py facilities import`),
with one row of each kind. tests/test_getting_started.py regenerates it, compares and imports it.
The province and places are placeholders ("[tên tỉnh]", as config.toml's [organisation] has them): a
department copies the sheet and writes its own.

    .venv/bin/python docs/make_sample_facilities.py [OUT]
"""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HEADER = ["Tên cơ sở", "Loại", "Mã số thuế", "Địa chỉ", "Tỉnh"]
PROVINCE = "[tên tỉnh]"
ROWS = [
    ["Cửa hàng xăng dầu Số 5", "xăng dầu", "0101234567", "Thôn [tên thôn], xã [tên xã]", PROVINCE],
    ["Công ty TNHH Điện máy [tên]", "thiết bị điện - điện tử", "0109876543", "Số 12 đường [tên đường], phường [tên phường]", PROVINCE],
    ["Đại lý gas [tên]", "gas", "0105556667-001", "Xã [tên xã]", PROVINCE],
    ["Cơ sở sản xuất nước đá [tên]", "khác", "0107778889", "", ""],
]


def make(out: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Cơ sở"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in ROWS:
        sheet.append(row)
    for column, width in zip("ABCDE", (36, 24, 18, 48, 14), strict=True):
        sheet.column_dimensions[column].width = width
    book.properties.creator = "dost-fieldbot"
    book.save(out)
    return out


if __name__ == "__main__":
    make(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("sample-facilities.xlsx"))
