"""A person's data: everything the bot holds about one staff member, and erasing it.

The right to know, to a copy and to deletion (Luật 91/2025/QH15; Nghị định 356/2025/NĐ-CP). Erasing
removes the person's accounts, messages, unfinished forms and link codes, and replaces their name
(and their account ids wherever they were written down) with a neutral label in the staff row, the
audit log, invitations and other people's messages. The records they captured stay, attributed to
the label's staff row: the department's statistics are a public task, and the report must not change.

Every function takes the caller's session (one unit of work) and never commits.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, cast, delete, false, inspect, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import staff_cache
from storage.domain import NotFound
from storage.models import (
    AuditRow,
    ConsentRow,
    ConversationRow,
    IdentityRow,
    InboxRow,
    InviteRow,
    OutboxRow,
    PrivacyRequestRow,
    ScheduledJobRow,
    StaffRoleRow,
    StaffRow,
    WebSessionRow,
    WebSignInRow,
)
from storage.record_models import (
    ActivityRow,
    CalibrationBatchRow,
    FacilityRow,
    InspectionRow,
    LicenceRow,
    NoteRow,
    PlanRow,
    ReportLogRow,
)
from storage.records import snapshot
from storage.text import fold

RECORD_TABLES = {"calibration_batch": CalibrationBatchRow, "plan": PlanRow, "inspection": InspectionRow,
                 "licence": LicenceRow, "activity": ActivityRow, "note": NoteRow}


async def _rows(session: AsyncSession, stmt) -> list[dict[str, Any]]:
    return [snapshot(r) for r in await session.scalars(stmt)]


async def _staff_row(session: AsyncSession, staff_id: int) -> StaffRow:
    row = await session.get(StaffRow, staff_id)
    if row is None:
        raise NotFound(f"staff {staff_id}")
    return row


async def _chats(session: AsyncSession, staff_id: int) -> list[IdentityRow]:
    return list(await session.scalars(select(IdentityRow).where(IdentityRow.staff_id == staff_id)))


def _of_chats(row_type, identities: list[IdentityRow]):
    """Rows of the person's chats (none when they have no account left)."""
    return or_(false(), *[(row_type.channel == i.channel) & (row_type.chat_id == i.chat_id) for i in identities])


async def collect(session: AsyncSession, staff_id: int) -> dict[str, list[dict[str, Any]]]:
    """Everything held about the person, section by section (one table of rows each)."""
    staff = await _staff_row(session, staff_id)
    identities = await _chats(session, staff_id)
    roles = (await session.scalars(select(StaffRoleRow.role).where(StaffRoleRow.staff_id == staff_id))).all()
    data: dict[str, list[dict[str, Any]]] = {
        "staff": [{**snapshot(staff), "roles": ", ".join(sorted(roles))}],
        "accounts": [snapshot(i) for i in identities],
    }
    records = []
    for kind, row_type in RECORD_TABLES.items():
        for row in await session.scalars(select(row_type).order_by(row_type.id)):
            if row.recorded_by == staff_id or (kind == "inspection" and staff_id in (row.inspectors or [])):
                records.append({"kind": kind, **snapshot(row)})
    data["records"] = records
    data["facilities_created"] = await _rows(session, select(FacilityRow).where(FacilityRow.created_by == staff_id))
    data["audit"] = await _rows(session, select(AuditRow).where(
        or_(AuditRow.staff_id == staff_id, (AuditRow.entity == "staff") & (AuditRow.entity_id == str(staff_id))))
        .order_by(AuditRow.id))
    data["reports_made"] = await _rows(session, select(ReportLogRow).where(ReportLogRow.staff_id == staff_id))
    data["invitations"] = await _rows(session, select(InviteRow).where(
        or_(InviteRow.used_by == staff_id, InviteRow.staff_id == staff_id)))
    for key in ("code_hash",):  # a hash of a one-time code is no information about the person
        for invite in data["invitations"]:
            invite.pop(key, None)
    data["messages_received"] = await _rows(session, select(InboxRow).where(_of_chats(InboxRow, identities))
                                            .order_by(InboxRow.id))
    data["messages_sent"] = await _rows(session, select(OutboxRow).where(_of_chats(OutboxRow, identities))
                                        .order_by(OutboxRow.id))
    data["unfinished_forms"] = await _rows(session, select(ConversationRow).where(
        _of_chats(ConversationRow, identities)))
    data["privacy_requests"] = await _rows(session, select(PrivacyRequestRow).where(
        PrivacyRequestRow.staff_id == staff_id).order_by(PrivacyRequestRow.id))
    data["consents"] = await _rows(session, select(ConsentRow).where(ConsentRow.staff_id == staff_id))
    return data


