"""Every page of the web view, listed once: its method and path, who may open it, its menu label.

A page's handler is `async (request, viewer) -> Response` (webview/auth.py `Viewer`); site.install()
wraps each in the session, role and CSRF checks (auth.guarded) and adds it to the bot's web server.
`roles` empty: every signed-in person (the handler then shows only what is theirs). A new page is a
module of webview/ and one line here; deploy/Caddyfile must pass its path on (tests/test_deploy.py).

The month page (`/` → the current period; its module webview/month.py) is the first line.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

import texts
from webview import auth, facilities, month, record_page, records, review_actions
from webview.deps import SEE_ALL

Handler = Callable[[web.Request, auth.Viewer], Awaitable[web.StreamResponse]]
EVERYONE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Page:
    path: str
    handler: Handler
    roles: frozenset[str] = EVERYONE
    method: str = "GET"
    nav: str = ""  # its label in the menu (texts.web); "" for a page reached from another


PAGES: tuple[Page, ...] = (
    Page("/", month.page, SEE_ALL, nav=texts.web.NAV_MONTH),
    Page(month.DOWNLOAD_ROUTE, month.download, month.DOWNLOAD_ROLES, method="POST"),
    # Everyone signed in: those who see all, every record; anyone else, their own (checked in the page).
    Page(records.ROUTE, records.page, nav=texts.web.NAV_RECORDS),
    Page(record_page.ROUTE, record_page.page),
    Page(record_page.PHOTO_ROUTE, record_page.photo),
    Page(review_actions.ROUTE, review_actions.act, method="POST"),  # who may review: checked in the action
    Page(facilities.ROUTE, facilities.register, SEE_ALL, nav=texts.web.NAV_FACILITIES),
    Page(facilities.ONE_ROUTE, facilities.facility, SEE_ALL),
    Page(auth.SIGN_OUT_ROUTE, auth.sign_out, method="POST"),
)
