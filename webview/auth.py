"""Who is looking: sign-in through a one-time link, the session cookie, CSRF tokens, the role check.

- `/web` in the chat (handlers/web_signin.py) sends `{public_url}/vao/{token}`, valid 10 minutes, once.
  Opening it shows a button; the POST that the button sends uses the link and opens a session. A GET
  never uses it: a chat app's link preview opens the link too, and must not spend it.
- The session is a new random token in a cookie (HttpOnly, SameSite=Strict, Secure when public_url is
  https, no lifetime: it ends with the browser), stored hashed (storage/web_store.py); it ends at
  sign-out or after [web] session_idle_minutes without a page. The person is read again at every
  request: roles taken away, or an account revoked, take effect at the next page.
- Every POST carries the session's CSRF token (an HMAC of the session token: nothing more stored).
- `guarded(page)` wraps every page: no session → the sign-in page (401); a role the page does not
  admit → 403; a POST without the right token → 403.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web

import texts
from storage import people, web_store
from storage.domain import NotFound, Staff
from webview.deps import DEPS, SEE_ALL, WebDeps
from webview.render import render

log = logging.getLogger(__name__)

COOKIE = "fieldbot_web"
SIGN_IN_ROUTE = web_store.SIGN_IN_PATH + "{token}"
SIGN_OUT_ROUTE = "/ra"
TOUCH_EVERY = dt.timedelta(minutes=1)  # last_seen written at most this often (a write takes SQLite's lock)


@dataclass(frozen=True)
class Viewer:
    staff: Staff
    session_id: int
    csrf: str

    @property
    def sees_all(self) -> bool:
        return self.staff.has(*SEE_ALL)

    def may_see(self, author_id: int | None, team: tuple[int, ...] = ()) -> bool:
        """A record: everyone's for those who see all, one's own (or one's team's visit) otherwise."""
        return self.sees_all or author_id == self.staff.id or self.staff.id in team


def same_origin(request: web.Request, deps: WebDeps) -> bool:
    """A POST a browser sends from another site carries that site's Origin: refused (a sign-in link
    planted in someone else's browser, a form elsewhere). No Origin (an older client), or no public_url
    to compare with: the token alone decides."""
    origin, public = request.headers.get("Origin", ""), deps.config.web.public_url
    if not origin or not public:
        return True
    parts = urlsplit(public)
    return origin.rstrip("/") == f"{parts.scheme}://{parts.netloc}"


def csrf_of(token: str) -> str:
    return hmac.new(token.encode("ascii"), b"webview csrf", hashlib.sha256).hexdigest()


async def viewer_of(request: web.Request) -> Viewer | None:
    """The signed-in person, or None (no cookie, an unknown, ended or idle session, an inactive person)."""
    deps: WebDeps = request.app[DEPS]
    token = request.cookies.get(COOKIE, "")
    if not web_store.well_formed(token):
        return None
    now = deps.clock.now()
    async with deps.db.read() as session:
        found = await web_store.live_session(session, token, now, deps.idle)
        if found is None:
            return None
        try:
            staff = await people.get_staff(session, found.staff_id)
        except NotFound:
            return None
    if not staff.active:
        return None
    if now - found.last_seen_at >= TOUCH_EVERY:
        async with deps.db.unit_of_work() as session:
            await web_store.touch_session(session, found.id, now)
    return Viewer(staff, found.id, csrf_of(token))


def guarded(handler, roles: frozenset[str]):
    """The page's handler, called with the viewer once the session, the roles and (POST) the CSRF
    token are checked."""

    async def page(request: web.Request) -> web.StreamResponse:
        viewer = await viewer_of(request)
        if viewer is None:
            return render(request, "message.html", {"heading": texts.web.SIGNED_OUT_TITLE, "body": texts.web.SIGNED_OUT},
                          status=401)
        if roles and not viewer.staff.has(*roles):
            return refuse(request, viewer)
        if request.method == "POST":
            form = await request.post()
            if not same_origin(request, request.app[DEPS]) or not hmac.compare_digest(str(form.get("csrf", "")), viewer.csrf):
                log.info("web: a POST to %s without the session's CSRF token", request.path)
                return render(request, "message.html", {"heading": texts.web.CSRF_TITLE, "body": texts.web.CSRF},
                              viewer=viewer, status=403)
        return await handler(request, viewer)

    return page


def refuse(request: web.Request, viewer: Viewer) -> web.Response:
    return render(request, "message.html", {"heading": texts.web.FORBIDDEN_TITLE, "body": texts.web.FORBIDDEN},
                  viewer=viewer, status=403)


def not_found(request: web.Request, viewer: Viewer | None = None) -> web.Response:
    return render(request, "message.html", {"heading": texts.web.NOT_FOUND_TITLE, "body": texts.web.NOT_FOUND},
                  viewer=viewer, status=404)


_REFUSED = {
    "used": (410, texts.web.LINK_USED_TITLE, texts.web.LINK_USED),
    "expired": (410, texts.web.LINK_EXPIRED_TITLE, texts.web.LINK_EXPIRED),
    "unknown": (404, texts.web.LINK_UNKNOWN_TITLE, texts.web.LINK_UNKNOWN),
}


async def sign_in_page(request: web.Request) -> web.Response:
    """GET /vao/{token}: the button that signs in (the link is not used yet), or why the link is refused."""
    deps: WebDeps = request.app[DEPS]
    token = request.match_info["token"]
    async with deps.db.read() as session:
        state = await web_store.sign_in_state(session, token, deps.clock.now())
    if state != "ok":
        status, heading, body = _REFUSED[state]
        return render(request, "message.html", {"heading": heading, "body": body}, status=status)
    return render(request, "sign_in.html", {"action": request.path})


async def sign_in(request: web.Request) -> web.StreamResponse:
    """POST /vao/{token}: uses the link, opens a session (ending the browser's previous one), to "/"."""
    deps: WebDeps = request.app[DEPS]
    token, now = request.match_info["token"], deps.clock.now()
    if not same_origin(request, deps):
        return render(request, "message.html", {"heading": texts.web.CSRF_TITLE, "body": texts.web.CSRF}, status=403)
    fresh = web_store.new_token()
    async with deps.db.unit_of_work() as session:
        state = await web_store.sign_in_state(session, token, now)
        staff_id = await web_store.use_sign_in(session, token, now) if state == "ok" else None
        if staff_id is not None:
            old = await web_store.live_session(session, request.cookies.get(COOKIE, ""), now, deps.idle)
            if old is not None:
                await web_store.end_session(session, old.id, now)
            await web_store.open_session(session, staff_id, fresh, now)
    if staff_id is None:
        status, heading, body = _REFUSED["used" if state == "ok" else state]
        return render(request, "message.html", {"heading": heading, "body": body}, status=status)
    response = web.Response(status=303, headers={"Location": "/"})
    response.set_cookie(COOKIE, fresh, httponly=True, secure=deps.secure, samesite="Strict", path="/")
    return response


async def sign_out(request: web.Request, viewer: Viewer) -> web.Response:
    """POST /ra: the session ends here and in the database."""
    deps: WebDeps = request.app[DEPS]
    async with deps.db.unit_of_work() as session:
        await web_store.end_session(session, viewer.session_id, deps.clock.now())
    response = render(request, "message.html", {"heading": texts.web.SIGNED_OUT_DONE, "body": texts.web.SIGNED_OUT})
    response.del_cookie(COOKIE, path="/")
    return response
