"""The Zalo channel: Zalo Bot Platform events in, numbered-text replies and document links out.

Zalo has no buttons, no files and no location (docs/zalo-bot-api.md §1.9), so choices go out as a
numbered list, a document as a signed link to the bot's own web server, and photos come in as URLs
that are downloaded at once (they expire).

Inbox first. Polling: our loop around getUpdates, which hands over one event and removes it from
Zalo's queue (§1.7); the event is committed to the inbox before the next call. Webhook: the route
checks the secret header before it reads the body, commits the event, then answers 200.

Choices made here:
- a photo is read to its end (status 200, an image, no more than `max_photo_mb`, as long as
  Content-Length said) and written through a temporary file; one that fails (after a few quick
  tries) or is too large enters the inbox as "unsupported" with the sentence the person gets
  (`problem`): a record must never carry a photo that does not exist or is cut short. A photo
  from someone who is not staff is not downloaded at all;
- voice notes and unknown event names are "unsupported" as well;
- a reply longer than one Zalo message is sent in pieces cut at line ends; if a later piece fails,
  the retry does not send the earlier pieces again (remembered in this process);
- 401 at start stops the process with a sentence naming the token problem (never the token);
  401 later stops receiving and keeps replies queued for a retry after the token is fixed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import re
import secrets
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

import texts
from bot.channels.base import ChannelContext
from bot.channels.numbered import render_numbered
from bot.channels.zalo_client import Backoff, ZaloApiError, ZaloClient, ZaloNoUpdate, ZaloUnauthorized
from bot.config import ChannelConfig
from bot.engine import PermanentFailure, RetryLater
from bot.messages import Incoming, Reply
from storage.files import private_dir, write_private
from storage.text import nfc

log = logging.getLogger(__name__)

CHANNEL = "zalo"
TEXT_LIMIT = 1900  # Zalo takes 2000 characters; keep a margin (§1.8: it cuts differently from the docs)
SECRET_HEADER = "X-Bot-Api-Secret-Token"
PHOTO_TRIES = 3

# --- English texts for the operator's log ---------------------------------------------------------

TOKEN_REJECTED = (
    "Zalo rejected the bot token (error 401: expired or invalid). Set ZALO_BOT_TOKEN to the token "
    "Zalo Bot Creator sent you by chat (or reset it there and use the new one). Zalo is not receiving."
)


class PhotoUnavailable(Exception):
    """A photo could not be had whole: an error status, not an image, cut short, unreachable."""

    def __init__(self, reason: str, *, transient: bool = True):
        super().__init__(reason)
        self.transient = transient


class PhotoTooLarge(PhotoUnavailable):
    def __init__(self, reason: str):
        super().__init__(reason, transient=False)


class ZaloCannotStart(SystemExit):
    """The Zalo channel refuses to run (token refused, webhook impossible). A SystemExit, so
    `python main.py run` ends with this one sentence rather than a traceback."""


class ZaloChannel:
    name = CHANNEL

    def __init__(
        self,
        config: ChannelConfig,
        ctx: ChannelContext,
        *,
        session: aiohttp.ClientSession | None = None,
        retry_base: float = 1.0,
    ):
        self.config, self.ctx = config, ctx
        self._session, self._own_session = session, session is None
        self._client: ZaloClient | None = None
        self._retry_base = retry_base
        self._secret = config.webhook_secret or secrets.token_urlsafe(32)
        self._poller: asyncio.Task | None = None
        self._stopped = asyncio.Event()
        self._receiving = False  # an event is in hand: stop() waits instead of cancelling
        self._delivered: dict[tuple[str, str], int] = {}  # pieces of a long reply already sent
        self.token_rejected = False
        if config.mode == "webhook":
            ctx.web_app.router.add_post(config.webhook_path, self._webhook)

    @property
    def client(self) -> ZaloClient:
        if self._client is None:
            if self._session is None:
                self._session = aiohttp.ClientSession()
            self._client = ZaloClient(self._session, self.config.token, self.config.base_url)
        return self._client

    # --- lifecycle --------------------------------------------------------------------------------

    async def start(self) -> None:
        """Polling: delete any webhook, then poll. Webhook: register our URL and secret."""
        try:
            if self.config.mode == "webhook":
                await self._start_webhook()
            else:
                registered = await self._register("deleteWebhook", {})
                if registered:
                    self.ctx.health.up(self.name)
                else:
                    self.ctx.health.trouble(self.name, "Zalo is not answering yet")
                self._poller = asyncio.create_task(self._poll_forever(registered), name="zalo polling")
        except ZaloCannotStart:
            await self.close()  # the app closes channels only after a run
            raise

    async def _start_webhook(self) -> None:
        if not self.ctx.public_url:
            raise ZaloCannotStart("Zalo webhook mode needs [web] public_url (an https:// address Zalo can reach).")
        if not 8 <= len(self._secret) <= 256:
            raise ZaloCannotStart("ZALO_WEBHOOK_SECRET must be 8 to 256 characters long.")
        if not self.config.webhook_secret:
            log.warning("ZALO_WEBHOOK_SECRET is not set: using a random secret for this run")
        params = {"url": self.ctx.public_url + self.config.webhook_path, "secret_token": self._secret}
        if not await self._register("setWebhook", params):
            self.ctx.health.trouble(self.name, "setWebhook not accepted yet")
            self._poller = asyncio.create_task(self._register_forever("setWebhook", params), name="zalo webhook")
        else:
            self.ctx.health.up(self.name)
        log.info("Zalo webhook registered at %s", params["url"])

    async def _register(self, method: str, params: dict) -> bool:
        """Call a set-up method, retrying briefly. False if Zalo is having trouble: the caller retries on."""
        backoff = Backoff(self._retry_base)
        for _ in range(3):
            try:
                await self.client.call(method, params)
                return True
            except ZaloUnauthorized:
                log.error(TOKEN_REJECTED)
                raise ZaloCannotStart(TOKEN_REJECTED) from None
            except ZaloApiError as exc:
                if not exc.transient:
                    raise ZaloCannotStart(f"Zalo refused {method}: {exc}") from None
                log.warning("Zalo %s failed (%s); trying again", method, exc)
                await self._pause(backoff.next_delay())
        return False

    async def _register_forever(self, method: str, params: dict) -> None:
        backoff = Backoff(self._retry_base)
        while not self._stopped.is_set() and not await self._try(method, params):
            await self._pause(backoff.next_delay())

    async def _try(self, method: str, params: dict) -> bool:
        try:
            await self.client.call(method, params)
            self.ctx.health.up(self.name)
            return True
        except ZaloUnauthorized:
            self._token_rejected()
            return True  # nothing more to try
        except ZaloApiError as exc:
            log.warning("Zalo %s failed (%s); trying again", method, exc)
            return False

    async def stop(self) -> None:
        """Stop receiving. A poll in flight is abandoned; an event already in hand is committed first."""
        self._stopped.set()
        if self._poller is None:
            return
        if not self._receiving:
            self._poller.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._poller

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()

    async def _pause(self, seconds: float) -> None:
        """Sleep, but wake at once when the channel stops."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopped.wait(), seconds)

    def _token_rejected(self) -> None:
        self.ctx.health.trouble(self.name, "token rejected (ZALO_BOT_TOKEN)", down=True)
        if not self.token_rejected:
            log.error(TOKEN_REJECTED)
        self.token_rejected = True

    # --- receiving: polling -----------------------------------------------------------------------

    async def _poll_forever(self, webhook_deleted: bool) -> None:
        """getUpdates in a loop; each event is in the inbox before the next call acknowledges it."""
        backoff = Backoff(self._retry_base)
        while not self._stopped.is_set():
            try:
                if not webhook_deleted:
                    await self.client.call("deleteWebhook")
                    webhook_deleted = True
                result = await self._get_update()
            except ZaloNoUpdate:
                self.ctx.health.up(self.name)
                backoff.reset()
                continue
            except ZaloUnauthorized:
                self._token_rejected()
                return
            except ZaloApiError as exc:
                webhook_deleted = webhook_deleted and exc.transient  # 400: a webhook may be set again
                delay = backoff.next_delay()
                self.ctx.health.trouble(self.name, f"getUpdates failed: {exc}")
                log.warning("Zalo getUpdates failed (%s); polling again in %.1fs", exc, delay)
                await self._pause(delay)
                continue
            backoff.reset()
            self.ctx.health.up(self.name)
            await self._take(result)

    async def _get_update(self) -> Any:
        timeout = self.config.poll_timeout_seconds
        return await self.client.call("getUpdates", {"timeout": timeout}, read_timeout=timeout + 10)

    async def _take(self, result: Any) -> None:
        """Commit what getUpdates returned (one event; a list, defensively) before polling again."""
        self._receiving = True
        try:
            for event in result if isinstance(result, list) else [result]:
                await self._receive_until_stored(event)
        finally:
            self._receiving = False

    async def _receive_until_stored(self, event: Any) -> None:
        """Zalo has already forgotten this event: keep trying to store it while the database is down."""
        backoff = Backoff(self._retry_base, cap=30.0)
        for attempt in range(1, 11):
            try:
                await self._receive(event)
                return
            except Exception:
                log.exception("could not store a Zalo event (attempt %d)", attempt)
                await asyncio.sleep(backoff.next_delay())
        log.error("a Zalo event was lost: the inbox refused it 10 times")

    # --- receiving: webhook -----------------------------------------------------------------------

    async def _webhook(self, request: web.Request) -> web.Response:
        """POST from Zalo. The secret is checked before the body is read; the event is committed before 200."""
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self._secret.encode()):
            log.warning("Zalo webhook: refused a request without the right secret from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        body = await request.read()
        if not body.strip():
            return web.Response(text="ok")  # an empty probe (§1.6)
        try:
            data = json.loads(body)
        except ValueError:
            return web.Response(status=400, text="not JSON")
        await self._receive(unwrap(data))
        return web.Response(text="ok")

    # --- events → Incoming ------------------------------------------------------------------------

    async def _receive(self, event: Any) -> None:
        if not isinstance(event, dict) or not isinstance(event.get("message"), dict):
            log.info("Zalo: ignored an event without a message")
            return
        incoming = await self._incoming(event)
        if incoming is not None and not await self.ctx.accept(incoming):
            log.info("Zalo: duplicate delivery of %s ignored", incoming.event_key)

    async def _incoming(self, event: dict) -> Incoming | None:
        message = event["message"]
        chat_id = str((message.get("chat") or {}).get("id") or "")
        sender = message.get("from") or {}
        if not chat_id:
            return None
        base = {
            "channel": CHANNEL, "chat_id": chat_id, "user_id": str(sender.get("id") or chat_id),
            "event_key": event_key(event), "display_name": nfc(sender.get("display_name") or sender.get("first_name") or ""),
        }
        name = event.get("event_name", "")
        if name == "message.text.received":
            return text_incoming(base, message.get("text") or "")
        if name == "message.image.received":
            return await self._photo(base, message)
        if name == "message.sticker.received":
            return Incoming(**base, kind="sticker")
        return Incoming(**base, kind="unsupported")

    async def _photo(self, base: dict, message: dict) -> Incoming:
        """Download the photo now (its URL expires): whole, or not at all with a sentence saying why.
        A photo from someone who is not staff is not downloaded."""
        url = message.get("photo_url") or message.get("photo") or message.get("url") or ""
        caption = nfc(message.get("caption") or "")
        if self.ctx.is_staff is not None and not await self.ctx.is_staff(CHANNEL, base["user_id"]):
            return Incoming(**base, kind="unsupported", text=caption)
        try:
            if not url:
                raise PhotoUnavailable("no URL in the event")
            path = await self._download(url, base["event_key"])
        except PhotoTooLarge as exc:
            log.warning("Zalo photo %s refused: %s", base["event_key"], exc)
            return Incoming(**base, kind="unsupported", text=caption, problem=texts.common.photo_too_large(self._cap_mb))
        except PhotoUnavailable as exc:
            log.warning("Zalo photo %s not downloaded (%s); the person is asked to send it again", base["event_key"], exc)
            return Incoming(**base, kind="unsupported", text=caption, problem=texts.common.PHOTO_FAILED)
        return Incoming(**base, kind="photo", photo_path=path, text=caption)

    @property
    def _cap_mb(self) -> int:
        return max(1, self.config.max_photo_bytes // (1024 * 1024))

    async def _download(self, url: str, key: str) -> str:
        """Fetch a photo into the media folder; a few quick tries for trouble that may pass."""
        backoff = Backoff(self._retry_base / 4, cap=2.0)
        for attempt in range(1, PHOTO_TRIES + 1):
            try:
                content, content_type = await self._fetch(url)
                return await asyncio.to_thread(_save, self.ctx.media_dir, key, content, content_type, url)
            except PhotoUnavailable as exc:
                if not exc.transient or attempt == PHOTO_TRIES:
                    raise
                log.info("Zalo photo download failed (%s); trying again", exc)
            except (aiohttp.ClientError, TimeoutError) as exc:
                if attempt == PHOTO_TRIES:
                    raise PhotoUnavailable(type(exc).__name__) from None
                log.info("Zalo photo download failed (%s); trying again", type(exc).__name__)
            await asyncio.sleep(backoff.next_delay())
        raise PhotoUnavailable("no tries")  # pragma: no cover - the loop returns or raises

    async def _fetch(self, url: str) -> tuple[bytes, str]:
        """The whole body, read to its end: status 200, an image, at most the cap, as long as
        Content-Length says (a connection cut short is an error, never a shorter photo)."""
        cap = self.config.max_photo_bytes
        timeout = aiohttp.ClientTimeout(total=120, sock_connect=10, sock_read=30)
        async with self.client.session.get(url, timeout=timeout) as response:
            if response.status != 200:
                raise PhotoUnavailable(f"HTTP {response.status}", transient=response.status >= 500)
            if not response.content_type.startswith("image/"):
                raise PhotoUnavailable(f"not an image ({response.content_type})", transient=False)
            announced = response.content_length
            if announced is not None and announced > cap:
                raise PhotoTooLarge(f"{announced} bytes announced, the cap is {cap}")
            body = bytearray()
            async for chunk in response.content.iter_chunked(256 * 1024):
                body += chunk
                if len(body) > cap:
                    raise PhotoTooLarge(f"more than {cap} bytes")
        if announced is not None and len(body) != announced:
            raise PhotoUnavailable(f"{len(body)} of {announced} bytes arrived")
        if not body:
            raise PhotoUnavailable("empty body")
        return bytes(body), response.content_type

    # --- sending ----------------------------------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply) -> str:
        """Deliver one reply as Zalo can: text (numbered choices), typing, or a document link."""
        if reply.kind == "menu":
            return ""  # Zalo has no command menu; /help lists the commands
        if reply.kind == "typing":
            await self._call("sendChatAction", {"chat_id": chat_id, "action": "typing"})
            return ""
        body = await self._document_text(reply) if reply.kind == "document" else render_numbered(reply)
        return await self._send_text(chat_id, body)

    async def _document_text(self, reply: Reply) -> str:
        links = self.ctx.links
        if not self.ctx.public_url or links is None:
            return "\n".join(filter(None, [reply.text, texts.common.NO_DOCUMENT_LINK]))
        if not await asyncio.to_thread(Path(reply.document_path).is_file):
            raise PermanentFailure("the document file is missing")
        url = await links.issue(reply.document_path, reply.document_name or Path(reply.document_path).name)
        return "\n".join(filter(None, [reply.text, url, texts.common.link_validity(links.minutes)]))

    async def _send_text(self, chat_id: str, body: str) -> str:
        pieces = split_text(body, TEXT_LIMIT)
        key = (chat_id, hashlib.sha256(body.encode()).hexdigest())
        message_id = ""
        for index in range(self._delivered.get(key, 0), len(pieces)):
            result = await self._call("sendMessage", {"chat_id": chat_id, "text": pieces[index]})
            self._delivered[key] = index + 1
            message_id = str((result or {}).get("message_id", ""))
        self._delivered.pop(key, None)
        return message_id

    async def _call(self, method: str, params: dict) -> Any:
        """A send call with the engine's error contract: RetryLater or PermanentFailure."""
        try:
            return await self.client.call(method, params)
        except ZaloUnauthorized:
            self._token_rejected()
            raise RetryLater("Zalo rejected the bot token") from None
        except ZaloApiError as exc:
            if exc.transient:
                raise RetryLater(str(exc)) from None
            raise PermanentFailure(str(exc)) from None


# --- pure helpers ----------------------------------------------------------------------------------


def unwrap(data: Any) -> Any:
    """Webhook bodies come wrapped `{ok, result: event}` (the docs) or bare (real traffic, §1.6)."""
    if isinstance(data, dict) and "event_name" not in data and isinstance(data.get("result"), dict):
        return data["result"]
    return data


def event_key(event: dict) -> str:
    """Zalo's message id; a hash of the event if it ever lacks one, so redeliveries still collide."""
    message_id = event["message"].get("message_id")
    if message_id:
        return str(message_id)
    return "h" + hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()[:40]


def text_incoming(base: dict, raw: str) -> Incoming:
    """A leading "/cmd args" is a command (lower case, no @suffix); anything else is text."""
    text = nfc(raw).strip()
    if text.startswith("/") and len(text) > 1 and not text[1].isspace():
        head, _, rest = text[1:].partition(" ")
        return Incoming(**base, kind="command", command=head.split("@")[0].lower(), text=rest.strip())
    return Incoming(**base, kind="text", text=text)


def split_text(text: str, limit: int) -> list[str]:
    """Cut a message into pieces of at most `limit` characters, at line ends where possible."""
    pieces: list[str] = []
    current = ""
    for line in _short_lines(text, limit):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
            continue
        pieces.append(current)
        current = line
    if current.strip():
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def _short_lines(text: str, limit: int) -> list[str]:
    """The text's lines, a line longer than `limit` cut at spaces (or hard, if it has none)."""
    lines = []
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit + 1)
            cut = cut if cut > 0 else limit
            lines.append(line[:cut])
            line = line[cut:].lstrip(" ")
        lines.append(line)
    return lines


_SUFFIXES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif", "image/heic": ".heic"}


def _save(folder: Path, key: str, content: bytes, content_type: str, url: str) -> str:
    """Write a downloaded photo as zalo-<message id><suffix> (0600, through a temporary file, so a
    kill leaves the whole photo or none); a redelivery overwrites the same file."""
    suffix = _SUFFIXES.get(content_type) or (Path(url.split("?")[0]).suffix.lower()[:6] or ".jpg")
    name = re.sub(r"[^A-Za-z0-9_-]", "", key)[:64] or hashlib.sha256(key.encode()).hexdigest()[:32]
    return str(write_private(private_dir(folder) / f"zalo-{name}{suffix}", content))
