"""The web view's sign-in links and sessions (webview/).

A token is 32 random bytes (URL-safe text); only its SHA-256 hash is stored, so a copy of the
database signs nobody in. A sign-in link is used once and works until it expires; a session ends at
sign-out or after its idle time. Every function takes the caller's session and never commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.engine_store import aware
from storage.models import WebSessionRow, WebSignInRow

SIGN_IN_PATH = "/vao/"  # the web view's sign-in route; /web in the chat sends {public_url}/vao/{token}
SIGN_IN_VALID = dt.timedelta(minutes=10)
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def well_formed(token: str) -> bool:
    """A token as new_token makes them (anything else is refused before the database is asked)."""
    return bool(_TOKEN_SHAPE.match(token or ""))


@dataclass(frozen=True)
class WebSession:
    id: int
    staff_id: int
    created_at: dt.datetime
    last_seen_at: dt.datetime


async def add_sign_in(session: AsyncSession, staff_id: int, token: str, now: dt.datetime, valid: dt.timedelta) -> None:
    session.add(WebSignInRow(token_hash=token_hash(token), staff_id=staff_id, created_at=now, expires_at=now + valid))
    await session.flush()


async def use_sign_in(session: AsyncSession, token: str, now: dt.datetime) -> int | None:
    """The staff id the link signs in, marking it used; None for a link unknown, used or expired."""
    if not well_formed(token):
        return None
    row = await session.scalar(select(WebSignInRow).where(WebSignInRow.token_hash == token_hash(token)))
    if row is None or row.used_at is not None or now >= aware(row.expires_at):
        return None
    done = await session.execute(
        update(WebSignInRow).where(WebSignInRow.id == row.id, WebSignInRow.used_at.is_(None)).values(used_at=now)
    )
    return row.staff_id if done.rowcount == 1 else None  # two clicks at once: one wins


async def sign_in_state(session: AsyncSession, token: str, now: dt.datetime) -> str:
    """"ok", "used", "expired" or "unknown": what the landing page says before the button is pressed."""
    if not well_formed(token):
        return "unknown"
    row = await session.scalar(select(WebSignInRow).where(WebSignInRow.token_hash == token_hash(token)))
    if row is None:
        return "unknown"
    if row.used_at is not None:
        return "used"
    return "expired" if now >= aware(row.expires_at) else "ok"


async def open_session(session: AsyncSession, staff_id: int, token: str, now: dt.datetime) -> WebSession:
    row = WebSessionRow(token_hash=token_hash(token), staff_id=staff_id, created_at=now, last_seen_at=now)
    session.add(row)
    await session.flush()
    return WebSession(row.id, staff_id, now, now)


async def live_session(session: AsyncSession, token: str, now: dt.datetime, idle: dt.timedelta) -> WebSession | None:
    """The session this cookie's token opens, when it has not ended and was seen within `idle`."""
    if not well_formed(token):
        return None
    row = await session.scalar(select(WebSessionRow).where(WebSessionRow.token_hash == token_hash(token)))
    if row is None or row.ended_at is not None or now - aware(row.last_seen_at) >= idle:
        return None
    return WebSession(row.id, row.staff_id, aware(row.created_at), aware(row.last_seen_at))


async def touch_session(session: AsyncSession, session_id: int, now: dt.datetime) -> None:
    await session.execute(update(WebSessionRow).where(WebSessionRow.id == session_id).values(last_seen_at=now))


async def end_session(session: AsyncSession, session_id: int, now: dt.datetime) -> None:
    await session.execute(update(WebSessionRow).where(WebSessionRow.id == session_id).values(ended_at=now))


async def end_sessions_of(session: AsyncSession, staff_id: int, now: dt.datetime) -> None:
    """Every browser of a person signed out (access revoked, data erased)."""
    await session.execute(update(WebSessionRow).where(WebSessionRow.staff_id == staff_id,
                                                      WebSessionRow.ended_at.is_(None)).values(ended_at=now))


async def forget_old(session: AsyncSession, now: dt.datetime, idle: dt.timedelta) -> int:
    """Sign-in links expired a day ago, sessions ended or idle past `idle` (they open nothing any more):
    deleted. A used or expired link is remembered that day, so it is refused as such, not as unknown."""
    links = await session.execute(delete(WebSignInRow).where(WebSignInRow.expires_at < now - dt.timedelta(days=1)))
    sessions = await session.execute(delete(WebSessionRow).where(
        or_(WebSessionRow.last_seen_at < now - idle, WebSessionRow.ended_at.is_not(None))))
    return links.rowcount + sessions.rowcount


def sweeper(idle: dt.timedelta, every: dt.timedelta = dt.timedelta(hours=1)):
    """An engine sweeper: forget_old at most once per `every`."""
    last: dt.datetime | None = None

    async def web_sweep(session: AsyncSession, now: dt.datetime) -> list:
        nonlocal last
        if last is None or now - last >= every:
            last = now
            await forget_old(session, now, idle)
        return []

    return web_sweep
