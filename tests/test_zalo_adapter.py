"""The Zalo adapter in process: the real engine and router, the real aiohttp client, a fake Zalo server.

Covers both ways of receiving (polling, webhook), every event kind, long replies, faults (429,
5xx, duplicate deliveries, two Server headers, a refused token) and every webhook rejection path.
"""

# ruff: noqa: ASYNC109 — `timeout` below is a test deadline, as in tests/fakes.

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

import texts
from app.wiring import App, build_app
from bot.channels.base import ChannelContext, TokenRejected
from bot.channels.zalo import ZaloChannel, split_text
from bot.config import load_config
from bot.links import DocumentLinks
from bot.messages import Choice, Reply
from bot.web import WebServer, make_app
from storage import people
from storage.models import InboxRow
from tests.channels_kit import free_port, zalo_fake  # noqa: F401 (the `fake` fixture)
from tests.conftest import REPO, filled
from tests.fakes import FakeZalo

CHAT = "7a1c0ffee0ddba11"
STRANGER = "5eed5eed5eed5eed"
SECRET = "bi-mat-webhook-123"


@dataclasses.dataclass
class ZaloBot:
    """One running bot: app (engine, router, db), its Zalo channel, and the web server when there is one."""

    app: App
    fake: FakeZalo
    channel: ZaloChannel
    server: WebServer | None
    engine_task: asyncio.Task

    async def invite(self, name: str = "Nguyễn Văn An", roles=("inspector",)) -> str:
        async with self.app.db.unit_of_work() as session:
            code, _ = await people.create_invite(
                session, name=name, roles=roles, now=self.app.clock.now(), valid_for=dt.timedelta(days=7)
            )
        return code

    async def say(self, text: str, chat: str = CHAT, timeout: float = 10.0) -> list[str]:
        """The user types `text`; returns the texts of every bot message that answered it."""
        before = len(self.fake.sent(chat))
        self.fake.user_text(chat, text)
        return await self.answers(chat, before, timeout=timeout)

    async def answers(self, chat: str, before: int, n: int = 1, timeout: float = 10.0) -> list[str]:
        await self.fake.wait_for_messages(chat, before + n, timeout=timeout)
        await asyncio.sleep(0.2)  # anything else this message caused
        return [s.text for s in self.fake.sent(chat)[before:]]

    async def register(self, chat: str = CHAT, roles=("inspector",)) -> None:
        [question] = await self.say(f"/start {await self.invite(roles=roles)}", chat)  # one message: the short notice
        assert "1. Đồng ý\n2. Không đồng ý" in question
        [done] = await self.say("1", chat)
        assert done.startswith("Đã đăng ký tài khoản cho ")

    async def inbox(self) -> list[InboxRow]:
        async with self.app.db.read() as session:
            return (await session.scalars(select(InboxRow).order_by(InboxRow.id))).all()


def make_config(fake: FakeZalo, tmp_path: Path, *, mode: str, public_url: str = "", token: str | None = None,
                zalo: dict | None = None, busy_timeout_ms: int | None = None):
    config = load_config(
        REPO / "config.toml",
        env={
            "ZALO_BOT_TOKEN": token or fake.token,
            "ZALO_BASE_URL": fake.url,
            "ZALO_WEBHOOK_SECRET": SECRET,
            "FIELDBOT_DATA_DIR": str(tmp_path / "data"),
        },
    )
    return dataclasses.replace(
        filled(config),  # [organisation] and [privacy] as a department fills them in
        engine=dataclasses.replace(config.engine, poll_interval_seconds=0.05, send_backoff_seconds=0.05),
        web=dataclasses.replace(config.web, public_url=public_url),
        zalo=dataclasses.replace(config.zalo, mode=mode, poll_timeout_seconds=2, **(zalo or {})),
        database=dataclasses.replace(config.database, sqlite_busy_timeout_ms=busy_timeout_ms or 10000),
    )


