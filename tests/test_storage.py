"""Storage: people and invites, conversation state, the SQLite transaction recipe, the process lock."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from storage import engine_store, people
from storage.db import open_database
from storage.domain import Conflict, Identity, NotFound
from storage.lock import AlreadyRunning, ProcessLock
from storage.models import InviteRow

NOW = dt.datetime(2023, 1, 10, 1, 0, tzinfo=dt.UTC)
WEEK = dt.timedelta(days=7)


async def test_invite_code_is_single_use_hashed_and_expires(db):
    async with db.unit_of_work() as s:
        code, invite = await people.create_invite(s, name="Nguyễn Văn B", roles=["inspector"], now=NOW, valid_for=WEEK)
    assert len(code) == 12
    async with db.unit_of_work() as s:
        stored = (await s.scalars(select(InviteRow.code_hash))).all()
        assert code not in stored[0]  # only the hash is kept
        assert (await people.find_usable_invite(s, code.lower(), NOW)).id == invite.id  # case-insensitive
        assert await people.find_usable_invite(s, code, NOW + WEEK) is None  # expired
        assert await people.find_usable_invite(s, "WRONGCODE123", NOW) is None
        staff = await people.create_staff(s, "Nguyễn Văn B", invite.roles, NOW)
        await people.mark_invite_used(s, invite.id, staff.id, NOW)
        assert await people.find_usable_invite(s, code, NOW) is None
        with pytest.raises(Conflict):
            await people.mark_invite_used(s, invite.id, staff.id, NOW)


async def test_staff_identities_roles_and_revocation(db):
    async with db.unit_of_work() as s:
        staff = await people.create_staff(s, "Trần Thị C", ["technician"], NOW)
        await people.add_identity(s, staff.id, Identity("zalo", "z-123", "z-123", "C"), NOW)
        await people.add_identity(s, staff.id, Identity("telegram", "555", "555", "C"), NOW)
        with pytest.raises(Conflict):
            await people.add_identity(s, staff.id, Identity("zalo", "z-123", "z-123", "C"), NOW)
    async with db.unit_of_work() as s:
        found = await people.staff_by_identity(s, "telegram", "555")
        assert found.id == staff.id and {i.channel for i in found.identities} == {"zalo", "telegram"}
        assert found.has("technician") and not found.has("manager")
        updated = await people.set_roles(s, staff.id, ["technician", "manager"])
        assert updated.roles == {"technician", "manager"}
        revoked = await people.set_active(s, staff.id, False)
        assert not revoked.active and not revoked.has("manager")
        with pytest.raises(ValueError):
            await people.set_roles(s, staff.id, ["wizard"])
        with pytest.raises(NotFound):
            await people.get_staff(s, 9999)


async def test_conversation_state_versions_and_expiry(db):
    later = NOW + dt.timedelta(hours=2)
    async with db.unit_of_work() as s:
        await engine_store.put_conversation(s, "zalo", "c1", {"step": 1, "text": "Đồng hồ"}, NOW, later)
        await engine_store.put_conversation(s, "zalo", "c1", {"step": 2, "text": "Đồng hồ"}, NOW, later)
    async with db.unit_of_work() as s:
        conv = await engine_store.get_conversation(s, "zalo", "c1")
        assert conv.state == {"step": 2, "text": "Đồng hồ"} and conv.version == 2
        assert await engine_store.expired_conversations(s, NOW) == []
        assert await engine_store.expired_conversations(s, later) == [("zalo", "c1")]
        await engine_store.clear_conversation(s, "zalo", "c1")
        assert await engine_store.get_conversation(s, "zalo", "c1") is None


async def test_sqlite_units_of_work_take_the_write_lock_at_begin(sqlite_db):
    """BEGIN IMMEDIATE: while one unit of work is open, another writer cannot even begin."""
    async with sqlite_db.unit_of_work() as s:
        await s.execute(text("SELECT 1"))
        conn = await s.connection()
        raw = await conn.get_raw_connection()
        assert raw.driver_connection.in_transaction
        impatient = open_database(str(sqlite_db.engine.url), busy_timeout_ms=50)
        with pytest.raises(OperationalError, match="locked"):
            async with impatient.unit_of_work() as other:
                await other.execute(text("SELECT 1"))
        await impatient.close()
    async with sqlite_db.read() as s:  # reads do not take it
        assert await s.scalar(text("PRAGMA journal_mode")) == "wal"
        assert await s.scalar(text("PRAGMA foreign_keys")) == 1


async def test_second_process_lock_refused(db):
    first, second = ProcessLock(db), ProcessLock(db)
    await first.acquire()
    try:
        with pytest.raises(AlreadyRunning):
            await second.acquire()
    finally:
        await first.release()
    await second.acquire()
    await second.release()
