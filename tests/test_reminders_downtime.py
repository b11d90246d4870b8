"""Reminders after downtime (issue 10, item 9): at most one reminder per period, only while its
cut-off is still ahead — a bot that was down for months does not send the missed ones at restart."""

from __future__ import annotations

from app.wiring import build_app
from storage import people
from storage.domain import Identity
from tests.conftest import frozen
from tests.kit import RecordingSender


async def reminded_app(config, db, when: str):
    clock = frozen(when)
    app = await build_app(config, clock=clock, db=db)
    sender = RecordingSender()
    app.engine.senders["console"] = sender
    async with db.unit_of_work() as session:
        tech = await people.create_staff(session, "Phạm Văn Đo", ["technician"], clock.now())
        await people.add_identity(session, tech.id, Identity("console", "tech", "tech", "Đo"), clock.now())
    return app, clock, sender


async def tick(app, times: int = 5) -> None:
    for _ in range(times):
        app.engine._last_sweep = None  # the sweeps (reminder scheduling) run at every tick in this test
        await app.engine.run_jobs_once()
        await app.engine.send_due_once()


async def test_months_of_downtime_send_no_burst_of_reminders(config, db):
    app, clock, sender = await reminded_app(config, db, "2023-01-10 09:00")
    await tick(app)
    assert sender.texts("tech") == []  # the reminder of 01/2023 is due on 13/01
    clock.advance(days=90)  # down from 10/01 to 10/04 2023: three reminders missed
    await tick(app, 20)
    assert sender.texts("tech") == []  # their cut-offs have passed: none is sent
    clock.advance(days=3)  # 13/04 09:00: the reminder of 04/2023 (cut-off 14/04) is due
    await tick(app, 5)
    [reminder] = sender.texts("tech")
    assert "04/2023" in reminder or "4/2023" in reminder
    clock.advance(days=30)  # 13/05 09:00: the next period's, once
    await tick(app, 5)
    assert len(sender.texts("tech")) == 2


async def test_a_restart_before_the_cut_off_still_sends_the_missed_reminder_once(config, db):
    app, clock, sender = await reminded_app(config, db, "2023-01-12 09:00")
    await tick(app)
    clock.advance(days=2)  # down over the reminder (13/01 08:00), back on the cut-off day 14/01
    await tick(app, 10)
    assert len(sender.texts("tech")) == 1
    clock.advance(days=1)
    await tick(app, 10)
    assert len(sender.texts("tech")) == 1
