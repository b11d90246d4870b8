"""Review of captured records (issue 24): who approves a record or sends it back, and its history.

The API, for the chat (/duyet), the web pages and the reports. Every function takes the caller's
AsyncSession (one unit of work) and never commits; everything returned is a frozen dataclass.

    kind           a record kind: KINDS = "inspection", "calibration_batch", "licence", "activity", "plan"
                   (the audit log's entity names, handlers' RecordStore.entity)
    states         WAITING ("chờ duyệt") → RETURNED ("cần bổ sung", with the reviewer's comment)
                   → corrected by its author: resubmit() → WAITING … → APPROVED ("đã duyệt").
                   A record saved by a capture form starts WAITING (RecordMeta.review); imports, the
                   demo and every record from before review existed are APPROVED. A correction of an
                   approved record sends it back to WAITING too (what was approved is what is counted).

    queue(session, kinds=None, *, author=None, exclude_author=None, limit=None, state=WAITING) -> [ReviewState]
                   the waiting records, oldest first (by when each entered WAITING); state=RETURNED
                   with author=…: what an author has to correct
    state_of(session, kind, record_id) -> ReviewState            NotFound for no such record
    history(session, kind, record_id) -> [ReviewEvent]           submitted, corrected, returned, … in order
    approve(session, kind, record_id, *, by, now, version=None) -> Transition
    return_(session, kind, record_id, *, by, now, comment, version=None) -> Transition
    approve_many(session, kind, record_ids, *, by, now) -> [Transition]   ("Duyệt tất cả")
    resubmit(session, kind, record_id, *, by, now) -> Transition   after the author's correction
                   Each transition is one conditional UPDATE (… WHERE review_state = the expected one
                   [AND version = the version the reviewer saw]) and an audit entry: a double tap, an
                   old card or a second reviewer changes nothing and gets ok=False with `why` (ACTED: the
                   record's state now says who acted first and when, CHANGED: the record was corrected
                   since the card was made, GONE: deleted) and the record's state as it now is.
    counts(session, start, end, kinds=None) -> {kind: StateCounts}   active records dated start..end
    approved_ids(session, kind, start, end) -> frozenset[int]
    approved_only(records: PeriodRecords) -> PeriodRecords        a loaded period with approved records
                   only (each record's meta.review), for `[reporting] count = "approved"`
    queue_stats(session, kinds=None) -> QueueStats(length, oldest_since); .age(now) for /metrics
    reviewer_kinds(session, staff_id) / set_reviewer_kinds(…)    a reviewer's kinds (empty: every kind)
    reviewable_kinds(staff, scope) -> frozenset[str]              what this person may review
    may_review(staff, scope, state, *, self_approve) -> bool      the check to make before every action

Transitions are audit-log entries (action "approve" | "return" | "resubmit", before/after the state,
the comment), beside the repository's "create" / "update" / "delete" entries: `history` reads them all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.domain import ACTIVE, APPROVED, RETURNED, WAITING, NotFound, PeriodRecords, Staff
from storage.engine_store import audit, aware
from storage.models import AuditRow, ReviewScopeRow, StaffRow
from storage.record_models import ActivityRow, CalibrationBatchRow, InspectionRow, LicenceRow, PlanRow
from storage.text import nfc, strip_xml_forbidden

ROWS: dict[str, type] = {
    "inspection": InspectionRow,
    "calibration_batch": CalibrationBatchRow,
    "licence": LicenceRow,
    "activity": ActivityRow,
    "plan": PlanRow,
}
KINDS: tuple[str, ...] = tuple(ROWS)
STATES = (WAITING, RETURNED, APPROVED)
REVIEWER, MANAGER = "reviewer", "manager"

# Transition.why when ok is False
ACTED = "acted"  # someone (state.by_name, at state.since) moved it first: approved, returned or resubmitted
CHANGED = "changed"  # still waiting, but corrected since the version the reviewer saw
GONE = "gone"  # deleted

# audit actions → history's event names
_ACTIONS = {"create": "submitted", "update": "corrected", "resubmit": "resubmitted", "return": "returned",
            "approve": "approved", "delete": "deleted"}


@dataclass(frozen=True)
class ReviewState:
    kind: str
    record_id: int
    state: str  # WAITING | RETURNED | APPROVED
    since: dt.datetime | None  # when it entered the state (None: approved before review existed)
    by: int | None  # who put it there (the author for WAITING, the reviewer otherwise)
    by_name: str
    comment: str  # the reviewer's comment, when RETURNED
    author: int | None
    author_name: str
    version: int  # the record's version: a card carries it, approving a record corrected since is refused
    business_date: dt.date
    recorded_at: dt.datetime
    form: str  # the form that made it (handlers/forms.py): the form a correction opens
    active: bool  # False once deleted


@dataclass(frozen=True)
class ReviewEvent:
    action: str  # "submitted" | "corrected" | "resubmitted" | "returned" | "approved" | "deleted"
    by: int | None
    by_name: str
    at: dt.datetime
    comment: str = ""


@dataclass(frozen=True)
class Transition:
    ok: bool
    state: ReviewState  # after the call: the new state, or the one somebody else left
    why: str = ""  # "" when ok; ACTED | CHANGED | GONE


@dataclass(frozen=True)
class StateCounts:
    waiting: int = 0
    returned: int = 0
    approved: int = 0

    @property
    def total(self) -> int:
        return self.waiting + self.returned + self.approved


@dataclass(frozen=True)
class QueueStats:
    length: int
    oldest_since: dt.datetime | None

    def age(self, now: dt.datetime) -> dt.timedelta | None:
        """How long the oldest waiting record has waited."""
        return None if self.oldest_since is None else max(now - self.oldest_since, dt.timedelta(0))


def _row_type(kind: str) -> type:
    try:
        return ROWS[kind]
    except KeyError:
        raise ValueError(f"unknown record kind {kind!r}; known: {', '.join(KINDS)}") from None


def _kinds(kinds: Iterable[str] | None) -> list[str]:
    wanted = KINDS if kinds is None else tuple(kinds)
    for kind in wanted:
        _row_type(kind)
    return [k for k in KINDS if k in wanted]


def _select_states(kind: str):
    row = _row_type(kind)
    author, reviewer = aliased(StaffRow), aliased(StaffRow)
    return (
        select(row.id, row.review_state, row.review_at, row.review_by, reviewer.name, row.review_comment,
               row.recorded_by, author.name, row.version, row.business_date, row.recorded_at, row.form, row.status)
        .outerjoin(author, author.id == row.recorded_by)
        .outerjoin(reviewer, reviewer.id == row.review_by)
    )  # fmt: skip


def _state(kind: str, r) -> ReviewState:
    return ReviewState(
        kind, r[0], r[1], aware(r[2]), r[3], r[4] or "", r[5] or "", r[6], r[7] or "", r[8], r[9], aware(r[10]),
        r[11] or "", r[12] == ACTIVE,
    )  # fmt: skip


async def state_of(session: AsyncSession, kind: str, record_id: int) -> ReviewState:
    """One record's review state (a deleted record's too: `active` is False)."""
    found = (await session.execute(_select_states(kind).where(_row_type(kind).id == record_id))).first()
    if found is None:
        raise NotFound(f"{kind} {record_id}")
    return _state(kind, found)


async def queue(
    session: AsyncSession, kinds: Iterable[str] | None = None, *, author: int | None = None,
    exclude_author: int | None = None, limit: int | None = None, state: str = WAITING,
) -> list[ReviewState]:  # fmt: skip
    """Waiting records of these kinds (all when None), oldest first; `author` only theirs,
    `exclude_author` without theirs (a reviewer who may not approve their own). `state=RETURNED`: the
    records returned (to `author`), oldest return first."""
    found: list[ReviewState] = []
    for kind in _kinds(kinds):
        row = _row_type(kind)
        query = _select_states(kind).where(row.review_state == state, row.status == ACTIVE)
        if author is not None:
            query = query.where(row.recorded_by == author)
        if exclude_author is not None:
            query = query.where((row.recorded_by != exclude_author) | row.recorded_by.is_(None))
        query = query.order_by(row.review_at, row.id)
        if limit is not None:
            query = query.limit(limit)
        found += [_state(kind, r) for r in await session.execute(query)]
    found.sort(key=lambda s: (s.since or s.recorded_at, KINDS.index(s.kind), s.record_id))
    return found if limit is None else found[:limit]


async def queue_stats(session: AsyncSession, kinds: Iterable[str] | None = None) -> QueueStats:
    """How many records wait, and since when the oldest has (the metrics)."""
    length, oldest = 0, None
    for kind in _kinds(kinds):
        row = _row_type(kind)
        count, since = (await session.execute(
            select(func.count(row.id), func.min(row.review_at)).where(row.review_state == WAITING, row.status == ACTIVE)
        )).one()  # fmt: skip
        length += count
        since = aware(since)
        if since is not None and (oldest is None or since < oldest):
            oldest = since
    return QueueStats(length, oldest)


async def _move(
    session: AsyncSession, kind: str, record_id: int, *, expected: tuple[str, ...], to: str, by: int | None,
    now: dt.datetime, comment: str = "", version: int | None = None, action: str,
) -> Transition:  # fmt: skip
    row = _row_type(kind)
    before = await state_of(session, kind, record_id)  # NotFound for no such record
    conditions = [row.id == record_id, row.status == ACTIVE, row.review_state.in_(expected)]
    if version is not None:
        conditions.append(row.version == version)
    moved = await session.execute(
        update(row).where(*conditions).values(review_state=to, review_at=now, review_by=by, review_comment=comment)
    )
    after = await state_of(session, kind, record_id)
    if moved.rowcount != 1:
        why = GONE if not after.active else ACTED if after.state not in expected else CHANGED
        return Transition(False, after, why)
    await audit(session, staff_id=by, action=action, entity=kind, entity_id=record_id, now=now,
                before={"state": before.state}, after={"state": to, "comment": comment, "version": after.version})
    return Transition(True, after)


async def approve(
    session: AsyncSession, kind: str, record_id: int, *, by: int, now: dt.datetime, version: int | None = None
) -> Transition:
    """WAITING → APPROVED. `version`: the record's version the reviewer saw (a card's); None skips that check."""
    return await _move(session, kind, record_id, expected=(WAITING,), to=APPROVED, by=by, now=now, version=version,
                       action="approve")  # fmt: skip


async def return_(
    session: AsyncSession, kind: str, record_id: int, *, by: int, now: dt.datetime, comment: str,
    version: int | None = None,
) -> Transition:  # fmt: skip
    """WAITING → RETURNED with the reviewer's comment (what to add or fix; may be several lines)."""
    text = strip_xml_forbidden(nfc(comment)).strip()
    if not text:
        raise ValueError("returning a record needs a comment")
    return await _move(session, kind, record_id, expected=(WAITING,), to=RETURNED, by=by, now=now, comment=text,
                       version=version, action="return")  # fmt: skip


