"""A reply is never silently dropped (issue 10, item 2): capped back-off for a horizon, then the
administrators are told and `main.py admin outbox` shows and resends it."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select, update

from app.wiring import build_app
from bot.engine import Engine, EngineSettings, RetryLater
from bot.messages import Reply
from handlers import outbox
from storage import engine_store, people
from storage.domain import Identity
from storage.models import OutboxRow
from tests.kit import echo_handler, message
from tests.test_cli import run


class Platform:
    """A sender whose platform answers 5xx until `down_until` (on the injected clock), then works."""

    def __init__(self, clock, down_until: dt.datetime):
        self.clock, self.down_until = clock, down_until
        self.delivered: list[tuple[str, str]] = []
        self.refused = 0

    async def send(self, chat_id: str, reply: Reply) -> str:
        if self.clock.now() < self.down_until:
            self.refused += 1
            raise RetryLater("Zalo error 502: HTTP 502, not a Zalo answer")
        self.delivered.append((chat_id, reply.text))
        return str(len(self.delivered))


async def statuses(db) -> list[str]:
    async with db.read() as session:
        return (await session.scalars(select(OutboxRow.status).order_by(OutboxRow.id))).all()


async def test_ten_minutes_of_5xx_then_every_reply_arrives_once_in_order(db, clock):
    engine = Engine(db, echo_handler, clock, EngineSettings())  # the defaults a department runs with
    platform = Platform(clock, clock.now() + dt.timedelta(minutes=10))
    engine.senders["zalo"] = platform
    chats = [f"z{n}" for n in range(4)]
    for step in range(3):
        for chat in chats:
            await engine.accept(message(chat, f"{chat}-{step}", channel="zalo"))
        await engine.run_until_idle()
        clock.advance(seconds=45)
    for _ in range(90):  # 15 minutes in 10-second steps
        clock.advance(seconds=10)
        await engine.send_due_once()
    assert platform.refused > 12
    for chat in chats:
        assert [t for c, t in platform.delivered if c == chat] == [f"echo: {chat}-{n}" for n in range(3)]
    assert len(platform.delivered) == 12
    assert await statuses(db) == ["sent"] * 12


async def test_backoff_is_capped(db, clock):
    """After an hour of trouble the next try is at most the cap (5 minutes by default) away."""
    engine = Engine(db, echo_handler, clock, EngineSettings())
    platform = Platform(clock, clock.now() + dt.timedelta(hours=3))
    engine.senders["zalo"] = platform
    await engine.accept(message("z1", "x", channel="zalo"))
    await engine.run_until_idle()
    for _ in range(60 * 6):
        clock.advance(seconds=10)
        await engine.send_due_once()
    async with db.read() as session:
        row = await session.scalar(select(OutboxRow))
    assert engine_store.aware(row.next_attempt_at) - clock.now() <= dt.timedelta(minutes=5, seconds=76)
    assert platform.refused >= 10 and row.status == "pending"


async def make_admin(db, clock, channel="telegram", chat="admin-1"):
    async with db.unit_of_work() as session:
        admin = await people.create_staff(session, "Trần Quản Trị", ["admin"], clock.now())
        await people.add_identity(session, admin.id, Identity(channel, chat, chat, "QT"), clock.now())
        user = await people.create_staff(session, "Nguyễn Văn An", ["inspector"], clock.now())
        await people.add_identity(session, user.id, Identity("zalo", "z1", "z1", "An"), clock.now())


async def test_past_the_horizon_admins_are_told_and_the_reply_is_kept(db, clock):
    engine = Engine(db, echo_handler, clock, EngineSettings(send_horizon=3600, poll_interval=0.01))
    engine.delivery.on_outage = outbox.outage_notices(clock.zone)
    zalo = Platform(clock, clock.now() + dt.timedelta(days=2))
    telegram = Platform(clock, clock.now())
    engine.senders.update(zalo=zalo, telegram=telegram)
    await make_admin(db, clock)
    await engine.accept(message("z1", "báo cáo", channel="zalo"))
    await engine.run_until_idle()
    for _ in range(80):
        clock.advance(minutes=1)
        await engine.send_due_once()
    assert await statuses(db) == ["expired", "sent"]
    [(chat, notice)] = telegram.delivered
    assert chat == "admin-1" and "Kênh Zalo không gửi được tin nhắn từ" in notice and "admin outbox" in notice
    assert "1 tin nhắn tới 1 người" in notice
    for _ in range(30):  # no second notice for the same reply
        clock.advance(minutes=10)
        await engine.send_due_once()
    assert len(telegram.delivered) == 1
    async with db.read() as session:
        listing = await outbox.listing(session, clock.now())
    assert "zalo:z1 (Nguyễn Văn An) — đã quá hạn thử lại, 6 giờ trước — lỗi: Zalo error 502" in listing
    assert "“echo: báo cáo”" in listing
    async with db.unit_of_work() as session:
        assert await engine_store.retry_undelivered(session, clock.now()) == 1
    zalo.down_until = clock.now()
    await engine.send_due_once()
    assert zalo.delivered == [("z1", "echo: báo cáo")]
    async with db.read() as session:
        assert await outbox.listing(session, clock.now()) == "Không có tin nhắn nào chưa gửi được."


async def test_a_notice_that_cannot_be_delivered_raises_no_notice(db, clock):
    engine = Engine(db, echo_handler, clock, EngineSettings(send_horizon=600))
    engine.delivery.on_outage = outbox.outage_notices(clock.zone)
    zalo = Platform(clock, clock.now() + dt.timedelta(days=2))
    engine.senders["zalo"] = zalo
    await make_admin(db, clock, channel="zalo")  # the administrator is on the channel that is down
    await engine.accept(message("z1", "a", channel="zalo"))
    await engine.run_until_idle()
    for _ in range(100):
        clock.advance(minutes=1)
        await engine.send_due_once()
    assert await statuses(db) == ["expired", "expired"]


async def test_admin_outbox_on_the_command_line(tmp_path, config):
    app = await build_app(config)
    now = dt.datetime.now(dt.UTC)
    async with app.db.unit_of_work() as session:
        await make_admin_rows(session, now)
        for text in ("Đã lưu bản ghi", "Kiểm tra lại trước khi lưu"):
            await engine_store.queue_reply(session, channel="zalo", chat_id="z1", payload=Reply(text=text).to_json(),
                                           now=now - dt.timedelta(hours=25), inbox_id=None)
        await session.execute(update(OutboxRow).values(status="expired", error="Zalo error 502", attempts=40))
    await app.db.close()
    listed = run(tmp_path, "admin", "outbox")
    assert listed.returncode == 0, listed.stderr
    assert "Tin nhắn chưa gửi được (2):" in listed.stdout
    assert re.search(r"1\. zalo:z1 \(Nguyễn Văn An\) — đã quá hạn thử lại, 2[45] giờ trước — lỗi: Zalo error 502",
                     listed.stdout)
    retried = run(tmp_path, "admin", "outbox", "retry")
    assert retried.returncode == 0 and "Đã xếp lại 2 tin nhắn" in retried.stdout
    assert "Không có tin nhắn nào chưa gửi được." in run(tmp_path, "admin", "outbox").stdout
    db = (await build_app(config)).db
    try:
        assert await statuses(db) == ["pending", "pending"]
    finally:
        await db.close()


async def make_admin_rows(session, now):
    user = await people.create_staff(session, "Nguyễn Văn An", ["inspector"], now)
    await people.add_identity(session, user.id, Identity("zalo", "z1", "z1", "An"), now)




def wired(db, clock, **settings) -> Engine:
    engine = Engine(db, echo_handler, clock, EngineSettings(**settings))
    engine.delivery.on_outage = outbox.outage_notices(clock.zone)
    return engine


async def test_after_ten_minutes_down_the_first_reply_goes_within_ten_seconds_and_all_in_order(db, clock):
    """Issue 20: each reply's own back-off had grown to the 5-minute cap, so the first reply went 338 s
    after the platform was back. A failing channel is probed every few seconds; the first send that
    works makes the channel's other waiting replies due at once."""
    engine = wired(db, clock)  # the defaults a department runs with
    back = clock.now() + dt.timedelta(minutes=10)
    platform = Platform(clock, back)
    engine.senders["zalo"] = platform
    chats = [f"z{n}" for n in range(5)]
    for step in range(3):
        for chat in chats:
            await engine.accept(message(chat, f"{chat}-{step}", channel="zalo"))
        await engine.run_until_idle()
        clock.advance(seconds=40)
    first_at = None
    while clock.now() < back + dt.timedelta(minutes=2):  # the sender's loop wakes every second
        clock.advance(seconds=1)
        await engine.send_due_once()
        if platform.delivered and first_at is None:
            first_at = clock.now()
    assert platform.refused > 10 and first_at is not None
    print(f"first reply {(first_at - back).total_seconds():.0f} s after recovery")
    assert (first_at - back).total_seconds() <= 10
    for chat in chats:
        assert [t for c, t in platform.delivered if c == chat] == [f"echo: {chat}-{n}" for n in range(3)]
    assert len(platform.delivered) == 15 and await statuses(db) == ["sent"] * 15


