"""The running engine's timed jobs (issue 23): the due jobs are read when one is due, not at every tick,
and a job that a message's unit of work schedules runs at once all the same."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.engine import Engine, EngineSettings
from bot.messages import Reply
from storage import engine_store
from storage.dbstats import StatementCounter
from tests.kit import RecordingSender, echo_handler, message

FAST = dict(poll_interval=0.01, rescan_interval=30.0, sweep_interval=3600.0)


async def _running(engine: Engine):
    runner = asyncio.create_task(engine.run())
    await asyncio.sleep(0.2)  # the first passes: every read of start-up done
    return runner


async def test_an_idle_engine_does_not_read_the_jobs_at_every_tick(db, clock):
    engine = Engine(db, echo_handler, clock, EngineSettings(**FAST))
    engine.senders["console"] = RecordingSender()
    async with db.unit_of_work() as session:  # the earliest job is an hour away
        await engine_store.schedule_once(session, key="later", kind="remind", due_at=clock.now() + dt.timedelta(hours=1))
    counter = StatementCounter(db.engine)
    runner = await _running(engine)
    counter.reset()
    await asyncio.sleep(0.5)  # 50 ticks of the scheduler loop
    counter.close()
    await engine.stop()
    await runner
    assert counter.counts.transactions <= 2, counter.counts


async def test_a_job_due_at_its_time_runs_without_waiting_for_the_rescan(db, clock):
    ran = []

    async def remind(session, job, now):
        ran.append(job.key)
        return []

    engine = Engine(db, echo_handler, clock, EngineSettings(**FAST))
    engine.senders["console"] = RecordingSender()
    engine.job_handlers["remind"] = remind
    async with db.unit_of_work() as session:
        await engine_store.schedule_once(session, key="soon", kind="remind", due_at=clock.now() + dt.timedelta(seconds=0.3))
    runner = await _running(engine)
    clock.advance(seconds=1)
    for _ in range(200):
        if ran:
            break
        await asyncio.sleep(0.01)
    await engine.stop()
    await runner
    assert ran == ["soon"]


async def test_a_job_a_message_schedules_runs_at_once(db, clock):
    """/tracuu's export, say: the person waits for it; the 30 s rescan must not stand between."""
    ran = []

    async def schedule(unit):
        await engine_store.schedule_once(unit.session, key=f"job:{unit.incoming.event_key}", kind="remind",
                                         due_at=unit.now)
        unit.reply(Reply(text="đang làm"))

    async def remind(session, job, now):
        ran.append(job.key)
        return [("console", "c1", Reply(text="xong"))]

    engine = Engine(db, schedule, clock, EngineSettings(**FAST))
    sender = RecordingSender()
    engine.senders["console"] = sender
    engine.job_handlers["remind"] = remind
    runner = await _running(engine)
    await engine.accept(message("c1", "xuất"))
    for _ in range(300):
        if sender.texts("c1") == ["đang làm", "xong"]:
            break
        await asyncio.sleep(0.01)
    await engine.stop()
    await runner
    assert len(ran) == 1 and sender.texts("c1") == ["đang làm", "xong"]
