"""Every kind of record in one list, filtered, sorted and paged in the database (the web view's table).

One `UNION ALL` of the record tables, each giving the same columns (kind, id, date, author, state,
facility, its catalogue key and a line of its own text); filters go into each part, so the period and
review indexes serve them; sorting and paging apply to the union. The search is on folded columns
(lower case, no diacritics, đ → d: storage/text.fold): the author's name, the facility's name, a
licence's number, holder and facility; and on catalogue keys whose labels match (the caller folds the
labels and passes the keys). Every function takes the caller's session and never commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import String, cast, func, literal, null, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from storage.domain import ACTIVE, DELETED
from storage.engine_store import aware
from storage.models import StaffRow
from storage.record_models import (
    ActivityRow,
    CalibrationBatchRow,
    FacilityRow,
    InspectionRow,
    LicenceRow,
    PlanRow,
)

KINDS = ("inspection", "calibration_batch", "licence", "activity", "plan")
SORTS = ("date", "kind", "author", "state", "facility")


@dataclass(frozen=True)
class ListQuery:
    kinds: tuple[str, ...] = KINDS
    author: int | None = None
    facility: int | None = None
    state: str = ""  # "" (every active record) | waiting | returned | approved | deleted
    start: dt.date | None = None
    end: dt.date | None = None
    search: str = ""  # folded
    keys: dict[str, frozenset[str]] = field(default_factory=dict)  # per kind: catalogue keys the search names
    sort: str = "date"
    descending: bool = True
    page: int = 1
    per_page: int = 50
    only_of: int | None = None  # a person who sees only their own records (and their team's visits)


@dataclass(frozen=True)
class ListedRecord:
    kind: str
    id: int
    day: dt.date
    author_id: int | None
    author: str
    state: str  # waiting | returned | approved | deleted
    facility_id: int | None
    facility: str
    key: str  # its catalogue key: facility kind, calibration field, licence kind, activity kind, plan kind
    text: str  # customer, licence number and holder, activity detail, plan number and subject
    recorded_at: dt.datetime


@dataclass(frozen=True)
class ListPage:
    rows: tuple[ListedRecord, ...]
    total: int
    page: int
    pages: int


def _part(kind: str, q: ListQuery, *, lean: bool = False):
    """One kind's part of the union; `lean`: for the count, only what the filters need."""
    row = {"inspection": InspectionRow, "calibration_batch": CalibrationBatchRow, "licence": LicenceRow,
           "activity": ActivityRow, "plan": PlanRow}[kind]
    facility_id = getattr(row, "facility_id", None)
    key = {"inspection": InspectionRow.facility_kind, "calibration_batch": CalibrationBatchRow.field,
           "licence": LicenceRow.kind, "activity": ActivityRow.kind, "plan": PlanRow.kind}[kind]
    text = {"inspection": literal(""), "calibration_batch": CalibrationBatchRow.customer,
            "licence": LicenceRow.number + literal(" · ") + LicenceRow.holder,
            "activity": ActivityRow.detail, "plan": PlanRow.number + literal(" · ") + PlanRow.subject}[kind]
    facility_name = FacilityRow.name if facility_id is not None else cast(null(), String)
    if kind == "licence":
        facility_name = func.coalesce(FacilityRow.name, LicenceRow.facility)
    if lean:
        stmt = select(literal(1).label("one"))
        if q.search:
            stmt = stmt.select_from(row).outerjoin(StaffRow, StaffRow.id == row.recorded_by)
            if facility_id is not None:
                stmt = stmt.outerjoin(FacilityRow, FacilityRow.id == facility_id)
        else:
            stmt = stmt.select_from(row)
        return _filtered(stmt, kind, row, facility_id, key, q)
    stmt = select(
        literal(kind).label("kind"), row.id.label("id"), row.business_date.label("day"),
        row.recorded_by.label("author_id"), func.coalesce(StaffRow.name, "").label("author"),
        row.review_state.label("state"), row.status.label("status"),
        (facility_id if facility_id is not None else cast(null(), row.id.type)).label("facility_id"),
        func.coalesce(facility_name, "").label("facility"), key.label("key"), text.label("text"),
        row.recorded_at.label("recorded_at"),
    ).outerjoin(StaffRow, StaffRow.id == row.recorded_by)  # fmt: skip
    if facility_id is not None:
        stmt = stmt.outerjoin(FacilityRow, FacilityRow.id == facility_id)
    stmt = _filtered(stmt, kind, row, facility_id, key, q)
    if stmt is not None and q.sort == "date" and q.start is None:
        # every period, newest (or oldest) first: each part takes only what the page can show, by its
        # period index (within one period, sorting the period's rows is quicker than this)
        day = row.business_date.desc() if q.descending else row.business_date.asc()
        moment = row.recorded_at.desc() if q.descending else row.recorded_at.asc()
        stmt = select(stmt.order_by(day, moment, row.id).limit(q.page * q.per_page).subquery())
    return stmt


