"""Repositories of captured records: calibration batches, plans, facilities, inspection visits,
licences, activities and notes, plus the loader that reads one reporting period for the report.

Every function takes the caller's AsyncSession (one unit of work per incoming message, opened by the
engine) and never commits; it flushes so ids are known. Everything returned is a frozen domain
object from storage.domain, never an ORM row. Records are never removed: a deletion sets the status
to "deleted", and every edit and deletion bumps the version and writes an audit entry (who, when,
before, after). The SQL is plain SQLAlchemy Core/ORM that SQLite and PostgreSQL both run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import engine_store, hot
from storage.domain import (
    ACTIVE,
    APPROVED,
    DELETED,
    Activity,
    CalibrationBatch,
    ChecklistAnswer,
    Conflict,
    Facility,
    InspectionVisit,
    Licence,
    Note,
    NotFound,
    PeriodRecords,
    Plan,
    PumpCheck,
    RecordMeta,
)
from storage.record_models import (
    ActivityRow,
    CalibrationBatchRow,
    FacilityRow,
    InspectionRow,
    LicenceRow,
    NoteRow,
    PlanRow,
)
from storage.text import clean_line, fold, nfc, strip_xml_forbidden
from storage.visit_merge import merge_colliding_visits

_IN_CHUNK = 900  # ids per IN (...) list: well under SQLite's and asyncpg's parameter limits


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _text(value: str) -> str:
    """NFC and XML-safe: PostgreSQL refuses NUL and Word refuses the other control characters."""
    return strip_xml_forbidden(nfc(value))


def _line(value: str) -> str:
    return clean_line(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _snapshot(row: Any) -> dict[str, Any]:
    """The row's column values, JSON-ready, for the audit log."""
    return {attr.key: _jsonable(getattr(row, attr.key)) for attr in inspect(row).mapper.column_attrs}


async def _audit(
    session: AsyncSession,
    action: str,
    entity: str,
    row: Any,
    before: dict | None,
    meta: RecordMeta,
    **note: Any,
) -> None:
    """An audit entry; `note` adds keys to the "after" side (a merged visit: {"into": the kept visit})."""
    await engine_store.audit(
        session,
        staff_id=meta.recorded_by,
        action=action,
        entity=entity,
        entity_id=row.id,
        before=before,
        after={**_snapshot(row), **note},
        now=meta.recorded_at or _utcnow(),
    )


def _meta_of(row: Any) -> RecordMeta:
    return RecordMeta(
        recorded_by=row.recorded_by or 0,
        channel=getattr(row, "channel", ""),
        source_event=getattr(row, "source_event", ""),
        recorded_at=row.recorded_at,
        status=row.status,
        version=row.version,
        form=getattr(row, "form", ""),
        review=getattr(row, "review_state", APPROVED),
        review_comment=getattr(row, "review_comment", ""),
    )


# --- one description per record kind, so add/get/update/delete are written once -----------------


@dataclass(frozen=True)
class _Kind:
    entity: str  # the audit log's entity name
    row: type
    columns: Callable[[Any], dict[str, Any]]  # domain object -> column values (business_date included)
    to_domain: Callable[[Any], Any]  # row -> domain object


def _batch_columns(b: CalibrationBatch) -> dict[str, Any]:
    if not 0 <= b.rejected <= b.verified or not 0 <= b.certificates <= b.verified - b.rejected:
        raise ValueError("need 0 <= rejected <= verified and 0 <= certificates <= verified - rejected")
    return dict(
        business_date=b.business_date,
        field=b.field,
        verified=b.verified,
        rejected=b.rejected,
        certificates=b.certificates,
        customer=_line(b.customer),
    )


def _batch(row: CalibrationBatchRow) -> CalibrationBatch:
    return CalibrationBatch(
        row.id, row.business_date, row.field, row.verified, row.rejected, row.certificates, row.customer,
        _meta_of(row),
    )  # fmt: skip


def _plan_columns(p: Plan) -> dict[str, Any]:
    if p.kind not in ("kiem_tra", "thanh_tra"):
        raise ValueError(f"plan kind must be kiem_tra or thanh_tra, not {p.kind!r}")
    return dict(
        business_date=p.plan_date,
        number=_line(p.number),
        issuer=_line(p.issuer),
        subject=_line(p.subject),
        kind=p.kind,
        is_open=p.is_open,
    )


