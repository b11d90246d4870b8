"""The per-message statements on the unit of work's own driver connection (issue 23).

A statement through SQLAlchemy costs a quarter of a millisecond of CPU or more before the database
sees it (the statement built, its cache key, the execution context, the result object, a greenlet
switch); the engine's form step runs eight of them per message. The few statements every message runs
— the inbox row stored and claimed, the conversation read and written, the closed periods, the reply
queued, the sent marks, the audit entry — are written once here as SQL, compiled by SQLAlchemy once per
dialect (so the SQL, the parameter order and each value's conversion are SQLAlchemy's own: JSON and
dates are stored exactly as through the ORM), and then run straight on the driver connection that the
session's transaction holds: aiosqlite (one thread hop, storage/sqlite_hop.py) or asyncpg.

The transaction is the session's: the statement runs inside it, commits and rolls back with it.
Statement listeners see each statement as they see SQLAlchemy's own (storage/dbstats.py counts them).
A driver error becomes SQLAlchemy's, as its own execution would make it: an integrity error an
IntegrityError, a lost connection a DBAPIError with `connection_invalidated` (the connection is
invalidated, so the pool never hands it out again, and the engine tries the message again).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import DateTime, bindparam, exc, text
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.type_api import TypeEngine

from storage import sqlite_hop
from storage.db import WRITING

_BIND = re.compile(r"(?<![:\w]):(\w+)")


@dataclass(frozen=True)
class _Compiled:
    sql: str
    order: tuple[str, ...]  # the bind names in the order the driver takes them
    binds: tuple[Callable[[Any], Any] | None, ...]  # each one's conversion to the driver's value
    results: tuple[Callable[[Any], Any] | None, ...]  # each result column's conversion back


@dataclass(eq=False)
class Statement:
    """One SQL statement with `:name` parameters, each typed (by a table's column of that name, or
    `types`), and the types of the columns it returns, in order."""

    sql: str
    binds: dict[str, TypeEngine]
    columns: tuple[TypeEngine, ...] = ()
    _compiled: dict[str, _Compiled] = field(default_factory=dict, repr=False)

    def clause(self):
        return text(self.sql).bindparams(*(bindparam(name, type_=t) for name, t in self.binds.items()))

    def compiled(self, dialect: Dialect) -> _Compiled:
        done = self._compiled.get(dialect.name)
        if done is None:
            compiled = self.clause().compile(dialect=dialect)
            order = tuple(compiled.positiontup or ())
            done = _Compiled(
                compiled.string,
                order,
                tuple(_bind_processor(self.binds[name], dialect) for name in order),
                tuple(t._cached_result_processor(dialect, None) for t in self.columns),
            )
            self._compiled[dialect.name] = done
        return done


def _bind_processor(type_: TypeEngine, dialect: Dialect) -> Callable[[Any], Any] | None:
    """SQLAlchemy's conversion of a value for the driver; for SQLite's DATETIME the same text (its
    default storage format, the time zone left out) made by isoformat, at a fifth of the cost."""
    processor = type_._cached_bind_processor(dialect)
    if dialect.name != "sqlite" or not isinstance(type_, DateTime) or processor is None:
        return processor

    def process(value: Any) -> Any:
        if type(value) is dt.datetime:
            return value.replace(tzinfo=None).isoformat(" ", "microseconds")
        return processor(value)

    return process


def statement(sql: str, table=None, *, columns: Sequence[Any] = (), **types: TypeEngine) -> Statement:
    """A statement over `table`: a parameter named as one of its columns takes that column's type;
    `columns` are the returned columns (the table's by name, or any table's Column)."""
    names = dict.fromkeys(_BIND.findall(sql))
    binds = {name: types.get(name) if name in types else table.c[name].type for name in names}
    return Statement(sql, binds, tuple(table.c[c].type if isinstance(c, str) else c.type for c in columns))


class _Driver:
    """The session's connection as the driver sees it, inside the session's transaction."""

    __slots__ = ("async_conn", "conn", "dialect", "driver", "inline", "sqlite")

    def __init__(self, async_conn: AsyncConnection):
        self.async_conn = async_conn
        self.conn: Connection = async_conn.sync_connection
        self.dialect = self.conn.dialect
        self.sqlite = self.dialect.name == "sqlite"
        self.driver = self.conn.connection.driver_connection
        # SQLite inside a transaction that holds the write lock: a small statement waits for no lock and
        # writes no file (the COMMIT does, on aiosqlite's thread), so it runs on the event loop's thread
        # and saves two thread crossings. A read transaction's statements cross, as SQLAlchemy's do.
        self.inline = self.sqlite and self.conn.connection.info.get(WRITING, False)

    async def error(self, error: Exception, sql: str, values: Any) -> exc.DBAPIError:
        """The driver's error as SQLAlchemy raises it; a lost connection is invalidated first."""
        dbapi = self.dialect.loaded_dbapi
        adapted = self.conn.connection.dbapi_connection
        translated = error
        if not self.sqlite and not isinstance(error, dbapi.Error):
            try:
                adapted._handle_exception(error)  # SQLAlchemy's asyncpg adapter: its DBAPI error classes
            except Exception as raised:
                translated = raised
        lost = isinstance(translated, dbapi.Error) and self.dialect.is_disconnect(translated, adapted, None)
        if lost:
            await self.async_conn.invalidate(translated)
        return exc.DBAPIError.instance(
            sql, values, translated, dbapi.Error, connection_invalidated=lost, dialect=self.dialect
        )


