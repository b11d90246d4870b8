"""Pages through the base layout (templates/base.html), and the headers every answer carries.

Templates are Jinja2 through aiohttp-jinja2, autoescaped: whatever a person typed is escaped where it
lands. They print the words of texts/web.py (`t`), never their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import web

import texts

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
STATIC_ROUTE = "/static/"
JINJA = web.AppKey("webview.jinja", jinja2.Environment)


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str
    roles: frozenset[str]  # empty: every signed-in person


NAV = web.AppKey("webview.nav", tuple)


def setup(app: web.Application, nav: tuple[NavItem, ...], filters: Mapping[str, Any]) -> None:
    env = aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(TEMPLATES), app_key=JINJA, autoescape=True,
                               undefined=jinja2.StrictUndefined, default_helpers=False, trim_blocks=True,
                               lstrip_blocks=True)
    env.globals.update(t=texts.web, static=STATIC_ROUTE)
    env.filters.update(filters)
    app[NAV] = nav


def render(request: web.Request, template: str, context: Mapping[str, Any], *, viewer=None,
           status: int = 200) -> web.Response:
    """The page in the layout: the menu shows only what the viewer may open."""
    nav = [item for item in request.app[NAV]
           if viewer is not None and (not item.roles or viewer.staff.has(*item.roles))]
    full = {"viewer": viewer, "nav": nav, "here": request.path, **context}
    response = aiohttp_jinja2.render_template(template, request, full, app_key=JINJA, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def content_security_policy(tiles_url: str) -> str:
    """Only our own scripts and styles; images from us (photos, Leaflet's) and the tile server."""
    images = "'self' data:"
    if tiles_url:
        parts = urlsplit(tiles_url)
        images += f" {parts.scheme}://{parts.netloc.replace('{s}', '*')}"  # {s}: the server's subdomains
    return ("default-src 'none'; script-src 'self'; style-src 'self'; "
            f"img-src {images}; connect-src 'self'; font-src 'self'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")


def security_headers(policy: str):
    """An on_response_prepare hook: every answer of the server carries them (pages, files, refusals)."""

    async def add(_request: web.Request, response: web.StreamResponse) -> None:
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with a form's POST,
        # and the Origin check (auth.same_origin) could not tell our forms from a sandboxed page's
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")

    return add