async def test_a_day_long_outage_tells_the_admins_twice_not_once_per_reply(db, clock):
    """Issue 20: past the horizon the admins got one notice per undelivered reply (18 here: three people
    writing every hour, 30 hours down). Now: one when the
    channel's replies start going undelivered (how many, to how many people, since when), one when it
    delivers again — also across a restart in between."""
    engine = wired(db, clock)  # a 24-hour horizon
    down_for = dt.timedelta(hours=30)  # past the 24-hour horizon: replies of the first 6 hours expire
    back = clock.now() + down_for
    zalo, telegram = Platform(clock, back), Platform(clock, clock.now())
    await make_admin(db, clock)  # the administrator is on Telegram, which works
    async with db.unit_of_work() as session:
        for n in (2, 3):
            user = await people.create_staff(session, f"Người {n}", ["inspector"], clock.now())
            await people.add_identity(session, user.id, Identity("zalo", f"z{n}", f"z{n}", "X"), clock.now())
    start, sequence = clock.now(), 0
    while clock.now() < back + dt.timedelta(minutes=30):
        if clock.now() - start == dt.timedelta(hours=25):  # a restart in the middle of the outage
            engine = wired(db, clock)
        engine.senders.update(zalo=zalo, telegram=telegram)
        if clock.now() < back and (clock.now() - start) % dt.timedelta(hours=1) == dt.timedelta(0):
            sequence += 1
            for chat in ("z1", "z2", "z3"):
                await engine.accept(message(chat, f"{chat} {sequence:02d}", channel="zalo"))
            await engine.run_until_idle()
        clock.advance(minutes=5)
        await engine.send_due_once()
    notices = [text for chat, text in telegram.delivered if chat == "admin-1"]
    print(f"{len(notices)} notices; {len(zalo.delivered)} replies delivered after the outage")
    assert len(notices) == 2, notices
    assert "Kênh Zalo không gửi được tin nhắn từ" in notices[0] and "tới 3 người" in notices[0]
    assert "Kênh Zalo đã gửi được tin nhắn trở lại" in notices[1] and "admin outbox retry" in notices[1]
    async with db.read() as session:
        rows = (await session.scalars(select(OutboxRow).where(OutboxRow.channel == "zalo"))).all()
    expired = [r for r in rows if r.status == "expired"]
    assert expired and all(r.status in ("expired", "sent") for r in rows)
    assert f"{len(expired)} tin nhắn tới 3 người" in notices[1]
    for chat in ("z1", "z2", "z3"):  # what was still within the horizon arrived, in order
        got = [t for c, t in zalo.delivered if c == chat]
        assert got == [f"echo: {chat} {n:02d}" for n in range(sequence - len(got) + 1, sequence + 1)], got
