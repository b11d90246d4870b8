"""What the runtime calls: load a period in one read transaction, aggregate, write the file.

Writing the .docx/.xlsx is CPU work of a few hundred milliseconds; it runs in a worker thread so
the chat engine's event loop keeps answering other chats meanwhile.

`[reporting] count` (issue 24): "all" (the default) counts every active record of the period, approved
or not; "approved" only the approved ones (storage/review.py). Either way the file is made with how many
records of the period wait for review or were returned, read in the same transaction, for the chat and
the command line to say (never the document).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from reports.aggregate import MonthlyReportData, aggregate
from reports.export import export_period
from reports.month import MonthView, month_view_of, period_figures
from reports.month_cache import MonthCache
from reports.periods import Period, note_periods
from reports.render import render_monthly_report
from reports.settings import ReportSettings
from storage import review as review_store
from storage.catalogue import Catalogue
from storage.db import Database
from storage.domain import PeriodRecords
from storage.people import list_staff
from storage.records import load_period_records

ALL, APPROVED = "all", "approved"  # [reporting] count
COUNTS = (ALL, APPROVED)


@dataclass(frozen=True)
class GeneratedFile:
    path: Path
    period: Period
    timings: dict[str, float] = field(default_factory=dict)  # seconds: load, aggregate, render/write
    records: int = 0  # how many captured records the file was made from (notes not counted)
    review: review_store.StateCounts = review_store.StateCounts()  # the period's records by review state, every one
    count: str = ALL  # [reporting] count the file was made with


async def load_period(db: Database, period: Period, count: str = ALL) -> PeriodRecords:
    """The period's records; with count "approved", the approved ones only."""
    return (await _load(db, period, count))[0]


async def _load(db: Database, period: Period, count: str) -> tuple[PeriodRecords, review_store.StateCounts]:
    if count not in COUNTS:
        raise ValueError(f"[reporting] count must be one of {', '.join(COUNTS)}, not {count!r}")
    async with db.read() as session:
        records = await period_records(session, period)
        states = review_counts(await review_store.counts(session, period.start, period.end))
    return (review_store.approved_only(records) if count == APPROVED else records), states


async def period_records(session: AsyncSession, period: Period, count: str = ALL) -> PeriodRecords:
    """What the period's report is made from, read in the caller's transaction (/ghichu's numbers too);
    with count "approved", the approved records only."""
    records = await load_period_records(session, period.start, period.end, notes_period=note_periods(period))
    return review_store.approved_only(records) if count == APPROVED else records


def review_counts(by_kind: dict[str, review_store.StateCounts]) -> review_store.StateCounts:
    """Every kind's counts summed."""
    return review_store.StateCounts(*(sum(getattr(c, f) for c in by_kind.values()) for f in ("waiting", "returned", "approved")))


def _count(records: PeriodRecords) -> int:
    """Records captured in the period; the sections' narrative notes are not records."""
    return sum(
        len(x) for x in (records.calibration_batches, records.inspections, records.licences, records.activities)
    )


async def generate_report(
    db: Database,
    catalogue: Catalogue,
    settings: ReportSettings,
    period: Period,
    out_path: Path | str,
    number: int | str | None = None,
    issued_on: dt.date | None = None,
    count: str = ALL,
) -> GeneratedFile:
    """The period's report as a .docx draft for signing (number and day blank unless given); `count`:
    [reporting] count."""
    t0 = time.perf_counter()
    records, states = await _load(db, period, count)
    t1 = time.perf_counter()
    data: MonthlyReportData = aggregate(records, catalogue, period)
    t2 = time.perf_counter()
    path = await asyncio.to_thread(render_monthly_report, data, settings, out_path, number, issued_on)
    t3 = time.perf_counter()
    return GeneratedFile(
        path, period, {"load": t1 - t0, "aggregate": t2 - t1, "render": t3 - t2}, _count(records), states, count
    )


async def generate_export(
    db: Database, catalogue: Catalogue, period: Period, out_path: Path | str
) -> GeneratedFile:
    """The period's raw records as .xlsx, one sheet per kind: every record, whatever [reporting] count
    says, each with its review state (the column to filter on to find the report's figures)."""
    t0 = time.perf_counter()
    records, states = await _load(db, period, ALL)
    async with db.read() as session:
        recorders = {s.id: s.name for s in await list_staff(session)}
    t1 = time.perf_counter()
    path = await asyncio.to_thread(export_period, records, catalogue, out_path, recorders)
    t2 = time.perf_counter()
    return GeneratedFile(path, period, {"load": t1 - t0, "write": t2 - t1}, _count(records), states)


async def load_month(
    db: Database, catalogue: Catalogue, period: Period, count: str = ALL, cache: MonthCache | None = None
) -> MonthView:
    """The web view's month page of `period`: its records and the previous period's, aggregated as the
    report aggregates them (reports/month.py), counting what the report counts (`count`); through
    `cache` when given (reports/month_cache.py)."""
    if count not in COUNTS:
        raise ValueError(f"[reporting] count must be one of {', '.join(COUNTS)}, not {count!r}")
    if cache is not None:
        current = await cache.figures(db, catalogue, period, approved_only=count == APPROVED)
        previous = await cache.figures(db, catalogue, period.previous(), approved_only=count == APPROVED)
    else:
        current = period_figures(await load_period(db, period, count), catalogue, period)
        previous = period_figures(await load_period(db, period.previous(), count), catalogue, period.previous())
    async with db.read() as session:
        states = await review_store.counts(session, period.start, period.end)
    return month_view_of(current, previous, catalogue, states)