async def start_bot(fake: FakeZalo, tmp_path: Path, *, mode: str = "polling", with_web: bool = False,
                    token: str | None = None, zalo: dict | None = None, busy_timeout_ms: int | None = None) -> ZaloBot:
    """What app.wiring._start_channels does, with a free port and quick retries for tests."""
    port = free_port() if (with_web or mode == "webhook") else 0
    public_url = f"http://127.0.0.1:{port}" if port else ""
    config = make_config(fake, tmp_path, mode=mode, public_url=public_url, token=token, zalo=zalo,
                         busy_timeout_ms=busy_timeout_ms)
    app = await build_app(config)
    web_app = make_app()
    links = DocumentLinks(app.db, app.clock, config.general.data_dir / "documents", public_url,
                          dt.timedelta(minutes=config.web.link_minutes))
    links.add_routes(web_app)
    ctx = ChannelContext(accept=app.engine.accept, media_dir=config.general.data_dir / "media", web_app=web_app,
                         public_url=public_url, links=links, clock=app.clock, commands_for=app.router.commands_for,
                         is_staff=app.router.is_staff)
    channel = ZaloChannel(config.zalo, ctx, retry_base=0.05)
    server = WebServer(web_app, "127.0.0.1", port) if port else None
    if server is not None:
        await server.start()
    app.engine.senders["zalo"] = channel
    app.engine.job_handlers["links.cleanup"] = links.cleanup_job
    try:
        await channel.start()
    except BaseException:
        await _close(app, channel, server)
        raise
    return ZaloBot(app, fake, channel, server, asyncio.create_task(app.engine.run()))


async def stop_bot(bot: ZaloBot) -> None:
    await bot.channel.stop()
    await bot.app.engine.stop()
    await bot.engine_task
    await _close(bot.app, bot.channel, bot.server)


async def _close(app: App, channel: ZaloChannel, server: WebServer | None) -> None:
    await channel.close()
    if server is not None:
        await server.stop()
    await app.db.close()


def filled_contact() -> str:
    from tests.conftest import FILLED

    return FILLED["privacy"]["contact"]


@pytest.fixture
async def bot(fake, tmp_path):
    running = await start_bot(fake, tmp_path)
    yield running
    await stop_bot(running)


@pytest.fixture
async def hook(fake, tmp_path):
    running = await start_bot(fake, tmp_path, mode="webhook")
    yield running
    await stop_bot(running)


# --- conversations ----------------------------------------------------------------------------------


async def test_invited_person_reads_the_short_notice_in_one_message_and_registers(bot):
    """The short notice as Zalo shows it: one message, at most 1,000 characters, the question and its
    numbered choices last; 3 shows the full notice and asks again; 1 registers."""
    code = await bot.invite(name=texts.privacy.LONG_NAME, roles=("admin",))
    [notice] = await bot.say(f"/start {code}")  # one Zalo message
    assert len(notice) <= 1000 and texts.privacy.SHORT_LIMIT == 1000
    assert notice.startswith(f"Kính gửi đồng chí {texts.privacy.LONG_NAME}.\nTHÔNG BÁO XỬ LÝ DỮ LIỆU CÁ NHÂN")
    assert notice.endswith("\nĐồng chí có đồng ý?\n1. Đồng ý\n2. Không đồng ý\n3. Xem toàn văn\nGõ số thứ tự để chọn.")
    assert "Nghị định 356/2025/NĐ-CP" in notice and notice.count(filled_contact()) == 1
    *full, question = await bot.say("3")  # the full notice (longer than a Zalo message), then the question alone
    assert "\n".join(full).startswith("THÔNG BÁO XỬ LÝ DỮ LIỆU CÁ NHÂN — TOÀN VĂN") and "Kính gửi" not in question
    assert question == "Đồng chí có đồng ý?\n1. Đồng ý\n2. Không đồng ý\n3. Xem toàn văn\nGõ số thứ tự để chọn."
    [done] = await bot.say("1")
    assert done == texts.people.registered("đồng chí", texts.privacy.LONG_NAME, "quản trị hệ thống")  # the "menu" reply sends nothing on Zalo
    assert bot.fake.calls["deleteWebhook"] == 1 and bot.fake.calls["getUpdates"] >= 3


async def test_stranger_is_refused(bot):
    assert await bot.say("xin chào", STRANGER) == [texts.people.refusal()]
    assert await bot.say("/start SAIMA1234567", STRANGER) == [texts.people.BAD_CODE]


