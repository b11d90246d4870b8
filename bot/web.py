"""The bot's own web server: webhooks of both platforms, /healthz, /metrics, and signed document links.

Routes are listed where they are added: `/healthz` and `/metrics` here, each channel's webhook by its
adapter, `/d/{token}` by bot.links. /healthz and /metrics are for the machine's own monitoring: the
reverse proxy does not pass them on (deploy/Caddyfile).
"""

from __future__ import annotations

import datetime as dt
import logging

from aiohttp import web
from sqlalchemy import func, select

from bot import metrics as metrics_module
from storage.engine_store import aware, released, waiting_since
from storage.models import InboxRow, OutboxRow

log = logging.getLogger(__name__)

ENGINE = web.AppKey("engine", object)
# A message waiting longer than this means the engine is not draining the inbox.
INBOX_STALL = dt.timedelta(minutes=5)


async def _queue_problems(engine) -> list[str]:
    """The database reachable, the inbox draining, no reply waiting undelivered past the alert."""
    now = engine.clock.now()
    try:
        async with engine.db.read() as session:
            oldest = await session.scalar(select(func.min(InboxRow.received_at)).where(InboxRow.status == "pending"))
            unsent = await session.scalar(select(func.min(waiting_since()))  # a notice held for the night is not late
                                          .where(OutboxRow.status == "pending", released(now)))
    except Exception as exc:  # noqa: BLE001 - any database failure is the answer
        return [f"database unreachable: {type(exc).__name__}"]
    found = []
    if oldest is not None and now - aware(oldest) > INBOX_STALL:
        found.append(f"inbox not draining: a message has waited {(now - aware(oldest)).total_seconds():.0f}s")
    if unsent is not None and (now - aware(unsent)).total_seconds() > engine.health.outbox_alert:
        found.append(f"outbox: a reply has waited {(now - aware(unsent)).total_seconds():.0f}s undelivered")
    return found


async def healthz(request: web.Request) -> web.Response:
    """200 when every enabled channel is up, every receiving task runs, the engine drains the inbox, the
    replies go out, the database answers and the data folder has room; else 503 naming each problem."""
    engine = request.app.get(ENGINE)
    if engine is None:
        return web.json_response({"ok": True})
    silence = max(30.0, 5 * engine.settings.poll_interval)
    _, body = engine.health.report(silence)
    body["problems"] += await _queue_problems(engine)
    body["ok"] = not body["problems"]
    return web.json_response(body, status=200 if body["ok"] else 503)


async def metrics(request: web.Request) -> web.Response:
    engine = request.app[ENGINE]
    try:
        await engine.metrics.refresh(engine.db, engine.health, engine.clock.now())
    except Exception:  # the in-process counters are still worth serving
        log.exception("metrics: the database could not be read")
    return web.Response(body=engine.metrics.render(), headers={"Content-Type": metrics_module.CONTENT_TYPE})


def make_app(engine=None) -> web.Application:
    # Webhook bodies and nothing else arrive here; 1 MiB is far above any update's size.
    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_get("/healthz", healthz)
    if engine is not None:
        app[ENGINE] = engine
        app.router.add_get("/metrics", metrics)
    return app


class WebServer:
    def __init__(self, app: web.Application, host: str, port: int):
        self.app, self.host, self.port = app, host, port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError:
            await self._runner.cleanup()
            self._runner = None
            raise
        if self.port == 0:  # tests ask for any free port
            self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
