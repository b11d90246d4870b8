"""The notes import: `python main.py notes import --month YYYY-MM FILE` adds a month's report notes
from a .txt or .docx file (the format: IMPORT_FORMAT, shown by --help)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

import texts
from handlers.notes import next_position, same_text
from reports.periods import Period
from reports.sections import SECTION_KEYS, SECTIONS
from storage import records
from storage.db import Database
from storage.domain import Note, RecordMeta
from storage.text import clean_line, fold

IMPORT_FORMAT = texts.report.import_format(SECTION_KEYS)


class NotesFileError(ValueError):
    """The file does not follow IMPORT_FORMAT; the message says where and why."""


async def import_notes(
    db: Database, period: Period | str, path: str | Path, recorded_by: int | None = None
) -> int:
    """Add the notes of a .txt or .docx file to a month, in one transaction; returns how many were added."""
    if not isinstance(period, str) and period.kind != "month":
        raise ValueError(f"notes are kept per month, not for {period.key}")
    key = period if isinstance(period, str) else period.key
    found = await asyncio.to_thread(read_notes_file, Path(path))
    meta = RecordMeta(recorded_by, "cli", f"import:{Path(path).name}", dt.datetime.now(dt.UTC))  # type: ignore[arg-type]
    async with db.unit_of_work() as session:
        return await _add_new(session, key, found, meta)


async def _add_new(session: AsyncSession, period: str, found: list[tuple[str, str]], meta: RecordMeta) -> int:
    existing = await records.list_notes(session, period)
    added = 0
    for section, text in found:
        in_section = [n for n in existing if n.section == section]
        if any(same_text(n.text) == same_text(text) for n in in_section):
            continue
        note = await records.add_note(
            session, Note(0, period, section, text, next_position(in_section)), meta
        )
        existing.append(note)
        added += 1
    return added


def read_notes_file(path: Path) -> list[tuple[str, str]]:
    """(section, text) for each note of the file, in file order."""
    if not path.is_file():
        raise NotesFileError(f"{path}: no such file")
    if path.suffix.lower() == ".docx":
        lines, unit = _docx_lines(path), "paragraph"
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise NotesFileError(f"{path}: not UTF-8 text (save it as UTF-8, or as .docx)") from None
        lines, unit = [(line, False) for line in text.splitlines()], "line"
    try:
        return parse_notes(lines, unit)
    except NotesFileError as error:
        raise NotesFileError(f"{path}: {error}") from None


def _docx_lines(path: Path) -> list[tuple[str, bool]]:
    import docx  # python-docx; only the import needs it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError):
        raise NotesFileError(f"{path}: not a readable .docx file") from None
    return [
        (p.text, (p.style.name if p.style is not None else "").startswith("Heading"))
        for p in document.paragraphs
    ]


def parse_notes(lines: Iterable[tuple[str, bool]], unit: str = "line") -> list[tuple[str, str]]:
    """Notes from (text, is_heading_style) lines, following IMPORT_FORMAT."""
    notes: list[tuple[str, str]] = []
    section: str | None = None
    paragraphs: list[str] = []
    for number, (raw, styled) in enumerate(lines, 1):
        line = clean_line(raw)
        if line.startswith("#") or (styled and line):
            if paragraphs:
                notes.append((section, "\n".join(paragraphs)))  # type: ignore[arg-type]
            section, paragraphs = _heading(line.lstrip("#").strip(), f"{unit} {number}"), []
        elif not line:
            if paragraphs:
                notes.append((section, "\n".join(paragraphs)))  # type: ignore[arg-type]
            paragraphs = []
        elif section is None:
            raise NotesFileError(f'{unit} {number}: text before the first section heading ("# A.I", …)')
        else:
            paragraphs.append(line)
    if paragraphs:
        notes.append((section, "\n".join(paragraphs)))  # type: ignore[arg-type]
    if not notes:
        raise NotesFileError(
            'no notes found: the file needs a section heading ("# A.I", …) and text under it'
        )
    return notes


def _heading(text: str, where: str) -> str:
    first = text.split(" ", 1)[0].upper().rstrip(".:")
    if first in SECTION_KEYS:
        return first
    wanted = fold(text).rstrip(".:")
    for key, title in SECTIONS:
        if fold(title) == wanted:
            return key
    raise NotesFileError(
        f"{where}: “{text}” names no report section; use a key ({', '.join(SECTION_KEYS)}) "
        "or a section's title"
    )
