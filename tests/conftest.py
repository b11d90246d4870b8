"""Shared fixtures: a migrated database (SQLite always; PostgreSQL too when TEST_DATABASE_URL is set),
a frozen clock, and the project's config."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.clock import FrozenClock
from bot.config import PrivacyConfig, load_config
from storage.db import open_database
from storage.migrate import upgrade

REPO = Path(__file__).resolve().parents[1]
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
# Under pytest-xdist each worker gets a database of its own (the base name + the worker's id), made here
# and dropped at the end: tests reset the public schema, which two workers must not share. The
# variable is set again so that processes the tests start use the worker's database too.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_BASE_PG_URL = PG_URL


def _on_base_database(*statements: str) -> None:
    """Runs statements (CREATE/DROP DATABASE) on a connection to the base test database."""
    import asyncio

    import asyncpg
    from sqlalchemy.engine import make_url

    base = make_url(_BASE_PG_URL)

    async def run() -> None:
        conn = await asyncpg.connect(host=base.host, port=base.port or 5432, user=base.username,
                                     password=base.password, database=base.database)
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


if PG_URL and _WORKER and os.environ.get("FIELDBOT_TEST_WORKER_DB") != _WORKER:
    from sqlalchemy.engine import make_url as _make_url

    # (a pytest that a test starts inherits the worker's variables: it keeps the worker's database)
    os.environ["FIELDBOT_TEST_WORKER_DB"] = _WORKER
    _name = f"{_make_url(PG_URL).database}_{_WORKER}"
    _on_base_database(f'DROP DATABASE IF EXISTS "{_name}" WITH (FORCE)', f'CREATE DATABASE "{_name}"')
    PG_URL = _make_url(PG_URL).set(database=_name).render_as_string(hide_password=False)
    os.environ["TEST_DATABASE_URL"] = PG_URL


def pytest_sessionfinish(session, exitstatus):
    """Drop the worker's own database (the base one is .ci/run's to drop)."""
    if PG_URL != _BASE_PG_URL:
        from sqlalchemy.engine import make_url

        _on_base_database(f'DROP DATABASE IF EXISTS "{make_url(PG_URL).database}" WITH (FORCE)')
# The slow property tests (whole conversations per example) run a CI-sized number of examples;
# FIELDBOT_PROPERTY_SCALE=10 runs ten times as many (bench/long_properties.sh).
PROPERTY_SCALE = float(os.environ.get("FIELDBOT_PROPERTY_SCALE", "1"))


# [organisation] and [privacy] as a department fills them in: `run` refuses the shipped placeholders,
# so every test that starts the real `main.py run` uses the repository's config.toml with these.
FILLED = {
    "organisation": {
        "parent_body": "UBND TỈNH HƯNG YÊN", "province": "Hưng Yên", "place": "Hưng Yên",
        "signer_name": "Nguyễn Văn Giám", "recipients_to": ["Bộ Khoa học và Công nghệ", "UBND tỉnh Hưng Yên"],
        "recipients_copy": ["Như trên", "Lưu: VT, VP"],
    },
    "privacy": {
        "operator": "Trung tâm Thông tin và Thống kê khoa học và công nghệ",
        "contact": "Văn phòng Sở, điện thoại 0200 000 0000, cntt@skhcn.example.gov.vn",
    },
}


def filled_config_text(text: str | None = None) -> str:
    """The repository's config.toml (or `text`) with FILLED's values in place of its placeholders."""
    section, lines = "", []
    for line in (text if text is not None else (REPO / "config.toml").read_text(encoding="utf-8")).splitlines():
        header = re.match(r"\[(\w+)\]\s*$", line)
        section = header.group(1) if header else section
        key = line.split("=", 1)[0].strip() if "=" in line and not line.lstrip().startswith("#") else ""
        if key in FILLED.get(section, {}):
            line = f"{key} = {json.dumps(FILLED[section][key], ensure_ascii=False)}"  # JSON values are TOML here
        lines.append(line)
    return "\n".join(lines) + "\n"


def filled_config_file(folder: Path) -> Path:
    """filled_config_text() written to <folder>/config.toml (FIELDBOT_CONFIG for a real `main.py run`)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(filled_config_text(), encoding="utf-8")
    return path


def filled(config):
    """A loaded config with FILLED's [organisation] and [privacy]."""
    return dataclasses.replace(config, organisation={**config.organisation, **FILLED["organisation"]},
                               privacy=PrivacyConfig(**FILLED["privacy"]))


def examples(count: int) -> int:
    """A property test's number of examples, scaled by FIELDBOT_PROPERTY_SCALE (at least 1)."""
    return max(1, round(count * PROPERTY_SCALE))


def _backends():
    yield pytest.param("sqlite", id="sqlite")
    yield pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(not PG_URL, reason="PostgreSQL tests need TEST_DATABASE_URL (set by .ci/run)"),
    )


async def _reset_pg(url: str) -> None:
    db = open_database(url)
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await db.close()


async def make_db(backend: str, tmp_path: Path):
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"
    else:
        url = PG_URL
        await _reset_pg(url)
    db = open_database(url, busy_timeout_ms=20000)
    await upgrade(db.engine)
    return db


@pytest.fixture(params=list(_backends()))
async def db(request, tmp_path):
    """A freshly migrated database on each backend."""
    database = await make_db(request.param, tmp_path)
    yield database
    await database.close()


@pytest.fixture
async def sqlite_db(tmp_path):
    database = await make_db("sqlite", tmp_path)
    yield database
    await database.close()


@pytest.fixture
def config(tmp_path):
    return load_config(REPO / "config.toml", env={"FIELDBOT_DATA_DIR": str(tmp_path / "data")})


def frozen(local: str) -> FrozenClock:
    """A clock stopped at a local time, e.g. frozen('2023-01-14 23:30')."""
    at = dt.datetime.strptime(local, "%Y-%m-%d %H:%M").replace(tzinfo=ZONE)
    return FrozenClock(ZONE, at)


@pytest.fixture
def clock():
    return frozen("2023-01-13 06:30")


@pytest.fixture(autouse=True)
def _reports_are_valid_ooxml(monkeypatch):
    """Every report rendered in a test is validated against the ECMA-376 schemas as it is written."""
    import reports.render
    from tests.ooxml import assert_valid_docx

    write = reports.render.write_atomically

    def write_and_validate(out_path, save, suffix):
        written = write(out_path, save, suffix)
        if suffix == ".docx":
            assert_valid_docx(written)
        return written

    monkeypatch.setattr(reports.render, "write_atomically", write_and_validate)
