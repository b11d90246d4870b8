"""Look-ups the field-capture forms need beyond storage.records: visits already recorded for a plan
and day (one record per visit, whoever of the team sends it) and how many visits a facility has.

Every function takes the caller's session (one unit of work) and never commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import records
from storage.domain import ACTIVE, Facility, InspectionVisit
from storage.record_models import FacilityRow, InspectionRow


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


# --- the register, for the web view ---------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    facility: Facility
    visits: int  # active inspections recorded there
    last_visit: dt.date | None


async def register(session: AsyncSession, *, search: str = "", kind: str = "", page: int = 1,
                   per_page: int = 50) -> tuple[list[RegisterRow], int]:
    """Facilities on file (not merged into another), by name; `search` folded (storage/text.fold)
    against the folded name, the address and the tax code; with each one's count of visits."""
    visits = (select(InspectionRow.facility_id, func.count(InspectionRow.id).label("n"),
                     func.max(InspectionRow.business_date).label("last"))
              .where(InspectionRow.status == ACTIVE).group_by(InspectionRow.facility_id).subquery())
    query = select(FacilityRow, visits.c.n, visits.c.last).outerjoin(visits, visits.c.facility_id == FacilityRow.id)
    query = query.where(FacilityRow.merged_into.is_(None))
    if kind:
        query = query.where(FacilityRow.kind == kind)
    if search:
        query = query.where(or_(FacilityRow.name_folded.contains(search, autoescape=True),
                                func.lower(FacilityRow.address).contains(search, autoescape=True),
                                FacilityRow.tax_code.contains(search, autoescape=True)))
    total = int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = await session.execute(query.order_by(FacilityRow.name_folded, FacilityRow.id)
                                 .limit(per_page).offset((max(1, page) - 1) * per_page))
    return [RegisterRow(records.facility_of_row(r[0]), int(r[1] or 0), _date(r[2])) for r in rows], total


async def located(session: AsyncSession, *, kind: str = "", limit: int = 5000) -> list[Facility]:
    """Facilities with a position, for the register's map."""
    query = select(FacilityRow).where(FacilityRow.merged_into.is_(None), FacilityRow.latitude.is_not(None),
                                      FacilityRow.longitude.is_not(None))
    if kind:
        query = query.where(FacilityRow.kind == kind)
    return [records.facility_of_row(r) for r in await session.scalars(query.order_by(FacilityRow.id).limit(limit))]


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
