"""Telegram adapter: our own getUpdates loop (or a webhook route), inbox first; replies as Bot API calls.

Why not python-telegram-bot's Updater/Application: they acknowledge a batch (the next offset, HTTP
200) before our code has stored it. Here each update is converted and committed with `ctx.accept`
before the next offset is requested or the webhook is answered. A kill in between makes Telegram
deliver the update again, and the inbox's unique key (channel, update_id) drops the copy.

What the person sees: choices are inline buttons; a tap is answered at once and the question is
edited to show the answer without its buttons. A location question offers a reply keyboard with the
"send my location" button; it is removed with the next plain message (which chats have one open is
kept in memory: the keyboard is one-time, so forgetting it on a restart costs nothing).
Update conversion is in telegram_updates, reply rendering in telegram_render.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import json
import logging
import os
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web
from telegram import BotCommand, BotCommandScopeChat, CallbackQuery, Message, ReplyKeyboardRemove, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, ExtBot

from bot.channels import telegram_render as render
from bot.channels import telegram_updates as updates
from bot.channels.base import ChannelCannotStart, ChannelContext, TokenRejected, webhook_in_the_way
from bot.channels.telegram_http import AiohttpRequest
from bot.config import ChannelConfig
from bot.engine import PermanentFailure, RetryLater
from bot.messages import Incoming, NotStorable, Reply, storable
from bot.supervisor import supervised

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_BASE_FILE_URL = "https://api.telegram.org/file/bot"
RETRY_PAUSE = 2.0  # seconds before asking again after getUpdates or storing an update failed
# One polite in-process retry on 429 (it also pauses every other call); then the outbox takes over.
RATE_LIMIT_RETRIES = 1
# --- English texts for the operator's log ---------------------------------------------------------

TOKEN_REJECTED = (
    "Telegram rejected the bot token (401 Unauthorized). Set TELEGRAM_BOT_TOKEN to the token @BotFather "
    "gave you (/mybots → API Token; /revoke makes a new one). Telegram is not receiving."
)


class TelegramCannotStart(SystemExit):
    """The Telegram channel refuses to run (token refused). A SystemExit carrying one sentence, so
    `main.py run` ends with it — never with PTB's InvalidToken, whose text quotes the token."""


def _seconds(value: float | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def _retry_later() -> web.Response:
    """Our side is busy (the database past its timeout): the platform should deliver again shortly."""
    return web.Response(status=503, headers={"Retry-After": "5"}, text="busy, try again")


def _says(exc: TelegramError, phrase: str) -> bool:
    """Telegram's error texts are the only way to tell these cases apart (PTB capitalises them)."""
    return phrase in exc.message.lower()


def make_bot(config: ChannelConfig, rate_limiter: AIORateLimiter | None = None) -> ExtBot:
    """The real library's bot, pointed at the configured Bot API server, with PTB's rate limiter."""
    # Opt in to PTB 23's timedelta values now: PTB 22 warns on every RetryAfter otherwise.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    return ExtBot(
        config.token,
        base_url=config.base_url or DEFAULT_BASE_URL,
        base_file_url=config.base_file_url or DEFAULT_BASE_FILE_URL,
        rate_limiter=rate_limiter or AIORateLimiter(max_retries=RATE_LIMIT_RETRIES),
        request=AiohttpRequest(),  # PTB's HTTP on aiohttp: a third of httpx's CPU per call (telegram_http)
        get_updates_request=AiohttpRequest(connection_pool_size=1),  # one long poll at a time
    )


