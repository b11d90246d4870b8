"""Tests of the fake servers themselves: they must reject what the real services reject and accept
what the real clients send. Telegram traffic comes from the real python-telegram-bot ``Bot``; Zalo
traffic from a plain aiohttp ``ClientSession``, as our Zalo adapter will send it.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from tests.fakes import FakeTelegram, FakeZalo, UploadedFile, check_request

CHAT = 4201
ZALO_CHAT = "6a1f0c9be2d34e5f"


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.upper(), callback_data=d) for d in data]])


@pytest.fixture
async def telegram():
    async with FakeTelegram() as fake:
        fake.add_chat(CHAT)
        yield fake


@pytest.fixture
async def bot(telegram: FakeTelegram):
    async with Bot(
        telegram.token, base_url=f"{telegram.url}/bot", base_file_url=f"{telegram.url}/file/bot"
    ) as real_bot:
        yield real_bot


@pytest.fixture
async def zalo():
    async with FakeZalo() as fake:
        yield fake


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


class WebhookReceiver:
    """A bot-side webhook endpoint for the tests: records each POST and answers planned statuses."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> WebhookReceiver:
        app = web.Application()
        app.router.add_post("/hook", self._hook)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/hook"
        return self

    async def _hook(self, request: web.Request) -> web.Response:
        self.received.append((dict(request.headers), await request.read()))
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)

    async def wait_for(self, n: int, within: float = 5.0) -> list[tuple[dict[str, str], bytes]]:
        deadline = time.monotonic() + within
        while len(self.received) < n:
            assert time.monotonic() < deadline, f"webhook got {len(self.received)} of {n} requests"
            await asyncio.sleep(0.01)
        return self.received

    async def close(self) -> None:
        assert self._runner is not None
        await self._runner.cleanup()


@pytest.fixture
async def receiver():
    hook = await WebhookReceiver().start()
    yield hook
    await hook.close()


# ============================================================================ Telegram: the checker


def test_checker_rejects_unknown_method() -> None:
    assert check_request("sendTelegram", {"chat_id": 1}) == ["unknown method 'sendTelegram'"]


def test_checker_accepts_method_names_in_any_case() -> None:
    """The Bot API docs: "All methods in the Bot API are case-insensitive"."""
    assert check_request("SENDMESSAGE", {"chat_id": "1", "text": "hi"}) == []


def test_checker_rejects_missing_required_field() -> None:
    assert check_request("sendMessage", {"chat_id": 1}) == ["sendMessage.text: required parameter is missing"]


def test_checker_rejects_unknown_parameter() -> None:
    assert check_request("sendMessage", {"chat_id": 1, "text": "a", "keyboard": "x"}) == [
        "sendMessage: unknown parameter 'keyboard'"
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"chat_id": 1.5, "text": "a"}, "sendMessage.chat_id: expected Integer or String"),
        ({"chat_id": 1, "text": 5}, "sendMessage.text: expected String"),
        ({"chat_id": 1, "text": "a", "disable_notification": "yes"}, "expected Boolean"),
        ({"chat_id": 1, "text": "a", "reply_markup": "{not json"}, "expected InlineKeyboardMarkup object"),
    ],
)
def test_checker_rejects_wrong_types(params: dict[str, Any], expected: str) -> None:
    problems = check_request("sendMessage", params)
    assert len(problems) == 1 and expected in problems[0]


def test_checker_parses_form_strings_as_declared_types_but_not_floats_for_integers() -> None:
    """PTB sends ``timeout=2.0`` when given a float; the spec says Integer (telegram-notes §2.3)."""
    assert check_request("getUpdates", {"offset": "17", "timeout": "10", "limit": "100"}) == []
    assert check_request("getUpdates", {"timeout": "2.0"}) == [
        "getUpdates.timeout: expected Integer, got str '2.0'"
    ]


def test_checker_is_strict_about_types_inside_objects() -> None:
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": 7}]]}
    problems = check_request("sendMessage", {"chat_id": 1, "text": "a", "reply_markup": markup})
    assert problems == [
        "sendMessage.reply_markup.inline_keyboard[0][0].callback_data: expected String, got int 7"
    ]


def test_text_limit_is_4096_characters() -> None:
    assert check_request("sendMessage", {"chat_id": 1, "text": "ồ" * 4096}) == []
    assert check_request("sendMessage", {"chat_id": 1, "text": "x" * 4097}) == [
        "sendMessage.text: message is too long: 4097 characters, allowed 1-4096"
    ]


def test_text_limit_counts_text_after_entity_parsing() -> None:
    html = "<b>" + "x" * 4096 + "</b>"
    assert check_request("sendMessage", {"chat_id": 1, "text": html, "parse_mode": "HTML"}) == []
    assert check_request("sendMessage", {"chat_id": 1, "text": html}) != []


