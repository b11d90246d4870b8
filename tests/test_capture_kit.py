"""Kit (no tests here) for the capture-form tests: the real app (router, flows, engine, database) on a
frozen clock, staff with console accounts, and a chat that reads the bot's replies as numbered text
— exactly what a Zalo user sees."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from app.wiring import build_app
from bot.channels.numbered import render_numbered
from bot.messages import Incoming, Location, Reply
from storage import people
from storage.domain import Identity, Staff
from storage.models import AuditRow
from tests.enginekit import RecordingSender

_keys = itertools.count(1)


async def make_app(config, db, clock):
    app = await build_app(config, clock=clock, db=db)
    sender = RecordingSender()
    app.engine.senders["console"] = sender
    return app, sender


async def add_staff(app, name: str, roles, user: str) -> Staff:
    async with app.db.unit_of_work() as session:
        staff = await people.create_staff(session, name, roles, app.clock.now())
        await people.add_identity(session, staff.id, Identity("console", user, user, name), app.clock.now())
    return staff


class Chat:
    """One person in their console chat; `say` returns what their message brought back, as read."""

    def __init__(self, app, sender: RecordingSender, user: str):
        self.app, self.sender, self.user = app, sender, user
        self.bot_messages = 0
        self.seen = len(self._replies())

    def _replies(self) -> list[Reply]:
        # an edit shows a tapped answer under its question (Telegram): not a new message
        return [r for r in self.sender.sent.get(self.user, []) if r.kind not in ("typing", "menu", "edit")]

    async def send(self, incoming: Incoming) -> str:
        await self.app.engine.accept(incoming)
        await self.app.engine.run_until_idle()
        replies = self._replies()
        new, self.seen = replies[self.seen :], len(replies)
        self.bot_messages += len(new)
        return "\n---\n".join(render_numbered(r) for r in new)

    def new_messages(self) -> list[str]:
        """What reached the person since their last message without their writing (timed messages)."""
        replies = self._replies()
        new, self.seen = replies[self.seen :], len(replies)
        return [render_numbered(r) for r in new]

    def _incoming(self, kind: str, **fields) -> Incoming:
        return Incoming("console", self.user, self.user, f"e{next(_keys)}", kind, **fields)

    async def say(self, text: str) -> str:
        if text.startswith("/"):
            head, _, rest = text[1:].partition(" ")
            return await self.send(self._incoming("command", command=head.lower(), text=rest.strip()))
        return await self.send(self._incoming("text", text=text))

    async def tap(self, label: str) -> str:
        """A Telegram-style tap on a choice of the last question."""
        return await self.send(self._incoming("choice", choice=self.key_of(label)))

    def key_of(self, label: str) -> str:
        last = next(r for r in reversed(self._replies()) if r.choices)
        return next(c.key for c in last.choices if c.label == label)

    async def sticker(self) -> str:
        return await self.send(self._incoming("sticker"))

    async def location(self) -> str:
        return await self.send(self._incoming("location", location=Location(20.65, 106.05)))

    async def photo(self) -> str:
        return await self.send(self._incoming("photo", photo_path="media/p1.jpg"))

    async def script(self, *lines: str) -> str:
        out = ""
        for line in lines:
            out = await self.say(line)
        return out


async def audit_actions(app, entity: str) -> list[tuple[str, str]]:
    async with app.db.read() as session:
        rows = await session.scalars(select(AuditRow).where(AuditRow.entity == entity).order_by(AuditRow.id))
        return [(r.action, r.entity_id) for r in rows]


async def close(app, key: str, staff_id: int | None = None) -> None:
    """Close a period behind the chat's back (as another manager would)."""
    from storage import periods_store

    async with app.db.unit_of_work() as session:
        await periods_store.close_period(session, key, staff_id, app.clock.now())