def _plan(row: PlanRow) -> Plan:
    return Plan(
        row.id, row.number, row.business_date, row.issuer, row.subject, row.kind, row.is_open, _meta_of(row)
    )


def _visit_columns(v: InspectionVisit) -> dict[str, Any]:
    return dict(
        business_date=v.visit_date,
        plan_id=v.plan_id,
        facility_id=v.facility_id,
        facility_kind=v.facility_kind,
        inspectors=list(v.inspectors),
        checklist=[
            {"criterion": a.criterion, "result": a.result, "note": _text(a.note)} for a in v.checklist
        ],
        pumps=[
            {
                "serial": _line(p.serial),
                "certificate_valid": p.certificate_valid,
                "seals_intact": p.seals_intact,
                "error_percent": p.error_percent,
                "within_limit": p.within_limit,
            }
            for p in v.pumps
        ],
        location_text=_line(v.location_text),
        violations=_text(v.violations),
        action=v.action,
        fine_amount=v.fine_amount,
        photos=list(v.photos),
        compliant=v.compliant,
    )


def _visit(row: InspectionRow) -> InspectionVisit:
    return InspectionVisit(
        id=row.id,
        plan_id=row.plan_id,
        facility_id=row.facility_id,
        facility_kind=row.facility_kind,
        visit_date=row.business_date,
        inspectors=tuple(row.inspectors or ()),
        checklist=tuple(ChecklistAnswer(**a) for a in row.checklist or ()),
        pumps=tuple(PumpCheck(**p) for p in row.pumps or ()),
        location_text=row.location_text,
        violations=row.violations,
        action=row.action,
        fine_amount=row.fine_amount,
        photos=tuple(row.photos or ()),
        meta=_meta_of(row),
    )


def _licence_columns(lic: Licence) -> dict[str, Any]:
    return dict(
        business_date=lic.issue_date,
        kind=lic.kind,
        action=lic.action,
        number=_line(lic.number),
        holder=_line(lic.holder),
        facility=_line(lic.facility),
        expiry_date=lic.expiry_date,
        facility_id=lic.facility_id,
        replaces_id=lic.replaces_id,
        search_folded=fold(f"{_line(lic.number)} {_line(lic.holder)} {_line(lic.facility)}"),
    )


def _licence(row: LicenceRow) -> Licence:
    return Licence(
        row.id, row.kind, row.action, row.number, row.holder, row.facility, row.business_date, row.expiry_date,
        _meta_of(row), row.facility_id, row.replaces_id, bool(row.imported),
    )  # fmt: skip


licence_of_row, licence_columns = _licence, _licence_columns  # what storage.licence_register needs


def _activity_columns(a: Activity) -> dict[str, Any]:
    if a.count < 0 or a.authors < 0:
        raise ValueError("an activity's count and authors cannot be negative")
    return dict(
        business_date=a.business_date,
        kind=a.kind,
        count=a.count,
        detail=_line(a.detail),
        authors=a.authors,
        decision=_line(a.decision),
    )


def _activity(row: ActivityRow) -> Activity:
    return Activity(
        row.id, row.kind, row.business_date, row.count, row.detail, row.authors, row.decision, _meta_of(row)
    )


def _note_columns(n: Note) -> dict[str, Any]:
    return dict(period=n.period, section=n.section, text=_text(n.text).strip(), position=n.position)


def _note(row: NoteRow) -> Note:
    return Note(row.id, row.period, row.section, row.text, row.position, _meta_of(row))


_BATCHES = _Kind("calibration_batch", CalibrationBatchRow, _batch_columns, _batch)
_PLANS = _Kind("plan", PlanRow, _plan_columns, _plan)
_VISITS = _Kind("inspection", InspectionRow, _visit_columns, _visit)
_LICENCES = _Kind("licence", LicenceRow, _licence_columns, _licence)
_ACTIVITIES = _Kind("activity", ActivityRow, _activity_columns, _activity)
_NOTES = _Kind("note", NoteRow, _note_columns, _note)


