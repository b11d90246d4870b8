"""Every report and export made: who, when, which period, from where."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.engine_store import aware
from storage.record_models import ReportLogRow


async def log_report(
    session: AsyncSession, *, kind: str, period: str, staff_id: int | None, channel: str, now: dt.datetime
) -> None:
    session.add(ReportLogRow(at=now, staff_id=staff_id, kind=kind, period=period, channel=channel))
    await session.flush()


async def report_log(session: AsyncSession) -> list[dict]:
    rows = await session.scalars(select(ReportLogRow).order_by(ReportLogRow.id))
    return [
        {"at": aware(r.at), "staff_id": r.staff_id, "kind": r.kind, "period": r.period, "channel": r.channel}
        for r in rows
    ]
