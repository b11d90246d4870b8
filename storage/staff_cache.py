"""Who writes from which account, kept in memory per database for a few seconds (issue 23).

The router asks for every message; the answer (staff row, roles, accounts: one statement) is kept
`STAFF_CACHE_SECONDS`. Every change made in this process — people.py's writes (staff created, an
account linked, roles set, access revoked or given back) and person_data.erase — forgets everything
at once, at the write and again after its commit, and a look-up that began before a change is not
kept. A change made by another process (the command line beside the running bot: a withdrawal, an
erasure) is seen after at most `STAFF_CACHE_SECONDS`. Strangers are not kept.
"""

from __future__ import annotations

import time
import weakref

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from storage.domain import Staff

STAFF_CACHE_SECONDS = 5.0
MISSING = object()


class StaffCache:
    def __init__(self):
        self.entries: dict[tuple[str, str], tuple[Staff, float]] = {}
        self.generation = 0  # counted up by every change: a look-up begun before one is not kept

    def get(self, channel: str, user_id: str):
        hit = self.entries.get((channel, user_id))
        if hit is None or hit[1] < time.monotonic():
            return MISSING
        return hit[0]

    def put(self, channel: str, user_id: str, staff: Staff | None, generation: int) -> None:
        if staff is not None and generation == self.generation:
            self.entries[(channel, user_id)] = (staff, time.monotonic() + STAFF_CACHE_SECONDS)

    def clear(self, *_args) -> None:
        self.generation += 1
        self.entries.clear()


_caches: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def of(session: AsyncSession) -> StaffCache:
    """The cache of the database this session works on (one per engine: tests open many)."""
    return kept_for(session, _caches, StaffCache)


def kept_for(session, caches: weakref.WeakKeyDictionary, make):
    """The entry of `caches` for the database a session (or connection) works on, made when missing."""
    engine = (session.bind if isinstance(session, AsyncSession) else session).sync_engine
    cache = caches.get(engine)
    if cache is None:
        cache = caches[engine] = make()
    return cache


def changed(session: AsyncSession) -> None:
    """People change in this session's transaction: forget now, and again once it commits."""
    cache = of(session)
    cache.clear()
    clear_after_commit(session, "fieldbot_staff_changed", cache.clear)


def clear_after_commit(session: AsyncSession, key: str, clear) -> None:
    """Call `clear` once this session's transaction commits (registered once per session under `key`)."""
    sync = session.sync_session
    if not sync.info.get(key):
        sync.info[key] = True
        event.listen(sync, "after_commit", clear)
