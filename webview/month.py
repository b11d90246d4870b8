"""The month page (issue 25): `/` → the current period, `/?ky=…` any month, quarter, half-year or year.

What it shows comes from reports/month.py (through reports/month_cache.py) (the report's own aggregation: the figures are the report's)
and reports/charts.py (the SVG charts, written here into the page: no JavaScript). The period is the
one /baocao makes without one (reports.periods.default_period); `ky` takes whatever /baocao takes
("01/2023", "quy 1 2023", "2023-Q1", "6T/2023", "2023"), and a period that is not one, or has not begun,
gets the sentence the chat gives, the typed text kept in the field, the current period below.

Downloads are POST forms (with the CSRF token): making a month's report may write section B's default
list first, as /baocao does (`deps.extra["prepare_report"]`, given by app/web_view.py). Who may download
is who may in the chat: managers (`DOWNLOAD_ROLES`). Each download is logged as the chat's are.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from aiohttp import web
from markupsafe import Markup

import texts
from reports import pdf
from reports.charts import comparison_chart, weekly_chart
from reports.month_cache import MonthCache
from reports.periods import (
    Period,
    PeriodError,
    default_period,
    half_period,
    parse_period,
    period_line,
    quarter_period,
    year_period,
)
from reports.service import ALL, generate_export, generate_report, load_month
from reports.settings import ReportSettings
from storage.report_log import log_report
from storage.review import STATES
from webview import auth
from webview.deps import DEPS, WebDeps
from webview.records import ROUTE as RECORDS_ROUTE
from webview.render import render

log = logging.getLogger(__name__)

PARAM = "ky"
DOWNLOAD_ROUTE = "/tai/{file}"
DOWNLOAD_ROLES = frozenset({"manager"})
FILES = {  # the file's name in the route → (what it is, its content type)
    "bao-cao.docx": ("report", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "bao-cao.pdf": ("pdf", "application/pdf"),
    "du-lieu.xlsx": ("export", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


class BadPeriod(Exception):
    def __init__(self, sentence: str):
        super().__init__(sentence)
        self.sentence = sentence


def _due_day(deps: WebDeps) -> int:
    return int(deps.config.reporting.get("report_due_day", 20))  # checked when the bot starts


def _count(deps: WebDeps) -> str:
    """[reporting] count: the page's figures and its .docx count what /baocao counts (issue 24)."""
    return deps.config.reporting.get("count", ALL)  # checked when the config loads


def chosen_period(typed: str | None, today: dt.date, cut_off_day: int, due_day: int) -> tuple[Period, bool]:
    """The period asked for (BadPeriod with the chat's sentence when it is none or has not begun), or
    without one the period /baocao makes (True when that is the month that just ended)."""
    if typed is None or not typed.strip():
        return default_period(today, cut_off_day, due_day)
    try:
        period = parse_period(typed, cut_off_day)
    except PeriodError:
        raise BadPeriod(texts.report.bad_period(typed.strip())) from None
    if period.start > today:
        raise BadPeriod(texts.report.future_period(period))
    return period, False


def as_typed(period: Period) -> str:
    """The period as people type it (the chooser's field): "01/2023", "Q1/2023", "2023-H1", "2023"."""
    if period.kind == "month":
        return f"{period.number:02d}/{period.year}"
    return f"Q{period.number}/{period.year}" if period.kind == "quarter" else period.key


