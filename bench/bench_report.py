"""Monthly report time: one month of 2,000 records inside a database of 100,000.

Fills 50 reporting months of 2,000 records each (calibration batches, inspection visits with their
checklists, licences, activities, plans) with bulk inserts, then times the report of the month in the
middle: loading it through storage.records (the (status, business_date) indexes), aggregating, and
rendering the .docx. Targets: each step and the whole under 1 s, aggregation under 100 ms. Then
what /ghichu's section list adds (reports/numbering.py: the month loaded, aggregated, and the
template's skeleton run once per section left out; asked again with nothing changed, the month's
stamp only).

    .venv/bin/python bench/bench_report.py                       # SQLite in a temporary folder
    .venv/bin/python bench/bench_report.py --pg postgresql+asyncpg://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

import storage.record_models as rm  # noqa: E402
from reports.aggregate import aggregate  # noqa: E402
from reports.numbering import month_section_numbers  # noqa: E402
from reports.periods import Period, month_period  # noqa: E402
from reports.render import render_monthly_report  # noqa: E402
from reports.settings import ReportSettings  # noqa: E402
from storage.catalogue import Catalogue, catalogue_from_dict  # noqa: E402
from storage.db import Database, open_database  # noqa: E402
from storage.models import Base, StaffRow  # noqa: E402
from storage.records import load_period_records  # noqa: E402

MONTHS = 50
PER_MONTH = {"calibration": 800, "inspections": 300, "licences": 200, "activities": 690, "plans": 10}
FACILITIES = 3000
NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def _book(day: dt.date) -> dict:
    return dict(business_date=day, status="active", version=1, recorded_at=NOW, updated_at=NOW,
                recorded_by=1, channel="zalo", source_event="")  # fmt: skip


def _days(period: Period, n: int, rng: random.Random) -> list[dt.date]:
    span = (period.end - period.start).days
    return [period.start + dt.timedelta(days=rng.randint(0, span)) for _ in range(n)]


def _month_rows(
    period: Period, catalogue: Catalogue, plan_ids: list[int], rng: random.Random
) -> dict[type, list]:
    fields = [f.key for f in catalogue.calibration_fields]
    kinds = catalogue.facility_kinds
    cal = []
    for d in _days(period, PER_MONTH["calibration"], rng):
        verified = rng.randint(1, 60)
        rejected = rng.randint(0, 2) if verified > 2 else 0
        cal.append({**_book(d), "field": rng.choice(fields), "verified": verified, "rejected": rejected,
                    "certificates": verified - rejected, "customer": "Khách hàng"})  # fmt: skip
    visits, seen = [], set()
    for d in _days(period, PER_MONTH["inspections"], rng):
        plan, facility = rng.choice(plan_ids), rng.randint(1, FACILITIES)
        while (plan, facility, d) in seen:  # one visit per plan, facility and day (a unique index)
            facility = rng.randint(1, FACILITIES)
        seen.add((plan, facility, d))
        kind = rng.choice(kinds)
        ok = rng.random() > 0.1
        checklist = [{"criterion": c.key, "result": "met" if ok or i else "not_met", "note": ""}
                     for i, c in enumerate(kind.criteria)]  # fmt: skip
        visits.append({**_book(d), "plan_id": plan, "facility_id": facility,
                       "facility_kind": kind.key, "inspectors": [1], "checklist": checklist, "pumps": [],
                       "location_text": "", "violations": "" if ok else "Vi phạm ghi nhãn", "action": "none",
                       "fine_amount": 0, "photos": [], "compliant": ok})  # fmt: skip
    licences = [{**_book(d), "kind": rng.choice(catalogue.licence_kinds).key, "action": "cap_moi",
                 "number": f"{i}/GP", "holder": f"Cơ sở {i}", "facility": "", "expiry_date": None}
                for i, d in enumerate(_days(period, PER_MONTH["licences"], rng))]  # fmt: skip
    activities = [{**_book(d), "kind": rng.choice(catalogue.activity_kinds).key, "count": rng.randint(1, 5),
                   "detail": f"Doanh nghiệp {rng.randint(1, 40)}", "authors": rng.randint(0, 3), "decision": ""}
                  for d in _days(period, PER_MONTH["activities"], rng)]  # fmt: skip
    return {
        rm.CalibrationBatchRow: cal,
        rm.InspectionRow: visits,
        rm.LicenceRow: licences,
        rm.ActivityRow: activities,
    }


async def fill(db: Database, catalogue: Catalogue, periods: list[Period]) -> int:
    """Bulk rows (the capture forms' repositories write one at a time; a bench need not)."""
    rng = random.Random(2023)
    total = 0
    async with db.unit_of_work() as s:
        s.add(StaffRow(id=1, name="Bench", name_folded="bench", created_at=NOW))
        await s.flush()
        kinds = [k.key for k in catalogue.facility_kinds]
        facilities = [dict(id=i, kind=rng.choice(kinds), name=f"Cơ sở {i}", name_folded=f"co so {i}", tax_code=None,
                           address="", province="", created_at=NOW, created_by=1) for i in range(1, FACILITIES + 1)]  # fmt: skip
        await s.execute(insert(rm.FacilityRow), facilities)
    plan_id = 0
    for period in periods:
        plans = []
        for d in _days(period, PER_MONTH["plans"], rng):
            plan_id += 1
            plans.append({**_book(d), "id": plan_id, "number": f"{plan_id}/KH-TĐC", "issuer": "Tổng cục",
                          "subject": "kiểm tra", "kind": rng.choice(["kiem_tra"] * 4 + ["thanh_tra"])})  # fmt: skip
        rows = _month_rows(period, catalogue, [p["id"] for p in plans], rng)
        async with db.unit_of_work() as s:
            await s.execute(insert(rm.PlanRow), plans)
            for table, values in rows.items():
                await s.execute(insert(table), values)
        total += len(plans) + sum(len(v) for v in rows.values())
    return total


async def filled_database(url: str, label: str, catalogue: Catalogue, first: Period) -> tuple[Database, list[Period]]:
    """A fresh schema at `url` and MONTHS months of records from `first` (the benches share it)."""
    db = open_database(url)
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)
    periods = [first]
    while len(periods) < MONTHS:
        periods.append(periods[-1].next())
    t = time.perf_counter()
    total = await fill(db, catalogue, periods)
    print(f"{label}: filled {total:,} records in {time.perf_counter() - t:.1f} s")
    return db, periods


