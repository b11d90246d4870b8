"""Report fixtures with one fault each (issue 26): a pump that fails only its seal, only its
certificate or only its error; one facility good at one visit and bad at the other; fines on two
visits; plans dated on the first and the last day of the period; a kind where every criterion was
"không áp dụng" and a pump failed. Each states what reports.aggregate must make of it.

Criteria are found in the catalogue by what they are (the one that covers the pumps' certificate),
not copied from config.toml.
"""

from __future__ import annotations

import datetime as dt

import pytest

from reports.aggregate import PumpFailure, aggregate
from reports.periods import month_period
from storage.domain import ChecklistAnswer, Facility, InspectionVisit, PeriodRecords, Plan, PumpCheck
from tests.test_report_support import catalogue

D = dt.date
CAT = catalogue()
PERIOD = month_period(2023, 1)  # 15/12/2022–14/01/2023
PLAN = Plan(1, "05/KH-CCTĐC", D(2023, 1, 2), "Chi cục Tiêu chuẩn Đo lường Chất lượng", "kiểm tra đo lường", "kiem_tra")
FUEL = next(k for k in CAT.facility_kinds if k.has_pumps)
CERTIFICATE = next(c for c in FUEL.criteria if c.pumps == "certificate")
GOOD_PUMP = PumpCheck("CD01", True, True, 0.1, True)


def station(*visits: InspectionVisit, name: str = "Cửa hàng xăng dầu Minh Phát") -> PeriodRecords:
    return PeriodRecords(inspections=visits, plans=(PLAN,), facilities={1: Facility(1, FUEL.key, name)})


def visit(n: int, day: int, *, answers: str = "met", pumps=(GOOD_PUMP,), fine: int = 0, action: str = "none",
          facility: int = 1) -> InspectionVisit:
    checklist = tuple(ChecklistAnswer(c.key, answers) for c in FUEL.criteria)
    return InspectionVisit(n, 1, facility, FUEL.key, D(2023, 1, day), (1,), checklist, tuple(pumps),
                           action="fine" if fine else action, fine_amount=fine)  # fmt: skip


def plan_of(records: PeriodRecords):
    (plan,) = aggregate(records, CAT, PERIOD).inspections.kiem_tra
    return plan


@pytest.mark.parametrize(
    ("pump", "failure", "certificate_failed"),
    [
        (PumpCheck("CD02", True, False, 0.1, True), PumpFailure("CD02", False, True, ""), False),  # seal only
        (PumpCheck("CD02", False, True, 0.1, True), PumpFailure("CD02", True, False, ""), True),  # certificate only
        (PumpCheck("CD02", True, True, 0.6, False), PumpFailure("CD02", False, False, "+0,60"), False),  # error only
        (PumpCheck("CD02", True, True, -0.5, False), PumpFailure("CD02", False, False, "-0,50"), False),
    ],
    ids=["seal", "certificate", "error", "negative error"],
)
def test_one_pump_fault_alone_fails_the_visit(pump, failure, certificate_failed):
    plan = plan_of(station(visit(1, 5, pumps=(GOOD_PUMP, pump))))
    (kind,) = plan.kinds
    assert (kind.facilities.value, kind.compliant.value, kind.all_compliant) == (1, 0, False)
    (failed,) = plan.failures
    assert failed.name == "Cửa hàng xăng dầu Minh Phát" and failed.pumps == (failure,)
    certificate = next(c for c in kind.criteria if c.key == CERTIFICATE.key)
    assert (certificate.met.value, certificate.answered.value) == ((0, 1) if certificate_failed else (1, 1))
    assert (CERTIFICATE.label[:1].lower() + CERTIFICATE.label[1:] in failed.criteria) == certificate_failed


def test_all_pumps_good_the_visit_passes():
    plan = plan_of(station(visit(1, 5, pumps=(GOOD_PUMP, PumpCheck("CD02", True, True, -0.45, True)))))
    (kind,) = plan.kinds
    assert (kind.compliant.value, kind.all_compliant, plan.failures) == (1, True, ())


def test_one_good_and_one_bad_visit_of_one_facility():
    plan = plan_of(station(visit(1, 3), visit(2, 10, answers="not_met")))
    (kind,) = plan.kinds
    assert (plan.facilities.value, kind.facilities.value, kind.compliant.value, kind.all_compliant) == (1, 1, 0, False)
    assert [(c.met.value, c.answered.value) for c in kind.criteria] == [(0, 1)] * len(FUEL.criteria)
    (failed,) = plan.failures  # one line for the facility, each criterion once
    assert len(failed.criteria) == len(FUEL.criteria) == len(set(failed.criteria))
    # the other way round: bad first, good after — still failed in the period
    plan = plan_of(station(visit(1, 3, answers="not_met"), visit(2, 10)))
    assert plan.kinds[0].compliant.value == 0 and len(plan.failures) == 1


def test_the_same_pump_failing_at_two_visits_is_named_once():
    broken = PumpCheck("CD02", True, False, 0.1, True)
    plan = plan_of(station(visit(1, 3, pumps=(broken,)), visit(2, 10, pumps=(PumpCheck("cd02", True, True, 0.7, False),))))
    (failed,) = plan.failures
    assert failed.pumps == (PumpFailure("CD02", False, True, "+0,70"),)


def test_fines_on_two_visits_are_added_up():
    plan = plan_of(station(visit(1, 3, answers="not_met", fine=2_000_000), visit(2, 10, answers="not_met", fine=3_500_000)))
    (failed,) = plan.failures
    assert (failed.action, failed.fine) == ("fine", "5.500.000")


def test_without_a_fine_the_last_visits_measure_is_reported():
    plan = plan_of(station(visit(1, 3, answers="not_met", action="record"), visit(2, 10, answers="not_met",
                                                                                 action="reminder")))
    (failed,) = plan.failures
    assert (failed.action, failed.fine) == ("reminder", "")


def test_only_not_applicable_and_a_failed_pump_is_not_compliant():
    bad = PumpCheck("CD02", True, False, 0.1, True)  # a broken seal; every criterion answered "không áp dụng"
    plan = plan_of(station(visit(1, 5, answers="na", pumps=(bad,))))
    (kind,) = plan.kinds
    assert (kind.compliant.value, kind.all_compliant) == (0, False)
    assert not any(clause.phrases == "" and not clause.failed for clause in kind.clauses)  # never "đạt yêu cầu"
    (failed,) = plan.failures
    assert failed.pumps == (PumpFailure("CD02", False, True, ""),)


def test_only_not_applicable_without_pumps_meets_the_requirements():
    plan = plan_of(station(visit(1, 5, answers="na", pumps=())))
    (kind,) = plan.kinds
    assert kind.all_compliant and [(c.ratio, c.phrases, c.failed) for c in kind.clauses] == [("01/01", "", False)]


@pytest.mark.parametrize(
    ("dated", "listed"),
    [
        (D(2022, 12, 14), False),  # the day before the period
        (D(2022, 12, 15), True),  # its first day
        (D(2023, 1, 14), True),  # its last day
        (D(2023, 1, 15), False),  # the day after
    ],
)
def test_plans_dated_at_the_edges_of_the_period(dated, listed):
    plan = Plan(7, "07/KH-CCTĐC", dated, "Chi cục Tiêu chuẩn Đo lường Chất lượng", "kiểm tra hàng đóng gói sẵn",
                "kiem_tra")
    approved = aggregate(PeriodRecords(plans=(plan,)), CAT, PERIOD).inspections.approved
    assert [p.number for p in approved] == (["07/KH-CCTĐC"] if listed else [])
