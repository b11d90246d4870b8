"""FakeTelegram: a local Bot API server that checks every request and plays the users.

Point the real bot at it::

    async with FakeTelegram() as fake:
        bot = Bot(fake.token, base_url=f"{fake.url}/bot", base_file_url=f"{fake.url}/file/bot")

Every request is decoded (:func:`decode_request`) and checked (:func:`check_request`); a
violation is appended to ``fake.violations`` and answered ``400 Bad Request: ...`` so the bot
sees the error the real server would give. Unknown methods get Telegram's ``404 Not Found``,
a malformed token ``404``, a wrong token ``401 Unauthorized``. Every result the fake returns is
itself checked against the method's declared return type, so PTB parses realistic objects.

Documented deviation: webhooks may use ``http://`` on 127.0.0.1/localhost (tests have no TLS).
"""

# The wait_for* helpers take `timeout` on purpose: it is a test deadline that fails with a message
# naming what never happened (see FakeServer.wait_until), not a cancel scope.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from . import telegram_models as tm
from .base import Failure, FakeServer
from .telegram_spec import canonical_method, check_object, check_request, decode_request, load_spec
from .telegram_updates import PollConflict, UpdateQueue, WebhookPusher, WebhookState
from .wire import BodyError, UploadedFile

Params = dict[str, Any]
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_DOCUMENT_LIMIT = 50 * 1024 * 1024
_DOWNLOAD_LIMIT = 20 * 1024 * 1024


