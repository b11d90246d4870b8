"""The web view's month page (issue 25): one month of 2,000 records inside a database of 100,000.

Fills the database as bench/bench_report.py does (50 reporting months of 2,000 records each), then
times the month page of the month in the middle in server time: its handler (webview/month.py) called
as the web server calls it once the session is checked — loading that month and the one before it
(or taking them from reports/month_cache.py), aggregating both as the report does, the review counts,
drawing the two SVG charts, writing the HTML. Three cases: nothing kept, a record of the month written
before each view, the same page again. Wall time and the process's CPU time (all threads) per page.
Target: under 200 ms on SQLite.

    .venv/bin/python bench/bench_month.py                       # SQLite in a temporary folder
    .venv/bin/python bench/bench_month.py --pg postgresql+asyncpg://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiohttp import web  # noqa: E402
from aiohttp.test_utils import make_mocked_request  # noqa: E402

from bench.bench_report import MONTHS, filled_database, on_databases  # noqa: E402
from bot.clock import FrozenClock  # noqa: E402
from bot.config import load_config  # noqa: E402
from reports.periods import month_period  # noqa: E402
from storage import records  # noqa: E402
from storage.domain import WAITING, Activity, RecordMeta, Staff  # noqa: E402
from webview import auth, month, site  # noqa: E402
from webview.deps import WebDeps  # noqa: E402

RUNS = 15
CASES = {
    "cold": "nothing kept (the first view, or every view without reports/month_cache.py)",
    "written": "a record of the month written before each view (the month loaded again, the month before kept)",
    "again": "the same page again, nothing written",
}


async def run(url: str, label: str, folder: Path) -> None:
    config = load_config(ROOT / "config.toml", env={"FIELDBOT_DATA_DIR": str(folder / "data")})
    db, periods = await filled_database(url, label, config.catalogue, month_period(2021, 1, config.cut_off_day))
    target = periods[MONTHS // 2]
    noon = dt.datetime.combine(periods[-1].end, dt.time(12), tzinfo=config.general.zone)
    app = web.Application()
    deps = WebDeps(db=db, clock=FrozenClock(config.general.zone, noon), config=config, media_dir=folder / "media")
    site.install(app, deps)
    viewer = auth.Viewer(Staff(1, "Bench", frozenset({"manager"})), 0, "0" * 64)
    kind = config.catalogue.activity_kinds[0].key
    meta = RecordMeta(recorded_by=1, channel="zalo", review=WAITING)
    print(f"{label}: the page of {target.key} (2,000 records) and the month before it, {RUNS} views each:")
    for case in ("cold", "written", "again"):
        walls, cpus, size = [], [], 0
        for _ in range(RUNS):
            if case == "cold":  # nothing kept: both months loaded and aggregated
                deps.extra.pop("month_cache", None)
            elif case == "written":  # a record of the month came in since: the month again, the one before kept
                async with db.unit_of_work() as session:
                    await records.add_activity(session, Activity(0, kind, target.start, 1), meta)
            request = make_mocked_request("GET", f"/?ky={target.key}", app=app)
            c0, t0 = time.process_time(), time.perf_counter()
            response = await month.page(request, viewer)
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
            assert response.status == 200, response.status
            size = len(response.body)
        print(f"  {CASES[case]} ({size:,} bytes)")
        for name, values in (("wall", sorted(walls)), ("CPU", sorted(cpus))):
            print(f"    {name:5} p50 {statistics.median(values) * 1000:6.1f} ms   p90 {values[int(len(values) * 0.9)] * 1000:6.1f} ms"
                  f"   max {values[-1] * 1000:6.1f} ms")  # fmt: skip
    await db.close()


def main() -> None:
    on_databases(run, __doc__.splitlines()[0])


if __name__ == "__main__":
    main()
