"""Composition root: opens the database, builds the engine, the router and the channels, runs them.

The only place besides the rest of app/ that knows every layer (bot/, handlers/, reports/, storage/)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import signal
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

import texts
from app import guard, web_view
from app.errors import USAGE, CliError, data_folder
from bot.channels.base import ChannelCannotStart, ChannelContext
from bot.clock import Clock, clock_for
from bot.config import Config, check_tokens, run_problems
from bot.engine import Engine, EngineSettings
from bot.health import DOWN
from bot.messages import Incoming, Reply
from bot.supervisor import Supervisor
from bot.web import WebServer, make_app
from handlers import licence_digest, lookup, outbox, registration, reminders, report
from handlers import people as people_handlers
from handlers.forms import Entry
from handlers.registry import ENTRIES, build_commands, build_flows, build_forms
from handlers.router import Router, RouterSettings
from handlers.services import Services
from storage import people, retention
from storage.db import Database, open_database
from storage.files import FILE_MODE, make_private, private_dir
from storage.lock import AlreadyRunning, ProcessLock
from storage.migrate import at_head, upgrade

log = logging.getLogger(__name__)


@dataclass
class App:
    config: Config
    db: Database
    clock: Clock
    engine: Engine
    router: Router
    services: Services
    supervisor: Supervisor | None = None  # set when channels start (`_start_channels`)

    @property
    def health(self):
        """Channel states (bot.health.Health), kept on the engine."""
        return self.engine.health


def clock_of(config: Config) -> Clock:
    """The program's one clock: the real one, or set to FIELDBOT_TODAY (or the demo's day)."""
    return clock_for(config.general.zone, config.general.today)


def writable_data_folder(config: Config) -> None:
    """The data folder exists and can be written, or one sentence says which and what to set."""
    guard.check_writable(config, guard.data_paths(config))
    data_folder(config.general.data_dir)


async def open_db(config: Config, migrate: bool = True) -> Database:
    """Open the configured database (the data folder 0700, an SQLite file and its companions 0600) and,
    with `migrate`, bring the schema up to date — only under the one-process lock: while a running bot
    holds it, a schema that is already current is used as it is, one that is not is refused."""
    writable_data_folder(config)
    private_dir(config.general.data_dir)
    db = open_database(config.database.url, busy_timeout_ms=config.database.sqlite_busy_timeout_ms)
    try:
        async with db.engine.connect():
            pass
    except Exception as error:  # refused, unknown host or database, bad password…: each driver its own kinds
        await db.close()
        where = db.engine.url.render_as_string(hide_password=True)
        raise CliError(texts.cli.DB_UNREACHABLE.format(where=where, reason=_first_line(error))) from None
    _private_sqlite_files(db)
    if migrate:
        try:
            await _migrate_under_lock(db)
        except BaseException:
            await db.close()
            raise
    return db


def _first_line(error: Exception) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


async def _migrate_under_lock(db: Database) -> None:
    lock = ProcessLock(db)
    try:
        await lock.acquire()
    except AlreadyRunning:
        if await at_head(db.engine):
            return  # the running bot's schema is ours: an admin command may use it alongside
        raise
    try:
        await upgrade(db.engine)
    finally:
        await lock.release()


def _private_sqlite_files(db: Database) -> None:
    """SQLite creates -wal and -shm with the database file's mode: make the file 0600 before they exist."""
    if not db.is_sqlite:
        return
    path = Path(make_url(str(db.engine.url)).database or "")
    if not path.name or path.name == ":memory:":
        return
    if not path.exists():
        private_dir(path.parent)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    make_private(path, f"{path}-wal", f"{path}-shm", f"{path}.lock")


async def _nothing() -> None:
    return None


def _error_reply(_incoming: Incoming) -> Reply:
    return Reply(text=texts.people.ERROR)


async def build_app(config: Config, clock: Clock | None = None, db: Database | None = None,
                    entries: Sequence[Entry] = ENTRIES) -> App:
    """The app; `entries` are its forms and commands (handlers/registry.py's list unless given)."""
    clock = clock or clock_of(config)
    db = db or await open_db(config)
    services = Services(config=config, catalogue=config.catalogue, db=db)
    services.forms = build_forms(entries)
    services.flows = build_flows(services, entries)
    router = Router(
        build_commands(entries),
        RouterSettings(
            draft_idle=dt.timedelta(minutes=config.general.draft_idle_minutes),
            zone=config.general.zone,
            services=services,
            address=config.language.address,
        ),
        limiter=people_handlers.CodeLimiter.of(config.invitations),
    )
    e = config.engine
    engine = Engine(
        db, router, clock,
        EngineSettings(concurrency=e.concurrency, poll_interval=e.poll_interval_seconds,
                       send_horizon=e.send_horizon_hours * 3600, send_backoff=e.send_backoff_seconds,
                       send_backoff_cap=e.send_backoff_cap_seconds, send_probe=e.send_probe_seconds),
        error_reply=_error_reply,
    )
    services.menu_for = router.menu_reply
    engine.sweepers.append(router.expire_drafts)
    data = config.general.data_dir
    engine.sweepers.append(retention.sweeper(config.retention, data / "media", data / "documents"))
    engine.delivery.on_outage = outbox.outage_notices(config.general.zone)
    engine.health.data_dir, engine.health.min_free_bytes = data, e.min_free_mb * 2**20
    engine.health.outbox_alert = e.outbox_alert_minutes * 60
    engine.mask = people_handlers.mask_codes  # invitation codes never reach the inbox in clear
    engine.quiet = config.notices.quiet(config.general.zone)  # notices wait for the morning (bot/quiet.py)
    app = App(config, db, clock, engine, router, services)
    report.install(app)  # the /baocao and /xuat jobs
    reminders.install(app)  # reminders before the cut-off
    licence_digest.install(app)  # the weekly licence expiry digest
    lookup.install(app)  # /tracuu's files
    return app


