"""Signed document links: which file a link token opens, and until when.

Only the SHA-256 hash of a token is kept, so a copy of the database opens no document. Every
function takes the caller's session (one unit of work) and never commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.domain import NotFound
from storage.engine_store import aware
from storage.models import SignedLinkRow


class LinkNotFound(NotFound):
    """No link has this token hash (never issued, altered, or already cleaned up)."""


@dataclass(frozen=True)
class DocumentLink:
    id: int
    path: str
    filename: str
    expires_at: dt.datetime
    created_at: dt.datetime

    def expired(self, now: dt.datetime) -> bool:
        return now >= self.expires_at


def _link(row: SignedLinkRow) -> DocumentLink:
    return DocumentLink(row.id, row.path, row.filename, aware(row.expires_at), aware(row.created_at))


async def add_link(
    session: AsyncSession, *, token_hash: str, path: str, filename: str, expires_at: dt.datetime, now: dt.datetime
) -> DocumentLink:
    row = SignedLinkRow(token_hash=token_hash, path=path, filename=filename, expires_at=expires_at, created_at=now)
    session.add(row)
    await session.flush()
    return _link(row)


async def link_by_hash(session: AsyncSession, token_hash: str) -> DocumentLink:
    row = await session.scalar(select(SignedLinkRow).where(SignedLinkRow.token_hash == token_hash))
    if row is None:
        raise LinkNotFound(token_hash[:8])
    return _link(row)


async def expired_links(session: AsyncSession, now: dt.datetime, limit: int = 500) -> list[DocumentLink]:
    rows = await session.scalars(
        select(SignedLinkRow).where(SignedLinkRow.expires_at <= now).order_by(SignedLinkRow.id).limit(limit)
    )
    return [_link(r) for r in rows]


async def live_links_to(session: AsyncSession, path: str, now: dt.datetime) -> int:
    """How many unexpired links still open this file (it must stay until the last one expires)."""
    return await session.scalar(
        select(func.count(SignedLinkRow.id)).where(SignedLinkRow.path == path, SignedLinkRow.expires_at > now)
    )


async def forget_links(session: AsyncSession, expired_before: dt.datetime) -> int:
    """Delete links that expired before this moment (they then answer 404 like any unknown link)."""
    result = await session.execute(delete(SignedLinkRow).where(SignedLinkRow.expires_at <= expired_before))
    return result.rowcount


async def delete_links(session: AsyncSession, ids: list[int]) -> None:
    if ids:
        await session.execute(delete(SignedLinkRow).where(SignedLinkRow.id.in_(ids)))


async def count_links(session: AsyncSession) -> int:
    return await session.scalar(select(func.count(SignedLinkRow.id)))