class Writes:
    """Records written by this process: the licence look-up's index (storage/licence_register.py) is
    rebuilt when this moves, besides when the table's newest id or update time does (other processes).
    `facilities`: facilities changed or merged by this process (a merge moves visits to the facility
    kept without touching their update time), for `period_stamp`."""

    count = 0
    facilities = 0


def wrote() -> None:
    Writes.count += 1


async def _add(session: AsyncSession, kind: _Kind, obj: Any, meta: RecordMeta) -> Any:
    wrote()
    now = meta.recorded_at or _utcnow()
    bookkeeping: dict[str, Any] = dict(
        status=ACTIVE, version=1, recorded_at=now, updated_at=now, recorded_by=meta.recorded_by
    )
    if kind.row is not NoteRow:  # notes are not tied to a message or a business date
        bookkeeping.update(
            channel=meta.channel,
            source_event=meta.source_event,
            form=meta.form,
            review_state=meta.review,
            review_at=now,
            review_by=meta.recorded_by,
        )
    row = kind.row(**kind.columns(obj), **bookkeeping)
    if session.new:  # rows of the ORM's waiting go first: the log and the ids keep their order
        await session.flush()
    await hot.insert_row(session, row)
    await _audit(session, "create", kind.entity, row, None, meta)
    return kind.to_domain(row)


async def _row(session: AsyncSession, kind: _Kind, record_id: int, include_deleted: bool = False) -> Any:
    row = await session.get(kind.row, record_id)
    if row is None or (row.status != ACTIVE and not include_deleted):
        raise NotFound(f"{kind.entity} {record_id}")
    return row


async def _get(session: AsyncSession, kind: _Kind, record_id: int, include_deleted: bool) -> Any:
    return kind.to_domain(await _row(session, kind, record_id, include_deleted))


async def _update(session: AsyncSession, kind: _Kind, obj: Any, meta: RecordMeta) -> Any:
    """Overwrite the record's values; a stale version (obj.meta.version) is a Conflict."""
    wrote()
    row = await _row(session, kind, obj.id)
    if obj.meta is not None and obj.meta.version != row.version:
        raise Conflict(f"{kind.entity} {obj.id} is at version {row.version}, not {obj.meta.version}")
    before = _snapshot(row)
    for key, value in kind.columns(obj).items():
        setattr(row, key, value)
    row.version += 1
    row.updated_at = meta.recorded_at or _utcnow()
    await session.flush()
    await _audit(session, "update", kind.entity, row, before, meta)
    return kind.to_domain(row)


async def _delete(session: AsyncSession, kind: _Kind, record_id: int, meta: RecordMeta) -> None:
    wrote()
    row = await _row(session, kind, record_id)
    before = _snapshot(row)
    row.status = DELETED
    row.version += 1
    row.updated_at = meta.recorded_at or _utcnow()
    await session.flush()
    await _audit(session, "delete", kind.entity, row, before, meta)


# --- calibration batches ------------------------------------------------------------------------


async def add_calibration_batch(
    session: AsyncSession, batch: CalibrationBatch, meta: RecordMeta
) -> CalibrationBatch:
    """Store a new batch (its id is ignored); checks 0 <= rejected <= verified, certificates fit."""
    return await _add(session, _BATCHES, batch, meta)


async def get_calibration_batch(
    session: AsyncSession, batch_id: int, *, include_deleted: bool = False
) -> CalibrationBatch:
    return await _get(session, _BATCHES, batch_id, include_deleted)


async def update_calibration_batch(
    session: AsyncSession, batch: CalibrationBatch, meta: RecordMeta
) -> CalibrationBatch:
    return await _update(session, _BATCHES, batch, meta)


async def delete_calibration_batch(session: AsyncSession, batch_id: int, meta: RecordMeta) -> None:
    await _delete(session, _BATCHES, batch_id, meta)


# --- plans --------------------------------------------------------------------------------------


async def add_plan(session: AsyncSession, plan: Plan, meta: RecordMeta) -> Plan:
    return await _add(session, _PLANS, plan, meta)


async def get_plan(session: AsyncSession, plan_id: int, *, include_deleted: bool = False) -> Plan:
    return await _get(session, _PLANS, plan_id, include_deleted)


async def update_plan(session: AsyncSession, plan: Plan, meta: RecordMeta) -> Plan:
    return await _update(session, _PLANS, plan, meta)


