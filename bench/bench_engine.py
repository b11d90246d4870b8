"""Per-message latency and throughput through the engine and the database.

Each simulated person sends a message, waits for the reply, and sends the next (as people do);
30 or 200 of them at once. A unit of work reads and writes the chat's conversation state, writes an
audit row (a stand-in for a record) and queues a reply; latency runs from the inbox commit to the
reply handed to the (in-memory) channel.

    .venv/bin/python bench/bench_engine.py                       # SQLite in a temporary folder
    .venv/bin/python bench/bench_engine.py --pg postgresql+asyncpg://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from bot.clock import Clock  # noqa: E402
from bot.engine import Engine, EngineSettings, Unit  # noqa: E402
from bot.messages import Incoming, Reply  # noqa: E402
from storage import engine_store  # noqa: E402
from storage.db import open_database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402


async def handler(unit: Unit) -> None:
    msg = unit.incoming
    conv = await engine_store.get_conversation(unit.session, msg.channel, msg.chat_id)
    step = (conv.state["step"] + 1) if conv else 1
    await engine_store.put_conversation(unit.session, msg.channel, msg.chat_id, {"step": step}, unit.now, None)
    await engine_store.audit(unit.session, staff_id=None, action="bench", entity="chat",
                             entity_id=msg.chat_id, after={"text": msg.text}, now=unit.now)
    unit.reply(Reply(text=f"bước {step}"))


class TimingSender:
    def __init__(self):
        self.waiting: dict[str, tuple[float, asyncio.Future]] = {}
        self.latencies: list[float] = []

    async def send(self, chat_id: str, reply: Reply) -> str:
        started, future = self.waiting.pop(chat_id)
        self.latencies.append(time.perf_counter() - started)
        future.set_result(None)
        return ""


async def person(engine: Engine, sender: TimingSender, chat: str, messages: int) -> None:
    loop = asyncio.get_running_loop()
    for n in range(messages):
        future = loop.create_future()
        sender.waiting[chat] = (time.perf_counter(), future)
        await engine.accept(Incoming("bench", chat, chat, f"{chat}-{n}", "text", text=f"{n}"))
        await asyncio.wait_for(future, 60)


async def run(url: str, chats: int, messages: int) -> dict:
    db = open_database(url)
    await upgrade(db.engine)
    engine = Engine(db, handler, Clock(ZoneInfo("Asia/Ho_Chi_Minh")), EngineSettings(concurrency=32, poll_interval=0.5))
    sender = TimingSender()
    engine.senders["bench"] = sender
    runner = asyncio.create_task(engine.run())
    started = time.perf_counter()
    await asyncio.gather(*(person(engine, sender, f"{url[:6]}-{chats}-{i}", messages) for i in range(chats)))
    elapsed = time.perf_counter() - started
    await engine.stop()
    await runner
    await db.close()
    q = statistics.quantiles(sender.latencies, n=100)
    return {"chats": chats, "messages": len(sender.latencies), "p50_ms": q[49] * 1000, "p95_ms": q[94] * 1000,
            "p99_ms": q[98] * 1000, "per_second": len(sender.latencies) / elapsed}


async def reset_pg(url: str) -> None:
    db = open_database(url)
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await db.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", help="PostgreSQL URL (its public schema is dropped and recreated)")
    parser.add_argument("--messages", type=int, default=10, help="messages per person")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("SQLite", f"sqlite+aiosqlite:///{tmp}/bench.sqlite3")]
        if args.pg:
            await reset_pg(args.pg)
            targets.append(("PostgreSQL", args.pg))
        print(f"{'database':<11} {'chats':>5} {'msgs':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'msg/s':>8}")
        for name, url in targets:
            for chats in (30, 200):
                r = await run(url, chats, args.messages)
                print(f"{name:<11} {r['chats']:>5} {r['messages']:>6} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} "
                      f"{r['p99_ms']:>8.1f} {r['per_second']:>8.1f}")


if __name__ == "__main__":
    asyncio.run(main())
