"""Kit (no tests here): ONE app with BOTH real adapters running — python-telegram-bot against
FakeTelegram and the Zalo client against FakeZalo — the real engine, router, flows, jobs, web server
and a SQLite file, on a frozen clock (13/01/2023 09:30, reminders off: the 13th is the day before the
cut-off and the reminder would add a message).

People are played through the fakes. Each channel has a user with the same two verbs, so a test reads
like the conversation:

- `say(text)`: type a line ("/command args" is sent as a command);
- `answer(label)`: answer the question on screen by the label of a choice, as a person on that
  channel does — on Telegram tap the inline button with that label (a reply-keyboard button or no
  button: type it); on Zalo type the number in front of the label, or the word the list says to type
  (“ok”, “bỏ qua”…), or the label itself when the list has no such entry.

Both return the texts of the bot messages that the line brought, once the message is handled (its
inbox row is done) and every reply queued for it is sent.
"""

# ruff: noqa: ASYNC109 — `timeout` below is a test deadline, as in tests/fakes.

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import re
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app import wiring as app_module
from bot.config import load_config
from storage import people
from storage.domain import Identity, Staff
from storage.models import InboxRow, OutboxRow
from tests.conftest import REPO, frozen
from tests.fakes import FakeTelegram, FakeZalo

NOW = "2023-01-13 09:30"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(name="fake")
async def zalo_fake():
    """The fake Zalo server as the `fake` fixture (a test module imports it); it must end without a
    protocol violation."""
    async with FakeZalo() as server:
        yield server
    assert server.violations == []


