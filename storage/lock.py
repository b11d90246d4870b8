"""One receiving process per bot: a second copy refuses to start.

PostgreSQL: a session-level advisory lock held on a dedicated connection for the process's life.
SQLite: an exclusive flock on a file beside the database (released by the OS if the process dies).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.db import Database

_PG_LOCK_KEY = 0x66_69_65_6C_64  # "field"


class AlreadyRunning(Exception):
    """Another process holds the bot's lock. `where` names the database: the SQLite file, or the
    PostgreSQL URL without its password."""

    def __init__(self, message: str, where: str):
        super().__init__(message)
        self.where = where


class ProcessLock:
    def __init__(self, db: Database):
        self.db = db
        self._file = None
        self._conn = None

    async def acquire(self) -> None:
        if self.db.is_sqlite:
            self._acquire_file(Path(make_url(str(self.db.engine.url)).database or "fieldbot.sqlite3"))
        else:
            await self._acquire_pg()

    def _acquire_file(self, db_path: Path) -> None:
        lock_path = db_path.with_name(db_path.name + ".lock")
        handle = open(lock_path, "a+")  # noqa: SIM115 - held for the process's life
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise AlreadyRunning(f"another dost-fieldbot process is using {db_path}", str(db_path)) from None
        handle.truncate(0)
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle

    async def _acquire_pg(self) -> None:
        conn = await self.db.engine.connect()
        got = await conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
        await conn.commit()
        if not got:
            await conn.close()
            where = self.db.engine.url.render_as_string(hide_password=True)
            raise AlreadyRunning("another dost-fieldbot process is connected to this database", where)
        self._conn = conn

    async def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        if self._conn is not None:
            await self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
            await self._conn.close()
            self._conn = None
