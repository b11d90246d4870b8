"""/chotky and the reminders before the cut-off."""

from __future__ import annotations

import dataclasses
import datetime as dt
import types

import pytest
from sqlalchemy import select

import texts
from handlers import reminders
from storage import engine_store
from storage.models import ScheduledJobRow
from storage.record_models import ClosedPeriodRow
from tests.conftest import frozen
from tests.kit import Chat, add_staff, make_app


@pytest.fixture
async def env(config, db):
    app, sender = await make_app(config, db, frozen("2023-01-16 09:00"), reminders=True)  # period 02/2023 has begun
    await add_staff(app, "Phạm Lãnh Đạo", {"manager"}, "boss")
    await add_staff(app, "Trần Kỹ Thuật", {"technician"}, "tech")
    return app, sender


async def closed(app) -> list[str]:
    async with app.db.read() as session:
        return list((await session.scalars(select(ClosedPeriodRow.period))).all())


async def test_close_offers_the_month_that_just_ended_and_asks_first(env):
    app, sender = env
    chat = Chat(app, sender, "boss")
    question = await chat.say("/chotky")
    assert question.splitlines()[:2] == [texts.capture.CLOSE_PERIOD, "1. Kỳ tháng 01/2023 (15/12/2022–14/01/2023)"]
    review = await chat.say("1")
    assert review.startswith(texts.capture.close_review("tháng 01/2023 (15/12/2022–14/01/2023)"))
    assert (await chat.say("1")) == texts.capture.closed_done("tháng 01/2023 (15/12/2022–14/01/2023)")
    assert await closed(app) == ["2023-01"]
    async with app.db.read() as session:
        assert [e["action"] for e in await engine_store.audit_entries(session, "period")] == ["close"]
    again = await chat.say("/chotky 01/2023")
    # nothing was recorded before January: no earlier month is offered (issue 11: 12 listed where none exist)
    assert again.startswith(texts.capture.close_already("tháng 01/2023 (15/12/2022–14/01/2023)", another=False))
    assert "1. Kỳ" not in again and texts.common.NO_CHOICES not in again  # no form left open (issue 18)


async def test_close_lists_only_the_months_since_the_first_record_and_says_why_a_typed_one_cannot(env):
    app, sender = env
    chat = Chat(app, sender, "tech")
    await chat.many("/kiemdinh", "20/10/2022", "1", "5", "0", "ok", "bỏ qua", "1")  # the first record ever
    boss = Chat(app, sender, "boss")
    question = await boss.say("/chotky")
    assert [line for line in question.splitlines() if line[:1].isdigit()] == [
        "1. Kỳ tháng 01/2023 (15/12/2022–14/01/2023)", "2. Kỳ tháng 12/2022 (15/11–14/12/2022)",
        "3. Kỳ tháng 11/2022 (15/10–14/11/2022)",
    ]
    # typed at the question: the specific reason, not the generic "no such choice"
    assert (await boss.say("02/2023")).startswith(texts.capture.close_not_ended("tháng 02/2023 (15/01–14/02/2023)"))
    assert (await boss.say("10/2022")).startswith(texts.capture.close_not_found("tháng 10/2022 (15/09–14/10/2022)"))
    assert (await boss.say("12/2022")).startswith(texts.capture.close_review("tháng 12/2022 (15/11–14/12/2022)"))


async def test_close_shortcut_and_refusals(env):
    app, sender = env
    chat = Chat(app, sender, "boss")
    assert texts.common.REVIEW_HINT in await chat.say("/chotky 12/2022")
    assert (await chat.say("có")) == texts.capture.closed_done("tháng 12/2022 (15/11–14/12/2022)")
    assert (await chat.say("/chotky 02/2023")).startswith(texts.capture.close_not_ended("tháng 02/2023 (15/01–14/02/2023)"))
    await chat.say("hủy")
    assert (await chat.say("/chotky abc")).startswith(texts.capture.CLOSE_BAD_PERIOD)
    await chat.say("hủy")
    refused = await Chat(app, sender, "tech").say("/chotky")
    assert refused == texts.people.not_allowed("chotky", "lãnh đạo", "đồng chí")


