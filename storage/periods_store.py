"""Closed reporting periods ("chốt kỳ"): which months a manager has closed, and closing one.

Functions take the caller's session (one unit of work) and never commit. The set of closed periods,
read for every form step that saves, is kept in memory per database for `KEEP_SECONDS` (issue 23);
closing a period here forgets it at once and again after the commit, and a read begun before a close
is not kept. Periods are closed only through `close_period` (/chotky); a database restored from a
backup is seen after at most `KEEP_SECONDS`.
"""

from __future__ import annotations

import datetime as dt
import time
import weakref

from sqlalchemy.ext.asyncio import AsyncSession

from storage import hot, staff_cache
from storage.record_models import ClosedPeriodRow

KEEP_SECONDS = 5.0

_CLOSED = hot.statement("SELECT period FROM closed_periods", ClosedPeriodRow.__table__, columns=["period"])


class _Kept:
    def __init__(self):
        self.keys: frozenset[str] | None = None
        self.until = 0.0
        self.generation = 0  # counted up by every close: a read begun before one is not kept

    def clear(self, *_args) -> None:
        self.keys, self.generation = None, self.generation + 1


_kept: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def closed_period_keys(session: AsyncSession) -> frozenset[str]:
    """Keys ("2023-01") of every closed period; a department closes twelve a year, so all of them."""
    kept = staff_cache.kept_for(session, _kept, _Kept)
    if kept.keys is not None and kept.until > time.monotonic():
        return kept.keys
    generation = kept.generation
    rows, _ = await hot.execute(session, _CLOSED)
    keys = frozenset(period for (period,) in rows)
    if generation == kept.generation:
        kept.keys, kept.until = keys, time.monotonic() + KEEP_SECONDS
    return keys


async def is_closed(session: AsyncSession, period: str) -> bool:
    return await session.get(ClosedPeriodRow, period) is not None


async def close_period(session: AsyncSession, period: str, staff_id: int, now: dt.datetime) -> bool:
    """Close a period; False when it was closed already (nothing changes then)."""
    if await is_closed(session, period):
        return False
    session.add(ClosedPeriodRow(period=period, closed_at=now, closed_by=staff_id))
    await session.flush()
    kept = staff_cache.kept_for(session, _kept, _Kept)
    kept.clear()
    staff_cache.clear_after_commit(session, "fieldbot_period_closed", kept.clear)
    return True


async def closed_by(session: AsyncSession, period: str) -> tuple[int | None, dt.datetime] | None:
    """Who closed the period and when (UTC); None when it is open."""
    row = await session.get(ClosedPeriodRow, period)
    return None if row is None else (row.closed_by, row.closed_at)


async def reopen_period(session: AsyncSession, period: str) -> bool:
    """Open a closed period again; False when it was not closed. The caller audits it."""
    row = await session.get(ClosedPeriodRow, period)
    if row is None:
        return False
    await session.delete(row)
    await session.flush()
    return True