class TelegramChannel:
    name = updates.CHANNEL

    def __init__(self, config: ChannelConfig, ctx: ChannelContext, *, rate_limiter: AIORateLimiter | None = None):
        self.config, self.ctx = config, ctx
        self.bot = make_bot(config, rate_limiter)
        # Telegram sends the secret back with every webhook call; one is made up when none is set.
        self._secret = config.webhook_secret or secrets.token_urlsafe(32)
        self._offset = 0
        self._stopping = False
        self._stopped = asyncio.Event()  # the same, for waiting on
        self._polling = False  # inside getUpdates: stopping may cancel, nothing is in hand
        self._poll_task: asyncio.Task | None = None
        self._tasks: set[asyncio.Task] = set()
        self._reply_keyboards: set[str] = set()  # chats with the location keyboard open
        if config.mode == "webhook":  # routes must exist before the web server starts
            ctx.web_app.router.add_post(config.webhook_path, self._webhook)

    # --- lifecycle --------------------------------------------------------------------------------

    async def start(self) -> None:
        """getMe, strangers' menu, then the webhook or the polling loop. A rejected token raises
        TokenRejected; network trouble propagates (the app's supervisor tries again later)."""
        try:
            await self.bot.initialize()
        except InvalidToken:  # PTB's own message carries the token: never pass it on
            raise TokenRejected(TOKEN_REJECTED) from None
        await self._set_default_commands()
        if self.config.mode == "webhook":
            await self._set_webhook()
        else:
            info = await self.bot.get_webhook_info()
            if info.url and not self.config.take_over_webhook:
                raise webhook_in_the_way("Telegram", info.url)
            self.ctx.health.up(self.name)  # getMe answered
            await self.bot.delete_webhook()  # Telegram refuses getUpdates while a webhook is set
            self._poll_task = supervised("telegram polling", self._poll_loop, self.ctx.health, stopped=self._stopped,
                                         base=RETRY_PAUSE)
        log.info("telegram: receiving by %s as @%s", self.config.mode, self.bot.username)

    async def _set_default_commands(self) -> None:
        """Everyone's menu shows only /start; registered people get theirs per chat (kind "menu")."""
        menu = await self.ctx.commands_for(self.name, "") if self.ctx.commands_for else [("start", "start")]
        await self.bot.set_my_commands([BotCommand(name, text) for name, text in menu])

    async def _set_webhook(self) -> None:
        if not self.ctx.public_url:
            raise ChannelCannotStart("Telegram webhook mode needs [web] public_url (an https:// address Telegram can reach).")
        await self.bot.set_webhook(
            url=self.ctx.public_url + self.config.webhook_path,
            secret_token=self._secret,
            allowed_updates=list(updates.ALLOWED_UPDATES),
        )
        self.ctx.health.up(self.name)

    async def stop(self) -> None:
        """Stop polling (a long poll is cancelled; an update in hand is committed first), confirm the
        last offset so Telegram does not send the batch again, and let pending tap answers finish."""
        self._stopping = True
        self._stopped.set()
        if self._poll_task is not None:
            if self._polling:
                self._poll_task.cancel()
            await asyncio.gather(self._poll_task, return_exceptions=True)
            await self._confirm_offset()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close(self) -> None:
        """Close the bot's HTTP connections."""
        await self.bot.shutdown()

    # --- receiving: polling -----------------------------------------------------------------------

    async def _poll_loop(self) -> None:
        """Commit each batch (one transaction) before asking for the next offset; on failure ask again."""
        while not self._stopping:
            batch = await self._poll()
            if batch and not self._stopping and await self._take_batch(batch):
                self._offset = batch[-1].update_id + 1

    async def _take_batch(self, batch: tuple[Update, ...]) -> bool:
        """Commit a whole getUpdates answer at once: one write transaction instead of one per update,
        so the receiving loop does not queue behind the engine's writers for every single update."""
        if self.ctx.accept_many is None:
            for update in batch:
                if not await self._take(update):
                    return False
            return True
        try:
            converted = [(update, await self._readable(update)) for update in batch]
            kept = [(update, incoming) for update, incoming in converted if incoming is not None]
            added = await self.ctx.accept_many([incoming for _, incoming in kept])
        except Exception:  # the database or a photo download failed: the batch must not be confirmed
            log.exception("telegram updates %s..%s not stored; asking again", batch[0].update_id, batch[-1].update_id)
            await asyncio.sleep(RETRY_PAUSE)
            return False
        for (update, _), new in zip(kept, added, strict=True):
            if new and update.callback_query is not None:
                self._in_background(self._acknowledge_tap(update.callback_query))
        return True

    async def _poll(self) -> tuple[Update, ...]:
        self._polling = True
        try:
            got = await self.bot.get_updates(
                offset=self._offset,
                timeout=self.config.poll_timeout_seconds,  # an int: the Bot API declares Integer
                allowed_updates=list(updates.ALLOWED_UPDATES),
            )
            self.ctx.health.up(self.name)
            return got
        except TelegramError as exc:  # network trouble, 5xx, 409 from a second copy: wait, ask again
            self.ctx.health.trouble(self.name, f"getUpdates failed: {exc}")
            log.warning("telegram getUpdates failed, asking again in %.0fs: %s", RETRY_PAUSE, exc)
            await asyncio.sleep(RETRY_PAUSE)
            return ()
        finally:
            self._polling = False

    async def _take(self, update: Update) -> bool:
        """Commit one update. False (after a pause) when it could not be stored: it is asked again."""
        try:
            await self._commit(update)
        except Exception:  # the database or a photo download failed: the update must not be confirmed
            log.exception("telegram update %s not stored; asking for it again", update.update_id)
            await asyncio.sleep(RETRY_PAUSE)
            return False
        return True

    async def _confirm_offset(self) -> None:
        if not self._offset:
            return
        try:
            await self.bot.get_updates(offset=self._offset, timeout=0, allowed_updates=list(updates.ALLOWED_UPDATES))
        except TelegramError as exc:  # harmless: the batch comes again and the inbox drops it
            log.info("telegram: last offset not confirmed: %s", exc)

    # --- receiving: webhook -----------------------------------------------------------------------

    async def _webhook(self, request: web.Request) -> web.Response:
        """Secret first (before reading the body), then commit, then 200. A body the secret admits
        but that is not an update we can read is 400 (data, never a crash); trouble on our side
        (the database busy past its timeout, a photo not fetched) is 503 with Retry-After, and
        nothing of the update is stored, so Telegram delivers it again."""
        if not self._secret_matches(request.headers.get(SECRET_HEADER, "")):
            log.warning("telegram webhook call without the right secret refused")
            return web.Response(status=403)
        try:
            data = json.loads(await request.read())
        except (ValueError, RecursionError):
            return web.Response(status=400, text="not JSON")
        if not isinstance(data, dict) or type(data.get("update_id")) is not int:
            return web.Response(status=400, text="not an update")  # the schema: update_id is an Integer
        try:
            update = Update.de_json(data, self.bot)
            incoming = await self._incoming(update) if update is not None else None
        except (NetworkError, OSError):  # a photo could not be fetched or written now (a full disk)
            log.warning("telegram webhook update not converted (network or disk); Telegram will retry")
            return _retry_later()
        except Exception as exc:  # noqa: BLE001 - any shape PTB or our conversion cannot read is bad data
            log.warning("telegram webhook body refused (%s)", type(exc).__name__)
            return web.Response(status=400, text="not an update")
        if update is None:
            return web.Response(status=400, text="not an update")
        try:
            await self._accept(update, incoming)
        except Exception:  # not stored: Telegram delivers it again
            log.exception("telegram update %s not stored; Telegram will retry", update.update_id)
            return _retry_later()
        return web.Response(status=200)

    def _secret_matches(self, given: str) -> bool:
        return hmac.compare_digest(given.encode("utf-8"), self._secret.encode("utf-8"))

    # --- receiving: both --------------------------------------------------------------------------

    async def _commit(self, update: Update) -> None:
        """Convert and store one update; a new tap is then answered and its question edited."""
        await self._accept(update, await self._readable(update))

    async def _accept(self, update: Update, incoming: Incoming | None) -> None:
        if incoming is None:
            return
        if await self.ctx.accept(incoming) and update.callback_query is not None:
            self._in_background(self._acknowledge_tap(update.callback_query))

    async def _readable(self, update: Update) -> Incoming | None:
        """Polling: an update that can never be stored is skipped (logged), never asked for forever."""
        try:
            return await self._incoming(update)
        except NotStorable:
            log.warning("telegram update %s skipped: an id is not Unicode text", update.update_id)
            return None

    async def _incoming(self, update: Update) -> Incoming | None:
        """The update as the inbox keeps it (NotStorable for an id that is not Unicode text)."""
        if update.callback_query is not None:
            incoming = updates.from_callback(update)
            return storable(incoming) if incoming is not None else None
        message = updates.private_message(update)
        if message is None:
            log.info("telegram update %s ignored (not a private chat message)", update.update_id)
            return None
        return storable(updates.from_message(update, await self._content(update.update_id, message)))

    async def _content(self, update_id: int, message: Message) -> dict:
        """The message's fields. A photo Telegram will never hand out (too big, gone) is stored as
        unsupported so the person hears why; network trouble propagates and the update comes again."""
        try:
            return await updates.message_content(self.bot, update_id, message, self.ctx.media_dir)
        except BadRequest as exc:
            log.warning("telegram update %s: file not downloadable: %s", update_id, exc.message)
            return {"kind": "unsupported"}

    def _in_background(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _acknowledge_tap(self, query: CallbackQuery) -> None:
        """Stop the button's spinner. Showing the answer under the question is the form's business:
        it sends an edit once it has accepted the tap (a tap on an old keyboard changes nothing).
        Cosmetic: a failure is logged, never retried (the tap itself is safely in the inbox)."""
        try:
            await self._answer(query)
        except TelegramError as exc:
            log.info("telegram: tap %s not acknowledged: %s", query.id, exc)

    async def _answer(self, query: CallbackQuery) -> None:
        try:
            await self.bot.answer_callback_query(query.id)
        except BadRequest as exc:
            if not _says(exc, "query is too old"):
                raise
            # the tap waited too long (a restart): Telegram no longer takes an answer; nothing lost

    # --- sending ----------------------------------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply) -> str:
        """Deliver one reply; Telegram's errors become the engine's RetryLater / PermanentFailure."""
        try:
            return await self._senders()[reply.kind](chat_id, reply)
        except RetryAfter as exc:
            raise RetryLater(f"429 {exc.message}", after=_seconds(exc.retry_after)) from None
        except Forbidden as exc:  # the person blocked the bot
            raise PermanentFailure(exc.message) from None
        except BadRequest as exc:
            if not _says(exc, "chat not found"):
                log.warning("telegram refused a %s reply to %s: %s", reply.kind, chat_id, exc.message)
            raise PermanentFailure(exc.message) from None
        except (NetworkError, InvalidToken) as exc:  # timeouts, 5xx, connection trouble; a token fix
            raise RetryLater(str(exc)) from None
        except TelegramError as exc:
            log.warning("telegram refused a %s reply to %s: %s", reply.kind, chat_id, exc)
            raise PermanentFailure(str(exc)) from None

    def _senders(self) -> dict[str, Callable[[str, Reply], Awaitable[str]]]:
        return {
            "text": self._send_text,
            "document": self._send_document,
            "photo": self._send_photo,
            "typing": self._send_typing,
            "edit": self._send_edit,
            "menu": self._send_menu,
        }

    async def _send_text(self, chat_id: str, reply: Reply) -> str:
        """A long text goes as several messages; the keyboard rides on the last one."""
        chunks = render.split_text(reply.text)
        markups: list = [None] * len(chunks)
        if reply.ask_location:
            markups[-1] = render.location_keyboard(reply.choices)
        elif reply.choices:
            markups[-1] = render.inline_keyboard(reply.choices)
        closing = chat_id in self._reply_keyboards and markups[0] is None and not reply.ask_location
        if closing:
            markups[0] = ReplyKeyboardRemove()
        message_id = ""
        for chunk, markup in zip(chunks, markups, strict=True):
            message = await self.bot.send_message(chat_id, chunk, reply_markup=markup)
            message_id = str(message.message_id)
        self._note_reply_keyboard(chat_id, opened=reply.ask_location, closed=closing)
        return message_id

    def _note_reply_keyboard(self, chat_id: str, *, opened: bool, closed: bool) -> None:
        if opened:
            self._reply_keyboards.add(chat_id)
        elif closed:
            self._reply_keyboards.discard(chat_id)

    async def _send_document(self, chat_id: str, reply: Reply) -> str:
        path = Path(reply.document_path)
        try:
            content = await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise PermanentFailure(f"document {path.name} is missing") from None
        message = await self.bot.send_document(
            chat_id, content, filename=reply.document_name or path.name, caption=render.caption(reply.text)
        )
        return str(message.message_id)

    async def _send_photo(self, chat_id: str, reply: Reply) -> str:
        path = Path(reply.document_path)
        try:
            content = await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise PermanentFailure(f"photo {path.name} is missing") from None
        message = await self.bot.send_photo(chat_id, content, caption=render.caption(reply.text))
        return str(message.message_id)

    async def _send_typing(self, chat_id: str, reply: Reply) -> str:
        await self.bot.send_chat_action(chat_id, ChatAction.TYPING)
        return ""

    async def _send_edit(self, chat_id: str, reply: Reply) -> str:
        """Replace an earlier message's text; a new message when that one is gone or cannot change."""
        fits = render.utf16_len(reply.text) <= render.MESSAGE_LIMIT and reply.text
        if not reply.edit_message_id or not fits or reply.ask_location:
            return await self._send_text(chat_id, reply)
        markup = render.inline_keyboard(reply.choices) if reply.choices else None
        try:
            await self.bot.edit_message_text(
                reply.text, chat_id=chat_id, message_id=int(reply.edit_message_id), reply_markup=markup
            )
        except BadRequest as exc:
            if _says(exc, "message is not modified"):
                return reply.edit_message_id  # already shows this text (a retried edit)
            if _says(exc, "message to edit not found") or _says(exc, "can't be edited"):
                return await self._send_text(chat_id, reply)
            raise
        return reply.edit_message_id

    async def _send_menu(self, chat_id: str, reply: Reply) -> str:
        """The person's own command menu, in their chat only."""
        commands = [BotCommand(c.key, c.label) for c in reply.choices]
        await self.bot.set_my_commands(commands, scope=BotCommandScopeChat(int(chat_id)))
        return ""
