"""`main.py backup --out FILE` and `main.py restore FILE`: the database, safely, with the access log.

A backup runs beside the bot (no lock: SQLite's backup API and pg_dump read a consistent snapshot).
A restore replaces the database, so it takes the bot's one-process lock first and refuses while the
bot runs; then it checks the file, restores it and migrates it to the current schema.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import getpass
import sqlite3
import sys
from pathlib import Path

from sqlalchemy import text

import texts
from app.errors import not_writable, output_file
from bot.config import Config
from storage import backup as backups
from storage import engine_store
from storage.db import Database, open_database
from storage.lock import AlreadyRunning, ProcessLock
from storage.migrate import upgrade


def operator() -> str:
    """Who ran a command-line operation, for the access log: the operating-system account."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"


def _open(config: Config) -> Database:
    config.general.data_dir.mkdir(parents=True, exist_ok=True)
    return open_database(config.database.url, busy_timeout_ms=config.database.sqlite_busy_timeout_ms)


async def server_major(db: Database) -> int:
    async with db.engine.connect() as conn:
        return int(await conn.scalar(text("SELECT current_setting('server_version_num')::int / 10000")))


async def log_access(db: Database, action: str, entity: str, entity_id: str = "", **details) -> None:
    """One access-log entry (audit_log) for an operation done from the command line."""
    async with db.unit_of_work() as session:
        await engine_store.audit(session, staff_id=None, action=action, entity=entity, entity_id=entity_id,
                                 after={"by": operator(), "channel": "cli", **details}, now=dt.datetime.now(dt.UTC))


async def make_backup(config: Config, out: Path) -> backups.BackupResult:
    db = _open(config)
    try:
        db_file = backups.sqlite_path(config.database.url)
        if db_file is not None:
            result = await asyncio.to_thread(backups.backup_sqlite, db_file, out)
        else:
            result = await asyncio.to_thread(backups.backup_pg, config.database.url, out, await server_major(db))
        await log_access(db, "backup", "database", file=str(result.path), size=result.size)
        return result
    finally:
        await db.close()


async def restore(config: Config, source: Path) -> None:
    """Refuse while the bot runs; check, restore, migrate. Raises BackupError or AlreadyRunning."""
    db = _open(config)
    lock = ProcessLock(db)
    try:
        await lock.acquire()
        try:
            db_file = backups.sqlite_path(config.database.url)
            if db_file is not None:
                await db.engine.dispose()  # no pooled connection keeps the old pages
                source = await asyncio.to_thread(backups.restore_sqlite, source, db_file)
            else:
                source = await asyncio.to_thread(backups.restore_pg, source, config.database.url,
                                                 await server_major(db))
            await upgrade(db.engine)
            await log_access(db, "restore", "database", file=str(source))
        finally:
            await lock.release()
    finally:
        await db.close()


async def backup_command(config: Config, out: str) -> int:
    asked = output_file(out, "fieldbot.sqlite3")
    try:
        result = await make_backup(config, asked)
    except backups.BackupError as error:
        print(texts.operations.backup_error(error.key, error.args_), file=sys.stderr)
        return 1
    except (OSError, sqlite3.Error) as error:  # the folder refused the file after all (/proc, a full disk…)
        raise not_writable(asked.parent, error if isinstance(error, OSError) else OSError(0, str(error))) from None
    where = str(result.path)
    if result.path != asked:  # never over an existing file: the next free name, said so
        where += " " + texts.cli.NAME_TAKEN.format(name=asked.name, new=result.path.name)
    print(texts.operations.backup_done(result.backend, result.tables, result.rows, where, result.size_text))
    return 0


async def restore_command(config: Config, source: str) -> int:
    try:
        await restore(config, Path(source))
    except AlreadyRunning:
        print(texts.operations.RESTORE_RUNNING, file=sys.stderr)
        return 1
    except backups.BackupError as error:
        print(texts.operations.backup_error(error.key, error.args_), file=sys.stderr)
        return 1
    print(texts.operations.restored(source))
    return 0
