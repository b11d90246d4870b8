"""/ban-ghi/{kind}/{id}: one record as its review card shows it in the chat, its photos, its history
and, for an inspection, its place (the facility's position) on a map; /ban-ghi/{kind}/{id}/anh/{name}:
one of its photos.

Who may open it: those who see everything, its author, and for a visit the inspectors who were there
(anyone else: 403). A photo is served only when its name is one of this record's photos and the file
is inside the media folder: any other name, `..` included, or another record's photo, is 404.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

import texts
from storage import records, review
from storage.domain import NotFound
from webview import auth, review_actions
from webview.deps import DEPS, WebDeps
from webview.records import capitalised, record_path
from webview.render import render

log = logging.getLogger(__name__)

ROUTE = "/ban-ghi/{kind}/{id:[0-9]{1,12}}"
PHOTO_ROUTE = ROUTE + "/anh/{name}"
PHOTO_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
               ".gif": "image/gif"}


def photo_path(kind: str, record_id: int, name: str) -> str:
    return f"{record_path(kind, record_id)}/anh/{quote(name)}"


async def _card(request: web.Request, viewer):
    """The record's card, or the answer refusing it (404 unknown, 403 not the viewer's)."""
    deps: WebDeps = request.app[DEPS]
    kind, record_id = request.match_info["kind"], int(request.match_info["id"])
    if deps.card is None or kind not in dict(deps.kinds):
        return None, auth.not_found(request, viewer)
    async with deps.db.read() as session:
        card = await deps.card(session, viewer.staff, kind, record_id, deps.clock.now())
    if card is None:
        return None, auth.not_found(request, viewer)
    if not viewer.may_see(card.author_id, card.team):
        return None, auth.refuse(request, viewer)
    return card, None


def local_time(deps: WebDeps, moment) -> str:
    return moment.astimezone(deps.zone).strftime("%H:%M %d/%m/%Y") if moment else ""


async def page(request: web.Request, viewer) -> web.StreamResponse:
    deps: WebDeps = request.app[DEPS]
    card, refusal = await _card(request, viewer)
    if refusal is not None:
        return refusal
    async with deps.db.read() as session:
        try:
            state = await review.state_of(session, card.entity, card.id)
            events = await review.history(session, card.entity, card.id)
        except (NotFound, ValueError):
            state, events = None, []
        try:
            facility = (await records.get_facility(session, card.facility_id)).name if card.facility_id else ""
        except NotFound:
            facility = f"#{card.facility_id}"
        actions = await review_actions.actions_for(session, deps, viewer, card.entity, card.id, state)
    state_key = "deleted" if card.status == "deleted" else (state.state if state else "")
    history = [{"at": local_time(deps, e.at), "action": texts.web.HISTORY_ACTIONS.get(e.action, e.action),
                "by": e.by_name, "comment": e.comment} for e in events]  # fmt: skip
    photos = [photo_path(card.entity, card.id, Path(p).name) for p in card.photos]
    located = card.latitude is not None and card.longitude is not None
    points = [{"lat": card.latitude, "lon": card.longitude, "label": card.line}] if located else []
    return render(request, "record.html", {
        "heading": f"{capitalised(card.noun)} #{card.id}", "card": card, "photos": photos,
        "history": history, "state": state, "state_label": texts.web.STATE_NAMES.get(state_key, ""),
        "state_key": state_key, "located": located, "points": points,
        "tiles": deps.config.web.tiles_url, "attribution": deps.config.web.tiles_attribution,
        "facility_href": f"/co-so/{card.facility_id}" if card.facility_id else "", "facility": facility,
        "actions": actions, "result": texts.web.REVIEW_RESULTS.get(request.query.get("kq", ""), ""),
    }, viewer=viewer)  # fmt: skip


async def photo(request: web.Request, viewer) -> web.StreamResponse:
    deps: WebDeps = request.app[DEPS]
    card, refusal = await _card(request, viewer)
    if refusal is not None:
        return refusal
    name = request.match_info["name"]
    media = deps.media_dir.resolve()
    for stored in card.photos:
        path = Path(stored)
        if path.name != name:
            continue
        path = (path if path.is_absolute() else media / path).resolve()
        if path.is_relative_to(media) and path.is_file():
            kind = PHOTO_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
            if kind in PHOTO_TYPES.values():
                return web.FileResponse(path, headers={"Content-Type": kind, "Cache-Control": "private, no-store"})
        log.warning("web: photo of %s #%s not served (outside the media folder, missing, or not an image)",
                    card.entity, card.id)
    return auth.not_found(request, viewer)
