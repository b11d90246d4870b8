"""What the engine keeps: the inbox, the outbox, conversation state, the audit log and timed jobs.

Every function takes the caller's session (one unit of work) and never commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import hot
from storage.dialect import _insert, aware  # noqa: F401  (aware: imported from here by others)
from storage.models import AuditRow, ConversationRow, InboxRow, OutageRow, OutboxRow

OUTBOX = OutboxRow.__table__  # the hot statements on the driver connection (storage/hot.py)
CONVERSATIONS = ConversationRow.__table__

_QUEUE = hot.statement(
    "INSERT INTO outbox (channel, chat_id, payload, inbox_id, status, attempts, created_at, next_attempt_at, "
    "not_before, platform_message_id, error) VALUES (:channel, :chat_id, :payload, :inbox_id, 'pending', 0, "
    ":created_at, :created_at, :not_before, '', '') RETURNING id", OUTBOX, columns=["id"])
_CONVERSATION = hot.statement(
    "SELECT state, version, updated_at, expires_at FROM conversations WHERE channel = :channel AND chat_id = :chat_id",
    CONVERSATIONS, columns=["state", "version", "updated_at", "expires_at"])
_PUT_CONVERSATION = hot.statement(
    "INSERT INTO conversations (channel, chat_id, state, version, updated_at, expires_at) "
    "VALUES (:channel, :chat_id, :state, 1, :updated_at, :expires_at) ON CONFLICT (channel, chat_id) DO UPDATE "
    "SET state = excluded.state, version = conversations.version + 1, updated_at = excluded.updated_at, "
    "expires_at = excluded.expires_at", CONVERSATIONS)
_CLEAR_CONVERSATION = hot.statement(
    "DELETE FROM conversations WHERE channel = :channel AND chat_id = :chat_id", CONVERSATIONS)
_AUDIT = hot.statement(
    'INSERT INTO audit_log (at, staff_id, action, entity, entity_id, "before", "after") '
    "VALUES (:at, :staff_id, :action, :entity, :entity_id, :before, :after)", AuditRow.__table__)


# --- inbox --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxItem:
    id: int
    channel: str
    chat_id: str
    event_key: str
    payload: dict[str, Any]


async def add_to_inbox(
    session: AsyncSession, *, channel: str, event_key: str, chat_id: str, payload: dict, now: dt.datetime
) -> bool:
    """Store an incoming event; False when this (channel, event key) was already stored (a redelivery)."""
    stmt = (
        _insert(session, InboxRow)
        .values(
            channel=channel, event_key=event_key, chat_id=chat_id, payload=payload,
            status="pending", received_at=now, error="",
        )
        .on_conflict_do_nothing(index_elements=["channel", "event_key"])
    )
    result = await session.execute(stmt)
    return result.rowcount == 1


async def chats_with_pending(session: AsyncSession, limit: int = 1000) -> list[tuple[str, str]]:
    """Chats that have unprocessed events, oldest first."""
    rows = await session.execute(
        select(InboxRow.channel, InboxRow.chat_id, func.min(InboxRow.id).label("first"))
        .where(InboxRow.status == "pending")
        .group_by(InboxRow.channel, InboxRow.chat_id)
        .order_by("first")
        .limit(limit)
    )
    return [(r.channel, r.chat_id) for r in rows]


async def next_pending(session: AsyncSession, channel: str, chat_id: str) -> InboxItem | None:
    row = await session.scalar(
        select(InboxRow)
        .where(InboxRow.status == "pending", InboxRow.channel == channel, InboxRow.chat_id == chat_id)
        .order_by(InboxRow.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if row is None:
        return None
    return InboxItem(row.id, row.channel, row.chat_id, row.event_key, row.payload)


async def has_pending_after(session: AsyncSession, channel: str, chat_id: str, inbox_id: int) -> bool:
    found = await session.scalar(
        select(InboxRow.id)
        .where(InboxRow.status == "pending", InboxRow.channel == channel, InboxRow.chat_id == chat_id,
               InboxRow.id > inbox_id)
        .limit(1)
    )
    return found is not None


async def mark_processed(
    session: AsyncSession, inbox_id: int, now: dt.datetime, *, failed: bool = False, error: str = ""
) -> None:
    await session.execute(
        update(InboxRow)
        .where(InboxRow.id == inbox_id)
        .values(status="failed" if failed else "done", processed_at=now, error=error[:2000])
    )


async def inbox_counts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(InboxRow.status, func.count()).group_by(InboxRow.status))
    return {status: count for status, count in rows}


# --- outbox -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxItem:
    id: int
    channel: str
    chat_id: str
    payload: dict[str, Any]
    attempts: int
    created_at: dt.datetime
    status: str = "pending"
    error: str = ""
    not_before: dt.datetime | None = None  # a notice held in quiet hours (bot/quiet.py)


def _outbox_item(row: OutboxRow) -> OutboxItem:
    return OutboxItem(row.id, row.channel, row.chat_id, row.payload, row.attempts, aware(row.created_at),
                      row.status, row.error, aware(row.not_before))


def released(now: dt.datetime):
    """Outbox rows not held for quiet hours at `now` (held ones are no backlog, no failure to deliver)."""
    return or_(OutboxRow.not_before.is_(None), OutboxRow.not_before <= now)


def waiting_since():
    """Since when a reply has been waiting to go out: from its release when it was held, else its queueing."""
    return func.coalesce(OutboxRow.not_before, OutboxRow.created_at)


async def queue_reply(
    session: AsyncSession, *, channel: str, chat_id: str, payload: dict, now: dt.datetime, inbox_id: int | None,
    not_before: dt.datetime | None = None,
) -> int:
    """Queue a reply; with `not_before` (a notice in quiet hours) the sender leaves it until then."""
    rows, _ = await hot.execute(session, _QUEUE, {"channel": channel, "chat_id": chat_id, "payload": payload,
                                                  "inbox_id": inbox_id, "created_at": now, "not_before": not_before})
    return rows[0][0]


async def due_replies(session: AsyncSession, now: dt.datetime, limit: int = 500) -> list[OutboxItem]:
    """Pending replies in order. A chat whose oldest pending reply is not yet due is held back whole,
    so a retried reply is never overtaken by a later one. A notice held for quiet hours holds nothing
    back: the replies to a person who writes at night go out, the notice in the morning (held rows are
    left out by the query, so a night's notices never fill the `limit` in front of them)."""
    rows = (
        await session.scalars(
            select(OutboxRow).where(OutboxRow.status == "pending", released(now)).order_by(OutboxRow.id).limit(limit)
        )
    ).all()
    blocked: set[tuple[str, str]] = set()
    due = []
    for row in rows:
        chat = (row.channel, row.chat_id)
        if chat in blocked:
            continue
        if aware(row.next_attempt_at) > now:
            blocked.add(chat)
            continue
        due.append(_outbox_item(row))
    return due


async def next_reply_due_at(session: AsyncSession) -> dt.datetime | None:
    return aware(
        await session.scalar(select(func.min(OutboxRow.next_attempt_at)).where(OutboxRow.status == "pending"))
    )


def _payload(payload: dict | None) -> dict:
    """A replacement payload (a secret masked), or nothing to change."""
    return {} if payload is None else {"payload": payload}


async def mark_sent(session: AsyncSession, outbox_id: int, now: dt.datetime, platform_message_id: str = "",
                    *, payload: dict | None = None) -> None:
    await session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == outbox_id)
        .values(status="sent", sent_at=now, platform_message_id=platform_message_id, attempts=OutboxRow.attempts + 1,
                **_payload(payload))
    )


