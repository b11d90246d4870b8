"""The conversation engine: inbox in, one unit of work per message, outbox out.

Adapters call `accept()` which commits the raw event to the inbox before they acknowledge it to the
platform. Workers drain the inbox chat by chat in arrival order, different chats concurrently; each
message is one transaction (inbox row done, state read and written, records, audit, replies queued).
The sender delivers queued replies after the commit and retries them. A kill at any point loses
nothing: an unprocessed inbox row is processed at the next start, an unsent reply is sent then.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.delivery import Delivery
from bot.health import Health
from bot.messages import Incoming, Reply
from bot.metrics import Metrics
from bot.quiet import QuietHours, answering
from storage import engine_store as store
from storage.db import Database

log = logging.getLogger(__name__)


class RetryLater(Exception):
    """The platform asked us to wait (429) or failed transiently (5xx, network)."""

    def __init__(self, reason: str, after: float | None = None):
        super().__init__(reason)
        self.after = after


class PermanentFailure(Exception):
    """The platform will never accept this reply (blocked bot, bad chat): give up on it."""


def _everyone(_chat_id: str) -> bool:
    return True


class Sender(Protocol):
    """Delivers replies of one channel. A sender may also have `reaches(chat_id) -> bool`: False
    leaves that chat's replies in the outbox for later (the console reaches only the person at it)."""

    async def send(self, chat_id: str, reply: Reply) -> str:
        """Deliver one reply; return the platform's message id ('' if none)."""


@dataclass
class Unit:
    """What a handler gets for one message: the transaction, the message, and a place for replies."""

    session: AsyncSession
    incoming: Incoming
    clock: Clock
    now: dt.datetime
    replies: list[Reply] = field(default_factory=list)
    notices: list[tuple[str, str, Reply]] = field(default_factory=list)  # to other chats
    extra: dict[str, Any] = field(default_factory=dict)

    def reply(self, reply: Reply) -> None:
        self.replies.append(reply)

    def notify(self, channel: str, chat_id: str, reply: Reply) -> None:
        """Queue a message to another chat (a person whose roles changed, say), in this transaction."""
        self.notices.append((channel, chat_id, answering(reply, channel, chat_id, self.incoming)))


Handler = Callable[[Unit], Awaitable[None]]
JobHandler = Callable[[AsyncSession, store.Job, dt.datetime], Awaitable[list[tuple[str, str, Reply]]]]
Sweeper = Callable[[AsyncSession, dt.datetime], Awaitable[list[tuple[str, str, Reply]]]]
ErrorReply = Callable[[Incoming], Reply]


UNDELIVERED_TOKEN = "outbox-undelivered"  # marks the notices about an outage (never noticed themselves)


@dataclass
class EngineSettings:
    concurrency: int = 16
    poll_interval: float = 1.0
    send_horizon: float = 24 * 3600.0  # seconds a reply is retried (from when it was queued) before admins hear of it
    send_backoff: float = 1.0  # first pause between tries, doubled each time …
    send_backoff_cap: float = 300.0  # … up to this
    send_probe: float = 5.0  # a failing channel's oldest reply is tried this often, whatever its back-off
    sweep_interval: float = 30.0  # seconds between sweeps (expired drafts, reminders): each takes the write lock


