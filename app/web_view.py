"""The managers' web view (webview/) on the bot's web server: what it is given of the app."""

from __future__ import annotations

import functools

from aiohttp import web

from handlers import record_card, web_review
from handlers.report import b_defaults, seed_default_b
from storage import web_store
from storage.domain import RecordMeta
from webview import site
from webview.deps import WebDeps


def deps_of(app) -> WebDeps:
    """What the pages use: the database, the clock, the config and, from the forms, a record's card."""
    config = app.config
    services = getattr(app, "services", None)
    extra = {"prepare_report": _prepare_report(app)}
    if services is not None and getattr(app, "engine", None) is not None:
        # the engine queues the notices in the action's own unit of work (quiet hours respected)
        extra["review_act"] = functools.partial(web_review.act, services, app.db, app.clock, app.engine.queue_in)
    return WebDeps(db=app.db, clock=app.clock, config=config, media_dir=config.general.data_dir / "media",
                   card=functools.partial(record_card.card, services) if services else None,
                   kinds=record_card.kinds(services) if services else (), extra=extra)


def _prepare_report(app):
    """Before the month page makes a month's report: section B's default list, as /baocao does."""

    async def prepare(period, staff_id: int, now) -> None:
        if period.kind != "month":
            return
        async with app.db.unit_of_work() as session:
            await seed_default_b(session, period.key, b_defaults(app.config), RecordMeta(staff_id, "web", "report", now))

    return prepare


def install(app, web_app: web.Application) -> None:
    deps = deps_of(app)
    site.install(web_app, deps)
    engine = getattr(app, "engine", None)
    if engine is not None:  # links and sessions that open nothing any more are forgotten
        engine.sweepers.append(web_store.sweeper(deps.idle))
