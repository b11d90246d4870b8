"""The test kit (no tests here; pytest collects test_*.py only): what every conversation test drives.

- The engine alone: `message`, `RecordingSender`, `echo_handler`.
- The real app (router, forms, engine, jobs, database) on a frozen clock: `make_app`, `add_staff`,
  `add_plan` (`add_older_plan`: a second open plan, so /kiemtra asks which), and ONE `Chat` — a
  person writing in their chat and reading what came back, rendered as numbered text (what a Zalo or
  console user reads). A Telegram-style `tap` answers by button.
- Looking behind the chat: `audit_actions`, `close` (a period closed by someone else).

The real channel adapters against the fake Telegram and Zalo servers are in tests/channels_kit.py.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import itertools

from sqlalchemy import select

from app.wiring import build_app
from bot.channels.numbered import render_numbered
from bot.clock import Clock
from bot.engine import Unit
from bot.messages import Incoming, Location, Reply
from storage import engine_store, people, periods_store, records
from storage.domain import Identity, Plan, RecordMeta, Staff
from storage.models import AuditRow
from tests.conftest import frozen

_keys = itertools.count(1)


def message(chat: str, text: str, *, channel: str = "console", key: str | None = None, user: str | None = None):
    kind, command = ("command", text[1:].split()[0]) if text.startswith("/") else ("text", "")
    body = text.partition(" ")[2] if command else text
    return Incoming(channel, chat, user or chat, key or f"k{next(_keys)}", kind, text=body, command=command)


class RecordingSender:
    """Collects what would reach each chat; can fail on demand like a platform would."""

    def __init__(self):
        self.sent: dict[str, list[Reply]] = {}
        self.failures: list[Exception] = []

    async def send(self, chat_id: str, reply: Reply) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.setdefault(chat_id, []).append(reply)
        await asyncio.sleep(0)
        return str(sum(len(v) for v in self.sent.values()))

    def texts(self, chat_id: str) -> list[str]:
        return [r.text for r in self.sent.get(chat_id, [])]


async def echo_handler(unit: Unit) -> None:
    """Answers 'echo: TEXT' and writes one audit row per message (a stand-in for a record)."""
    msg = unit.incoming
    await engine_store.audit(
        unit.session, staff_id=None, action="echo", entity="chat", entity_id=msg.chat_id,
        after={"text": msg.text, "key": msg.event_key}, now=unit.now,
    )
    unit.reply(Reply(text=f"echo: {msg.text}"))


# --- the real app ----------------------------------------------------------------------------------

CHANNELS = ("console", "telegram", "zalo")


async def make_app(config, db, when: str | Clock = "2023-01-13 09:30", *, reminders: bool = False, entries=None):
    """The app on a frozen clock (a "YYYY-MM-DD HH:MM" local time, or a clock), every channel's replies
    recorded by one sender. Reminders are off unless asked for: the 13th is the day before the cut-off,
    and a reminder would land in the middle of a conversation. `entries`: other forms and commands than
    handlers/registry.py's list (a test's own form, a declaration with other roles)."""
    if not reminders:
        config = dataclasses.replace(config, reporting={**config.reporting, "reminders": False})
    clock = frozen(when) if isinstance(when, str) else when
    app = await (build_app(config, clock=clock, db=db) if entries is None else build_app(config, clock, db, entries))
    sender = RecordingSender()
    for channel in CHANNELS:
        app.engine.senders[channel] = sender
    return app, sender


async def add_staff(app, name: str, roles, user: str, channel: str = "console") -> Staff:
    """A staff member with one linked account (chat id = user id)."""
    now = app.clock.now()
    async with app.db.unit_of_work() as session:
        staff = await people.create_staff(session, name, roles, now)
        await people.add_identity(session, staff.id, Identity(channel, user, user, name), now)
    return staff


async def add_plan(
    app, number: str = "3826/KH-TĐC", *, is_open: bool = True, by: int | None = None, day: dt.date | None = None
) -> Plan:
    async with app.db.unit_of_work() as session:
        return await records.add_plan(
            session,
            Plan(0, number, day or dt.date(2023, 1, 3), "Chi cục TĐC", "Kiểm tra đo lường xăng dầu", "kiem_tra",
                 is_open),
            RecordMeta(by, recorded_at=app.clock.now()),  # type: ignore[arg-type]
        )  # fmt: skip


async def add_older_plan(app) -> Plan:
    """A second open plan, older: the plan question is asked (with one open plan it is skipped)."""
    return await add_plan(app, "01/KH-CCTĐC", day=dt.date(2023, 1, 2))


class Chat:
    """One person in their chat. `say` sends a line (a "/command" or text) and returns what the person
    then reads, as numbered text, messages joined by "\n---\n". A tap's answer shown under its question
    (an edit, Telegram) is not a new message; other edits (a job's status) are, as on Zalo."""

    def __init__(self, app, sender: RecordingSender, user: str, channel: str = "console"):
        self.app, self.sender, self.user, self.channel = app, sender, user, channel
        self.received = len(sender.sent.get(user, []))  # replies already there: not this chat's news
        self.bot_messages = 0

    async def send(self, incoming: Incoming) -> str:
        return "\n---\n".join(render_numbered(r) for r in self._shown(await self._deliver(incoming), incoming))

    async def replies(self, text: str) -> list[Reply]:
        """Every reply the line brought, as queued (typing, menu and edits included)."""
        return await self._deliver(self.incoming(text))

    async def say(self, text: str) -> str:
        return await self.send(self.incoming(text))

    async def many(self, *lines: str) -> str:
        """Several lines in turn; what the last one brought."""
        out = ""
        for line in lines:
            out = await self.say(line)
        return out

    async def tap(self, label: str) -> str:
        """Telegram-style: the button of the last question with this label (or containing it)."""
        return await self.other("choice", choice=self.key_of(label))

    def key_of(self, label: str) -> str:
        choices = next(r for r in reversed(self._text_replies()) if r.choices).choices
        choice = next((c for c in choices if c.label == label), None) or next(c for c in choices if label in c.label)
        return choice.key

    async def pin(self, latitude: float = 20.65, longitude: float = 106.05) -> str:
        return await self.other("location", location=Location(latitude, longitude))

    async def photo(self, path: str = "media/p1.jpg") -> str:
        return await self.other("photo", photo_path=path)

    async def other(self, kind: str, **fields) -> str:
        """Any other kind of message: a sticker, an unsupported attachment…"""
        return await self.send(Incoming(self.channel, self.user, self.user, self._key(), kind, **fields))

    def new_messages(self) -> list[str]:
        """What reached the person since their last message without their writing (timed messages)."""
        return [render_numbered(r) for r in self._shown(self._take(), None)]

    @property
    def last(self) -> Reply:
        return self._text_replies()[-1]

    def incoming(self, text: str) -> Incoming:
        if text.startswith("/"):
            head, _, rest = text[1:].partition(" ")
            return Incoming(self.channel, self.user, self.user, self._key(), "command", text=rest.strip(),
                            command=head.lower())
        return Incoming(self.channel, self.user, self.user, self._key(), "text", text=text)

    def _key(self) -> str:
        return f"{self.channel}-{next(_keys)}"

    async def _deliver(self, incoming: Incoming) -> list[Reply]:
        await self.app.engine.accept(incoming)
        await self.app.engine.run_until_idle()
        return self._take()

    def _take(self) -> list[Reply]:
        replies = self.sender.sent.get(self.user, [])
        new, self.received = replies[self.received :], len(replies)
        return new

    def _shown(self, new: list[Reply], incoming: Incoming | None) -> list[Reply]:
        tapped = incoming is not None and incoming.kind == "choice"
        shown = [r for r in new if r.kind not in ("typing", "menu") and not (r.kind == "edit" and tapped)]
        self.bot_messages += len(shown)
        return shown

    def _text_replies(self) -> list[Reply]:
        return [r for r in self.sender.sent.get(self.user, []) if r.kind == "text"]


# --- behind the chat --------------------------------------------------------------------------------


async def audit_actions(app, entity: str) -> list[tuple[str, str]]:
    async with app.db.read() as session:
        rows = await session.scalars(select(AuditRow).where(AuditRow.entity == entity).order_by(AuditRow.id))
        return [(r.action, r.entity_id) for r in rows]


async def close(app, key: str, staff_id: int | None = None) -> None:
    """Close a period behind the chat's back (as another manager would)."""
    async with app.db.unit_of_work() as session:
        await periods_store.close_period(session, key, staff_id, app.clock.now())