async def mark_retry(session: AsyncSession, outbox_id: int, next_at: dt.datetime, error: str) -> None:
    await session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == outbox_id)
        .values(next_attempt_at=next_at, error=error[:2000], attempts=OutboxRow.attempts + 1)
    )


async def mark_failed(session: AsyncSession, outbox_id: int, error: str, *, payload: dict | None = None) -> None:
    await session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == outbox_id)
        .values(status="failed", error=error[:2000], attempts=OutboxRow.attempts + 1, **_payload(payload))
    )


async def mark_expired(session: AsyncSession, outbox_id: int, error: str, *, payload: dict | None = None) -> None:
    """Past the retry horizon: kept as 'expired' so `admin outbox` shows it and can send it again."""
    await session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == outbox_id)
        .values(status="expired", error=error[:2000], attempts=OutboxRow.attempts + 1, **_payload(payload))
    )


UNDELIVERED = ("pending", "expired", "failed")


async def undelivered(session: AsyncSession, now: dt.datetime, *, waiting_longer_than: dt.timedelta | None = None
                      ) -> list[OutboxItem]:
    """Replies not delivered: expired or refused for good, and pending ones that have already failed
    at least once (waiting for a retry) — oldest first."""
    stmt = select(OutboxRow).where(OutboxRow.status.in_(UNDELIVERED)).order_by(OutboxRow.id)
    items = [_outbox_item(row) for row in await session.scalars(stmt)]
    items = [i for i in items if i.status != "pending" or i.attempts > 0]
    if waiting_longer_than is not None:
        items = [i for i in items if now - i.created_at >= waiting_longer_than]
    return items