async def _driver(session: AsyncSession | AsyncConnection) -> _Driver:
    if isinstance(session, AsyncConnection):  # Database.writing(): in its transaction already, or (atomic=False)
        driver = _Driver(session)  # in none: then each statement commits by itself
        return await _begun(driver) if session.in_transaction() else driver
    info = session.sync_session.info
    known: _Driver | None = info.get("fieldbot_driver")
    if known is not None and not known.conn.closed and known.conn.in_transaction():
        return known
    info["fieldbot_driver"] = driver = await _begun(_Driver(await session.connection()))  # the session's
    return driver  # transaction begins at session.connection()


async def _begun(driver: _Driver) -> _Driver:
    """SQLAlchemy's asyncpg adapter starts its transaction at its first statement: start it now, so
    a statement sent straight to asyncpg runs inside it."""
    if not driver.sqlite:
        adapted = driver.conn.connection.dbapi_connection
        if not adapted._started:
            await adapted._start_transaction()
    return driver


def _values(compiled: _Compiled, params: dict[str, Any]) -> list[Any]:
    return [
        params[name] if convert is None else convert(params[name])
        for name, convert in zip(compiled.order, compiled.binds, strict=True)
    ]


def _rows(compiled: _Compiled, rows) -> list[tuple]:
    converts = compiled.results
    if not any(converts):
        return [tuple(row) for row in rows]
    return [
        tuple(
            value if convert is None else convert(value)
            for value, convert in zip(row, converts, strict=False)
        )
        for row in rows
    ]


async def _run(d: _Driver, compiled: _Compiled, values: Any, many: bool, returns: bool) -> tuple[list, int]:
    if d.inline:
        _, rows, _, rowcount = sqlite_hop._run(d.driver._conn, compiled.sql, values, many)
        return rows or [], rowcount
    if d.sqlite:
        connection = d.driver
        _, rows, _, rowcount = await connection._execute(
            sqlite_hop._run, connection._conn, compiled.sql, values, many
        )
        return rows or [], rowcount
    if many:
        await d.driver.executemany(compiled.sql, values)
        return [], len(values)
    if returns:
        return await d.driver.fetch(compiled.sql, *values), -1
    status = await d.driver.execute(compiled.sql, *values)
    return [], int(status.rsplit(" ", 1)[-1]) if status and status[-1].isdigit() else -1


def _notify(d: _Driver, sql: str, values: Any, many: bool) -> None:
    """Statement listeners (storage/dbstats.py) see this statement as one of SQLAlchemy's."""
    conn = d.conn
    if conn._has_events or conn.engine._has_events:
        conn.dispatch.before_cursor_execute(conn, None, sql, values, None, many)


async def execute(
    session: AsyncSession, stmt: Statement, params: dict[str, Any] | None = None
) -> tuple[list, int]:
    """Run a statement in the session's transaction: (rows, converted; rows affected)."""
    params = params or {}
    d = await _driver(session)
    compiled = stmt.compiled(d.dialect)
    values = _values(compiled, params)
    _notify(d, compiled.sql, values, False)
    try:
        rows, count = await _run(d, compiled, values, False, bool(stmt.columns))
    except Exception as error:
        raise await d.error(error, compiled.sql, values) from error
    return _rows(compiled, rows), count


async def execute_many(session: AsyncSession | AsyncConnection, stmt: Statement, params: list[dict[str, Any]]) -> None:
    """Run a statement once per parameter set, in one call."""
    if not params:
        return
    d = await _driver(session)
    compiled = stmt.compiled(d.dialect)
    values = [_values(compiled, p) for p in params]
    _notify(d, compiled.sql, values, True)
    try:
        await _run(d, compiled, values, True, False)
    except Exception as error:
        raise await d.error(error, compiled.sql, values) from error


_INSERTS: dict[str, tuple[Statement, tuple]] = {}


def _insert_of(table) -> tuple[Statement, tuple]:
    """INSERT of every column but the generated id, returning the id; and the Python-side defaults."""
    done = _INSERTS.get(table.name)
    if done is None:
        generated = table.autoincrement_column  # the id the database hands out
        columns = [c for c in table.columns if c is not generated]
        names = ", ".join(f'"{c.name}"' for c in columns)
        sql = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join(':' + c.key for c in columns)}) RETURNING {generated.name}"
        done = _INSERTS[table.name] = (
            statement(sql, table, columns=[generated.key]),
            tuple((c.key, c.default) for c in columns),
        )
    return done


async def insert_row(session: AsyncSession, row: Any) -> None:
    """Store a new mapped object (a row with no relationships) with one statement, as the ORM would:
    the columns' Python-side defaults filled in on the object, its generated id set. The object stays
    out of the session (nothing more to flush)."""
    stmt, defaults = _insert_of(row.__table__)
    for key, default in defaults:
        if getattr(row, key) is None and default is not None:
            setattr(row, key, default.arg if default.is_scalar else default.arg(None))
    rows, _ = await execute(session, stmt, {key: getattr(row, key) for key, _ in defaults})
    setattr(row, row.__table__.autoincrement_column.key, rows[0][0])
