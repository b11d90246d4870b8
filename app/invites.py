"""`main.py admin invite --from staff.csv --out codes.xlsx`: one invitation per row, codes in a sheet.

The CSV (UTF-8, comma or semicolon, as Excel saves it) has a header row with a name column ("Họ tên",
"Họ và tên" or "name") and a roles column ("Vai trò" or "roles"): role keys or their Vietnamese names,
separated by commas or semicolons. Every row is checked before any code is made; the codes are
written to an .xlsx readable by its owner only (they are one-time passwords until used).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

import texts
from app.errors import output_file
from bot.config import Config
from handlers.people import role_of
from storage import engine_store, people
from storage.db import open_database
from storage.domain import ROLES
from storage.files import link_free_name, private_temp
from storage.migrate import upgrade
from storage.text import clean_line, fold
from texts.people import ROLE_NAMES

role_key = role_of  # a role as people write it: its key, name or a common variant (handlers/people.py)


class InviteFileError(Exception):
    """The file cannot be used; the message says which line and what to change."""


def _roles(cell: str, line: int) -> list[str]:
    words = [w for w in re.split(r"[,;/+]", cell) if w.strip()]
    keys = [role_key(w) for w in words]
    if None in keys or not words:
        raise InviteFileError(texts.operations.invite_bad_role(line, cell, texts.people.role_choices()))
    return sorted(set(keys), key=ROLES.index)


def read_people(path: Path) -> list[tuple[str, list[str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InviteFileError(texts.operations.invite_no_file(path)) from None
    except UnicodeDecodeError:
        raise InviteFileError(texts.operations.invite_not_utf8(path)) from None
    delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    if not rows:
        raise InviteFileError(texts.operations.invite_empty(path, texts.people.role_choices()))
    header = [fold(h) for h in rows[0]]
    name_col = next((i for i, h in enumerate(header) if h in texts.operations.INVITE_NAME_HEADERS), None)
    role_col = next((i for i, h in enumerate(header) if h in texts.operations.INVITE_ROLE_HEADERS), None)
    if name_col is None or role_col is None:
        raise InviteFileError(texts.operations.invite_csv_format(texts.people.role_choices()))
    found, bad = [], []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        name = clean_line(row[name_col]) if name_col < len(row) else ""
        try:
            roles = _roles(row[role_col] if role_col < len(row) else "", line)
        except InviteFileError as error:
            bad.append(str(error))
            roles = []
        if not name:
            bad.append(texts.operations.invite_no_name(line))
        found.append((name, roles))
    if bad:  # every bad row at once: one run to find them all, one to check the fix
        raise InviteFileError("\n".join([texts.operations.invite_bad_rows(path, len(bad)), *bad]))
    if not found:
        raise InviteFileError(texts.operations.invite_no_rows(path))
    return found


def write_codes(out: Path, invites: list[tuple[str, list[str], str, dt.datetime]], zone,
                system: str = texts.people.DEFAULT_SYSTEM_NAME) -> Path:
    """The sheet of codes, owner-only; never over an existing file (the next free name)."""
    book = Workbook()
    sheet = book.active
    sheet.title = texts.operations.INVITE_SHEET
    sheet.append(texts.operations.invite_header(system))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for name, roles, code, expires in invites:
        sheet.append([name, ", ".join(ROLE_NAMES[r] for r in roles), f"/start {code}",
                      expires.astimezone(zone).strftime("%d/%m/%Y")])
    for column, width in zip("ABCD", (32, 32, 34, 12), strict=True):
        sheet.column_dimensions[column].width = width
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = private_temp(out)
    try:
        book.save(tmp)
        return link_free_name(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


async def invite_from_file(config: Config, source: str, out: str | None, days: int | None) -> int:
    if not out or not out.lower().endswith(".xlsx"):
        print(texts.operations.INVITE_NEEDS_OUT, file=sys.stderr)
        return 2
    asked = output_file(out, "ma_moi.xlsx")
    try:
        wanted = read_people(Path(source))
    except InviteFileError as error:
        print(error, file=sys.stderr)
        return 1
    days = days or config.general.invite_days
    now = dt.datetime.now(dt.UTC)
    config.general.data_dir.mkdir(parents=True, exist_ok=True)
    db = open_database(config.database.url, busy_timeout_ms=config.database.sqlite_busy_timeout_ms)
    made = []
    try:
        await upgrade(db.engine)
        async with db.unit_of_work() as session:
            for name, roles in wanted:
                code, invite = await people.create_invite(session, name=name, roles=roles, now=now,
                                                          valid_for=dt.timedelta(days=days))
                await engine_store.audit(session, staff_id=None, action="invite", entity="invite",
                                         entity_id=invite.id, after={"roles": roles, "channel": "cli"}, now=now)
                made.append((name, roles, code, invite.expires_at))
            written = write_codes(asked, made, config.general.zone, config.language.system_name)  # in the transaction: no file, no codes
    finally:
        await db.close()
    where = str(written)
    if written != asked:
        where += " " + texts.cli.NAME_TAKEN.format(name=asked.name, new=written.name)
    print(texts.operations.invites_made(len(made), where, days))
    return 0