async def retry_undelivered(session: AsyncSession, now: dt.datetime) -> int:
    """Put expired and refused replies back in the queue, due now, with a fresh retry horizon."""
    result = await session.execute(
        update(OutboxRow)
        .where(OutboxRow.status.in_(("expired", "failed")))
        .values(status="pending", next_attempt_at=now, created_at=now, attempts=0)
    )
    await session.execute(
        update(OutboxRow).where(OutboxRow.status == "pending", OutboxRow.attempts > 0).values(next_attempt_at=now)
    )
    return result.rowcount


async def due_now(session: AsyncSession, channel: str, now: dt.datetime) -> int:
    """A send on the channel worked after failures: its other waiting replies are due at once (the
    sender keeps each chat's order), instead of each waiting out its own back-off."""
    result = await session.execute(
        update(OutboxRow)
        .where(OutboxRow.status == "pending", OutboxRow.channel == channel, OutboxRow.next_attempt_at > now)
        .values(next_attempt_at=now)
    )
    return result.rowcount


async def probes(session: AsyncSession, channels: list[str], now: dt.datetime | None = None) -> list[OutboxItem]:
    """For each channel with a reply that already failed, its oldest pending reply (due or not; the
    first of its chat, so sending it keeps the chat's order; a notice held for quiet hours at `now` is
    never one): tried to learn if the channel is back."""
    if not channels:
        return []
    held = [] if now is None else [released(now)]
    firsts = (
        select(func.min(OutboxRow.id))
        .where(OutboxRow.status == "pending", OutboxRow.channel.in_(channels), *held)
        .group_by(OutboxRow.channel)
        .having(func.max(OutboxRow.attempts) > 0)
    )
    rows = await session.scalars(select(OutboxRow).where(OutboxRow.id.in_(firsts)).order_by(OutboxRow.id))
    return [_outbox_item(row) for row in rows]


async def open_outage(session: AsyncSession, channel: str, now: dt.datetime) -> bool:
    """Note that the channel's replies go past the horizon; True if it was not noted already."""
    if await session.get(OutageRow, channel) is not None:
        return False
    session.add(OutageRow(channel=channel, since=now))
    await session.flush()
    return True


async def close_outage(session: AsyncSession, channel: str) -> dt.datetime | None:
    """The channel delivers again: forget its outage; when it had one, since when."""
    row = await session.get(OutageRow, channel)
    if row is None:
        return None
    since = aware(row.since)
    await session.delete(row)
    await session.flush()
    return since


@dataclass(frozen=True)
class Undelivered:
    replies: int
    chats: int
    since: dt.datetime | None


async def undelivered_summary(session: AsyncSession, channel: str, *, expired_only: bool = False) -> Undelivered:
    """How many replies of the channel wait undelivered (expired, or pending after a failure), to how
    many chats, since when; with `expired_only`, only those past the horizon."""
    statuses = OutboxRow.status == "expired"
    if not expired_only:
        statuses = statuses | ((OutboxRow.status == "pending") & (OutboxRow.attempts > 0))
    count, chats, since = (await session.execute(
        select(func.count(OutboxRow.id), func.count(func.distinct(OutboxRow.chat_id)), func.min(OutboxRow.created_at))
        .where(OutboxRow.channel == channel, statuses)
    )).one()
    return Undelivered(count or 0, chats or 0, aware(since))


async def sent_message_id(session: AsyncSession, channel: str, chat_id: str, token: str) -> str:
    """The platform message id of the last sent reply carrying a question token (to edit a keyboard)."""
    rows = await session.scalars(
        select(OutboxRow)
        .where(OutboxRow.channel == channel, OutboxRow.chat_id == chat_id, OutboxRow.status == "sent")
        .order_by(OutboxRow.id.desc())
        .limit(20)
    )
    for row in rows:
        if row.payload.get("token") == token:
            return row.platform_message_id
    return ""


async def seen_before(session: AsyncSession, channel: str, chat_id: str, token: str, event_key: str) -> bool:
    """Whether the reply carrying `token` had reached the chat when the message `event_key` arrived: False
    when it was still unsent then (a second "1" typed before the next card came: it answers no card the
    person saw). True when either cannot be found (nothing to go by)."""
    received = await session.scalar(
        select(InboxRow.received_at).where(InboxRow.channel == channel, InboxRow.event_key == event_key))
    rows = await session.execute(
        select(OutboxRow.sent_at, OutboxRow.payload)
        .where(OutboxRow.channel == channel, OutboxRow.chat_id == chat_id)
        .order_by(OutboxRow.id.desc())
        .limit(20)
    )  # fmt: skip
    for sent_at, payload in rows:
        if (payload or {}).get("token") == token:
            return received is None or (sent_at is not None and aware(sent_at) <= aware(received))
    return True


