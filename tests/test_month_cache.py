"""The month page's cache (reports/month_cache.py, storage/period_stamp.py): a period's figures are
kept while its records stay the same, and every kind of change makes the page load them again, so
that the page through the cache always equals the page made afresh (issue 25)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from reports.month_cache import MonthCache
from reports.periods import parse_period
from reports.service import load_month
from storage import people, records, review
from storage.domain import WAITING, Activity, CalibrationBatch, Facility, Note, RecordMeta
from tests.month_support import model_quarter

D = dt.date
JANUARY = parse_period("2023-01")


def shown(view) -> tuple:
    """Everything the page prints of a view."""
    return (
        [(s.key, s.notes, [(f.key, f.label, f.value, f.detail) for f in s.figures]) for s in view.sections],
        view.plans, [(w.start, dict(w.counts)) for w in view.weeks],
        [(r.key, r.current, r.previous) for r in view.comparison], view.review,
    )  # fmt: skip


@pytest.fixture
async def world(config, db):
    """The model month and a quarter around it, the staff member who wrote it, a cache."""
    async with db.unit_of_work() as session:
        staff = await people.create_staff(session, "Cán bộ", ["manager", "clerk"], dt.datetime.now(dt.UTC))
    await model_quarter(db, config.catalogue, staff.id)
    return db, config.catalogue, staff, MonthCache()


async def _check(world, loads: int, period=JANUARY, count: str = "all") -> None:
    """The page through the cache is the page made afresh, after `loads` more loads of a period."""
    db, catalogue, _, cache = world
    before = cache.loads
    cached = await load_month(db, catalogue, period, count, cache)
    assert shown(cached) == shown(await load_month(db, catalogue, period, count))
    assert cache.loads - before == loads


async def _write(world, change) -> None:
    db, _, staff, _ = world
    async with db.unit_of_work() as session:
        await change(session, RecordMeta(recorded_by=staff.id, channel="console", recorded_at=dt.datetime(2023, 1, 13, tzinfo=dt.UTC)))


async def test_a_period_is_loaded_again_exactly_when_its_records_change(world):
    db, catalogue, staff, cache = world
    await _check(world, 2)  # January and December
    await _check(world, 0)  # nothing changed: both kept
    field = catalogue.calibration_fields[0].key
    # every write below carries the same time, as a stopped clock writes: versions and counts tell them apart
    await _write(world, lambda s, m: records.add_calibration_batch(s, CalibrationBatch(0, D(2023, 1, 5), field, 9, 0, 9), m))
    await _check(world, 1)  # January again; December kept
    async with db.read() as session:
        batch = (await records.load_period_records(session, D(2023, 1, 5), D(2023, 1, 5))).calibration_batches[-1]
    await _write(world, lambda s, m: records.update_calibration_batch(s, dataclasses.replace(batch, verified=11, certificates=11), m))
    await _check(world, 1)
    await _write(world, lambda s, m: records.delete_calibration_batch(s, batch.id, m))
    await _check(world, 1)
    async with db.read() as session:
        january = await records.load_period_records(session, JANUARY.start, JANUARY.end)
    moved = january.activities[0]
    await _write(world, lambda s, m: records.update_activity(s, dataclasses.replace(moved, business_date=D(2022, 12, 1)), m))
    await _check(world, 2)  # out of January into December: both
    await _write(world, lambda s, m: records.add_activity(s, Activity(0, moved.kind, D(2023, 3, 20), 1), m))
    await _check(world, 0)  # April's record: neither


async def test_notes_plans_review_and_facilities_count_as_changes(world):
    db, catalogue, staff, cache = world
    await _check(world, 2)
    await _write(world, lambda s, m: records.add_note(s, Note(0, "2023-01", "A.I", "Một đoạn nữa.", 5), m))
    await _check(world, 1)
    async with db.read() as session:
        january = await records.load_period_records(session, JANUARY.start, JANUARY.end)
    plan = january.plans[0]  # dated 30/12/2022, in December, its visits in January
    await _write(world, lambda s, m: records.update_plan(s, dataclasses.replace(plan, number="3827/KH-TĐC"), m))
    await _check(world, 2)
    visit = january.inspections[0]
    await _write(world, lambda s, m: records.update_facility(s, Facility(visit.facility_id, visit.facility_kind, "Tên mới"), m))
    await _check(world, 2)  # a facility changed by this process: every period it may be in
    kind = catalogue.activity_kinds[0].key
    waiting = RecordMeta(recorded_by=staff.id, channel="zalo", review=WAITING, recorded_at=dt.datetime(2023, 1, 13, tzinfo=dt.UTC))
    async with db.unit_of_work() as session:
        added = await records.add_activity(session, Activity(0, kind, D(2023, 1, 10), 2), waiting)
    await _check(world, 1)
    await _check(world, 2, count="approved")  # counting approved records only: kept apart
    async with db.unit_of_work() as session:
        assert (await review.approve(session, "activity", added.id, by=staff.id, now=waiting.recorded_at)).ok
    await _check(world, 1)  # approved: the state moved, nothing else
    await _check(world, 1, count="approved")  # and the approved-only figures now count it
    counted = await load_month(db, catalogue, JANUARY, "approved", cache)
    assert {r.key: r.current for r in counted.comparison}[f"act.{catalogue.activity_kinds[0].report_key}"] == (
        {r.key: r.current for r in (await load_month(db, catalogue, JANUARY)).comparison}[f"act.{catalogue.activity_kinds[0].report_key}"]
    )


async def test_the_cache_keeps_a_bounded_number_of_periods(world):
    db, catalogue, _, _ = world
    for size, loads in ((4, 4), (3, 6)):
        cache = MonthCache(size=size)
        for key in ("2023-01", "2023-Q1", "2023-01"):  # 2023-01 and 2022-12, 2023-Q1 and 2022-Q4, 2023-01 …
            await load_month(db, catalogue, parse_period(key), cache=cache)
        assert cache.loads == loads and len(cache._kept) == size  # 3: the oldest two were let go
