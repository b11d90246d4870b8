"""The web view's record list (issue 25): /ban-ghi over a database of 100,000 records.

Fills the database as bench/bench_report.py does (50 reporting months of 2,000 records each), then
times the list page's handler (webview/records.py: the UNION ALL of storage/record_list.py, its count,
one page of 50, the HTML) as the web server calls it once the session is checked, for the filters
people use: the page as it opens (the current month), another month, searched and sorted, and every
period (newest first, one kind, searched, sorted by author, a page far down). Wall time per page.

    .venv/bin/python bench/bench_records.py                       # SQLite in a temporary folder
    .venv/bin/python bench/bench_records.py --pg postgresql+asyncpg://postgres@127.0.0.1:5432/bench
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
from storage.domain import Staff  # noqa: E402
from webview import auth, records, site  # noqa: E402
from webview.deps import WebDeps  # noqa: E402

RUNS = 9


async def run(url: str, label: str, folder: Path) -> None:
    config = load_config(ROOT / "config.toml", env={"FIELDBOT_DATA_DIR": str(folder / "data")})
    db, periods = await filled_database(url, label, config.catalogue, month_period(2021, 1, config.cut_off_day))
    middle = periods[MONTHS // 2]
    noon = dt.datetime.combine(periods[-1].end, dt.time(12), tzinfo=config.general.zone)
    kinds = (("inspection", "kết quả kiểm tra"), ("calibration_batch", "lô kiểm định"), ("licence", "giấy phép"),
             ("activity", "hoạt động"), ("plan", "kế hoạch"))  # not a sentence: the forms' nouns, as app/ gives them
    app = web.Application()
    deps = WebDeps(db=db, clock=FrozenClock(config.general.zone, noon), config=config, media_dir=folder / "media",
                   kinds=kinds)
    site.install(app, deps)
    viewer = auth.Viewer(Staff(1, "Bench", frozenset({"manager"})), 0, "0" * 64)
    month = f"{middle.end.month:02d}/{middle.end.year}"
    cases = {
        "the page as it opens (the current month)": "/ban-ghi",
        f"another month ({month})": f"/ban-ghi?ky={month}",
        f"{month}, searched without diacritics ('co so 12')": f"/ban-ghi?ky={month}&q=co+so+12",
        f"{month}, sorted by author": f"/ban-ghi?ky={month}&xep=author&chieu=asc",
        "every period, newest first": "/ban-ghi?ky=tat+ca",
        "every period, one kind (inspections)": "/ban-ghi?ky=tat+ca&loai=inspection",
        "every period, searched ('co so 12')": "/ban-ghi?ky=tat+ca&q=co+so+12",
        "every period, sorted by author": "/ban-ghi?ky=tat+ca&xep=author&chieu=asc",
        "every period, page 1,000": "/ban-ghi?ky=tat+ca&trang=1000",
    }
    print(f"{label}: /ban-ghi, {RUNS} views each, wall time")
    for name, path in cases.items():
        walls, found = [], ""
        for _ in range(RUNS):
            request = make_mocked_request("GET", path, app=app)
            t0 = time.perf_counter()
            response = await records.page(request, viewer)
            walls.append(time.perf_counter() - t0)
            assert response.status == 200, response.status
            found = response.text.split('id="found">', 1)[1].split("<", 1)[0]
        walls.sort()
        print(f"  {name:52} p50 {statistics.median(walls) * 1000:7.1f} ms   max {walls[-1] * 1000:7.1f} ms   ({found})")
    await db.close()


def main() -> None:
    on_databases(run, __doc__.splitlines()[0])


if __name__ == "__main__":
    main()
