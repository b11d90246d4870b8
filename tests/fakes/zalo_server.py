"""FakeZalo: a local Zalo Bot Platform server per docs/zalo-bot-api.md §1 and §5.

Shape of the real API (§1.2, §1.3): ``{base}/bot{TOKEN}/{method}``, GET or POST, parameters as
query, JSON, form or multipart; every answer is the envelope ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code": n, "description": ...}`` with HTTP 200 (``mirror_http_status``
switches to using the error code as HTTP status as well). Codes: 400 bad request, 401 bad token,
404 unknown method (``unknown_method_code``), 408 nothing arrived during a getUpdates long
poll, 429 quota exceeded.

Events reach the bot either by getUpdates (one event per call, no offset: returning an event
removes it, §1.7) or, after setWebhook, as POSTs with ``X-Bot-Api-Secret-Token`` whose body is
wrapped ``{"ok": true, "result": event}`` or unwrapped (``webhook_body``; the doc says both are seen).

Media the played users send (photos, voice) are served by the fake itself under ``/media/``,
without a token, like Zalo's CDN, so the bot can download them.

Documented deviation: webhooks may use ``http://`` on 127.0.0.1/localhost (tests have no TLS).
"""

# The wait_for* helpers take `timeout` on purpose: it is a test deadline that fails with a message
# naming what never happened (see FakeServer.wait_until), not a cancel scope.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import collections
import functools
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Literal

import aiohttp
from aiohttp import web

from .base import FakeServer, Signal
from .webhook import DeliveryResult, post_update
from .wire import BodyError, read_params
from .zalo_rules import METHODS, check_zalo_request

Params = dict[str, Any]
DESCRIPTIONS = {  # meanings from the documented error-code table (§1.3)
    400: "Bad Request",
    401: "Unauthorized: token expired or invalid",
    403: "Internal server error",
    404: "Not Found",
    408: "Request timeout",
    429: "Quota exceeded",
}


class ZaloError(Exception):
    def __init__(self, code: int, detail: str = "") -> None:
        super().__init__(detail)
        self.code = code
        self.description = (
            f"{DESCRIPTIONS.get(code, 'Error')}: {detail}" if detail else DESCRIPTIONS.get(code, "Error")
        )


@dataclass
class ZaloSent:
    """One thing the bot sent (sendMessage, sendPhoto, sendSticker or sendVoice)."""

    method: str
    chat_id: str
    message_id: str
    date: int
    params: Params

    @property
    def text(self) -> str | None:
        return self.params.get("text")

    @property
    def photo(self) -> str | None:
        return self.params.get("photo")

    @property
    def caption(self) -> str | None:
        return self.params.get("caption")

    @property
    def sticker(self) -> str | None:
        return self.params.get("sticker")


@dataclass
class Media:
    """A file the fake CDN serves: sent in ``chunk``-byte pieces ``chunk_delay`` seconds apart;
    ``status`` other than 200 answers a JSON error body; ``truncate_at`` closes the connection after
    that many bytes although Content-Length announced them all; ``announce_length=False`` sends no
Content-Length (chunked transfer encoding)."""

    content: bytes
    content_type: str
    status: int = 200
    truncate_at: int | None = None
    chunk: int = 64 * 1024
    chunk_delay: float = 0.0
    announce_length: bool = True  # False: chunked transfer encoding, no Content-Length


@dataclass
class ZaloWebhook:
    url: str = ""
    secret_token: str = ""
    updated_at: int = 0
    deliveries: list[DeliveryResult] = field(default_factory=list)


def now_ms() -> int:
    """Zalo dates are epoch milliseconds."""
    return int(time.time() * 1000)


def opaque_id() -> str:
    """Zalo message ids: 20-hex-like opaque strings (§1.5)."""
    return secrets.token_hex(10)