@contextlib.asynccontextmanager
async def locked_app(config: Config):
    """The one-process lock first, then the migration, then the app: a second process (or a newer
    version) never migrates a database that a running bot is using."""
    db = await open_db(config, migrate=False)
    lock = ProcessLock(db)
    try:
        await lock.acquire()
        try:
            await upgrade(db.engine)
            _private_sqlite_files(db)
            yield await build_app(config, db=db)
        finally:
            await lock.release()
    finally:
        await db.close()


async def serve(config: Config) -> None:
    """`main.py run`: the channels that have tokens, the engine, until SIGINT/SIGTERM."""
    check_tokens(config)
    if not (config.telegram.enabled or config.zalo.enabled):
        raise CliError(texts.cli.NO_CHANNEL, USAGE)
    problems = run_problems(config) + registration.notice_problems(config)
    if problems:
        raise CliError("\n".join(problems), USAGE)
    guard.check_writable(config, guard.run_paths(config))
    async with locked_app(config) as app:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        channels, server = await _start_channels(app)
        if all(app.health.channels[c.name].state == DOWN for c in channels):  # every token rejected
            await _close(app, channels, server)
            raise ChannelCannotStart(" ".join(app.health.channels[c.name].error for c in channels))
        engine_task = asyncio.create_task(app.engine.run(), name="engine")
        log.info("dost-fieldbot running: %s", ", ".join(f"{c.name} ({app.health.channels[c.name].state})"
                                                       for c in channels) or "no channels")
        await stop.wait()
        log.info("stopping: finishing the messages in hand")
        if app.supervisor is not None:
            await app.supervisor.stop()
        for channel in channels:
            await channel.stop()
        await app.engine.stop()
        await engine_task
        await _close(app, channels, server)


async def _close(app: App, channels: list, server: WebServer | None) -> None:
    if app.supervisor is not None:
        await app.supervisor.stop()
    for channel in channels:
        await getattr(channel, "close", _nothing)()
    if server is not None:
        await server.stop()


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
    """Build the adapters, give them the web server for their webhooks, start the server, then them
    under supervision: one that cannot start is tried again in the background while the others serve."""
    from bot.links import DocumentLinks

    config = app.config
    web_app = make_app(app.engine)
    links = DocumentLinks(app.db, app.clock, config.general.data_dir / "documents", config.web.public_url,
                          dt.timedelta(minutes=config.web.link_minutes), key=config.link_secret,
                          remember_expired=dt.timedelta(days=config.web.expired_link_days))
    links.add_routes(web_app)
    web_view.install(app, web_app)  # the managers' pages (webview/)
    ctx = ChannelContext(
        accept=app.engine.accept, accept_many=app.engine.accept_many, media_dir=config.general.data_dir / "media", web_app=web_app,
        public_url=config.web.public_url, links=links, clock=app.clock,
        commands_for=app.router.commands_for, is_staff=app.router.is_staff, health=app.engine.health,
    )
    private_dir(ctx.media_dir)
    private_dir(links.documents_dir)
    channels = [cls(channel_config, ctx) for cls, channel_config in _channel_classes(config)]
    server = await _start_web(config, web_app)
    app.engine.job_handlers["links.cleanup"] = links.cleanup_job

    async def tell_admins(channel: str, error: str) -> None:
        await app.engine.notify(await _admin_chats(app), Reply(text=texts.outbox.channel_down(channel, error)))

    supervisor = app.supervisor = Supervisor(app.health, on_up=lambda channel: app.engine.senders.__setitem__(channel.name, channel),
                            notify=tell_admins, base=config.engine.channel_retry_seconds,
                            cap=config.engine.channel_retry_cap_seconds)
    try:
        for channel in channels:
            await supervisor.start(channel)
    except BaseException:  # a channel that can never start (configuration): close what was opened
        await supervisor.stop()
        for channel in channels:
            await getattr(channel, "close", _nothing)()
        if server is not None:
            await server.stop()
        raise
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
    log.info("web server on %s:%s (/healthz, /metrics, the web view)", config.web.host, server.port)
    return server


async def _admin_chats(app: App) -> list[tuple[str, str]]:
    async with app.db.read() as session:
        staff = await people.list_staff(session)
    return [(i.channel, i.chat_id) for s in staff if s.active and "admin" in s.roles
            for i in s.identities if i.channel != "console"]