def spawn_main(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """`python main.py run` as its own process (what systemd starts), its output appended to log_path."""
    with open(log_path, "a", encoding="utf-8") as log:
        return subprocess.Popen([sys.executable, "main.py", "run"], cwd=REPO, env=env, stdout=log,
                                stderr=subprocess.STDOUT)


def both_channels_config(telegram: FakeTelegram, zalo: FakeZalo, data_dir: Path, **web_settings):
    """The repository's config.toml with both tokens pointed at the fakes, the web server on a free
    port (Zalo's document links need [web] public_url), quick engine loops, reminders off; `web_settings`:
    other [web] keys (the web view's map tiles)."""
    env = {
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_BASE_URL": f"{telegram.url}/bot",
        "TELEGRAM_BASE_FILE_URL": f"{telegram.url}/file/bot",
        "ZALO_BOT_TOKEN": zalo.token,
        "ZALO_BASE_URL": zalo.url,
        "FIELDBOT_DATA_DIR": str(data_dir),
    }
    config = load_config(REPO / "config.toml", env=env)
    port = free_port()
    return dataclasses.replace(
        config,
        engine=dataclasses.replace(config.engine, poll_interval_seconds=0.1, send_backoff_seconds=0.1),
        web=dataclasses.replace(config.web, enabled=True, host="127.0.0.1", port=port,
                                public_url=f"http://127.0.0.1:{port}", **web_settings),
        zalo=dataclasses.replace(config.zalo, poll_timeout_seconds=2),
        reporting={**config.reporting, "reminders": False},
    )


@dataclasses.dataclass
class World:
    """The running app, its two channels, the web server and the two fakes."""

    app: app_module.App
    telegram: FakeTelegram
    zalo: FakeZalo
    channels: dict[str, Any]
    server: Any

    async def add_staff(self, name: str, roles, *, telegram: int | None = None, zalo: str | None = None) -> Staff:
        """A registered person (as /start CODE + "Có" would leave them), with an account per channel given."""
        now = self.app.clock.now()
        async with self.app.db.unit_of_work() as session:
            staff = await people.create_staff(session, name, set(roles), now)
            if telegram is not None:
                await people.add_identity(session, staff.id, Identity("telegram", str(telegram), str(telegram), name), now)
            if zalo is not None:
                await people.add_identity(session, staff.id, Identity("zalo", zalo, zalo, name), now)
        return staff

    async def handled(self, channel: str, event_key: str, timeout: float = 15.0) -> None:
        """Wait until the inbox row of this event is processed and no reply is left to send."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            async with self.app.db.read() as session:
                status = await session.scalar(
                    select(InboxRow.status).where(InboxRow.channel == channel, InboxRow.event_key == event_key)
                )
                unsent = await session.scalar(select(func.count()).where(OutboxRow.status == "pending"))
            if status is not None and status != "pending" and not unsent:
                assert status == "done", f"{channel} event {event_key} ended {status!r}"
                return
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{channel} event {event_key}: {status=}, {unsent} replies unsent")
            await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def running_world(tmp_path: Path, *, reporting: dict | None = None, **web_settings) -> AsyncIterator[World]:
    """What `python main.py run` does (minus signals and the process lock), both channels on; `reporting`:
    other [reporting] keys (what the report counts)."""
    async with FakeTelegram() as telegram, FakeZalo() as zalo:
        config = both_channels_config(telegram, zalo, tmp_path / "data", **web_settings)
        config = dataclasses.replace(config, reporting={**config.reporting, **(reporting or {})})
        app = await app_module.build_app(config, clock=frozen(NOW))
        channels, server = await app_module._start_channels(app)
        engine_task = asyncio.create_task(app.engine.run())
        try:
            yield World(app, telegram, zalo, {c.name: c for c in channels}, server)
        finally:
            for channel in channels:
                await channel.stop()
            await app.engine.stop()
            await engine_task
            for channel in channels:
                await channel.close()
            if server is not None:
                await server.stop()
            await app.db.close()
        assert telegram.violations == []
        assert zalo.violations == []


# --- Telegram ---------------------------------------------------------------------------------------


class TelegramUser:
    """A person in a private Telegram chat with the bot."""

    channel = "telegram"

    def __init__(self, world: World, chat: int):
        self.world, self.fake, self.chat = world, world.telegram, chat
        self.did: list[tuple[str, str]] = []  # ("tap" | "type" | "location", what)

    @property
    def messages(self) -> list:
        """The bot's messages in this chat, oldest first, as they look now (edits applied)."""
        return self.fake.messages(self.chat)

    @property
    def bot_messages(self) -> int:
        return len(self.messages)

    @property
    def last(self):
        return self.messages[-1]

    async def _handled(self, update: dict, before: int) -> list[str]:
        """The texts of the bot messages since `before`, once the update is handled."""
        await self.world.handled(self.channel, str(update["update_id"]))
        return [m.text or m.caption or "" for m in self.messages[before:]]

    async def say(self, text: str) -> list[str]:
        before = self.bot_messages
        self.did.append(("type", text))
        if text.startswith("/"):
            command, _, args = text[1:].partition(" ")
            return await self._handled(self.fake.user_command(self.chat, command, args), before)
        return await self._handled(self.fake.user_text(self.chat, text), before)

    def button(self, label: str, message=None) -> str | None:
        """The callback data of the inline button labelled `label` under a message (the last by default)."""
        message = message or self.last
        found = [b["callback_data"] for row in message.inline_keyboard for b in row if _matches(b["text"], label)]
        assert len(found) <= 1, f"several buttons match {label!r}: {message.inline_keyboard}"
        return found[0] if found else None

    def reply_keyboard(self, message=None) -> list[str]:
        """The labels of the reply keyboard (the location question's), if the message opened one."""
        markup = (message or self.last).reply_markup or {}
        return [b["text"] for row in markup.get("keyboard", []) for b in row]

    async def tap(self, label: str) -> list[str]:
        """Tap the button; wait until the tap is handled, answered and the question shows the choice."""
        question = self.last
        data = self.button(label, question)
        assert data is not None, f"no button {label!r} under: {question.text!r}"
        shown = next(b["text"] for row in question.inline_keyboard for b in row if b["callback_data"] == data)
        before = self.bot_messages
        self.did.append(("tap", shown))
        update = self.fake.tap(self.chat, question.message_id, data)
        texts = await self._handled(update, before)
        await self.fake.wait_for_answer(update)
        await self.fake.wait_until(lambda: question.text.endswith(f"\n→ {shown}"), 5, f"the question to show {shown!r}")
        return texts

    async def answer(self, label: str) -> list[str]:
        """Tap the matching inline button; otherwise type (a reply-keyboard button sends its label)."""
        if self.button(label) is not None:
            return await self.tap(label)
        typed = next((b for b in self.reply_keyboard() if _matches(b, label)), label)
        return await self.say(typed)

    async def share_location(self, latitude: float, longitude: float) -> list[str]:
        """The "send my location" button of the reply keyboard."""
        before = self.bot_messages
        self.did.append(("location", f"{latitude}, {longitude}"))
        return await self._handled(self.fake.user_location(self.chat, latitude, longitude), before)


# --- Zalo -------------------------------------------------------------------------------------------


class ZaloUser:
    """A person in a Zalo chat with the bot: numbered lists in, numbers and words out."""

    channel = "zalo"

    def __init__(self, world: World, chat: str):
        self.world, self.fake, self.chat = world, world.zalo, chat
        self.typed: list[str] = []

    @property
    def texts(self) -> list[str]:
        return [s.text or "" for s in self.fake.sent(self.chat)]

    @property
    def bot_messages(self) -> int:
        return len(self.fake.sent(self.chat))

    @property
    def last(self) -> str:
        return self.texts[-1]

    async def say(self, text: str) -> list[str]:
        before = self.bot_messages
        self.typed.append(text)
        event = self.fake.user_text(self.chat, text)
        await self.world.handled(self.channel, event["message"]["message_id"])
        return self.texts[before:]

    def typed_for(self, label: str) -> str:
        """What a person types for `label` on the last question: its number, the word offered for it
        (“Gõ “ok” để chọn: Hôm nay …”, “(gõ “bỏ qua” để bỏ qua câu này, “hủy” để dừng)”), or the label itself."""
        question = self.last
        numbered = re.findall(r"^(\d+)\. (.+)$", question, flags=re.MULTILINE)
        found = [number for number, shown in numbered if _matches(shown, label)]
        assert len(found) <= 1, f"several entries match {label!r}: {question!r}"
        if found:
            return found[0]
        offered = re.findall(r"^Gõ “([^”]+)” để chọn: (.+)$", question, flags=re.MULTILINE)
        word = next((w for w, shown in offered if _matches(shown, label)), None)
        if word is not None:
            return word
        hint = re.search(r"^\(gõ (“.+)\)$", question, flags=re.MULTILINE)
        words = re.findall(r"“([^”]+)”", hint.group(1)) if hint else []
        return next((w for w in words if w.casefold() == label.casefold()), label)

    async def answer(self, label: str) -> list[str]:
        return await self.say(self.typed_for(label))


def _matches(shown: str, label: str) -> bool:
    """A label matches the choice shown with that text, or one that begins with it."""
    return shown == label or shown.startswith(label)
