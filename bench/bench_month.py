"""The web view's month page (issue 25): one month of 2,000 records inside a database of 100,000.

Fills the database as bench/bench_report.py does (50 reporting months of 2,000 records each), then
times the month page of the month in the middle, in server time: loading that month and the one
before it, aggregating both as the report does (reports/month.py), drawing the two SVG charts and
writing the page's HTML. Target: under 200 ms on SQLite.

    .venv/bin/python bench/bench_month.py                       # SQLite in a temporary folder
    .venv/bin/python bench/bench_month.py --pg postgresql+asyncpg://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_report import MONTHS, fill  # noqa: E402
from reports.charts import comparison_chart, weekly_chart  # noqa: E402
from reports.periods import month_period  # noqa: E402
from reports.service import load_month  # noqa: E402
from storage.catalogue import catalogue_from_dict  # noqa: E402
from storage.db import open_database  # noqa: E402
from storage.models import Base  # noqa: E402

RUNS = 15


async def run(url: str, label: str) -> None:
    config = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))
    catalogue = catalogue_from_dict(config["catalogue"])
    db = open_database(url)
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)
    periods = [month_period(2021, 1)]
    while len(periods) < MONTHS:
        periods.append(periods[-1].next())
    t = time.perf_counter()
    total = await fill(db, catalogue, periods)
    print(f"{label}: filled {total:,} records in {time.perf_counter() - t:.1f} s")
    target = periods[MONTHS // 2]
    times: dict[str, list[float]] = {"load+aggregate": [], "charts": [], "cpu": [], "total": []}
    for _ in range(RUNS):
        c0, t0 = time.process_time(), time.perf_counter()
        view = await load_month(db, catalogue, target)
        t1 = time.perf_counter()
        svg = weekly_chart(view) + comparison_chart(view)
        t2 = time.perf_counter()
        times["load+aggregate"].append(t1 - t0)
        times["charts"].append(t2 - t1)
        times["total"].append(t2 - t0)
        times["cpu"].append(time.process_time() - c0)
    print(f"{label}: month {target.key}, {view.total:,} records (previous month "
          f"{sum(r.previous for r in view.comparison if r.key.startswith('records.')):,}), {len(svg):,} bytes of SVG")  # fmt: skip
    print(f"{label}: first {times['total'][0] * 1000:.0f} ms; then over {RUNS - 1} runs:")
    for name, values in times.items():
        rest = sorted(values[1:])
        print(f"  {name:15} p50 {statistics.median(rest) * 1000:6.1f} ms   max {rest[-1] * 1000:6.1f} ms")
    await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", help="also run on this PostgreSQL URL (its tables are dropped and recreated)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(f"sqlite+aiosqlite:///{tmp}/bench.sqlite3", "sqlite"))
        if args.pg:
            asyncio.run(run(args.pg, "postgresql"))


if __name__ == "__main__":
    main()