def _filtered(stmt, kind: str, row, facility_id, key, q: ListQuery):
    stmt = stmt.where(row.status == (DELETED if q.state == DELETED else ACTIVE))
    if kind == "licence":
        stmt = stmt.where(LicenceRow.imported.is_(False))  # the register's old licences are not records
    if q.state and q.state != DELETED:
        stmt = stmt.where(row.review_state == q.state)
    if q.start is not None:
        stmt = stmt.where(row.business_date >= q.start)
    if q.end is not None:
        stmt = stmt.where(row.business_date <= q.end)
    if q.author is not None:
        stmt = stmt.where(row.recorded_by == q.author)
    if q.only_of is not None:
        mine = row.recorded_by == q.only_of
        if kind == "inspection":  # a visit belongs to every inspector present: the JSON list, read as text
            listed = func.replace(cast(InspectionRow.inspectors, String), " ", "")
            mine = or_(mine, *(listed.contains(f"{a}{q.only_of}{b}") for a in "[," for b in ",]"))
        stmt = stmt.where(mine)
    if q.facility is not None:
        if facility_id is None:
            return None  # this kind has no facility
        stmt = stmt.where(facility_id == q.facility)
    if q.search:
        found = [StaffRow.name_folded.contains(q.search, autoescape=True)]
        if facility_id is not None:
            found.append(FacilityRow.name_folded.contains(q.search, autoescape=True))
        if kind == "licence":
            found.append(LicenceRow.search_folded.contains(q.search, autoescape=True))
        if kind == "plan":
            found.append(func.lower(PlanRow.number).contains(q.search, autoescape=True))
        if q.keys.get(kind):
            found.append(key.in_(sorted(q.keys[kind])))
        stmt = stmt.where(or_(*found))
    return stmt


def _order(columns, sort: str, descending: bool):
    chosen = {"date": columns.day, "kind": columns.kind, "author": columns.author, "state": columns.state,
              "facility": columns.facility}.get(sort, columns.day)
    first = chosen.desc() if descending else chosen.asc()
    tie = columns.recorded_at.desc() if descending else columns.recorded_at.asc()
    return [first, tie, columns.kind, columns.id]


async def list_records(session: AsyncSession, q: ListQuery) -> ListPage:
    parts = [p for p in (_part(k, q) for k in KINDS if k in q.kinds) if p is not None]
    if not parts:
        return ListPage((), 0, 1, 1)
    lean = [p for p in (_part(k, q, lean=True) for k in KINDS if k in q.kinds) if p is not None]
    total = await session.scalar(select(func.count()).select_from(union_all(*lean).subquery())) or 0
    union = union_all(*parts).subquery("records")
    pages = max(1, -(-total // q.per_page))
    page = min(max(1, q.page), pages)
    rows = await session.execute(
        select(union).order_by(*_order(union.c, q.sort, q.descending)).limit(q.per_page).offset((page - 1) * q.per_page)
    )
    listed = tuple(
        ListedRecord(r.kind, r.id, _day(r.day), r.author_id, r.author, DELETED if r.status == DELETED else r.state,
                     r.facility_id, r.facility, r.key or "", r.text or "", aware(r.recorded_at))
        for r in rows
    )
    return ListPage(listed, total, page, pages)


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


async def authors(session: AsyncSession) -> list[tuple[int, str]]:
    """Everyone on the staff list, by name: the author filter's choices."""
    rows = await session.execute(select(StaffRow.id, StaffRow.name).order_by(StaffRow.name_folded))
    return [(i, n) for i, n in rows]
