"""/metrics and the review queue (issue 24): how many records wait for review, per kind, and how long the
oldest has waited — read from the database at each scrape, over HTTP from the bot's own web server."""

from __future__ import annotations

import datetime as dt

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.web import WebServer
from bot.web import make_app as make_web
from storage import records
from storage import review as reviews
from storage.domain import WAITING, Activity, CalibrationBatch, RecordMeta
from tests.conftest import frozen
from tests.kit import add_staff, make_app


async def scrape(server) -> dict[tuple[str, str], float]:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{server.port}/metrics") as response:
        assert response.status == 200
        body = await response.text()
    return {(s.name, s.labels.get("kind", "")): s.value for family in text_string_to_metric_families(body)
            for s in family.samples if s.name.startswith("fieldbot_review_")}


async def test_the_queue_and_its_oldest_record_on_metrics(config, db):
    clock = frozen("2023-01-10 08:00")
    app, _ = await make_app(config, db, clock)
    tech = await add_staff(app, "Trần Kỹ Thuật", {"technician"}, "tech")
    boss = await add_staff(app, "Lê Lãnh Đạo", {"manager"}, "boss")
    server = WebServer(make_web(app.engine), "127.0.0.1", 0)
    await server.start()
    try:
        assert await scrape(server) == {
            **{("fieldbot_review_queue", kind): 0.0 for kind in reviews.KINDS},
            **{("fieldbot_review_oldest_waiting_seconds", kind): 0.0 for kind in reviews.KINDS},
        }
        field = app.config.catalogue.calibration_fields[0].key
        activity = app.config.catalogue.activity_kinds[0].key
        ids = []
        for verified in (3, 4):
            async with app.db.unit_of_work() as session:
                meta = RecordMeta(tech.id, "zalo", f"e{verified}", clock.now(), review=WAITING)
                batch = CalibrationBatch(0, dt.date(2023, 1, 9), field, verified, 0, verified)
                ids.append((await records.add_calibration_batch(session, batch, meta)).id)
                if verified == 4:
                    await records.add_activity(session, Activity(0, activity, dt.date(2023, 1, 9), 1), meta)
            clock.advance(minutes=30)
        clock.advance(minutes=30)  # 09:30: the first batch has waited 90 minutes, the second and the activity 60
        seen = await scrape(server)
        assert seen[("fieldbot_review_queue", "calibration_batch")] == 2
        assert seen[("fieldbot_review_oldest_waiting_seconds", "calibration_batch")] == 90 * 60
        assert seen[("fieldbot_review_queue", "activity")] == 1
        assert seen[("fieldbot_review_oldest_waiting_seconds", "activity")] == 60 * 60
        assert seen[("fieldbot_review_queue", "inspection")] == 0

        async with app.db.unit_of_work() as session:
            await reviews.approve(session, "calibration_batch", ids[0], by=boss.id, now=clock.now())
            await reviews.return_(session, "activity", 1, by=boss.id, now=clock.now(), comment="Thiếu số quyết định")
        seen = await scrape(server)
        assert seen[("fieldbot_review_queue", "calibration_batch")] == 1
        assert seen[("fieldbot_review_oldest_waiting_seconds", "calibration_batch")] == 60 * 60
        assert seen[("fieldbot_review_queue", "activity")] == 0  # returned: waiting for its author, not a reviewer
        assert seen[("fieldbot_review_oldest_waiting_seconds", "activity")] == 0
    finally:
        await server.stop()
