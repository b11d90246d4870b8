"""One receiving process per bot: a second copy refuses to start, saying who holds the lock.

PostgreSQL: a session-level advisory lock held on a dedicated connection for the process's life;
that connection's application_name says who holds it (pid, host, since when).
SQLite: an exclusive flock on a file beside the database (released by the OS if the process dies);
the file says who holds it.

The lock is taken before the schema is migrated, so a new version never migrates a database that an
old process is still using.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import socket
import sys
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.db import Database
from storage.files import FILE_MODE

_PG_LOCK_KEY = 0x66_69_65_6C_64  # "field"
_PG_HI, _PG_LO = _PG_LOCK_KEY >> 32, _PG_LOCK_KEY & 0xFFFFFFFF  # how pg_locks shows a bigint key


class AlreadyRunning(Exception):
    """Another process holds the bot's lock. `where` names the database: the SQLite file, or the
    PostgreSQL URL without its password; `holder` says who holds it ("pid 123 on host since … (cmd)")."""

    def __init__(self, message: str, where: str, holder: str = ""):
        super().__init__(f"{message} ({holder})" if holder else message)
        self.where, self.holder = where, holder


def holder_description(command: str = "") -> str:
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    what = command or " ".join(os.path.basename(a) for a in sys.argv[:3])
    return f"pid {os.getpid()} @ {socket.gethostname()}, {started}, {what}"


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
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        handle = os.fdopen(fd, "r+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = handle.read().strip()
            handle.close()
            raise AlreadyRunning(f"another dost-fieldbot process is using {db_path}", str(db_path), holder) from None
        handle.seek(0)
        handle.truncate(0)
        handle.write(holder_description())
        handle.flush()
        self._file = handle

    async def _acquire_pg(self) -> None:
        conn = await self.db.engine.connect()
        got = await conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
        if not got:
            holder = await conn.scalar(text(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :hi AND l.objid = :lo LIMIT 1"
            ), {"hi": _PG_HI, "lo": _PG_LO})
            await conn.close()
            where = self.db.engine.url.render_as_string(hide_password=True)
            raise AlreadyRunning("another dost-fieldbot process is connected to this database", where, holder or "")
        # application_name is at most 63 bytes: keep what identifies the holder
        await conn.execute(text("SELECT set_config('application_name', :name, false)"),
                           {"name": holder_description().encode()[:63].decode(errors="ignore")})
        await conn.commit()
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
