"""Quiet hours (issue 24): notices the bot sends on its own wait in the outbox from 21:00 to 06:30
local time and go out in the morning, in order, once — across a restart too; replies to a person who
has just written are never held."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from app.wiring import build_app
from bot.config import ConfigError, NoticesConfig, load_config
from bot.engine import Engine, EngineSettings, RetryLater
from bot.messages import Reply
from bot.quiet import QuietHours, parse_time
from storage import engine_store, people
from storage.domain import Identity
from storage.models import OutboxRow
from tests.conftest import REPO, ZONE, filled_config_text, frozen
from tests.kit import RecordingSender, echo_handler, message

NIGHT = QuietHours(dt.time(21), dt.time(6, 30), ZONE)


def local(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ZONE)


@pytest.mark.parametrize(("at", "release"), [
    ("2023-01-13 20:59", None),
    ("2023-01-13 21:00", "2023-01-14 06:30"),
    ("2023-01-13 23:59", "2023-01-14 06:30"),
    ("2023-01-14 00:00", "2023-01-14 06:30"),
    ("2023-01-14 06:29", "2023-01-14 06:30"),
    ("2023-01-14 06:30", None),
    ("2023-01-14 12:00", None),
    ("2023-01-31 22:00", "2023-02-01 06:30"),  # over a month's end
])
def test_a_notice_queued_at_night_waits_for_six_thirty(at, release):
    expected = local(release).astimezone(dt.UTC) if release else None
    assert NIGHT.release_at(local(at).astimezone(dt.UTC)) == expected


def test_quiet_hours_within_one_day_and_none():
    noon = QuietHours(dt.time(12), dt.time(13, 30), ZONE)
    assert noon.release_at(local("2023-01-13 12:10")) == local("2023-01-13 13:30")
    assert noon.release_at(local("2023-01-13 11:59")) is None
    assert noon.release_at(local("2023-01-13 13:30")) is None
    assert noon.release_at(local("2023-01-13 22:00")) is None
    assert QuietHours(dt.time(21), dt.time(21), ZONE).release_at(local("2023-01-13 22:00")) is None


@pytest.mark.parametrize(("text", "value"), [
    ("21:00", dt.time(21)), ("6:30", dt.time(6, 30)), (" 06h30 ", dt.time(6, 30)), ("22h", dt.time(22)),
    ("23:59", dt.time(23, 59)), ("24:00", None), ("6:60", None), ("sáng", None), ("", None), ("630", None),
])
def test_times_of_day_are_read_as_people_write_them(text, value):
    assert parse_time(text) == value


def config_with(tmp_path, notices: str):
    text = filled_config_text().replace(
        '[notices]\n', '[notices]\n' + notices + '\n# the shipped keys follow\n[notices_shipped]\n', 1)
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, env={"FIELDBOT_DATA_DIR": str(tmp_path / "data")})


def test_the_shipped_config_holds_notices_from_nine_to_half_past_six(config):
    assert config.notices == NoticesConfig(True, dt.time(21), dt.time(6, 30))
    assert config.notices.quiet(ZONE) == NIGHT


def test_quiet_hours_can_be_moved_or_switched_off(tmp_path):
    moved = config_with(tmp_path, 'quiet_from = "22:30"\nquiet_until = "7:00"')
    assert moved.notices.quiet(ZONE) == QuietHours(dt.time(22, 30), dt.time(7), ZONE)
    assert config_with(tmp_path, "quiet_hours = false").notices.quiet(ZONE) is None


def test_a_config_without_the_section_keeps_the_default(tmp_path):
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    start, end = text.index("[notices]"), text.index("[telegram]")
    path = tmp_path / "config.toml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    assert load_config(path, env={}).notices == NoticesConfig()


@pytest.mark.parametrize(("notices", "sentence"), [
    ('quiet_from = "9 giờ tối"', 'config.toml: [notices] quiet_from phải là một giờ trong ngày dạng "HH:MM" '
                                 '(ví dụ "21:00"), không phải \'9 giờ tối\''),
    ('quiet_until = "25:00"', '[notices] quiet_until phải là một giờ trong ngày dạng "HH:MM"'),
    ("quiet_hours = 1", "[notices] quiet_hours phải là true hoặc false, không phải 1"),
    ('quiet_from = "06:30"', "[notices] quiet_from và quiet_until trùng nhau; để gửi thông báo vào mọi giờ, "
                             "vui lòng đặt quiet_hours = false"),
])
def test_a_bad_setting_is_one_sentence(tmp_path, notices, sentence):
    with pytest.raises(ConfigError) as error:
        config_with(tmp_path, notices)
    assert sentence in str(error.value)


# --- the engine: held in the outbox, out in the morning, once ------------------------------------------


NOTICE = "notice"


def noticing_engine(db, clock) -> tuple[Engine, RecordingSender]:
    """An engine whose 'notice' job sends two polite notices and one plain message to chat c1."""
    engine = Engine(db, echo_handler, clock, EngineSettings())
    engine.quiet = NIGHT
    engine.senders["console"] = sender = RecordingSender()

    async def notices(session, job, now):
        return [("console", "c1", Reply(text="trả lại 1", polite=True)),
                ("console", "c1", Reply(text="trả lại 2", polite=True)),
                ("console", "admin", Reply(text="kênh ngừng"))]

    engine.job_handlers[NOTICE] = notices
    return engine, sender


async def schedule(db, clock, key: str = "n1") -> None:
    async with db.unit_of_work() as session:
        await engine_store.schedule_once(session, key=key, kind=NOTICE, due_at=clock.now())


async def test_a_notice_at_ten_at_night_reaches_the_person_at_half_past_six_once(db):
    clock = frozen("2023-01-13 22:00")
    engine, sender = noticing_engine(db, clock)
    await schedule(db, clock)
    await engine.run_until_idle()
    assert sender.texts("c1") == [] and sender.texts("admin") == ["kênh ngừng"]  # not polite: not held
    await engine.accept(message("c1", "còn thức"))  # the person writes at 23:00: the answer is not held
    clock.advance(hours=1)
    await engine.run_until_idle()
    assert sender.texts("c1") == ["echo: còn thức"]
    clock.at = local("2023-01-14 06:29").astimezone(dt.UTC)
    await engine.run_until_idle()
    assert sender.texts("c1") == ["echo: còn thức"]

    restarted, after = noticing_engine(db, clock)  # a restart in the night: the notices are rows, nothing lost
    clock.advance(minutes=1)  # 06:30
    await restarted.run_until_idle()
    assert after.texts("c1") == ["trả lại 1", "trả lại 2"]  # in order
    clock.advance(hours=3)
    await restarted.run_until_idle()
    assert after.texts("c1") == ["trả lại 1", "trả lại 2"] and sender.texts("c1") == ["echo: còn thức"]  # once
    async with db.read() as session:
        rows = (await session.scalars(select(OutboxRow).order_by(OutboxRow.id))).all()
    assert [(r.payload["text"], r.status, engine_store.aware(r.sent_at)) for r in rows if r.chat_id == "c1"] == [
        ("trả lại 1", "sent", local("2023-01-14 06:30")), ("trả lại 2", "sent", local("2023-01-14 06:30")),
        ("echo: còn thức", "sent", local("2023-01-13 23:00"))]


async def test_in_the_day_a_notice_goes_at_once_and_without_quiet_hours_at_night_too(db):
    clock = frozen("2023-01-13 06:30")
    engine, sender = noticing_engine(db, clock)
    await schedule(db, clock)
    await engine.run_until_idle()
    assert sender.texts("c1") == ["trả lại 1", "trả lại 2"]
    clock.at = local("2023-01-13 23:00").astimezone(dt.UTC)
    engine.quiet = None  # [notices] quiet_hours = false
    await schedule(db, clock, "n2")
    await engine.run_until_idle()
    assert sender.texts("c1") == ["trả lại 1", "trả lại 2"] * 2


async def test_a_held_notice_is_no_late_reply_and_is_not_probed(db):
    """All night /healthz stays green and the backlog says 0 (the notices are counted as held); a failing
    channel's probe never sends a held notice early; a notice's age and its retry horizon count from
    06:30, not from when it was made."""
    from bot.web import _queue_problems

    clock = frozen("2023-01-13 21:30")
    engine, sender = noticing_engine(db, clock)
    await schedule(db, clock)
    await engine.run_until_idle()
    clock.advance(hours=8)  # 05:30, long past the 15-minute alert
    assert await _queue_problems(engine) == []
    await engine.metrics.refresh(db, None, clock.now())
    assert engine.metrics.outbox_backlog._value.get() == 0 and engine.metrics.outbox_held._value.get() == 2
    await engine.accept(message("c2", "ai đó"))
    sender.failures.append(RetryLater("502"))  # the channel fails: its oldest waiting reply is probed …
    await engine.run_until_idle()
    clock.advance(seconds=6)  # the probe's interval
    await engine.send_due_once()
    assert sender.texts("c1") == [] and sender.texts("c2") == ["echo: ai đó"]  # … never a held notice

    clock.at = local("2023-01-14 06:30").astimezone(dt.UTC)
    sender.failures.append(RetryLater("502"))
    await engine.send_due_once()
    clock.advance(minutes=10)
    engine.delivery.ok.add("console")
    assert await _queue_problems(engine) == []  # 10 minutes late, not 9 hours
    clock.at = local("2023-01-15 06:00").astimezone(dt.UTC)  # 32 h after it was made, 23.5 h after 06:30
    sender.failures.append(RetryLater("502"))
    await engine.send_due_once()
    async with db.read() as session:
        [first] = [i for i in await engine_store.undelivered(session, clock.now()) if i.chat_id == "c1"]
    assert (first.status, first.attempts, first.not_before) == ("pending", 2, local("2023-01-14 06:30"))
    clock.advance(minutes=5)
    await engine.run_until_idle()
    assert sender.texts("c1") == ["trả lại 1", "trả lại 2"]


async def test_a_notice_to_the_chat_that_has_just_written_is_an_answer(db):
    """A manager approving their own record at 22:00 reads the notice at once; their deputy in the morning."""
    clock = frozen("2023-01-13 22:00")

    async def approve(unit):
        unit.reply(Reply(text="Đã duyệt."))
        for chat in (unit.incoming.chat_id, "deputy"):
            unit.notify("console", chat, Reply(text="Bản ghi #1 đã được duyệt.", polite=True))

    engine = Engine(db, approve, clock, EngineSettings())
    engine.quiet = NIGHT
    engine.senders["console"] = sender = RecordingSender()
    await engine.accept(message("boss", "1"))
    await engine.run_until_idle()
    assert sender.texts("boss") == ["Đã duyệt.", "Bản ghi #1 đã được duyệt."] and sender.texts("deputy") == []
    clock.at = local("2023-01-14 06:30").astimezone(dt.UTC)
    await engine.run_until_idle()
    assert sender.texts("deputy") == ["Bản ghi #1 đã được duyệt."] and len(sender.texts("boss")) == 2


async def test_a_night_of_notices_never_holds_back_an_answer(db):
    """More notices held than the sender reads at once (500): a person writing at night is answered."""
    clock = frozen("2023-01-13 23:00")
    engine, sender = noticing_engine(db, clock)
    async with db.unit_of_work() as session:
        for n in range(520):
            await engine_store.queue_reply(session, channel="console", chat_id=f"s{n}", payload=Reply(
                text="nhắc việc", polite=True).to_json(), now=clock.now(), inbox_id=None,
                not_before=local("2023-01-14 06:30"))
    await engine.accept(message("c1", "còn thức"))
    await engine.run_until_idle()
    assert sender.texts("c1") == ["echo: còn thức"] and sender.texts("s0") == []


# --- the app: the reminder before the cut-off, after a night's downtime ---------------------------------


async def reminded_app(config, db, clock):
    app = await build_app(config, clock=clock, db=db)
    app.engine.senders["console"] = sender = RecordingSender()
    return app, sender


async def tick(app, times: int = 3) -> None:
    for _ in range(times):
        app.engine._last_sweep = None
        await app.engine.run_jobs_once()
        await app.engine.send_due_once()


async def test_a_reminder_made_at_night_goes_out_in_the_morning(config, db):
    clock = frozen("2023-01-13 22:00")  # the bot starts after the reminder's hour (08:00) on its day
    async with db.unit_of_work() as session:
        tech = await people.create_staff(session, "Phạm Văn Đo", ["technician"], clock.now())
        await people.add_identity(session, tech.id, Identity("console", "tech", "tech", "Đo"), clock.now())
    app, sender = await reminded_app(config, db, clock)
    await tick(app)
    assert sender.texts("tech") == []
    clock.at = local("2023-01-14 06:00").astimezone(dt.UTC)
    app, sender = await reminded_app(config, db, clock)  # restarted before the morning
    await tick(app)
    assert sender.texts("tech") == []
    clock.advance(minutes=30)
    await tick(app)
    [reminder] = sender.texts("tech")
    assert "01/2023" in reminder
    clock.advance(hours=2)
    await tick(app)
    assert len(sender.texts("tech")) == 1

    off = dataclasses.replace(config, notices=NoticesConfig(quiet_hours=False))
    clock.at = local("2023-02-13 22:00").astimezone(dt.UTC)  # the next month's, with quiet hours off
    app, sender = await reminded_app(off, db, clock)
    await tick(app)
    assert ["02/2023" in text for text in sender.texts("tech")] == [True]


# --- the review notice (issue 24's "done when"): returned at 22:00, read at 06:30, once ---------------


async def test_a_record_returned_at_ten_at_night_reaches_its_author_at_half_past_six_once(config, db):
    from tests.kit import Chat, add_staff, make_app

    clock = frozen("2023-01-13 21:40")
    app, sender = await make_app(config, db, clock)
    await add_staff(app, "Trần Kỹ Thuật", {"technician"}, "tech")
    await add_staff(app, "Lê Lãnh Đạo", {"manager"}, "boss")
    author, manager = Chat(app, sender, "tech"), Chat(app, sender, "boss")
    field = app.config.catalogue.calibration_fields[0].label
    assert "#" in await author.many(f"/kiemdinh {field} 10 0 10", "1")
    clock.at = local("2023-01-13 22:00").astimezone(dt.UTC)
    await manager.many("/duyet", "2", "Thiếu tên khách hàng")
    assert (await manager.say("xong")).startswith("Đã trả lại lô kiểm định #1 cho Trần Kỹ Thuật")  # at once
    assert author.new_messages() == []
    clock.at = local("2023-01-14 06:29").astimezone(dt.UTC)
    await app.engine.run_until_idle()
    assert author.new_messages() == []

    app, sender = await make_app(config, db, clock)  # restarted in the night
    author = Chat(app, sender, "tech")
    clock.advance(minutes=1)
    await app.engine.run_until_idle()
    [told] = author.new_messages()
    assert told.startswith("Lô kiểm định #1 (13/01/2023 ") and "cần bổ sung.\nÝ kiến của Lê Lãnh Đạo:\n" in told
    assert "Thiếu tên khách hàng" in told
    clock.advance(hours=2)
    await app.engine.run_until_idle()
    assert author.new_messages() == []
