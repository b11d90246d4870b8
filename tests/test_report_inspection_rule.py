"""The inspection rule of the report (docs/design.md, "An inspection's criteria in the report"), as a
property: random visits — with and without pumps, "không áp dụng", several visits per facility — against
a count made here independently, and each failing facility's line naming its criteria and pumps once.

A catalogue of the test's own: a kind with pumps (one criterion covered by the pumps' certificates, one
by their error, one by no pump aspect) and a kind without pumps.
"""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2 import Environment

from reports.aggregate import aggregate
from reports.periods import month_period
from storage.catalogue import catalogue_from_dict
from storage.domain import ChecklistAnswer, Facility, InspectionVisit, PeriodRecords, Plan, PumpCheck
from tests.conftest import examples
from texts.report_template import FAILURE

CAT = catalogue_from_dict({
    "facility_kinds": [
        {"key": "tram", "label": "trạm", "report_noun": "cơ sở trạm", "has_pumps": True, "criteria": [
            {"key": "hieu_luc", "label": "Cột đo còn hiệu lực", "phrase": "dùng cột còn hiệu lực", "pumps": "certificate"},
            {"key": "sai_so", "label": "Sai số trong giới hạn", "phrase": "có sai số trong giới hạn", "pumps": "error"},
            {"key": "nhan", "label": "Nhãn đúng", "phrase": "ghi nhãn đúng"},
        ]},
        {"key": "cua_hang", "label": "cửa hàng", "report_noun": "cơ sở cửa hàng", "criteria": [
            {"key": "nhan", "label": "Nhãn đúng", "phrase": "ghi nhãn đúng"},
            {"key": "ho_so", "label": "Hồ sơ đủ", "phrase": "lưu hồ sơ"},
        ]},
    ],
    "calibration_fields": [], "licence_kinds": [], "activity_kinds": [],
})  # fmt: skip
PERIOD = month_period(2023, 3)
PLAN = Plan(1, "05/KH-CCTĐC", dt.date(2023, 2, 20), "Chi cục", "kiểm tra", "kiem_tra")
ASPECT = {"certificate": "certificate_valid", "seals": "seals_intact", "error": "within_limit"}
SERIALS = ("CD-01", "CD-02", "CD-03")
NOTES = ("", "", "Thiếu tem", "Nhãn mờ")


@st.composite
def visit_answers(draw, kind):
    """Per criterion: answered đạt, không đạt (with or without a note), không áp dụng, or not asked."""
    answers = []
    for c in kind.criteria:
        result = draw(st.sampled_from(("met", "not_met", "na", None)))
        if result:
            answers.append(ChecklistAnswer(c.key, result, draw(st.sampled_from(NOTES)) if result == "not_met" else ""))
    return tuple(answers)


@st.composite
def pump_checks(draw):
    serials = draw(st.lists(st.sampled_from(SERIALS), unique=True, max_size=3))
    pumps = []
    for s in serials:
        cert, seals, within = draw(st.booleans()), draw(st.booleans()), draw(st.booleans())
        error = draw(st.sampled_from((0.1, -0.2))) if within else draw(st.sampled_from((0.6, -0.8)))
        pumps.append(PumpCheck(s, cert, seals, error, within))
    return tuple(pumps)


@st.composite
def months(draw):
    """Facilities of both kinds, each visited one to three times on random days of the period."""
    visits, facilities, vid = [], {}, 0
    for fid in range(1, draw(st.integers(1, 6)) + 1):
        kind = CAT.facility_kinds[draw(st.integers(0, 1))]
        facilities[fid] = Facility(fid, kind.key, f"Cơ sở {fid}")
        for _ in range(draw(st.integers(1, 3))):
            vid += 1
            pumps = draw(pump_checks()) if kind.has_pumps and draw(st.booleans()) else ()
            day = PERIOD.start + dt.timedelta(days=draw(st.integers(0, 27)))
            visits.append(InspectionVisit(vid, 1, fid, kind.key, day, (1,), draw(visit_answers(kind)), pumps))
    return facilities, visits