def test_blank_text_is_empty() -> None:
    assert "message text is empty" in check_request("sendMessage", {"chat_id": 1, "text": " \n"})[0]


def test_unknown_parse_mode_is_rejected() -> None:
    assert check_request("sendMessage", {"chat_id": 1, "text": "a", "parse_mode": "html"}) == [
        "sendMessage.parse_mode: unsupported parse_mode 'html'"
    ]


def test_caption_limit_is_1024_characters() -> None:
    ok = {"chat_id": 1, "document": "BQACAgIAAx", "caption": "c" * 1024}
    assert check_request("sendDocument", ok) == []
    problems = check_request("sendDocument", {**ok, "caption": "c" * 1025})
    assert problems == ["sendDocument.caption: message caption is too long: 1025 characters, allowed 0-1024"]


def test_callback_data_limit_is_64_bytes_of_utf8() -> None:
    def markup(data: str) -> dict[str, Any]:
        return {"inline_keyboard": [[{"text": "A", "callback_data": data}]]}

    assert check_request("sendMessage", {"chat_id": 1, "text": "a", "reply_markup": markup("d" * 64)}) == []
    for data in ("d" * 65, "ệ" * 22, ""):  # 65 bytes, 66 bytes in only 22 characters, empty
        problems = check_request("sendMessage", {"chat_id": 1, "text": "a", "reply_markup": markup(data)})
        assert len(problems) == 1 and "BUTTON_DATA_INVALID" in problems[0], data


@pytest.mark.parametrize(
    "button",
    [{"text": "no action"}, {"text": "two actions", "callback_data": "a", "url": "https://example.org"}],
)
def test_inline_button_needs_exactly_one_action(button: dict[str, Any]) -> None:
    problems = check_request(
        "sendMessage", {"chat_id": 1, "text": "a", "reply_markup": {"inline_keyboard": [[button]]}}
    )
    assert len(problems) == 1 and "needs exactly one of its action fields" in problems[0]


def test_reply_keyboard_accepts_plain_strings_and_one_request_per_button() -> None:
    good = {"keyboard": [[{"text": "Vị trí", "request_location": True}, "Hủy"]], "one_time_keyboard": True}
    assert check_request("sendMessage", {"chat_id": 1, "text": "a", "reply_markup": good}) == []
    both = {"keyboard": [[{"text": "x", "request_location": True, "request_contact": True}]]}
    assert "at most one" in check_request("sendMessage", {"chat_id": 1, "text": "a", "reply_markup": both})[0]


def test_answer_callback_query_text_limit_is_200() -> None:
    assert check_request("answerCallbackQuery", {"callback_query_id": "1", "text": "t" * 200}) == []
    assert check_request("answerCallbackQuery", {"callback_query_id": "1", "text": "t" * 201}) == [
        "answerCallbackQuery.text: 201 characters, allowed 0-200"
    ]


@pytest.mark.parametrize(
    ("command", "problem"),
    [
        ({"command": "Start", "description": "Bắt đầu"}, "only lowercase English letters"),
        ({"command": "bao-cao", "description": "Báo cáo"}, "only lowercase English letters"),
        ({"command": "c" * 33, "description": "d"}, "33 characters, allowed 1-32"),
        ({"command": "start", "description": ""}, "0 characters, allowed 1-256"),
        ({"command": "start", "description": "d" * 257}, "257 characters, allowed 1-256"),
    ],
)
def test_bot_command_rules(command: dict[str, str], problem: str) -> None:
    problems = check_request("setMyCommands", {"commands": [command]})
    assert len(problems) == 1 and problem in problems[0]


def test_command_scope_is_checked_against_its_subtype() -> None:
    assert check_request("setMyCommands", {"commands": [], "scope": {"type": "chat", "chat_id": 5}}) == []
    assert check_request("setMyCommands", {"commands": [], "scope": {"type": "chat"}}) == [
        "setMyCommands.scope: BotCommandScopeChat requires field 'chat_id'"
    ]
    assert (
        "no BotCommandScope subtype"
        in check_request("setMyCommands", {"commands": [], "scope": {"type": "room"}})[0]
    )


def test_edits_need_a_message_reference_and_actions_a_known_name() -> None:
    assert check_request("editMessageText", {"text": "a"}) == [
        "editMessageText: chat_id and message_id are required if inline_message_id is not specified"
    ]
    assert (
        "wrong parameter action" in check_request("sendChatAction", {"chat_id": 1, "action": "thinking"})[0]
    )


def test_allowed_updates_must_name_update_kinds() -> None:
    assert check_request("getUpdates", {"allowed_updates": ["message", "callback_query"]}) == []
    assert check_request("getUpdates", {"allowed_updates": ["messages"]}) == [
        "getUpdates.allowed_updates: unknown update type 'messages'"
    ]


