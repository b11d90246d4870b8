"""`main.py admin person export|erase --staff ID` and `main.py admin log --days N`.

Each export and erase is written to the access log (audit_log, with the operating-system account
that ran it); `admin log` shows that log together with backups, restores, reports and exports.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select, text

import texts
from app.backups import log_access, operator
from bot.config import Config
from storage import backup as backups
from storage import person_data
from storage.db import Database, open_database
from storage.domain import NotFound
from storage.engine_store import aware
from storage.models import AuditRow, StaffRow
from storage.record_models import ReportLogRow

ACCESS_ACTIONS = ("backup", "restore", "person_export", "person_erase")


def _open(config: Config) -> Database:
    return open_database(config.database.url, busy_timeout_ms=config.database.sqlite_busy_timeout_ms)


def _cell(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_person(data: dict[str, list[dict]], out: Path) -> Path:
    """JSON (by the .json extension) or .xlsx: one sheet per section, a header row of field names."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part")
    if out.suffix.lower() == ".json":
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    else:
        book = Workbook()
        book.remove(book.active)
        for section, rows in data.items():
            sheet = book.create_sheet(section[:31])
            keys = list(dict.fromkeys(k for row in rows for k in row)) or [texts.operations.EMPTY_SHEET]
            sheet.append(keys)
            for row in rows:
                sheet.append([_cell(row.get(k)) for k in keys])
        book.save(tmp)
    os.chmod(tmp, 0o600)
    os.replace(tmp, out)
    return out


async def export_command(config: Config, staff_id: int, out: str) -> int:
    path = Path(out)
    if path.suffix.lower() not in (".json", ".xlsx"):
        print(texts.operations.PERSON_BAD_SUFFIX, file=sys.stderr)
        return 2
    db = _open(config)
    try:
        async with db.read() as session:
            data = await person_data.collect(session, staff_id)
        written = write_person(data, path)
        await log_access(db, "person_export", "staff", str(staff_id), file=str(written))
    except NotFound:
        print(texts.operations.NO_SUCH_STAFF.format(id=staff_id), file=sys.stderr)
        return 1
    finally:
        await db.close()
    counts = ", ".join(f"{section} {len(rows)}" for section, rows in data.items())
    print(texts.operations.person_exported(staff_id, path, counts))
    return 0


def _mentions(path: Path, needles: list[str]) -> bool:
    """Does a generated document (a .docx/.xlsx zip, or any file) mention one of the needles?"""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                blobs = [archive.read(name) for name in archive.namelist()]
        else:
            blobs = [path.read_bytes()]
    except (OSError, zipfile.BadZipFile):
        return False
    encoded = [n.encode("utf-8") for n in needles if len(n) >= 3]
    return any(n in blob for blob in blobs for n in encoded)


def _remove_files(config: Config, photos: list[str], needles: list[str]) -> int:
    """Photos of the person's unfinished forms, and generated documents that name them."""
    data_dir = config.general.data_dir.resolve()
    removed = 0
    for photo in photos:
        path = (config.general.data_dir / "media" / Path(photo).name).resolve()
        if path.is_relative_to(data_dir) and path.is_file():
            path.unlink()
            removed += 1
    documents = config.general.data_dir / "documents"
    for path in sorted(documents.rglob("*")) if documents.is_dir() else []:
        if path.is_file() and _mentions(path, needles):
            path.unlink()
            removed += 1
    return removed


async def erase_command(config: Config, staff_id: int) -> int:
    db = _open(config)
    try:
        async with db.read() as session:
            staff = await session.get(StaffRow, staff_id)
            if staff is None:
                raise NotFound(staff_id)
            needles = [staff.name, staff.name_folded]
        async with db.unit_of_work() as session:
            erased = await person_data.erase(session, staff_id, texts.operations.ERASED_LABEL.format(id=staff_id))
        files = _remove_files(config, erased.photos, needles)
        await _compact(db, config)
        await log_access(db, "person_erase", "staff", str(staff_id), accounts=erased.accounts,
                         messages=erased.messages, records_kept=erased.records_kept)
    except NotFound:
        print(texts.operations.NO_SUCH_STAFF.format(id=staff_id), file=sys.stderr)
        return 1
    finally:
        await db.close()
    print(texts.operations.person_erased(staff_id, erased.accounts, erased.messages, files, erased.label,
                                         erased.rewritten, erased.records_kept))
    return 0


async def _compact(db: Database, config: Config) -> None:
    """SQLite keeps deleted rows in free pages and the WAL until they are rewritten; PostgreSQL until
    VACUUM. Both are made to forget now."""
    db_file = backups.sqlite_path(config.database.url)
    if db_file is not None:
        await db.engine.dispose()
        await asyncio.to_thread(backups.compact_sqlite, db_file)
    else:
        async with db.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            for table in ("inbox", "outbox", "conversations", "identities", "staff", "audit_log", "invites"):
                await conn.execute(text(f"VACUUM {table}"))


async def access_log(db: Database, since: dt.datetime) -> list[tuple[dt.datetime, str, str, str]]:
    """(when, what, who, detail) of backups, restores, person exports/erasures, reports and exports."""
    entries = []
    async with db.read() as session:
        names = {r.id: r.name for r in await session.scalars(select(StaffRow))}
        for row in await session.scalars(select(AuditRow).where(AuditRow.at >= since,
                                                                AuditRow.action.in_(ACCESS_ACTIONS))):
            after = dict(row.after or {})
            who = f"{after.pop('by', '?')} ({after.pop('channel', 'cli')})"
            target = texts.operations.LOG_STAFF.format(id=row.entity_id) if row.entity == "staff" else ""
            detail = target + " ".join(f"{k}={v}" for k, v in after.items())
            entries.append((aware(row.at), row.action, who, detail))
        for row in await session.scalars(select(ReportLogRow).where(ReportLogRow.at >= since)):
            cli = texts.operations.LOG_COMMAND_LINE
            who = names.get(row.staff_id, cli) if row.staff_id else cli
            entries.append((aware(row.at), row.kind, f"{who} ({row.channel})",
                            texts.operations.LOG_PERIOD.format(period=row.period)))
    return sorted(entries)


async def log_command(config: Config, days: int) -> int:
    if days <= 0:
        print(texts.operations.LOG_BAD_DAYS, file=sys.stderr)
        return 2
    db = _open(config)
    try:
        entries = await access_log(db, dt.datetime.now(dt.UTC) - dt.timedelta(days=days))
    finally:
        await db.close()
    if not entries:
        print(texts.operations.log_empty(days))
    for at, action, who, detail in entries:
        print(f"{at.astimezone(config.general.zone):%Y-%m-%d %H:%M}  {action:<13} {who:<24} {detail}".rstrip())
    return 0


__all__ = ["access_log", "erase_command", "export_command", "log_command", "operator", "write_person"]
