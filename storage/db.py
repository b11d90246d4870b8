"""The database: engine creation for SQLite and PostgreSQL, and one transaction per unit of work."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


@dataclass
class Database:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    # SQLite has one writer at a time. Queue this process's writers here, in FIFO order, instead
    # of letting them collide on the file lock, where SQLite's busy handler sleeps and retries.
    _writers: asyncio.Lock | None = field(default=None, repr=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextlib.asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """One transaction: committed when the block ends normally, rolled back on an exception.

        On SQLite the write lock is taken at BEGIN (BEGIN IMMEDIATE), so two units of work never
        deadlock upgrading a read lock to a write lock.
        """
        if not self.is_sqlite:
            async with self.sessions() as session, session.begin():
                yield session
            return
        if self._writers is None:
            self._writers = asyncio.Lock()
        async with self._writers, self.sessions() as session, session.begin():
            yield session

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
        dbapi_connection.isolation_level = None  # the driver must not BEGIN on its own
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn):
        read_only = conn.get_execution_options().get("fieldbot_read_only", False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def open_database(url: str, *, busy_timeout_ms: int = 10000, echo: bool = False) -> Database:
    """Create the engine for an async SQLAlchemy URL (sqlite+aiosqlite or postgresql+asyncpg)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": busy_timeout_ms / 1000})
        _sqlite_recipe(engine, busy_timeout_ms)
    else:
        engine = create_async_engine(url, echo=echo, pool_size=10, max_overflow=20, pool_pre_ping=True)
    return Database(engine, async_sessionmaker(engine, expire_on_commit=False))