def test_uploads_are_input_files() -> None:
    upload = UploadedFile("document", "report.docx", b"PK\x03\x04")
    assert check_request("sendDocument", {"chat_id": "1", "document": upload}) == []
    assert "expected InputFile or String" in check_request("sendDocument", {"chat_id": "1", "document": 5})[0]


# ============================================================================ Telegram: the real PTB


async def test_real_ptb_traffic_passes_the_checker(telegram: FakeTelegram, bot: Bot) -> None:
    """Everything our adapter will send, sent by the real library, without one violation."""
    sent = await bot.send_message(CHAT, "Chọn loại cơ sở:", reply_markup=keyboard("xang_dau", "y_te"))
    assert sent.reply_markup == keyboard("xang_dau", "y_te")
    await bot.send_document(
        CHAT, InputFile(b"PK\x03\x04docx", filename="bao_cao_01_2026.docx"), caption="Báo cáo"
    )
    await bot.set_my_commands(
        [BotCommand("start", "Bắt đầu"), BotCommand("huy", "Hủy")], scope=BotCommandScopeChat(CHAT)
    )
    location = ReplyKeyboardMarkup(
        [[KeyboardButton("Gửi vị trí", request_location=True)]], one_time_keyboard=True
    )
    await bot.send_message(CHAT, "Gửi vị trí hiện trường", reply_markup=location)
    await bot.send_chat_action(CHAT, "typing")
    update = telegram.tap(CHAT, sent.message_id, "y_te")
    [received] = await bot.get_updates(timeout=1, allowed_updates=["message", "callback_query"])
    assert received.callback_query.data == "y_te" and received.update_id == update["update_id"]
    assert await bot.answer_callback_query(received.callback_query.id, text="Đã chọn")
    edited = await bot.edit_message_text("Đã chọn: Y tế", chat_id=CHAT, message_id=sent.message_id)
    assert edited.text == "Đã chọn: Y tế"
    assert telegram.violations == []
    assert telegram.calls["sendMessage"] == 2 and telegram.calls["getUpdates"] == 1


async def test_bot_state_is_recorded_per_chat(telegram: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "<b>Chọn</b>", parse_mode="HTML", reply_markup=keyboard("a"))
    await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=None)
    await bot.send_document(CHAT, InputFile(b"%PDF-1.7", filename="bb.pdf"))
    first, document = telegram.messages(CHAT)
    assert (first.text, first.parse_mode, first.reply_markup) == ("<b>Chọn</b>", "HTML", None)
    assert first.edits == [
        {"text": "<b>Chọn</b>", "parse_mode": "HTML", "reply_markup": keyboard("a").to_dict()}
    ]
    assert document.upload is not None and (document.upload.filename, document.upload.content) == (
        "bb.pdf",
        b"%PDF-1.7",
    )
    assert telegram.commands == {}