async def approve_many(
    session: AsyncSession, kind: str, record_ids: Iterable[int], *, by: int, now: dt.datetime
) -> list[Transition]:
    """Approve each waiting record of the list (one technician's batches): one transition each."""
    return [await approve(session, kind, i, by=by, now=now) for i in record_ids]


async def resubmit(session: AsyncSession, kind: str, record_id: int, *, by: int, now: dt.datetime) -> Transition:
    """After a correction: RETURNED or APPROVED → WAITING (a corrected record waits to be approved again).
    A waiting record stays waiting: ok=False, why ACTED, nothing written."""
    return await _move(session, kind, record_id, expected=(RETURNED, APPROVED), to=WAITING, by=by, now=now,
                       action="resubmit")  # fmt: skip


async def history(session: AsyncSession, kind: str, record_id: int) -> list[ReviewEvent]:
    """Everything that happened to the record, oldest first: submitted, corrected, returned (with the
    comment), resubmitted, approved, deleted."""
    _row_type(kind)
    rows = await session.execute(
        select(AuditRow.action, AuditRow.staff_id, StaffRow.name, AuditRow.at, AuditRow.after)
        .outerjoin(StaffRow, StaffRow.id == AuditRow.staff_id)
        .where(AuditRow.entity == kind, AuditRow.entity_id == str(record_id), AuditRow.action.in_(_ACTIONS))
        .order_by(AuditRow.id)
    )  # fmt: skip
    return [ReviewEvent(_ACTIONS[a], by, name or "", aware(at),
                        (after or {}).get("comment", "") if a == "return" else "")
            for a, by, name, at, after in rows]  # fmt: skip


