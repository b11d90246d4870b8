"""The engine at the cost of its work: CPU, statements and transactions per message, and latency.

The real app (router, the calibration form, engine, database) with technicians in their chats, each
doing what the field does: a calibration shortcut (`/kiemdinh điện N 0 N`), the review comes back,
a think time, the confirmation ("ok"), "Đã lưu", a think time, again. 30 and 200 people at once,
think time uniform in 2–8 s (`--think 0`: everybody answers at once, a saturation test).

Per configuration it prints: messages handled, the process's CPU per message (all its threads: the
simulated people's own share is small), SQL statements, transactions and write transactions per
message (SQLAlchemy events, storage/dbstats.py), and the latency from `accept()` (the inbox commit
starts) to the first answer handed to the (in-memory) channel: p50, p95, p99. Note the load average
next to the figures (2 shared cores): the ratios of one run are what count.

    .venv/bin/python bench/bench_engine.py                       # SQLite in a temporary folder
    .venv/bin/python bench/bench_engine.py --pg postgresql+asyncpg://postgres@127.0.0.1:5432/fb_bench
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from app.wiring import build_app  # noqa: E402
from bot.clock import Clock  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.messages import Incoming, Reply  # noqa: E402
from storage import people  # noqa: E402
from storage.db import open_database  # noqa: E402
from storage.dbstats import StatementCounter  # noqa: E402
from storage.domain import Identity  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CHANNEL = "telegram"
KEYS = itertools.count(1)


class TimingSender:
    """The channel: notes when each chat's first text answer to its latest message arrives."""

    def __init__(self):
        self.waiting: dict[str, tuple[float, asyncio.Future]] = {}
        self.latencies: list[float] = []
        self.sent = 0

    def expect(self, chat: str) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self.waiting[chat] = (time.perf_counter(), future)
        return future

    async def send(self, chat_id: str, reply: Reply) -> str:
        self.sent += 1
        if reply.kind == "text" and chat_id in self.waiting:
            started, future = self.waiting.pop(chat_id)
            self.latencies.append(time.perf_counter() - started)
            if not future.done():
                future.set_result(reply.text)
        return str(self.sent)


@dataclasses.dataclass
class Crowd:
    engine: object
    sender: TimingSender
    think: float
    batches: int
    saved: int = 0

    async def say(self, chat: str, kind: str, body: str, command: str = "") -> str:
        future = self.sender.expect(chat)
        await self.engine.accept(Incoming(CHANNEL, chat, chat, f"b{next(KEYS)}", kind, text=body, command=command))
        return await asyncio.wait_for(future, 120)

    async def pause(self) -> None:
        if self.think:
            await asyncio.sleep(random.uniform(2, 8) * self.think / 5)

    async def person(self, n: int, chat: str) -> None:
        await asyncio.sleep(random.uniform(0, 8) * self.think / 5)  # people do not start together
        for b in range(self.batches):
            value = 100 + n * 10 + b
            await self.say(chat, "command", f"điện {value} 0 {value}", "kiemdinh")
            await self.pause()
            answer = await self.say(chat, "text", "ok")
            self.saved += answer.startswith("Đã lưu")
            await self.pause()


async def register(app, chats: list[str]) -> None:
    async with app.db.unit_of_work() as session:
        for chat in chats:
            staff = await people.create_staff(session, f"Kỹ thuật viên {chat}", ["technician"], app.clock.now())
            await people.add_identity(session, staff.id, Identity(CHANNEL, chat, chat, chat), app.clock.now())


async def run(url: str, label: str, count: int, think: float, batches: int) -> dict:
    db = open_database(url)
    counter = StatementCounter(db.engine)
    await upgrade(db.engine)
    with tempfile.TemporaryDirectory() as data:
        config = load_config(REPO / "config.toml", env={"FIELDBOT_DATA_DIR": data})
        config = dataclasses.replace(config, reporting={**config.reporting, "reminders": False})
        app = await build_app(config, Clock(config.general.zone), db)
        sender = TimingSender()
        app.engine.senders[CHANNEL] = sender
        chats = [f"{label}{count}x{i}" for i in range(count + 5)]
        await register(app, chats)
        runner = asyncio.create_task(app.engine.run())
        warm = Crowd(app.engine, sender, 0, 1)
        await asyncio.gather(*(warm.person(i, c) for i, c in enumerate(chats[count:])))  # warm-up, not counted
        sender.latencies.clear()
        counter.reset()
        crowd = Crowd(app.engine, sender, think, batches)
        cpu, started = time.process_time(), time.perf_counter()
        await asyncio.gather(*(crowd.person(i, c) for i, c in enumerate(chats[:count])))
        cpu, elapsed = time.process_time() - cpu, time.perf_counter() - started
        counts = counter.counts
        counter.close()
        await app.engine.stop()
        await runner
    await db.close()
    handled = len(sender.latencies)
    assert crowd.saved == count * batches, f"{crowd.saved} of {count * batches} batches saved"
    q = statistics.quantiles(sender.latencies, n=100, method="inclusive")
    return {"people": count, "messages": handled, "cpu_ms": cpu * 1000 / handled,
            "statements": counts.statements / handled, "transactions": counts.transactions / handled,
            "writes": counts.writes / handled, "p50": q[49] * 1000, "p95": q[94] * 1000, "p99": q[98] * 1000,
            "per_second": handled / elapsed}


async def reset_pg(url: str) -> None:
    db = open_database(url)
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await db.close()


HEADER = (f"{'database':<11} {'people':>6} {'msgs':>5} {'CPU ms':>7} {'stmts':>6} {'txns':>5} {'writes':>6} "
          f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'msg/s':>6}")


def line(name: str, r: dict) -> str:
    return (f"{name:<11} {r['people']:>6} {r['messages']:>5} {r['cpu_ms']:>7.2f} {r['statements']:>6.1f} "
            f"{r['transactions']:>5.2f} {r['writes']:>6.2f} {r['p50']:>7.1f} {r['p95']:>7.1f} {r['p99']:>7.1f} "
            f"{r['per_second']:>6.1f}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", help="PostgreSQL URL (its public schema is dropped and recreated)")
    parser.add_argument("--people", type=int, action="append", help="people at once (repeat); default 30 and 200")
    parser.add_argument("--batches", type=int, default=3, help="calibration batches per person (2 messages each)")
    parser.add_argument("--think", type=float, default=5.0, help="mean think time in s (2–8 s at 5); 0: none")
    parser.add_argument("--only-pg", action="store_true", help="PostgreSQL only")
    args = parser.parse_args()
    random.seed(1)
    print(f"load average {os.getloadavg()[0]:.1f} at the start; think time "
          f"{'none' if not args.think else f'{args.think * 2 / 5:g}–{args.think * 8 / 5:g} s'}", flush=True)
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        targets = [] if args.only_pg else [("SQLite", lambda n: f"sqlite+aiosqlite:///{tmp}/bench{n}.sqlite3")]
        if args.pg:
            targets.append(("PostgreSQL", lambda n: args.pg))
        for name, url in targets:
            for count in args.people or [30, 200]:
                if name == "PostgreSQL":
                    await reset_pg(args.pg)
                r = await run(url(count), name[0].lower(), count, args.think, args.batches)
                print(line(name, r), flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