async def delete_plan(session: AsyncSession, plan_id: int, meta: RecordMeta) -> None:
    await _delete(session, _PLANS, plan_id, meta)


async def list_plans(
    session: AsyncSession, *, kind: str | None = None, open_only: bool = False, number: str | None = None
) -> list[Plan]:
    """Active plans, newest first: what an inspector picks from, or a lookup by number."""
    query = select(PlanRow).where(PlanRow.status == ACTIVE)
    if kind is not None:
        query = query.where(PlanRow.kind == kind)
    if open_only:
        query = query.where(PlanRow.is_open.is_(True))
    if number is not None:
        query = query.where(PlanRow.number == _line(number))
    rows = await session.scalars(query.order_by(PlanRow.business_date.desc(), PlanRow.id.desc()))
    return [_plan(r) for r in rows]


# --- facilities ---------------------------------------------------------------------------------


def facility_of_row(row: FacilityRow) -> Facility:
    return _facility(row)


def _facility(row: FacilityRow) -> Facility:
    return Facility(
        row.id, row.kind, row.name, row.tax_code or "", row.address, row.province, row.latitude, row.longitude,
        row.merged_into,
    )  # fmt: skip


def _facility_columns(f: Facility) -> dict[str, Any]:
    name = _line(f.name)
    if not name:
        raise ValueError("a facility needs a name")
    return dict(
        kind=f.kind,
        name=name,
        name_folded=fold(name),
        tax_code=_line(f.tax_code) or None,  # NULL, not "", so the unique index allows many without one
        address=_line(f.address),
        province=_line(f.province),
        latitude=f.latitude,
        longitude=f.longitude,
    )


async def _facility_row(session: AsyncSession, facility_id: int) -> FacilityRow:
    row = await session.get(FacilityRow, facility_id)
    if row is None:
        raise NotFound(f"facility {facility_id}")
    return row


async def _check_tax_code_free(session: AsyncSession, tax_code: str | None, facility_id: int | None) -> None:
    """Checked before writing, so a duplicate is a Conflict and the caller's transaction stays usable."""
    if not tax_code:
        return
    other = await session.scalar(select(FacilityRow.id).where(FacilityRow.tax_code == tax_code))
    if other is not None and other != facility_id:
        raise Conflict(f"tax code {tax_code} belongs to facility {other}")


async def add_facility(session: AsyncSession, facility: Facility, meta: RecordMeta) -> Facility:
    columns = _facility_columns(facility)
    await _check_tax_code_free(session, columns["tax_code"], None)
    now = meta.recorded_at or _utcnow()
    row = FacilityRow(**columns, created_at=now, created_by=meta.recorded_by)
    session.add(row)
    await session.flush()
    return _facility(row)


async def get_facility(session: AsyncSession, facility_id: int) -> Facility:
    return _facility(await _facility_row(session, facility_id))


async def update_facility(session: AsyncSession, facility: Facility, meta: RecordMeta) -> Facility:
    row = await _facility_row(session, facility.id)
    columns = _facility_columns(facility)
    await _check_tax_code_free(session, columns["tax_code"], facility.id)
    before = _snapshot(row)
    for key, value in columns.items():
        setattr(row, key, value)
    await session.flush()
    await _audit(session, "update", "facility", row, before, meta)
    Writes.facilities += 1
    return _facility(row)


async def find_facility_by_tax_code(session: AsyncSession, tax_code: str) -> Facility | None:
    """The facility with this tax code, following a merge to the record that survived."""
    row = await session.scalar(select(FacilityRow).where(FacilityRow.tax_code == _line(tax_code)))
    while row is not None and row.merged_into is not None:
        row = await session.get(FacilityRow, row.merged_into)
    return None if row is None else _facility(row)


async def search_facilities(
    session: AsyncSession, text: str, *, kind: str | None = None, limit: int = 10
) -> list[Facility]:
    """Facilities whose folded name contains the folded text ("xang dau so 1" finds "Xăng dầu Số 1")."""
    query = select(FacilityRow).where(
        FacilityRow.name_folded.contains(fold(text), autoescape=True), FacilityRow.merged_into.is_(None)
    )
    if kind is not None:
        query = query.where(FacilityRow.kind == kind)
    rows = await session.scalars(query.order_by(FacilityRow.name_folded, FacilityRow.id).limit(limit))
    return [_facility(r) for r in rows]


