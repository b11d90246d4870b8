"""Schema migrations with Alembic, run by `python main.py migrate` and automatically at start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to `revision` on the engine's database."""

    def _upgrade(connection) -> None:
        cfg = alembic_config(str(engine.url))
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


async def at_head(engine: AsyncEngine) -> bool:
    """Whether the database's schema is the newest this code knows (nothing to migrate)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    def _check(connection) -> bool:
        heads = set(ScriptDirectory.from_config(alembic_config(str(engine.url))).get_heads())
        return set(MigrationContext.configure(connection).get_current_heads()) == heads

    async with engine.connect() as connection:
        return await connection.run_sync(_check)