class Engine:
    def __init__(
        self,
        db: Database,
        handler: Handler,
        clock: Clock,
        settings: EngineSettings | None = None,
        error_reply: ErrorReply | None = None,
    ):
        self.db, self.handler, self.clock = db, handler, clock
        self.settings = settings or EngineSettings()
        self.error_reply = error_reply
        self.senders: dict[str, Sender] = {}
        self.job_handlers: dict[str, JobHandler] = {}
        self.sweepers: list[Sweeper] = []
        self.delivery = Delivery(self.settings.send_probe)  # failing channels, probes, one notice per outage
        self.mask: Callable[[Incoming], Incoming] = lambda incoming: incoming  # secrets out before the inbox
        self.quiet: QuietHours | None = None  # polite notices queued in these hours wait for their end
        self._work = asyncio.Event()
        self._send = asyncio.Event()
        self._tick = asyncio.Event()  # wakes the scheduler loop (only on stop)
        self._send_lock = asyncio.Lock()  # one sender pass at a time: a reply is never sent twice
        self._active_chats: set[tuple[str, str]] = set()
        self._workers: set[asyncio.Task] = set()
        self._slots = asyncio.Semaphore(self.settings.concurrency)
        self._stopping = False
        self._last_sweep: dt.datetime | None = None
        self.metrics = Metrics()
        self.health = Health()

    # --- receiving --------------------------------------------------------------------------------

    async def accept(self, incoming: Incoming) -> bool:
        """Commit an incoming event to the inbox. False for a duplicate delivery. Call before acking."""
        async with self.db.unit_of_work() as session:
            added = await store.add_to_inbox(
                session,
                channel=incoming.channel,
                event_key=incoming.event_key,
                chat_id=incoming.chat_id,
                payload=self.mask(incoming).to_json(),
                now=self.clock.now(),
            )
        if added:
            self.metrics.received.labels(incoming.channel).inc()
            self._work.set()
        return added

    async def accept_many(self, incomings: list[Incoming]) -> list[bool]:
        """Commit a platform batch (one getUpdates answer) to the inbox in one transaction."""
        if not incomings:
            return []
        now = self.clock.now()
        async with self.db.unit_of_work() as session:
            added = [
                await store.add_to_inbox(session, channel=m.channel, event_key=m.event_key, chat_id=m.chat_id,
                                         payload=self.mask(m).to_json(), now=now)
                for m in incomings
            ]
        for incoming, new in zip(incomings, added, strict=True):
            if new:
                self.metrics.received.labels(incoming.channel).inc()
        if any(added):
            self._work.set()
        return added

    # --- processing -------------------------------------------------------------------------------

    async def process_chat_once(self, channel: str, chat_id: str) -> bool:
        """Handle the chat's oldest pending message in one transaction. False when none was waiting."""
        handled, _ = await self._process_next(channel, chat_id)
        return handled

    async def _process_next(self, channel: str, chat_id: str) -> tuple[bool, bool]:
        """(handled, another one waits). The second is looked up in the same transaction, so draining
        a chat costs no extra empty transaction at the end."""
        more, outcome, started = True, "ok", time.perf_counter()
        try:
            async with self.db.unit_of_work() as session:
                item = await store.next_pending(session, channel, chat_id)
                if item is None:
                    return False, False
                await self._handle(session, item)
                more = await store.has_pending_after(session, channel, chat_id, item.id)
        except Exception:
            log.exception("message %s/%s failed; the chat gets an apology", channel, chat_id)
            outcome = "failed"
            await self._fail(channel, chat_id)
        self.metrics.latency.labels(channel).observe(time.perf_counter() - started)
        self.metrics.handled.labels(channel, outcome).inc()
        self._send.set()
        return True, more

    async def _handle(self, session: AsyncSession, item: store.InboxItem) -> None:
        now = self.clock.now()
        unit = Unit(session, Incoming.from_json(item.payload), self.clock, now)
        await self.handler(unit)
        await store.mark_processed(session, item.id, now)
        for reply in unit.replies:
            await store.queue_reply(
                session, channel=item.channel, chat_id=item.chat_id, payload=reply.to_json(), now=now, inbox_id=item.id
            )
        await self._queue(session, unit.notices, now)

    async def _fail(self, channel: str, chat_id: str) -> None:
        """The handler raised: its transaction is gone. Mark the message failed so it is not retried
        forever, and tell the person, in a fresh transaction."""
        async with self.db.unit_of_work() as session:
            item = await store.next_pending(session, channel, chat_id)
            if item is None:
                return
            now = self.clock.now()
            await store.mark_processed(session, item.id, now, failed=True, error="handler error")
            if self.error_reply is not None:
                reply = self.error_reply(Incoming.from_json(item.payload))
                await store.queue_reply(
                    session, channel=channel, chat_id=chat_id, payload=reply.to_json(), now=now, inbox_id=item.id
                )

    async def drain_chat(self, channel: str, chat_id: str) -> None:
        try:
            more = True
            while more and not self._stopping:
                _, more = await self._process_next(channel, chat_id)
        finally:
            self._active_chats.discard((channel, chat_id))
            self._slots.release()
            self._work.set()  # a message may have arrived while this worker was finishing

    async def dispatch_once(self) -> int:
        """Start a worker for every chat with pending messages that has none yet."""
        async with self.db.read() as session:
            chats = await store.chats_with_pending(session)
        started = 0
        for chat in chats:
            if chat in self._active_chats or self._stopping:
                continue
            await self._slots.acquire()
            self._active_chats.add(chat)
            task = asyncio.create_task(self.drain_chat(*chat), name=f"chat {chat[0]}:{chat[1]}")
            self._workers.add(task)
            task.add_done_callback(self._workers.discard)
            started += 1
        return started

    async def run_until_idle(self) -> None:
        """Process everything pending, send every due reply (for tests and one-shot runs)."""
        while True:
            await self.dispatch_once()
            if self._workers:
                await asyncio.gather(*list(self._workers))
            await self.run_jobs_once()
            sent = await self.send_due_once()
            async with self.db.read() as session:
                pending = await store.chats_with_pending(session, limit=1)
            if not pending and not self._workers and not sent:
                return

    # --- sending ----------------------------------------------------------------------------------

    async def send_due_once(self) -> int:
        """Send every due reply, chats concurrently, each chat's replies in order. Returns how many were sent."""
        async with self._send_lock:
            return await self._send_due()

    async def _send_due(self) -> int:
        async with self.db.read() as session:
            due = await store.due_replies(session, self.clock.now())
            due += await self.delivery.probes(session, list(self.senders), due, self.clock.now())
        by_chat: dict[tuple[str, str], list[store.OutboxItem]] = {}
        for item in due:
            by_chat.setdefault((item.channel, item.chat_id), []).append(item)
        counts = await asyncio.gather(*(self._send_chat(items) for items in by_chat.values()))
        return sum(counts)

    async def _send_chat(self, items: list[store.OutboxItem]) -> int:
        sent = 0
        for item in items:
            if not await self._send_one(item):
                break  # keep the chat's order: later replies wait for this one
            sent += 1
        return sent

    async def _send_one(self, item: store.OutboxItem) -> bool:
        sender = self.senders.get(item.channel)
        if sender is None or not getattr(sender, "reaches", _everyone)(item.chat_id):
            return False  # the channel (or this chat) is not served by this process; keep the reply for later
        reply = await self._resolve_edit(item, Reply.from_json(item.payload))
        try:
            message_id = await sender.send(item.chat_id, reply)
        except RetryLater as exc:
            await self._retry(item, exc)
            return False
        except PermanentFailure as exc:
            self.metrics.send_failures.labels(item.channel, "dropped").inc()
            log.warning("reply %s to %s/%s dropped: %s", item.id, item.channel, item.chat_id, exc)
            async with self.db.unit_of_work() as session:
                await store.mark_failed(session, item.id, str(exc), payload=_scrubbed(item))
            return True
        async with self._outage_lock(item.channel), self.db.unit_of_work() as session:
            await store.mark_sent(session, item.id, self.clock.now(), message_id or "", payload=_scrubbed(item))
            recovered = await self.delivery.sent(session, item.channel, self.clock.now())
            await self._queue(session, recovered or [], self.clock.now())
        self.metrics.sent.labels(item.channel).inc()
        if recovered is not None:
            self._send.set()  # the channel's other waiting replies are due now
        return True

    def _outage_lock(self, channel: str) -> contextlib.AbstractAsyncContextManager:
        """Outages open and close one at a time; a channel that delivers needs no lock."""
        return contextlib.nullcontext() if channel in self.delivery.ok else self.delivery.lock

    async def _resolve_edit(self, item: store.OutboxItem, reply: Reply) -> Reply:
        """An edit names the earlier message by its token; the platform needs that message's id."""
        if reply.kind != "edit" or reply.edit_message_id or not reply.token:
            return reply
        async with self.db.read() as session:
            message_id = await store.sent_message_id(session, item.channel, item.chat_id, reply.token)
        return dataclasses.replace(reply, edit_message_id=message_id)

    async def _retry(self, item: store.OutboxItem, exc: RetryLater) -> None:
        """Back off (doubling, capped) and try again until the horizon; past it the reply is
        'expired': kept, listed by `main.py admin outbox`, and the administrators are told."""
        attempts, now = item.attempts + 1, self.clock.now()
        give_up_at = (item.not_before or item.created_at) + dt.timedelta(seconds=self.settings.send_horizon)
        self.delivery.failed(item.channel, exc.after)
        async with self._outage_lock(item.channel), self.db.unit_of_work() as session:
            if now >= give_up_at:
                log.error("reply %s to %s/%s undelivered after %d attempts: %s",
                          item.id, item.channel, item.chat_id, attempts, exc)
                self.metrics.send_failures.labels(item.channel, "gave_up").inc()
                await store.mark_expired(session, item.id, str(exc), payload=_scrubbed(item))
                if item.payload.get("token") != UNDELIVERED_TOKEN:
                    await self._queue(session, await self.delivery.expired(session, item.channel, now), now)
                return
            self.metrics.send_failures.labels(item.channel, "retry").inc()
            s = self.settings
            delay = exc.after if exc.after is not None else min(s.send_backoff_cap, s.send_backoff * 2 ** (attempts - 1))
            delay *= 1 + random.uniform(0, 0.25)  # jitter: retries of many chats do not land together
            next_at = min(now + dt.timedelta(seconds=delay), give_up_at)  # the last try is at the horizon
            await store.mark_retry(session, item.id, next_at, str(exc))
        self._send.set()  # an expiry notice, or nothing: the loop sleeps until the next due time anyway
        log.info("reply %s to %s/%s retried in %.1fs: %s", item.id, item.channel, item.chat_id, delay, exc)

    # --- timed work -------------------------------------------------------------------------------

    async def run_jobs_once(self) -> int:
        """Run due timed jobs and sweepers (expired drafts). Each job's effects and its 'done' mark
        commit together, so it runs once even across restarts."""
        now = self.clock.now()
        async with self.db.read() as session:
            jobs = await store.due_jobs(session, now)
        ran = 0
        for job in jobs:
            handler = self.job_handlers.get(job.kind)
            if handler is None:
                continue
            with self._counted(job.kind) as outcome:
                async with self.db.unit_of_work() as session:
                    if not await store.claim_job(session, job.id, now):
                        outcome["claimed"] = False  # another pass took it
                        continue
                    await self._queue(session, await handler(session, job, now), now)
            ran += 1
        if self._last_sweep is None or (now - self._last_sweep).total_seconds() >= self.settings.sweep_interval:
            self._last_sweep = now
            for sweeper in self.sweepers:
                with self._counted(getattr(sweeper, "__name__", "sweep")):
                    async with self.db.unit_of_work() as session:
                        ran += await self._queue(session, await sweeper(session, now), now)
        if ran:
            self._send.set()
        return ran

    @contextlib.contextmanager
    def _counted(self, kind: str):
        """jobs_run / jobs_failed for one job or sweep; the exception goes on."""
        outcome = {"claimed": True}
        try:
            yield outcome
        except Exception:
            self.metrics.jobs_failed.labels(kind).inc()
            raise
        if outcome["claimed"]:
            self.metrics.jobs_run.labels(kind).inc()

    async def notify(self, chats: list[tuple[str, str]], reply: Reply) -> None:
        """Queue one message to several chats (the administrators), outside any unit of work."""
        if not chats:
            return
        async with self.db.unit_of_work() as session:
            await self._queue(session, [(channel, chat, reply) for channel, chat in chats], self.clock.now())
        self._send.set()

    async def _queue(self, session: AsyncSession, messages: list[tuple[str, str, Reply]], now: dt.datetime) -> int:
        """Queue messages to chats (a job's, a sweep's, a handler's notices); a polite one queued in quiet
        hours waits in the outbox until they end (bot/quiet.py)."""
        held = self.quiet.release_at(now) if self.quiet else None
        for channel, chat_id, reply in messages:
            await store.queue_reply(
                session, channel=channel, chat_id=chat_id, payload=reply.to_json(), now=now, inbox_id=None,
                not_before=held if reply.polite else None,
            )
        return len(messages)

    # --- the running process ----------------------------------------------------------------------

    async def run(self) -> None:
        """Run the dispatcher, the sender and the scheduler until `stop()`; then finish the messages
        in hand and send what they queued."""
        self._work.set()
        self._send.set()
        loops = [self._loop(self._work, self.dispatch_once), self._loop(self._send, self.send_due_once),
                 self._loop(self._tick, self.run_jobs_once)]
        await asyncio.gather(*loops)
        if self._workers:
            await asyncio.gather(*list(self._workers), return_exceptions=True)
        await self.send_due_once()

    async def _loop(self, event: asyncio.Event, step: Callable[[], Awaitable[Any]]) -> None:
        while not self._stopping:
            event.clear()
            self.health.beat()
            try:
                await step()
            except Exception:
                log.exception("engine loop %s failed; retrying", getattr(step, "__name__", step))
            await self._wait(event)

    async def _wait(self, event: asyncio.Event) -> None:
        if self._stopping:
            return
        try:
            await asyncio.wait_for(event.wait(), self.settings.poll_interval)
        except TimeoutError:
            pass

    async def stop(self) -> None:
        """Ask `run()` to finish the messages in hand and return."""
        self._stopping = True
        self.health.engine_stopped = True
        for event in (self._work, self._send, self._tick):
            event.set()


def _scrubbed(item: store.OutboxItem) -> dict[str, Any] | None:
    """The payload to keep once a reply is out of the queue, if it carried a secret (a link code)."""
    if not item.payload.get("secret"):
        return None
    return Reply.from_json(item.payload).scrubbed().to_json()
