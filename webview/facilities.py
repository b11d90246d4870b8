"""/co-so: the register of facilities (search without diacritics, by kind, paged) and those with a
position on a map; /co-so/{id}: one facility, its inspections (the record list's rows) and its
licences (the register's, with their status), on the map too. For those who see everything."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

import texts
from storage import facilities_store, licence_register, record_list, records
from storage.domain import NotFound
from storage.record_list import ListQuery
from storage.text import fold
from webview import auth
from webview.deps import DEPS, WebDeps
from webview.records import STATES, record_path
from webview.render import render

ROUTE = "/co-so"
ONE_ROUTE = "/co-so/{id:[0-9]{1,12}}"
PER_PAGE = 50
SOON_DAYS = 60  # a licence expiring within this many days is "sắp hết hạn"


def kind_label(catalogue, key: str) -> str:
    try:
        return catalogue.facility_kind(key).label
    except KeyError:
        return key


def _point(facility, catalogue) -> dict:
    return {"lat": facility.latitude, "lon": facility.longitude, "label": facility.name,
            "href": f"{ROUTE}/{facility.id}", "kind": kind_label(catalogue, facility.kind)}


async def register(request: web.Request, viewer) -> web.Response:
    deps: WebDeps = request.app[DEPS]
    catalogue = deps.config.catalogue
    search = str(request.query.get("q", "")).strip()[:100]
    kind = str(request.query.get("loai", ""))
    kind = kind if kind in {k.key for k in catalogue.facility_kinds} else ""
    page = str(request.query.get("trang", "1"))
    page = int(page) if page.isdecimal() and len(page) < 7 else 1
    async with deps.db.read() as session:
        rows, total = await facilities_store.register(session, search=fold(search), kind=kind, page=page,
                                                      per_page=PER_PAGE)
        on_map = await facilities_store.located(session, kind=kind) if deps.config.web.tiles_url else []
    pages = max(1, -(-total // PER_PAGE))

    def link(n: int) -> str:
        kept = {k: v for k, v in (("q", search), ("loai", kind), ("trang", n)) if v and not (k == "trang" and v == 1)}
        return ROUTE + ("?" + urlencode(kept) if kept else "")

    return render(request, "facilities.html", {
        "heading": texts.web.FACILITIES_TITLE, "rows": rows, "total": total, "page": min(page, pages), "pages": pages,
        "search": search, "kind": kind, "kinds": [(k.key, k.label) for k in catalogue.facility_kinds],
        "label": lambda key: kind_label(catalogue, key),
        "previous": link(page - 1) if page > 1 else "", "next": link(page + 1) if page < pages else "",
        "points": [_point(f, catalogue) for f in on_map], "tiles": deps.config.web.tiles_url,
        "attribution": deps.config.web.tiles_attribution,
    }, viewer=viewer)  # fmt: skip


async def facility(request: web.Request, viewer) -> web.Response:
    deps: WebDeps = request.app[DEPS]
    catalogue = deps.config.catalogue
    facility_id = int(request.match_info["id"])
    today = deps.clock.now().astimezone(deps.zone).date()
    async with deps.db.read() as session:
        try:
            found = await records.get_facility(session, facility_id)
        except NotFound:
            return auth.not_found(request, viewer)
        visits = await record_list.list_records(session, ListQuery(kinds=("inspection",), facility=facility_id,
                                                                   per_page=200))
        licences = await licence_register.of_facility(session, facility_id, found.name)
        replaced = await licence_register.replaced_ids(session) if licences else set()
    nouns = dict(deps.kinds)
    rows = [{"href": record_path(r.kind, r.id), "day": r.day, "author": r.author,
             "state": r.state, "state_label": texts.web.STATE_NAMES.get(r.state, r.state)} for r in visits.rows]
    licence_rows = [{"number": lic.number, "kind": _licence_kind(catalogue, lic.kind), "holder": lic.holder,
                     "issued": lic.issue_date, "expiry": lic.expiry_date,
                     "status": texts.licences.STATUS[licence_register.status_of(lic, today, SOON_DAYS, lic.id in replaced)],
                     "href": record_path("licence", lic.id) if not lic.imported else ""}
                    for lic in licences]  # fmt: skip
    located = found.latitude is not None and found.longitude is not None
    return render(request, "facility.html", {
        "heading": found.name, "facility": found, "kind_label": kind_label(catalogue, found.kind),
        "visits": rows, "visit_noun": nouns.get("inspection", ""), "licences": licence_rows, "located": located,
        "points": [_point(found, catalogue)] if located else [], "tiles": deps.config.web.tiles_url,
        "attribution": deps.config.web.tiles_attribution, "states": STATES,
    }, viewer=viewer)  # fmt: skip


def _licence_kind(catalogue, key: str) -> str:
    try:
        return catalogue.licence_kind(key).label
    except KeyError:
        return key
