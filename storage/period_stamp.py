"""Whether a period's records changed since it was last read: `period_stamp` (the month page's cache,
reports/month_cache.py, keeps a period's figures while its stamp stays the same)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.domain import ACTIVE, APPROVED, DELETED, WAITING
from storage.record_models import (
    ActivityRow,
    CalibrationBatchRow,
    InspectionRow,
    LicenceRow,
    NoteRow,
    PlanRow,
)
from storage.records import Writes


async def period_stamp(
    session: AsyncSession, start: dt.date, end: dt.date, notes_period: str | Sequence[str] | None = None
) -> tuple:
    """A value that changes whenever anything `load_period_records` would read for start..end changes,
    at the cost of index range scans. Per record table, over the rows dated in the period, active or
    deleted: how many, how many active, the sum of their versions (every edit and deletion adds one),
    how many approved and waiting (review moves only the state), the latest `updated_at` and
    `review_at`; the same over every plan (a visit's plan may be dated earlier) and over the notes of
    `notes_period`; and the facilities this process changed or merged (a merge moves visits to the
    facility kept without touching them). Versions and counts, not only times: a clock that stands still
    (a test's) or two writes in one tick change them all the same. A facility renamed by another process
    (the command line's facility import) is not seen: its new name shows once the period changes."""
    keys = [notes_period] if isinstance(notes_period, str) else list(notes_period or ())
    found = []
    for row, where in (
        *((r, (r.status.in_((ACTIVE, DELETED)), r.business_date.between(start, end)))
          for r in (CalibrationBatchRow, InspectionRow, LicenceRow, ActivityRow, PlanRow)),
        (PlanRow, ()),
    ):  # fmt: skip
        query = select(
            func.count(), _number(row.status == ACTIVE), func.sum(row.version), _number(row.review_state == APPROVED),
            _number(row.review_state == WAITING), func.max(row.updated_at), func.max(row.review_at),
        ).where(*where)  # fmt: skip
        found.append(tuple((await session.execute(query)).one()))
    notes = select(func.count(), _number(NoteRow.status == ACTIVE), func.sum(NoteRow.version), func.max(NoteRow.id),
                   func.max(NoteRow.updated_at)).where(NoteRow.period.in_(keys))  # fmt: skip
    found.append(tuple((await session.execute(notes)).one()))
    return (*found, Writes.facilities)


def _number(condition) -> Any:
    return func.sum(case((condition, 1), else_=0))
