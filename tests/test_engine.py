"""The engine: inbox first, one unit of work per message, replies after commit, order per chat."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.engine import Engine, EngineSettings, PermanentFailure, RetryLater
from bot.messages import Reply
from storage import engine_store
from storage.models import AuditRow, InboxRow, OutboxRow
from tests.kit import RecordingSender, echo_handler, message


def make_engine(db, clock, handler=echo_handler, **settings) -> tuple[Engine, RecordingSender]:
    engine = Engine(db, handler, clock, EngineSettings(**settings), error_reply=lambda m: Reply(text="xin lỗi"))
    sender = RecordingSender()
    engine.senders["console"] = sender
    return engine, sender


async def count(db, column) -> int:
    async with db.read() as session:
        return await session.scalar(select(func.count(column)))


async def test_message_is_handled_and_answered(db, clock):
    engine, sender = make_engine(db, clock)
    assert await engine.accept(message("c1", "xin chào"))
    await engine.run_until_idle()
    assert sender.texts("c1") == ["echo: xin chào"]
    async with db.read() as session:
        statuses = (await session.scalars(select(InboxRow.status))).all()
        sent = (await session.scalars(select(OutboxRow.status))).all()
    assert statuses == ["done"] and sent == ["sent"]


async def test_duplicate_delivery_is_handled_once(db, clock):
    engine, sender = make_engine(db, clock)
    first = message("c1", "một", key="tg-1001")
    assert await engine.accept(first)
    assert not await engine.accept(first)
    await engine.run_until_idle()
    assert not await engine.accept(first)  # a late redelivery, after processing, too
    await engine.run_until_idle()
    assert sender.texts("c1") == ["echo: một"]
    assert await count(db, AuditRow.id) == 1


async def test_same_key_on_another_channel_is_another_event(db, clock):
    engine, console = make_engine(db, clock)
    engine.senders["zalo"] = zalo = RecordingSender()
    assert await engine.accept(message("c1", "a", key="42"))
    assert await engine.accept(message("c1", "b", key="42", channel="zalo"))
    await engine.run_until_idle()
    assert console.texts("c1") == ["echo: a"] and zalo.texts("c1") == ["echo: b"]  # each answered where it came from
    async with db.read() as session:
        rows = (await session.execute(select(InboxRow.channel, InboxRow.status).order_by(InboxRow.id))).all()
    assert [tuple(r) for r in rows] == [("console", "done"), ("zalo", "done")]


async def test_handler_error_rolls_back_and_apologises(db, clock):
    async def broken(unit):
        await echo_handler(unit)  # writes, then fails: nothing of it may stay
        if unit.incoming.text == "boom":
            raise RuntimeError("bug")

    engine, sender = make_engine(db, clock, handler=broken)
    await engine.accept(message("c1", "boom"))
    await engine.accept(message("c1", "sau đó"))
    await engine.run_until_idle()
    assert sender.texts("c1") == ["xin lỗi", "echo: sau đó"]
    assert await count(db, AuditRow.id) == 1
    async with db.read() as session:
        assert (await session.scalars(select(InboxRow.status).order_by(InboxRow.id))).all() == ["failed", "done"]


async def test_reply_retried_after_429_and_5xx_keeps_order(db, clock):
    engine, sender = make_engine(db, clock, send_backoff=0.01)
    sender.failures = [RetryLater("429", after=30), RetryLater("502")]
    for text in ("1", "2", "3"):
        await engine.accept(message("c1", text))
    await engine.run_until_idle()
    assert sender.texts("c1") == []  # the first reply waits 30 s; the others wait behind it
    clock.advance(seconds=40)
    await engine.send_due_once()
    assert sender.texts("c1") == []  # 502: backed off again
    clock.advance(seconds=40)
    await engine.run_until_idle()
    assert sender.texts("c1") == ["echo: 1", "echo: 2", "echo: 3"]


async def test_retry_stops_at_the_horizon_and_keeps_the_reply(db, clock):
    engine, sender = make_engine(db, clock, send_horizon=4, send_backoff=0.01)
    sender.failures = [RetryLater("500"), RetryLater("500")]
    await engine.accept(message("c1", "x"))
    await engine.run_until_idle()
    clock.advance(seconds=5)
    await engine.run_until_idle()
    async with db.read() as session:
        assert (await session.scalars(select(OutboxRow.status))).all() == ["expired"]


async def test_permanent_failure_does_not_block_the_chat(db, clock):
    engine, sender = make_engine(db, clock)
    sender.failures = [PermanentFailure("403 blocked")]
    await engine.accept(message("c1", "a"))
    await engine.accept(message("c1", "b"))
    await engine.run_until_idle()
    assert sender.texts("c1") == ["echo: b"]


async def test_reply_for_a_channel_not_running_waits(db, clock):
    engine, sender = make_engine(db, clock)
    await engine.accept(message("z1", "a", channel="zalo"))
    await engine.run_until_idle()
    async with db.read() as session:
        assert (await session.scalars(select(OutboxRow.status))).all() == ["pending"]


async def test_burst_from_50_chats_keeps_each_chats_order(db, clock):
    """50 chats at once, 6 messages each sent without waiting for replies, while the engine runs."""
    engine, sender = make_engine(db, clock, concurrency=16, poll_interval=0.05)
    runner = asyncio.create_task(engine.run())
    chats = [f"chat{i}" for i in range(50)]

    async def talk(chat):
        for n in range(6):
            await engine.accept(message(chat, f"{chat}-{n}"))

    await asyncio.gather(*(talk(c) for c in chats))
    for _ in range(600):
        if sum(len(v) for v in sender.sent.values()) == 300:
            break
        await asyncio.sleep(0.05)
    await engine.stop()
    await runner
    for chat in chats:
        assert sender.texts(chat) == [f"echo: {chat}-{n}" for n in range(6)]
    assert await count(db, AuditRow.id) == 300


async def test_timed_job_runs_once_even_when_claimed_twice(db, clock):
    calls = []

    async def remind(session, job, now):
        calls.append(job.key)
        return [("console", "c1", Reply(text="nhắc việc"))]

    engine, sender = make_engine(db, clock)
    engine.job_handlers["remind"] = remind
    async with db.unit_of_work() as session:
        assert await engine_store.schedule_once(session, key="r-2023-01", kind="remind", due_at=clock.now())
        assert not await engine_store.schedule_once(session, key="r-2023-01", kind="remind", due_at=clock.now())
    await engine.run_until_idle()
    await engine.run_until_idle()
    assert calls == ["r-2023-01"] and sender.texts("c1") == ["nhắc việc"]


async def test_job_not_due_waits(db, clock):
    engine, sender = make_engine(db, clock)
    engine.job_handlers["remind"] = lambda s, j, n: asyncio.sleep(0, result=[("console", "c1", Reply(text="x"))])
    async with db.unit_of_work() as session:
        await engine_store.schedule_once(session, key="later", kind="remind", due_at=clock.now() + dt.timedelta(hours=1))
    await engine.run_until_idle()
    assert sender.texts("c1") == []
    clock.advance(hours=2)
    await engine.run_until_idle()
    assert sender.texts("c1") == ["x"]


@pytest.mark.parametrize("stop_early", [True, False])
async def test_stop_finishes_message_in_hand(sqlite_db, clock, stop_early):
    started = asyncio.Event()

    async def slow(unit):
        started.set()
        await asyncio.sleep(0.05)
        await echo_handler(unit)

    engine, sender = make_engine(sqlite_db, clock, handler=slow, poll_interval=0.01)
    runner = asyncio.create_task(engine.run())
    await engine.accept(message("c1", "a"))
    await started.wait()
    await engine.stop()
    await runner
    assert sender.texts("c1") == ["echo: a"]
