"""The Zalo channel: Zalo Bot Platform events in, numbered-text replies and document links out.

Zalo has no buttons, no files and no location (docs/zalo-bot-api.md §1.9), so choices go out as a
numbered list, a document as a signed link to the bot's own web server, and photos come in as URLs
that are downloaded at once (they expire).

Inbox first. Polling: our loop around getUpdates, which hands over one event and removes it from
Zalo's queue (§1.7); the event is written to a spool file at once (before anything else awaits),
then committed to the inbox before the next call (a disk that refuses the spool: kept in memory,
polling waits until it is stored). A kill in between is repaired at the next start from the spool;
SIGTERM waits for the open poll. A kill while a long poll is open can still lose the event Zalo hands
to the dead connection (docs/reliability.md): webhook mode is the one recommended for production.
Webhook: the route checks the secret header before it reads the body, commits the event, then
answers 200.

Choices made here:
- a photo is read to its end (status 200, an image, no more than `max_photo_mb`, as long as
  Content-Length said) and written through a temporary file; one that fails (after a few quick
  tries) or is too large enters the inbox as "unsupported" with the sentence the person gets
  (`problem`): a record must never carry a photo that does not exist or is cut short. A photo
  from someone who is not staff is not downloaded at all;
- voice notes and unknown event names are "unsupported" as well;
- a reply longer than one Zalo message is sent in pieces cut at line ends; if a later piece fails,
  the retry does not send the earlier pieces again (remembered in this process);
- 401 at start raises TokenRejected with a sentence naming the token problem (never the token):
  the app's supervisor tries again in the background while other channels serve; 401 later stops
  receiving and keeps replies queued for a retry after the token is fixed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import secrets
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

import texts
from bot.channels.base import ChannelCannotStart, ChannelContext, TokenRejected, webhook_in_the_way
from bot.channels.numbered import render_numbered
from bot.channels.spool import Spool
from bot.channels.zalo_client import Backoff, ZaloApiError, ZaloClient, ZaloNoUpdate, ZaloUnauthorized
from bot.channels.zalo_events import event_key, split_text, text_incoming, unwrap, well_formed
from bot.channels.zalo_photos import PhotoTooLarge, PhotoUnavailable, download, photo_params
from bot.config import ChannelConfig
from bot.engine import PermanentFailure, RetryLater
from bot.messages import Incoming, Reply, storable
from bot.supervisor import describe, supervised
from storage.text import nfc

log = logging.getLogger(__name__)

CHANNEL = "zalo"
TEXT_LIMIT = 1900  # Zalo takes 2000 characters; keep a margin (§1.8: it cuts differently from the docs)
SECRET_HEADER = "X-Bot-Api-Secret-Token"
POLL_MARGIN = 10  # seconds beyond the long poll's timeout before an answer is given up (read timeout)
SPOOL_PROBLEM = "zalo spool"  # names on /healthz
STORE_PROBLEM = "zalo inbox"
__all__ = ["ZaloChannel", "ZaloCannotStart", "split_text", "text_incoming", "event_key", "unwrap", "well_formed"]

# --- English texts for the operator's log ---------------------------------------------------------

TOKEN_REJECTED = (
    "Zalo rejected the bot token (error 401: expired or invalid). Set ZALO_BOT_TOKEN to the token "
    "Zalo Bot Creator sent you by chat (or reset it there and use the new one). Zalo is not receiving."
)


class ZaloCannotStart(ChannelCannotStart):
    """The Zalo channel refuses to run (webhook impossible). A SystemExit, so `python main.py run`
    ends with this one sentence rather than a traceback."""


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
        self._delivered: dict[tuple[str, str], int] = {}  # pieces of a long reply already sent
        self._spool = Spool(ctx.media_dir.parent / "spool")  # polled events, until they are in the inbox
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
        """Polling: delete any webhook, then poll. Webhook: register our URL and secret.
        A rejected token raises TokenRejected (the app's supervisor tries again later)."""
        if self.config.mode == "webhook":
            await self._start_webhook()
            return
        await self._refuse_a_foreign_webhook()
        log.warning("Zalo polling: Zalo forgets an event once it hands it over, so a bot killed while polling can "
                    "lose a message (see docs/reliability.md). Use webhook mode in production.")
        registered = await self._register("deleteWebhook", {})
        for path, event in self._spool.pending():  # a killed process's events: stored before polling
            if await self._store(event):
                self._spool.done(path)
        self._poller = supervised("zalo polling", lambda: self._poll_forever(registered), self.ctx.health,
                                  stopped=self._stopped, base=self._retry_base)

    async def _webhook_url(self) -> str:
        """The webhook set for this bot ('' if none; Zalo may answer 404 when none is set)."""
        try:
            info = await self.client.call("getWebhookInfo")
        except ZaloUnauthorized:
            raise TokenRejected(TOKEN_REJECTED) from None
        except ZaloApiError as exc:
            if exc.code == 404:
                return ""
            raise
        return str((info or {}).get("url") or "") if isinstance(info, dict) else ""

    async def _refuse_a_foreign_webhook(self) -> None:
        """Polling calls deleteWebhook: never on a webhook someone set, unless told to take over."""
        url = await self._webhook_url()
        if url and not self.config.take_over_webhook:
            raise webhook_in_the_way("Zalo", url)
        if url:
            log.warning("Zalo: taking over from the webhook at %s (--take-over-webhook)", url)

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
                raise TokenRejected(TOKEN_REJECTED) from None
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
        """Stop receiving. Polling: the getUpdates in flight is waited for, bounded by its timeout (Zalo
        forgets what it hands to a closed connection), and what it brought is stored before the loop ends."""
        self._stopped.set()
        if self._poller is None:
            return
        bound = self.config.poll_timeout_seconds + POLL_MARGIN if self.config.mode == "polling" else 0
        done, _ = await asyncio.wait([self._poller], timeout=bound)
        if not done:  # webhook registration, or a poll past its timeout: abandoned
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
        """getUpdates in a loop; each event is kept (spool, inbox) before the next call. First, what is
        left in the spool (not stored at start, or by an earlier run of this loop)."""
        for path, event in self._spool.pending():
            await self._keep(event, path)
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
                if not exc.transient and not self.config.take_over_webhook and await self._foreign_webhook():
                    return  # someone set a webhook while we polled: theirs now, said in the log
                webhook_deleted = webhook_deleted and exc.transient  # 400: a webhook may be set again
                delay = backoff.next_delay()
                self.ctx.health.trouble(self.name, f"getUpdates failed: {exc}")
                log.warning("Zalo getUpdates failed (%s); polling again in %.1fs", exc, delay)
                await self._pause(delay)
                continue
            backoff.reset()
            self.ctx.health.up(self.name)
            events = result if isinstance(result, list) else [result]
            spooled = [self._spool_put(event) for event in events]  # on disk before anything else awaits
            for event, path in zip(events, spooled, strict=True):
                await self._keep(event, path)

    async def _foreign_webhook(self) -> bool:
        try:
            url = await self._webhook_url()
        except (ZaloApiError, TokenRejected):
            return False
        if url:
            log.error("Zalo: a webhook was set for this bot (%s) while it polled; polling stops so as not to "
                      "switch it off (restart with --take-over-webhook to take over)", url)
        return bool(url)

    async def _get_update(self) -> Any:
        timeout = self.config.poll_timeout_seconds
        return await self.client.call("getUpdates", {"timeout": timeout}, read_timeout=timeout + POLL_MARGIN)

    def _spool_put(self, event: Any) -> Path | None:
        """Write the event to the spool; None when the disk refuses (full, read-only): the caller keeps it
        in memory, and /healthz names the problem until a write works again."""
        try:
            path = self._spool.put(event)
        except OSError as exc:
            self.ctx.health.problem(SPOOL_PROBLEM, f"cannot write {self._spool.folder}: {exc.strerror or exc}")
            log.error("Zalo: an event could not be written to the spool (%s); it is kept in memory and "
                      "written or stored as soon as possible; polling waits meanwhile", exc.strerror or exc)
            return None
        self.ctx.health.problem(SPOOL_PROBLEM, None)
        return path

    async def _keep(self, event: Any, path: Path | None) -> None:
        """Zalo has forgotten this event: store it in the inbox (then its spool file goes), trying again
        with back-off — and writing the spool again if it is only in memory — until it is kept. Polling
        waits meanwhile, so Zalo keeps what comes next. On stop, an event on disk is left for the next
        start; one only in memory gets a few last tries."""
        backoff = Backoff(self._retry_base, cap=30.0)
        last_tries = 3
        while not await self._store(event):
            path = path or self._spool_put(event)
            if self._stopped.is_set():
                if path is not None:
                    log.error("Zalo: an event stays in the spool for the next start")
                    return
                last_tries -= 1
                if not last_tries:
                    log.error("Zalo: event %s LOST: neither the spool nor the database could keep it",
                              event_key(event) if well_formed(event) else "?")
                    return
                await asyncio.sleep(1)
            else:
                await self._pause(backoff.next_delay())
        if path is not None:
            self._spool.done(path)

    async def _store(self, event: Any) -> bool:
        try:
            await self._receive(event)
        except Exception as exc:
            self.ctx.health.problem(STORE_PROBLEM, f"an event is not stored: {describe(exc)}")
            log.exception("could not store a Zalo event; trying again")
            return False
        self.ctx.health.problem(STORE_PROBLEM, None)
        return True

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
            event = unwrap(json.loads(body))
        except (ValueError, RecursionError):
            return web.Response(status=400, text="not JSON")
        if not well_formed(event):
            log.warning("Zalo webhook: refused a body that is not a Zalo event")
            return web.Response(status=400, text="not a Zalo event")
        try:
            await self._receive(event)
        except Exception:  # the database busy past its timeout: nothing stored, Zalo should try again
            log.exception("Zalo webhook: event not stored; asking Zalo to retry")
            return web.Response(status=503, headers={"Retry-After": "5"}, text="busy, try again")
        return web.Response(text="ok")

    # --- events → Incoming ------------------------------------------------------------------------

    async def _receive(self, event: Any) -> None:
        if not well_formed(event):
            log.warning("Zalo: ignored an event that is not a Zalo event")
            return
        incoming = await self._incoming(event)
        if incoming is not None and not await self.ctx.accept(storable(incoming)):
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
            path = await download(self.client.session, url, self.ctx.media_dir, base["event_key"],
                                  self.config.max_photo_bytes, self._retry_base)
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

    # --- sending ----------------------------------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply) -> str:
        """Deliver one reply as Zalo can: text (numbered choices), typing, a document link, a photo by a link."""
        if reply.kind == "menu":
            return ""  # Zalo has no command menu; /help lists the commands
        if reply.kind == "typing":
            await self._call("sendChatAction", {"chat_id": chat_id, "action": "typing"})
            return ""
        if reply.kind == "photo":  # sendPhoto of a signed link; nothing without a public address
            params = await photo_params(self.ctx, chat_id, reply)
            return str(((await self._call("sendPhoto", params)) or {}).get("message_id", "")) if params else ""
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
