"""SQLite through aiosqlite in one thread hop per statement (issue 23).

aiosqlite runs sqlite3 on a thread of its own; SQLAlchemy's adapter crosses to it three or four
times per statement (open a cursor, execute, fetch, close), each crossing a queue put, a wake-up of
the thread and a wake-up of the event loop. Measured on the engine's form step: about 50 crossings
per message, the largest single cost after the SQL itself. Here a statement is one crossing: the
cursor is opened, executed, read and closed in one call on the thread (closed there even when the
awaiting task is cancelled). Transactions are unchanged (BEGIN IMMEDIATE, COMMIT, ROLLBACK: one
crossing each, as before). Installed on each new connection by storage/db.py.
"""

from __future__ import annotations

import sqlite3
from collections import deque
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
