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
from app.errors import USAGE, CliError, output_file
from bot.config import Config
from bot.messages import Reply
from storage import backup as backups
from storage import engine_store, people, person_data, privacy_requests
from storage.db import Database, open_database
from storage.domain import NotFound
from storage.engine_store import aware
from storage.files import link_new, private_temp
from storage.models import AuditRow, StaffRow
from storage.record_models import ReportLogRow

ACCESS_ACTIONS = ("backup", "restore", "person_export", "person_erase", "person_request")


def _open(config: Config) -> Database:
    return open_database(config.database.url, busy_timeout_ms=config.database.sqlite_busy_timeout_ms)


def _cell(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_person(data: dict[str, list[dict]], out: Path, *, replace: bool = False) -> Path:
    """JSON (by the .json extension) or .xlsx: one sheet per section, a header row of field names.
    Owner-only from its first byte (storage/files.private_temp, then named); an existing `out`
    is replaced only when asked (`--force`), else FileExistsError."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = private_temp(out)
    try:
        if out.suffix.lower() == ".json":
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        else:
            _workbook(data).save(tmp)
        if replace:
            os.replace(tmp, out)
        else:
            link_new(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _workbook(data: dict[str, list[dict]]) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for section, rows in data.items():
        sheet = book.create_sheet(section[:31])
        keys = list(dict.fromkeys(k for row in rows for k in row)) or [texts.operations.EMPTY_SHEET]
        sheet.append(keys)
        for row in rows:
            sheet.append([_cell(row.get(k)) for k in keys])
    return book


async def export_command(config: Config, staff_id: int, out: str, force: bool = False) -> int:
    path = output_file(out, "canbo.xlsx")
    if path.suffix.lower() not in (".json", ".xlsx"):
        print(texts.operations.PERSON_BAD_SUFFIX, file=sys.stderr)
        return 2
    if path.exists() and not force:
        raise CliError(texts.operations.PERSON_FILE_EXISTS.format(path=path), USAGE)
    db = _open(config)
    try:
        async with db.read() as session:
            data = await person_data.collect(session, staff_id)
        try:
            written = write_person(data, path, replace=force)
        except FileExistsError:  # made between the check and the write
            raise CliError(texts.operations.PERSON_FILE_EXISTS.format(path=path), USAGE) from None
        await log_access(db, "person_export", "staff", str(staff_id), file=str(written))
        closed = await _close_requests(db, config, staff_id, ("copy",), "export")
    except NotFound:
        print(texts.operations.NO_SUCH_STAFF.format(id=staff_id), file=sys.stderr)
        return 1
    finally:
        await db.close()
    counts = ", ".join(f"{section} {len(rows)}" for section, rows in data.items())
    print(texts.operations.person_exported(staff_id, written, counts))
    if closed:
        print(texts.privacy.CLOSED_WITH_COMMAND.format(count=closed, staff_id=staff_id))
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
            open_requests = await privacy_requests.open_requests(session, staff_id)
            erased = await person_data.erase(session, staff_id, texts.operations.ERASED_LABEL.format(id=staff_id))
            await _tell_done(session, config, open_requests)  # to the chats the requests came from
            await privacy_requests.close(session, [r.id for r in open_requests], by=operator(), with_="erase",
                                         now=_now(config), forget_chat=True)
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
    if open_requests:
        print(texts.privacy.CLOSED_WITH_COMMAND.format(count=len(open_requests), staff_id=staff_id))
    return 0


# --- data subjects' requests (/quyenriengtu) -------------------------------------------------------


def _now(config: Config) -> dt.datetime:
    from app.wiring import clock_of

    return clock_of(config).now()


async def _tell_done(session, config: Config, requests: list[privacy_requests.Request]) -> None:
    """The person hears in the chat the request came from; the running bot sends it (its outbox)."""
    now = _now(config)
    for request in requests:
        if request.channel and request.chat_id:
            reply = Reply(text=texts.privacy.request_done(request.id, request.kind, config.language.address))
            await engine_store.queue_reply(session, channel=request.channel, chat_id=request.chat_id,
                                           payload=reply.to_json(), now=now, inbox_id=None)


async def _close_requests(db: Database, config: Config, staff_id: int, kinds: tuple[str, ...], with_: str) -> int:
    async with db.unit_of_work() as session:
        requests = await privacy_requests.open_requests(session, staff_id, kinds)
        await _tell_done(session, config, requests)
        await privacy_requests.close(session, [r.id for r in requests], by=operator(), with_=with_,
                                     now=_now(config))
    return len(requests)


async def requests_command(config: Config, number: int | None) -> int:
    """`admin person requests`: the open ones with their due dates; `admin person done --request N`: close one."""
    db = _open(config)
    try:
        if number is None:
            async with db.read() as session:
                requests = await privacy_requests.open_requests(session)
            _print_requests(config, requests)
            return 0
        return await _done(db, config, number)
    finally:
        await db.close()


def _print_requests(config: Config, requests: list[privacy_requests.Request]) -> None:
    if not requests:
        print(texts.privacy.REQUESTS_NONE)
        return
    today = _now(config).astimezone(config.general.zone).date()
    print(texts.privacy.REQUESTS_HEADER.format(count=len(requests)))
    for r in requests:
        received = f"{r.received_at.astimezone(config.general.zone):%H:%M %d/%m/%Y}"
        print(texts.privacy.request_line(r.id, r.kind, r.name, r.staff_id, received, f"{r.due:%d/%m/%Y}",
                                         today > r.due, r.detail))
    print(texts.privacy.REQUESTS_HOW)


async def _done(db: Database, config: Config, number: int) -> int:
    async with db.unit_of_work() as session:
        request = await privacy_requests.get_open(session, number)
        if request is None:
            print(texts.privacy.NO_SUCH_REQUEST.format(number=number), file=sys.stderr)
            return 1
        kind = texts.privacy.REQUEST_KINDS[request.kind].lower()
        command = privacy_requests.CLOSED_BY_COMMAND.get(request.kind)
        if command is not None:
            print(texts.privacy.DONE_NEEDS_COMMAND.format(number=number, kind=kind, command=command,
                                                          staff_id=request.staff_id), file=sys.stderr)
            return 2
        await _tell_done(session, config, [request])
        await privacy_requests.close(session, [request.id], by=operator(), with_="done", now=_now(config))
        if request.kind == "withdraw" and request.staff_id is not None:
            await people.set_active(session, request.staff_id, False)
    await log_access(db, "person_request", "staff", str(request.staff_id), request=number, kind=request.kind)
    print(texts.privacy.REQUEST_CLOSED.format(number=number, kind=kind))
    if request.kind == "withdraw":
        print(texts.privacy.WITHDRAWN.format(staff_id=request.staff_id))
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
