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
from storage.engine_store import aware
from storage.models import InboxRow

log = logging.getLogger(__name__)

ENGINE = web.AppKey("engine", object)
# A message waiting longer than this means the engine is not draining the inbox.
INBOX_STALL = dt.timedelta(minutes=5)


async def _inbox_problems(engine) -> list[str]:
    try:
        async with engine.db.read() as session:
            oldest = await session.scalar(select(func.min(InboxRow.received_at)).where(InboxRow.status == "pending"))
    except Exception as exc:  # noqa: BLE001 - any database failure is the answer
        return [f"database unreachable: {type(exc).__name__}"]
    if oldest is not None and engine.clock.now() - aware(oldest) > INBOX_STALL:
        waited = (engine.clock.now() - aware(oldest)).total_seconds()
        return [f"inbox not draining: a message has waited {waited:.0f}s"]
    return []


async def healthz(request: web.Request) -> web.Response:
    """200 when every enabled channel is up and the engine drains the inbox; else 503 saying what is wrong."""
    engine = request.app.get(ENGINE)
    if engine is None:
        return web.json_response({"ok": True})
    silence = max(30.0, 5 * engine.settings.poll_interval)
    _, body = engine.health.report(silence)
    body["problems"] += await _inbox_problems(engine)
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
