"""What SQLite and PostgreSQL differ in, for the repositories: naive datetimes, the INSERT with ON CONFLICT."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if value is None or value.tzinfo:
        return value
    return value.replace(tzinfo=dt.UTC)


def _insert(session: AsyncSession, table):
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
