"""One channel's trouble never stops another (issue 10, item 3).

The real `python main.py run` with both tokens: Telegram's port is closed (as on Vietnam's main
networks since 2025), Zalo users are served; Telegram comes back on that port and its users are
served, without a restart. A token Telegram rejects: a sentence, never the token, Zalo serves.
"""

# ruff: noqa: ASYNC109 — `timeout` below is a test deadline, as in tests/fakes.

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import re
import time

import aiohttp

import texts
from app import wiring as app_module
from bot.health import Health
from bot.supervisor import Supervisor
from storage import people
from storage.domain import Identity
from tests.channels_kit import both_channels_config
from tests.fakes import FakeTelegram, FakeZalo
from tests.test_zalo_e2e import BotProcess, free_port

ADMIN_CHAT = "0a1b2c3d4e5f60718293"
TG_CHAT = 7001


class BothChannels(BotProcess):
    """The Zalo end-to-end process with Telegram configured too, at `telegram_port`."""

    def __init__(self, zalo: FakeZalo, tmp, telegram_port: int, telegram_token: str):
        super().__init__(zalo, tmp, "polling")
        text = self.config_path.read_text(encoding="utf-8")
        text = re.sub(r"channel_retry_seconds = [\d.]+", "channel_retry_seconds = 0.5", text)
        text = re.sub(r"channel_retry_cap_seconds = [\d.]+", "channel_retry_cap_seconds = 1", text)
        self.config_path.write_text(text, encoding="utf-8")
        self.env.update(TELEGRAM_BOT_TOKEN=telegram_token, TELEGRAM_BASE_URL=f"http://127.0.0.1:{telegram_port}/bot",
                        TELEGRAM_BASE_FILE_URL=f"http://127.0.0.1:{telegram_port}/file/bot")

    async def _healthy(self) -> bool:
        """Listening (/healthz answers, 503 while Telegram is down is an answer too)."""
        try:
            await self.health()
            return True
        except (aiohttp.ClientError, ValueError):
            return False

    async def health(self) -> dict:
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{self.port}/healthz") as r:
            return json.loads(await r.text())

    async def until(self, probe, what: str, timeout: float = 30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"the bot exited:\n{self.log()}"
            result = await probe()
            if result:
                return result
            await asyncio.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}:\n{self.log()}")


async def add_admin(bot: BotProcess) -> None:
    db = await app_module.open_db(bot.config)
    try:
        async with db.unit_of_work() as session:
            now = dt.datetime.now(dt.UTC)
            admin = await people.create_staff(session, "Trần Thị Bình", ["admin", "inspector"], now)
            await people.add_identity(session, admin.id, Identity("zalo", ADMIN_CHAT, ADMIN_CHAT, "Bình"), now)
    finally:
        await db.close()


async def test_telegram_unreachable_zalo_serves_then_telegram_comes_back(tmp_path):
    port = free_port()  # nothing listens there: connection refused, like a blocked network
    telegram = FakeTelegram()
    async with FakeZalo() as zalo:
        bot = BothChannels(zalo, tmp_path, port, telegram.token)
        await add_admin(bot)
        bot.start()
        try:
            await bot.ready()
            state = await bot.until(lambda: _state(bot, "telegram", "retrying"), "telegram retrying")
            assert "NetworkError" in state["error"]
            assert (await bot.health())["channels"]["zalo"]["state"] == "up"
            # Zalo users are served, and the administrator was told once
            notice = await zalo.wait_for(lambda s: "Kênh Telegram chưa kết nối được" in (s.text or ""), 15)
            assert notice.chat_id == ADMIN_CHAT
            zalo.user_text(ADMIN_CHAT, "/help")
            await zalo.wait_for(lambda s: (s.text or "").startswith(texts.people.HELP_HEADER), 15)
            # Telegram comes back where it was unreachable; nobody restarts the bot
            pid = bot.proc.pid
            await telegram.start(port)
            await bot.until(lambda: _state(bot, "telegram", "up"), "telegram up")
            telegram.user_text(TG_CHAT, "xin chào")
            [refusal] = await telegram.wait_for_messages(TG_CHAT, 1, timeout=15)
            assert refusal.text == texts.people.refusal() and bot.proc.pid == pid
            await asyncio.sleep(2)
            told = [s for s in zalo.sent(ADMIN_CHAT) if "Kênh Telegram" in (s.text or "")]
            assert len(told) == 1  # told once, not at every retry
            assert await bot.stop() == 0
        finally:
            if bot.proc.poll() is None:
                bot.proc.kill()
            await telegram.close()
    assert "telegram cannot start (NetworkError" in bot.log() and "tried again in the background" in bot.log()


async def _state(bot: BothChannels, channel: str, wanted: str) -> dict | None:
    try:
        state = (await bot.health())["channels"].get(channel) or {}
    except aiohttp.ClientError:
        return None
    return state if state.get("state") == wanted else None


async def test_rejected_token_is_reported_once_without_the_token_and_zalo_serves(tmp_path, caplog):
    async with FakeTelegram() as telegram, FakeZalo() as zalo:
        config = both_channels_config(telegram, zalo, tmp_path / "data")
        bad = "123456789:TokenDaBiThuHoi_khong-con-dung"
        config = dataclasses.replace(config, telegram=dataclasses.replace(config.telegram, token=bad))
        config = dataclasses.replace(config, engine=dataclasses.replace(config.engine, channel_retry_seconds=0.2,
                                                                        channel_retry_cap_seconds=0.2))
        app = await app_module.build_app(config)
        channels, server = await app_module._start_channels(app)
        try:
            assert app.health.channels["zalo"].state == "up"
            assert app.health.channels["telegram"].state == "down"
            assert "TELEGRAM_BOT_TOKEN" in app.health.channels["telegram"].error
            # a few retries in the background (0.2 s apart; a deadline, not a sleep, for a busy machine)
            for _ in range(100):
                if app.supervisor.attempts["telegram"] >= 3:
                    break
                await asyncio.sleep(0.1)
            assert app.supervisor.attempts["telegram"] >= 3
            assert telegram.calls["<bad token>"] >= 3
        finally:
            await app.supervisor.stop()
            for channel in channels:
                await channel.stop()
                await channel.close()
            await server.stop()
            await app.db.close()
    logged = [r.getMessage() for r in caplog.records]
    assert sum("telegram cannot start" in m and "rejected the bot token" in m for m in logged) == 1
    assert all(bad not in m and "TokenDaBiThuHoi" not in m for m in logged)


async def test_health_records_states_and_the_supervisor_stops_trying():
    class Flaky:
        name = "flaky"

        def __init__(self):
            self.tries = 0

        async def start(self):
            self.tries += 1
            if self.tries < 3:
                raise ConnectionRefusedError("connection refused")

    health, ups, told = Health(), [], []

    async def notify(channel, error):
        told.append((channel, error))

    supervisor = Supervisor(health, ups.append, notify, base=0.01, cap=0.02)
    flaky = Flaky()
    assert not await supervisor.start(flaky)
    assert health.channels["flaky"].state == "retrying"
    for _ in range(100):
        if ups:
            break
        await asyncio.sleep(0.01)
    assert ups == [flaky] and flaky.tries == 3 and health.channels["flaky"].state == "up"
    assert told == [("flaky", "ConnectionRefusedError: connection refused")]
    await supervisor.stop()
