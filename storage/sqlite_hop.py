"""SQLite through aiosqlite in one thread hop per statement (issue 23).

aiosqlite runs sqlite3 on a thread of its own; SQLAlchemy's adapter crosses to it three or four
times per statement (open a cursor, execute, fetch, close), each crossing a queue put, a wake-up of
the thread and a wake-up of the event loop. Measured on the engine's form step: about 50 crossings
per message, the largest single cost after the SQL itself. Here a statement is one crossing: the
cursor is opened, executed, read and closed in one call on the thread (closed there even when the
awaiting task is cancelled). A read transaction's BEGIN and COMMIT and any ROLLBACK cross once
each. Installed on each new connection by storage/db.py.

A write transaction crosses no thread at all when it can: `begin_writing` takes SQLite's write lock
on the calling (event loop's) thread when no other connection holds it — a BEGIN IMMEDIATE that
waits for nothing — and `commit_writing` commits there: in WAL mode with synchronous=NORMAL a COMMIT
appends the transaction's pages to the WAL and waits for no disk. What could block the loop is the
checkpoint SQLite runs inside a COMMIT once the WAL holds 1,000 pages; our connections turn that off
(`wal_autocheckpoint=0`) and `Checkpoints` runs a PASSIVE checkpoint on aiosqlite's thread instead,
every `every_commits` inline commits or `every_changes` changed rows. When another connection holds
the lock (another process, a backup), BEGIN IMMEDIATE waits for it on aiosqlite's thread as before.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from dataclasses import dataclass
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection, AsyncAdapt_aiosqlite_cursor


def _run(conn: sqlite3.Connection, operation: str, parameters: Any, many: bool):
    """On aiosqlite's thread: the whole statement, its rows read."""
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        return description, (cursor.fetchall() if description else None), cursor.lastrowid, cursor.rowcount
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        self._one_hop(operation, parameters, False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        self._one_hop(operation, seq_of_parameters, True)

    def _one_hop(self, operation: Any, parameters: Any, many: bool) -> None:
        connection = self._connection  # the aiosqlite.Connection
        try:
            description, rows, lastrowid, rowcount = self.await_(
                connection._execute(_run, connection._conn, operation, parameters, many)
            )
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        if description:
            self.description, self.lastrowid, self.rowcount = description, -1, -1
            self._rows = deque(rows)
        else:
            self.description, self.lastrowid, self.rowcount = None, lastrowid, rowcount


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    def cursor(self, server_side: bool = False) -> AsyncAdapt_aiosqlite_cursor:
        return super().cursor(server_side) if server_side else OneHopCursor(self)

    def rollback(self) -> None:
        """No crossing when no transaction is open: the pool rolls back every connection it takes back,
        and after a COMMIT there is nothing to roll back."""
        raw = self._connection._connection  # the sqlite3 connection (None once closed)
        if raw is not None and not raw.in_transaction:
            return
        super().rollback()


def install(dbapi_connection: Any) -> None:
    """Make a new connection (SQLAlchemy's aiosqlite adapter) run its statements in one hop each."""
    if type(dbapi_connection) is AsyncAdapt_aiosqlite_connection:
        dbapi_connection.__class__ = OneHopConnection


def _busy(error: sqlite3.OperationalError) -> bool:
    return (getattr(error, "sqlite_errorcode", 0) & 0xFF) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def begin_writing(raw: sqlite3.Connection, busy_timeout_ms: int) -> bool:
    """BEGIN IMMEDIATE on this thread if the write lock is free now (waiting for nothing); False when
    another connection holds it, for the caller to wait on aiosqlite's thread."""
    raw.execute("PRAGMA busy_timeout=0")
    try:
        raw.execute("BEGIN IMMEDIATE")
        return True
    except sqlite3.OperationalError as error:
        if not _busy(error):
            raise
        return False
    finally:
        raw.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")


@dataclass
class Checkpoints:
    """When to copy the WAL back into the database file (SQLite's own checkpoint at COMMIT is off).
    One per database (engine), shared by its connections."""

    every_commits: int = 100
    every_changes: int = 2000
    commits: int = 0
    changes: int = 0

    def due(self, info: dict, raw: sqlite3.Connection) -> bool:
        """Count one commit on `raw` (`info`: its pool record's, where its changed-row count is kept);
        True, and the count starts again, when a checkpoint is due."""
        total = raw.total_changes
        self.changes += max(0, total - info.get(_CHANGES, total))
        info[_CHANGES] = total
        self.commits += 1
        if self.commits < self.every_commits and self.changes < self.every_changes:
            return False
        self.commits = self.changes = 0
        return True


_CHANGES = "fieldbot_total_changes"


def commit_writing(fairy: Any, checkpoints: Checkpoints) -> None:
    """COMMIT a write transaction on this thread; then, when due, a PASSIVE checkpoint on aiosqlite's
    thread (it waits for no writer, and stops at the oldest page a reader still reads)."""
    raw = fairy.driver_connection._conn
    raw.commit()
    if checkpoints.due(fairy.info, raw):
        cursor = fairy.cursor()
        try:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            cursor.close()