# What storage.visit_merge needs of the row mapping and the audit.
snapshot, audit, utcnow, visit_of, visit_columns = _snapshot, _audit, _utcnow, _visit, _visit_columns


async def merge_facilities(
    session: AsyncSession, duplicate_id: int, survivor_id: int, meta: RecordMeta
) -> Facility:
    """A facility typed twice: its visits move to the survivor and it points there from now on."""
    if duplicate_id == survivor_id:
        raise Conflict("a facility cannot be merged into itself")
    duplicate, survivor = (
        await _facility_row(session, duplicate_id),
        await _facility_row(session, survivor_id),
    )
    before = _snapshot(duplicate)
    # Both visited on one day under one plan: one visit, not an IntegrityError on the visit index.
    await merge_colliding_visits(session, duplicate_id, survivor_id, meta)
    await session.execute(
        update(InspectionRow).where(InspectionRow.facility_id == duplicate_id).values(facility_id=survivor_id)
    )
    duplicate.merged_into = survivor_id
    if duplicate.tax_code and not survivor.tax_code:
        tax_code, duplicate.tax_code = duplicate.tax_code, None
        await session.flush()  # free the unique key before the survivor takes it
        survivor.tax_code = tax_code
    await session.flush()
    await _audit(session, "merge", "facility", duplicate, before, meta)
    Writes.facilities += 1
    return _facility(survivor)


# --- inspection visits --------------------------------------------------------------------------


async def add_inspection(session: AsyncSession, visit: InspectionVisit, meta: RecordMeta) -> InspectionVisit:
    """One visit to one facility; `compliant` is stored from the answers for quick counting."""
    return await _add(session, _VISITS, visit, meta)


async def get_inspection(
    session: AsyncSession, visit_id: int, *, include_deleted: bool = False
) -> InspectionVisit:
    return await _get(session, _VISITS, visit_id, include_deleted)


async def update_inspection(
    session: AsyncSession, visit: InspectionVisit, meta: RecordMeta
) -> InspectionVisit:
    return await _update(session, _VISITS, visit, meta)


async def delete_inspection(session: AsyncSession, visit_id: int, meta: RecordMeta) -> None:
    await _delete(session, _VISITS, visit_id, meta)


# --- licences -----------------------------------------------------------------------------------


async def add_licence(session: AsyncSession, licence: Licence, meta: RecordMeta) -> Licence:
    return await _add(session, _LICENCES, licence, meta)


async def get_licence(session: AsyncSession, licence_id: int, *, include_deleted: bool = False) -> Licence:
    return await _get(session, _LICENCES, licence_id, include_deleted)


async def update_licence(session: AsyncSession, licence: Licence, meta: RecordMeta) -> Licence:
    return await _update(session, _LICENCES, licence, meta)


async def delete_licence(session: AsyncSession, licence_id: int, meta: RecordMeta) -> None:
    await _delete(session, _LICENCES, licence_id, meta)


# --- activities ---------------------------------------------------------------------------------


async def add_activity(session: AsyncSession, activity: Activity, meta: RecordMeta) -> Activity:
    return await _add(session, _ACTIVITIES, activity, meta)


async def get_activity(session: AsyncSession, activity_id: int, *, include_deleted: bool = False) -> Activity:
    return await _get(session, _ACTIVITIES, activity_id, include_deleted)


async def update_activity(session: AsyncSession, activity: Activity, meta: RecordMeta) -> Activity:
    return await _update(session, _ACTIVITIES, activity, meta)


async def delete_activity(session: AsyncSession, activity_id: int, meta: RecordMeta) -> None:
    await _delete(session, _ACTIVITIES, activity_id, meta)


# --- notes --------------------------------------------------------------------------------------


async def add_note(session: AsyncSession, note: Note, meta: RecordMeta) -> Note:
    """Narrative text for one section of one period's report (line breaks kept: they become paragraphs)."""
    return await _add(session, _NOTES, note, meta)


async def get_note(session: AsyncSession, note_id: int, *, include_deleted: bool = False) -> Note:
    return await _get(session, _NOTES, note_id, include_deleted)