class ApiError(Exception):
    """An error answer the real server would give for a valid-looking request."""

    def __init__(self, status: int, description: str, parameters: Params | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters


@dataclass
class CallbackQuery:
    """A tap the fake sent to the bot; ``answer`` holds the bot's answerCallbackQuery params."""

    id: str
    chat_id: int
    message_id: int
    data: str
    created: float
    answer: Params | None = None


def error_response(status: int, description: str, parameters: Params | None = None) -> web.Response:
    body: Params = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


def failure_response(failure: Failure) -> web.Response:
    """Planned faults: Telegram's 429 body, a JSON 500, or a proxy's HTML page for 502-504."""
    phrase = HTTPStatus(failure.status).phrase
    if failure.status == 429:
        retry = failure.retry_after or 1
        text = failure.description or f"Too Many Requests: retry after {retry}"
        return error_response(429, text, {"retry_after": retry})
    if failure.status in (502, 503, 504):
        page = f"<html><head><title>{failure.status} {phrase}</title></head><body>nginx</body></html>"
        return web.Response(status=failure.status, text=page, content_type="text/html")
    return error_response(failure.status, failure.description or phrase)


class FakeTelegram(FakeServer):
    """Fake Bot API server. See the module docstring; public attributes are listed in __init__."""

    def __init__(
        self,
        token: str = "123456789:AAFakeTokenForTests_0123456789abcdef",
        *,
        username: str = "dost_field_bot",
        callback_query_max_age: float = 15.0,
        require_known_chat: bool = True,
        webhook_attempts: int = 5,
        webhook_retry_delay: float = 0.05,
        webhook_max_delay: float | None = None,
    ) -> None:
        super().__init__()
        self.token = token
        self.bot = tm.bot_user_json(int(token.split(":")[0]), username)
        self.callback_query_max_age = callback_query_max_age
        self.require_known_chat = require_known_chat
        self.chats: dict[int, tm.Chat] = {}
        self.files: dict[str, tm.StoredFile] = {}
        self.commands: dict[tuple[str, str], list[Params]] = {}
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.errors: list[tuple[str, int, str]] = []  # (method, status, description) of error answers
        self.updates = UpdateQueue(self._changed)
        self.webhook = WebhookPusher(self.updates, attempts=webhook_attempts, retry_delay=webhook_retry_delay,
                                     max_delay=webhook_max_delay)
        self._handlers = self._method_table()

    # ------------------------------------------------------------------ switches

    def set_foreign_webhook(self, url: str = "https://bot.skhcn.example.gov.vn/telegram/webhook") -> None:
        """A webhook someone else set (the production bot): getWebhookInfo shows it, getUpdates answers
        409; nothing is pushed to it in the test."""
        self.webhook.state = WebhookState(url, "production-secret")

    @property
    def duplicate_deliveries(self) -> bool:
        """When True every update reaches the bot twice (polling and webhook); the bot must dedupe."""
        return self.updates.duplicate_deliveries

    @duplicate_deliveries.setter
    def duplicate_deliveries(self, value: bool) -> None:
        self.updates.duplicate_deliveries = value

    def fail_next(
        self, method: str, status: int = 429, *, retry_after: int | None = 1, count: int = 1
    ) -> None:
        """Answer the next ``count`` calls of ``method`` (or ``"*"``) with ``status`` (429, 500, 502...)."""
        self.faults.fail_next(method, status, retry_after=retry_after, count=count)

    def slow(self, method: str, seconds: float, *, count: int | None = None) -> None:
        """Delay answers to ``method`` by ``seconds``."""
        self.faults.slow(method, seconds, count=count)

    # ------------------------------------------------------------------ HTTP plumbing

    def _setup_routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)

    async def close(self) -> None:
        await self.webhook.close()
        await super().close()

    async def _api(self, request: web.Request) -> web.Response:
        token_error = self._token_error(request.match_info["token"])
        if token_error is not None:
            return token_error
        name = request.match_info["method"]
        method = canonical_method(name)
        try:
            params = await decode_request(request)
        except BodyError as exc:
            self._violation([f"{name}: {exc}"])
            return error_response(400, f"Bad Request: {exc}")
        self._record(method or name, params)
        if method is None:
            self._violation([f"unknown method {name!r}"])
            return error_response(404, "Not Found")
        return await self._answer(method, params)

    def _token_error(self, token: str) -> web.Response | None:
        if token == self.token:
            return None
        self._bad_token()
        if not re.fullmatch(r"\d+:[\w-]+", token):
            return error_response(404, "Not Found")
        return error_response(401, "Unauthorized")

    async def _answer(self, method: str, params: Params) -> web.Response:
        """Check, apply faults, run the handler; every error answer is remembered in ``errors``."""
        problems = check_request(method, params)
        if problems:
            self._violation(problems)
            return self._error(method, ApiError(400, "Bad Request: " + "; ".join(problems)))
        delay = self.faults.take_delay(method)
        if delay:
            await asyncio.sleep(delay)
        failure = self.faults.take_failure(method)
        if failure is not None:
            self.errors.append((method, failure.status, "planned fault"))
            return failure_response(failure)
        handler = self._handlers.get(method)
        if handler is None:
            self._violation([f"{method}: valid Bot API method, but FakeTelegram does not implement it"])
            return self._error(
                method, ApiError(400, f"Bad Request: {method} is not implemented by FakeTelegram")
            )
        try:
            result = await handler(params)
        except ApiError as exc:
            return self._error(method, exc)
        self._check_result(method, result)
        self._changed.notify()
        return web.json_response({"ok": True, "result": result})

    def _error(self, method: str, exc: ApiError) -> web.Response:
        self.errors.append((method, exc.status, exc.description))
        return error_response(exc.status, exc.description, exc.parameters)

    def _check_result(self, method: str, result: Any) -> None:
        """The fake's own answers must match the declared return types; a mismatch is a fake bug."""
        problems = check_object(result, load_spec()["methods"][method]["returns"], f"{method} result")
        if problems:
            self._violation([f"FAKE BUG: {p}" for p in problems])

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return error_response(401, "Unauthorized")
        path = request.match_info["path"]
        stored = next((f for f in self.files.values() if f.file_path == path), None)
        if stored is None:
            return error_response(404, "Not Found")
        return web.Response(body=stored.content, content_type=stored.mime_type or "application/octet-stream")

    # ------------------------------------------------------------------ method handlers

    def _method_table(self) -> dict[str, Callable[[Params], Awaitable[Any]]]:
        return {
            "getMe": self._get_me,
            "logOut": self._true,
            "close": self._true,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getFile": self._get_file,
        }

    async def _true(self, params: Params) -> bool:
        return True

    async def _get_me(self, params: Params) -> Params:
        return self.bot

    async def _get_updates(self, params: Params) -> list[Params]:
        """Long poll; 409 while a webhook is set or when a newer getUpdates call takes over."""
        if self.webhook.state.url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        if "allowed_updates" in params:
            self.updates.allowed_updates = list(params["allowed_updates"])
        try:
            return await self.updates.poll(
                _int(params, "offset", 0), _int(params, "limit", 100), _int(params, "timeout", 0)
            )
        except PollConflict:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            ) from None

    async def _set_webhook(self, params: Params) -> bool:
        url = params["url"]
        if not url:
            return await self._delete_webhook(params)
        parts = urlsplit(url)
        if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in _LOOPBACK):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        if _flag(params, "drop_pending_updates"):
            self.updates.drop_all()
        if "allowed_updates" in params:
            self.updates.allowed_updates = list(params["allowed_updates"])
        state = WebhookState(url, params.get("secret_token"), _int(params, "max_connections", 40))
        self.webhook.set(state)
        return True

    async def _delete_webhook(self, params: Params) -> bool:
        if _flag(params, "drop_pending_updates"):
            self.updates.drop_all()
        self.webhook.set(WebhookState())
        return True

    async def _get_webhook_info(self, params: Params) -> Params:
        state = self.webhook.state
        info: Params = {
            "url": state.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }
        if state.url:
            info["max_connections"] = state.max_connections
        if self.updates.allowed_updates:
            info["allowed_updates"] = self.updates.allowed_updates
        if state.last_error_date:
            info["last_error_date"] = state.last_error_date
            info["last_error_message"] = state.last_error_message
        return info

    async def _send_message(self, params: Params) -> Params:
        chat = self._target_chat(params["chat_id"])
        message = self._store_bot_message(chat, "text", params, text=params["text"])
        return self._message_json(chat, message)

    async def _send_document(self, params: Params) -> Params:
        chat = self._target_chat(params["chat_id"])
        stored = self._input_file(params["document"], "documents", limit=_DOCUMENT_LIMIT)
        message = self._store_bot_message(
            chat, "document", params, document=stored, caption=params.get("caption")
        )
        return self._message_json(chat, message)

    async def _send_photo(self, params: Params) -> Params:
        chat = self._target_chat(params["chat_id"])
        stored = self._input_file(params["photo"], "photos", limit=10 * 1024 * 1024)
        message = self._store_bot_message(chat, "photo", params, photo=stored, caption=params.get("caption"))
        return self._message_json(chat, message)

    async def _send_chat_action(self, params: Params) -> bool:
        self._target_chat(params["chat_id"]).actions.append(params["action"])
        return True

    async def _edit_message_text(self, params: Params) -> Params:
        chat, message = self._message_to_edit(params)
        if message.text is None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        markup = _inline_or_none(params.get("reply_markup"))
        new = (params["text"], params.get("parse_mode"), markup)
        if new == (message.text, message.parse_mode, _inline_or_none(message.reply_markup)):
            raise ApiError(400, _NOT_MODIFIED)
        self._apply_edit(
            message, text=params["text"], parse_mode=params.get("parse_mode"), reply_markup=markup
        )
        return self._message_json(chat, message)

    async def _edit_message_reply_markup(self, params: Params) -> Params:
        chat, message = self._message_to_edit(params)
        markup = _inline_or_none(params.get("reply_markup"))
        if markup == _inline_or_none(message.reply_markup):
            raise ApiError(400, _NOT_MODIFIED)
        self._apply_edit(message, reply_markup=markup)
        return self._message_json(chat, message)

    async def _answer_callback_query(self, params: Params) -> bool:
        """Each query can be answered once, within ``callback_query_max_age`` seconds."""
        query = self.callback_queries.get(params["callback_query_id"])
        if query is None or query.answer is not None:
            raise ApiError(400, _QUERY_TOO_OLD)
        if time.monotonic() - query.created > self.callback_query_max_age:
            raise ApiError(400, _QUERY_TOO_OLD)
        query.answer = params
        return True

    async def _set_my_commands(self, params: Params) -> bool:
        self.commands[_scope_key(params)] = params["commands"]
        return True

    async def _get_my_commands(self, params: Params) -> list[Params]:
        return self.commands.get(_scope_key(params), [])

    async def _delete_my_commands(self, params: Params) -> bool:
        self.commands.pop(_scope_key(params), None)
        return True

    async def _get_file(self, params: Params) -> Params:
        stored = self.files.get(params["file_id"])
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if len(stored.content) > _DOWNLOAD_LIMIT:
            raise ApiError(400, "Bad Request: file is too big")
        return stored.as_file()

    # ------------------------------------------------------------------ handler helpers

    def _target_chat(self, chat_id: Any) -> tm.Chat:
        """The chat a send goes to: Telegram refuses unknown chats and users who blocked the bot."""
        number = int(chat_id) if re.fullmatch(r"-?\d+", str(chat_id)) else None
        chat = self.chats.get(number) if number is not None else None
        if chat is None and number is not None and not self.require_known_chat:
            chat = self.add_chat(number)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _store_bot_message(self, chat: tm.Chat, kind: str, params: Params, **content: Any) -> tm.BotMessage:
        message = tm.BotMessage(
            chat.id,
            chat.take_message_id(),
            tm.now(),
            kind=kind,
            parse_mode=params.get("parse_mode"),
            reply_markup=params.get("reply_markup"),
            params=params,
            **content,
        )
        chat.messages[message.message_id] = message
        return message

    def _message_json(self, chat: tm.Chat, message: tm.BotMessage) -> Params:
        return tm.message_json(chat, message, self.bot)

    def _input_file(self, value: Any, folder: str, *, limit: int) -> tm.StoredFile:
        """An upload, a known file_id, or an http(s) URL; anything else is Telegram's 'wrong file' error."""
        if isinstance(value, UploadedFile):
            if not value.content:
                raise ApiError(400, "Bad Request: file must be non-empty")
            if len(value.content) > limit:
                raise ApiError(413, "Request Entity Too Large")
            suffix = "." + value.filename.rsplit(".", 1)[-1] if "." in value.filename else ""
            stored = tm.StoredFile.new(
                value.content, folder, suffix, file_name=value.filename, mime_type=value.content_type
            )
            self.files[stored.file_id] = stored
            return stored
        if value in self.files:
            return self.files[value]
        if re.match(r"https?://", value):
            return tm.StoredFile.new(b"", folder, "", file_name=value.rsplit("/", 1)[-1] or None)
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _message_to_edit(self, params: Params) -> tuple[tm.Chat, tm.BotMessage]:
        if "inline_message_id" in params:
            raise ApiError(400, "Bad Request: MESSAGE_ID_INVALID")  # the fake has no inline messages
        chat = self._target_chat(params["chat_id"])
        message = chat.messages.get(int(params["message_id"]))
        if message is not None:
            return chat, message
        if int(params["message_id"]) < chat.next_message_id:
            raise ApiError(400, "Bad Request: message can't be edited")  # the user's own message
        raise ApiError(400, "Bad Request: message to edit not found")

    @staticmethod
    def _apply_edit(message: tm.BotMessage, **changes: Any) -> None:
        message.edits.append(
            {"text": message.text, "parse_mode": message.parse_mode, "reply_markup": message.reply_markup}
        )
        for name, value in changes.items():
            setattr(message, name, value)
        message.edit_date = tm.now()

    # ------------------------------------------------------------------ playing a user

    def add_chat(
        self,
        chat_id: int,
        *,
        first_name: str = "Lan",
        last_name: str | None = "Nguyễn",
        username: str | None = None,
    ) -> tm.Chat:
        """Make a private chat known (as if the user had pressed Start); returns it."""
        if chat_id not in self.chats:
            self.chats[chat_id] = tm.Chat(chat_id, tm.user_json(chat_id, first_name, last_name, username))
        return self.chats[chat_id]

    def block(self, chat_id: int) -> None:
        """The user blocks the bot: sends to the chat now fail with 403 Forbidden."""
        self.add_chat(chat_id).blocked = True

    def _user_message(
        self, chat_id: int, user_id: int | None, first_name: str | None, **content: Any
    ) -> Params:
        chat = self.add_chat(chat_id, **({"first_name": first_name} if first_name else {}))
        sender = (
            chat.user if user_id in (None, chat.user["id"]) else tm.user_json(user_id, first_name or "Lan")
        )
        message = {
            "message_id": chat.take_message_id(),
            "from": sender,
            "chat": chat.as_chat(),
            "date": tm.now(),
            **content,
        }
        return self._enqueue("message", message)

    def _enqueue(self, kind: str, payload: Params) -> Params:
        update = self.updates.add(kind, payload)
        problems = check_object(update, ["Update"], "fake update")
        assert not problems, problems  # a bug in the fake's factories, not in the bot
        return update

    def user_text(
        self, chat_id: int, text: str, *, user_id: int | None = None, first_name: str | None = None
    ) -> Params:
        """The user types ``text``; returns the queued Update."""
        return self._user_message(chat_id, user_id, first_name, text=text)

    def user_command(
        self,
        chat_id: int,
        command: str,
        args: str = "",
        *,
        user_id: int | None = None,
        first_name: str | None = None,
    ) -> Params:
        """The user sends ``/command args`` with the bot_command entity Telegram adds."""
        head = "/" + command.lstrip("/")
        text = f"{head} {args}" if args else head
        entity = {"type": "bot_command", "offset": 0, "length": len(head)}
        return self._user_message(chat_id, user_id, first_name, text=text, entities=[entity])

    def user_location(
        self, chat_id: int, latitude: float, longitude: float, *, user_id: int | None = None
    ) -> Params:
        """The user shares a location (as from a request_location button)."""
        return self._user_message(
            chat_id, user_id, None, location={"latitude": latitude, "longitude": longitude}
        )

    def user_photo(
        self,
        chat_id: int,
        sizes: tuple[tuple[int, int], ...] = ((90, 68), (320, 240), (1280, 960)),
        *,
        caption: str | None = None,
        contents: list[bytes] | None = None,
        user_id: int | None = None,
    ) -> Params:
        """The user sends a photo: one PhotoSize per size, smallest first, bytes served via getFile."""
        photo = []
        for index, (width, height) in enumerate(sizes):
            content = contents[index] if contents else tm.fake_jpeg(width, height)
            stored = tm.StoredFile.new(content, "photos", ".jpg", mime_type="image/jpeg")
            self.files[stored.file_id] = stored
            photo.append(tm.photo_size_json(stored, width, height))
        extra = {"caption": caption} if caption else {}
        return self._user_message(chat_id, user_id, None, photo=photo, **extra)

    def user_document(
        self,
        chat_id: int,
        filename: str,
        content: bytes,
        mime_type: str = "application/pdf",
        *,
        user_id: int | None = None,
    ) -> Params:
        """The user sends a file; its bytes are served via getFile."""
        stored = tm.StoredFile.new(content, "documents", "", file_name=filename, mime_type=mime_type)
        self.files[stored.file_id] = stored
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": filename,
            "mime_type": mime_type,
            "file_size": len(content),
        }
        return self._user_message(chat_id, user_id, None, document=document)

    def user_sticker(self, chat_id: int, emoji: str = "👍", *, user_id: int | None = None) -> Params:
        """The user sends a sticker."""
        sticker = {
            "file_id": f"STK{secrets.token_hex(6)}",
            "file_unique_id": secrets.token_hex(4),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._user_message(chat_id, user_id, None, sticker=sticker)

    def user_unsupported(self, chat_id: int, kind: str = "voice", *, user_id: int | None = None) -> Params:
        """A message the bot has no flow for: ``kind`` is "voice", "poll" or "contact"."""
        content = {
            "voice": {
                "file_id": f"VOI{secrets.token_hex(6)}",
                "file_unique_id": secrets.token_hex(4),
                "duration": 3,
                "mime_type": "audio/ogg",
                "file_size": 4321,
            },
            "poll": {
                "id": secrets.token_hex(8),
                "question": "Họp lúc mấy giờ?",
                "total_voter_count": 0,
                "options": [
                    {"persistent_id": "1", "text": "8h", "voter_count": 0},
                    {"persistent_id": "2", "text": "14h", "voter_count": 0},
                ],
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
                "allows_revoting": False,
                "members_only": False,
            },
            "contact": {"phone_number": "+84901234567", "first_name": "Bình"},
        }[kind]
        return self._user_message(chat_id, user_id, None, **{kind: content})

    def tap(self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None) -> Params:
        """The user taps the inline button carrying ``data`` under the bot's message; returns the Update."""
        chat = self.chats[chat_id]
        message = chat.messages.get(message_id)
        if message is None or data not in message.button_data():
            shown = message.button_data() if message else "no such bot message"
            raise AssertionError(f"no button with callback_data {data!r} on message {message_id}: {shown}")
        query = CallbackQuery(str(secrets.randbits(62)), chat_id, message_id, data, time.monotonic())
        self.callback_queries[query.id] = query
        sender = chat.user if user_id in (None, chat.user["id"]) else tm.user_json(user_id, "Lan")
        payload = {
            "id": query.id,
            "from": sender,
            "message": self._message_json(chat, message),
            "chat_instance": str(chat_id * 7919),
            "data": data,
        }
        return self._enqueue("callback_query", payload)

    # ------------------------------------------------------------------ reading what the bot did

    def messages(self, chat_id: int) -> list[tm.BotMessage]:
        """The bot's messages in a chat, oldest first, in their current (edited) state."""
        chat = self.chats.get(chat_id)
        return list(chat.messages.values()) if chat else []

    async def wait_for_messages(self, chat_id: int, n: int = 1, timeout: float = 5.0) -> list[tm.BotMessage]:
        """Wait until the bot has sent at least ``n`` messages to the chat; returns all of them."""
        return await self.wait_until(
            lambda: self.messages(chat_id) if len(self.messages(chat_id)) >= n else None,
            timeout,
            f"{n} bot message(s) in chat {chat_id}",
        )

    async def wait_for(
        self, predicate: Callable[[tm.BotMessage], bool], timeout: float = 5.0
    ) -> tm.BotMessage:
        """Wait for the first bot message (in any chat, edits included) that satisfies ``predicate``."""

        def probe() -> tm.BotMessage | None:
            return next((m for c in self.chats.values() for m in c.messages.values() if predicate(m)), None)

        return await self.wait_until(probe, timeout, "a bot message matching the predicate")

    async def wait_for_answer(self, update: Params, timeout: float = 5.0) -> Params:
        """Wait until the bot answers the callback query in ``update`` (from :meth:`tap`)."""
        query = self.callback_queries[update["callback_query"]["id"]]
        return await self.wait_until(lambda: query.answer, timeout, f"answerCallbackQuery for {query.data!r}")


def _int(params: Params, key: str, default: int) -> int:
    return int(params[key]) if key in params else default


def _flag(params: Params, key: str) -> bool:
    return params.get(key) in (True, "true")


def _inline_or_none(markup: Params | None) -> Params | None:
    """Only an inline keyboard belongs to a message; an empty one is the same as none."""
    if not markup or not markup.get("inline_keyboard"):
        return None
    return {"inline_keyboard": markup["inline_keyboard"]}


def _scope_key(params: Params) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    if "chat_id" in scope:
        scope = {**scope, "chat_id": str(scope["chat_id"])}
    return json.dumps(scope, sort_keys=True), params.get("language_code", "")
