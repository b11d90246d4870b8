"""Replies the bot could not deliver: the administrators' notice and the `admin outbox` listing.

The engine retries a reply with capped back-off for the configured horizon (24 h by default); past
it the reply is kept as "expired", and `python main.py admin outbox` lists it; `admin outbox retry`
queues it again. Every active administrator is told in their chat once when a channel's replies start
to go past the horizon (how many, to how many people, since when) and once when it delivers again
(bot.delivery) — not once per reply.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

import texts
from bot.delivery import Outage
from bot.engine import UNDELIVERED_TOKEN
from bot.messages import Reply
from handlers import notify
from storage import engine_store, people
from storage.domain import Staff


def outage_notices(zone: ZoneInfo) -> Outage:
    """The engine's `delivery.on_outage`: one notice to each chat of each active administrator when a
    channel's replies start to go undelivered past the horizon (since None), one when it delivers again;
    times in the department's zone."""

    async def notices(session: AsyncSession, channel: str, since: dt.datetime | None, now: dt.datetime
                      ) -> list[tuple[str, str, Reply]]:
        left = await engine_store.undelivered_summary(session, channel, expired_only=since is not None)
        if since is None:
            text = texts.outbox.outage_started(channel, left.replies, left.chats, (left.since or now).astimezone(zone))
        else:
            text = texts.outbox.outage_ended(channel, since.astimezone(zone), left.replies, left.chats)
        notice = Reply(text=text, token=UNDELIVERED_TOKEN)
        staff = await people.list_staff(session)
        return notify.to_chats([s for s in staff if s.has("admin")], notice, console=False)

    return notices


async def listing(session: AsyncSession, now: dt.datetime) -> str:
    """What `main.py admin outbox` prints: each undelivered reply with its chat, age and error."""
    items = await engine_store.undelivered(session, now)
    if not items:
        return texts.outbox.OUTBOX_EMPTY
    staff = await people.list_staff(session)
    lines = [texts.outbox.OUTBOX_HEADER.format(count=len(items))]
    for n, item in enumerate(items, 1):
        lines.append(texts.outbox.OUTBOX_LINE.format(
            n=n, channel=item.channel, chat=item.chat_id, who=_who(staff, item.channel, item.chat_id),
            state=texts.outbox.OUTBOX_STATES.get(item.status, item.status), age=_age(now - item.created_at),
            error=_short(item.error, 160) or "-", text=_short(item.payload.get("text", ""), 80),
        ))
    return "\n".join(lines)


def _who(staff: list[Staff], channel: str, chat_id: str) -> str:
    for member in staff:
        if any(i.channel == channel and chat_id in (i.chat_id, i.user_id) for i in member.identities):
            return member.name
    return "?"


def _age(age: dt.timedelta) -> str:
    return texts.outbox.age(int(age.total_seconds() // 60))


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
