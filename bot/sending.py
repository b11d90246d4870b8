"""The engine's sender: queued replies out to the platforms, in each chat's order, retried, marked sent.

The outbox is the durable record; what this process queued itself it also knows in memory (issue 23):
- a unit of work hands the replies it committed to the sender (`_hand_over`), which sends them without
  reading the outbox again;
- the outbox is read (a *scan*) at start, after a send that failed, while a chat waits out a back-off,
  when notices were queued (other chats, timed jobs: they may have their own rules), and every
  `rescan_interval` seconds as a slow fallback (replies queued by another process: `admin outbox retry`);
- replies sent are marked in the database in batches: by the next inbox commit or unit of work (they
  write anyway) or, if none comes within `mark_delay`, by the sender in one transaction. A kill before
  the mark sends those replies again at the next start, as a kill between sending and marking always
  did (delivery is at least once).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import datetime as dt
import logging
import random
import time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Reply
from storage import engine_hot
from storage import engine_store as store

log = logging.getLogger(__name__)

UNDELIVERED_TOKEN = "outbox-undelivered"  # marks the notices about an outage (never noticed themselves)
RECENT = 4096  # ids of replies sent lately: a late hand-over or a scan never sends one twice


class RetryLater(Exception):
    """The platform asked us to wait (429) or failed transiently (5xx, network)."""

    def __init__(self, reason: str, after: float | None = None):
        super().__init__(reason)
        self.after = after


class PermanentFailure(Exception):
    """The platform will never accept this reply (blocked bot, bad chat): give up on it."""


def _everyone(_chat_id: str) -> bool:
    return True


@dataclasses.dataclass
class Mark:
    item: store.OutboxItem
    at: dt.datetime
    message_id: str


class Sending:
    """Mixed into bot.engine.Engine (which owns db, clock, settings, senders, delivery, metrics)."""

    def _init_sending(self) -> None:
        self._send = asyncio.Event()
        self._send_lock = asyncio.Lock()  # one sender pass at a time: a reply is never sent twice
        self._fresh: list[store.OutboxItem] = []  # committed by this process, due now, not yet sent
        self._marks: list[Mark] = []  # sent, not yet marked in the database
        self._marks_since = 0.0
        self._mark_timer: asyncio.TimerHandle | None = None
        self._recent: collections.deque[int] = collections.deque(maxlen=RECENT)
        self._recent_ids: set[int] = set()
        self._unsettled: set[tuple[str, str]] = set()  # chats whose replies wait in the outbox (back-off)
        self._outbox_scan_at = 0.0  # monotonic time of the next scan: 0, at the next pass

    # --- handing over ------------------------------------------------------------------------------

    def _hand_over(self, items: list[store.OutboxItem]) -> None:
        """Replies just committed, due now: sent from memory by the next pass."""
        if items:
            self._fresh.extend(items)
            self._send.set()

    def _scan_outbox_soon(self) -> None:
        self._outbox_scan_at = 0.0
        self._send.set()

    # --- the passes --------------------------------------------------------------------------------

    async def send_due_once(self) -> int:
        """Read the outbox, send every due reply (chats concurrently, each chat's replies in order), and
        mark them sent. Returns how many were sent."""
        async with self._send_lock:
            sent = await self._send_pass(scan=True)
            await self._flush_marks()
            return sent

    async def _send_step(self) -> int:
        """The sender loop's pass: from memory, or from the outbox when a scan is due; marks written
        when nobody else took them within `mark_delay`."""
        async with self._send_lock:
            scan = bool(self._unsettled) or time.monotonic() >= self._outbox_scan_at
            sent = await self._send_pass(scan=scan)
            if self._marks and time.monotonic() - self._marks_since >= self.settings.mark_delay:
                await self._flush_marks()
            self._wake_for_marks()
            return sent

    def _wake_for_marks(self) -> None:
        """Marks waiting: a pass after `mark_delay` writes them if no transaction took them by then."""
        if self._marks and self._mark_timer is None:
            self._mark_timer = asyncio.get_running_loop().call_later(self.settings.mark_delay, self._marks_due)

    def _marks_due(self) -> None:
        self._mark_timer = None
        self._send.set()

    async def _send_pass(self, scan: bool) -> int:
        fresh, self._fresh = self._fresh, []  # a scan finds these: committed before it reads
        if scan:
            self._outbox_scan_at = time.monotonic() + self.settings.rescan_interval
            now = self.clock.now()
            async with self.db.read() as session:
                due = await store.due_replies(session, now)
                if len(due) >= 500:
                    self._outbox_scan_at = 0.0  # more than one read's worth: read on at the next pass
                due += await self.delivery.probes(session, list(self.senders), due, now)
                if self._unsettled:  # chats waiting out a back-off: settled once nothing of theirs is pending
                    self._unsettled &= await engine_hot.pending_chats(session, now)
        else:
            due = fresh
        due = [item for item in due if item.id not in self._recent_ids]
        by_chat: dict[tuple[str, str], list[store.OutboxItem]] = {}
        for item in sorted(due, key=lambda i: i.id) if not scan else due:
            by_chat.setdefault((item.channel, item.chat_id), []).append(item)
        counts = await asyncio.gather(*(self._send_chat(chat, items) for chat, items in by_chat.items()))
        return sum(counts)

    async def _send_chat(self, chat: tuple[str, str], items: list[store.OutboxItem]) -> int:
        sent = 0
        for item in items:
            if not await self._send_one(item):
                break  # keep the chat's order: later replies wait for this one
            sent += 1
        else:
            self._unsettled.discard(chat)
        return sent

    async def _send_one(self, item: store.OutboxItem) -> bool:
        sender = self.senders.get(item.channel)
        if sender is None or not getattr(sender, "reaches", _everyone)(item.chat_id):
            return False  # the channel (or this chat) is not served by this process; kept for a later scan
        reply = await self._resolve_edit(item, Reply.from_json(item.payload))
        try:
            message_id = await sender.send(item.chat_id, reply)
        except RetryLater as exc:
            await self._retry(item, exc)
            return False
        except PermanentFailure as exc:
            self.metrics.send_failures.labels(item.channel, "dropped").inc()
            log.warning("reply %s to %s/%s dropped: %s", item.id, item.channel, item.chat_id, exc)
            self._remember(item.id)
            async with self.db.unit_of_work() as session:
                await store.mark_failed(session, item.id, str(exc), payload=_scrubbed(item))
            return True
        self._remember(item.id)
        self.metrics.sent.labels(item.channel).inc()
        if item.channel in self.delivery.ok and not item.payload.get("secret"):
            if not self._marks:
                self._marks_since = time.monotonic()
            self._marks.append(Mark(item, self.clock.now(), message_id or ""))
            return True
        async with self._outage_lock(item.channel), self.db.unit_of_work() as session:
            await store.mark_sent(session, item.id, self.clock.now(), message_id or "", payload=_scrubbed(item))
            recovered = await self.delivery.sent(session, item.channel, self.clock.now())
            await self._queue(session, recovered or [], self.clock.now())
        if recovered is not None:
            self._scan_outbox_soon()  # the channel's other waiting replies are due now
        return True

    def _remember(self, outbox_id: int) -> None:
        if len(self._recent) == RECENT:
            self._recent_ids.discard(self._recent[0])
        self._recent.append(outbox_id)
        self._recent_ids.add(outbox_id)

    # --- the sent marks ----------------------------------------------------------------------------

    def _take_marks(self) -> list[Mark]:
        marks, self._marks = self._marks, []
        return marks

    def _give_back_marks(self, marks: list[Mark]) -> None:
        """A transaction that carried them rolled back: they wait for the next."""
        if marks:
            self._marks = marks + self._marks
            self._marks_since = time.monotonic() - self.settings.mark_delay  # written at the next pass
            with contextlib.suppress(RuntimeError):  # no running loop: the next pass will
                self._wake_for_marks()

    @staticmethod
    async def _write_marks(session: AsyncSession, marks: list[Mark]) -> None:
        await engine_hot.mark_sent_many(session, [(m.item.id, m.at, m.message_id) for m in marks])

    @contextlib.asynccontextmanager
    async def _carrying_marks(self):
        """Around a write transaction (an inbox commit, a unit of work): the sent marks ride along; if it
        rolls back they are given back. Yields the marks to write inside it."""
        marks = self._take_marks()
        try:
            yield marks
        except BaseException:
            self._give_back_marks(marks)
            raise

    async def _flush_marks(self) -> None:
        if not self._marks:
            return
        async with self._carrying_marks() as marks, self.db.writing(atomic=len(marks) > 1) as session:
            await self._write_marks(session, marks)

    # --- failures and edits ------------------------------------------------------------------------

    def _outage_lock(self, channel: str) -> contextlib.AbstractAsyncContextManager:
        """Outages open and close one at a time; a channel that delivers needs no lock."""
        return contextlib.nullcontext() if channel in self.delivery.ok else self.delivery.lock

    async def _resolve_edit(self, item: store.OutboxItem, reply: Reply) -> Reply:
        """An edit names the earlier message by its token; the platform needs that message's id (in
        memory while its sent mark waits, else in the outbox)."""
        if reply.kind != "edit" or reply.edit_message_id or not reply.token:
            return reply
        message_id = next((m.message_id for m in reversed(self._marks) if m.item.channel == item.channel
                           and m.item.chat_id == item.chat_id and m.item.payload.get("token") == reply.token), None)
        if message_id is None:
            async with self.db.read() as session:
                message_id = await store.sent_message_id(session, item.channel, item.chat_id, reply.token)
        return dataclasses.replace(reply, edit_message_id=message_id)

    async def _retry(self, item: store.OutboxItem, exc: RetryLater) -> None:
        """Back off (doubling, capped) and try again until the horizon; past it the reply is
        'expired': kept, listed by `main.py admin outbox`, and the administrators are told."""
        attempts, now = item.attempts + 1, self.clock.now()
        give_up_at = (item.not_before or item.created_at) + dt.timedelta(seconds=self.settings.send_horizon)
        self.delivery.failed(item.channel, exc.after)
        self._unsettled.add((item.channel, item.chat_id))  # its replies come from the outbox until they go
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


def _scrubbed(item: store.OutboxItem) -> dict[str, Any] | None:
    """The payload to keep once a reply is out of the queue, if it carried a secret (a link code)."""
    if not item.payload.get("secret"):
        return None
    return Reply.from_json(item.payload).scrubbed().to_json()
