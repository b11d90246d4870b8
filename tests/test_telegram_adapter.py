"""The Telegram adapter in process: the real python-telegram-bot against FakeTelegram, wired by the
app's own `_start_channels`, with the real engine, router and a SQLite file.

Each test plays users through the fake and asserts on what the bot did there; every test ends with
no violation of the Bot API description (`fake.violations == []`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import io
import logging
from pathlib import Path

import aiohttp
import httpx
import pytest
from sqlalchemy import func, select

import texts
from app import wiring as app_module
from bot.channels.telegram import TelegramChannel
from bot.config import load_config
from bot.engine import PermanentFailure, RetryLater
from bot.logs import setup_logging
from bot.messages import Choice, Reply
from storage import engine_store, people
from storage.models import InboxRow, OutboxRow
from tests.channels_kit import free_port
from tests.fakes import FakeTelegram

REPO = Path(__file__).resolve().parents[1]
CHAT, OTHER = 5001, 5002
SECRET = "webhook-secret_for-tests"



def bot_config(fake: FakeTelegram, data_dir: Path, mode: str = "polling"):
    """The repository's config.toml, pointed at the fake; webhook mode gets a web server port."""
    env = {
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_BASE_URL": f"{fake.url}/bot",
        "TELEGRAM_BASE_FILE_URL": f"{fake.url}/file/bot",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "FIELDBOT_DATA_DIR": str(data_dir),
    }
    config = load_config(REPO / "config.toml", env=env)
    engine = dataclasses.replace(config.engine, send_backoff_seconds=0.2, poll_interval_seconds=0.2)
    config = dataclasses.replace(config, engine=engine)
    if mode == "webhook":
        port = free_port()
        web = dataclasses.replace(config.web, enabled=True, port=port, public_url=f"http://127.0.0.1:{port}")
        config = dataclasses.replace(config, web=web, telegram=dataclasses.replace(config.telegram, mode="webhook"))
    return config


@dataclasses.dataclass
class Bot:
    """A running bot and the fake it talks to."""

    fake: FakeTelegram
    app: app_module.App
    channel: TelegramChannel
    server: object

    async def invite(self, name: str = "Nguyễn Thị Lan", roles=("inspector",)) -> str:
        async with self.app.db.unit_of_work() as session:
            code, _ = await people.create_invite(
                session, name=name, roles=set(roles), now=self.app.clock.now(), valid_for=dt.timedelta(days=7)
            )
        return code

    async def register(self, chat: int, roles=("inspector",)) -> None:
        """Invite, /start CODE, tap "Đồng ý" on the privacy question; wait until the menu is set."""
        self.fake.user_command(chat, "start", await self.invite(roles=roles))
        [question] = await self.fake.wait_for_messages(chat, 1)
        self.fake.tap(chat, question.message_id, button(question, texts.privacy.AGREE_LABEL))
        await self.fake.wait_until(lambda: chat_menu(self.fake, chat), 10, "the per-chat menu")

    async def texts(self, chat: int, n: int) -> list[str]:
        """The texts of the bot's messages in a chat, once there are at least `n`."""
        return [m.text or m.caption or "" for m in await self.fake.wait_for_messages(chat, n, 10)]

    async def inbox(self) -> list[InboxRow]:
        async with self.app.db.read() as session:
            return list((await session.scalars(select(InboxRow).order_by(InboxRow.id))).all())

    async def settled(self) -> None:
        """Wait until every stored update is processed and every reply sent."""

        async def pending() -> int:
            async with self.app.db.read() as session:
                inbox = await session.scalar(select(func.count()).where(InboxRow.status == "pending"))
                outbox = await session.scalar(select(func.count()).where(OutboxRow.status == "pending"))
            return inbox + outbox

        for _ in range(200):
            if not len(self.fake.updates) and not await pending():
                await asyncio.sleep(0.1)
                if not len(self.fake.updates) and not await pending():
                    return
            await asyncio.sleep(0.05)
        raise AssertionError("the bot did not settle")


def button(message, label: str) -> str:
    return next(b["callback_data"] for row in message.inline_keyboard for b in row if b["text"] == label)


