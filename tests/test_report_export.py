"""The .xlsx export: one sheet per kind, real dates and numbers, text that never becomes a formula."""

from __future__ import annotations

import asyncio
import datetime as dt
import zipfile

from openpyxl import load_workbook

from reports.demo import load_demo
from reports.export import export_period
from reports.periods import month_period
from reports.service import generate_export
from storage.domain import Activity, CalibrationBatch, Licence, Note, PeriodRecords
from tests.test_report_support import STAFF_ID, catalogue, sqlite_database

D = dt.date
CAT = catalogue()
TRICKY = ("=SUM(A1)", "+84 912 345 678", "-5", "@cmd", "A & <B> 🚀")


def test_sheets_headers_dates_and_numbers(tmp_path):
    records = PeriodRecords(
        calibration_batches=(CalibrationBatch(1, D(2023, 1, 5), "dien", 67, 0, 67, "Điện lực"),),
        activities=(Activity(1, "thep_nhap_khau", D(2023, 1, 6), 12, "Công ty A"),),
        notes=(Note(1, "2023-01", "A.I", "Ghi chú"),),
    )
    wb = load_workbook(export_period(records, CAT, tmp_path / "x.xlsx"))
    assert wb.sheetnames == [
        "Kiểm định PTĐ",
        "Kiểm tra cơ sở",
        "Kế hoạch KT-TT",
        "Giấy phép, chứng chỉ",
        "Hoạt động",
        "Ghi chú",
    ]
    ws = wb["Kiểm định PTĐ"]
    assert [c.value for c in ws[1]][:3] == ["Ngày", "Lĩnh vực", "Số PTĐ hiệu chỉnh, kiểm định"]
    date, field, verified = (c.value for c in ws[2][:3])
    assert date == dt.datetime(2023, 1, 5) and ws[2][0].is_date and field == "Điện" and verified == 67
    assert isinstance(verified, int) and wb["Hoạt động"]["C2"].value == 12


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    licences = tuple(
        Licence(i, "xquang_y_te", "cap_moi", t, t, t, D(2023, 1, 3)) for i, t in enumerate(TRICKY)
    )
    path = export_period(PeriodRecords(licences=licences), CAT, tmp_path / "x.xlsx")
    ws = load_workbook(path)["Giấy phép, chứng chỉ"]
    holders = [ws.cell(row=r, column=5) for r in range(2, 2 + len(TRICKY))]
    assert [c.value for c in holders] == list(TRICKY)
    assert all(c.data_type == "s" for c in holders)
    assert holders[0].quotePrefix  # Excel keeps it text even when the cell is edited
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any("<f>" in s or "<f " in s for s in sheets)


def test_generate_export_of_the_demo_month(tmp_path):
    async def run():
        db = await sqlite_database(tmp_path)
        try:
            await load_demo(db, CAT, STAFF_ID)
            return await generate_export(db, CAT, month_period(2023, 1), tmp_path / "demo.xlsx")
        finally:
            await db.close()

    result = asyncio.run(run())
    wb = load_workbook(result.path)
    assert wb["Kiểm định PTĐ"].max_row == 1 + 10 and wb["Kiểm tra cơ sở"].max_row == 1 + 13
    assert sum(row[2].value for row in wb["Kiểm định PTĐ"].iter_rows(min_row=2)) == 781
    assert wb["Giấy phép, chứng chỉ"].max_row == 1 + 7 and set(result.timings) == {"load", "write"}