class FakeZalo(FakeServer):
    """Fake Zalo Bot Platform. Switches are plain attributes, set them before or during a test."""

    def __init__(
        self, token: str = "1234567890123456789:FakeZaloSecretForTests", *, webhook_attempts: int = 1,
        webhook_max_delay: float | None = None,
    ) -> None:
        super().__init__()
        self.token = token
        self.mirror_http_status = False
        self.unknown_method_code = 404
        self.webhook_conflict_code = 400  # getUpdates while a webhook is set: undocumented code
        self.webhook_info_404_when_unset = False  # HZ saw 404; the docs show url ""
        self.webhook_body: Literal["wrapped", "unwrapped"] = "unwrapped"
        self.webhook_secret_override: str | None = None  # send a wrong secret on purpose
        self.webhook_attempts = webhook_attempts  # Zalo's retry policy is undocumented
        self.webhook_max_delay = webhook_max_delay  # cap on the doubling pause between push attempts
        self._pushing = False
        self.duplicate_deliveries = False
        self.duplicate_server_header = False  # §1.10: Zalo's edge sends two Server headers
        # Like a plain HTTP server, go on waiting in a getUpdates whose connection the bot closed, and hand
        # the next event to it (then it is gone, §1.7): what Zalo may do; undocumented (issue 20).
        self.blind_to_closed_connections = False
        self.webhook = ZaloWebhook()
        self.outbox: list[ZaloSent] = []
        self.chat_actions: dict[str, list[str]] = collections.defaultdict(list)
        self.chat_types: dict[str, str] = {}
        self.media: dict[str, Media] = {}
        self._events: collections.deque[Params] = collections.deque()
        self._events_changed = Signal()
        self._pusher: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._handlers = self._method_table()

    # ------------------------------------------------------------------ switches

    def fail_next(self, method: str, status: int = 429, *, count: int = 1) -> None:
        """Answer the next ``count`` calls of ``method`` (or ``"*"``) with ``status``.

        4xx codes come as the JSON envelope (HTTP 200 unless ``mirror_http_status``); 5xx come as
        an HTML page from the edge proxy with that HTTP status, as seen in the 502/504 outage (§1.3).
        """
        self.faults.fail_next(method, status, retry_after=None, count=count)

    def slow(self, method: str, seconds: float, *, count: int | None = None) -> None:
        """Delay answers to ``method`` by ``seconds``."""
        self.faults.slow(method, seconds, count=count)

    def set_foreign_webhook(self, url: str = "https://bot.skhcn.example.gov.vn/zalo/webhook") -> None:
        """A webhook someone else set (the production bot): getWebhookInfo shows it, getUpdates is
        refused; nothing is pushed to it in the test."""
        self.webhook = ZaloWebhook(url, "production-secret", now_ms())

    # ------------------------------------------------------------------ HTTP plumbing

    def _setup_routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/media/{name}", self._serve_media)

    def _middlewares(self) -> list[Any]:
        @web.middleware
        async def server_header(request: web.Request, handler: Any) -> web.StreamResponse:
            response = await handler(request)
            if self.duplicate_server_header:
                response.headers.popall("Server", None)
                response.headers.add("Server", "nginx")
                response.headers.add("Server", "ZaloEdge")
            return response

        return [server_header]

    async def close(self) -> None:
        if self._pusher is not None:
            self._pusher.cancel()
            await asyncio.gather(self._pusher, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        await super().close()

    def _envelope(self, code: int, description: str) -> web.Response:
        body = {"ok": False, "error_code": code, "description": description}
        return web.json_response(body, status=code if self.mirror_http_status else 200)

    async def _api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            self._bad_token()
            return self._envelope(401, DESCRIPTIONS[401])
        method = request.match_info["method"]
        try:
            params = _decode_json_fields(await read_params(request))
        except BodyError as exc:
            self._violation([f"{method}: {exc}"])
            return self._envelope(400, f"Bad Request: {exc}")
        self._record(method, params)
        if method not in METHODS:
            self._violation([f"unknown method {method!r} (names are case-sensitive)"])
            return self._envelope(
                self.unknown_method_code, DESCRIPTIONS.get(self.unknown_method_code, "Error")
            )
        return await self._answer(method, params)

    async def _answer(self, method: str, params: Params) -> web.StreamResponse:
        problems = check_zalo_request(method, params)
        if problems:
            self._violation(problems)
            return self._envelope(400, "Bad Request: " + "; ".join(problems))
        delay = self.faults.take_delay(method)
        if delay:
            await asyncio.sleep(delay)
        failure = self.faults.take_failure(method)
        if failure is not None:
            return self._failure(failure.status)
        try:
            result = await self._handlers[method](params)
        except ZaloError as exc:
            return self._envelope(exc.code, exc.description)
        self._changed.notify()
        body = {"ok": True} if result is None else {"ok": True, "result": result}
        return web.json_response(body)

    def _failure(self, status: int) -> web.Response:
        if status >= 500:
            phrase = HTTPStatus(status).phrase
            page = f"<html><head><title>{status} {phrase}</title></head><body><center>nginx</center></body></html>"
            return web.Response(status=status, text=page, content_type="text/html")
        return self._envelope(status, DESCRIPTIONS.get(status, "Error"))

    async def _serve_media(self, request: web.Request) -> web.StreamResponse:
        """Like a CDN: Content-Length first, then the body in chunks (so a reader sees it arrive in
        pieces); faults: an error status, a body cut short (the connection closes early)."""
        item = self.media.get(request.match_info["name"])
        if item is None:
            return web.Response(status=404, text="not found")
        if item.status != 200:
            return web.json_response({"error": item.status, "message": "expired"}, status=item.status)
        response = web.StreamResponse(headers={"Content-Type": item.content_type})
        if item.announce_length:
            response.content_length = len(item.content)
        await response.prepare(request)
        body = item.content if item.truncate_at is None else item.content[: item.truncate_at]
        for start in range(0, len(body), item.chunk):
            await response.write(body[start : start + item.chunk])
            await asyncio.sleep(item.chunk_delay)
        if item.truncate_at is not None:
            assert request.transport is not None
            request.transport.close()  # the body ends before Content-Length says
            return response
        await response.write_eof()
        return response

    # ------------------------------------------------------------------ method handlers

    def _method_table(self) -> dict[str, Callable[[Params], Awaitable[Any]]]:
        return {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": functools.partial(self._send, "sendMessage"),
            "sendPhoto": functools.partial(self._send, "sendPhoto"),
            "sendSticker": functools.partial(self._send, "sendSticker"),
            "sendVoice": self._send_voice,
            "sendChatAction": self._send_chat_action,
        }

    async def _get_me(self, params: Params) -> Params:
        return {
            "id": self.token.split(":")[0],
            "account_name": "bot.dost.field",
            "account_type": "BASIC",
            "can_join_groups": False,
        }

    async def _get_updates(self, params: Params) -> Params:
        """One event per call; 408 when none arrives within ``timeout`` seconds (default 30)."""
        if self.webhook.url:
            raise ZaloError(self.webhook_conflict_code, "getUpdates is not available while a webhook is set")
        if self.blind_to_closed_connections:  # the wait outlives a cancelled handler
            return await asyncio.shield(asyncio.ensure_future(self._next_event(params)))
        return await self._next_event(params)

    async def _next_event(self, params: Params) -> Params:
        deadline = time.monotonic() + int(params.get("timeout", 30))
        while not self._events:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ZaloError(408)
            await self._events_changed.wait(remaining)
        return self._events.popleft()

    async def _set_webhook(self, params: Params) -> Params:
        self.webhook = ZaloWebhook(params["url"], params["secret_token"], now_ms())
        if self._pusher is None or self._pusher.done():
            self._pusher = asyncio.get_running_loop().create_task(self._push_events())
        self._events_changed.notify()
        return {"url": self.webhook.url, "updated_at": self.webhook.updated_at}

    async def _delete_webhook(self, params: Params) -> Params:
        self.webhook = ZaloWebhook(updated_at=now_ms())
        return {"url": "", "updated_at": self.webhook.updated_at}

    async def _get_webhook_info(self, params: Params) -> Params:
        if not self.webhook.url and self.webhook_info_404_when_unset:
            raise ZaloError(404, "webhook is not set")
        return {"url": self.webhook.url, "updated_at": self.webhook.updated_at}

    async def _send(self, method: str, params: Params) -> Params:
        sent = ZaloSent(method, params["chat_id"], opaque_id(), now_ms(), params)
        self.outbox.append(sent)
        return {"message_id": sent.message_id, "date": sent.date}

    async def _send_voice(self, params: Params) -> Params:
        if self.chat_types.get(params["chat_id"]) == "GROUP":
            raise ZaloError(400, "sendVoice works in 1:1 chats only")
        return await self._send("sendVoice", params)

    async def _send_chat_action(self, params: Params) -> None:
        self.chat_actions[params["chat_id"]].append(params["action"])
        return None

    # ------------------------------------------------------------------ webhook pushing

    async def _push_events(self) -> None:
        """Deliver queued events to the webhook one by one, in order, while one is set."""
        self._session = self._session or aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        while self.webhook.url:
            if not self._events:
                await self._events_changed.wait(1.0)
                continue
            event = self._events.popleft()
            self._pushing = True
            try:
                for _ in range(2 if self.duplicate_deliveries else 1):
                    await self._post(
                        json.dumps(self._webhook_payload(event)), {"Content-Type": "application/json"}
                    )
            finally:
                self._pushing = False

    def _webhook_payload(self, event: Params) -> Params:
        return {"ok": True, "result": event} if self.webhook_body == "wrapped" else event

    async def _post(self, body: str, headers: dict[str, str]) -> DeliveryResult:
        secret = (
            self.webhook_secret_override
            if self.webhook_secret_override is not None
            else self.webhook.secret_token
        )
        assert self._session is not None
        attempts = await post_update(
            self._session,
            self.webhook.url,
            body,
            {**headers, "X-Bot-Api-Secret-Token": secret},
            attempts=self.webhook_attempts,
            retry_delay=0.05,
            max_delay=self.webhook_max_delay,
        )
        self.webhook.deliveries.extend(attempts)
        self._changed.notify()
        return attempts[-1]

    async def send_empty_webhook_probe(self) -> DeliveryResult:
        """POST an empty body without Content-Type, as seen in real traffic (§1.6); the bot should answer 200."""
        self._session = self._session or aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        return await self._post("", {})

    # ------------------------------------------------------------------ playing a user

    def user_event(
        self,
        event_name: str,
        chat_id: str,
        *,
        user_id: str | None = None,
        display_name: str = "Nguyễn Văn An",
        chat_type: str = "PRIVATE",
        **content: Any,
    ) -> Params:
        """Queue any event (also unknown names, which the bot must not crash on); returns it."""
        self.chat_types[chat_id] = chat_type
        sender = {"id": user_id or chat_id, "display_name": display_name, "is_bot": False}
        message = {
            "message_id": opaque_id(),
            "date": now_ms(),
            "chat": {"id": chat_id, "chat_type": chat_type},
            "from": sender,
            **content,
        }
        event = {"event_name": event_name, "message": message}
        self._events.append(event)
        self._events_changed.notify()
        return event

    def user_text(self, chat_id: str, text: str, **who: Any) -> Params:
        """The user types ``text``."""
        return self.user_event("message.text.received", chat_id, text=text, **who)

    def user_image(
        self,
        chat_id: str,
        content: bytes | None = None,
        *,
        caption: str | None = None,
        field: Literal["photo_url", "photo", "url"] = "photo_url",
        content_type: str = "image/jpeg",
        media_faults: dict[str, Any] | None = None,
        **who: Any,
    ) -> Params:
        """The user sends a photo; its URL (under ``field``, see §1.5's conflict) points at the fake.
        ``media_faults`` (see `Media`) make the download misbehave."""
        url = self.add_media(
            content or b"\xff\xd8\xff\xe0fake-jpeg" + b"\0" * 2048 + b"\xff\xd9", ".jpg", content_type,
            **(media_faults or {}),
        )
        extra = {"caption": caption} if caption else {}
        return self.user_event(
            "message.image.received", chat_id, message_type="CHAT_PHOTO", **{field: url}, **extra, **who
        )

    def user_sticker(self, chat_id: str, sticker: str = "bfe1a6c0a09f4ac1", **who: Any) -> Params:
        """The user sends a sticker (id plus the sticker image ``url``, §1.5)."""
        url = self.add_media(b"RIFF\0\0\0\0WEBPfake", ".webp", "image/webp")
        return self.user_event("message.sticker.received", chat_id, sticker=sticker, url=url, **who)

    def user_voice(self, chat_id: str, content: bytes | None = None, **who: Any) -> Params:
        """The user sends a voice note: an .aac URL served by the fake (§1.5)."""
        url = self.add_media(content or b"\xff\xf1fake-aac" + b"\0" * 512, ".aac", "audio/aac")
        return self.user_event(
            "message.voice.received", chat_id, voice_url=url, message_type="CHAT_VOICE", **who
        )

    def user_unsupported(self, chat_id: str, **who: Any) -> Params:
        """A protected user, location, file or contact card: the event carries no content (§1.5, §1.9)."""
        return self.user_event("message.unsupported.received", chat_id, **who)

    def add_media(self, content: bytes, suffix: str, content_type: str, **faults: Any) -> str:
        """Serve ``content`` under ``/media/`` and return its absolute URL. ``faults``: see `Media`."""
        name = secrets.token_hex(8) + suffix
        self.media[name] = Media(content, content_type, **faults)
        return f"{self.url}/media/{name}"

    # ------------------------------------------------------------------ reading what the bot did

    def sent(self, chat_id: str | None = None) -> list[ZaloSent]:
        """What the bot sent, oldest first, to one chat or to all."""
        return [s for s in self.outbox if chat_id is None or s.chat_id == chat_id]

    @property
    def pending_events(self) -> int:
        return len(self._events)

    @property
    def drained(self) -> bool:
        """Every queued event handed over: by getUpdates, or pushed (a push still retrying counts as not)."""
        return not self._events and not self._pushing

    async def wait_for_messages(self, chat_id: str, n: int = 1, timeout: float = 5.0) -> list[ZaloSent]:
        """Wait until the bot has sent at least ``n`` things to the chat; returns all of them."""
        return await self.wait_until(
            lambda: self.sent(chat_id) if len(self.sent(chat_id)) >= n else None,
            timeout,
            f"{n} bot message(s) in Zalo chat {chat_id}",
        )

    async def wait_for(self, predicate: Callable[[ZaloSent], bool], timeout: float = 5.0) -> ZaloSent:
        """Wait for the first sent item that satisfies ``predicate``."""
        return await self.wait_until(
            lambda: next((s for s in self.outbox if predicate(s)), None),
            timeout,
            "a Zalo message matching the predicate",
        )


def _decode_json_fields(params: Params) -> Params:
    """A form-encoded ``text_styles`` arrives as JSON text; turn it back into a list for the checker."""
    value = params.get("text_styles")
    if isinstance(value, str):
        try:
            params["text_styles"] = json.loads(value)
        except ValueError:
            pass
    return params
