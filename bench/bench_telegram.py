"""Per-step cost and latency through the whole Telegram stack, next to a bare python-telegram-bot echo bot.

Each simulated person sends a message, waits for the bot's reply and sends the next, N times; 30 or
200 of them at once. Ours: technicians doing a form step — a calibration shortcut (`/kiemdinh điện
N 0 N`), its review, the confirmation ("ok"), "Đã lưu" — through getUpdates, our adapter, the inbox
commit, the engine's unit of work (router, the form, the record), the outbox and sendMessage through
the real PTB Bot. The baseline is PTB's Application polling the same fake with one MessageHandler
that echoes (no database). Both stacks send through the same limiter: PTB's AIORateLimiter as
deployed (Telegram's 30 messages/second overall); "no cap" runs raise its rates for both, to show
each stack's own cost.

The fake platform and the people run in a thread of their own (their own event loop), so the CPU
per step is the bot's: the process's CPU time less that thread's. Each stack runs in a process of
its own (this script again, `--one`), so neither pays for the other's heap: the echo bot's process
loads python-telegram-bot and the fake, not our application. A step is timed from the moment
the update is queued at the fake until the bot's reply is stored there.

    .venv/bin/python bench/bench_telegram.py                 # 30 and 200 people, 6 messages each
    .venv/bin/python bench/bench_telegram.py --users 30 --messages 10
    .venv/bin/python bench/bench_telegram.py --users 30 --think 5 --stack ours --stack "PTB echo"

`--think 5`: each person waits 2–8 s (uniform) after each reply and starts at a random moment in the
first 8 s, as people in the field answer — both stacks get the same arrivals, so the CPU per step
compares the two when the process is idle between messages (the real load), not saturated.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import Update  # noqa: E402
from telegram.ext import AIORateLimiter, Application, ContextTypes, MessageHandler, filters  # noqa: E402

from tests.fakes import FakeTelegram  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
FIRST_CHAT = 100_000


def limiter(capped: bool, retries: int) -> AIORateLimiter:
    """As deployed (bot/channels/telegram.py: Telegram's 30/s overall, its RATE_LIMIT_RETRIES), or with
    its rates raised."""
    if capped:
        return AIORateLimiter(max_retries=retries)
    return AIORateLimiter(overall_max_rate=100_000, group_max_rate=100_000, max_retries=retries)


# --- the platform and the people, in a thread of their own ------------------------------------------


class Platform:
    """FakeTelegram on its own event loop in its own thread; the people run there too."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="fake telegram", daemon=True)
        self.thread.start()
        self.fake: FakeTelegram | None = None

    async def call(self, coro):
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))

    async def start(self, users: int) -> FakeTelegram:
        async def start():
            fake = FakeTelegram(require_known_chat=False)
            await fake.start()
            for u in range(users):
                fake.add_chat(FIRST_CHAT + u)
            return fake

        self.fake = await self.call(start())
        return self.fake

    async def close(self) -> None:
        await self.call(self.fake.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


async def person(fake: FakeTelegram, chat: int, messages: int, say: Callable[[int, int], None],
                 think: float = 0.0) -> list[float]:
    """Send, wait for the reply, (think,) repeat; the latency of each step in seconds."""
    latencies = []
    pause = random.Random(chat)  # the same pauses for every stack
    if think:
        await asyncio.sleep(pause.uniform(0, 8) * think / 5)
    for n in range(messages):
        if n and think:
            await asyncio.sleep(pause.uniform(2, 8) * think / 5)
        seen = len(fake.messages(chat))
        started = time.perf_counter()
        say(chat, n)
        await fake.wait_for_messages(chat, seen + 1, timeout=300)
        latencies.append(time.perf_counter() - started)
    return latencies


async def crowd(fake: FakeTelegram, users: int, messages: int, say, think: float = 0.0
                ) -> tuple[list[float], float, float]:
    """Everybody at once: (latencies, wall seconds, this thread's CPU seconds)."""
    cpu, started = time.thread_time(), time.perf_counter()
    results = await asyncio.gather(*(person(fake, FIRST_CHAT + u, messages, say, think) for u in range(users)))
    return [x for r in results for x in r], time.perf_counter() - started, time.thread_time() - cpu


def form_step(fake: FakeTelegram) -> Callable[[int, int], None]:
    def say(chat: int, n: int) -> None:
        if n % 2 == 0:
            fake.user_command(chat, "kiemdinh", f"điện {chat % 1000 * 100 + n} 0 {chat % 1000 * 100 + n}")
        else:
            fake.user_text(chat, "ok")

    return say


def echo_text(fake: FakeTelegram) -> Callable[[int, int], None]:
    return lambda chat, n: fake.user_text(chat, f"xin chào {n}")


# --- the stacks -----------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def adapter_stack(fake: FakeTelegram, users: int, capped: bool, retries: int) -> AsyncIterator[None]:
    """config.toml pointed at the fake, a fresh SQLite file, `users` registered technicians."""
    from app import wiring as app_module
    from bot.channels.base import ChannelContext
    from bot.channels.telegram import TelegramChannel
    from bot.config import load_config

    with tempfile.TemporaryDirectory() as tmp:
        env = {"TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_BASE_URL": f"{fake.url}/bot",
               "TELEGRAM_BASE_FILE_URL": f"{fake.url}/file/bot", "FIELDBOT_DATA_DIR": tmp}
        config = load_config(REPO / "config.toml", env=env)
        app = await app_module.build_app(config)
        await register(app, users)
        ctx = ChannelContext(accept=app.engine.accept, accept_many=app.engine.accept_many,  # as app/wiring.py
                             media_dir=Path(tmp) / "media", web_app=None, public_url="", links=None, clock=app.clock,
                             commands_for=app.router.commands_for, is_staff=app.router.is_staff,
                             health=app.engine.health)
        channel = TelegramChannel(config.telegram, ctx, rate_limiter=limiter(capped, retries))
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


async def register(app, users: int) -> None:
    from storage import people
    from storage.domain import Identity

    async with app.db.unit_of_work() as session:
        for u in range(users):
            staff = await people.create_staff(session, f"Kỹ thuật viên {u}", {"technician"}, app.clock.now())
            chat = str(FIRST_CHAT + u)
            await people.add_identity(session, staff.id, Identity("telegram", chat, chat, f"Kỹ thuật viên {u}"),
                                      app.clock.now())


@contextlib.asynccontextmanager
async def echo_stack(fake: FakeTelegram, users: int, capped: bool, retries: int) -> AsyncIterator[None]:
    """python-telegram-bot's own way: Application, Updater polling, one echo handler, the same limiter."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(update.effective_message.text or "?")

    application = (Application.builder().token(fake.token).base_url(f"{fake.url}/bot")
                   .base_file_url(f"{fake.url}/file/bot").rate_limiter(limiter(capped, retries)).build())
    application.add_handler(MessageHandler(filters.ALL, echo))
    async with application:
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=10)
        try:
            yield
        finally:
            await application.updater.stop()
            await application.stop()


STACKS = {  # name: (stack, capped as deployed, what people say)
    "ours": (adapter_stack, True, form_step),
    "PTB echo": (echo_stack, True, echo_text),
    "ours, no cap": (adapter_stack, False, form_step),
    "PTB echo, no cap": (echo_stack, False, echo_text),
}


async def run(stack: str, users: int, messages: int, think: float, retries: int) -> dict:
    build, capped, say = STACKS[stack]
    platform = Platform()
    fake = await platform.start(users)
    try:
        async with build(fake, users, capped, retries):
            cpu = time.process_time()
            latencies, wall, fake_cpu = await platform.call(crowd(fake, users, messages, say(fake), think))
            cpu = time.process_time() - cpu - fake_cpu
        assert not fake.violations, fake.violations[:3]
        calls = {m: n for m, n in fake.calls.items() if m != "getUpdates"}
    finally:
        await platform.close()
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"stack": stack, "users": users, "steps": len(latencies), "p50": cuts[49] * 1000,
            "p95": cuts[94] * 1000, "p99": cuts[98] * 1000, "rate": len(latencies) / wall,
            "cpu": cpu * 1000 / len(latencies), "calls": sum(calls.values()) / len(latencies), "by_method": calls}


def show(rows: list[dict]) -> None:
    print(f"{'stack':<17} {'users':>5} {'steps':>6} {'CPU ms':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'steps/s':>8} {'calls':>6}")
    for r in rows:
        print(f"{r['stack']:<17} {r['users']:>5} {r['steps']:>6} {r['cpu']:>7.2f} {r['p50']:>8.1f} {r['p95']:>8.1f} "
              f"{r['p99']:>8.1f} {r['rate']:>8.1f} {r['calls']:>6.2f}")
    print("\nBot API calls per step besides getUpdates (all go through the limiter):")
    for r in rows:
        print(f"  {r['stack']}, {r['users']}: " + ", ".join(f"{m} {n}" for m, n in sorted(r["by_method"].items())))
    print("\nours against the PTB echo bot under the same limiter (CPU per step; p50 / p95 / p99; throughput):")
    for users in sorted({r["users"] for r in rows}):
        for cap in ("", ", no cap"):
            ours = next((r for r in rows if r["users"] == users and r["stack"] == f"ours{cap}"), None)
            base = next((r for r in rows if r["users"] == users and r["stack"] == f"PTB echo{cap}"), None)
            if ours and base:
                ratios = " / ".join(f"{ours[k] / base[k]:.1f}×" for k in ("p50", "p95", "p99"))
                print(f"  {users:>3} users{cap or ', limiter as deployed':<22} CPU {ours['cpu'] / base['cpu']:.1f}×; "
                      f"{ratios}; throughput {ours['rate'] / base['rate']:.2f}×")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, action="append", help="people at once (repeat); default 30 and 200")
    parser.add_argument("--messages", type=int, default=6, help="messages per person (even: whole form steps)")
    parser.add_argument("--think", type=float, default=0.0, help="mean think time in s (2–8 s at 5); 0: none")
    parser.add_argument("--stack", choices=list(STACKS), action="append", help="only these stacks (repeat); default all")
    parser.add_argument("--one", choices=list(STACKS), help=argparse.SUPPRESS)  # a child: one stack, a JSON line
    parser.add_argument("--retries", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if args.one:
        print(json.dumps(await run(args.one, args.users[0], args.messages, args.think, args.retries)))
        return
    from bot.channels.telegram import RATE_LIMIT_RETRIES  # as deployed; the children need not load our code
    print(f"load average {os.getloadavg()[0]:.1f} at the start; think time "
          f"{f'{args.think * 2 / 5:g}–{args.think * 8 / 5:g} s' if args.think else 'none'}", file=sys.stderr)
    rows = []
    for users in args.users or [30, 200]:
        for stack in args.stack or STACKS:
            child = await asyncio.create_subprocess_exec(
                sys.executable, __file__, "--one", stack, "--users", str(users), "--messages", str(args.messages),
                "--think", str(args.think), "--retries", str(RATE_LIMIT_RETRIES), stdout=asyncio.subprocess.PIPE)
            out, _ = await child.communicate()
            if child.returncode:
                raise SystemExit(f"{stack}, {users} users: the run failed (exit {child.returncode})")
            rows.append(json.loads(out.decode().strip().splitlines()[-1]))
            print(f"  done: {stack}, {users} users ({dt.datetime.now():%H:%M:%S}, load average "
                  f"{os.getloadavg()[0]:.1f})", file=sys.stderr)
    show(rows)


if __name__ == "__main__":
    asyncio.run(main())
