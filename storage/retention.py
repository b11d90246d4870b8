"""Retention: what the bot stops keeping, and when (config.toml [retention] says why).

- The raw body of a handled message (inbox) and of a delivered reply (outbox) is redacted after
  `message_days`: text, location and photo path are blanked; the row stays (the platform's event key
  still stops a redelivery, and the audit trail still says a message came and a reply went).
- Messages from and to chats that belong to no staff member (strangers, mistyped codes) are deleted
  after `stranger_hours`, with their conversation state.
- Photos that no record and no unfinished form refers to are deleted after `orphan_media_days`.
  A record's photos stay as long as the record.
- Generated documents (reports, exports) are deleted `document_hours` after they were made, unless a
  reply still waiting to be sent or an unexpired download link needs them.

Every function takes the caller's session (one unit of work) and never commits; each does a bounded
amount of work per call so a sweep never holds the write lock for long.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Text, and_, cast, delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ConversationRow, IdentityRow, InboxRow, OutboxRow, SignedLinkRow
from storage.record_models import InspectionRow

log = logging.getLogger(__name__)

BATCH = 500
MARK = "redacted"


@dataclass(frozen=True)
class Retention:
    message_days: int = 30
    stranger_hours: int = 24
    orphan_media_days: int = 7
    document_hours: int = 24


@dataclass
class SweepResult:
    redacted: int = 0
    deleted: int = 0
    media: int = 0
    documents: int = 0


def _redacted_inbox(payload: dict) -> dict:
    return {**payload, "text": "", "location": None, "photo_path": "", "display_name": "", MARK: True}


def _redacted_reply(payload: dict) -> dict:
    return {**payload, "text": "", "choices": [], "document_path": "", "document_name": "", MARK: True}


def _not_marked(column):
    return cast(column, Text).notlike(f'%"{MARK}"%')


async def redact_bodies(session: AsyncSession, now: dt.datetime, days: int, limit: int = BATCH) -> int:
    cutoff = now - dt.timedelta(days=days)
    done = 0
    for row_type, when, finished, redact in (
        (InboxRow, InboxRow.received_at, InboxRow.status != "pending", _redacted_inbox),
        (OutboxRow, OutboxRow.created_at, OutboxRow.status != "pending", _redacted_reply),
    ):
        rows = (await session.execute(
            select(row_type.id, row_type.payload).where(when < cutoff, finished, _not_marked(row_type.payload))
            .order_by(row_type.id).limit(limit)
        )).all()
        for row_id, payload in rows:
            await session.execute(update(row_type).where(row_type.id == row_id).values(payload=redact(payload)))
        done += len(rows)
    return done


def _stranger(row_type):
    return ~exists().where(and_(IdentityRow.channel == row_type.channel, IdentityRow.chat_id == row_type.chat_id))


async def delete_strangers(session: AsyncSession, now: dt.datetime, hours: int) -> int:
    """Messages, replies and conversation state of chats that belong to no staff member."""
    cutoff = now - dt.timedelta(hours=hours)
    deleted = 0
    for row_type, when, finished in (
        (InboxRow, InboxRow.received_at, InboxRow.status != "pending"),
        (OutboxRow, OutboxRow.created_at, OutboxRow.status != "pending"),
        (ConversationRow, ConversationRow.updated_at, True),
    ):
        result = await session.execute(delete(row_type).where(when < cutoff, finished, _stranger(row_type))
                                       .execution_options(synchronize_session=False))
        deleted += result.rowcount or 0
    return deleted


async def referenced_media(session: AsyncSession) -> set[str]:
    """File names of photos a record or an unfinished form refers to."""
    names = set()
    for photos in await session.scalars(select(InspectionRow.photos)):
        names.update(Path(p).name for p in photos or ())
    for state in await session.scalars(select(cast(ConversationRow.state, Text))):
        names.update(name for name in _names_in(state))
    return names


def _names_in(text: str) -> list[str]:
    return [Path(m).name for m in re.findall(r'[^"\s\\]+\.(?:jpe?g|png|webp|gif)', text or "", re.I)]


def orphan_media(media_dir: Path, referenced: set[str], now: dt.datetime, days: int) -> list[Path]:
    cutoff = (now - dt.timedelta(days=days)).timestamp()
    return [p for p in _files_older(media_dir, cutoff) if p.name not in referenced]


def _files_older(folder: Path, cutoff: float) -> list[Path]:
    if not folder.is_dir():
        return []
    return [p for p in sorted(folder.rglob("*")) if p.is_file() and p.stat().st_mtime < cutoff]


async def old_documents(session: AsyncSession, documents_dir: Path, now: dt.datetime, hours: int) -> list[Path]:
    """Generated files older than `hours` that no pending reply and no live link needs."""
    candidates = _files_older(documents_dir, (now - dt.timedelta(hours=hours)).timestamp())
    if not candidates:
        return []
    pending = " ".join(await session.scalars(
        select(cast(OutboxRow.payload, Text)).where(OutboxRow.status == "pending")))
    live = {Path(p).name for p in await session.scalars(
        select(SignedLinkRow.path).where(SignedLinkRow.expires_at > now))}
    return [p for p in candidates if p.name not in live and p.name not in pending]


async def sweep(session: AsyncSession, now: dt.datetime, policy: Retention, media_dir: Path | None,
                documents_dir: Path | None = None) -> SweepResult:
    result = SweepResult()
    if documents_dir is not None:
        for path in await old_documents(session, documents_dir, now, policy.document_hours):
            path.unlink(missing_ok=True)
            result.documents += 1
    result.redacted = await redact_bodies(session, now, policy.message_days)
    result.deleted = await delete_strangers(session, now, policy.stranger_hours)
    if media_dir is not None:
        for path in orphan_media(media_dir, await referenced_media(session), now, policy.orphan_media_days):
            path.unlink(missing_ok=True)
            result.media += 1
    return result


def sweeper(policy: Retention, media_dir: Path | None, documents_dir: Path | None = None,
            every: dt.timedelta = dt.timedelta(hours=1)):
    """An engine sweeper (runs with the others every 30 s) that does its work at most once per `every`."""
    last: dt.datetime | None = None

    async def retention_sweep(session: AsyncSession, now: dt.datetime) -> list:
        nonlocal last
        if last is not None and now - last < every:
            return []
        last = now
        result = await sweep(session, now, policy, media_dir, documents_dir)
        if result.redacted or result.deleted or result.media or result.documents:
            log.info("retention: %d message bodies redacted, %d strangers' rows deleted, %d orphan photos and "
                     "%d old documents deleted", result.redacted, result.deleted, result.media, result.documents)
        return []

    return retention_sweep
