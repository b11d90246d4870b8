"""End to end: the real `python main.py run` process against a fake Zalo, by polling and by webhook.

The test plays the users through the fake and reads the bot's SQLite file directly; the process
is stopped with SIGTERM (must exit 0) or killed with SIGKILL (must lose and double nothing).
"""

# ruff: noqa: ASYNC109 — `timeout` below is a test deadline, as in tests/fakes.

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import aiohttp
import pytest

import texts
from app.wiring import open_db
from bot.config import load_config
from bot.messages import Reply
from storage import engine_store, people
from tests.channels_kit import free_port, spawn_main, zalo_fake  # noqa: F401 (zalo_fake: the `fake` fixture)
from tests.conftest import filled_config_text
from tests.fakes import FakeZalo

CHAT = "0a1b2c3d4e5f60718293"
STRANGER = "ffeeddccbbaa99887766"
SECRET = "bi-mat-webhook-e2e-123"
DOCUMENT = b"PK\x03\x04" + "Báo cáo tháng 01/2023".encode() * 300



def write_config(path: Path, *, mode: str, port: int) -> None:
    """The repo's config.toml with [zalo] mode and the [web] server set for this test."""
    text = filled_config_text()  # run refuses the shipped placeholders
    zalo, rest = text.split("[zalo]", 1)
    rest = rest.replace('mode = "polling"', f'mode = "{mode}"', 1)
    rest = re.sub(r"poll_timeout_seconds = \d+", "poll_timeout_seconds = 5", rest, count=1)
    before_web, web = zalo.split("[web]", 1)
    web = web.replace("enabled = false", "enabled = true", 1)
    web = re.sub(r"port = \d+", f"port = {port}", web, count=1)
    web = web.replace('public_url = ""', f'public_url = "http://127.0.0.1:{port}"', 1)
    path.write_text(f"{before_web}[web]{web}[zalo]{rest}", encoding="utf-8")


class BotProcess:
    """`python main.py run` with its own config, data folder and log file."""

    def __init__(self, fake: FakeZalo, tmp: Path, mode: str, token: str | None = None):
        self.fake, self.mode, self.port = fake, mode, free_port()
        self.config_path, self.data_dir, self.log_path = tmp / "config.toml", tmp / "data", tmp / "bot.log"
        write_config(self.config_path, mode=mode, port=self.port)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "FIELDBOT_"))}
        self.env.update(
            ZALO_BOT_TOKEN=token or fake.token, ZALO_BASE_URL=fake.url, ZALO_WEBHOOK_SECRET=SECRET, FIELDBOT_LINK_SECRET="khoa-ky-lien-ket-e2e-0123456789",
            FIELDBOT_DATA_DIR=str(self.data_dir), FIELDBOT_CONFIG=str(self.config_path), PYTHONUNBUFFERED="1",
        )
        self.config = load_config(self.config_path, env=self.env)
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = spawn_main(self.env, self.log_path)

    async def ready(self, timeout: float = 30.0) -> None:
        """Listening, and receiving from Zalo (polling) or registered with it (webhook)."""
        deadline = time.monotonic() + timeout
        calls = self.fake.calls["getUpdates"]
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"the bot exited early:\n{self.log()}"
            receiving = (self.fake.webhook.url if self.mode == "webhook" else self.fake.calls["getUpdates"] > calls)
            if receiving and await self._healthy():
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"the bot did not get ready:\n{self.log()}")

    async def _healthy(self) -> bool:
        try:
            async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{self.port}/healthz") as r:
                return r.status == 200
        except aiohttp.ClientError:
            return False

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        self.proc.send_signal(sig)
        return await asyncio.to_thread(self.proc.wait, timeout)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8") if self.log_path.exists() else ""

    def inbox_status(self, event_key: str) -> str | None:
        with sqlite3.connect(self.data_dir / "fieldbot.sqlite3", timeout=10) as conn:
            row = conn.execute("SELECT status FROM inbox WHERE event_key = ?", (event_key,)).fetchone()
        return row[0] if row else None

    def count(self, sql: str) -> int:
        with sqlite3.connect(self.data_dir / "fieldbot.sqlite3", timeout=10) as conn:
            return conn.execute(sql).fetchone()[0]

    async def invite(self, roles=("admin",)) -> str:
        db = await open_db(self.config)
        try:
            async with db.unit_of_work() as session:
                code, _ = await people.create_invite(session, name="Trần Thị Bình", roles=roles,
                                                     now=dt.datetime.now(dt.UTC), valid_for=dt.timedelta(days=7))
        finally:
            await db.close()
        return code

    async def queue(self, chat: str, reply: Reply) -> None:
        """Put a reply in the outbox, as a handler's unit of work would; the running process sends it."""
        db = await open_db(self.config)
        try:
            async with db.unit_of_work() as session:
                await engine_store.queue_reply(session, channel="zalo", chat_id=chat, payload=reply.to_json(),
                                               now=dt.datetime.now(dt.UTC), inbox_id=None)
        finally:
            await db.close()