async def test_help_lists_the_commands_of_the_persons_roles(bot):
    await bot.register(roles=("admin",))
    [help_text] = await bot.say("/HELP")
    assert help_text.startswith(texts.people.HELP_HEADER) and "/staff" in help_text and "/lienket" in help_text
    await bot.register(chat=STRANGER, roles=("inspector",))
    [inspector_help] = await bot.say("/help", STRANGER)
    assert "/staff" not in inspector_help and "/lienket" in inspector_help


@pytest.mark.parametrize("field", ["photo_url", "photo", "url"])
async def test_photo_is_downloaded_whatever_the_field_is_called(bot, field):
    await bot.register()
    content = b"\xff\xd8\xff\xe0" + field.encode() * 500 + b"\xff\xd9"
    before = len(bot.fake.sent(CHAT))
    event = bot.fake.user_image(CHAT, content, caption="Cột bơm số 1", field=field)
    await bot.answers(CHAT, before)
    row = (await bot.inbox())[-1]
    assert row.event_key == event["message"]["message_id"]
    assert row.payload["kind"] == "photo" and row.payload["text"] == "Cột bơm số 1"
    saved = Path(row.payload["photo_path"])
    assert saved.parent == bot.channel.ctx.media_dir and saved.suffix == ".jpg"
    assert await asyncio.to_thread(saved.read_bytes) == content


async def test_photo_that_cannot_be_downloaded_is_asked_for_again(bot):
    await bot.register()
    before = len(bot.fake.sent(CHAT))
    bot.fake.user_event("message.image.received", CHAT, photo_url=f"{bot.fake.url}/media/gone.jpg")
    [answer] = await bot.answers(CHAT, before)
    row = (await bot.inbox())[-1]
    assert row.payload["kind"] == "unsupported" and row.payload["photo_path"] == ""
    assert answer == texts.common.PHOTO_FAILED


async def test_sticker_unsupported_voice_and_unknown_events_are_explained(bot):
    await bot.register()
    for send in (bot.fake.user_sticker, bot.fake.user_unsupported, bot.fake.user_voice,
                 lambda chat: bot.fake.user_event("message.reaction.received", chat)):
        before = len(bot.fake.sent(CHAT))
        send(CHAT)
        [answer] = await bot.answers(CHAT, before)
        assert answer in (texts.people.UNSUPPORTED, texts.people.NO_FLOW_HINT)
    kinds = [row.payload["kind"] for row in await bot.inbox()][-4:]
    assert kinds == ["sticker", "unsupported", "unsupported", "unsupported"]


# --- sending ----------------------------------------------------------------------------------------


async def test_long_reply_is_split_at_line_ends(bot):
    lines = [f"{n:03d}. Cơ sở kinh doanh xăng dầu số {n} — đạt yêu cầu" for n in range(60)]
    body = "\n".join(lines)
    assert len(body) > 2001
    await bot.channel.send(CHAT, Reply(text=body))
    pieces = [s.text for s in bot.fake.sent(CHAT)]
    assert len(pieces) == 2 and all(len(p) <= 1900 for p in pieces)
    assert "\n".join(pieces) == body


def test_split_text_cuts_a_line_without_ends_too():
    assert split_text("x" * 4000, 1900) == ["x" * 1900, "x" * 1900, "x" * 200]
    assert split_text("a b " * 1000, 1900)[0].endswith("b")
    assert split_text("", 1900) == [] and split_text("chào", 1900) == ["chào"]


async def test_a_failed_second_piece_does_not_resend_the_first(bot):
    from bot.engine import RetryLater

    body = "\n".join(["ô" * 1000] * 3)
    bot.fake.slow("sendMessage", 0.3, count=2)

    async def fail_the_second_piece():
        await bot.fake.wait_until(lambda: bot.fake.sent(CHAT), 5, "the first piece")
        bot.fake.fail_next("sendMessage", 502)  # the second call is in its delay now

    watcher = asyncio.create_task(fail_the_second_piece())
    with pytest.raises(RetryLater, match="Zalo error 502"):
        await bot.channel.send(CHAT, Reply(text=body))
    await watcher
    await bot.channel.send(CHAT, Reply(text=body))  # the engine's retry
    assert [len(s.text) for s in bot.fake.sent(CHAT)] == [1000, 1000, 1000]


