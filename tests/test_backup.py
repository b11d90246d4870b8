"""Backups while the engine writes, restores into a new database, and the refusals.

The checker (every committed record is in the restored copy) is shown to catch a fault: the same
scenario with a plain file copy of the SQLite database loses the records still in the WAL.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

import texts
from app import backups as ops
from bot.clock import Clock
from bot.config import load_config
from bot.engine import Engine, EngineSettings
from storage import backup as backups
from storage import engine_store
from storage.db import open_database
from storage.lock import ProcessLock
from tests.conftest import PG_URL, REPO, ZONE, make_db
from tests.kit import echo_handler, message


def _config(tmp_path: Path, url: str, name: str = "data"):
    return load_config(REPO / "config.toml", env={"FIELDBOT_DATA_DIR": str(tmp_path / name), "DATABASE_URL": url})


async def _keys(db) -> set[str]:
    async with db.read() as session:
        return {e["after"]["key"] for e in await engine_store.audit_entries(session, "chat")}


async def _write_while(db, during, count: int = 60) -> tuple[set[str], object]:
    """Messages through the engine (one audit row each) before, during and after `during()`.
    Returns the keys committed before `during` started, and its result."""
    engine = Engine(db, echo_handler, Clock(ZONE), EngineSettings(concurrency=4))
    stop, half = asyncio.Event(), asyncio.Event()

    async def writer():
        n = 0
        while not stop.is_set() or n < count:
            chat = f"c{n % 5}"
            await engine.accept(message(chat, f"m{n}", key=f"key-{n}"))
            await engine.process_chat_once("console", chat)
            n += 1
            if n == count // 2:
                half.set()
            await asyncio.sleep(0)

    task = asyncio.create_task(writer())
    await half.wait()
    before = await _keys(db)
    result = await during()
    stop.set()
    await task
    return before, result


async def _restored_keys(tmp_path: Path, out: Path) -> set[str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'restored' / 'fieldbot.sqlite3'}"
    config = _config(tmp_path, url, "restored")
    assert await ops.restore_command(config, str(out)) == 0
    db = open_database(url)
    try:
        return await _keys(db)
    finally:
        await db.close()


async def test_sqlite_backup_while_the_engine_writes_restores_every_committed_record(tmp_path, capsys):
    db = await make_db("sqlite", tmp_path)
    config = _config(tmp_path, str(db.engine.url))
    out = tmp_path / "backups" / "fieldbot.sqlite3"
    try:
        before, code = await _write_while(db, lambda: ops.backup_command(config, str(out)))
        total = await _keys(db)
    finally:
        await db.close()
    assert code == 0
    printed = capsys.readouterr().out
    assert str(out) in printed and "Đã sao lưu" in printed
    assert os.stat(out).st_mode & 0o777 == 0o600
    restored = await _restored_keys(tmp_path, out)
    assert before <= restored <= total
    assert len(before) >= 30


async def test_the_checker_catches_a_plain_file_copy(tmp_path):
    """What the issue saw: copying the SQLite file while the bot runs misses what is in the WAL."""
    db = await make_db("sqlite", tmp_path)
    db_file = Path(make_url(str(db.engine.url)).database)
    out = tmp_path / "copy.sqlite3"
    sqlite3.connect(db_file).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()  # the schema in the file itself

    async def copy():
        shutil.copyfile(db_file, out)

    try:
        before, _ = await _write_while(db, copy)
    finally:
        await db.close()
    conn_db = open_database(f"sqlite+aiosqlite:///{out}")
    try:
        copied = await _keys(conn_db)  # the copy has the schema (checkpointed above): it reads, and lacks records
    finally:
        await conn_db.close()
    assert not before <= copied, "a plain copy should have lost the records still in the WAL"


async def test_restore_refuses_while_the_bot_runs(tmp_path, capsys):
    db = await make_db("sqlite", tmp_path)
    config = _config(tmp_path, str(db.engine.url))
    out = tmp_path / "b.sqlite3"
    assert await ops.backup_command(config, str(out)) == 0
    lock = ProcessLock(db)
    await lock.acquire()
    try:
        assert await ops.restore_command(config, str(out)) == 1
    finally:
        await lock.release()
        await db.close()
    assert "đang chạy" in capsys.readouterr().err


@pytest.mark.parametrize("content", [b"not a database at all", b"SQLite format 3\x00" + b"\x07" * 4000])
async def test_restore_refuses_a_file_that_is_not_a_good_backup(tmp_path, capsys, content):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(content)
    config = _config(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'target.sqlite3'}")
    assert await ops.restore_command(config, str(bad)) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(bad) in err


def test_a_backup_is_owner_only_while_it_is_written(tmp_path, monkeypatch):
    """The file a backup is written into holds the whole database: 0600 from its first byte, whatever the
    umask, not only once it is whole and named (it was the umask's 0644 until then)."""
    db_file = tmp_path / "fieldbot.sqlite3"
    with sqlite3.connect(db_file) as conn:
        conn.execute("CREATE TABLE staff (name TEXT)")
    out = tmp_path / "backups" / "fieldbot.sqlite3"
    seen, count = [], backups._count

    def watching(conn):  # called on the written copy, before it is named
        seen.extend(oct(path.stat().st_mode & 0o777) for path in out.parent.iterdir())
        return count(conn)

    monkeypatch.setattr(backups, "_count", watching)
    umask = os.umask(0o022)
    try:
        made = backups.backup_sqlite(db_file, out)
    finally:
        os.umask(umask)
    assert seen == ["0o600"] and made.path == out and oct(out.stat().st_mode & 0o777) == "0o600"
    assert sorted(out.parent.iterdir()) == [out]


def _said(raised) -> str:
    return texts.operations.backup_error(raised.value.key, raised.value.args_)


def test_pg_dump_missing_or_too_old_is_one_sentence(monkeypatch):
    with pytest.raises(backups.BackupError) as raised:
        backups.check_pg_versions("pg_dump", 15, 16)
    assert "postgresql-client-16" in _said(raised)
    backups.check_pg_versions("pg_dump", 16, 15)  # newer clients read older servers
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(backups.BackupError) as raised:
        backups.tool_major("pg_dump")
    assert _said(raised).startswith("Không tìm thấy pg_dump")


def test_the_password_travels_in_the_environment_not_argv():
    uri, env = backups.libpq_args("postgresql+asyncpg://bot:s3cr%40t@127.0.0.1:5432/fieldbot")
    assert "s3cr" not in uri and uri.startswith("postgresql://bot@127.0.0.1:5432/fieldbot")
    assert env["PGPASSWORD"] == "s3cr@t"


@pytest.mark.skipif(not PG_URL or not shutil.which("pg_dump"), reason="needs TEST_DATABASE_URL and pg_dump")
async def test_postgresql_backup_while_the_engine_writes_restores_into_a_new_database(tmp_path, capsys):
    db = await make_db("postgresql", tmp_path)
    config = _config(tmp_path, PG_URL)
    out = tmp_path / "fieldbot.dump"
    target = f"fieldbot_restore_{uuid.uuid4().hex[:8]}"
    admin = open_database(PG_URL)
    try:
        before, code = await _write_while(db, lambda: ops.backup_command(config, str(out)))
        total = await _keys(db)
        assert code == 0 and os.stat(out).st_mode & 0o777 == 0o600
        async with admin.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'CREATE DATABASE "{target}"'))
        target_url = make_url(PG_URL).set(database=target).render_as_string(hide_password=False)
        assert await ops.restore_command(_config(tmp_path, target_url, "restored"), str(out)) == 0
        restored_db = open_database(target_url)
        try:
            restored = await _keys(restored_db)
            async with restored_db.read() as session:
                log = await engine_store.audit_entries(session, "database")
        finally:
            await restored_db.close()
        assert before <= restored <= total and len(before) >= 30
        assert [e["action"] for e in log] == ["restore"]
        # a second restore over a database that already has tables: still one transaction, still right
        assert await ops.restore_command(_config(tmp_path, target_url, "restored"), str(out)) == 0
    finally:
        await db.close()
        async with admin.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))
        await admin.close()
    assert "Traceback" not in capsys.readouterr().err