async def time_report(
    db: Database, catalogue: Catalogue, settings: ReportSettings, period: Period, out: Path
):
    t0 = time.perf_counter()
    async with db.read() as s:
        records = await load_period_records(s, period.start, period.end, period.key)
    t1 = time.perf_counter()
    data = aggregate(records, catalogue, period)
    t2 = time.perf_counter()
    render_monthly_report(data, settings, out)
    t3 = time.perf_counter()
    n = (
        len(records.calibration_batches)
        + len(records.inspections)
        + len(records.licences)
        + len(records.activities)
    )
    n += sum(1 for p in records.plans if period.contains(p.plan_date))
    return n, t1 - t0, t2 - t1, t3 - t2


async def run(url: str, label: str, workdir: Path) -> None:
    config = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))
    catalogue = catalogue_from_dict(config["catalogue"])
    settings = ReportSettings.from_config(config["organisation"], config["reporting"])
    db, periods = await filled_database(url, label, catalogue, month_period(2021, 1))
    target = periods[MONTHS // 2]
    for attempt in ("first", "second"):
        n, load, agg, render = await time_report(db, catalogue, settings, target, workdir / f"{label}.docx")
        print(f"{label} {attempt:6}: month {target.key} {n:,} records | load {load * 1000:6.0f} ms | "
              f"aggregate {agg * 1000:5.1f} ms | render {render * 1000:5.0f} ms | total {(load + agg + render) * 1000:5.0f} ms")  # fmt: skip
    for attempt in ("first", "again"):  # what /ghichu's section list adds: the numbers the report prints
        t = time.perf_counter()
        async with db.read() as s:
            numbers = await month_section_numbers(s, catalogue, settings, target)
        how = "the month loaded, aggregated, the skeleton run" if attempt == "first" else "kept: the month's stamp"
        print(f"{label} {attempt:6}: /ghichu's numbers of {len(numbers)} sections ({how}) "
              f"{(time.perf_counter() - t) * 1000:5.0f} ms")
    await db.close()


def on_databases(run, description: str) -> None:
    """The benches' command line: `run(url, label, folder)` on SQLite in a temporary folder, then on
    `--pg URL` when given (bench_month.py and bench_records.py share it)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--pg", help="also run on this PostgreSQL URL (its tables are dropped and recreated)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(f"sqlite+aiosqlite:///{tmp}/bench.sqlite3", "sqlite", Path(tmp)))
        if args.pg:
            asyncio.run(run(args.pg, "postgresql", Path(tmp)))


def main() -> None:
    on_databases(run, __doc__.splitlines()[0])


if __name__ == "__main__":
    main()
