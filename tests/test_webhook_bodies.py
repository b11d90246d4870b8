"""Webhook bodies are data, never a crash (issue 10, item 8).

Behind the right secret, any JSON shape — wrong types, deep nesting, not an object — is answered
400 (or 200 when it is a readable event), never 500, on both channels; a database busy past its
timeout is 503 with Retry-After and the event is not half-stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import sqlite3
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.channels.base import ChannelContext
from bot.channels.telegram import SECRET_HEADER as TG_SECRET_HEADER
from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import SECRET_HEADER as ZALO_SECRET_HEADER
from bot.channels.zalo import ZaloChannel
from bot.clock import Clock
from bot.config import load_config
from bot.engine import Engine
from bot.messages import Incoming
from bot.web import make_app
from storage.models import InboxRow
from tests.conftest import REPO, ZONE
from tests.fakes import FakeZalo
from tests.kit import echo_handler
from tests.test_zalo_adapter import SECRET, start_bot, stop_bot

ZALO_EVENT = {"event_name": "message.text.received",
              "message": {"message_id": "m1", "date": 1, "chat": {"id": "c1", "chat_type": "PRIVATE"},
                          "from": {"id": "c1", "display_name": "An"}, "text": "xin chào"}}
TG_UPDATE = {"update_id": 1, "message": {"message_id": 1, "date": 1, "chat": {"id": 7, "type": "private"},
                                         "from": {"id": 7, "is_bot": False, "first_name": "An"}, "text": "xin chào"}}
ZALO_PATHS = [("event_name",), ("message",), ("message", "message_id"), ("message", "chat"), ("message", "chat", "id"),
              ("message", "from"), ("message", "from", "id"), ("message", "from", "display_name"),
              ("message", "text"), ("message", "photo_url"), ("message", "caption")]
TG_PATHS = [("update_id",), ("message",), ("message", "message_id"), ("message", "date"), ("message", "chat"),
            ("message", "chat", "id"), ("message", "chat", "type"), ("message", "from"), ("message", "from", "id"),
            ("message", "text"), ("message", "entities"), ("message", "location"), ("message", "photo"),
            ("callback_query",), ("message", "reply_to_message")]

VALID = {"zalo": json.dumps(ZALO_EVENT).encode(), "telegram": json.dumps(TG_UPDATE).encode()}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def replaced(base: dict, path: tuple[str, ...], value: Any) -> dict:
    body = copy.deepcopy(base)
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


class Recorder:
    """The inbox's side of `accept`: what the engine would store must be plain JSON of the right types."""

    def __init__(self):
        self.stored: list[Incoming] = []

    async def accept(self, incoming: Incoming) -> bool:
        again = Incoming.from_json(json.loads(json.dumps(incoming.to_json())))
        assert all(isinstance(getattr(again, f), str) for f in ("chat_id", "user_id", "event_key", "text", "command"))
        self.stored.append(again)
        return True


def channel_config(name: str):
    config = load_config(REPO / "config.toml", env={
        f"{name.upper()}_BOT_TOKEN": "123456:TokenForWebhookShapes", f"{name.upper()}_WEBHOOK_SECRET": SECRET,
        f"{name.upper()}_BASE_URL": "http://127.0.0.1:9/bot",  # nothing there: no network in these tests
    })
    return getattr(config, name)


async def post_all(name: str, bodies: list[bytes], tmp: Path) -> list[int]:
    web_app, recorder = make_app(), Recorder()
    ctx = ChannelContext(accept=recorder.accept, media_dir=tmp / "media", web_app=web_app, public_url="",
                         links=None, clock=Clock(ZONE))
    cls, header = (ZaloChannel, ZALO_SECRET_HEADER) if name == "zalo" else (TelegramChannel, TG_SECRET_HEADER)
    config = channel_config(name).__class__(**{**channel_config(name).__dict__, "mode": "webhook"})
    channel = cls(config, ctx)
    statuses = []
    async with TestClient(TestServer(web_app)) as client:
        for body in bodies:
            async with client.post(config.webhook_path, data=body, headers={header: SECRET}) as response:
                statuses.append(response.status)
    await channel.close()
    return statuses