async def update_note(session: AsyncSession, note: Note, meta: RecordMeta) -> Note:
    return await _update(session, _NOTES, note, meta)


async def delete_note(session: AsyncSession, note_id: int, meta: RecordMeta) -> None:
    await _delete(session, _NOTES, note_id, meta)


async def list_notes(session: AsyncSession, period: str, section: str | None = None) -> list[Note]:
    """A period's active notes in report order within each section (position, then entry order)."""
    query = select(NoteRow).where(NoteRow.period == period, NoteRow.status == ACTIVE)
    if section is not None:
        query = query.where(NoteRow.section == section)
    rows = await session.scalars(query.order_by(NoteRow.section, NoteRow.position, NoteRow.id))
    return [_note(r) for r in rows]


# --- the period loader --------------------------------------------------------------------------


# Columns a period's load never reads (the review's own bookkeeping, the look-up's folded text): not
# fetched, and on SQLite not parsed back from text (a datetime each). The review's comment is read:
# /cuatoi shows it beside a returned record (an empty text on every other row).
_NOT_READ = frozenset({"updated_at", "review_at", "review_by", "search_folded"})


def _plain(result: Any) -> list[SimpleNamespace]:
    """Rows as plain objects: a Row's attribute look-up costs about twice a namespace's, made once."""
    return [SimpleNamespace(**row) for row in result.mappings()]


def _read_columns(row_type: type) -> list[Any]:
    return [c for c in row_type.__table__.c if c.name not in _NOT_READ]


async def _in_period(session: AsyncSession, row_type: type, start: dt.date, end: dt.date) -> Sequence[Any]:
    """Active rows dated start..end, through the (status, business_date) index. Plain rows of the table's
    columns, not ORM objects: a report reads thousands and changes none, and building mapped objects
    (identity map, instrumentation) was half of a month's load (bench/bench_month.py)."""
    query = (
        select(*_read_columns(row_type))
        .where(row_type.status == ACTIVE, row_type.business_date.between(start, end))
        .order_by(row_type.business_date, row_type.id)
    )
    return _plain(await session.execute(query))


async def _by_ids(session: AsyncSession, row_type: type, ids: Iterable[int]) -> list[Any]:
    wanted = sorted(set(ids))
    rows: list[Any] = []
    for i in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[i : i + _IN_CHUNK]
        rows.extend(
            _plain(await session.execute(select(*row_type.__table__.c).where(row_type.id.in_(chunk))))
        )
    return rows


async def _plans_for(
    session: AsyncSession, visits: list[InspectionVisit], start: dt.date, end: dt.date
) -> list[Plan]:
    """Plans dated in the period plus the (possibly older) plans the period's visits belong to."""
    dated = [_plan(r) for r in await _in_period(session, PlanRow, start, end)]
    known = {p.id for p in dated}
    older = await _by_ids(session, PlanRow, {v.plan_id for v in visits} - known)
    return sorted(dated + [_plan(r) for r in older], key=lambda p: (p.plan_date, p.id))


async def load_period_records(
    session: AsyncSession, start: dt.date, end: dt.date, notes_period: str | Sequence[str] | None = None
) -> PeriodRecords:
    """Everything the report of start..end is computed from; notes are those keyed `notes_period` (a
    longer period's report: its months' keys and its own)."""
    keys = [notes_period] if isinstance(notes_period, str) else list(notes_period or ())
    visits = [_visit(r) for r in await _in_period(session, InspectionRow, start, end)]
    facilities = await _by_ids(session, FacilityRow, {v.facility_id for v in visits})
    return PeriodRecords(
        calibration_batches=tuple(
            _batch(r) for r in await _in_period(session, CalibrationBatchRow, start, end)
        ),
        inspections=tuple(visits),
        plans=tuple(await _plans_for(session, visits, start, end)),
        facilities={r.id: _facility(r) for r in facilities},
        # licences issued before the bot (the register's import) are never counted in a period
        licences=tuple(
            _licence(r) for r in await _in_period(session, LicenceRow, start, end) if not r.imported
        ),
        activities=tuple(_activity(r) for r in await _in_period(session, ActivityRow, start, end)),
        notes=tuple([n for key in keys for n in await list_notes(session, key)]),
    )
