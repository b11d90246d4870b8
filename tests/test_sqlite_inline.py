"""SQLite write transactions on the event loop's thread (storage/sqlite_hop.py, storage/db.py): a free
write lock is taken and committed without crossing to aiosqlite's thread; a lock another connection
holds is waited for off the loop; our own checkpoints keep the WAL short; an error at COMMIT is
SQLAlchemy's and loses the transaction as any error does."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage import engine_hot

NOW = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)


def _file(db) -> str:
    return db.engine.url.database


@pytest.fixture
def crossings(monkeypatch):
    """How many calls crossed to aiosqlite's thread."""
    counted = []
    original = aiosqlite.Connection._execute

    async def counting(self, fn, *args, **kwargs):
        counted.append(getattr(fn, "__name__", fn))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    return counted


async def _store(db, key: str) -> int | None:
    async with db.writing() as conn:
        return await engine_hot.add_to_inbox(conn, channel="zalo", event_key=key, chat_id="c", payload={"k": key},
                                             now=NOW)


async def test_a_free_write_lock_is_taken_and_committed_on_the_loop(sqlite_db, crossings):
    await _store(sqlite_db, "warm")  # the pool's connection opened
    crossings.clear()
    assert await _store(sqlite_db, "one") is not None
    assert crossings == []  # BEGIN IMMEDIATE, the INSERT and the COMMIT all on this thread
    async with sqlite_db.read() as session:  # committed: another transaction sees it
        assert len(await engine_hot.pending(session)) == 2


async def test_a_held_lock_is_waited_for_off_the_loop(sqlite_db, crossings):
    await _store(sqlite_db, "warm")
    other = sqlite3.connect(_file(sqlite_db), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticking = asyncio.create_task(ticker())
    writer = asyncio.create_task(_store(sqlite_db, "waits"))
    await asyncio.sleep(0.3)
    assert not writer.done()
    other.execute("COMMIT")
    assert await asyncio.wait_for(writer, 5) is not None
    ticking.cancel()
    other.close()
    assert ticks >= 15  # the loop ran on while the writer waited
    assert crossings  # the wait for the lock was on aiosqlite's thread
    async with sqlite_db.writing() as conn:  # the busy timeout set back after the attempt without one
        assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 20000


async def test_our_checkpoints_keep_the_wal_short(sqlite_db):
    async with sqlite_db.writing() as conn:
        assert (await conn.execute(text("PRAGMA wal_autocheckpoint"))).scalar() == 0  # SQLite's own is off
    for n in range(450):
        await _store(sqlite_db, f"m{n}")
    probe = sqlite3.connect(_file(sqlite_db))
    try:
        _, frames, _ = probe.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        probe.close()
    # Each commit appends two or more pages: 450 commits with no checkpoint leave over 900 frames;
    # a checkpoint every 100 commits restarts the WAL, which then holds at most ~100 commits' pages.
    assert frames < 450


async def test_an_error_at_commit_is_sqlalchemys_and_rolls_back(sqlite_db):
    with pytest.raises(IntegrityError):
        async with sqlite_db.writing() as conn:
            await conn.execute(text("PRAGMA defer_foreign_keys=ON"))  # the check waits for COMMIT
            await conn.execute(text("INSERT INTO staff_roles (staff_id, role) VALUES (999, 'inspector')"))
    assert await _store(sqlite_db, "after") is not None  # the connection is usable again
    async with sqlite_db.read() as session:
        assert (await session.execute(text("SELECT count(*) FROM staff_roles"))).scalar() == 0
