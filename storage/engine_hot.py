"""The engine's per-message statements in SQLAlchemy Core (issue 23): the inbox row stored and its id
returned, claimed by its id, the pending rows read at a rescan, and a send pass's sent marks in one
statement. Every function takes the caller's session and never commits (as storage/engine_store.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import hot
from storage.engine_store import InboxItem, released
from storage.models import InboxRow, OutboxRow

INBOX, OUTBOX = InboxRow.__table__, OutboxRow.__table__

_ADD = hot.statement(
    "INSERT INTO inbox (channel, event_key, chat_id, payload, status, received_at, error) "
    "VALUES (:channel, :event_key, :chat_id, :payload, 'pending', :received_at, '') "
    "ON CONFLICT (channel, event_key) DO NOTHING RETURNING id", INBOX, columns=["id"])
_CLAIM = hot.statement(
    "UPDATE inbox SET status = 'done', processed_at = :processed_at, error = '' "
    "WHERE id = :id AND status = 'pending'", INBOX)


async def add_to_inbox(session: AsyncSession, *, channel: str, event_key: str, chat_id: str, payload: dict,
                       now: dt.datetime) -> int | None:
    """Store an incoming event; its id, or None when this (channel, event key) was already stored."""
    rows, _ = await hot.execute(session, _ADD, {"channel": channel, "event_key": event_key, "chat_id": chat_id,
                                                "payload": payload, "received_at": now})
    return rows[0][0] if rows else None


async def claim(session: AsyncSession, inbox_id: int, now: dt.datetime) -> bool:
    """Mark a pending message done in the unit of work that handles it; False when it is not pending
    any more (handled already: a rescan found it while its unit was committing)."""
    _, count = await hot.execute(session, _CLAIM, {"id": inbox_id, "processed_at": now})
    return count == 1


async def fail(session: AsyncSession, inbox_id: int, now: dt.datetime, error: str) -> bool:
    """The handler raised: the message is marked failed (not retried forever); False if not pending."""
    result = await session.execute(
        update(INBOX).where(INBOX.c.id == inbox_id, INBOX.c.status == "pending")
        .values(status="failed", processed_at=now, error=error[:2000])
    )
    return result.rowcount == 1


async def pending(session: AsyncSession, limit: int = 1000) -> list[InboxItem]:
    """Unprocessed messages, oldest first (the rescan at start, after a failure, and now and then)."""
    c = INBOX.c
    rows = await session.execute(
        select(c.id, c.channel, c.chat_id, c.event_key, c.payload).where(c.status == "pending").order_by(c.id)
        .limit(limit)
    )
    return [InboxItem(r.id, r.channel, r.chat_id, r.event_key, r.payload) for r in rows]


async def pending_chats(session: AsyncSession, now: dt.datetime) -> set[tuple[str, str]]:
    """Chats with a reply still pending in the outbox (a notice held for quiet hours at `now` aside)."""
    c = OUTBOX.c
    rows = await session.execute(select(c.channel, c.chat_id).where(c.status == "pending", released(now)).distinct())
    return {(r.channel, r.chat_id) for r in rows}


_SENT = hot.statement(
    "UPDATE outbox SET status = 'sent', sent_at = :sent_at, platform_message_id = :platform_message_id, "
    "attempts = attempts + 1 WHERE id = :id AND status = 'pending'", OUTBOX)


async def mark_sent_many(session: AsyncSession, marks: list[tuple[int, dt.datetime, str]]) -> None:
    """(outbox id, sent at, platform message id) of replies delivered: one statement for them all."""
    if marks:
        await hot.execute_many(session, _SENT, [{"id": i, "sent_at": at, "platform_message_id": m}
                                                for i, at, m in marks])
