"""Timed jobs: scheduled once by key, run once (their 'done' mark commits with their effects).

Every function takes the caller's session and never commits. Importable from storage.engine_store too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import _insert, aware
from storage.models import ScheduledJobRow

DUE_LIMIT = 50  # due jobs read at once
SCHEDULED = "fieldbot_job_scheduled"  # session.info: this unit of work scheduled a job


@dataclass(frozen=True)
class Job:
    id: int
    key: str
    kind: str
    due_at: dt.datetime
    payload: dict[str, Any]


async def schedule_once(
    session: AsyncSession, *, key: str, kind: str, due_at: dt.datetime, payload: dict | None = None
) -> bool:
    """Schedule a job unless one with this key exists already (scheduling is idempotent). The session
    notes it (SCHEDULED), so the engine that commits it reads the due jobs again at once."""
    session.info[SCHEDULED] = True
    stmt = (
        _insert(session, ScheduledJobRow)
        .values(key=key, kind=kind, due_at=due_at, payload=payload or {})
        .on_conflict_do_nothing(index_elements=["key"])
    )
    return (await session.execute(stmt)).rowcount == 1


async def due_jobs(session: AsyncSession, now: dt.datetime, limit: int = DUE_LIMIT) -> list[Job]:
    rows = await session.scalars(
        select(ScheduledJobRow)
        .where(ScheduledJobRow.done_at.is_(None), ScheduledJobRow.due_at <= now)
        .order_by(ScheduledJobRow.due_at, ScheduledJobRow.id)
        .limit(limit)
    )
    return [Job(r.id, r.key, r.kind, aware(r.due_at), r.payload) for r in rows]


async def next_due(session: AsyncSession) -> dt.datetime | None:
    """When the earliest job not yet run is due (None: none waits)."""
    return aware(await session.scalar(select(func.min(ScheduledJobRow.due_at)).where(ScheduledJobRow.done_at.is_(None))))


async def claim_job(session: AsyncSession, job_id: int, now: dt.datetime) -> bool:
    """Mark a job done in the same transaction as its effects: it runs once, even across restarts."""
    result = await session.execute(
        update(ScheduledJobRow)
        .where(ScheduledJobRow.id == job_id, ScheduledJobRow.done_at.is_(None))
        .values(done_at=now)
    )
    return result.rowcount == 1
