"""The month page's figures (reports/month.py) against the report the .docx prints for the same period:
the model month 01/2023 and the first quarter of 2023 around it (issue 25)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import zipfile
from pathlib import Path

import pytest
from docx.table import Table

from reports import month as month_module
from reports.month import ACTIVITY_SECTIONS, OTHER_SECTION, month_view, weeks
from reports.periods import parse_period
from reports.service import generate_report, load_month
from reports.settings import DEFAULT_TEMPLATE
from storage.catalogue import ActivityKind
from storage.domain import Activity, CalibrationBatch, PeriodRecords
from tests.month_support import failed_facilities, model_quarter, report_figures
from tests.test_report_support import blocks, catalogue, model_settings, sqlite_database

CAT = catalogue()
PERIODS = ("2023-01", "2023-Q1")
# figures the page adds up from the report's own, and that the report prints nowhere as one number
ADDED_UP = {"licence.total", "inspection.failed", "audit.failed"}


async def _build(tmp: Path) -> dict:
    db = await sqlite_database(tmp)
    try:
        await model_quarter(db, CAT)
        out = {}
        for key in PERIODS:
            period = parse_period(key)
            view = await load_month(db, CAT, period)
            made = await generate_report(db, CAT, model_settings(), period, tmp / f"{key}.docx")
            out[key] = (view, made.path)
        return out
    finally:
        await db.close()


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict:
    """Per period: the month page's view and the report's .docx, from one database."""
    return asyncio.run(_build(tmp_path_factory.mktemp("month")))


def page_figures(view) -> dict[str, str]:
    return {f.key: f.value for s in view.sections for f in s.figures}


@pytest.mark.parametrize("key", PERIODS)
def test_the_pages_figures_are_the_reports(made, key):
    view, docx = made[key]
    page = page_figures(view)
    printed = report_figures(docx, {k.key: k.label for k in CAT.licence_kinds})
    assert len(printed) >= 14  # the extractor reads the report: a month with every kind of figure
    assert {k: page.get(k) for k in printed} == printed
    assert set(page) - ADDED_UP - {k for k in page if k.startswith("plans.approved")} == set(printed)
    licences = [int(v) for k, v in page.items() if k.startswith("licence.") and k != "licence.total"]
    assert int(page["licence.total"]) == sum(licences)
    assert sum(int(page.get(k, 0)) for k in ("inspection.failed", "audit.failed")) == len(failed_facilities(docx))


def test_the_months_figures_as_the_model_report_prints_them(made):
    page = page_figures(made["2023-01"][0])
    assert page["calibration.verified"] == "781" and page["act.hop_chuan"] == "05"
    assert page["inspection.facilities"] == "13" and page["licence.cap_moi.xquang_y_te"] == "04"
    assert "audit.plans" not in page  # no audit in the model month: the report says "không tiến hành thanh tra"


@pytest.mark.parametrize("key", PERIODS)
def test_the_calibration_table_is_the_reports(made, key):
    view, docx = made[key]
    (table,) = [b for b in blocks(docx) if isinstance(b, Table) and len(b.columns) == 6]
    printed = [[c.text for c in row.cells] for row in table.rows][1:]
    cal = view.data.calibration
    rows = [[r.stt, r.label, r.unit, str(r.verified), str(r.rejected), str(r.certificates)] for r in cal.rows]
    assert rows + [["", "Tổng", "", str(cal.verified), str(cal.rejected), str(cal.certificates)]] == printed


def test_a_plans_results_are_the_reports_sentences(made):
    view, docx = made["2023-Q1"]
    text = "\n".join(b.text for b in blocks(docx) if not isinstance(b, Table))
    assert {p.kind for p in view.plans} == {"kiem_tra", "thanh_tra"}
    for plan in view.plans:
        assert plan.heading.split(" của ")[0] in text
        assert all(result in text for result in plan.results), plan.results
    failed = [name for p in view.plans for name in p.failed]
    assert failed == failed_facilities(docx) == ["Cửa hàng Ánh & Dương"]
    assert any(r.startswith("01/01 ") and "chưa" in r for p in view.plans for r in p.results)


def test_the_quarter_against_the_quarter_before(made):
    view, _ = made["2023-Q1"]
    rows = {r.key: (r.current, r.previous) for r in view.comparison}
    assert view.previous.key == "2022-Q4"
    assert rows["calibration.verified"] == (781 + 40, 12 + 8)
    assert rows["records.calibration"] == (view.records["calibration"], 2)
    assert rows["records.inspection"] == (14, 0) and rows["inspections.facilities"] == (14, 0)
    assert rows["inspections.failed"] == (1, 0)
    assert rows["licences.total"] == (8, 0)
    assert view.total == sum(view.records.values()) == sum(w.total for w in view.weeks)
    first = f"act.{CAT.activity_kinds[0].report_key}"  # February's two activities, one waiting for review
    in_january = {r.key: r.current for r in made["2023-01"][0].comparison}.get(first, 0)
    assert rows[first][0] == in_january + 3 + 2  # counted as the report counts it


def test_the_records_waiting_for_review(made):
    month, _ = made["2023-01"]
    quarter, _ = made["2023-Q1"]
    assert month.waiting == 0 and {line.kind for line in month.review} >= {"calibration_batch", "inspection"}
    lines = {line.kind: (line.waiting, line.returned, line.approved) for line in quarter.review}
    activities = quarter.records["activity"]
    assert quarter.waiting == 1 and lines["activity"] == (1, 0, activities - 1)
    assert lines["calibration_batch"] == (0, 0, quarter.records["calibration"])


@pytest.mark.parametrize("key", ["2023-01", "2023-02", "2023-Q1", "2023-H2", "2024", "2023-12"])
def test_the_weeks_tile_the_period_and_count_every_record(key):
    period = parse_period(key)
    days = [period.start + dt.timedelta(days=n) for n in range(0, (period.end - period.start).days + 1, 3)]
    field = CAT.calibration_fields[0].key
    outside = [period.start - dt.timedelta(days=1), period.end + dt.timedelta(days=1)]
    records = PeriodRecords(
        calibration_batches=tuple(CalibrationBatch(i, d, field, 1, 0, 1) for i, d in enumerate(days + outside)),
        activities=tuple(Activity(i, CAT.activity_kinds[0].key, d, 2) for i, d in enumerate(days[::2])),
    )
    found = weeks(records, period)
    assert found[0].start == period.start and found[-1].end == period.end
    for before, after in zip(found, found[1:], strict=False):
        assert after.start == before.end + dt.timedelta(days=1) and after.start.weekday() == 0
        assert (after.end - after.start).days <= 6
    assert sum(w.counts["calibration"] for w in found) == len(days)  # the two outside are not counted
    assert sum(w.counts["activity"] for w in found) == len(days[::2])
    for w in found:
        assert w.counts["calibration"] == sum(1 for d in days if w.start <= d <= w.end)


def test_an_empty_period_has_its_sections_and_no_figures():
    period = parse_period("2024-05")
    view = month_view(PeriodRecords(), PeriodRecords(), CAT, period)
    assert view.total == 0 and not any(view.sections) and view.plans == ()
    assert [s.key for s in view.sections] == [k for k, _ in month_module.SECTIONS]
    assert all(r.current == r.previous == 0 for r in view.comparison)
    assert {r.key for r in view.comparison} >= {"records.calibration", "calibration.verified", "licences.total"}


def test_every_report_key_has_the_section_the_template_prints_it_in():
    keys = {k.report_key for k in CAT.activity_kinds}
    assert keys == set(ACTIVITY_SECTIONS)
    xml = zipfile.ZipFile(DEFAULT_TEMPLATE).read("word/document.xml").decode()
    section_keys = {k for k, _ in month_module.SECTIONS}
    for key, section in ACTIVITY_SECTIONS.items():
        assert f"act.{key}" in xml and section in section_keys


def test_an_activity_the_template_places_nowhere_is_listed_apart():
    extra = ActivityKind("do_kiem", "Đợt kiểm tra <đột xuất>", "kiem_tra_dot_xuat")
    cat = dataclasses.replace(CAT, activity_kinds=(*CAT.activity_kinds, extra))
    period = parse_period("2023-01")
    records = PeriodRecords(activities=(Activity(1, "do_kiem", dt.date(2023, 1, 3), 4),))
    view = month_view(records, PeriodRecords(), cat, period)
    other = view.sections[-1]
    assert other.key == OTHER_SECTION and [(f.key, f.label, f.value) for f in other.figures] == [
        ("act.kiem_tra_dot_xuat", "Đợt kiểm tra <đột xuất>", "04")
    ]
    assert view.figure("act.kiem_tra_dot_xuat").value == "04"
    with pytest.raises(KeyError):
        view.figure("act.nothing")
