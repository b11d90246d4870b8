"""Closed reporting periods ("chốt kỳ"): which months a manager has closed, and closing one.

Functions take the caller's session (one unit of work) and never commit.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from storage import hot
from storage.record_models import ClosedPeriodRow

_CLOSED = hot.statement("SELECT period FROM closed_periods", ClosedPeriodRow.__table__, columns=["period"])


async def closed_period_keys(session: AsyncSession) -> frozenset[str]:
    """Keys ("2023-01") of every closed period; a department closes twelve a year, so all of them."""
    rows, _ = await hot.execute(session, _CLOSED)
    return frozenset(period for (period,) in rows)


async def is_closed(session: AsyncSession, period: str) -> bool:
    return await session.get(ClosedPeriodRow, period) is not None


async def close_period(session: AsyncSession, period: str, staff_id: int, now: dt.datetime) -> bool:
    """Close a period; False when it was closed already (nothing changes then)."""
    if await is_closed(session, period):
        return False
    session.add(ClosedPeriodRow(period=period, closed_at=now, closed_by=staff_id))
    await session.flush()
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
