"""Backups and restores of the database, safe while the bot runs.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies a consistent snapshot, including
what still sits in the WAL — copying the file itself loses those pages. PostgreSQL: `pg_dump` in its
custom format, checked with `pg_restore --list` before a restore, restored in one transaction by
`psql` (the schema is dropped and rebuilt only if the whole restore succeeds).

Nothing here knows about the bot's process lock: the caller holds it for a restore.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from storage.files import link_free_name, private_temp


class BackupError(Exception):
    """A backup or a restore could not be done. `key` names the case (texts.cli.BACKUP_ERRORS says it
    to the operator in one sentence), `args` fill its blanks."""

    def __init__(self, key: str, **args):
        super().__init__(key, args)
        self.key, self.args_ = key, args


@dataclass(frozen=True)
class BackupResult:
    path: Path
    backend: str  # sqlite | postgresql
    size: int
    tables: int
    rows: int | None  # SQLite: counted in the copy; PostgreSQL: not counted

    @property
    def size_text(self) -> str:
        n = self.size
        return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def sqlite_path(url: str) -> Path | None:
    """The database file of an SQLite URL; None for PostgreSQL."""
    parsed = make_url(url)
    return Path(parsed.database or "") if parsed.get_backend_name() == "sqlite" else None


def _private(path: Path) -> None:
    """A backup holds everything the bot knows about people: owner-only."""
    os.chmod(path, 0o600)


def _free_name(tmp: Path, out: Path) -> Path:
    """A backup never replaces a file: it takes `out`, or NAME_2, NAME_3 … when that name is taken."""
    try:
        return link_free_name(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


# --- SQLite -------------------------------------------------------------------------------------


def backup_sqlite(db_file: Path, out: Path) -> BackupResult:
    out = out.absolute()
    if not db_file.exists():
        raise BackupError("no_sqlite", path=db_file)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = private_temp(out)  # owner-only while it is written, not only once it is whole
    source = sqlite3.connect(db_file, timeout=30)
    try:
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)  # a consistent snapshot, WAL included, while writers go on
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            tables, rows = _count(target)
        finally:
            target.close()
    finally:
        source.close()
    _private(tmp)
    out = _free_name(tmp, out)
    return BackupResult(out, "sqlite", out.stat().st_size, tables, rows)


def _count(conn: sqlite3.Connection) -> tuple[int, int]:
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
    rows = sum(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names)
    return len(names), rows


def check_sqlite_backup(path: Path) -> None:
    """An SQLite file that passes integrity_check and holds this bot's schema."""
    if not path.is_file():
        raise BackupError("no_file", path=path)
    with open(path, "rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise BackupError("not_sqlite", path=path)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        has_schema = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='alembic_version'").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError("broken", path=path, detail=exc) from None
    finally:
        conn.close()
    if result != "ok":
        raise BackupError("integrity", path=path, detail=result)
    if not has_schema:
        raise BackupError("not_ours", path=path)


def restore_sqlite(backup: Path, db_file: Path) -> Path:
    """Copy the checked backup over the database, page by page (the target's WAL is reset too)."""
    check_sqlite_backup(backup)
    db_file.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(db_file, timeout=30)
        try:
            source.backup(target)
            target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            target.close()
    finally:
        source.close()
    _private(db_file)
    return backup.absolute()


def compact_sqlite(db_file: Path) -> None:
    """Rewrite the file without the pages of deleted rows (VACUUM) and empty the WAL, so erased data is
    not left in free pages or old page images."""
    conn = sqlite3.connect(db_file, timeout=30, isolation_level=None)
    try:
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


# --- PostgreSQL ---------------------------------------------------------------------------------


def libpq_args(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment that carries it (never argv)."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    plain = URL.create("postgresql", username=parsed.username, host=parsed.host, port=parsed.port,
                       database=parsed.database, query=parsed.query)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError("no_tool", tool=name)
    return path


def _major(text: str) -> int:
    match = re.search(r"\b(\d+)(?:\.\d+|beta|rc|devel)", text)
    if not match:
        raise BackupError("no_version", text=text.strip())
    return int(match.group(1))


def tool_major(name: str) -> int:
    out = subprocess.run([_tool(name), "--version"], capture_output=True, text=True, check=False).stdout
    return _major(out)  # "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)": the first number


def check_pg_versions(tool: str, client_major: int, server_major: int) -> None:
    """pg_dump and pg_restore read servers and dumps up to their own major version, not newer."""
    if client_major < server_major:
        raise BackupError("old_tool", tool=tool, client=client_major, server=server_major)


def _run(args: list[str], env: dict[str, str], what: str, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(args, env=env, capture_output=True, check=False, **kwargs)
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace") if isinstance(done.stderr, bytes) else done.stderr
        last = (err or "").strip().splitlines()[-1:] or ["?"]
        raise BackupError("tool_failed", tool=what, detail=last[0])
    return done


def backup_pg(url: str, out: Path, server_major: int) -> BackupResult:
    out = out.absolute()
    check_pg_versions("pg_dump", tool_major("pg_dump"), server_major)
    uri, env = libpq_args(url)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = private_temp(out)  # owner-only while it is written, not only once it is whole
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(tmp), "--dbname", uri],
         env, "pg_dump")
    _private(tmp)
    tables = len(list_pg_backup(tmp, env, tables_only=True))
    out = _free_name(tmp, out)
    return BackupResult(out, "postgresql", out.stat().st_size, tables, None)


def list_pg_backup(path: Path, env: dict[str, str] | None = None, *, tables_only: bool = False) -> list[str]:
    """The table of contents of a custom-format dump; an error sentence if it is not one."""
    if not path.is_file():
        raise BackupError("no_file", path=path)
    with open(path, "rb") as handle:
        if handle.read(5) != b"PGDMP":
            raise BackupError("not_dump", path=path)
    done = _run([_tool("pg_restore"), "--list", str(path)], env or dict(os.environ), "pg_restore --list", text=True)
    entries = [line for line in done.stdout.splitlines() if line and not line.startswith(";")]
    if tables_only:
        entries = [e for e in entries if " TABLE DATA " in e]
    return entries


def restore_pg(backup: Path, url: str, server_major: int) -> Path:
    """Check the dump, turn it into SQL, and replay it after dropping the schema, all in one transaction."""
    check_pg_versions("pg_restore", tool_major("pg_restore"), server_major)
    uri, env = libpq_args(url)
    entries = list_pg_backup(backup, env)
    if not any("alembic_version" in e for e in entries):
        raise BackupError("not_ours", path=backup)
    sql = _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--file", "-", str(backup)], env,
               "pg_restore").stdout
    prefix = b"DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"
    _run([_tool("psql"), "--quiet", "--no-psqlrc", "--set", "ON_ERROR_STOP=1", "--single-transaction",
          "--dbname", uri], env, "psql", input=prefix + sql)
    return backup.absolute()