async def counts(
    session: AsyncSession, start: dt.date, end: dt.date, kinds: Iterable[str] | None = None
) -> dict[str, StateCounts]:
    """Active records dated start..end by state, per kind (every asked kind present, zeros included).
    Imported licences (issued before the bot, never in a report) are left out."""
    out = {}
    for kind in _kinds(kinds):
        row = _row_type(kind)
        query = select(row.review_state, func.count(row.id)).where(
            row.status == ACTIVE, row.business_date.between(start, end))
        if row is LicenceRow:
            query = query.where(LicenceRow.imported.is_(False))
        by_state = dict((await session.execute(query.group_by(row.review_state))).all())
        out[kind] = StateCounts(by_state.get(WAITING, 0), by_state.get(RETURNED, 0), by_state.get(APPROVED, 0))
    return out


async def approved_ids(session: AsyncSession, kind: str, start: dt.date, end: dt.date) -> frozenset[int]:
    """The approved active records of one kind dated start..end."""
    row = _row_type(kind)
    query = select(row.id).where(row.status == ACTIVE, row.business_date.between(start, end),
                                 row.review_state == APPROVED)  # fmt: skip
    return frozenset((await session.scalars(query)).all())


def _approved(record) -> bool:
    return record.meta is None or record.meta.review == APPROVED


