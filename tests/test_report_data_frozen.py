"""Everything reports.aggregate hands the template is frozen (issue 26: the mutation run's survivors
`frozen=True → False`): a template, or the month page, that tried to change a figure while printing
it would fail, not print another figure elsewhere. A month with every kind of record reaches each
data class of the module; the walk checks it met them all."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

import pytest

import reports.aggregate as aggregate_module
from reports.aggregate import aggregate
from reports.periods import month_period
from storage.domain import (
    Activity,
    CalibrationBatch,
    ChecklistAnswer,
    Facility,
    InspectionVisit,
    Licence,
    Note,
    PeriodRecords,
    Plan,
    PumpCheck,
)
from tests.test_report_support import catalogue

D = dt.date
CAT = catalogue()
FUEL = next(k for k in CAT.facility_kinds if k.has_pumps)


def a_full_month() -> PeriodRecords:
    plan = Plan(1, "05/KH-CCTĐC", D(2023, 1, 2), "Chi cục", "kiểm tra đo lường", "kiem_tra")
    answers = tuple(ChecklistAnswer(c.key, "not_met") for c in FUEL.criteria)
    visit = InspectionVisit(1, 1, 1, FUEL.key, D(2023, 1, 5), (1,), answers,
                            (PumpCheck("CD02", True, False, 0.6, False),), fine_amount=2_000_000, action="fine")  # fmt: skip
    return PeriodRecords(
        calibration_batches=(CalibrationBatch(1, D(2023, 1, 2), CAT.calibration_fields[0].key, 5, 1, 4),),
        inspections=(visit,),
        plans=(plan,),
        facilities={1: Facility(1, FUEL.key, "Cửa hàng xăng dầu Minh Phát")},
        licences=(Licence(1, CAT.licence_kinds[0].key, "cap_moi", "1", "Bệnh viện A", "", D(2023, 1, 3)),),
        activities=(Activity(1, CAT.activity_kinds[0].key, D(2023, 1, 4), 3, "Công ty A"),),
        notes=(Note(1, "2023-01", "A.I", "Ghi chú.", 0),),
    )


def _instances(value, found: dict) -> None:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found.setdefault(type(value), value)
        for f in dataclasses.fields(value):
            _instances(getattr(value, f.name), found)
    elif isinstance(value, tuple | list):
        for item in value:
            _instances(item, found)
    elif isinstance(value, Mapping):
        for item in value.values():
            _instances(item, found)


def test_every_figure_the_template_gets_is_frozen():
    found: dict[type, object] = {}
    _instances(aggregate(a_full_month(), CAT, month_period(2023, 1)), found)
    defined = {
        c for c in vars(aggregate_module).values()
        if isinstance(c, type) and dataclasses.is_dataclass(c) and c.__module__ == "reports.aggregate"
    }  # fmt: skip
    assert defined and set(found) == defined  # the month reached every data class of the module
    for instance in found.values():
        name = dataclasses.fields(instance)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(instance, name, getattr(instance, name))
