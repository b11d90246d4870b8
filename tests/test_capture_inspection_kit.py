"""Kit (no tests here): driving the real app (router, flows, engine, database) as a person does.

Shared by the field-capture tests: an app on a frozen clock, staff with console accounts, a plan,
and a chat that sends lines and returns what the person saw, rendered as numbered text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

from app.wiring import build_app
from bot.channels.numbered import render_numbered
from bot.messages import Incoming, Location, Reply
from storage import people, records
from storage.domain import Identity, Plan, RecordMeta
from tests.conftest import frozen
from tests.enginekit import RecordingSender

_keys = itertools.count(1)


class Chat:
    """One person on one channel; `say` returns the replies their message produced, as they read them."""

    def __init__(self, app, sender: RecordingSender, user: str, channel: str = "console"):
        self.app, self.sender, self.user, self.channel = app, sender, user, channel
        self.seen = len([r for r in sender.sent.get(user, []) if r.kind not in ("typing", "menu", "edit")])
        self.bot_messages = 0

    async def send(self, incoming: Incoming) -> list[str]:
        await self.app.engine.accept(incoming)
        await self.app.engine.run_until_idle()
        replies = [r for r in self.sender.sent.get(self.user, []) if r.kind not in ("typing", "menu", "edit")]
        new, self.seen = replies[self.seen :], len(replies)
        self.bot_messages += len(new)
        return [render_numbered(r) for r in new]

    async def say(self, text: str) -> str:
        key = f"{self.channel}-{next(_keys)}"
        if text.startswith("/"):
            head, _, rest = text[1:].partition(" ")
            msg = Incoming(self.channel, self.user, self.user, key, "command", text=rest, command=head)
        else:
            msg = Incoming(self.channel, self.user, self.user, key, "text", text=text)
        return "\n---\n".join(await self.send(msg))

    async def tap(self, label_part: str) -> str:
        """Telegram-style: tap the button of the last question whose label contains the text."""
        reply = self.last
        choice = next(c for c in reply.choices if label_part in c.label)
        key = f"{self.channel}-{next(_keys)}"
        return "\n---\n".join(
            await self.send(Incoming(self.channel, self.user, self.user, key, "choice", choice=choice.key))
        )

    async def pin(self, latitude: float, longitude: float) -> str:
        key = f"{self.channel}-{next(_keys)}"
        msg = Incoming(self.channel, self.user, self.user, key, "location", location=Location(latitude, longitude))
        return "\n---\n".join(await self.send(msg))

    async def other(self, kind: str, **fields) -> str:
        key = f"{self.channel}-{next(_keys)}"
        return "\n---\n".join(await self.send(Incoming(self.channel, self.user, self.user, key, kind, **fields)))

    @property
    def last(self) -> Reply:
        return [r for r in self.sender.sent[self.user] if r.kind == "text"][-1]

    async def many(self, *lines: str) -> str:
        out = ""
        for line in lines:
            out = await self.say(line)
        return out


async def make_app(config, db, when: str = "2023-01-13 09:30"):
    # The 13th is the day before the cut-off: keep the reminder out of the message counts.
    config = dataclasses.replace(config, reporting={**config.reporting, "reminders": False})
    app = await build_app(config, clock=frozen(when), db=db)
    sender = RecordingSender()
    app.engine.senders["console"] = sender
    app.engine.senders["telegram"] = sender
    app.engine.senders["zalo"] = sender
    return app, sender


async def add_staff(app, name: str, roles, user: str, channel: str = "console"):
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
        )


async def add_older_plan(app) -> Plan:
    """A second open plan, older: the plan question is asked (with one open plan it is skipped)."""
    return await add_plan(app, "01/KH-CCTĐC", day=dt.date(2023, 1, 2))
