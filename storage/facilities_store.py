"""Look-ups the field-capture forms need beyond storage.records: visits already recorded for a plan
and day (one record per visit, whoever of the team sends it) and how many visits a facility has.

Every function takes the caller's session (one unit of work) and never commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import records
from storage.domain import ACTIVE, InspectionVisit
from storage.record_models import InspectionRow


async def visits_on(
    session: AsyncSession, plan_id: int, visit_date: dt.date, facility_ids: Iterable[int] | None = None
) -> dict[int, InspectionVisit]:
    """Active visits of one plan on one day, by facility (the first recorded if there are several)."""
    query = select(InspectionRow.id, InspectionRow.facility_id).where(
        InspectionRow.status == ACTIVE,
        InspectionRow.plan_id == plan_id,
        InspectionRow.business_date == visit_date,
    )
    if facility_ids is not None:
        wanted = sorted(set(facility_ids))
        if not wanted:
            return {}
        query = query.where(InspectionRow.facility_id.in_(wanted))
    found: dict[int, InspectionVisit] = {}
    for visit_id, facility_id in (await session.execute(query.order_by(InspectionRow.id))).all():
        if facility_id not in found:
            found[facility_id] = await records.get_inspection(session, visit_id)
    return found


async def existing_visit(
    session: AsyncSession, plan_id: int, facility_id: int, visit_date: dt.date
) -> InspectionVisit | None:
    """The visit already recorded for this plan, facility and day, if any."""
    return (await visits_on(session, plan_id, visit_date, [facility_id])).get(facility_id)


async def count_visits(session: AsyncSession, facility_id: int) -> int:
    """Active visits recorded for one facility (shown before a merge moves them)."""
    query = select(func.count(InspectionRow.id)).where(
        InspectionRow.facility_id == facility_id, InspectionRow.status == ACTIVE
    )
    return int(await session.scalar(query) or 0)
