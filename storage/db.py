"""The database: engine creation for SQLite and PostgreSQL, and one transaction per unit of work."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import sqlite_hop


class WriterQueue:
    """This process's SQLite writers, one at a time, in arrival order — except that an urgent writer
    (receiving: a message must be stored before the platform is answered) goes before the others,
    so it waits at most for the unit of work in progress, never behind the queue of them."""

    def __init__(self):
        self._busy = False
        self._urgent: collections.deque[asyncio.Future] = collections.deque()
        self._others: collections.deque[asyncio.Future] = collections.deque()

    async def acquire(self, urgent: bool = False) -> None:
        if not self._busy:
            self._busy = True
            return
        waiter = asyncio.get_running_loop().create_future()
        (self._urgent if urgent else self._others).append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed over just as it was cancelled: pass it on
            else:
                with contextlib.suppress(ValueError):
                    (self._urgent if urgent else self._others).remove(waiter)
            raise

    def release(self) -> None:
        for waiters in (self._urgent, self._others):
            while waiters:
                waiter = waiters.popleft()
                if not waiter.done():
                    waiter.set_result(None)  # handed over: still busy
                    return
        self._busy = False

    @contextlib.asynccontextmanager
    async def held(self, urgent: bool = False) -> AsyncIterator[None]:
        await self.acquire(urgent)
        try:
            yield
        finally:
            self.release()


@dataclass
class Database:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    # SQLite has one writer at a time. Queue this process's writers here, in FIFO order, instead
    # of letting them collide on the file lock, where SQLite's busy handler sleeps and retries.
    _writers: WriterQueue = field(default_factory=WriterQueue, repr=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextlib.asynccontextmanager
    async def unit_of_work(self, urgent: bool = False) -> AsyncIterator[AsyncSession]:
        """One transaction: committed when the block ends normally, rolled back on an exception.

        On SQLite the write lock is taken at BEGIN (BEGIN IMMEDIATE), so two units of work never
        deadlock upgrading a read lock to a write lock; `urgent` (receiving) goes first in the queue.
        """
        if not self.is_sqlite:
            async with self.sessions() as session, session.begin():
                yield session
            return
        async with self._writers.held(urgent), self.sessions() as session, session.begin():
            yield session

    @contextlib.asynccontextmanager
    async def writing(self, urgent: bool = False, atomic: bool = True) -> AsyncIterator[AsyncConnection]:
        """A unit of work on a bare connection, no ORM session (storage/hot.py's statements take it):
        the inbox commit, a tenth of a millisecond less than through a session. As unit_of_work.

        `atomic=False`, for one statement whole by itself (an inbox row, kept once by its event key; a
        sent mark): on PostgreSQL it commits on its own, without the BEGIN and COMMIT round trips (several
        statements share a transaction: one commit, one WAL flush); on SQLite it is one transaction still,
        the cheapest there."""
        if not self.is_sqlite:
            async with self.engine.connect() as conn:
                if atomic:
                    async with conn.begin():
                        yield conn
                else:
                    yield conn
            return
        async with self._writers.held(urgent), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A read-only transaction (no write lock on SQLite)."""
        async with self.engine.connect() as conn:
            await conn.execution_options(fieldbot_read_only=True)
            async with AsyncSession(bind=conn, expire_on_commit=False) as session, session.begin():
                yield session

    async def close(self) -> None:
        await self.engine.dispose()


def _sqlite_recipe(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    """SQLAlchemy's documented recipe: disable pysqlite's own transaction handling, emit BEGIN ourselves."""
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection, _record):
        sqlite_hop.install(dbapi_connection)  # one thread hop per statement
        dbapi_connection.isolation_level = None  # the driver must not BEGIN on its own
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA wal_autocheckpoint=0")  # ours, off the event loop (sqlite_hop.Checkpoints)
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn):
        read_only = conn.get_execution_options().get("fieldbot_read_only", False)
        conn.connection.info["fieldbot_begin"] = "BEGIN" if read_only else "BEGIN IMMEDIATE"

    checkpoints = sqlite_hop.Checkpoints()

    def do_begin(dbapi_connection) -> None:
        """The BEGIN chosen above, straight on the driver: a write lock free now is taken on this thread,
        else (and a read's BEGIN) in one crossing to SQLite's thread. Inside SQLAlchemy's begin, so an
        error (the lock not had in time) is handled as any statement's."""
        begin = dbapi_connection.info.pop("fieldbot_begin", "BEGIN IMMEDIATE")
        writing = begin == "BEGIN IMMEDIATE"
        if not (writing and sqlite_hop.begin_writing(dbapi_connection.driver_connection._conn, busy_timeout_ms)):
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute(begin)
            finally:
                cursor.close()
        dbapi_connection.info[WRITING] = writing  # storage/hot.py's statements run inline then, COMMIT too

    def do_commit(dbapi_connection) -> None:
        if dbapi_connection.info.pop(WRITING, False):
            sqlite_hop.commit_writing(dbapi_connection, checkpoints)
        else:
            dbapi_connection.commit()

    def do_rollback(dbapi_connection) -> None:
        with contextlib.suppress(NotImplementedError):  # the dialect's first connection has no pool entry
            dbapi_connection.info.pop(WRITING, None)
        dbapi_connection.rollback()

    sync_engine.dialect.do_begin = do_begin
    sync_engine.dialect.do_commit = do_commit
    sync_engine.dialect.do_rollback = do_rollback


WRITING = "fieldbot_writing"  # a SQLite connection's info: its transaction holds the write lock

PING_AFTER_IDLE = 2.0  # seconds: a PostgreSQL connection idle longer is pinged before use


def _pg_recipe(engine: AsyncEngine) -> None:
    """Instead of `pool_pre_ping` (with asyncpg three round trips — BEGIN, a ping, ROLLBACK — at every
    checkout, several per message): a connection is pinged only when it has lain idle in the pool
    for more than PING_AFTER_IDLE seconds (a restarted server, a dropped link show there); one in use
    a moment ago is not. A dead one is replaced (the pool's documented DisconnectionError). The pool
    hands out the most recently used connection first, so busy ones stay warm. A connection that
    dies in the middle of a unit of work rolls it back, and the engine tries the message again."""
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "checkin")
    def _on_checkin(_dbapi_connection, record):
        record.info["fieldbot_idle_since"] = time.monotonic()

    @event.listens_for(sync_engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy):
        since = record.info.pop("fieldbot_idle_since", None)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE:
            return  # just opened, or in use a moment ago
        try:
            dbapi_connection.ping()
        except Exception as error:
            raise DisconnectionError(f"idle connection is dead: {error}") from error


def open_database(url: str, *, busy_timeout_ms: int = 10000, echo: bool = False) -> Database:
    """Create the engine for an async SQLAlchemy URL (sqlite+aiosqlite or postgresql+asyncpg)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_async_engine(url, echo=echo, pool_use_lifo=True,
                                     connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False})
        _sqlite_recipe(engine, busy_timeout_ms)
    else:
        engine = create_async_engine(url, echo=echo, pool_size=20, max_overflow=10, pool_use_lifo=True)
        _pg_recipe(engine)
    return Database(engine, async_sessionmaker(engine, expire_on_commit=False))
