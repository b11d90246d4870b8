"""Quarter, half-year and year reports (issue 18): they read the notes of their months and never deny
what a month's note says; their titles and periods follow Nghị định 09/2019 and the cut-off day.
Notes are stored in a real database (SQLite always, PostgreSQL when TEST_DATABASE_URL is set) and the
report is made by the same service the chat and the command line call."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.aggregate import section_notes
from reports.periods import half_period, month_period, note_periods, quarter_period, year_period
from reports.service import generate_report
from storage import records
from storage.domain import Note, RecordMeta
from tests.ooxml import assert_valid_docx
from tests.test_report_support import STAFF_ID, catalogue, database, model_settings, paragraphs

META = RecordMeta(recorded_by=STAFF_ID, channel="zalo", recorded_at=dt.datetime(2023, 3, 1, tzinfo=dt.UTC))
DECISION = "Tham mưu UBND tỉnh ban hành Quyết định số 05/2023/QĐ-UBND quy định quản lý nhiệm vụ KH&CN."
INSPECTION = "Phối hợp Thanh tra tỉnh thanh tra việc sử dụng kinh phí sự nghiệp KH&CN tại 02 đơn vị."


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request, tmp_path):
    async for database_ in database(request.param, tmp_path):
        yield database_


async def note(db, period: str, section: str, text: str, position: int = 0) -> None:
    async with db.unit_of_work() as s:
        await records.add_note(s, Note(0, period, section, text, position), META)


async def test_a_quarter_report_carries_a_months_note_and_does_not_deny_it(db, tmp_path):
    await note(db, "2023-02", "A.I", DECISION)
    await note(db, "2023-03", "A.VII.2", INSPECTION)
    made = await generate_report(db, catalogue(), model_settings(), quarter_period(2023, 1), tmp_path / "q1.docx")
    text = paragraphs(assert_valid_docx(made.path))
    assert "Kỳ báo cáo: Quý I năm 2023" in text
    assert "(Từ ngày 15 tháng 12 năm 2022 đến ngày 14 tháng 3 năm 2023)" in text
    assert DECISION in text and INSPECTION in text
    assert not [p for p in text if "không tham mưu ban hành" in p]  # what the 02/2023 report contradicted
    assert not [p for p in text if "không tiến hành thanh tra" in p]
    # the month itself says the same
    made = await generate_report(db, catalogue(), model_settings(), month_period(2023, 2), tmp_path / "m2.docx")
    assert DECISION in paragraphs(made.path)


async def test_the_months_notes_in_date_order_each_once(db, tmp_path):
    await note(db, "2023-05", "A.III.1", "Tháng 5: tập huấn.")
    await note(db, "2023-01", "A.III.1", "Tháng 1: cử 02 cán bộ đi học.")
    await note(db, "2023-03", "A.III.1", "Tháng 1: cử 02 cán bộ đi học.")  # copied forward: said once
    await note(db, "2023-03", "A.III.1", "Tháng 3: hội thảo.")
    await note(db, "2023-07", "A.III.1", "Tháng 7: không thuộc 6 tháng đầu năm.")
    made = await generate_report(db, catalogue(), model_settings(), half_period(2023, 1), tmp_path / "h1.docx")
    text = paragraphs(made.path)
    ours = [p for p in text if p.startswith("Tháng ")]
    assert ours == ["Tháng 1: cử 02 cán bộ đi học.", "Tháng 3: hội thảo.", "Tháng 5: tập huấn."]
    assert "Kỳ báo cáo: 6 tháng đầu năm 2023" in text


async def test_the_year_report_and_its_next_period(db, tmp_path):
    await note(db, "2023-12", "A.I", DECISION)
    made = await generate_report(db, catalogue(), model_settings(), year_period(2023), tmp_path / "y.docx")
    text = paragraphs(assert_valid_docx(made.path))
    assert "Kỳ báo cáo: Năm 2023" in text and DECISION in text
    assert "(Từ ngày 15 tháng 12 năm 2022 đến ngày 14 tháng 12 năm 2023)" in text


def test_section_b_of_a_longer_period_is_its_own():
    """B states the tasks of the next period: a quarter's are the quarter's, not each month's."""
    notes = [Note(1, "2023-01", "B", "Nhiệm vụ tháng 02."), Note(2, "2023-Q1", "B", "Nhiệm vụ quý II."),
             Note(3, "2023-02", "A.I", "Văn bản.")]  # fmt: skip
    got = section_notes(notes, note_periods(quarter_period(2023, 1)))
    assert (got["B"].after, got["A_I"].after) == (("Nhiệm vụ quý II.",), ("Văn bản.",))
    month = section_notes(notes[:1], note_periods(month_period(2023, 1)))
    assert month["B"].after == ("Nhiệm vụ tháng 02.",)