def wider(period: Period) -> tuple[Period, ...]:
    """The quarter, half-year and year a period lies in (those longer than it)."""
    number = {"month": period.number, "quarter": period.number * 3, "half": period.number * 6, "year": 12}[period.kind]
    out = []
    if period.kind == "month":
        out.append(quarter_period(period.year, (number - 1) // 3 + 1, period.cut_off_day))
    if period.kind in ("month", "quarter"):
        out.append(half_period(period.year, (number - 1) // 6 + 1, period.cut_off_day))
    if period.kind != "year":
        out.append(year_period(period.year, period.cut_off_day))
    return tuple(out)


def _records_link(kind: str, state: str, period: Period) -> str:
    """The records page listing the period's records of one kind in one review state."""
    return RECORDS_ROUTE + "?" + urlencode({"loai": kind, "trangthai": state, "ky": period.key})


def cache_of(deps: WebDeps) -> MonthCache:
    """The figures of the periods shown lately, one store per web view (reports/month_cache.py)."""
    return deps.extra.setdefault("month_cache", MonthCache())


def _catalogue(deps: WebDeps):
    return deps.config.catalogue


async def page(request: web.Request, viewer) -> web.Response:
    deps: WebDeps = request.app[DEPS]
    today = deps.clock.today()
    typed = request.query.get(PARAM)
    cut_off, due = deps.config.cut_off_day, _due_day(deps)
    error = ""
    try:
        period, just_ended = chosen_period(typed, today, cut_off, due)
    except BadPeriod as bad:
        error = bad.sentence
        period, just_ended = default_period(today, cut_off, due)
    view = await load_month(deps.db, _catalogue(deps), period, _count(deps), cache_of(deps))
    line, span = period_line(period)
    following = period.next()
    context = {
        "m": texts.month,
        "view": view,
        "heading": texts.month.TITLE.format(period=period.phrase),
        "span": span,
        "typed": typed if error else as_typed(period),
        "error": error,
        "just_ended": just_ended,
        "previous": period.previous(),
        "following": following if following.start <= today else None,
        "wider": wider(period),
        "param": PARAM,
        "weekly": Markup(weekly_chart(view)),  # reports/charts.py escapes every label
        "compare": Markup(comparison_chart(view)),
        "compare_title": texts.month.COMPARE_TITLE.format(current=period.label, previous=period.previous().phrase),
        "downloads": viewer.staff.has(*DOWNLOAD_ROLES),
        "files": {name: DOWNLOAD_ROUTE.replace("{file}", name) for name in FILES},
        "pdf": pdf.office() is not None,
        "empty_sections": [s.title for s in view.sections if not s and s.key],
        "review_links": {line.kind: {state: _records_link(line.kind, state, period) for state in STATES}
                         for line in view.review},  # fmt: skip
    }
    return render(request, "month.html", context, viewer=viewer, status=400 if error else 200)


async def download(request: web.Request, viewer) -> web.StreamResponse:
    """POST /tai/bao-cao.docx | bao-cao.pdf | du-lieu.xlsx with `ky`: the period's file, made now."""
    deps: WebDeps = request.app[DEPS]
    name = request.match_info.get("file", "")
    if name not in FILES:
        return auth.not_found(request, viewer)
    if not viewer.staff.has(*DOWNLOAD_ROLES):  # the registry's roles already; checked here too
        return auth.refuse(request, viewer)
    what, content_type = FILES[name]
    form = await request.post()
    today = deps.clock.today()
    try:
        period, _ = chosen_period(str(form.get(PARAM, "")), today, deps.config.cut_off_day, _due_day(deps))
    except BadPeriod as bad:
        return render(request, "message.html", {"heading": texts.month.CHOOSE, "body": bad.sentence},
                      viewer=viewer, status=400)  # fmt: skip
    if what == "pdf" and pdf.office() is None:
        return auth.not_found(request, viewer)
    data = await _make(deps, what, period, viewer)
    if data is None:
        return render(request, "message.html", {"heading": texts.month.DOWNLOAD_PDF, "body": texts.month.PDF_FAILED},
                      viewer=viewer, status=503)  # fmt: skip
    stem = ("DuLieu_KHCN_" if what == "export" else "BaoCao_KHCN_") + period.key
    suffix = Path(name).suffix
    return web.Response(
        body=data,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{stem}{suffix}"', "Cache-Control": "no-store"},
    )


async def _make(deps: WebDeps, what: str, period: Period, viewer) -> bytes | None:
    config = deps.config
    now = deps.clock.now()
    with tempfile.TemporaryDirectory(prefix="fieldbot-web-") as tmp:
        out = Path(tmp) / ("data.xlsx" if what == "export" else "report.docx")
        if what == "export":
            made = await generate_export(deps.db, _catalogue(deps), period, out)
        else:
            prepare = deps.extra.get("prepare_report")
            if prepare is not None:
                await prepare(period, viewer.staff.id, now)
            settings = ReportSettings.from_config(config.organisation, config.reporting, base_dir=config.path.parent)
            made = await generate_report(deps.db, _catalogue(deps), settings, period, out, count=_count(deps))
        if what == "pdf":
            try:
                data = await pdf.to_pdf(made.path)
            except pdf.PdfError as error:
                log.warning("the PDF of %s failed: %s", period.key, error)
                return None
        else:
            data = made.path.read_bytes()
    async with deps.db.unit_of_work() as session:
        kind = "export" if what == "export" else "report"
        await log_report(session, kind=kind, period=period.key, staff_id=viewer.staff.id, channel="web", now=now)
    return data
