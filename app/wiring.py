"""Composition root: opens the database, builds the engine, the router and the channels, runs them.

The only place besides the rest of app/ that knows every layer (bot/, handlers/, reports/, storage/)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal
from dataclasses import dataclass, field
from typing import Any

import texts
from app.errors import USAGE, CliError, data_folder
from bot.channels.base import ChannelContext
from bot.clock import Clock, clock_for
from bot.config import Config, check_tokens, run_problems
from bot.engine import Engine, EngineSettings
from bot.health import STARTING
from bot.messages import Incoming, Reply
from bot.web import WebServer, make_app
from handlers import mine, reminders, report
from handlers.registry import build_commands, build_flows
from handlers.router import Router, RouterSettings
from storage import retention
from storage.db import Database, open_database
from storage.lock import ProcessLock
from storage.migrate import upgrade

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


def clock_of(config: Config) -> Clock:
    """The program's one clock: the real one, or set to FIELDBOT_TODAY (or the demo's day)."""
    return clock_for(config.general.zone, config.general.today)


def writable_data_folder(config: Config) -> None:
    """The data folder exists and can be written, or one sentence says which and what to set."""
    data_folder(config.general.data_dir)


async def open_db(config: Config, migrate: bool = True) -> Database:
    """Open the configured database, creating the data folder and bringing the schema up to date."""
    writable_data_folder(config)
    db = open_database(config.database.url, busy_timeout_ms=config.database.sqlite_busy_timeout_ms)
    try:
        async with db.engine.connect():
            pass
    except Exception as error:  # refused, unknown host or database, bad password…: each driver its own kinds
        await db.close()
        where = db.engine.url.render_as_string(hide_password=True)
        raise CliError(texts.cli.DB_UNREACHABLE.format(where=where, reason=_first_line(error))) from None
    if migrate:
        await upgrade(db.engine)
    return db


def _first_line(error: Exception) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


async def _nothing() -> None:
    return None


def _error_reply(_incoming: Incoming) -> Reply:
    return Reply(text=texts.people.ERROR)


async def build_app(config: Config, clock: Clock | None = None, db: Database | None = None) -> App:
    clock = clock or clock_of(config)
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
    data = config.general.data_dir
    engine.sweepers.append(retention.sweeper(config.retention, data / "media", data / "documents"))
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
    """`main.py run`: the channels that have tokens, the engine, until SIGINT/SIGTERM."""
    check_tokens(config)
    if not (config.telegram.enabled or config.zalo.enabled):
        raise CliError(texts.cli.NO_CHANNEL, USAGE)
    problems = run_problems(config)
    if problems:
        raise CliError("\n".join(problems), USAGE)
    app = await build_app(config)
    try:
        async with running(app):
            channels, server = await _start_channels(app)
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
    web_app = make_app(app.engine)
    links = DocumentLinks(app.db, app.clock, config.general.data_dir / "documents", config.web.public_url,
                          dt.timedelta(minutes=config.web.link_minutes), key=config.link_secret)
    links.add_routes(web_app)
    ctx = ChannelContext(
        accept=app.engine.accept, accept_many=app.engine.accept_many, media_dir=config.general.data_dir / "media", web_app=web_app,
        public_url=config.web.public_url, links=links, clock=app.clock,
        commands_for=app.router.commands_for, is_staff=app.router.is_staff, health=app.engine.health,
    )
    ctx.media_dir.mkdir(parents=True, exist_ok=True)
    channels = [cls(channel_config, ctx) for cls, channel_config in _channel_classes(config)]
    server = await _start_web(config, web_app)
    for channel in channels:
        app.engine.senders[channel.name] = channel
        app.engine.health.channel(channel.name, STARTING)
        try:
            await channel.start()
        except BaseException as exc:
            app.engine.health.trouble(channel.name, f"could not start: {exc}", down=True)
            raise
    app.engine.job_handlers["links.cleanup"] = links.cleanup_job
    return channels, server


async def _start_web(config: Config, web_app) -> WebServer | None:
    """The web server: needed for webhooks and document links; otherwise it serves only /healthz and
    /metrics, and a port already taken is a warning, not a reason to stop receiving."""
    needed = config.web.public_url or any(c.mode == "webhook" for _, c in _channel_classes(config))
    if not (config.web.enabled or needed):
        return None
    server = WebServer(web_app, config.web.host, config.web.port)
    try:
        await server.start()
    except OSError as exc:
        if needed:
            raise
        log.warning("web server not started on %s:%s (%s): /healthz and /metrics are unavailable",
                    config.web.host, config.web.port, exc.strerror or exc)
        return None
    log.info("web server on %s:%s (/healthz, /metrics)", config.web.host, server.port)
    return server