def expected(facilities, visits):
    """The rule, counted directly: per facility and criterion, failed / applied; the failing pumps."""
    out = {}
    for fid, facility in facilities.items():
        kind = CAT.facility_kind(facility.kind)
        mine = [v for v in visits if v.facility_id == fid]
        answers = [a for v in mine for a in v.checklist]
        pumps = [p for v in mine for p in v.pumps]
        failed, applied = set(), set()
        for c in kind.criteria:
            said = {a.result for a in answers if a.criterion == c.key}
            pump_bad = bool(c.pumps) and any(not getattr(p, ASPECT[c.pumps]) for p in pumps)
            if "not_met" in said or pump_bad:
                failed.add(c.key)
            if said & {"met", "not_met"} or (c.pumps and pumps):
                applied.add(c.key)
        bad = {p.serial for p in pumps if not (p.certificate_valid and p.seals_intact and p.within_limit)}
        out[fid] = (kind.key, failed, applied, bad)
    return out


def render_line(failure) -> str:
    return Environment(autoescape=False).from_string(FAILURE).render(f=failure)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(months())
def test_the_report_follows_the_rule(month):
    facilities, visits = month
    want = expected(facilities, visits)
    (plan,) = aggregate(PeriodRecords(inspections=tuple(visits), plans=(PLAN,), facilities=facilities),
                        CAT, PERIOD).inspections.kiem_tra  # fmt: skip
    for kind in plan.kinds:
        mine = {fid: w for fid, w in want.items() if w[0] == kind.key}
        assert kind.facilities.value == len(mine)
        for c in CAT.facility_kind(kind.key).criteria:
            applied = [fid for fid, w in mine.items() if c.key in w[2]]
            failed = [fid for fid, w in mine.items() if c.key in w[1]]
            got = {r.key: r for r in kind.criteria}.get(c.key)
            if not applied:
                assert got is None  # no facility it applied to: not counted, not stated
                continue
            assert (got.answered.value, got.failed.value) == (len(applied), len(failed))
            assert set(failed) <= set(applied)
    failing = {fid for fid, w in want.items() if w[1] or w[3]}
    assert {f.name for f in plan.failures} == {f"Cơ sở {fid}" for fid in failing}
    for f in plan.failures:
        fid = int(f.name.split()[-1])
        kind = CAT.facility_kind(want[fid][0])
        labels = [c.label[0].lower() + c.label[1:] for c in kind.criteria if c.key in want[fid][1]]
        assert [re.sub(r" \(.*\)$", "", c) for c in f.criteria] == labels  # each failed criterion, once
        assert sorted(p.serial for p in f.pumps) == sorted(want[fid][3])  # each failed pump, once
        line = render_line(f)
        for label in labels:
            assert line.count(label) == 1, line
        for serial in want[fid][3]:
            assert line.count(serial) == 1, line
        by_label = {c.label[0].lower() + c.label[1:]: c.key for c in kind.criteria}
        for c in f.criteria:  # the inspectors' notes on the criterion, each once
            label, _, notes = c.partition(" (")
            typed = {a.note[0].lower() + a.note[1:] for v in visits if v.facility_id == fid for a in v.checklist
                     if a.criterion == by_label[label] and a.result == "not_met" and a.note}  # fmt: skip
            listed = notes.removesuffix(")").split("; ") if notes else []
            assert sorted(listed) == sorted(typed)


def test_the_rule_catches_a_per_visit_count():
    """The checker itself: a month where the per-visit reading (pumps decide, checklist ignored) and
    the rule disagree, so a return to it would fail the property."""
    visits = [
        InspectionVisit(1, 1, 1, "tram", PERIOD.start, (1,), (ChecklistAnswer("hieu_luc", "not_met"),),
                        (PumpCheck("CD-01", True, True, 0.1, True),)),
    ]  # fmt: skip
    want = expected({1: Facility(1, "tram", "Cơ sở 1")}, visits)
    assert want[1][1] == {"hieu_luc"}
    test_the_report_follows_the_rule.hypothesis.inner_test(({1: Facility(1, "tram", "Cơ sở 1")}, visits))