async def test_entries_after_closing_are_refused(env):
    app, sender = env
    await Chat(app, sender, "boss").many("/chotky", "1", "1")
    chat = Chat(app, sender, "tech")
    reply = await chat.many("/kiemdinh", "14/01/2023")
    assert reply.startswith("Kỳ tháng 01/2023 (15/12/2022–14/01/2023) đã chốt")
    assert (await chat.say("15/01/2023")).startswith(texts.capture.CAL_FIELD)


async def reminders_sent(sender) -> list[tuple[str, str]]:
    return [(chat, r.text) for chat, replies in sender.sent.items() for r in replies if r.text.startswith("Nhắc")]


async def test_reminder_goes_once_across_two_engines_and_schedules_the_next(config, db):
    clock = frozen("2023-01-12 07:00")
    first, first_sender = await make_app(config, db, clock, reminders=True)
    second, second_sender = await make_app(config, db, clock, reminders=True)
    await add_staff(first, "Trần Kỹ Thuật", {"technician"}, "tech")
    await add_staff(first, "Lê Kiểm Tra", {"inspector"}, "insp")
    await add_staff(first, "Đỗ Văn Thư", {"clerk"}, "clerk")
    for app in (first, second):
        await app.engine.run_until_idle()
    assert await reminders_sent(first_sender) + await reminders_sent(second_sender) == []
    clock.advance(days=1, hours=1, minutes=1)  # 13/01 08:01: the day before the cut-off, past the hour
    for app in (first, second, first, second):
        await app.engine.run_until_idle()
    sent = await reminders_sent(first_sender) + await reminders_sent(second_sender)
    text = texts.capture.reminder("tháng 01/2023 (15/12/2022–14/01/2023)", dt.date(2023, 1, 14))
    assert sorted(sent) == [("insp", text), ("tech", text)]
    async with db.read() as session:
        keys = (await session.scalars(select(ScheduledJobRow.key).where(ScheduledJobRow.kind == "reminder")
                                      .order_by(ScheduledJobRow.id))).all()
    assert keys == ["reminder:2023-01", "reminder:2023-02"]  # (the weekly licence digest has its own job)


def test_reminder_time_and_the_next_period():
    zone = frozen("2023-01-13 06:30").zone
    january = reminders.next_reminded(dt.date(2023, 1, 13), 14)
    assert january.key == "2023-01"
    assert reminders.reminder_at(january, 8, zone) == dt.datetime(2023, 1, 13, 1, 0, tzinfo=dt.UTC)
    assert reminders.next_reminded(dt.date(2023, 1, 14), 14).key == "2023-02"


async def test_no_reminders_when_turned_off(config, db):
    config = dataclasses.replace(config, reporting={**config.reporting, "reminders": False})
    app, sender = await make_app(config, db, frozen("2023-01-13 09:00"), reminders=True)
    await add_staff(app, "Trần Kỹ Thuật", {"technician"}, "tech")
    await app.engine.run_until_idle()
    assert await reminders_sent(sender) == []
    async with db.read() as session:
        assert (await session.scalars(select(ScheduledJobRow.key))).all() == []


async def test_the_closed_periods_are_kept_a_few_seconds_and_forgotten_at_a_close(db, monkeypatch):
    """Kept per database (one statement fewer per saving step); a close here is seen at once, a close by
    another process (a restored backup) after at most KEEP_SECONDS."""
    from storage import periods_store
    from storage.db import open_database

    now = [1000.0]
    monkeypatch.setattr(periods_store, "time", types.SimpleNamespace(monotonic=lambda: now[0]))
    moment = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
    async with db.read() as session:
        assert await periods_store.closed_period_keys(session) == frozenset()
    async with db.unit_of_work() as session:
        assert await periods_store.close_period(session, "2026-10", None, moment)
    async with db.read() as session:
        assert await periods_store.closed_period_keys(session) == {"2026-10"}  # this process: at once
    other = open_database(db.engine.url.render_as_string(hide_password=False))  # another process's
    try:
        async with other.unit_of_work() as session:
            assert await periods_store.close_period(session, "2026-11", None, moment)
    finally:
        await other.close()
    async with db.read() as session:
        assert await periods_store.closed_period_keys(session) == {"2026-10"}  # kept …
    now[0] += periods_store.KEEP_SECONDS + 0.1
    async with db.read() as session:
        assert await periods_store.closed_period_keys(session) == {"2026-10", "2026-11"}  # … a few seconds