# --- erasing ------------------------------------------------------------------------------------


@dataclass
class Needles:
    """What must not survive: names (found inside longer texts) and account ids (whole values only)."""

    names: list[str]
    ids: set[str]
    label: str
    _pattern: re.Pattern | None = field(default=None, repr=False)

    def __post_init__(self):
        names = sorted({n for n in self.names if len(n) >= 3}, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE) if names else None

    def scrub(self, value: Any) -> Any:
        if isinstance(value, str):
            if value in self.ids:
                return self.label
            return self._pattern.sub(self.label, value) if self._pattern else value
        if isinstance(value, list):
            return [self.scrub(v) for v in value]
        if isinstance(value, dict):
            return {k: self.scrub(v) for k, v in value.items()}
        return value

    def like_terms(self) -> list[str]:
        """Substrings to pre-select rows by, as they appear in stored JSON (escaped) and in plain text."""
        terms = set()
        for text in [*self.names, *self.ids]:
            terms.add(text)
            terms.add(json.dumps(text)[1:-1])
        return sorted(t for t in terms if len(t) >= 3)


def _like(term: str) -> str:
    return "%" + term.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"


def _mentions(column, needles: Needles):
    return or_(false(), *[cast(column, Text).ilike(_like(term), escape="!") for term in needles.like_terms()])


@dataclass
class Erased:
    label: str
    accounts: int = 0
    messages: int = 0
    rewritten: int = 0
    records_kept: int = 0
    photos: list[str] = field(default_factory=list)  # draft photos to delete from the media folder


async def erase(session: AsyncSession, staff_id: int, label: str) -> Erased:
    """Erase the person; `label` (e.g. "Cán bộ đã xóa #3", from texts) replaces their name."""
    staff_cache.changed(session)
    staff = await _staff_row(session, staff_id)
    identities = await _chats(session, staff_id)
    needles = Needles(
        names=[staff.name, staff.name_folded, *[i.display_name for i in identities]],
        ids={v for i in identities for v in (i.user_id, i.chat_id) if v},
        label=label,
    )
    result = Erased(label, accounts=len(identities))
    for state in await session.scalars(select(ConversationRow.state).where(_of_chats(ConversationRow, identities))):
        result.photos += re.findall(r'[^"\s\\]+\.(?:jpe?g|png|webp|gif)', json.dumps(state), re.I)
    for row_type in (InboxRow, OutboxRow, ConversationRow):
        deleted = await session.execute(delete(row_type).where(_of_chats(row_type, identities))
                                        .execution_options(synchronize_session=False))
        if row_type is not ConversationRow:
            result.messages += deleted.rowcount or 0
    await session.execute(delete(IdentityRow).where(IdentityRow.staff_id == staff_id))
    await session.execute(delete(StaffRoleRow).where(StaffRoleRow.staff_id == staff_id))
    await session.execute(delete(InviteRow).where(InviteRow.staff_id == staff_id))  # link codes
    await session.execute(delete(WebSignInRow).where(WebSignInRow.staff_id == staff_id))  # the web view's
    await session.execute(delete(WebSessionRow).where(WebSessionRow.staff_id == staff_id))
    staff.name, staff.name_folded, staff.active = label, fold(label), False
    for row_type, columns in ((InviteRow, ("name",)), (AuditRow, ("before", "after")), (InboxRow, ("payload",)),
                              (OutboxRow, ("payload",)), (ConversationRow, ("state",)),
                              (ScheduledJobRow, ("payload",)),
                              # the consent stays as evidence (version, time, text) under the neutral label
                              (ConsentRow, ("user_id", "notice_text"))):
        result.rewritten += await _rewrite(session, row_type, columns, needles)
    for row_type in RECORD_TABLES.values():
        result.records_kept += len((await session.scalars(
            select(row_type.id).where(row_type.recorded_by == staff_id))).all())
    await session.flush()
    return result


async def _rewrite(session: AsyncSession, row_type, columns: tuple[str, ...], needles: Needles) -> int:
    """Replace the person's name and ids in the given columns of every row that mentions them."""
    keys = [c.key for c in inspect(row_type).primary_key]
    condition = or_(*[_mentions(getattr(row_type, c), needles) for c in columns])
    changed = 0
    for row in (await session.scalars(select(row_type).where(condition))).all():
        values = {c: needles.scrub(getattr(row, c)) for c in columns}
        if any(values[c] != getattr(row, c) for c in columns):
            await session.execute(update(row_type).where(*[getattr(row_type, k) == getattr(row, k) for k in keys])
                                  .values(**values).execution_options(synchronize_session=False))
            changed += 1
    return changed