async def test_choices_typing_menu_and_edit(bot):
    reply = Reply(text="Loại cơ sở?", choices=(Choice("t|fuel", "Xăng dầu"), Choice("t|gas", "Khí")))
    assert await bot.channel.send(CHAT, reply)
    assert await bot.channel.send(CHAT, Reply(kind="typing")) == ""
    assert await bot.channel.send(CHAT, Reply(kind="menu", choices=(Choice("help", "trợ giúp"),))) == ""
    await bot.channel.send(CHAT, Reply(kind="edit", text="Đã chọn: Xăng dầu", edit_message_id="abc"))
    texts_sent = [s.text for s in bot.fake.sent(CHAT)]
    assert texts_sent == ["Loại cơ sở?\n1. Xăng dầu\n2. Khí\nGõ số thứ tự để chọn.", "Đã chọn: Xăng dầu"]
    assert bot.fake.chat_actions[CHAT] == ["typing"]


async def test_document_without_public_url_explains_how_to_get_it(bot, tmp_path):
    path = tmp_path / "BaoCao.docx"
    path.write_bytes(b"docx")
    await bot.channel.send(CHAT, Reply(kind="document", text="Báo cáo tháng 01/2023", document_path=str(path)))
    [sent] = bot.fake.sent(CHAT)
    assert sent.text == f"Báo cáo tháng 01/2023\n{texts.common.NO_DOCUMENT_LINK}"


async def test_document_is_a_working_link(fake, tmp_path):
    bot = await start_bot(fake, tmp_path, with_web=True)
    try:
        path = bot.channel.ctx.links.documents_dir / "r.docx"
        path.parent.mkdir(parents=True)
        path.write_bytes(b"PK\x03\x04 the report")
        await bot.channel.send(CHAT, Reply(kind="document", text="Báo cáo tháng 01/2023",
                                           document_path=str(path), document_name="Báo cáo.docx"))
        [sent] = fake.sent(CHAT)
        title, url, note = sent.text.split("\n")
        assert title == "Báo cáo tháng 01/2023" and note == "(Liên kết dùng được trong 15 phút.)"
        assert url.startswith(bot.channel.ctx.public_url + "/d/")
        async with aiohttp.ClientSession() as http, http.get(url) as response:
            assert response.status == 200 and await response.read() == b"PK\x03\x04 the report"
    finally:
        await stop_bot(bot)


async def test_send_errors_map_to_the_engine_contract(bot):
    from bot.engine import PermanentFailure, RetryLater

    for status, error in ((429, RetryLater), (502, RetryLater), (504, RetryLater), (400, PermanentFailure),
                          (403, PermanentFailure)):
        bot.fake.fail_next("sendMessage", status)
        with pytest.raises(error):
            await bot.channel.send(CHAT, Reply(text="chào"))
    await bot.fake.close()  # network trouble
    with pytest.raises(RetryLater):
        await bot.channel.send(CHAT, Reply(text="chào"))


# --- faults -----------------------------------------------------------------------------------------


async def test_429_and_5xx_delay_but_lose_nothing(bot):
    await bot.register()
    bot.fake.fail_next("getUpdates", 502, count=2)
    bot.fake.fail_next("sendMessage", 429, count=2)
    before = len(bot.fake.sent(CHAT))
    bot.fake.user_text(CHAT, "một")
    bot.fake.user_text(CHAT, "hai")
    answers = await bot.answers(CHAT, before, n=2)
    assert answers == [texts.people.NO_FLOW_HINT, texts.people.NO_FLOW_HINT]
    assert [row.payload["text"] for row in await bot.inbox()][-2:] == ["một", "hai"]
    bot.fake.fail_next("getUpdates", 429, count=3)
    assert await bot.say("ba") == [texts.people.NO_FLOW_HINT]


async def test_duplicate_deliveries_are_handled_once(hook):
    await hook.register()
    hook.fake.duplicate_deliveries = True
    before = len(hook.fake.sent(CHAT))
    hook.fake.user_text(CHAT, "/help")
    await hook.answers(CHAT, before)
    await asyncio.sleep(0.5)
    assert len(hook.fake.sent(CHAT)) == before + 1
    assert len(hook.fake.webhook.deliveries) >= 2 and all(d.ok for d in hook.fake.webhook.deliveries)


