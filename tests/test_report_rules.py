"""Rules of the report's figures and wording: "không áp dụng", pumps deciding a criterion, VII.1 from
the plans, pictographs, the document number.

The property test holds the report's ratios to a count made here from the visits, independently of
reports.aggregate: per kind and criterion, facilities that met it out of those it applied to.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.aggregate import aggregate
from reports.periods import month_period
from reports.render import document_fields, render_monthly_report
from reports.service import generate_report
from storage import records
from storage.domain import (
    ChecklistAnswer,
    Facility,
    InspectionVisit,
    Note,
    PeriodRecords,
    Plan,
    PumpCheck,
    RecordMeta,
)
from storage.text import strip_pictographs
from tests.test_report_support import (
    STAFF_ID,
    catalogue,
    model_settings,
    paragraph_with,
    paragraphs,
    sqlite_database,
)

D = dt.date
PERIOD = month_period(2023, 1)
CAT = catalogue()
PLAN = Plan(1, "05/KH-CCTĐC", D(2023, 1, 2), "Chi cục Tiêu chuẩn Đo lường Chất lượng", "kiểm tra đo lường", "kiem_tra")


def _render(recs: PeriodRecords, tmp_path: Path) -> Path:
    return render_monthly_report(aggregate(recs, CAT, PERIOD), model_settings(), tmp_path / "r.docx")


def _shops(*answers: tuple[str, str]) -> PeriodRecords:
    """Electrical-goods shops F1, F2 … with (quality records, labelling) answers."""
    visits = tuple(
        InspectionVisit(i, 1, i, "dien_dien_tu", D(2023, 1, 5), (1,),
                        (ChecklistAnswer("ho_so_chat_luong", q), ChecklistAnswer("ghi_nhan_tem_cr", lab)))
        for i, (q, lab) in enumerate(answers, start=1)
    )  # fmt: skip
    facilities = {i: Facility(i, "dien_dien_tu", f"F{i}") for i in range(1, len(answers) + 1)}
    return PeriodRecords(inspections=visits, plans=(PLAN,), facilities=facilities)


def _results(path: Path) -> str:
    main = paragraph_with(path, "Thực hiện Kế hoạch số 05/KH-CCTĐC")
    return main[main.index("Kết quả: ") :]


# --- "không áp dụng" is left out of that criterion's count ---------------------------------------


def test_not_applicable_is_left_out_whether_all_passed_or_not(tmp_path):
    """The issue's case: F1 has no quality records to keep (N/A). It is left out of that count both
    when every shop passed and when F3 failed labelling: the meaning does not flip."""
    all_passed = _results(_render(_shops(("na", "met"), ("met", "met")), tmp_path))
    assert all_passed == (
        "Kết quả: 01/01 cơ sở kinh doanh thiết bị điện - điện tử có lưu giữ đầy đủ hồ sơ chất lượng; "
        "02/02 cơ sở kinh doanh thiết bị điện - điện tử ghi nhãn và gắn tem CR đúng quy định."
    )
    some_failed = _results(_render(_shops(("na", "met"), ("met", "met"), ("met", "not_met")), tmp_path))
    assert some_failed == (
        "Kết quả: 02/02 cơ sở kinh doanh thiết bị điện - điện tử có lưu giữ đầy đủ hồ sơ chất lượng; "
        "01/03 cơ sở kinh doanh thiết bị điện - điện tử ghi nhãn và gắn tem CR chưa đúng quy định."
    )
    some_failed_na = _results(_render(_shops(("na", "met"), ("not_met", "met"), ("met", "met")), tmp_path))
    assert some_failed_na == (
        "Kết quả: 03/03 cơ sở kinh doanh thiết bị điện - điện tử ghi nhãn và gắn tem CR đúng quy định; "
        "01/02 cơ sở kinh doanh thiết bị điện - điện tử chưa lưu giữ đầy đủ hồ sơ chất lượng."
    )


def test_a_criterion_nobody_met_states_the_failure(tmp_path):
    """The issue's case: not "00/01 cơ sở … lưu giữ đầy đủ hồ sơ chất lượng" but the failure, in the
    negative form ("có" dropped when the catalogue gives no failed phrase of its own)."""
    assert _results(_render(_shops(("not_met", "met")), tmp_path)) == (
        "Kết quả: 01/01 cơ sở kinh doanh thiết bị điện - điện tử ghi nhãn và gắn tem CR đúng quy định; "
        "01/01 cơ sở kinh doanh thiết bị điện - điện tử chưa lưu giữ đầy đủ hồ sơ chất lượng."
    )
    assert _results(_render(_shops(("not_met", "not_met"), ("not_met", "not_met")), tmp_path)) == (
        "Kết quả: 02/02 cơ sở kinh doanh thiết bị điện - điện tử chưa lưu giữ đầy đủ hồ sơ chất lượng, "
        "ghi nhãn và gắn tem CR chưa đúng quy định."
    )


def test_no_ratio_with_nobody_in_it_is_ever_printed(tmp_path):
    """Whatever the answers, no clause says "00/…": a clause counts the facilities it speaks of."""
    for answers in [("not_met", "na"), ("na", "not_met"), ("not_met", "not_met")]:
        assert "00/" not in _results(_render(_shops(answers), tmp_path))


def test_a_kind_where_no_criterion_applied_is_said_to_meet_the_requirements(tmp_path):
    assert _results(_render(_shops(("na", "na")), tmp_path)) == (
        "Kết quả: 01/01 cơ sở kinh doanh thiết bị điện - điện tử đạt yêu cầu."
    )


RESULT = st.sampled_from(["met", "not_met", "na"])
PUMP = st.builds(lambda serial, cert, seals, err: PumpCheck(serial, cert, seals, err, abs(err) <= 0.45),
                 st.sampled_from(["CD01", "CD02", "cd 01"]), st.booleans(), st.booleans(),
                 st.sampled_from([-0.6, -0.2, 0.0, 0.3, 0.5]))  # fmt: skip
FINE = st.sampled_from([0, 0, 1_000_000, 2_500_000])
# What each pump-covering criterion looks at, written here apart from reports.aggregate.
PUMP_PASSES = {"certificate": lambda p: p.certificate_valid, "seals": lambda p: p.seals_intact,
               "error": lambda p: p.within_limit}


@st.composite
def visits(draw):
    kinds = [k for k in CAT.facility_kinds if k.key != "khac"]
    out = []
    for fid in range(1, draw(st.integers(1, 8)) + 1):
        kind = draw(st.sampled_from(kinds))
        for _ in range(draw(st.integers(1, 2))):
            answers = tuple(ChecklistAnswer(c.key, draw(RESULT)) for c in kind.criteria)
            pumps = tuple(draw(st.lists(PUMP, max_size=2))) if kind.has_pumps else ()
            fine = draw(FINE)
            out.append(InspectionVisit(len(out) + 1, 1, fid, kind.key, D(2023, 1, 1 + len(out) % 14), (1,), answers, pumps,
                                       action="fine" if fine else "none", fine_amount=fine))  # fmt: skip
    return out


def independent_ratios(visit_list) -> dict[tuple[str, str], str]:
    """(noun, phrase) -> "met/applied" when every facility it applied to met it, else (noun, failed
    phrase) -> "failed/applied", counted here from the visits alone."""
    per: dict[tuple[str, str], dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for v in visit_list:
        kind = CAT.facility_kind(v.facility_kind)
        for c in kind.criteria:
            answer = next(a.result for a in v.checklist if a.criterion == c.key)
            per[(kind.report_noun, c)][v.facility_id].add(answer)
            if c.pumps and v.pumps:  # the pumps answer too; a "không đạt" stands
                per[(kind.report_noun, c)][v.facility_id].add(
                    "met" if all(PUMP_PASSES[c.pumps](p) for p in v.pumps) else "not_met"
                )
    out = {}
    for (noun, c), facilities in per.items():
        applied = [a for a in facilities.values() if a - {"na"}]
        failed = sum("not_met" in a for a in applied)
        if applied and failed:
            out[(noun, c.failed_phrase or "chưa " + c.phrase.removeprefix("có "))] = f"{failed:02d}/{len(applied):02d}"
        elif applied:
            out[(noun, c.phrase)] = f"{len(applied):02d}/{len(applied):02d}"
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(visits())
def test_the_reports_ratios_are_an_independent_count(visit_list):
    facilities = {v.facility_id: Facility(v.facility_id, v.facility_kind, f"F{v.facility_id}") for v in visit_list}
    data = aggregate(PeriodRecords(inspections=tuple(visit_list), plans=(PLAN,), facilities=facilities), CAT, PERIOD)
    (plan,) = data.inspections.kiem_tra
    printed = {
        (clause.noun, phrase): clause.ratio
        for kind in plan.kinds
        for clause in kind.clauses
        for phrase in clause.phrases.split(", ")
        if clause.phrases
    }
    assert printed == independent_ratios(visit_list)
    compliant, failures = independent_failures(visit_list)
    assert {kind.key: kind.compliant.value for kind in plan.kinds} == compliant
    assert {f.name: (sorted(p.serial.replace(" ", "").upper() for p in f.pumps), len(f.criteria), f.fine)
            for f in plan.failures} == failures


def independent_failures(visit_list) -> tuple[dict[str, int], dict[str, tuple[list[str], int, str]]]:
    """Per kind the facilities that met everything; per facility that did not: the serials of its
    pumps found out of order (one pump however its serial was typed), how many criteria it failed,
    and its fines added up ("" without a fine)."""
    by_facility: dict[int, list] = defaultdict(list)
    for v in visit_list:
        by_facility[v.facility_id].append(v)
    compliant: dict[str, int] = defaultdict(int)
    failures = {}
    for fid, vs in by_facility.items():
        kind = CAT.facility_kind(vs[0].facility_kind)
        pumps_bad = {p.serial.replace(" ", "").upper() for v in vs for p in v.pumps
                     if not (p.certificate_valid and p.seals_intact and p.within_limit)}  # fmt: skip
        answered_bad = any(a.result == "not_met" for v in vs for a in v.checklist)
        compliant[kind.key] += not (pumps_bad or answered_bad)
        if pumps_bad or answered_bad:
            criteria = sum(
                any(a.criterion == c.key and a.result == "not_met" for v in vs for a in v.checklist)
                or any(c.pumps and not PUMP_PASSES[c.pumps](p) for v in vs for p in v.pumps)
                for c in kind.criteria
            )
            fines = sum(v.fine_amount for v in vs)
            failures[f"F{fid}"] = (sorted(pumps_bad), criteria, f"{fines:,}".replace(",", ".") if fines else "")
    return dict(compliant), failures


# --- VII.1 from the plans --------------------------------------------------------------------------


async def _with_plans(tmp_path: Path, *, visit: bool, note: str = "") -> Path:
    db = await sqlite_database(tmp_path)
    meta = RecordMeta(STAFF_ID, "console")
    try:
        async with db.unit_of_work() as session:
            waiting = await records.add_plan(session, Plan(0, "07/KH-CCTĐC", D(2023, 1, 5), "Chi cục Tiêu chuẩn Đo "
                                             "lường Chất lượng", "V/v kiểm tra hàng đóng gói sẵn", "kiem_tra"), meta)  # fmt: skip
            if visit:
                done = await records.add_plan(session, PLAN, meta)
                gas = await records.add_facility(session, Facility(0, "gas", "Gas An Phú"), meta)
                await records.add_inspection(session, InspectionVisit(
                    0, done.id, gas.id, "gas", D(2023, 1, 6), (STAFF_ID,),
                    (ChecklistAnswer("do_luong", "met"),)), meta)  # fmt: skip
            if note:
                await records.add_note(session, Note(0, "2023-01", "A.VII.1", note), meta)
            assert waiting.id
        return (await generate_report(db, CAT, model_settings(), PERIOD, tmp_path / "r.docx")).path
    finally:
        await db.close()


def _vii_1(path: Path) -> list[str]:
    text = paragraphs(path)
    start = text.index("1. Tóm tắt chương trình, kế hoạch thanh tra, kiểm tra đã được phê duyệt")
    end = text.index("2. Tình hình, kết quả công tác thanh tra trong lĩnh vực KH&CN")
    return text[start + 1 : end]


async def test_vii_1_lists_a_plan_dated_in_the_period_with_no_visit_yet(tmp_path):
    path = await _with_plans(tmp_path, visit=False)
    assert _vii_1(path) == [
        "- Thực hiện Kế hoạch số 07/KH-CCTĐC ngày 05/01/2023 của Chi cục Tiêu chuẩn Đo lường Chất lượng về việc kiểm "
        "tra hàng đóng gói sẵn: trong tháng 01 năm 2023 chưa tiến hành kiểm tra tại cơ sở."
    ]
    assert "Trong tháng 01 năm 2023, Sở không tổ chức kiểm tra trong lĩnh vực KH&CN." in paragraphs(path)


async def test_vii_1_with_a_note_keeps_the_note_and_adds_the_plan_without_visits(tmp_path):
    path = await _with_plans(tmp_path, visit=True, note="Ban hành Quyết định số 1/QĐ-SKHCN.")
    assert _vii_1(path) == [
        "Ban hành Quyết định số 1/QĐ-SKHCN.",
        "- Thực hiện Kế hoạch số 07/KH-CCTĐC ngày 05/01/2023 của Chi cục Tiêu chuẩn Đo lường Chất lượng về việc kiểm "
        "tra hàng đóng gói sẵn: trong tháng 01 năm 2023 chưa tiến hành kiểm tra tại cơ sở.",
    ]  # 05/KH-CCTĐC had its visit: it is reported in VII.3
    assert paragraph_with(path, "Thực hiện Kế hoạch số 05/KH-CCTĐC ngày 02/01/2023")


def test_vii_1_names_the_periods_plans_with_visits_when_it_would_say_nothing_else(tmp_path):
    gas = InspectionVisit(1, 1, 1, "gas", D(2023, 1, 6), (1,), (ChecklistAnswer("do_luong", "met"),))
    path = _render(PeriodRecords(inspections=(gas,), plans=(PLAN,), facilities={1: Facility(1, "gas", "G")}), tmp_path)
    assert _vii_1(path) == [
        "- Thực hiện Kế hoạch số 05/KH-CCTĐC ngày 02/01/2023 của Chi cục Tiêu chuẩn Đo lường Chất lượng về kiểm "
        "tra đo lường: đã tổ chức kiểm tra tại 01 cơ sở."
    ]


# --- pictographs, the number -----------------------------------------------------------------------


def test_pictographs_never_reach_the_document(tmp_path):
    note = "Đã kiểm tra 🚀🔥 xong 👍🏽 ✅ gia đình 👨‍👩‍👧 cờ 🇻🇳 ☎️ số 1️⃣ 👍."
    assert strip_pictographs(note) == "Đã kiểm tra xong gia đình cờ số 1."
    path = _render(PeriodRecords(notes=(Note(1, "2023-01", "A.I", note),)), tmp_path)
    assert "Đã kiểm tra xong gia đình cờ số 1." in paragraphs(path)
    assert strip_pictographs("Điện áp 220 V — “đạt” (±0,45 %) © ®") == "Điện áp 220 V — “đạt” (±0,45 %) © ®"


def test_number_five_is_written_05():
    assert document_fields(D(2023, 1, 14), "5")["number"] == "05"
    assert document_fields(D(2023, 1, 14), 5)["number"] == "05"
    assert document_fields(D(2023, 1, 14), "12a")["number"] == "12a"