def chat_menu(fake: FakeTelegram, chat: int) -> list[str]:
    for (scope, _lang), commands in fake.commands.items():
        if '"type": "chat"' in scope and f'"chat_id": "{chat}"' in scope:
            return [c["command"] for c in commands]
    return []


@contextlib.asynccontextmanager
async def running_bot(tmp_path: Path, mode: str = "polling"):
    """The app as `python main.py run` builds it, minus signals and the process lock."""
    async with FakeTelegram() as fake:
        app = await app_module.build_app(bot_config(fake, tmp_path / "data", mode))
        channels, server = await app_module._start_channels(app)
        engine_task = asyncio.create_task(app.engine.run())
        try:
            yield Bot(fake, app, channels[0], server)
        finally:
            await channels[0].stop()
            await app.engine.stop()
            await engine_task
            await channels[0].close()
            if server is not None:
                await server.stop()
            await app.db.close()
        assert fake.violations == []


@pytest.fixture
async def bot(tmp_path):
    async with running_bot(tmp_path) as running:
        yield running


# --- registration, strangers, help ----------------------------------------------------------------


async def test_invited_person_registers_by_tapping_yes(bot: Bot) -> None:
    fake = bot.fake
    assert chat_menu(fake, CHAT) == []
    default = fake.commands[('{"type": "default"}', "")]
    assert [c["command"] for c in default] == ["start"]  # strangers see only /start
    assert fake.calls["deleteWebhook"] == 1

    fake.user_command(CHAT, "start", await bot.invite())
    [question] = await fake.wait_for_messages(CHAT, 1)
    assert "Nguyễn Thị Lan" in question.text
    assert [b["text"] for row in question.inline_keyboard for b in row][:2] == [texts.privacy.AGREE_LABEL, texts.privacy.DECLINE_LABEL]

    tap = fake.tap(CHAT, question.message_id, button(question, texts.privacy.AGREE_LABEL))
    assert (await fake.wait_for_answer(tap)) == {"callback_query_id": tap["callback_query"]["id"]}
    [_, registered] = await bot.texts(CHAT, 2)
    assert registered.startswith("Đã đăng ký tài khoản")
    await fake.wait_until(lambda: fake.messages(CHAT)[0].edits, 5, "the question edited")
    edited = fake.messages(CHAT)[0]
    assert edited.text.endswith(f"\n→ {texts.privacy.AGREE_LABEL}") and edited.inline_keyboard == []
    await fake.wait_until(lambda: chat_menu(fake, CHAT), 5, "the per-chat menu")
    assert "help" in chat_menu(fake, CHAT) and "nhansu" not in chat_menu(fake, CHAT)
    async with bot.app.db.read() as session:
        staff = await people.staff_by_identity(session, "telegram", str(CHAT))
    assert staff is not None and staff.name == "Nguyễn Thị Lan" and staff.roles == {"inspector"}


async def test_stranger_is_refused_and_nothing_is_kept(bot: Bot) -> None:
    bot.fake.user_text(OTHER, "xin chào")
    assert await bot.texts(OTHER, 1) == [texts.people.refusal()]
    bot.fake.user_command(OTHER, "start", "SAIMA123")
    assert (await bot.texts(OTHER, 2))[1] == texts.people.BAD_CODE
    async with bot.app.db.read() as session:
        assert await people.staff_by_identity(session, "telegram", str(OTHER)) is None
    assert chat_menu(bot.fake, OTHER) == []


async def test_help_lists_the_commands_of_the_persons_roles(bot: Bot) -> None:
    await bot.register(CHAT, roles=("admin",))
    await bot.register(OTHER, roles=("inspector",))
    bot.fake.user_command(CHAT, "help")
    bot.fake.user_command(OTHER, "HELP@dost_field_bot")  # case and the @bot suffix do not matter
    admin_help = (await bot.texts(CHAT, 3))[-1]
    inspector_help = (await bot.texts(OTHER, 3))[-1]
    assert admin_help.startswith(texts.people.HELP_HEADER) and "/staff" in admin_help and "/lienket" in admin_help
    assert inspector_help.startswith(texts.people.HELP_HEADER) and "/staff" not in inspector_help
    assert "nhansu" in chat_menu(bot.fake, CHAT) and "nhansu" not in chat_menu(bot.fake, OTHER)


