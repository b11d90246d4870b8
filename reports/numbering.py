"""The number the report prints above each section's notes, for /ghichu to show beside the section's key.

The template numbers its headings as it prints them (render.Numbering): a section with nothing to say
is left out and the numbers close up, so "A.VII.4" prints as "V.4." in a month without section III.
The number therefore comes from the template itself: once per template file (cached on its path, size
and time of change) its Jinja statements and heading numbers are kept, its text dropped, and before each
loop over a section's notes a mark `n.here(section)` is put; that skeleton, run on a month's figures
and notes, says under which printed heading each section's notes stand. A section that prints nothing
this month is given the number it would print under once a note is written there. /ghichu's numbers
of a month are kept while the month's stamp (storage/period_stamp.py) stays the same.
"""

from __future__ import annotations

import functools
import re
from collections import OrderedDict
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Template

from reports.aggregate import MonthlyReportData, SectionNotes, aggregate
from reports.periods import Period, note_periods
from reports.render import jinja_environment, report_context
from reports.sections import SECTION_KEYS, template_name
from reports.service import period_records
from reports.settings import ReportSettings
from storage.catalogue import Catalogue
from storage.period_stamp import period_stamp

_KEPT = re.compile(r"\{%.*?%\}|\{\{\s*n\.\w+\(.*?\)\s*\}\}", re.DOTALL)  # statements, heading numbers
_NOTES_LOOP = re.compile(r"\{%-?\s*for\s.+?\sin\s(.*?)-?%\}", re.DOTALL)
_NOTES = re.compile(r"\bnotes\.(\w+)")
_WRITTEN = SectionNotes(after=("…",))  # a section given a note, to see where it would print


def skeleton_source(document_xml: str) -> str:
    """The template's statements and heading numbers, with `n.here(section)` before each loop over
    a section's notes (document_xml as docxtpl prepares it for Jinja)."""
    out = []
    for token in _KEPT.findall(document_xml):
        if loop := _NOTES_LOOP.match(token):
            out += [f'{{{{ n.here("{name}") }}}}' for name in dict.fromkeys(_NOTES.findall(loop[1]))]
        out.append(token)
    return "".join(out)


@functools.lru_cache(maxsize=8)
def _skeleton(path: str, size: int, changed_ns: int) -> Template:
    template = DocxTemplate(path)
    template.init_docx()
    return jinja_environment().from_string(skeleton_source(template.patch_xml(template.get_xml())))


def _version(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def skeleton(path: Path) -> Template:
    return _skeleton(str(path), *_version(path))


def _where(template: Template, context: dict[str, Any]) -> dict[str, str]:
    template.render(context)
    return context["n"].where


def section_numbers(
    data: MonthlyReportData, settings: ReportSettings, sections: tuple[str, ...] = SECTION_KEYS
) -> dict[str, str]:
    """Section key ("A.VII.4") → the number printed above its notes in this month's report ("V.4"),
    or the one it would be printed under once a note is written there; a section the template
    never prints notes of is left out."""
    template = skeleton(Path(settings.template))
    printed = _where(template, report_context(data, settings))
    out = {}
    for key in sections:
        name = template_name(key)
        if "." not in key:  # a part ("B"): printed by its letter, also in a template older than n.part
            out[key] = key
            continue
        if name not in printed:
            written = report_context(data, settings)
            written["notes"] = {**data.notes, name: _WRITTEN}
            number = _where(template, written).get(name)
        else:
            number = printed[name]
        if number:
            out[key] = number
    return out


class _Kept:
    """/ghichu's numbers of recent periods, kept while the period's stamp (storage/period_stamp.py:
    anything the report of the period reads) and the settings and template stay the same: the form
    asks for its section list twice per step, and a month changes far less often than it is asked."""

    SIZE = 24

    def __init__(self) -> None:
        self.numbers: OrderedDict[tuple, tuple[Any, Catalogue, tuple, dict[str, str]]] = OrderedDict()
        self.loads = 0  # periods loaded and aggregated (the tests count them)


KEPT = _Kept()


async def month_section_numbers(
    session: Any, catalogue: Catalogue, settings: ReportSettings, period: Period, count: str = "all"
) -> dict[str, str]:
    """section_numbers of the period's report as it would be made now (in the caller's transaction),
    counting what it counts ([reporting] count); kept while nothing it depends on changes."""
    database = session.get_bind().engine
    key = (id(database), id(catalogue), period.key, period.cut_off_day, count, repr(settings),
           _version(Path(settings.template)))  # fmt: skip
    stamp = await period_stamp(session, period.start, period.end, note_periods(period))
    kept = KEPT.numbers.get(key)
    if kept is not None and kept[0] is database and kept[1] is catalogue and kept[2] == stamp:
        KEPT.numbers.move_to_end(key)
        return dict(kept[3])
    KEPT.loads += 1
    numbers = section_numbers(aggregate(await period_records(session, period, count), catalogue, period), settings)
    KEPT.numbers[key] = (database, catalogue, stamp, numbers)  # the objects too: an id is only theirs while they live
    while len(KEPT.numbers) > KEPT.SIZE:
        KEPT.numbers.popitem(last=False)
    return dict(numbers)
