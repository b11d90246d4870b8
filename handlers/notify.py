"""The bot speaking first: one reply to every linked chat of some people, and the scheduled jobs
(reminders, the licence digest) started once per process.

Both channels get the reply when a person has linked both; the console is a test and operator
channel and is left out unless asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable

from bot.messages import Reply
from storage.domain import Staff

Outgoing = list[tuple[str, str, Reply]]


def to_chats(staff: Iterable[Staff], reply: Reply | str, *, console: bool = True) -> Outgoing:
    """`reply` to each linked chat of each person in `staff` (callers choose who: `Staff.has` is
    false for a deactivated person)."""
    reply = Reply(text=reply) if isinstance(reply, str) else reply
    return [(i.channel, i.chat_id, reply) for s in staff for i in s.identities if console or i.channel != "console"]


def once_per_process(schedule: Callable[[object, dt.datetime], Awaitable[None]]):
    """An engine sweeper that calls `schedule(session, now)` on its first pass only: the job is put in
    the database idempotently (by key), so a restart schedules it again without doubling it."""
    started = False

    async def start(session, now: dt.datetime) -> list:
        nonlocal started
        if not started:
            await schedule(session, now)
            started = True
        return []

    return start