async def test_duplicated_server_header_is_fine(fake, tmp_path):
    fake.duplicate_server_header = True
    bot = await start_bot(fake, tmp_path)
    try:
        await bot.register()
    finally:
        await stop_bot(bot)


async def test_refused_token_is_a_clear_sentence_without_the_token(fake, tmp_path, caplog):
    """The channel says why it cannot start; the app's supervisor logs it and tries again later
    (tests/test_channel_supervisor.py)."""
    caplog.set_level(logging.DEBUG)
    bad = "987654321:TokenZaloBiResetRoi-khong-con-dung"
    with pytest.raises(TokenRejected, match="ZALO_BOT_TOKEN") as raised:
        await start_bot(fake, tmp_path, token=bad)
    assert bad not in str(raised.value) and "TokenZalo" not in str(raised.value)
    assert all(bad not in r.getMessage() and "TokenZalo" not in r.getMessage() for r in caplog.records)
    assert fake.calls["<bad token>"] == 1


async def test_token_refused_while_running_stops_receiving(bot, caplog):
    await bot.register()
    bot.fake.token = "1:another-token-after-reset"
    await asyncio.wait_for(bot.channel._poller, 10)  # the polling loop ends by itself
    assert bot.channel.token_rejected
    assert any("rejected the bot token" in r.getMessage() for r in caplog.records)


# --- webhook ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["wrapped", "unwrapped"])
async def test_webhook_takes_wrapped_and_unwrapped_bodies(hook, shape):
    hook.fake.webhook_body = shape
    assert hook.fake.webhook.url == hook.channel.ctx.public_url + "/zalo/webhook"
    assert hook.fake.webhook.secret_token == SECRET
    await hook.register()
    assert all(d.status == 200 for d in hook.fake.webhook.deliveries)


async def test_webhook_empty_probe_is_200_and_ignored(hook):
    probe = await hook.fake.send_empty_webhook_probe()
    assert probe.ok and probe.status == 200
    assert await hook.inbox() == []


@pytest.mark.parametrize("secret", [None, "", "wrong-secret-123", SECRET + "x", SECRET[:-1]])
async def test_webhook_without_the_right_secret_is_403(hook, secret):
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Bot-Api-Secret-Token"] = secret
    event = {"event_name": "message.text.received",
             "message": {"message_id": "m1", "chat": {"id": CHAT}, "from": {"id": CHAT}, "text": "/help"}}
    async with aiohttp.ClientSession() as http:
        async with http.post(_hook_url(hook), data=json.dumps(event), headers=headers) as response:
            assert response.status == 403
    assert await hook.inbox() == []


async def test_webhook_rejects_before_reading_the_body(hook):
    """A body that never comes: a handler that read it would hang; the answer is 403 at once."""
    host, port = "127.0.0.1", hook.server.port
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        (f"POST /zalo/webhook HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
         "X-Bot-Api-Secret-Token: wrong-secret-123\r\nContent-Length: 1000000\r\n\r\n{\"event_name\":").encode()
    )
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 3)
    writer.close()
    assert status_line.startswith(b"HTTP/1.1 403")
    assert await hook.inbox() == []


async def test_webhook_with_the_secret_commits_before_answering(hook):
    event = {"event_name": "message.text.received",
             "message": {"message_id": "m-77", "chat": {"id": STRANGER, "chat_type": "PRIVATE"},
                         "from": {"id": STRANGER, "display_name": "Khách"}, "text": "chào"}}
    async with aiohttp.ClientSession() as http:
        for body in (event, {"ok": True, "result": event}):  # a redelivery, in the other shape
            async with http.post(_hook_url(hook), json=body, headers={"X-Bot-Api-Secret-Token": SECRET}) as r:
                assert r.status == 200
                [row] = await hook.inbox()  # already committed when 200 arrives
        async with http.post(_hook_url(hook), data="{not json", headers={"X-Bot-Api-Secret-Token": SECRET}) as r:
            assert r.status == 400
    assert row.event_key == "m-77" and row.payload["display_name"] == "Khách"


def _hook_url(bot: ZaloBot) -> str:
    return f"http://127.0.0.1:{bot.server.port}/zalo/webhook"