def run(name: str, bodies: list[bytes], tmp: Path) -> list[int]:
    return asyncio.run(post_all(name, bodies, tmp))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(ZALO_PATHS), value=json_values)
def test_zalo_any_shape_is_200_or_400(tmp_path, path, value):
    odd, valid = run("zalo", [json.dumps(replaced(ZALO_EVENT, path, value)).encode(), VALID["zalo"]], tmp_path)
    assert odd in (200, 400) and valid == 200  # and a readable event after it is still taken


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(TG_PATHS), value=json_values)
def test_telegram_any_shape_is_200_or_400(tmp_path, path, value):
    odd, valid = run("telegram", [json.dumps(replaced(TG_UPDATE, path, value)).encode(), VALID["telegram"]], tmp_path)
    assert odd in (200, 400, 503) and valid == 200  # 503: a photo it would have to fetch (nothing listens here)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=40))
def test_any_text_in_a_valid_update_is_200(tmp_path, text):
    """Valid updates are taken (200), whatever a person typed; only an unreadable shape is 400."""
    assert run("zalo", [json.dumps(replaced(ZALO_EVENT, ("message", "text"), text)).encode()], tmp_path) == [200]
    assert run("telegram", [json.dumps(replaced(TG_UPDATE, ("message", "text"), text)).encode()], tmp_path) == [200]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=json_values)
def test_any_json_at_all_is_never_a_crash(tmp_path, body):
    data = json.dumps(body).encode()
    assert set(run("zalo", [data], tmp_path)) <= {200, 400}
    assert set(run("telegram", [data], tmp_path)) <= {200, 400}


def test_the_reported_bodies_are_400(tmp_path):
    deep = b'{"a":' * 50_000 + b"1" + b"}" * 50_000
    deep_list = b"[" * 100_000 + b"]" * 100_000
    zalo_text_number = json.dumps(replaced(ZALO_EVENT, ("message", "text"), 123)).encode()
    tg_text_number = json.dumps(replaced(TG_UPDATE, ("message", "text"), 123)).encode()
    tg_deep_reply = json.dumps(TG_UPDATE)[:-2].encode() + b', "reply_to_message": ' + b'{"message": ' * 3000 + \
        b"1" + b"}" * 3000 + b"}}"
    assert run("zalo", [zalo_text_number, deep, deep_list], tmp_path) == [400, 400, 400]
    assert run("telegram", [tg_text_number, deep, deep_list, tg_deep_reply], tmp_path) == [400, 400, 400, 400]
    good = [json.dumps(ZALO_EVENT).encode()]
    assert run("zalo", good, tmp_path) == [200]
    assert run("telegram", [json.dumps(TG_UPDATE).encode()], tmp_path) == [200]