async def test_tap_on_an_old_keyboard_changes_nothing(bot: Bot) -> None:
    fake = bot.fake
    fake.user_command(CHAT, "start", await bot.invite())
    [question] = await fake.wait_for_messages(CHAT, 1)
    fake.user_text(CHAT, "có")  # typed instead of tapped: the buttons stay under the question
    assert (await bot.texts(CHAT, 2))[1].startswith("Đã đăng ký tài khoản")
    await bot.settled()
    before = len(fake.messages(CHAT))

    tap = fake.tap(CHAT, question.message_id, button(question, texts.privacy.DECLINE_LABEL))
    await fake.wait_for_answer(tap)
    assert (await bot.texts(CHAT, before + 1))[-1] == texts.common.QUESTION_CLOSED
    await bot.settled()
    assert len(fake.messages(CHAT)) == before + 1
    async with bot.app.db.read() as session:
        staff = await people.list_staff(session)
        conversation = await engine_store.get_conversation(session, "telegram", str(CHAT))
    assert [s.name for s in staff] == ["Nguyễn Thị Lan"] and staff[0].active and conversation is None


# --- kinds of message -----------------------------------------------------------------------------


async def test_photo_is_downloaded_at_its_largest_size(bot: Bot) -> None:
    await bot.register(CHAT)
    update = bot.fake.user_photo(CHAT, caption="cột bơm 1")
    await bot.settled()
    row = (await bot.inbox())[-1]
    assert row.event_key == str(update["update_id"]) and row.payload["kind"] == "photo"
    largest = update["message"]["photo"][-1]
    stored = Path(row.payload["photo_path"])
    assert stored.parent == bot.app.config.general.data_dir / "media"
    assert await asyncio.to_thread(stored.read_bytes) == bot.fake.files[largest["file_id"]].content
    assert row.payload["text"] == "cột bơm 1"
    assert bot.fake.calls["getFile"] == 1


async def test_sticker_and_unsupported_messages_get_a_short_explanation(bot: Bot) -> None:
    await bot.register(CHAT)
    bot.fake.user_sticker(CHAT)
    assert (await bot.texts(CHAT, 3))[-1] == texts.people.NO_FLOW_HINT
    for n, kind in enumerate(("voice", "poll", "contact"), start=4):
        bot.fake.user_unsupported(CHAT, kind)
        assert (await bot.texts(CHAT, n))[-1] == texts.people.UNSUPPORTED
    bot.fake.user_document(CHAT, "ke-hoach.pdf", b"%PDF-1.4")
    assert (await bot.texts(CHAT, 7))[-1] == texts.people.UNSUPPORTED
    kinds = [row.payload["kind"] for row in await bot.inbox()][-5:]
    assert kinds == ["sticker", "unsupported", "unsupported", "unsupported", "unsupported"]


async def test_location_is_stored_as_a_location(bot: Bot) -> None:
    bot.fake.user_location(CHAT, 20.6464, 106.0511)
    await bot.settled()
    assert (await bot.inbox())[-1].payload["location"] == {"latitude": 20.6464, "longitude": 106.0511}


async def test_group_chats_are_ignored(bot: Bot) -> None:
    group = {"id": -100777, "type": "supergroup", "title": "Phòng TĐC"}
    user = {"id": CHAT, "is_bot": False, "first_name": "Lan"}
    bot.fake.updates.add("message", {"message_id": 1, "from": user, "chat": group, "date": 1, "text": "/help"})
    bot.fake.user_text(OTHER, "xin chào")  # a later private message is still served
    assert await bot.texts(OTHER, 1) == [texts.people.refusal()]
    await bot.settled()
    assert [row.chat_id for row in await bot.inbox()] == [str(OTHER)]


# --- faults: rate limits, server errors, duplicates -----------------------------------------------


