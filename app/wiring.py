"""Composition root: opens the database, builds the engine, the router and the channels, runs them.

The only place besides the rest of app/ that knows every layer (bot/, handlers/, reports/, storage/)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal
import sys
from dataclasses import dataclass, field
from typing import Any

import texts
from bot import console as console_channel
from bot.channels.base import ChannelContext
from bot.clock import Clock
from bot.config import Config
from bot.engine import Engine, EngineSettings
from bot.messages import Incoming, Reply
from bot.web import WebServer, make_app
from handlers import mine, reminders, report
from handlers.registry import build_commands, build_flows
from handlers.router import Router, RouterSettings
from storage import people
from storage.db import Database, open_database
from storage.domain import Identity
from storage.lock import ProcessLock
from storage.migrate import upgrade
from storage.text import fold

log = logging.getLogger(__name__)


@dataclass
class Services:
    """What flows and commands need beyond the message's transaction."""

    config: Config
    catalogue: Any
    db: Database | None = None
    flows: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class App:
    config: Config
    db: Database
    clock: Clock
    engine: Engine
    router: Router
    services: Services


async def open_db(config: Config, migrate: bool = True) -> Database:
    """Open the configured database, creating the data folder and bringing the schema up to date."""
    config.general.data_dir.mkdir(parents=True, exist_ok=True)
    db = open_database(config.database.url, busy_timeout_ms=config.database.sqlite_busy_timeout_ms)
    if migrate:
        await upgrade(db.engine)
    return db


async def _nothing() -> None:
    return None


def _error_reply(_incoming: Incoming) -> Reply:
    return Reply(text=texts.people.ERROR)


async def build_app(config: Config, clock: Clock | None = None, db: Database | None = None) -> App:
    clock = clock or Clock(config.general.zone)
    db = db or await open_db(config)
    services = Services(config=config, catalogue=config.catalogue, db=db)
    services.flows = build_flows(services)
    router = Router(
        build_commands(services),
        RouterSettings(
            draft_idle=dt.timedelta(minutes=config.general.draft_idle_minutes),
            zone=config.general.zone,
            services=services,
        ),
    )
    e = config.engine
    engine = Engine(
        db, router, clock,
        EngineSettings(e.concurrency, e.poll_interval_seconds, e.send_attempts, e.send_backoff_seconds),
        error_reply=_error_reply,
    )
    engine.sweepers.append(router.expire_drafts)
    app = App(config, db, clock, engine, router, services)
    report.install(app)  # the /baocao and /xuat jobs
    mine.install(app)  # opening a record for correction from /cuatoi
    reminders.install(app)  # reminders before the cut-off
    return app


@contextlib.asynccontextmanager
async def running(app: App):
    """Hold the one-process lock for the app's life."""
    lock = ProcessLock(app.db)
    await lock.acquire()
    try:
        yield app
    finally:
        await lock.release()


async def serve(config: Config) -> None:
    """`python main.py run`: the channels that have tokens, the engine, until SIGINT/SIGTERM."""
    app = await build_app(config)
    try:
        async with running(app):
            channels, server = await _start_channels(app)
            if not channels:
                log.warning("no channel token configured; nothing to receive from")
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            engine_task = asyncio.create_task(app.engine.run(), name="engine")
            log.info("dost-fieldbot running: %s", ", ".join(c.name for c in channels) or "no channels")
            await stop.wait()
            log.info("stopping: finishing the messages in hand")
            for channel in channels:
                await channel.stop()
            await app.engine.stop()
            await engine_task
            for channel in channels:
                await getattr(channel, "close", _nothing)()
            if server is not None:
                await server.stop()
    finally:
        await app.db.close()


def _channel_classes(config: Config) -> list:
    """The adapters whose tokens are configured, imported only then."""
    found = []
    if config.zalo.enabled:
        from bot.channels.zalo import ZaloChannel

        found.append((ZaloChannel, config.zalo))
    if config.telegram.enabled:
        from bot.channels.telegram import TelegramChannel

        found.append((TelegramChannel, config.telegram))
    return found


async def _start_channels(app: App) -> tuple[list, WebServer | None]:
    """Build the adapters, give them the web server for their webhooks, start the server, then them."""
    from bot.links import DocumentLinks

    config = app.config
    web_app = make_app()
    links = DocumentLinks(app.db, app.clock, config.general.data_dir / "documents", config.web.public_url,
                          dt.timedelta(minutes=config.web.link_minutes))
    links.add_routes(web_app)
    ctx = ChannelContext(
        accept=app.engine.accept, accept_many=app.engine.accept_many, media_dir=config.general.data_dir / "media", web_app=web_app,
        public_url=config.web.public_url, links=links, clock=app.clock,
        commands_for=app.router.commands_for, is_staff=app.router.is_staff,
    )
    ctx.media_dir.mkdir(parents=True, exist_ok=True)
    channels = [cls(channel_config, ctx) for cls, channel_config in _channel_classes(config)]
    needs_web = config.web.enabled or any(c.mode == "webhook" for _, c in _channel_classes(config))
    server = WebServer(web_app, config.web.host, config.web.port) if needs_web else None
    if server is not None:
        await server.start()
        log.info("web server on %s:%s", config.web.host, server.port)
    for channel in channels:
        app.engine.senders[channel.name] = channel
        await channel.start()
    app.engine.job_handlers["links.cleanup"] = links.cleanup_job
    return channels, server


async def console(config: Config, as_name: str) -> None:
    """`python main.py console --as NAME`."""
    app = await build_app(config)
    try:
        async with running(app):
            app.engine.senders[console_channel.CHANNEL] = console_channel.ConsoleSender(sys.stdout)
            user_id = f"console:{fold(as_name)}"
            async with app.db.unit_of_work() as session:
                await _link_console(session, as_name, user_id, app.clock.now())
            await console_channel.run_console(app.engine, user_id, as_name)
    finally:
        await app.db.close()


async def _link_console(session, name: str, user_id: str, now) -> None:
    """The console is local: whoever runs it already holds the database. A staff member with this
    name gets the console identity; anyone else is a stranger who can /start with a code."""
    if await people.staff_by_identity(session, "console", user_id):
        return
    matches = [s for s in await people.list_staff(session) if s.name.casefold() == name.casefold()]
    if len(matches) == 1:
        await people.add_identity(session, matches[0].id, Identity("console", user_id, user_id, name), now)