@contextlib.contextmanager
def database_held(path: Path):
    """Another writer holds SQLite's write lock (a long backup, a stuck process)."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=1)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


async def test_database_busy_is_503_with_retry_after_and_nothing_half_stored(tmp_path):
    async with FakeZalo() as fake:
        bot = await start_bot(fake, tmp_path, mode="webhook", busy_timeout_ms=300)
        try:
            url = f"http://127.0.0.1:{bot.server.port}/zalo/webhook"
            db_file = Path(str(bot.app.db.engine.url.database))
            body = json.dumps(ZALO_EVENT)
            async with aiohttp.ClientSession() as http:
                with database_held(db_file):
                    async with http.post(url, data=body, headers={ZALO_SECRET_HEADER: SECRET}) as response:
                        assert response.status == 503 and response.headers["Retry-After"] == "5"
                assert await bot.inbox() == []
                async with http.post(url, data=body, headers={ZALO_SECRET_HEADER: SECRET}) as response:
                    assert response.status == 200  # Zalo's retry
            [row] = await bot.inbox()
            assert row.event_key == "m1"
        finally:
            await stop_bot(bot)


LONE = "\ud800"  # a lone surrogate: JSON can carry it ("\ud800"), no database can store it as text


async def post_stored(name: str, bodies: list[dict], tmp: Path, db) -> list[int]:
    """Post each body (as the platform sends it: ASCII JSON) to a channel that stores into a real inbox."""
    web_app = make_app()
    engine = Engine(db, echo_handler, Clock(ZONE))
    ctx = ChannelContext(accept=engine.accept, media_dir=tmp / "media", web_app=web_app, public_url="",
                         links=None, clock=Clock(ZONE))
    cls, header = (ZaloChannel, ZALO_SECRET_HEADER) if name == "zalo" else (TelegramChannel, TG_SECRET_HEADER)
    config = channel_config(name).__class__(**{**channel_config(name).__dict__, "mode": "webhook"})
    channel = cls(config, ctx)
    statuses = []
    async with TestClient(TestServer(web_app)) as client:
        for body in bodies:
            async with client.post(config.webhook_path, data=json.dumps(body), headers={header: SECRET}) as response:
                statuses.append(response.status)
    await channel.close()
    return statuses


async def stored(db, channel: str) -> dict[str, Incoming]:
    async with db.read() as session:
        rows = (await session.scalars(select(InboxRow).where(InboxRow.channel == channel).order_by(InboxRow.id))).all()
    return {row.event_key: Incoming.from_json(row.payload) for row in rows}


async def test_a_lone_surrogate_is_400_in_an_id_and_replaced_in_a_text_never_5xx(db, tmp_path):
    """Issue 20: "\\ud800" in Zalo's message_id or Telegram's update_id was 503 + Retry-After every time
    (the platform told to retry a body that can never be stored)."""
    def zalo(key, **changes):
        body = replaced(ZALO_EVENT, ("message", "message_id"), key)
        for path, value in changes.items():
            body = replaced(body, tuple(path.split(".")), value)
        return body

    zalo_bodies = [zalo("m" + LONE), zalo("m2", **{"message.chat.id": "c" + LONE}),
                   zalo("m3", **{"message.from.id": LONE}), zalo("m4", **{"message.text": "xin " + LONE + " chào",
                                                                          "message.from.display_name": "An" + LONE}),
                   zalo("m5")]
    assert await post_stored("zalo", zalo_bodies, tmp_path, db) == [400, 400, 400, 200, 200]
    inbox = await stored(db, "zalo")
    assert list(inbox) == ["m4", "m5"]
    assert inbox["m4"].text == "xin \ufffd chào" and inbox["m4"].display_name == "An\ufffd"
    assert inbox["m5"].text == "xin chào"  # the next valid update, handled as usual

    def telegram(update_id, **changes):
        body = replaced(TG_UPDATE, ("update_id",), update_id)
        for path, value in changes.items():
            body = replaced(body, tuple(path.split(".")), value)
        return body

    tg_bodies = [telegram(LONE), telegram("5"), telegram(6, **{"message.chat.id": LONE}),
                 telegram(7, **{"message.text": LONE + "xin chào", "message.from.first_name": LONE}), telegram(8)]
    assert await post_stored("telegram", tg_bodies, tmp_path, db) == [400, 400, 400, 200, 200]
    inbox = await stored(db, "telegram")
    assert list(inbox) == ["7", "8"]
    assert inbox["7"].text == "\ufffdxin chào" and inbox["8"].text == "xin chào"


async def test_zalo_polling_a_lone_surrogate_neither_stops_receiving_nor_is_stored_broken(tmp_path):
    """Polled, the event went to the spool as UTF-8 and the encoding error ended the polling task."""
    async with FakeZalo() as fake:
        bot = await start_bot(fake, tmp_path)
        try:
            fake.user_text("c1", "a" + LONE)
            fake.user_event("message.text.received", "c1", text="b", message_id="m" + LONE)
            fake.user_text("c1", "c")
            await fake.wait_until(lambda: fake.drained or None, 10, "every event handed over")
            rows = []
            for _ in range(100):
                rows = await bot.inbox()
                if len(rows) == 2:
                    break
                await asyncio.sleep(0.05)
            assert [Incoming.from_json(r.payload).text for r in rows] == ["a\ufffd", "c"]
        finally:
            await stop_bot(bot)