async def test_429_and_5xx_delay_replies_but_lose_none(bot: Bot) -> None:
    bot.fake.fail_next("sendMessage", 429, retry_after=1, count=2)  # beyond the limiter's one retry
    for text in ("một", "hai", "ba"):
        bot.fake.user_text(OTHER, text)
    assert await bot.texts(OTHER, 3) == [texts.people.refusal()] * 3
    bot.fake.fail_next("sendMessage", 502, count=2)
    bot.fake.user_text(OTHER, "bốn")
    assert await bot.texts(OTHER, 4) == [texts.people.refusal()] * 4
    await bot.settled()
    assert len(bot.fake.messages(OTHER)) == 4
    assert [status for _, status, _ in bot.fake.errors] == [429, 429, 502, 502]


async def test_duplicate_deliveries_are_handled_once(bot: Bot) -> None:
    bot.fake.duplicate_deliveries = True
    bot.fake.user_text(OTHER, "một lần thôi")
    await bot.texts(OTHER, 1)
    await bot.settled()
    assert len(bot.fake.messages(OTHER)) == 1 and len(await bot.inbox()) == 1
    assert bot.fake.calls["getUpdates"] >= 3  # the update really came twice


async def test_duplicate_tap_is_answered_once(bot: Bot) -> None:
    bot.fake.user_command(CHAT, "start", await bot.invite())
    [question] = await bot.fake.wait_for_messages(CHAT, 1)
    bot.fake.duplicate_deliveries = True
    tap = bot.fake.tap(CHAT, question.message_id, button(question, texts.privacy.AGREE_LABEL))
    await bot.fake.wait_for_answer(tap)
    await bot.settled()
    assert bot.fake.calls["answerCallbackQuery"] == 1 and bot.fake.calls["editMessageText"] == 1
    assert sum(t.startswith("Đã đăng ký tài khoản") for t in await bot.texts(CHAT, 2)) == 1
    assert len(await bot.inbox()) == 2


# --- webhook mode ---------------------------------------------------------------------------------


