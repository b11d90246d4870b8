"""Start-up order (issue 10, item 7): the one-process lock before the migration, and a second process
says who holds the lock. Files private whatever the umask (item 6)."""

from __future__ import annotations

import dataclasses
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from app import wiring as app_module
from storage.lock import AlreadyRunning, ProcessLock
from storage.migrate import at_head, upgrade


async def version(url: str) -> str:
    db = app_module.open_database(url)
    try:
        async with db.engine.connect() as conn:
            return await conn.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        await db.close()


async def test_a_held_lock_stops_the_migration_and_names_the_holder(tmp_path, config):
    url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'fieldbot.sqlite3'}"
    config = dataclasses.replace(config, database=dataclasses.replace(config.database, url=url))
    old = await app_module.open_db(config, migrate=False)
    await upgrade(old.engine, "0001")  # the schema an older version of the bot runs on
    holder = ProcessLock(old)
    await holder.acquire()  # … and that older bot is running
    try:
        with pytest.raises(AlreadyRunning) as refused:
            async with app_module.locked_app(config):
                pytest.fail("started beside a running bot")
        assert f"pid {os.getpid()} @ " in str(refused.value) and " UTC, " in str(refused.value)
        with pytest.raises(AlreadyRunning):  # an admin command does not migrate under it either
            await app_module.open_db(config)
        assert await version(url) == "0001"
    finally:
        await holder.release()
        await old.close()
    async with app_module.locked_app(config) as app:  # once it has stopped, the new version migrates
        assert await at_head(app.db.engine)


async def test_an_admin_command_beside_a_running_bot_of_the_same_version(tmp_path, config):
    async with app_module.locked_app(config):
        db = await app_module.open_db(config)  # no migration needed: it may read and write alongside
        try:
            assert await at_head(db.engine)
            async with db.unit_of_work() as session:
                await session.execute(text("INSERT INTO staff (name, name_folded, unit, active, created_at) "
                                           "VALUES ('Lê Thị B', 'le thi b', '', true, '2026-01-05 08:00:00')"))
            async with db.read() as session:
                assert await session.scalar(text("SELECT name FROM staff")) == "Lê Thị B"
            with pytest.raises(AlreadyRunning) as refused:  # the running bot still holds its lock, and says so
                await ProcessLock(db).acquire()
            assert f"pid {os.getpid()} @ " in refused.value.holder
        finally:
            await db.close()


async def test_second_lock_on_either_backend_says_who_holds_it(db):
    first, second = ProcessLock(db), ProcessLock(db)
    await first.acquire()
    try:
        with pytest.raises(AlreadyRunning) as refused:
            await second.acquire()
        assert f"pid {os.getpid()}" in refused.value.holder
        assert "another dost-fieldbot process" in str(refused.value)
    finally:
        await first.release()


async def test_data_folder_and_database_files_are_private_whatever_the_umask(tmp_path, config):
    previous = os.umask(0)
    try:
        async with app_module.locked_app(config) as app:
            async with app.db.unit_of_work() as session:
                await session.execute(text("SELECT 1"))
            data = config.general.data_dir
            assert stat.S_IMODE(os.stat(data).st_mode) == 0o700
            files = [p for p in data.iterdir() if p.name.startswith("fieldbot.sqlite3")]
            assert {p.name for p in files} >= {"fieldbot.sqlite3", "fieldbot.sqlite3-wal", "fieldbot.sqlite3.lock"}
            assert {p.name: stat.S_IMODE(os.stat(p).st_mode) for p in files} == {p.name: 0o600 for p in files}
    finally:
        os.umask(previous)


def test_written_files_are_0600_whatever_the_umask(tmp_path):
    from reports.files import write_atomically
    from storage.files import write_private

    previous = os.umask(0)
    try:
        photo = write_private(tmp_path / "zalo-1.jpg", b"\xff\xd8 photo")
        document = write_atomically(tmp_path / "BaoCao.docx", lambda p: Path(p).write_bytes(b"PK"), ".docx")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(photo).st_mode) == 0o600 and stat.S_IMODE(os.stat(document).st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["BaoCao.docx", "zalo-1.jpg"]  # no temporary left
