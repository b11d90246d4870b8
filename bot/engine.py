"""The conversation engine: inbox in, one unit of work per message, outbox out.

Adapters call `accept()` which commits the raw event to the inbox before they acknowledge it to the
platform. Workers drain the inbox chat by chat in arrival order, different chats concurrently; each
message is one transaction (inbox row done, state read and written, records, audit, replies queued).
The sender delivers queued replies after the commit and retries them (bot/sending.py). A kill at any
point loses nothing: an unprocessed inbox row is processed at the next start, an unsent reply is sent then.

The database is the durable record, and what this process committed it also knows in memory (issue 23):
`accept()` hands the stored message to its chat's worker, a unit of work hands its replies to the
sender. The inbox is read again only at start, after a unit of work failed, and every
`rescan_interval` seconds as a slow fallback.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.delivery import Delivery
from bot.health import Health
from bot.messages import Incoming, Reply
from bot.metrics import Metrics
from bot.quiet import QuietHours, answering
from bot.sending import UNDELIVERED_TOKEN, PermanentFailure, RetryLater, Sending
from storage import engine_hot
from storage import engine_store as store
from storage.db import Database

log = logging.getLogger(__name__)


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

__all__ = ["UNDELIVERED_TOKEN", "Engine", "EngineSettings", "PermanentFailure", "RetryLater", "Unit"]


@dataclass
class EngineSettings:
    concurrency: int = 16
    poll_interval: float = 1.0
    send_horizon: float = 24 * 3600.0  # seconds a reply is retried (from when it was queued) before admins hear of it
    send_backoff: float = 1.0  # first pause between tries, doubled each time …
    send_backoff_cap: float = 300.0  # … up to this
    send_probe: float = 5.0  # a failing channel's oldest reply is tried this often, whatever its back-off
    sweep_interval: float = 30.0  # seconds between sweeps (expired drafts, reminders): each takes the write lock
    rescan_interval: float = 10.0  # the inbox and outbox read again at most this long after the last read
    mark_delay: float = 0.2  # sent marks wait this long for a transaction to ride along with, then go alone


class Engine(Sending):
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
        self._tick = asyncio.Event()  # wakes the scheduler loop (only on stop)
        self._init_sending()
        self._queued: dict[tuple[str, str], list[store.InboxItem]] = {}  # stored, not yet handled, by chat
        self._known: set[int] = set()  # inbox ids queued in memory or being handled
        self._inbox_scan_at = 0.0  # monotonic time of the next inbox read: 0, at the next dispatch
        self._active_chats: set[tuple[str, str]] = set()
        self._workers: set[asyncio.Task] = set()
        self._slots = asyncio.Semaphore(self.settings.concurrency)
        self._stopping = False
        self._last_sweep: dt.datetime | None = None
        self._jobs_read_at = 0.0  # monotonic time of the next read of the due jobs: 0, at the next tick
        self.metrics = Metrics()
        self.health = Health()

    # --- receiving --------------------------------------------------------------------------------

    async def accept(self, incoming: Incoming) -> bool:
        """Commit an incoming event to the inbox. False for a duplicate delivery. Call before acking."""
        return (await self.accept_many([incoming]))[0]

    async def accept_many(self, incomings: list[Incoming]) -> list[bool]:
        """Commit a platform batch (one getUpdates answer) to the inbox in one transaction, and hand what
        is new to the workers. The sent marks waiting ride along (one write transaction fewer)."""
        if not incomings:
            return []
        now = self.clock.now()
        items = [store.InboxItem(0, m.channel, m.chat_id, m.event_key, self.mask(m).to_json()) for m in incomings]
        try:  # one statement alone commits by itself (PostgreSQL: no BEGIN, COMMIT); more share a transaction
            async with self._carrying_marks() as marks, self.db.writing(True, atomic=len(items) + bool(marks) > 1) as session:
                ids = [await engine_hot.add_to_inbox(session, channel=i.channel, event_key=i.event_key,
                                                     chat_id=i.chat_id, payload=i.payload, now=now) for i in items]
                await self._write_marks(session, marks)
        except Exception:
            self._inbox_scan_at = 0.0  # some may be stored: the next dispatch reads them
            raise
        for item, inbox_id in zip(items, ids, strict=True):
            if inbox_id is not None:
                self.metrics.received.labels(item.channel).inc()
                self._enqueue(dataclasses.replace(item, id=inbox_id))
        if any(i is not None for i in ids):
            self._work.set()
        return [i is not None for i in ids]

    def _enqueue(self, item: store.InboxItem) -> None:
        """A stored message for its chat's worker, in id order; one already queued or in hand is not."""
        if item.id in self._known:
            return
        self._known.add(item.id)
        bisect.insort(self._queued.setdefault((item.channel, item.chat_id), []), item, key=lambda i: i.id)

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
                await store.mark_processed(session, item.id, self.clock.now())
                queued = await self._handle(session, item)
                more = await store.has_pending_after(session, channel, chat_id, item.id)
            self._hand_over(queued)
        except Exception:
            log.exception("message %s/%s failed; the chat gets an apology", channel, chat_id)
            outcome = "failed"
            await self._fail(channel, chat_id)
            self._scan_outbox_soon()
        self.metrics.latency.labels(channel).observe(time.perf_counter() - started)
        self.metrics.handled.labels(channel, outcome).inc()
        self._send.set()
        return True, more

    async def _handle(self, session: AsyncSession, item: store.InboxItem) -> list[store.OutboxItem]:
        """Run the handler; queue its replies (returned, for the sender) and its notices."""
        now = self.clock.now()
        unit = Unit(session, Incoming.from_json(item.payload), self.clock, now)
        await self.handler(unit)
        queued = []
        for reply in unit.replies:
            payload = reply.to_json()
            outbox_id = await store.queue_reply(session, channel=item.channel, chat_id=item.chat_id, payload=payload,
                                                now=now, inbox_id=item.id)
            queued.append(store.OutboxItem(outbox_id, item.channel, item.chat_id, payload, 0, now))
        await self._queue(session, unit.notices, now)
        return queued

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
        """Handle the chat's messages in memory, oldest first, one unit of work each, until none is left."""
        chat = (channel, chat_id)
        try:
            while not self._stopping and self._queued.get(chat):
                queue = self._queued[chat]
                item = queue.pop(0)
                if not queue:
                    del self._queued[chat]
                try:
                    done = await self._process_item(item)
                finally:
                    self._known.discard(item.id)
                if not done:  # the connection died: the message waits (first in its chat) for a moment
                    self._enqueue(item)
                    await asyncio.sleep(1.0)
                    break
        finally:
            self._active_chats.discard(chat)
            self._slots.release()
            self._work.set()  # a message may have arrived while this worker was finishing

    async def _process_item(self, item: store.InboxItem) -> bool:
        """One message, one transaction: claimed (done) with its effects and its replies; the replies
        then go to the sender in memory. A failure rolls it all back, and the message is marked failed
        and the person told, in a fresh transaction — unless the database connection died (a server
        restart): then the message stays pending and is tried again (False)."""
        outcome, started, queued = "ok", time.perf_counter(), []
        try:
            async with self._carrying_marks() as marks, self.db.unit_of_work() as session:
                await self._write_marks(session, marks)
                if await engine_hot.claim(session, item.id, self.clock.now()):
                    queued = await self._handle(session, item)
            self._scheduled_in(session)
        except Exception as error:
            if isinstance(error, DBAPIError) and error.connection_invalidated:
                log.warning("message %s/%s: the database connection was lost; tried again",
                            item.channel, item.chat_id)
                self._inbox_scan_at = 0.0
                return False
            log.exception("message %s/%s failed; the chat gets an apology", item.channel, item.chat_id)
            outcome, queued = "failed", []
            self._inbox_scan_at = 0.0  # read the inbox again: the database is the record
            await self._fail_item(item)
        self._hand_over(queued)
        self.metrics.latency.labels(item.channel).observe(time.perf_counter() - started)
        self.metrics.handled.labels(item.channel, outcome).inc()
        return True

    async def _fail_item(self, item: store.InboxItem) -> None:
        async with self.db.unit_of_work() as session:
            now = self.clock.now()
            if not await engine_hot.fail(session, item.id, now, "handler error") or self.error_reply is None:
                return
            reply = self.error_reply(Incoming.from_json(item.payload))
            await store.queue_reply(session, channel=item.channel, chat_id=item.chat_id, payload=reply.to_json(),
                                    now=now, inbox_id=item.id)
        self._scan_outbox_soon()

    async def dispatch_once(self, scan: bool = True) -> int:
        """Start a worker for every chat with messages waiting that has none yet; with `scan`, read the
        inbox first (what another process or an earlier run stored)."""
        if scan:
            self._inbox_scan_at = time.monotonic() + self.settings.rescan_interval
            async with self.db.read() as session:
                for item in await engine_hot.pending(session):
                    self._enqueue(item)
        started = 0
        for chat in list(self._queued):
            if chat in self._active_chats or self._stopping:
                continue
            await self._slots.acquire()
            self._active_chats.add(chat)
            task = asyncio.create_task(self.drain_chat(*chat), name=f"chat {chat[0]}:{chat[1]}")
            self._workers.add(task)
            task.add_done_callback(self._workers.discard)
            started += 1
        return started

    async def _dispatch_step(self) -> int:
        """The dispatcher loop's pass: memory, and the inbox read when its time has come."""
        return await self.dispatch_once(scan=time.monotonic() >= self._inbox_scan_at)

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

    # --- timed work -------------------------------------------------------------------------------

    async def _jobs_step(self) -> int:
        """The scheduler loop's pass: the due jobs read when the earliest known one is due, when a unit
        of work here scheduled one, and every `rescan_interval` (another process's); sweeps on time."""
        if time.monotonic() >= self._jobs_read_at:
            return await self.run_jobs_once()
        return await self._sweep(self.clock.now())

    def _scheduled_in(self, session: AsyncSession) -> None:
        """A committed unit of work that scheduled a job: read the due jobs at the next tick."""
        if session.info.pop(store.SCHEDULED, False):
            self._jobs_read_at = 0.0
            self._tick.set()

    async def run_jobs_once(self) -> int:
        """Run due timed jobs and sweepers (expired drafts). Each job's effects and its 'done' mark
        commit together, so it runs once even across restarts."""
        now = self.clock.now()
        async with self.db.read() as session:
            jobs = await store.due_jobs(session, now)
            upcoming = await store.next_due(session) if len(jobs) < store.DUE_LIMIT else now
        wait = self.settings.rescan_interval if upcoming is None else (upcoming - now).total_seconds()
        self._jobs_read_at = time.monotonic() + max(0.0, min(self.settings.rescan_interval, wait))
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
                self._scheduled_in(session)
            ran += 1
        if ran:
            self._send.set()
        return ran + await self._sweep(now)

    async def _sweep(self, now: dt.datetime) -> int:
        ran = 0
        if self._last_sweep is None or (now - self._last_sweep).total_seconds() >= self.settings.sweep_interval:
            self._last_sweep = now
            for sweeper in self.sweepers:
                with self._counted(getattr(sweeper, "__name__", "sweep")):
                    async with self.db.unit_of_work() as session:
                        ran += await self._queue(session, await sweeper(session, now), now)
                    self._scheduled_in(session)
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

    async def queue_in(self, session: AsyncSession, messages: list[tuple[str, str, Reply]], now: dt.datetime) -> int:
        """Queue messages [(channel, chat id, reply)] in the caller's unit of work: they go out once its
        transaction commits, nothing if it rolls back; quiet hours as for the engine's own. Returns how many."""
        return await self._queue(session, messages, now)

    async def _queue(self, session: AsyncSession, messages: list[tuple[str, str, Reply]], now: dt.datetime) -> int:
        """Queue messages to chats (a job's, a sweep's, a handler's notices); a polite one queued in quiet
        hours waits in the outbox until they end (bot/quiet.py). The sender reads them from the outbox at
        its next pass (not handed over in memory: they may be held)."""
        held = self.quiet.release_at(now) if self.quiet else None
        if messages:
            self._outbox_scan_at = 0.0
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
        loops = [self._loop(self._work, self._dispatch_step), self._loop(self._send, self._send_step),
                 self._loop(self._tick, self._jobs_step)]
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
        try:  # a timeout scope, not wait_for: no task made for every wait (one per message and loop)
            async with asyncio.timeout(self.settings.poll_interval):
                await event.wait()
        except TimeoutError:
            pass

    async def stop(self) -> None:
        """Ask `run()` to finish the messages in hand and return."""
        self._stopping = True
        self.health.engine_stopped = True
        for event in (self._work, self._send, self._tick):
            event.set()