# --- conversation state -------------------------------------------------------------------------


@dataclass(frozen=True)
class Conversation:
    state: dict[str, Any]
    version: int
    updated_at: dt.datetime
    expires_at: dt.datetime | None


async def get_conversation(session: AsyncSession, channel: str, chat_id: str) -> Conversation | None:
    rows, _ = await hot.execute(session, _CONVERSATION, {"channel": channel, "chat_id": chat_id})
    if not rows:
        return None
    state, version, updated_at, expires_at = rows[0]
    return Conversation(state, version, aware(updated_at), aware(expires_at))


async def put_conversation(
    session: AsyncSession,
    channel: str,
    chat_id: str,
    state: dict[str, Any],
    now: dt.datetime,
    expires_at: dt.datetime | None,
) -> None:
    """One statement: the row inserted, or (there already) its state replaced and its version counted up."""
    await hot.execute(session, _PUT_CONVERSATION, {"channel": channel, "chat_id": chat_id, "state": state,
                                                   "updated_at": now, "expires_at": expires_at})


async def offer_conversation(
    session: AsyncSession, channel: str, chat_id: str, state: dict[str, Any], now: dt.datetime,
    expires_at: dt.datetime | None, *, replaces_version: int | None,
) -> bool:  # fmt: skip
    """Put `state` in another person's chat only if the chat is still as it was read: no conversation
    (`replaces_version` None) or the one at that version. False, and nothing written, when the person
    started something meanwhile (a unit of work of their own chat may run at the same moment)."""
    if replaces_version is None:
        insert = _insert(session, ConversationRow).values(
            channel=channel, chat_id=chat_id, state=state, version=1, updated_at=now, expires_at=expires_at
        ).on_conflict_do_nothing(index_elements=["channel", "chat_id"])
        return (await session.execute(insert)).rowcount == 1
    moved = await session.execute(
        update(ConversationRow)
        .where(ConversationRow.channel == channel, ConversationRow.chat_id == chat_id,
               ConversationRow.version == replaces_version)
        .values(state=state, version=replaces_version + 1, updated_at=now, expires_at=expires_at)
    )  # fmt: skip
    return moved.rowcount == 1


async def clear_conversation(session: AsyncSession, channel: str, chat_id: str) -> None:
    await hot.execute(session, _CLEAR_CONVERSATION, {"channel": channel, "chat_id": chat_id})


async def expired_conversations(session: AsyncSession, now: dt.datetime, limit: int = 100) -> list[tuple[str, str]]:
    rows = await session.execute(
        select(ConversationRow.channel, ConversationRow.chat_id)
        .where(ConversationRow.expires_at.is_not(None), ConversationRow.expires_at <= now)
        .limit(limit)
    )
    return [(r.channel, r.chat_id) for r in rows]


# --- audit --------------------------------------------------------------------------------------


async def audit(
    session: AsyncSession,
    *,
    staff_id: int | None,
    action: str,
    entity: str,
    entity_id: str | int = "",
    before: dict | None = None,
    after: dict | None = None,
    now: dt.datetime,
) -> None:
    if session.new:  # a repository's own entry (an ORM row, storage/records.py) goes first: the log keeps their order
        await session.flush()
    await hot.execute(session, _AUDIT, {"at": now, "staff_id": staff_id, "action": action, "entity": entity,
                                        "entity_id": str(entity_id), "before": before, "after": after})


async def audit_entries(session: AsyncSession, entity: str | None = None) -> list[dict[str, Any]]:
    stmt = select(AuditRow).order_by(AuditRow.id)
    if entity:
        stmt = stmt.where(AuditRow.entity == entity)
    return [
        {"at": aware(r.at), "staff_id": r.staff_id, "action": r.action, "entity": r.entity,
         "entity_id": r.entity_id, "before": r.before, "after": r.after}
        for r in await session.scalars(stmt)
    ]


# --- timed jobs: storage/jobs_store.py (kept importable from here) ----------------------------------

from storage.jobs_store import DUE_LIMIT, SCHEDULED, Job, claim_job, due_jobs, next_due, schedule_once  # noqa: E402,F401