async def test_commands_are_stored_per_scope(telegram: FakeTelegram, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Bắt đầu")], scope=BotCommandScopeChat(CHAT))
    assert await bot.get_my_commands() == ()
    assert await bot.get_my_commands(scope=BotCommandScopeChat(CHAT)) == (BotCommand("start", "Bắt đầu"),)
    await bot.delete_my_commands(scope=BotCommandScopeChat(CHAT))
    assert await bot.get_my_commands(scope=BotCommandScopeChat(CHAT)) == ()


async def test_violations_are_recorded_and_answered_400(telegram: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(CHAT, "x" * 4097)
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT, "a", reply_markup=keyboard("d" * 65))
    with pytest.raises(BadRequest, match="(?i)caption is too long"):
        await bot.send_document(CHAT, InputFile(b"x", filename="a.txt"), caption="c" * 1025)
    assert len(telegram.violations) == 3 and telegram.messages(CHAT) == []


async def test_float_poll_timeout_is_a_violation(bot: Bot, telegram: FakeTelegram) -> None:
    with pytest.raises(BadRequest, match="(?i)expected Integer"):
        await bot.get_updates(timeout=0.5)  # type: ignore[arg-type]
    assert telegram.violations == ["getUpdates.timeout: expected Integer, got str '0.5'"]


async def test_unknown_method_gets_telegrams_404(telegram: FakeTelegram, http: aiohttp.ClientSession) -> None:
    async with http.post(
        f"{telegram.url}/bot{telegram.token}/sendTelegram", data={"chat_id": "1"}
    ) as response:
        assert response.status == 404
        assert await response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert telegram.violations == ["unknown method 'sendTelegram'"]


async def test_json_and_form_bodies_are_checked_alike(
    telegram: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    url = f"{telegram.url}/bot{telegram.token}/sendMessage"
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    async with http.post(url, json={"chat_id": CHAT, "text": "json", "reply_markup": markup}) as response:
        assert response.status == 200
    async with http.post(
        url, data={"chat_id": str(CHAT), "text": "form", "reply_markup": json.dumps(markup)}
    ) as response:
        assert response.status == 200
    # Telegram also takes "JSON-serialized" text for an object inside a JSON body.
    async with http.post(
        url, json={"chat_id": CHAT, "text": "text", "reply_markup": json.dumps(markup)}
    ) as response:
        assert response.status == 200
    async with http.post(url, json={"chat_id": CHAT, "text": "bad", "reply_markup": "{oops"}) as response:
        assert response.status == 400
    assert [m.reply_markup for m in telegram.messages(CHAT)] == [markup, markup, markup]


async def test_wrong_token_is_unauthorized(telegram: FakeTelegram, http: aiohttp.ClientSession) -> None:
    """PTB's initialize() calls getMe; a rejected token surfaces as InvalidToken."""
    wrong = Bot("987654321:WrongToken", base_url=f"{telegram.url}/bot")
    with pytest.raises(InvalidToken, match="(?i)rejected by the server"):
        await wrong.initialize()
    await wrong.shutdown()
    async with http.post(f"{telegram.url}/bot987654321:WrongToken/sendMessage", json={}) as response:
        assert (response.status, await response.json()) == (
            401,
            {"ok": False, "error_code": 401, "description": "Unauthorized"},
        )
    async with http.post(f"{telegram.url}/botnot-a-token/getMe") as response:
        assert response.status == 404  # Telegram's answer to a malformed token
    assert telegram.calls["<bad token>"] == 3 and telegram.messages(CHAT) == []


async def test_unknown_and_blocked_chats(telegram: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(999, "hi")
    telegram.block(CHAT)
    with pytest.raises(Forbidden, match="(?i)blocked"):
        await bot.send_message(CHAT, "hi")
    assert telegram.violations == []


async def test_edit_to_identical_content_is_not_modified(telegram: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "Bước 1", reply_markup=keyboard("a"))
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text(
            "Bước 1", chat_id=CHAT, message_id=sent.message_id, reply_markup=keyboard("a")
        )
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=keyboard("a"))
    # Editing the text without reply_markup drops the inline keyboard, as on Telegram.
    await bot.edit_message_text("Bước 1", chat_id=CHAT, message_id=sent.message_id)
    assert telegram.messages(CHAT)[0].reply_markup is None
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=CHAT, message_id=99)


async def test_callback_query_can_be_answered_once(telegram: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "Chọn", reply_markup=keyboard("a"))
    query_id = telegram.tap(CHAT, sent.message_id, "a")["callback_query"]["id"]
    assert await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(query_id)


async def test_callback_query_expires(telegram: FakeTelegram, bot: Bot) -> None:
    telegram.callback_query_max_age = 0.0
    sent = await bot.send_message(CHAT, "Chọn", reply_markup=keyboard("a"))
    update = telegram.tap(CHAT, sent.message_id, "a")
    await asyncio.sleep(0.01)
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(update["callback_query"]["id"])


async def test_tap_needs_an_existing_button(telegram: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "Chọn", reply_markup=keyboard("a"))
    with pytest.raises(AssertionError, match="no button with callback_data 'b'"):
        telegram.tap(CHAT, sent.message_id, "b")


async def test_get_updates_confirms_with_offset(telegram: FakeTelegram, bot: Bot) -> None:
    telegram.user_command(CHAT, "start")
    telegram.user_text(CHAT, "Xin chào")
    first = await bot.get_updates()
    assert [u.message.text for u in first] == ["/start", "Xin chào"]
    assert first[0].message.entities[0].type == "bot_command"
    assert len(await bot.get_updates()) == 2  # nothing confirmed yet
    assert await bot.get_updates(offset=first[-1].update_id + 1) == ()
    assert len(telegram.updates) == 0


async def test_get_updates_long_polls_until_an_update_arrives(telegram: FakeTelegram, bot: Bot) -> None:
    asyncio.get_running_loop().call_later(0.2, telegram.user_text, CHAT, "muộn")
    started = time.monotonic()
    [update] = await bot.get_updates(timeout=5)
    assert update.message.text == "muộn" and 0.15 < time.monotonic() - started < 2
    started = time.monotonic()
    assert await bot.get_updates(offset=update.update_id + 1, timeout=1) == ()
    assert time.monotonic() - started >= 0.9


async def test_allowed_updates_filters_and_is_remembered(telegram: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "Chọn", reply_markup=keyboard("a"))
    telegram.tap(CHAT, sent.message_id, "a")
    telegram.user_text(CHAT, "text")
    [only] = await bot.get_updates(allowed_updates=["message"])
    assert only.message.text == "text"
    telegram.tap(CHAT, sent.message_id, "a")
    assert await bot.get_updates(offset=only.update_id + 1) == ()


async def test_user_media_and_file_download(telegram: FakeTelegram, bot: Bot) -> None:
    telegram.user_photo(CHAT, caption="Trạm bơm")
    telegram.user_location(CHAT, 10.7769, 106.7009)
    telegram.user_sticker(CHAT)
    telegram.user_unsupported(CHAT, "voice")
    telegram.user_unsupported(CHAT, "poll")
    photo, location, sticker, voice, poll = await bot.get_updates()
    sizes = photo.message.photo
    assert [s.width for s in sizes] == [90, 320, 1280] and sizes[0].file_size < sizes[-1].file_size
    largest = await (await bot.get_file(sizes[-1].file_id)).download_as_bytearray()
    assert largest.startswith(b"\xff\xd8") and len(largest) == sizes[-1].file_size
    assert (location.message.location.latitude, location.message.location.longitude) == (10.7769, 106.7009)
    assert sticker.message.sticker and voice.message.voice and poll.message.poll
    with pytest.raises(BadRequest, match="(?i)invalid file_id"):
        await bot.get_file("nope")


async def test_wait_for_messages_and_wait_for(telegram: FakeTelegram, bot: Bot) -> None:
    async def reply_later() -> None:
        await asyncio.sleep(0.05)
        await bot.send_message(CHAT, "một")
        await bot.send_message(CHAT, "hai")

    task = asyncio.create_task(reply_later())
    assert [m.text for m in await telegram.wait_for_messages(CHAT, 2)] == ["một", "hai"]
    assert (await telegram.wait_for(lambda m: m.text == "hai")).message_id == 2
    await task
    with pytest.raises(AssertionError, match="timed out"):
        await telegram.wait_for_messages(CHAT, 3, timeout=0.1)


async def test_rate_limit_fault_has_telegrams_body(
    telegram: FakeTelegram, bot: Bot, http: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PTB 22 warns on every RetryAfter unless opted in to timedelta values (the PTB 23 behaviour).
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    telegram.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(CHAT, "hi")
    assert caught.value.retry_after.total_seconds() == 7
    telegram.fail_next("sendMessage", 429, retry_after=3)
    async with http.post(
        f"{telegram.url}/bot{telegram.token}/sendMessage", json={"chat_id": CHAT, "text": "a"}
    ) as r:
        assert r.status == 429
        assert await r.json() == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 3",
            "parameters": {"retry_after": 3},
        }
    await bot.send_message(CHAT, "hi")
    assert [m.text for m in telegram.messages(CHAT)] == ["hi"] and telegram.calls["sendMessage"] == 3


async def test_server_error_faults_for_k_calls(telegram: FakeTelegram, bot: Bot) -> None:
    telegram.fail_next("*", 502, count=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.send_message(CHAT, "hi")
    await bot.send_message(CHAT, "hi")
    assert len(telegram.messages(CHAT)) == 1


async def test_slow_method(telegram: FakeTelegram, bot: Bot) -> None:
    telegram.slow("sendChatAction", 0.3, count=1)
    started = time.monotonic()
    await bot.send_chat_action(CHAT, "typing")
    assert time.monotonic() - started >= 0.3
    assert telegram.chats[CHAT].actions == ["typing"]


async def test_duplicate_deliveries_by_polling(telegram: FakeTelegram, bot: Bot) -> None:
    telegram.duplicate_deliveries = True
    telegram.user_text(CHAT, "một lần")
    [first] = await bot.get_updates()
    [again] = await bot.get_updates(offset=first.update_id + 1)
    assert again.update_id == first.update_id
    assert await bot.get_updates(offset=first.update_id + 1) == ()


async def test_newer_get_updates_terminates_the_older(telegram: FakeTelegram, bot: Bot) -> None:
    older = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    async with Bot(telegram.token, base_url=f"{telegram.url}/bot") as second_instance:
        await second_instance.get_updates(timeout=0)
    with pytest.raises(Conflict, match="(?i)terminated by other getUpdates"):
        await older


async def test_real_application_polls_the_fake(telegram: FakeTelegram) -> None:
    """The full PTB start-up, polling and shut-down sequence (telegram-notes §2.3) with no violation."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(
            f"Đã nhận: {update.effective_message.text}", reply_markup=keyboard("ok")
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("Xong")
        await update.callback_query.edit_message_text("Đã xác nhận")

    app = (
        Application.builder()
        .token(telegram.token)
        .base_url(f"{telegram.url}/bot")
        .base_file_url(f"{telegram.url}/file/bot")
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        await app.start()
        await app.updater.start_polling(timeout=1, drop_pending_updates=True)
        telegram.user_text(CHAT, "đồng hồ 3")
        [reply] = await telegram.wait_for_messages(CHAT, 1)
        tap = telegram.tap(CHAT, reply.message_id, "ok")
        assert (await telegram.wait_for_answer(tap))["text"] == "Xong"
        await telegram.wait_for(lambda m: m.text == "Đã xác nhận")
        await app.updater.stop()
        await app.stop()
    assert telegram.violations == []
    assert {"getMe", "deleteWebhook", "getUpdates", "sendMessage", "answerCallbackQuery"} <= set(
        telegram.calls
    )


async def test_telegram_webhook_delivery_with_secret(
    telegram: FakeTelegram, bot: Bot, receiver: WebhookReceiver
) -> None:
    receiver.statuses = [500]  # the first attempt fails and is retried
    await bot.set_webhook(receiver.url, secret_token="s3cret_Token-1", allowed_updates=["message"])
    update = telegram.user_text(CHAT, "qua webhook")
    failed, delivered = await receiver.wait_for(2)
    assert delivered[0]["X-Telegram-Bot-Api-Secret-Token"] == "s3cret_Token-1"
    assert delivered[0]["Content-Type"] == "application/json"
    assert json.loads(delivered[1]) == update == json.loads(failed[1])
    info = await bot.get_webhook_info()
    assert info.url == receiver.url and info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    with pytest.raises(Conflict, match="(?i)webhook is active"):
        await bot.get_updates()
    assert telegram.violations == []


async def test_telegram_webhook_duplicates_and_rules(
    telegram: FakeTelegram, bot: Bot, receiver: WebhookReceiver
) -> None:
    with pytest.raises(BadRequest, match="(?i)HTTPS URL must be provided"):
        await bot.set_webhook("http://example.org/hook")
    with pytest.raises(BadRequest, match="(?i)breaks the rule"):
        await bot.set_webhook(receiver.url, secret_token="has space")
    telegram.duplicate_deliveries = True
    await bot.set_webhook(receiver.url)
    telegram.user_text(CHAT, "hai lần")
    first, second = await receiver.wait_for(2)
    assert first[1] == second[1] and "X-Telegram-Bot-Api-Secret-Token" not in first[0]
    assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""


# ============================================================================ Zalo


async def zalo_call(
    http: aiohttp.ClientSession, zalo: FakeZalo, method: str, **params: Any
) -> dict[str, Any]:
    """POST JSON the way our adapter will, and return the envelope (HTTP must be 200)."""
    async with http.post(f"{zalo.url}/bot{zalo.token}/{method}", json=params) as response:
        assert response.status == 200
        return await response.json()


async def test_zalo_get_me(zalo: FakeZalo, http: aiohttp.ClientSession) -> None:
    me = await zalo_call(http, zalo, "getMe")
    assert me["ok"] and me["result"]["account_type"] == "BASIC"


async def test_zalo_wrong_token_is_401_in_the_envelope(zalo: FakeZalo, http: aiohttp.ClientSession) -> None:
    async with http.post(f"{zalo.url}/bot1:wrong/getMe", json={}) as response:
        assert response.status == 200
        assert (await response.json())["error_code"] == 401
    zalo.mirror_http_status = True
    async with http.post(f"{zalo.url}/bot1:wrong/getMe", json={}) as response:
        assert response.status == 401


async def test_zalo_method_names_are_case_sensitive(zalo: FakeZalo, http: aiohttp.ClientSession) -> None:
    reply = await zalo_call(http, zalo, "sendmessage", chat_id=ZALO_CHAT, text="hi")
    assert (reply["ok"], reply["error_code"]) == (False, 404)
    assert zalo.violations == ["unknown method 'sendmessage' (names are case-sensitive)"]


async def test_zalo_get_updates_times_out_with_408(zalo: FakeZalo, http: aiohttp.ClientSession) -> None:
    started = time.monotonic()
    reply = await zalo_call(http, zalo, "getUpdates", timeout="1")
    assert reply == {"ok": False, "error_code": 408, "description": "Request timeout"}
    assert time.monotonic() - started >= 0.9


async def test_zalo_event_flow_one_event_per_call(zalo: FakeZalo, http: aiohttp.ClientSession) -> None:
    zalo.user_text(ZALO_CHAT, "Xin chào")
    zalo.user_unsupported(ZALO_CHAT)
    first = (await zalo_call(http, zalo, "getUpdates", timeout=1))["result"]
    second = (await zalo_call(http, zalo, "getUpdates", timeout=1))["result"]
    assert first["event_name"] == "message.text.received" and first["message"]["text"] == "Xin chào"
    assert first["message"]["chat"] == {"id": ZALO_CHAT, "chat_type": "PRIVATE"}
    assert first["message"]["from"]["id"] == ZALO_CHAT and first["message"]["date"] > 10**12  # milliseconds
    assert second["event_name"] == "message.unsupported.received" and "text" not in second["message"]
    assert zalo.pending_events == 0
    assert (await zalo_call(http, zalo, "getUpdates", timeout=0))["error_code"] == 408


async def test_zalo_long_poll_wakes_on_an_event(zalo: FakeZalo, http: aiohttp.ClientSession) -> None:
    asyncio.get_running_loop().call_later(0.2, zalo.user_sticker, ZALO_CHAT)
    reply = await zalo_call(http, zalo, "getUpdates", timeout=5)
    assert reply["result"]["event_name"] == "message.sticker.received"


@pytest.mark.parametrize("field", ["photo_url", "photo", "url"])
async def test_zalo_image_url_is_served_by_the_fake(
    zalo: FakeZalo, http: aiohttp.ClientSession, field: str
) -> None:
    zalo.user_image(ZALO_CHAT, b"\xff\xd8jpeg-bytes", caption="Cột đo", field=field)  # type: ignore[arg-type]
    message = (await zalo_call(http, zalo, "getUpdates", timeout=1))["result"]["message"]
    assert message["message_type"] == "CHAT_PHOTO" and message["caption"] == "Cột đo"
    async with http.get(message[field]) as response:
        assert await response.read() == b"\xff\xd8jpeg-bytes"


async def test_zalo_text_limit_is_2000(zalo: FakeZalo, http: aiohttp.ClientSession) -> None:
    ok = await zalo_call(http, zalo, "sendMessage", chat_id=ZALO_CHAT, text="ữ" * 2000)
    assert ok["ok"] and len(ok["result"]["message_id"]) == 20
    too_long = await zalo_call(http, zalo, "sendMessage", chat_id=ZALO_CHAT, text="x" * 2001)
    assert (too_long["ok"], too_long["error_code"]) == (False, 400)
    empty = await zalo_call(http, zalo, "sendMessage", chat_id=ZALO_CHAT, text="")
    assert empty["error_code"] == 400
    assert zalo.violations == [
        "sendMessage.text: must be 1-2000 characters, got 2001",
        "sendMessage.text: must be 1-2000 characters, got 0",
    ]
    assert [s.text for s in zalo.sent(ZALO_CHAT)] == ["ữ" * 2000]


@pytest.mark.parametrize(
    ("method", "params", "problem"),
    [
        ("sendMessage", {"text": "hi"}, "sendMessage.chat_id: required parameter is missing"),
        (
            "sendMessage",
            {"chat_id": 123, "text": "hi"},
            "sendMessage.chat_id: expected a string, got int 123",
        ),
        (
            "sendMessage",
            {"chat_id": "c", "text": "a", "parse_mode": "MarkdownV2"},
            "sendMessage.parse_mode: must be one of",
        ),
        (
            "sendPhoto",
            {"chat_id": "c", "photo": "/tmp/a.jpg"},
            "sendPhoto.photo: must be an absolute http(s) URL",
        ),
        (
            "sendPhoto",
            {"chat_id": "c", "photo": "https://x/a.jpg", "caption": "c" * 2001},
            "sendPhoto.caption: must be 1-2000",
        ),
        ("sendSticker", {"chat_id": "c", "sticker_id": "abc"}, "sendSticker: unknown parameter 'sticker_id'"),
        (
            "sendChatAction",
            {"chat_id": "c", "action": "upload_photo"},
            "sendChatAction.action: must be one of ['typing']",
        ),
        (
            "sendVoice",
            {"chat_id": "c", "voice_url": "https://x/a.mp3"},
            "sendVoice.voice_url: must be an http(s) URL ending in .aac",
        ),
        (
            "setWebhook",
            {"url": "http://example.org/h", "secret_token": "12345678"},
            "setWebhook.url: must be an https:// URL",
        ),
        (
            "setWebhook",
            {"url": "https://example.org/h", "secret_token": "short"},
            "setWebhook.secret_token: must be 8-256",
        ),
    ],
)
async def test_zalo_rejects_documented_violations(
    zalo: FakeZalo, http: aiohttp.ClientSession, method: str, params: dict[str, Any], problem: str
) -> None:
    reply = await zalo_call(http, zalo, method, **params)
    assert (reply["ok"], reply["error_code"]) == (False, 400)
    assert any(v.startswith(problem) for v in zalo.violations), zalo.violations
    assert zalo.outbox == []


async def test_zalo_sends_are_recorded(zalo: FakeZalo, http: aiohttp.ClientSession) -> None:
    assert await zalo_call(http, zalo, "sendChatAction", chat_id=ZALO_CHAT, action="typing") == {"ok": True}
    await zalo_call(
        http, zalo, "sendPhoto", chat_id=ZALO_CHAT, photo="https://cdn.example/p1.png", caption="Trang 1"
    )
    await zalo_call(http, zalo, "sendSticker", chat_id=ZALO_CHAT, sticker="bfe1a6c0")
    async with http.post(
        f"{zalo.url}/bot{zalo.token}/sendMessage", data={"chat_id": ZALO_CHAT, "text": "form"}
    ) as r:
        assert (await r.json())["ok"]  # python-zalo-bot posts form bodies; Zalo accepts them (§1.2)
    sent = await zalo.wait_for_messages(ZALO_CHAT, 3)
    assert [s.method for s in sent] == ["sendPhoto", "sendSticker", "sendMessage"]
    assert (sent[0].caption, sent[1].sticker, sent[2].text) == ("Trang 1", "bfe1a6c0", "form")
    assert zalo.chat_actions[ZALO_CHAT] == ["typing"] and zalo.violations == []


async def test_zalo_voice_only_in_private_chats(zalo: FakeZalo, http: aiohttp.ClientSession) -> None:
    zalo.user_text("group-1", "@bot chào", chat_type="GROUP", user_id="u-7")
    reply = await zalo_call(http, zalo, "sendVoice", chat_id="group-1", voice_url="https://cdn.example/v.aac")
    assert reply["error_code"] == 400


async def test_zalo_faults(zalo: FakeZalo, http: aiohttp.ClientSession) -> None:
    zalo.fail_next("sendMessage", 429)
    assert (await zalo_call(http, zalo, "sendMessage", chat_id=ZALO_CHAT, text="a"))["error_code"] == 429
    zalo.fail_next("getUpdates", 502, count=2)
    for _ in range(2):
        async with http.post(f"{zalo.url}/bot{zalo.token}/getUpdates", json={"timeout": 0}) as response:
            assert response.status == 502 and response.content_type == "text/html"
    zalo.slow("getMe", 0.3, count=1)
    started = time.monotonic()
    await zalo_call(http, zalo, "getMe")
    assert time.monotonic() - started >= 0.3
    assert zalo.calls["getUpdates"] == 2 and zalo.outbox == []


async def test_zalo_duplicate_server_header_reaches_the_client(
    zalo: FakeZalo, http: aiohttp.ClientSession
) -> None:
    """§1.10: aiohttp 3.13.4 rejected this; the client in use must cope."""
    zalo.duplicate_server_header = True
    async with http.post(f"{zalo.url}/bot{zalo.token}/getMe", json={}) as response:
        assert response.headers.getall("Server") == ["nginx", "ZaloEdge"]
        assert (await response.json())["ok"]


@pytest.mark.parametrize("shape", ["wrapped", "unwrapped"])
async def test_zalo_webhook_delivery_with_secret(
    zalo: FakeZalo, http: aiohttp.ClientSession, receiver: WebhookReceiver, shape: str
) -> None:
    zalo.webhook_body = shape  # type: ignore[assignment]
    reply = await zalo_call(http, zalo, "setWebhook", url=receiver.url, secret_token="bi-mat-123")
    assert reply["result"]["url"] == receiver.url and reply["result"]["updated_at"] > 10**12
    event = zalo.user_text(ZALO_CHAT, "qua webhook")
    [(headers, body)] = await receiver.wait_for(1)
    assert headers["X-Bot-Api-Secret-Token"] == "bi-mat-123" and headers["Content-Type"] == "application/json"
    expected = {"ok": True, "result": event} if shape == "wrapped" else event
    assert json.loads(body) == expected
    assert (await zalo_call(http, zalo, "getUpdates", timeout=0))["ok"] is False
    assert (await zalo_call(http, zalo, "getWebhookInfo"))["result"]["url"] == receiver.url


async def test_zalo_webhook_switches(
    zalo: FakeZalo, http: aiohttp.ClientSession, receiver: WebhookReceiver
) -> None:
    zalo.duplicate_deliveries = True
    zalo.webhook_secret_override = "wrong-secret"
    await zalo_call(http, zalo, "setWebhook", url=receiver.url, secret_token="bi-mat-123")
    zalo.user_text(ZALO_CHAT, "hai lần")
    first, second = await receiver.wait_for(2)
    assert first[1] == second[1] and first[0]["X-Bot-Api-Secret-Token"] == "wrong-secret"
    probe = await zalo.send_empty_webhook_probe()
    assert probe.ok and receiver.received[-1][1] == b""
    deleted = await zalo_call(http, zalo, "deleteWebhook")
    assert deleted["result"]["url"] == ""
    zalo.webhook_info_404_when_unset = True
    assert (await zalo_call(http, zalo, "getWebhookInfo"))["error_code"] == 404