@pytest.fixture
async def bots(fake, tmp_path):
    """Started processes are killed at the end whatever happened."""
    started: list[BotProcess] = []

    def make(mode: str, token: str | None = None) -> BotProcess:
        bot = BotProcess(fake, tmp_path, mode, token)
        started.append(bot)
        return bot

    yield make
    for bot in started:
        if bot.proc is not None and bot.proc.poll() is None:
            bot.proc.kill()
            bot.proc.wait(10)


async def say(fake: FakeZalo, chat: str, text: str, timeout: float = 20.0) -> str:
    before = len(fake.sent(chat))
    fake.user_text(chat, text)
    await fake.wait_for_messages(chat, before + 1, timeout=timeout)
    await asyncio.sleep(0.3)  # a long answer (the personal-data notice) arrives as several messages
    return "\n".join(s.text for s in fake.sent(chat)[before:])


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_register_refuse_help_and_a_document_link(bots, fake, mode):
    bot = bots(mode)
    code = await bot.invite(roles=("admin",))
    bot.start()
    await bot.ready()

    assert "1. Đồng ý\n2. Không đồng ý" in await say(fake, CHAT, f"/start {code}")
    assert await say(fake, CHAT, "1") == texts.people.registered("đồng chí", "Trần Thị Bình", "quản trị hệ thống")
    assert await say(fake, STRANGER, "xin chào") == texts.people.refusal()
    help_text = await say(fake, CHAT, "/help")
    assert help_text.startswith(texts.people.HELP_HEADER) and "/staff" in help_text and "/lienket" in help_text

    documents = bot.data_dir / "documents"
    documents.mkdir(parents=True, exist_ok=True)
    (documents / "r-2023-01.docx").write_bytes(DOCUMENT)
    before = len(fake.sent(CHAT))
    await bot.queue(CHAT, Reply(kind="document", text="Báo cáo tháng 01/2023",
                                document_path=str(documents / "r-2023-01.docx"), document_name="BaoCao.docx"))
    sent = (await fake.wait_for_messages(CHAT, before + 1, timeout=20))[before].text
    title, url, note = sent.split("\n")
    assert title == "Báo cáo tháng 01/2023" and note == "(Liên kết dùng được trong 15 phút.)"
    assert url.startswith(f"http://127.0.0.1:{bot.port}/d/")
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200 and await response.read() == DOCUMENT
        assert 'filename="BaoCao.docx"' in response.headers["Content-Disposition"]
    async with aiohttp.ClientSession() as http, http.get(url[:-1] + ("A" if url[-1] != "A" else "B")) as response:
        assert response.status == 404

    assert await bot.stop(signal.SIGTERM) == 0, bot.log()
    assert fake.token not in bot.log() and fake.token.split(":")[1] not in bot.log()
    assert fake.violations == []


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_sigkill_between_receiving_and_processing_loses_nothing(bots, fake, mode):
    bot = bots(mode)
    bot.start()
    await bot.ready()
    fake.fail_next("sendMessage", 429, count=10_000)  # the answer cannot leave before the kill
    event = fake.user_text(STRANGER, "có ai không?")
    key = event["message"]["message_id"]
    deadline = time.monotonic() + 20
    while await asyncio.to_thread(bot.inbox_status, key) is None:
        assert time.monotonic() < deadline, bot.log()
        await asyncio.sleep(0.01)
    assert await bot.stop(signal.SIGKILL) == -signal.SIGKILL
    assert fake.sent(STRANGER) == []

    fake.faults.clear()
    bot.start()
    await bot.ready()
    [answer] = await fake.wait_for_messages(STRANGER, 1, timeout=30)
    assert answer.text == texts.people.refusal()
    await asyncio.sleep(2.5)  # a second copy would have come by now (engine poll interval: 1 s)
    assert [s.text for s in fake.sent(STRANGER)] == [texts.people.refusal()]
    assert bot.inbox_status(key) == "done" and bot.count("SELECT count(*) FROM inbox") == 1
    assert bot.count("SELECT count(*) FROM outbox WHERE status = 'sent'") == 1
    assert await bot.stop(signal.SIGTERM) == 0, bot.log()
    assert fake.violations == []


async def test_refused_token_stops_the_process_with_a_clear_message(bots, fake):
    bad = "1122334455:TokenDaBiResetTrongZaloBotCreator"
    bot = bots("polling", token=bad)
    bot.start()
    code = await asyncio.to_thread(bot.proc.wait, 30)
    log = bot.log()
    assert code != 0 and "Zalo rejected the bot token" in log and "ZALO_BOT_TOKEN" in log
    assert bad not in log and "TokenDaBiReset" not in log
    assert "Traceback" not in log and "Unclosed" not in log
    assert fake.violations == []
