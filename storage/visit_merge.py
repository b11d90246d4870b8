"""Two records of one visit, left when a facility typed twice is merged (/gopcoso).

A station typed twice may have been visited under both names on the same day and plan; once the two
facilities are one, the database allows one active visit per plan, facility and day. The survivor's
visit keeps its id and takes in what the other one knew (inspectors, the worse answer per criterion,
pumps, violations, the stronger action, photos); the other visit is retired (status "deleted") with
an audit entry "merge" that names the visit it went into.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.domain import ACTIVE, DELETED, ChecklistAnswer, InspectionVisit, RecordMeta
from storage.record_models import InspectionRow

_WORSE = {"not_met": 2, "met": 1, "na": 0}
_ACTIONS = ("none", "reminder", "record", "fine")


def _distinct(items) -> tuple:
    return tuple(dict.fromkeys(items))


def _checklist(a: tuple[ChecklistAnswer, ...], b: tuple[ChecklistAnswer, ...]) -> tuple[ChecklistAnswer, ...]:
    out: dict[str, ChecklistAnswer] = {}
    for answer in (*a, *b):
        seen = out.get(answer.criterion)
        if seen is None:
            out[answer.criterion] = answer
            continue
        worse = answer.result if _WORSE.get(answer.result, 0) > _WORSE.get(seen.result, 0) else seen.result
        notes = "; ".join(_distinct(n for n in (seen.note.strip(), answer.note.strip()) if n))
        out[answer.criterion] = ChecklistAnswer(answer.criterion, worse, notes)
    return tuple(out.values())


def merged_visit(keep: InspectionVisit, other: InspectionVisit) -> InspectionVisit:
    """One visit from two records of it: nothing either recorded is lost, nothing counted twice."""
    serials = {p.serial for p in keep.pumps}
    violations = "\n".join(_distinct(v.strip() for v in (keep.violations, other.violations) if v.strip()))
    action = max(keep.action, other.action, key=lambda a: _ACTIONS.index(a) if a in _ACTIONS else 0)
    return replace(
        keep,
        inspectors=_distinct((*keep.inspectors, *other.inspectors)),
        checklist=_checklist(keep.checklist, other.checklist),
        pumps=keep.pumps + tuple(p for p in other.pumps if p.serial not in serials),
        location_text=keep.location_text or other.location_text,
        violations=violations,
        action=action,
        fine_amount=max(keep.fine_amount, other.fine_amount),  # the same fine typed twice is one fine
        photos=_distinct((*keep.photos, *other.photos)),
    )


async def merge_colliding_visits(
    session: AsyncSession, duplicate_id: int, survivor_id: int, meta: RecordMeta
) -> list[tuple[int, int]]:
    """Fold each active visit of the duplicate that has a twin (same plan and day) at the survivor into
    that twin; returns [(retired visit id, kept visit id)]."""
    from storage import records  # the row mapping and the audit live there

    rows = (
        await session.scalars(
            select(InspectionRow).where(
                InspectionRow.facility_id.in_((duplicate_id, survivor_id)), InspectionRow.status == ACTIVE
            )
        )
    ).all()
    kept = {(r.plan_id, r.business_date): r for r in rows if r.facility_id == survivor_id}
    merged: list[tuple[int, int]] = []
    for row in (r for r in rows if r.facility_id == duplicate_id):
        twin = kept.get((row.plan_id, row.business_date))
        if twin is None:
            continue
        retired_before, kept_before = records.snapshot(row), records.snapshot(twin)
        row.status, row.version = DELETED, row.version + 1
        row.updated_at = twin.updated_at = meta.recorded_at or records.utcnow()
        await session.flush()  # the retired visit leaves the one-visit-per-day index first
        visit = merged_visit(records.visit_of(twin), records.visit_of(row))
        for key, value in records.visit_columns(replace(visit, facility_id=survivor_id)).items():
            setattr(twin, key, value)
        twin.version += 1
        await session.flush()
        await records.audit(session, "merge", "inspection", row, retired_before, meta, into=twin.id)
        await records.audit(session, "update", "inspection", twin, kept_before, meta)
        merged.append((row.id, twin.id))
    return merged
