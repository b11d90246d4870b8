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
    engine.on_undelivered = outbox.notify_admins
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
    assert chat == "admin-1" and "Nguyễn Văn An (zalo) sau 1 giờ" in notice and "admin outbox" in notice
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
    engine.on_undelivered = outbox.notify_admins
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


