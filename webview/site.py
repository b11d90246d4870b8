"""install(): the web view on the bot's own web server (called by app/wiring.py)."""

from __future__ import annotations

from aiohttp import web

from webview import auth, registry
from webview.deps import DEPS, WebDeps
from webview.format import FILTERS
from webview.render import STATIC, STATIC_ROUTE, NavItem, content_security_policy, security_headers, setup


def install(app: web.Application, deps: WebDeps, pages: tuple[registry.Page, ...] = registry.PAGES) -> None:
    """Templates, static files, the sign-in routes and every page of the registry, each behind its
    checks; the security headers on every answer of the server."""
    app[DEPS] = deps
    setup(app, tuple(NavItem(p.path, p.nav, p.roles) for p in pages if p.nav), FILTERS)
    app.router.add_get(auth.SIGN_IN_ROUTE, auth.sign_in_page)
    app.router.add_post(auth.SIGN_IN_ROUTE, auth.sign_in)
    for page in pages:
        app.router.add_route(page.method, page.path, auth.guarded(page.handler, page.roles))
    app.router.add_static(STATIC_ROUTE, STATIC, follow_symlinks=False)
    app.on_response_prepare.append(security_headers(content_security_policy(deps.config.web.tiles_url)))
