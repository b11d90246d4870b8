"""The month page's SVG charts (reports/charts.py): well-formed, escaped, drawn to scale, phone-wide."""

from __future__ import annotations

import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from reports.charts import comparison_chart, nice_max, weekly_chart
from reports.month import month_view
from reports.periods import parse_period
from storage.catalogue import ActivityKind
from storage.domain import Activity, CalibrationBatch, Licence, PeriodRecords
from tests.test_report_support import catalogue

SVG = "{http://www.w3.org/2000/svg}"
CAT = catalogue()
HOSTILE = 'Hồ sơ <script>alert("x")</script> & “đột xuất” của cơ sở có tên rất dài để phải cắt bớt đi'
PERIOD = parse_period("2023-01")


def _records(period, scale: int) -> PeriodRecords:
    field = CAT.calibration_fields[0].key
    days = [period.start + dt.timedelta(days=n) for n in range(0, (period.end - period.start).days + 1)]
    return PeriodRecords(
        calibration_batches=tuple(CalibrationBatch(i, d, field, 5, 0, 5) for i, d in enumerate(days[::2] * scale)),
        licences=tuple(Licence(i, CAT.licence_kinds[0].key, "cap_moi", f"{i}/GP", "A", "", d)
                       for i, d in enumerate(days[::7])),  # fmt: skip
        activities=(Activity(1, "hostile", days[3], 3),),
    )


def _view(scale: int = 1, previous: int = 2):
    cat = dataclasses.replace(CAT, activity_kinds=(*CAT.activity_kinds, ActivityKind("hostile", HOSTILE, "hostile")))
    return month_view(_records(PERIOD, scale), _records(PERIOD.previous(), previous), cat, PERIOD)


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    assert root.tag == f"{SVG}svg" and root.get("viewBox", "").startswith("0 0 360 ")
    assert root.get("role") == "img" and root.find(f"{SVG}title") is not None
    assert "<script" not in svg and "style=" not in svg and "javascript:" not in svg
    return root


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")] + [t.text or "" for t in root.iter(f"{SVG}title")]


def test_the_weekly_chart_draws_each_week_to_scale():
    view = _view()
    root = _parse(weekly_chart(view))
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "week"]
    assert [g.get("data-start") for g in groups] == [w.start.isoformat() for w in view.weeks]
    assert sum(int(g.get("data-total")) for g in groups) == view.total > 0
    top = nice_max(max(w.total for w in view.weeks))
    for g in groups:
        rects = g.findall(f"{SVG}rect")
        assert sum(int(r.get("data-count")) for r in rects) == int(g.get("data-total"))
        for r in rects:
            assert float(r.get("height")) == pytest.approx(150 * int(r.get("data-count")) / top, abs=0.06)
    legend = " ".join(_texts(root))
    assert "Kiểm định PTĐ (16)" in legend and "Giấy phép, chứng chỉ (05)" in legend
    assert "Tuần 15/12 – 18/12: " in legend  # each bar says its week in its tooltip


def test_the_comparison_chart_draws_each_row_on_its_own_scale():
    view = _view(scale=1, previous=2)
    root = _parse(comparison_chart(view))
    rows = {g.get("data-row"): g for g in root.iter(f"{SVG}g") if g.get("class") == "row"}
    assert list(rows) == [r.key for r in view.comparison]
    cal = rows["records.calibration"].findall(f"{SVG}rect")
    now, before = float(cal[0].get("width")), float(cal[1].get("width"))
    assert before == pytest.approx(312) and now == pytest.approx(312 * 16 / 30, abs=0.06)  # 31 days, then 30
    assert cal[0].get("data-current") == "16" and cal[1].get("data-previous") == "30"
    texts = _texts(root)
    assert "Tháng 01 năm 2023" in texts and "Tháng 12 năm 2022" in texts


def test_labels_are_escaped_and_a_long_one_is_shortened_with_its_whole_in_the_title():
    svg = comparison_chart(_view())
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&amp;" in svg
    texts = _texts(_parse(svg))
    shortened = [t for t in texts if t.startswith("Hồ sơ <script>")]
    assert any(t.endswith("…") and len(t) == 56 for t in shortened)
    assert any(t.startswith(HOSTILE + ": 03") for t in texts)  # the tooltip keeps the whole label


def test_an_empty_period_says_so():
    view = month_view(PeriodRecords(), PeriodRecords(), CAT, parse_period("Q2/2024"))
    texts = _texts(_parse(weekly_chart(view)))
    assert "Chưa có bản ghi nào trong kỳ." in texts
    assert not [r for r in ET.fromstring(weekly_chart(view)).iter(f"{SVG}rect") if r.get("data-count")]
    _parse(comparison_chart(view))


def test_a_years_weeks_fit_the_phones_width():
    year = parse_period("2023")
    view = month_view(_records(year, 1), PeriodRecords(), CAT, year)
    root = _parse(weekly_chart(view))
    assert len(view.weeks) == 53
    for rect in root.iter(f"{SVG}rect"):
        assert 0 <= float(rect.get("x")) and float(rect.get("x")) + float(rect.get("width")) <= 360
    dates = [t for t in _texts(root) if len(t) == 5 and t[2] == "/"]
    assert 6 <= len(dates) <= 10  # a date every few weeks, none overlapping


@pytest.mark.parametrize("value, top", [(0, 4), (1, 4), (4, 4), (5, 8), (21, 40), (40, 40), (41, 80), (781, 800),
                                        (801, 2000), (9999, 20000)])  # fmt: skip
def test_the_axis_top(value, top):
    assert nice_max(value) == top
