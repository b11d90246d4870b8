"""/ban-ghi: every record in a table, filtered by kind, author, facility, review state and period, sorted
and paged in the database (storage/record_list.py), with a search that ignores diacritics.

The filters are the query string (a bookmark or a link keeps them): loai, nguoi, coso, trangthai, ky
(a period as people type it: 01/2023, Q1/2023, 2023; none: the current month, as /cuatoi; "tất cả":
every period), q, xep (date | kind | author | state | facility), chieu (asc | desc), trang. Those who see everything see every record; anyone else signed in
sees their own (and the visits they were at).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from aiohttp import web

import texts
from reports.periods import PeriodError, parse_period, period_of
from storage import record_list
from storage.record_list import ListQuery
from storage.text import fold
from webview.deps import DEPS, WebDeps
from webview.render import render

ROUTE = "/ban-ghi"
PER_PAGE = 50
STATES = ("waiting", "returned", "approved", "deleted")
EVERY_PERIOD = {fold(texts.web.EVERY_PERIOD), "tat ca", "all", "*"}


def record_path(kind: str, record_id: int) -> str:
    return f"{ROUTE}/{kind}/{record_id}"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def key_label(catalogue, kind: str, key: str) -> str:
    """A record's catalogue key as its label: the facility kind, field, licence or activity kind."""
    try:
        if kind == "inspection":
            return catalogue.facility_kind(key).label
        if kind == "calibration_batch":
            return catalogue.calibration_field(key).label
        if kind == "licence":
            return catalogue.licence_kind(key).label
        if kind == "activity":
            return catalogue.activity_kind(key).label
    except KeyError:
        return key
    return dict(texts.capture.PLAN_KINDS).get(key, key)


def _entries(catalogue, kind: str):
    return {"inspection": catalogue.facility_kinds, "calibration_batch": catalogue.calibration_fields,
            "licence": catalogue.licence_kinds, "activity": catalogue.activity_kinds}.get(kind, ())


def searched_keys(catalogue, kinds, search: str) -> dict[str, frozenset[str]]:
    """Per kind, the catalogue keys whose label or a synonym contains the folded search."""
    found = {}
    for kind in kinds:
        names = [(e.key, [e.label, *e.synonyms]) for e in _entries(catalogue, kind)]
        if kind == "plan":
            names = [(key, [label]) for key, label in texts.capture.PLAN_KINDS]
        keys = frozenset(key for key, words in names if any(search in fold(w) for w in words))
        if keys:
            found[kind] = keys
    return found


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    author: str = ""
    facility: str = ""
    state: str = ""
    period: str = ""
    search: str = ""
    sort: str = "date"
    direction: str = "desc"
    page: int = 1

    @classmethod
    def of(cls, query) -> Filters:
        def one(name: str) -> str:
            return str(query.get(name, "")).strip()[:100]

        page = one("trang")
        return cls(one("loai"), one("nguoi"), one("coso"), one("trangthai"), one("ky"), one("q"),
                   one("xep") if one("xep") in record_list.SORTS else "date",
                   "asc" if one("chieu") == "asc" else "desc", int(page) if page.isdecimal() and len(page) < 7 else 1)

    def link(self, **changes) -> str:
        """This list's address with some filters changed (a sort link, a page)."""
        values = {"loai": self.kind, "nguoi": self.author, "coso": self.facility, "trangthai": self.state,
                  "ky": self.period, "q": self.search, "xep": self.sort, "chieu": self.direction, "trang": self.page}
        values.update(changes)
        kept = {k: v for k, v in values.items() if v not in ("", None) and not (k == "trang" and v == 1)}
        return ROUTE + ("?" + urlencode(kept) if kept else "")

    def sort_link(self, column: str) -> str:
        direction = "asc" if self.sort == column and self.direction == "desc" else "desc"
        return self.link(xep=column, chieu=direction, trang=1)


def query_of(filters: Filters, deps: WebDeps, kinds: tuple[str, ...], viewer) -> tuple[ListQuery, str]:
    """The database query the filters ask for, and the sentence for a period that names none."""
    problem, start, end = "", None, None
    if not filters.period:
        today = deps.clock.now().astimezone(deps.zone).date()
        current = period_of(today, deps.config.cut_off_day)
        start, end = current.start, current.end
    elif fold(filters.period) in EVERY_PERIOD:
        pass
    else:
        try:
            period = parse_period(filters.period, deps.config.cut_off_day)
            start, end = period.start, period.end
        except PeriodError:
            problem = texts.web.BAD_PERIOD.format(period=filters.period)
    search = fold(filters.search)
    chosen = (filters.kind,) if filters.kind in kinds else kinds
    return ListQuery(
        kinds=chosen, author=int(filters.author) if filters.author.isdecimal() else None,
        facility=int(filters.facility) if filters.facility.isdecimal() else None,
        state=filters.state if filters.state in STATES else "", start=start, end=end, search=search,
        keys=searched_keys(deps.config.catalogue, chosen, search) if search else {},
        sort=filters.sort, descending=filters.direction == "desc", page=filters.page, per_page=PER_PAGE,
        only_of=None if viewer.sees_all else viewer.staff.id,
    ), problem  # fmt: skip


async def page(request: web.Request, viewer) -> web.Response:
    deps: WebDeps = request.app[DEPS]
    filters = Filters.of(request.query)
    kinds = tuple(k for k, _ in deps.kinds) or record_list.KINDS
    query, problem = query_of(filters, deps, kinds, viewer)
    async with deps.db.read() as session:
        found = await record_list.list_records(session, query)
        authors = await record_list.authors(session) if viewer.sees_all else []
    nouns = dict(deps.kinds)
    rows = [{"href": record_path(r.kind, r.id), "day": r.day, "kind": capitalised(nouns.get(r.kind, r.kind)),
             "what": " · ".join(x for x in (key_label(deps.config.catalogue, r.kind, r.key), r.text) if x),
             "facility": r.facility, "author": r.author, "state": r.state,
             "state_label": texts.web.STATE_NAMES.get(r.state, r.state)} for r in found.rows]  # fmt: skip
    return render(request, "records.html", {
        "heading": texts.web.RECORDS_TITLE, "rows": rows, "every_period": filters.link(ky=texts.web.EVERY_PERIOD, trang=1), "found": found, "filters": filters, "problem": problem,
        "kinds": [(k, capitalised(nouns.get(k, k))) for k in kinds], "authors": authors,
        "states": [(s, texts.web.STATE_NAMES[s]) for s in STATES],
        "previous": filters.link(trang=found.page - 1) if found.page > 1 else "",
        "next": filters.link(trang=found.page + 1) if found.page < found.pages else "",
    }, viewer=viewer)  # fmt: skip