async def test_webhook_checks_the_secret_before_anything(tmp_path) -> None:
    async with running_bot(tmp_path, mode="webhook") as bot:
        url = bot.app.config.web.public_url + bot.app.config.telegram.webhook_path
        assert bot.fake.webhook.state.url == url and bot.fake.webhook.state.secret_token == SECRET
        update = {"update_id": 1, "message": {"message_id": 1, "date": 1, "text": "hi",
                                              "chat": {"id": OTHER, "type": "private", "first_name": "X"},
                                              "from": {"id": OTHER, "is_bot": False, "first_name": "X"}}}
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(url, json=update, headers=headers) as response:
                    assert response.status == 403
            assert await bot.inbox() == []
            edited = {"update_id": 2, "edited_message": {**update["message"], "edit_date": 2}}
            async with http.post(url, json=edited, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as r:
                assert r.status == 200
            assert await bot.inbox() == []  # edits are not messages to act on

        bot.fake.user_text(OTHER, "xin chào")  # the fake pushes with the registered secret
        assert await bot.texts(OTHER, 1) == [texts.people.refusal()]
        await bot.register(CHAT)
        assert bot.fake.calls["getUpdates"] == 0


async def test_webhook_duplicate_posts_are_handled_once(tmp_path) -> None:
    async with running_bot(tmp_path, mode="webhook") as bot:
        bot.fake.duplicate_deliveries = True
        bot.fake.user_text(OTHER, "một lần thôi")
        await bot.texts(OTHER, 1)
        await bot.settled()
        assert len(bot.fake.messages(OTHER)) == 1 and len(await bot.inbox()) == 1
        assert sum(d.ok for d in bot.fake.webhook.state.deliveries) == 2


# --- sending ----------------------------------------------------------------------------------------


async def test_a_document_reaches_the_person(bot: Bot, tmp_path: Path) -> None:
    await bot.register(CHAT)
    report = tmp_path / "report.docx"
    report.write_bytes(b"PK\x03\x04 fake docx")
    reply = Reply(kind="document", text="Báo cáo tháng 01/2023", document_path=str(report),
                  document_name="BaoCao_KHCN_2023-01.docx")
    async with bot.app.db.unit_of_work() as session:
        await engine_store.queue_reply(session, channel="telegram", chat_id=str(CHAT), payload=reply.to_json(),
                                       now=bot.app.clock.now(), inbox_id=None)
    await bot.app.engine.send_due_once()
    document = (await bot.fake.wait_for_messages(CHAT, 3))[-1]
    assert document.kind == "document" and document.caption == "Báo cáo tháng 01/2023"
    assert document.upload.filename == "BaoCao_KHCN_2023-01.docx" and document.upload.content == report.read_bytes()


async def test_location_question_offers_the_location_button_then_removes_it(bot: Bot) -> None:
    bot.fake.add_chat(CHAT)
    question = Reply(text="Vị trí cơ sở?", choices=(Choice("t1|>", "Bỏ qua"),), ask_location=True, token="t1")
    await bot.channel.send(str(CHAT), question)
    await bot.channel.send(str(CHAT), Reply(text="Đã lưu vị trí."))
    await bot.channel.send(str(CHAT), Reply(text="Tiếp theo."))
    asked, saved, following = bot.fake.messages(CHAT)
    assert asked.reply_markup["keyboard"] == [[{"text": "📍 Gửi vị trí hiện tại", "request_location": True}],
                                              [{"text": "Bỏ qua"}]]
    assert asked.reply_markup["one_time_keyboard"] and asked.reply_markup["resize_keyboard"]
    assert saved.reply_markup == {"remove_keyboard": True} and following.reply_markup is None


async def test_long_text_is_split_at_lines_with_buttons_on_the_last(bot: Bot) -> None:
    bot.fake.add_chat(CHAT)
    body = "\n".join(f"{n}. cơ sở kinh doanh xăng dầu số {n}" for n in range(300))
    reply = Reply(text=body, choices=(Choice("t2|confirm", "Lưu"),), token="t2")
    message_id = await bot.channel.send(str(CHAT), reply)
    sent = bot.fake.messages(CHAT)
    assert len(sent) == 3 and all(len(m.text) <= 4096 for m in sent)
    assert "\n".join(m.text for m in sent) == body
    assert [m.inline_keyboard != [] for m in sent] == [False, False, True]
    assert message_id == str(sent[-1].message_id)


async def test_edit_replaces_the_text_or_sends_anew(bot: Bot) -> None:
    bot.fake.add_chat(CHAT)
    first = await bot.channel.send(str(CHAT), Reply(text="Đang lập báo cáo…", token="r1"))
    assert await bot.channel.send(str(CHAT), Reply(kind="edit", text="Báo cáo xong.", edit_message_id=first)) == first
    assert await bot.channel.send(str(CHAT), Reply(kind="edit", text="Báo cáo xong.", edit_message_id=first)) == first
    fresh = await bot.channel.send(str(CHAT), Reply(kind="edit", text="Lần nữa.", edit_message_id="999"))
    newer = await bot.channel.send(str(CHAT), Reply(kind="edit", text="Không rõ tin nào."))
    assert [m.text for m in bot.fake.messages(CHAT)] == ["Báo cáo xong.", "Lần nữa.", "Không rõ tin nào."]
    assert fresh != first and newer != fresh
    assert await bot.channel.send(str(CHAT), Reply(kind="typing")) == ""
    assert bot.fake.chats[CHAT].actions == ["typing"]
    bot.fake.errors.clear()  # the refused edits were expected


async def test_errors_map_to_retry_later_or_permanent_failure(bot: Bot) -> None:
    bot.fake.add_chat(CHAT)
    bot.fake.block(OTHER)
    with pytest.raises(PermanentFailure, match="blocked"):
        await bot.channel.send(str(OTHER), Reply(text="a"))
    with pytest.raises(PermanentFailure, match="(?i)chat not found"):
        await bot.channel.send("424242", Reply(text="a"))
    bot.fake.fail_next("sendMessage", 429, retry_after=3, count=2)
    with pytest.raises(RetryLater) as limited:
        await bot.channel.send(str(CHAT), Reply(text="a"))
    assert limited.value.after == 3
    bot.fake.fail_next("sendMessage", 500)
    with pytest.raises(RetryLater):
        await bot.channel.send(str(CHAT), Reply(text="a"))
    with pytest.raises(PermanentFailure, match="missing"):
        await bot.channel.send(str(CHAT), Reply(kind="document", document_path="/nonexistent/x.docx"))
    assert bot.fake.messages(CHAT) == []


# --- secrets in logs --------------------------------------------------------------------------------


@contextlib.contextmanager
def real_logging(caplog: pytest.LogCaptureFixture, secrets: list[str]):
    """main.py's logging setup (DEBUG, to see everything), its handler writing to a buffer, and
    caplog's handler filtered the same way; the previous setup comes back afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level, {n: logging.getLogger(n).level for n in ("httpx", "httpcore", "telegram.ext")}
    redactor = setup_logging("DEBUG", secrets=secrets)
    stream = io.StringIO()
    root.handlers[0].setStream(stream)
    caplog.handler.addFilter(redactor)
    root.addHandler(caplog.handler)
    try:
        yield stream
    finally:
        caplog.handler.removeFilter(redactor)
        root.handlers[:], root.level = saved[0], saved[1]
        for name, level in saved[2].items():
            logging.getLogger(name).setLevel(level)


async def test_no_token_or_secret_in_any_log_line(tmp_path, caplog) -> None:
    fake_token = FakeTelegram().token
    with real_logging(caplog, [fake_token, SECRET]) as stream:
        async with running_bot(tmp_path, mode="webhook") as bot:
            await bot.register(CHAT)
            bot.fake.fail_next("sendMessage", 429, retry_after=1, count=2)
            bot.fake.user_text(OTHER, "xin chào")
            await bot.texts(OTHER, 1)
            bot.fake.user_photo(CHAT)
            await bot.settled()
            async with httpx.AsyncClient() as http:  # an exception whose text is a URL with the token
                response = await http.get(f"{bot.fake.url}/bot{fake_token}/noSuchMethod")
            try:
                response.raise_for_status()
            except httpx.HTTPStatusError:
                logging.getLogger("bot.channels.telegram").exception("request failed")
            bot.fake.violations.clear()  # the unknown method was on purpose
        async with running_bot(tmp_path / "polling") as bot:
            bot.fake.fail_next("getUpdates", 502)
            bot.fake.user_text(OTHER, "xin chào")
            await bot.texts(OTHER, 1)
    written = stream.getvalue()
    assert "request failed" in written and "Traceback" in written and "/bot***/noSuchMethod" in written
    assert "getUpdates failed" in written and "Rate limit hit" in written
    captured = caplog.text + "".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    for secret in (fake_token, fake_token.split(":")[1], SECRET):
        assert secret not in written and secret not in captured


async def test_webhook_a_photo_the_full_disk_cannot_take_is_503_then_stored(tmp_path, monkeypatch) -> None:
    """Issue 20: a photo that could not be written (ENOSPC) was answered 400, and Telegram drops an
    update answered 4xx: the person's photo was gone. Now 503: Telegram delivers it again."""
    import errno

    from bot.channels import telegram_updates

    write, full = telegram_updates.write_private, [True]

    def disk(path, content):
        if full[0]:
            raise OSError(errno.ENOSPC, "No space left on device")
        return write(path, content)

    monkeypatch.setattr(telegram_updates, "write_private", disk)
    async with running_bot(tmp_path, mode="webhook") as bot:
        await bot.register(CHAT)
        update = bot.fake.user_photo(CHAT, caption="cột bơm 2")
        await bot.fake.wait_until(lambda: any(d.status == 503 for d in bot.fake.webhook.state.deliveries) or None,
                                  10, "a 503 for the photo")
        assert not any(d.status == 400 for d in bot.fake.webhook.state.deliveries)
        assert [r for r in await bot.inbox() if r.event_key == str(update["update_id"])] == []
        full[0] = False  # space back: Telegram's next try (posted here as it would) is stored
        url = bot.app.config.web.public_url + bot.app.config.telegram.webhook_path
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as response:
                assert response.status == 200
        [row] = [r for r in await bot.inbox() if r.event_key == str(update["update_id"])]
        assert row.payload["kind"] == "photo" and await asyncio.to_thread(Path(row.payload["photo_path"]).is_file)
