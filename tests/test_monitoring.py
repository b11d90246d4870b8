"""/metrics and /healthz of the running app: both real adapters against the fakes, the real engine and
web server (tests/channels_kit.py).

- a short conversation moves the counters (received, handled, latency, replies, records saved);
- /healthz is 200 with both channels up, 503 naming Zalo while its getUpdates fails, 200 again after;
- a stalled inbox and a silent engine are 503 too.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.health import Health
from bot.web import INBOX_STALL
from storage import engine_store
from tests.channels_kit import TelegramUser, ZaloUser, running_world

ZL_TECH = "0a1b2c3d4e5f60718293"


async def _get(world, path: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{world.server.port}{path}") as resp:
        return resp.status, resp.headers["Content-Type"], await resp.text()


async def _samples(world) -> dict[tuple, float]:
    status, content_type, body = await _get(world, "/metrics")
    assert status == 200 and content_type.startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(body) for s in family.samples}


def _value(samples, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def _health(world) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{world.server.port}/healthz") as resp:
        return resp.status, await resp.json()


async def _until(world, wanted: int, seconds: float = 15.0) -> dict:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        status, body = await _health(world)
        if status == wanted:
            return body
        assert asyncio.get_running_loop().time() < deadline, f"/healthz stayed {status}: {body}"
        await asyncio.sleep(0.1)


async def test_metrics_move_after_a_short_conversation_and_healthz_follows_the_channels(tmp_path):
    async with running_world(tmp_path) as world:
        await world.add_staff("Lê Kỹ Thuật", {"technician"}, zalo=ZL_TECH)
        assert (await _until(world, 200))["channels"].keys() == {"telegram", "zalo"}
        before = await _samples(world)
        assert _value(before, "fieldbot_channel_up", channel="zalo") == 1
        assert _value(before, "fieldbot_records_saved_total", kind="calibration_batch") == 0

        zalo = ZaloUser(world, ZL_TECH)
        await zalo.say("/kiemdinh dong ho nuoc 500 0 500")
        assert await zalo.say("1") == ["Đã lưu lô kiểm định #1."]
        await TelegramUser(world, 555).say("xin chào")  # a stranger: handled, answered, nothing saved

        after = await _samples(world)
        for name, labels, moved in [
            ("fieldbot_messages_received_total", {"channel": "zalo"}, 2),
            ("fieldbot_messages_received_total", {"channel": "telegram"}, 1),
            ("fieldbot_messages_handled_total", {"channel": "zalo", "outcome": "ok"}, 2),
            ("fieldbot_handling_seconds_count", {"channel": "zalo"}, 2),
            ("fieldbot_replies_sent_total", {"channel": "zalo"}, 2),
            ("fieldbot_records_saved_total", {"kind": "calibration_batch"}, 1),
        ]:
            assert _value(after, name, **labels) - _value(before, name, **labels) == moved, (name, labels)
        assert _value(after, "fieldbot_outbox_backlog") == 0
        assert _value(after, "fieldbot_outbox_oldest_pending_seconds") == 0
        assert _value(after, "fieldbot_messages_handled_total", channel="zalo", outcome="failed") == 0

        world.zalo.fail_next("getUpdates", 500, count=10_000)  # Zalo's servers fail from now on
        body = await _until(world, 503)
        assert body["ok"] is False and body["channels"]["zalo"]["state"] == "retrying"
        assert any(p.startswith("channel zalo is retrying") for p in body["problems"]), body
        assert _value(await _samples(world), "fieldbot_channel_up", channel="zalo") == 0
        world.zalo.faults.clear()
        await _until(world, 200)


async def test_a_receiving_task_that_dies_is_restarted_and_shown_meanwhile(tmp_path):
    """Issue 20: an error that ended the Zalo polling task ended receiving for good, in silence, with
    /healthz at 200. Now it is logged, counted, shown (503 naming it; /metrics) and started again."""
    async with running_world(tmp_path) as world:
        await world.add_staff("Lê Kỹ Thuật", {"technician"}, zalo=ZL_TECH)
        await _until(world, 200)
        zalo = world.channels["zalo"]
        polling, failing = zalo._get_update, [True]

        async def broken():
            if failing[0]:
                raise RuntimeError("a bug in the loop")
            return await polling()

        zalo._get_update = broken
        world.zalo.user_text(ZL_TECH, "/kiemdinh")  # wake the open poll: the next call fails
        body = await _until(world, 503)
        assert "receiving task zalo polling is not running: RuntimeError: a bug in the loop" in body["problems"], body
        samples = await _samples(world)
        assert _value(samples, "fieldbot_task_running", task="zalo polling") == 0
        assert _value(samples, "fieldbot_task_restarts_total", task="zalo polling") >= 1
        failing[0] = False
        await _until(world, 200)
        assert await ZaloUser(world, ZL_TECH).say("/trogiup")
        samples = await _samples(world)
        assert _value(samples, "fieldbot_task_running", task="zalo polling") == 1
        assert _value(samples, "fieldbot_data_free_bytes") > 0


class _Unreachable:
    """A database that does not answer (the server gone, the file's folder unmounted)."""

    def read(self):
        raise ConnectionRefusedError(111, "Connection refused")


class _Engine:
    """What /healthz reads from the engine, without running one."""

    def __init__(self, db, clock):
        from bot.engine import EngineSettings

        self.db, self.clock, self.health, self.settings = db, clock, Health(), EngineSettings()


async def test_healthz_is_503_for_a_stalled_inbox_a_silent_engine_an_old_reply_a_full_disk_no_database(
        sqlite_db, clock, tmp_path):
    from aiohttp.test_utils import TestClient, TestServer

    from bot.web import make_app

    engine = _Engine(sqlite_db, clock)
    engine.health.up("zalo")
    engine.health.beat()
    async with TestClient(TestServer(make_app(engine))) as client:
        assert (await client.get("/healthz")).status == 200
        async with sqlite_db.unit_of_work() as session:
            await engine_store.add_to_inbox(session, channel="zalo", event_key="e1", chat_id="c", payload={},
                                            now=clock.now() - INBOX_STALL - dt.timedelta(seconds=1))
        resp = await client.get("/healthz")
        assert resp.status == 503 and "inbox not draining" in (await resp.json())["problems"][0]
        async with sqlite_db.unit_of_work() as session:
            item = await engine_store.next_pending(session, "zalo", "c")
            await engine_store.mark_processed(session, item.id, clock.now())
        assert (await client.get("/healthz")).status == 200
        engine.health.engine_beat -= 3600
        resp = await client.get("/healthz")
        assert resp.status == 503 and (await resp.json())["problems"] == ["engine silent for 3600s"]
        engine.health.beat()
        async with sqlite_db.unit_of_work() as session:  # a reply undelivered past the alert
            await engine_store.queue_reply(session, channel="zalo", chat_id="c", payload={}, inbox_id=None,
                                           now=clock.now() - dt.timedelta(seconds=engine.health.outbox_alert + 1))
        resp = await client.get("/healthz")
        assert resp.status == 503 and (await resp.json())["problems"][0].startswith("outbox: a reply has waited")
        async with sqlite_db.unit_of_work() as session:
            [item] = await engine_store.due_replies(session, clock.now())
            await engine_store.mark_sent(session, item.id, clock.now())
        engine.health.data_dir, engine.health.min_free_bytes = tmp_path, 2**62  # below any floor
        resp = await client.get("/healthz")
        assert resp.status == 503 and (await resp.json())["problems"][0].startswith("disk: ")
        engine.health.min_free_bytes = 0
        assert (await client.get("/healthz")).status == 200
        engine.db = _Unreachable()
        resp = await client.get("/healthz")
        assert resp.status == 503 and (await resp.json())["problems"][0].startswith("database unreachable")


def test_json_lines_logs_keep_secrets_out(capsys):
    import json
    import logging

    from bot.logs import setup_logging

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    secret = "zalo-secret-0123456789"
    try:
        setup_logging("INFO", secrets=[secret], json_lines=True)
        log = logging.getLogger("bot.test")
        log.warning("token %s refused, bot 123456789:%s", secret, "A" * 35)
        try:
            raise RuntimeError(f"boom with {secret}")
        except RuntimeError:
            log.exception("sending failed")
    finally:
        root.handlers[:], _ = saved[0], root.setLevel(saved[1])
    lines = capsys.readouterr().err.strip().splitlines()
    entries = [json.loads(line) for line in lines]
    assert [e["level"] for e in entries] == ["WARNING", "ERROR"]
    assert entries[0]["message"] == "token *** refused, bot ***" and entries[0]["logger"] == "bot.test"
    assert "RuntimeError: boom with ***" in entries[1]["exception"]
    assert secret not in "".join(lines)
