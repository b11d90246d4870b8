"""Kit (no tests here): the real app (router, flows, engine, jobs, database) driven as a person does,
for the report and notes tests. Replies are rendered as numbered text, the way Zalo shows them."""

from __future__ import annotations

import dataclasses
import itertools

from app.wiring import build_app
from bot.channels.numbered import render_numbered
from bot.messages import Incoming, Reply
from storage import people
from storage.domain import Identity
from tests.conftest import frozen
from tests.enginekit import RecordingSender

_keys = itertools.count(1)


async def make_app(config, db, when: str = "2023-01-13 09:30"):
    """The app on a frozen clock, with the report jobs installed and a recording console sender."""
    # The 13th is the day before the cut-off: keep the capture reminder out of these conversations.
    config = dataclasses.replace(config, reporting={**config.reporting, "reminders": False})
    app = await build_app(config, clock=frozen(when), db=db)
    sender = RecordingSender()
    app.engine.senders["console"] = sender
    return app, sender


async def add_staff(app, name: str, roles, user: str):
    now = app.clock.now()
    async with app.db.unit_of_work() as session:
        staff = await people.create_staff(session, name, roles, now)
        await people.add_identity(session, staff.id, Identity("console", user, user, name), now)
    return staff


def incoming(user: str, text: str) -> Incoming:
    key = f"console-{next(_keys)}"
    if text.startswith("/"):
        head, _, rest = text[1:].partition(" ")
        return Incoming("console", user, user, key, "command", text=rest, command=head)
    return Incoming("console", user, user, key, "text", text=text)


class Chat:
    """One person on the console; `say` returns what their message brought back, as they read it."""

    def __init__(self, app, sender: RecordingSender, user: str):
        self.app, self.sender, self.user = app, sender, user
        self.seen = 0

    async def send(self, msg: Incoming) -> list[Reply]:
        await self.app.engine.accept(msg)
        await self.app.engine.run_until_idle()
        replies = self.sender.sent.get(self.user, [])
        new, self.seen = replies[self.seen :], len(replies)
        return new

    async def replies(self, text: str) -> list[Reply]:
        return await self.send(incoming(self.user, text))

    async def say(self, text: str) -> str:
        shown = [r for r in await self.replies(text) if r.kind not in ("typing", "menu")]
        return "\n---\n".join(render_numbered(r) for r in shown)

    async def many(self, *lines: str) -> str:
        out = ""
        for line in lines:
            out = await self.say(line)
        return out
