"""The managers' web view (webview/) on the bot's web server: what it is given of the app."""

from __future__ import annotations

from aiohttp import web

from webview import site
from webview.deps import WebDeps


def deps_of(app) -> WebDeps:
    """What the pages use: the database, the clock, the config and, from the forms, a record's card."""
    config = app.config
    return WebDeps(db=app.db, clock=app.clock, config=config, media_dir=config.general.data_dir / "media")


def install(app, web_app: web.Application) -> None:
    site.install(web_app, deps_of(app))
