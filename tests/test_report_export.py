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
    assert [c.value for c in ws[1]][:3] == ["Ngày", "Lĩnh vực", "Số PTĐ kiểm định, hiệu chuẩn"]
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
    for sheet in wb.worksheets:  # who recorded it, by name: a manager reads the sheet to ask the right person
        assert sheet.cell(1, sheet.max_column).value == "Người nhập"
        assert {row[-1].value for row in sheet.iter_rows(min_row=2)} <= {"Cán bộ"}
    assert {row[-1].value for row in wb["Kiểm tra cơ sở"].iter_rows(min_row=2)} == {"Cán bộ"}


def test_labels_not_keys_and_photos_by_file_name(tmp_path):
    from storage.domain import ChecklistAnswer, Facility, InspectionVisit, Plan, PumpCheck

    visit = InspectionVisit(
        1, 1, 1, "xang_dau", D(2023, 1, 5), (1,),
        (ChecklistAnswer("pt_do_hieu_luc", "not_met", "tem hết hạn"), ChecklistAnswer("ghi_nhan", "met")),
        (PumpCheck("CD02", False, True, 0.6, False),), "", "Không niêm yết giá", "record", 0,
        ("/data/photos/2023/01/ab12.jpg", "/data/photos/2023/01/cd34.jpg"),
    )  # fmt: skip
    records = PeriodRecords(
        inspections=(visit,), plans=(Plan(1, "05/KH", D(2023, 1, 2), "Chi cục", "kiểm tra", "kiem_tra"),),
        facilities={1: Facility(1, "xang_dau", "CHXD A")},
        licences=(Licence(1, "xquang_y_te", "cap_moi", "1", "PK", "PK", D(2023, 1, 3)),),
        notes=(Note(1, "2023-01", "A.VII.1", "Ghi chú"),),
    )  # fmt: skip
    wb = load_workbook(export_period(records, CAT, tmp_path / "x.xlsx"))
    ws = wb["Kiểm tra cơ sở"]
    row = {h.value: c.value for h, c in zip(ws[1], ws[2], strict=True)}
    assert row["Tiêu chí không đạt"] == "Phương tiện đo còn hiệu lực kiểm định (tem hết hạn)"
    assert row["Xử lý"] == "Lập biên bản vi phạm hành chính" and row["Ảnh"] == "ab12.jpg, cd34.jpg"
    assert row["Cột đo"] == "CD02 +0,60%, hết hạn kiểm định, vượt giới hạn"
    assert wb["Giấy phép, chứng chỉ"]["C2"].value == "Cấp mới"
    assert wb["Ghi chú"]["A2"].value == "A.VII.1 Chương trình, kế hoạch thanh tra, kiểm tra"
    keys = {"pt_do_hieu_luc", "record", "cap_moi", "xang_dau"}
    assert not [c.value for s in wb for r in s.iter_rows() for c in r if c.value in keys]