def approved_only(records: PeriodRecords) -> PeriodRecords:
    """A loaded period (storage.records.load_period_records) with approved records only. Plans that an
    approved visit belongs to stay (a visit is reported under its plan); notes are not reviewed."""
    visits = tuple(v for v in records.inspections if _approved(v))
    kept = {v.plan_id for v in visits}
    return dataclasses.replace(
        records,
        calibration_batches=tuple(b for b in records.calibration_batches if _approved(b)),
        inspections=visits,
        plans=tuple(p for p in records.plans if _approved(p) or p.id in kept),
        facilities={k: f for k, f in records.facilities.items() if any(v.facility_id == k for v in visits)},
        licences=tuple(lic for lic in records.licences if _approved(lic)),
        activities=tuple(a for a in records.activities if _approved(a)),
    )


# --- who reviews what -----------------------------------------------------------------------------


async def reviewer_kinds(session: AsyncSession, staff_id: int) -> frozenset[str]:
    """The kinds a reviewer is limited to; empty: not limited (every kind)."""
    rows = await session.scalars(select(ReviewScopeRow.kind).where(ReviewScopeRow.staff_id == staff_id))
    return frozenset(rows.all())


async def set_reviewer_kinds(
    session: AsyncSession, staff_id: int, kinds: Iterable[str], *, by: int | None, now: dt.datetime
) -> frozenset[str]:
    """Limit a reviewer to these kinds (empty: every kind); audited (action "review_scope")."""
    wanted = frozenset(_kinds(kinds))
    before = await reviewer_kinds(session, staff_id)
    await session.execute(delete(ReviewScopeRow).where(ReviewScopeRow.staff_id == staff_id))
    session.add_all(ReviewScopeRow(staff_id=staff_id, kind=k) for k in sorted(wanted))
    await session.flush()
    await audit(session, staff_id=by, action="review_scope", entity="staff", entity_id=staff_id, now=now,
                before={"kinds": sorted(before)}, after={"kinds": sorted(wanted)})  # fmt: skip
    return wanted


def reviewable_kinds(staff: Staff, scope: frozenset[str]) -> frozenset[str]:
    """Managers review every kind; a reviewer the kinds of their scope (every kind when it is empty)."""
    if staff.has(MANAGER):
        return frozenset(KINDS)
    if staff.has(REVIEWER):
        return scope or frozenset(KINDS)
    return frozenset()


def may_review(staff: Staff, scope: frozenset[str], state: ReviewState, *, self_approve: bool) -> bool:
    """May this person approve or return this record now: the role, the kind, and their own records
    only when the configuration allows it (`self_approve`)."""
    if state.kind not in reviewable_kinds(staff, scope):
        return False
    return self_approve or state.author != staff.id
