"""What the engine keeps in memory beside the database (issue 23), and why it never does work twice:
a message both in hand and found by a read of the inbox is handled once; a reply both handed over and
found by a read of the outbox is sent once; who writes is forgotten when their roles or access change;
receiving goes before the units of work queued for SQLite's write lock."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.engine import Engine, EngineSettings
from storage import people
from storage.db import WriterQueue
from storage.domain import Identity
from storage.models import AuditRow, OutboxRow
from tests.kit import RecordingSender, echo_handler, message


def make_engine(db, clock) -> tuple[Engine, RecordingSender]:
    engine = Engine(db, echo_handler, clock, EngineSettings())
    engine.senders["console"] = sender = RecordingSender()
    return engine, sender


async def test_a_message_in_hand_and_found_by_a_read_is_handled_once(db, clock):
    engine, sender = make_engine(db, clock)
    assert await engine.accept(message("c1", "một"))  # in hand (memory) …
    engine._known.clear()  # … and forgotten as known, as if a read had found it while in hand
    await engine.dispatch_once(scan=True)  # the read queues it a second time
    assert len(engine._queued[("console", "c1")]) == 2
    await asyncio.gather(*list(engine._workers))
    await engine.send_due_once()
    assert sender.texts("c1") == ["echo: một"]  # claimed once: the second claim found it done
    async with db.read() as session:
        assert await session.scalar(select(func.count(AuditRow.id))) == 1


async def test_a_reply_handed_over_and_found_by_a_read_is_sent_once(db, clock):
    engine, sender = make_engine(db, clock)
    assert await engine.accept(message("c0", "một"))
    await engine.run_until_idle()  # the channel has delivered once (no read of the outbox owed any more)
    assert await engine.accept(message("c1", "hai"))
    await engine.dispatch_once(scan=False)
    await asyncio.gather(*list(engine._workers))
    assert len(engine._fresh) == 1  # handed over in memory, not yet sent
    handed = list(engine._fresh)
    await engine.send_due_once()  # a read of the outbox finds and sends it …
    engine._fresh = handed  # … and the hand-over arrives late (its unit was still closing)
    assert await engine._send_step() == 0  # from memory: already sent
    await engine.send_due_once()
    assert sender.texts("c1") == ["echo: hai"]
    async with db.read() as session:
        assert (await session.scalars(select(OutboxRow.status))).all() == ["sent", "sent"]


async def test_sent_marks_ride_along_with_the_next_inbox_commit(db, clock):
    engine, sender = make_engine(db, clock)
    engine.settings.mark_delay = 3600.0
    assert await engine.accept(message("c0", "một"))
    await engine.run_until_idle()  # the channel has delivered once: its marks may wait from now on
    assert await engine.accept(message("c1", "ba"))
    await engine.dispatch_once(scan=False)
    await asyncio.gather(*list(engine._workers))
    await engine._send_step()  # sent from memory; the mark waits
    assert sender.texts("c1") == ["echo: ba"] and len(engine._marks) == 1
    async with db.read() as session:
        assert (await session.scalars(select(OutboxRow.status).order_by(OutboxRow.id))).all() == ["sent", "pending"]
    assert await engine.accept(message("c1", "bốn"))  # the next message's transaction writes it
    assert engine._marks == []
    async with db.read() as session:
        assert (await session.scalars(select(OutboxRow.status).order_by(OutboxRow.id))).all() == ["sent", "sent"]


async def test_who_writes_is_forgotten_when_roles_or_access_change(db, clock):
    now = clock.now()
    async with db.unit_of_work() as session:
        staff = await people.create_staff(session, "Nguyễn Văn An", {"inspector"}, now)
        await people.add_identity(session, staff.id, Identity("console", "an", "an", "An"), now)
    async with db.read() as session:
        assert (await people.staff_by_identity(session, "console", "an")).roles == {"inspector"}
    async with db.unit_of_work() as session:
        await people.set_roles(session, staff.id, {"manager"})
    async with db.read() as session:
        assert (await people.staff_by_identity(session, "console", "an")).roles == {"manager"}
    async with db.unit_of_work() as session:
        await people.set_active(session, staff.id, False)
    async with db.read() as session:
        assert not (await people.staff_by_identity(session, "console", "an")).active


async def test_receiving_goes_before_the_queued_units_of_work():
    queue, order = WriterQueue(), []
    await queue.acquire()  # a unit of work holds the lock

    async def writer(name: str, urgent: bool) -> None:
        async with queue.held(urgent):
            order.append(name)

    waiting = [asyncio.create_task(writer("unit 1", False)), asyncio.create_task(writer("unit 2", False))]
    await asyncio.sleep(0)
    waiting.append(asyncio.create_task(writer("inbox", True)))
    await asyncio.sleep(0)
    queue.release()
    await asyncio.gather(*waiting)
    assert order == ["inbox", "unit 1", "unit 2"]


async def test_a_cancelled_waiter_does_not_keep_the_lock():
    queue = WriterQueue()
    await queue.acquire()
    waiter = asyncio.create_task(queue.acquire())
    await asyncio.sleep(0)
    waiter.cancel()
    await asyncio.sleep(0)
    queue.release()
    await asyncio.wait_for(queue.acquire(), 1)  # free again
