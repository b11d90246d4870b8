"""Staff, their channel identities, invitations and link codes.

Codes are never stored: only their SHA-256 hash, so a copy of the database cannot register anyone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage import hot, staff_cache
from storage.domain import ROLES, Conflict, Identity, Invite, NotFound, Staff
from storage.engine_store import aware
from storage.models import CodeTryRow, IdentityRow, InviteRow, StaffRoleRow, StaffRow
from storage.text import clean_line, fold

STAFF, ROLES_TABLE, IDENTITIES = StaffRow.__table__, StaffRoleRow.__table__, IdentityRow.__table__
_WHO = hot.statement(  # the staff row, its roles and its accounts, by one of the accounts
    "SELECT s.id, s.name, s.unit, s.active, r.role, i.channel, i.user_id, i.chat_id, i.display_name "
    "FROM identities AS mine JOIN staff AS s ON s.id = mine.staff_id "
    "LEFT OUTER JOIN staff_roles AS r ON r.staff_id = s.id LEFT OUTER JOIN identities AS i ON i.staff_id = s.id "
    "WHERE mine.channel = :channel AND mine.user_id = :user_id ORDER BY i.id, r.role",
    IDENTITIES, columns=[STAFF.c.id, STAFF.c.name, STAFF.c.unit, STAFF.c.active, ROLES_TABLE.c.role,
                         IDENTITIES.c.channel, IDENTITIES.c.user_id, IDENTITIES.c.chat_id, IDENTITIES.c.display_name])

# Crockford-like alphabet without look-alikes (0/O, 1/I/L), easy to type on a phone keyboard.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # 31^12 ≈ 2^59: guessing is hopeless with rate limiting


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


MASKED = "sha256:"  # an invitation or link code as the inbox keeps it: its hash, never the code


def code_hash(code: str) -> str:
    if code.startswith(MASKED):
        return code[len(MASKED):]
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def masked_code(code: str) -> str:
    """What the inbox stores for `/start CODE`: enough to check the code, useless to register with."""
    return code if code.startswith(MASKED) else MASKED + code_hash(code)


def check_roles(roles) -> frozenset[str]:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(sorted(unknown))}; known: {', '.join(ROLES)}")
    return frozenset(roles)


async def create_staff(session: AsyncSession, name: str, roles, now: dt.datetime, unit: str = "") -> Staff:
    staff_cache.changed(session)
    name = clean_line(name)
    row = StaffRow(name=name, name_folded=fold(name), unit=unit, active=True, created_at=now)
    session.add(row)
    await session.flush()
    for role in sorted(check_roles(roles)):
        session.add(StaffRoleRow(staff_id=row.id, role=role))
    await session.flush()
    return await get_staff(session, row.id)


async def get_staff(session: AsyncSession, staff_id: int) -> Staff:
    row = await session.get(StaffRow, staff_id)
    if row is None:
        raise NotFound(f"staff {staff_id}")
    return await _staff(session, row)


async def _staff(session: AsyncSession, row: StaffRow) -> Staff:
    roles = (await session.scalars(select(StaffRoleRow.role).where(StaffRoleRow.staff_id == row.id))).all()
    idents = (await session.scalars(select(IdentityRow).where(IdentityRow.staff_id == row.id))).all()
    return Staff(
        id=row.id,
        name=row.name,
        roles=frozenset(roles),
        unit=row.unit,
        active=row.active,
        identities=tuple(Identity(i.channel, i.user_id, i.chat_id, i.display_name) for i in idents),
    )


async def list_staff(session: AsyncSession) -> list[Staff]:
    ids = (await session.scalars(select(StaffRow.id).order_by(StaffRow.name_folded, StaffRow.id))).all()
    return [await get_staff(session, i) for i in ids]


async def staff_by_identity(session: AsyncSession, channel: str, user_id: str) -> Staff | None:
    """Who writes from this account, looked up for every message: the staff row, its roles and its
    accounts in one statement, kept for `STAFF_CACHE_SECONDS` per database (staff_cache.py)."""
    cache = staff_cache.of(session)
    found = cache.get(channel, user_id)
    if found is not staff_cache.MISSING:
        return found
    generation = cache.generation
    rows, _ = await hot.execute(session, _WHO, {"channel": channel, "user_id": user_id})
    staff = None
    if rows:
        staff_id, name, unit, active = rows[0][:4]
        identities = dict.fromkeys(Identity(*x[5:]) for x in rows if x[5] is not None)
        staff = Staff(id=staff_id, name=name, roles=frozenset(x[4] for x in rows if x[4]), unit=unit,
                      active=active, identities=tuple(identities))
    cache.put(channel, user_id, staff, generation)
    return staff


async def add_identity(
    session: AsyncSession, staff_id: int, identity: Identity, now: dt.datetime
) -> None:
    """Attach a channel account to a staff member; an account belongs to one person only."""
    staff_cache.changed(session)
    row = IdentityRow(
        staff_id=staff_id,
        channel=identity.channel,
        user_id=identity.user_id,
        chat_id=identity.chat_id,
        display_name=clean_line(identity.display_name)[:200],
        created_at=now,
    )
    try:
        async with session.begin_nested():  # a savepoint: a clash must not spoil the unit of work
            session.add(row)
            await session.flush()
    except IntegrityError:
        raise Conflict(f"{identity.channel} account {identity.user_id} is already registered") from None


async def set_roles(session: AsyncSession, staff_id: int, roles) -> Staff:
    roles = check_roles(roles)
    staff_cache.changed(session)
    await session.execute(delete(StaffRoleRow).where(StaffRoleRow.staff_id == staff_id))
    for role in sorted(roles):
        session.add(StaffRoleRow(staff_id=staff_id, role=role))
    await session.flush()
    return await get_staff(session, staff_id)


async def set_active(session: AsyncSession, staff_id: int, active: bool) -> Staff:
    """Revoking keeps the person and their records (still attributed to them); only access ends."""
    staff_cache.changed(session)
    await session.execute(update(StaffRow).where(StaffRow.id == staff_id).values(active=active))
    return await get_staff(session, staff_id)


async def create_invite(
    session: AsyncSession,
    *,
    name: str,
    roles,
    now: dt.datetime,
    valid_for: dt.timedelta,
    created_by: int | None = None,
    staff_id: int | None = None,
) -> tuple[str, Invite]:
    """A one-time code: an invitation with roles, or (staff_id set) a code linking a second channel."""
    code = new_code()
    row = InviteRow(
        code_hash=code_hash(code),
        name=clean_line(name),
        roles=",".join(sorted(check_roles(roles))),
        staff_id=staff_id,
        created_by=created_by,
        created_at=now,
        expires_at=now + valid_for,
    )
    session.add(row)
    await session.flush()
    return code, _invite(row)


async def pending_invites(session: AsyncSession, now: dt.datetime) -> list[Invite]:
    """Invitations not yet used and not expired (link codes left out), soonest to expire first."""
    rows = await session.scalars(
        select(InviteRow)
        .where(InviteRow.used_at.is_(None), InviteRow.staff_id.is_(None), InviteRow.expires_at > now)
        .order_by(InviteRow.expires_at, InviteRow.id)
    )
    return [_invite(row) for row in rows]


def _invite(row: InviteRow) -> Invite:
    return Invite(
        id=row.id,
        name=row.name,
        roles=frozenset(r for r in row.roles.split(",") if r),
        expires_at=row.expires_at,
        used_at=row.used_at,
        staff_id=row.staff_id,
    )


async def find_usable_invite(session: AsyncSession, code: str, now: dt.datetime) -> Invite | None:
    """The unused, unexpired invite for a code, or None (wrong, used or expired codes look the same)."""
    row = await session.scalar(select(InviteRow).where(InviteRow.code_hash == code_hash(code)))
    if row is None or row.used_at is not None or _aware(row.expires_at) <= now:
        return None
    return _invite(row)


async def usable_invite_by_id(session: AsyncSession, invite_id: int, now: dt.datetime) -> Invite | None:
    row = await session.get(InviteRow, invite_id)
    if row is None or row.used_at is not None or _aware(row.expires_at) <= now:
        return None
    return _invite(row)


async def mark_invite_used(session: AsyncSession, invite_id: int, staff_id: int, now: dt.datetime) -> None:
    result = await session.execute(
        update(InviteRow)
        .where(InviteRow.id == invite_id, InviteRow.used_at.is_(None))
        .values(used_at=now, used_by=staff_id)
    )
    if result.rowcount != 1:
        raise Conflict("invite already used")


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes; everything stored is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


# --- wrong invitation codes (the limits across accounts and restarts) ----------------------------


def _account(channel: str, user_id: str) -> str:
    """An account as code_tries keeps it: a hash, so a stranger's id is not kept readable."""
    return hashlib.sha256(f"{channel}:{user_id}".encode()).hexdigest()[:32]


async def add_code_try(session: AsyncSession, channel: str, user_id: str, now: dt.datetime,
                       keep: dt.timedelta) -> None:
    """Note a wrong code; tries older than `keep` are forgotten on the way."""
    await session.execute(delete(CodeTryRow).where(CodeTryRow.at < now - keep))
    session.add(CodeTryRow(channel=channel, account=_account(channel, user_id), at=now))
    await session.flush()


async def code_tries(session: AsyncSession, channel: str, user_id: str, *, account_since: dt.datetime,
                     since: dt.datetime) -> tuple[int, int, int]:
    """Wrong codes: (by this account since `account_since`, from this channel since `since`, in all since `since`)."""
    account = _account(channel, user_id)
    rows = (await session.execute(
        select(CodeTryRow.channel, CodeTryRow.account, CodeTryRow.at).where(CodeTryRow.at >= min(since, account_since))
    )).all()
    rows = [(channel_, account_, aware(at)) for channel_, account_, at in rows]
    return (sum(1 for _, a, at in rows if a == account and at >= account_since),
            sum(1 for c, _, at in rows if c == channel and at >= since),
            sum(1 for _, _, at in rows if at >= since))
