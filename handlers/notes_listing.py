"""/ghichu xem [MM/YYYY]: a month's notes in full, section by section, each section with the number the
month's report prints above it, in messages short enough for a phone."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

import texts
from reports.periods import Period
from reports.sections import SECTION_KEYS, SECTIONS
from storage import records

MESSAGE_LIMIT = 3000  # characters per listing message (Telegram takes 4096; Zalo less)
_TITLES = dict(SECTIONS)


async def listing(session: AsyncSession, period: Period, numbers: Mapping[str, str] | None = None) -> list[str]:
    """A month's notes in full, section by section, in messages short enough for a phone."""
    notes = await records.list_notes(session, period.key)
    order = [*SECTION_KEYS, *sorted({n.section for n in notes} - set(SECTION_KEYS))]
    blocks = [texts.report.notes_header(period, len(notes))]
    for key in order:
        written = [n.text for n in notes if n.section == key]
        if written:
            blocks.append("\n".join([texts.report.notes_section(key, _TITLES.get(key, ""), (numbers or {}).get(key)), *map(texts.report.note_item, written)]))
    return messages(blocks)


def messages(blocks: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Blocks joined into messages of at most `limit` characters; a longer block is cut at line breaks."""
    pieces = [piece for block in blocks for piece in _cut(block, limit)]
    out: list[str] = []
    for piece in pieces:
        if out and len(out[-1]) + 1 + len(piece) <= limit:
            out[-1] += "\n" + piece
        else:
            out.append(piece)
    return out


def _cut(block: str, limit: int) -> list[str]:
    if len(block) <= limit:
        return [block]
    lines = [line[i : i + limit] for line in block.split("\n") for i in range(0, max(len(line), 1), limit)]
    return messages(lines, limit) if len(lines) > 1 else lines
