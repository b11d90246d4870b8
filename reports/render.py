"""Render the monthly report: the aggregated figures and the settings poured into the Word template.

User text reaches the document only through Jinja2 expressions, which are escaped (autoescape) and
stripped of the characters XML 1.0 forbids (a vertical tab pasted from Word would otherwise make a
file Word refuses to open). Undefined names render empty, so a template edited for another
catalogue degrades to missing clauses instead of failing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import ChainableUndefined, Environment
from markupsafe import Markup

import texts
from reports.aggregate import MonthlyReportData
from reports.files import write_atomically
from reports.periods import day_word, month_word
from reports.sections import template_name
from reports.settings import ReportSettings
from storage.text import strip_pictographs, strip_xml_forbidden

BLANK = " " * 6  # the records office writes the number and the day by hand when the report is issued


def _document_safe(text: str) -> str:
    return strip_pictographs(strip_xml_forbidden(text))


def _xml_safe(value: Any) -> Any:
    """Jinja's finalize hook: every printed value loses XML-forbidden characters and pictographs."""
    if isinstance(value, Markup):
        return Markup(_document_safe(str(value)))
    if isinstance(value, str):
        return _document_safe(value)
    return value


class Numbering:
    """Heading numbers counted as the template prints them, so a section the template leaves out
    closes the numbering up: `{{ n.h1() }}` -> "I", "II" …; `{{ n.h2() }}` -> "1", "2" …;
    `{{ n.h3() }}` -> "1.1", "1.2" … Each level restarts under a new heading of the level above, and
    under a part's heading (`{{ n.part("B") }}`, which prints nothing).

    It also remembers where each section's notes print (`n.here("A_IV_1")`, which prints nothing;
    reports.numbering places it): `where["A_IV_1"]` is the full number of the heading above them
    ("IV.1"), or the part's letter ("B") — what /ghichu shows beside the section's key."""

    _ROMAN = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))

    def __init__(self) -> None:
        self._levels = [0, 0, 0]
        self._roman = ""
        self.current = ""  # the full number of the last heading printed ("II.1.2"), or the part's letter
        self.where: dict[str, str] = {}

    def _next(self, depth: int) -> int:
        self._levels[depth] += 1
        self._levels[depth + 1 :] = [0] * (len(self._levels) - depth - 1)
        return self._levels[depth]

    def part(self, letter: str) -> str:
        self._levels, self._roman, self.current = [0, 0, 0], "", letter
        return ""

    def h1(self) -> str:
        n, out = self._next(0), ""
        for value, letters in self._ROMAN:
            while n >= value:
                out, n = out + letters, n - value
        self._roman = self.current = out
        return out

    def h2(self) -> str:
        number = str(self._next(1))
        self.current = f"{self._roman}.{number}"
        return number

    def h3(self) -> str:
        number = f"{self._levels[1]}.{self._next(2)}"
        self.current = f"{self._roman}.{number}"
        return number

    def here(self, section: str) -> str:
        self.where.setdefault(section, self.current)
        return ""


def jinja_environment() -> Environment:
    return Environment(autoescape=True, undefined=ChainableUndefined, finalize=_xml_safe)


def document_fields(
    period_end: dt.date, number: int | str | None = None, issued_on: dt.date | None = None
) -> dict[str, str]:
    """Number and date of the header: blank (a draft for signing) unless given.

    Without a date the day stays blank and the month and year are those the period ends in: the
    report is issued in the days right after the cut-off.
    """
    if isinstance(number, int) or (isinstance(number, str) and number.strip().isdigit()):
        number_text = f"{int(number):02d}"  # "5" -> "05", as the records office writes it
    else:
        number_text = (number or "").strip() or BLANK
    when = issued_on or period_end
    return {
        "number": number_text,
        "day": day_word(issued_on.day) if issued_on else BLANK,
        "month": month_word(when.month),
        "year": str(when.year),
    }


def report_context(
    data: MonthlyReportData,
    settings: ReportSettings,
    number: int | str | None = None,
    issued_on: dt.date | None = None,
) -> dict[str, Any]:
    """The names the template uses: period, calibration, inspections, licences, act, notes, org, doc."""
    return {
        "period": data.period,
        "calibration": data.calibration,
        "inspections": data.inspections,
        "licences": data.licences,
        "act": data.activities,
        "notes": data.notes,
        "org": settings,
        "doc": document_fields(data.period.end, number, issued_on),
        "n": Numbering(),
        "defaults": section_defaults(settings, data.period),
    }


def section_defaults(settings: ReportSettings, period: Any) -> dict[str, str]:
    """[reporting] section_defaults for this period, by template name ("A_II_1_2"): {plan_year} and
    {previous_year} filled in, without a closing full stop (the template adds its figures and one)."""
    years = {"plan_year": period.plan_year, "previous_year": period.plan_year - 1}
    return {
        template_name(key): text.replace("{plan_year}", str(years["plan_year"]))
        .replace("{previous_year}", str(years["previous_year"]))
        .rstrip(" .")
        for key, text in settings.section_defaults.items()
    }


def set_properties(document: Any, data: MonthlyReportData, settings: ReportSettings, made_at: dt.datetime) -> None:
    """The file's core properties name the department and the time the report was made."""
    author = f"{settings.department_name} {settings.locality}".strip()
    props = document.core_properties
    props.title = texts.report.document_title(data.period.label)
    props.subject = data.period.line
    props.author = props.last_modified_by = author
    props.comments = ""
    props.created = props.modified = made_at.astimezone(dt.UTC).replace(microsecond=0)
    props.revision = 1


def render_monthly_report(
    data: MonthlyReportData,
    settings: ReportSettings,
    out_path: Path | str,
    number: int | str | None = None,
    issued_on: dt.date | None = None,
    made_at: dt.datetime | None = None,
) -> Path:
    """Write the .docx to out_path (atomically: a reader never sees half a file) and return the path."""
    template = DocxTemplate(str(settings.template))
    template.render(
        report_context(data, settings, number, issued_on), jinja_env=jinja_environment(), autoescape=True
    )
    set_properties(template.docx, data, settings, made_at or dt.datetime.now(dt.UTC))
    return write_atomically(out_path, template.save, ".docx")
