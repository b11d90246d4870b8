"""Per-step latency through the whole Telegram stack, next to a bare python-telegram-bot echo bot.

Each simulated person sends a message, waits for the bot's reply and sends the next, N times; 30 or
200 of them at once. A step is timed from the moment the update is queued at FakeTelegram until the
bot's reply is stored there, so it covers getUpdates, our adapter, the inbox commit, the engine's
unit of work (router: who is writing, /help for their roles), the outbox and sendMessage through
the real PTB Bot and its AIORateLimiter. The baseline is PTB's Application polling the same kind of
fake with one MessageHandler that echoes. Fake, bot and clients share one process and event loop.

Three stacks run:
- "adapter": as deployed, AIORateLimiter at Telegram's 30 messages/second overall;
- "adapter, no cap": the same with the limiter's rates raised, to show the stack's own cost;
- "PTB echo": Application + MessageHandler, no database, no rate limiter.

    .venv/bin/python bench/bench_telegram.py                 # 30 and 200 people, 5 messages each
    .venv/bin/python bench/bench_telegram.py --users 30 --messages 10
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import Update  # noqa: E402
from telegram.ext import AIORateLimiter, Application, ContextTypes, MessageHandler, filters  # noqa: E402

from app import wiring as app_module  # noqa: E402
from bot.channels.base import ChannelContext  # noqa: E402
from bot.channels.telegram import TelegramChannel  # noqa: E402
from bot.config import load_config  # noqa: E402
from storage import people  # noqa: E402
from storage.domain import Identity  # noqa: E402
from tests.fakes import FakeTelegram  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
FIRST_CHAT = 100_000


# --- the people -----------------------------------------------------------------------------------


async def person(fake: FakeTelegram, chat: int, messages: int, send: Callable[[int], None]) -> list[float]:
    """Send, wait for the reply, repeat; the latency of each step in seconds."""
    latencies = []
    for n in range(messages):
        started = time.perf_counter()
        send(chat)
        await fake.wait_for_messages(chat, n + 1, timeout=120)
        latencies.append(time.perf_counter() - started)
    return latencies


async def crowd(fake: FakeTelegram, users: int, messages: int, send: Callable[[int], None]) -> tuple[list[float], float]:
    started = time.perf_counter()
    results = await asyncio.gather(*(person(fake, FIRST_CHAT + u, messages, send) for u in range(users)))
    return [x for r in results for x in r], time.perf_counter() - started


# --- the stacks -----------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def adapter_stack(fake: FakeTelegram, users: int, capped: bool) -> AsyncIterator[None]:
    """config.toml pointed at the fake, a fresh SQLite file, `users` registered inspectors."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {"TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_BASE_URL": f"{fake.url}/bot",
               "TELEGRAM_BASE_FILE_URL": f"{fake.url}/file/bot", "FIELDBOT_DATA_DIR": tmp}
        config = load_config(REPO / "config.toml", env=env)
        app = await app_module.build_app(config)
        await register(app, users)
        ctx = ChannelContext(accept=timed(app.engine.accept), media_dir=Path(tmp) / "media", web_app=None, public_url="",
                             links=None, clock=app.clock, commands_for=app.router.commands_for)
        limiter = None if capped else AIORateLimiter(overall_max_rate=100_000, max_retries=1)
        channel = TelegramChannel(config.telegram, ctx, rate_limiter=limiter)
        app.engine.senders[channel.name] = channel
        await channel.start()
        engine = asyncio.create_task(app.engine.run())
        try:
            yield
        finally:
            await channel.stop()
            await app.engine.stop()
            await engine
            await channel.close()
            await app.db.close()


ACCEPTS: list[float] = []  # seconds per inbox commit: the polling loop makes them one by one


def timed(accept):
    async def accept_timed(incoming):
        started = time.perf_counter()
        try:
            return await accept(incoming)
        finally:
            ACCEPTS.append(time.perf_counter() - started)

    return accept_timed


async def register(app: app_module.App, users: int) -> None:
    async with app.db.unit_of_work() as session:
        for u in range(users):
            staff = await people.create_staff(session, f"Cán bộ {u}", {"inspector"}, app.clock.now())
            chat = str(FIRST_CHAT + u)
            await people.add_identity(session, staff.id, Identity("telegram", chat, chat, f"Cán bộ {u}"),
                                      app.clock.now())


@contextlib.asynccontextmanager
async def echo_stack(fake: FakeTelegram, users: int, capped: bool) -> AsyncIterator[None]:
    """python-telegram-bot's own way: Application, Updater polling, one echo handler."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(update.effective_message.text or "?")

    application = (Application.builder().token(fake.token).base_url(f"{fake.url}/bot")
                   .base_file_url(f"{fake.url}/file/bot").build())
    application.add_handler(MessageHandler(filters.ALL, echo))
    async with application:
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=10)
        try:
            yield
        finally:
            await application.updater.stop()
            await application.stop()


STACKS = {
    "adapter": (adapter_stack, True, lambda fake: lambda chat: fake.user_command(chat, "help")),
    "adapter, no cap": (adapter_stack, False, lambda fake: lambda chat: fake.user_command(chat, "help")),
    "PTB echo": (echo_stack, False, lambda fake: lambda chat: fake.user_text(chat, "xin chào")),
}


async def run(stack: str, users: int, messages: int) -> dict:
    build, capped, sender = STACKS[stack]
    async with FakeTelegram(require_known_chat=False) as fake:
        for u in range(users):
            fake.add_chat(FIRST_CHAT + u)
        ACCEPTS.clear()
        async with build(fake, users, capped):
            latencies, wall = await crowd(fake, users, messages, sender(fake))
        if ACCEPTS:
            print(f"  {stack}, {users} users: inbox commit mean {statistics.mean(ACCEPTS) * 1000:.1f} ms, "
                  f"{sum(ACCEPTS) / wall:.0%} of the wall time", file=sys.stderr)
        assert not fake.violations, fake.violations[:3]
    return summary(stack, users, latencies, wall)


def summary(stack: str, users: int, latencies: list[float], wall: float) -> dict:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"stack": stack, "users": users, "steps": len(latencies), "p50": cuts[49] * 1000,
            "p95": cuts[94] * 1000, "p99": cuts[98] * 1000, "rate": len(latencies) / wall}


def show(rows: list[dict]) -> None:
    print(f"{'stack':<16} {'users':>5} {'steps':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'steps/s':>8}")
    for r in rows:
        print(f"{r['stack']:<16} {r['users']:>5} {r['steps']:>6} {r['p50']:>8.1f} {r['p95']:>8.1f} "
              f"{r['p99']:>8.1f} {r['rate']:>8.1f}")
    print("\nratio to the PTB echo bot (p50 / p95 / p99):")
    for users in sorted({r["users"] for r in rows}):
        base = next(r for r in rows if r["users"] == users and r["stack"] == "PTB echo")
        for r in (r for r in rows if r["users"] == users and r["stack"] != "PTB echo"):
            ratios = " / ".join(f"{r[k] / base[k]:.1f}×" for k in ("p50", "p95", "p99"))
            print(f"  {users:>3} users, {r['stack']:<16} {ratios}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, action="append", help="people at once (repeat); default 30 and 200")
    parser.add_argument("--messages", type=int, default=5, help="messages per person")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    rows = []
    for users in args.users or [30, 200]:
        for stack in STACKS:
            rows.append(await run(stack, users, args.messages))
            print(f"  done: {stack}, {users} users ({dt.datetime.now():%H:%M:%S})", file=sys.stderr)
    show(rows)


if __name__ == "__main__":
    asyncio.run(main())
