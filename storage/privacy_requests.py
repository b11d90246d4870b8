"""Data subjects' requests (/quyenriengtu) and the refusal count of the consent notice.

A request is recorded with its time and its due date (2 working days, storage/workdays.py) and stays
open until the command that answers it closes it: `admin person export` (a copy), `admin person
erase` (every open request of the person: erasure goes beyond them), `admin person done` (a
correction, a restriction, a withdrawal). Every function takes the caller's session and never commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.engine_store import aware
from storage.models import ConsentRefusalRow, PrivacyRequestRow, StaffRow

KINDS = ("copy", "correct", "erase", "restrict", "withdraw")
CLOSED_BY_COMMAND = {"copy": "export", "erase": "erase"}  # the others: `admin person done`


@dataclass(frozen=True)
class Request:
    id: int
    staff_id: int | None
    name: str
    kind: str
    detail: str
    channel: str
    chat_id: str
    received_at: dt.datetime
    due: dt.date


def _request(row: PrivacyRequestRow, name: str) -> Request:
    return Request(row.id, row.staff_id, name, row.kind, row.detail, row.channel, row.chat_id,
                   aware(row.received_at), row.due)


async def add(session: AsyncSession, *, staff_id: int, kind: str, detail: str, channel: str, chat_id: str,
              now: dt.datetime, due: dt.date) -> int:
    if kind not in KINDS:
        raise ValueError(f"unknown request kind {kind!r}")
    row = PrivacyRequestRow(staff_id=staff_id, kind=kind, detail=detail, channel=channel, chat_id=chat_id,
                            received_at=now, due=due, closed_at=None, closed_by="", closed_with="")
    session.add(row)
    await session.flush()
    return row.id


async def open_requests(session: AsyncSession, staff_id: int | None = None, kinds: tuple[str, ...] = KINDS
                        ) -> list[Request]:
    """Open requests, oldest due first (of one person, of some kinds, when given)."""
    stmt = (select(PrivacyRequestRow, StaffRow.name).outerjoin(StaffRow, StaffRow.id == PrivacyRequestRow.staff_id)
            .where(PrivacyRequestRow.closed_at.is_(None), PrivacyRequestRow.kind.in_(kinds))
            .order_by(PrivacyRequestRow.due, PrivacyRequestRow.id))
    if staff_id is not None:
        stmt = stmt.where(PrivacyRequestRow.staff_id == staff_id)
    return [_request(row, name or "?") for row, name in (await session.execute(stmt)).all()]


async def get_open(session: AsyncSession, request_id: int) -> Request | None:
    found = [r for r in await open_requests(session) if r.id == request_id]
    return found[0] if found else None


async def close(session: AsyncSession, request_ids: list[int], *, by: str, with_: str, now: dt.datetime,
                forget_chat: bool = False) -> None:
    """Mark requests done; `forget_chat` blanks the chat and the wording (after an erasure)."""
    if not request_ids:
        return
    values = {"closed_at": now, "closed_by": by[:64], "closed_with": with_}
    if forget_chat:
        values.update(channel="", chat_id="", detail="")
    await session.execute(update(PrivacyRequestRow).where(PrivacyRequestRow.id.in_(request_ids)).values(**values)
                          .execution_options(synchronize_session=False))


async def count_refusal(session: AsyncSession, notice_version: str) -> None:
    """Someone declined this version of the notice: nothing about them is kept, only the count."""
    row = await session.get(ConsentRefusalRow, notice_version)
    if row is None:
        session.add(ConsentRefusalRow(notice_version=notice_version, count=1))
    else:
        row.count += 1
    await session.flush()


async def refusals(session: AsyncSession) -> dict[str, int]:
    return {r.notice_version: r.count for r in await session.scalars(select(ConsentRefusalRow))}
