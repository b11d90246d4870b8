"""Telegram's update delivery: the pending queue behind getUpdates, and the webhook pusher.

Semantics follow the getUpdates and setWebhook descriptions in api-10.0.json:

- an update stays pending until *confirmed* by a getUpdates call whose ``offset`` is higher than
  its ``update_id``; a negative offset keeps only the last ``-offset`` updates;
- updates of kinds not in ``allowed_updates`` are never delivered (the default excludes
  chat_member, message_reaction and message_reaction_count); the last list given is remembered;
- a webhook gets one POST per update, in order, with ``X-Telegram-Bot-Api-Secret-Token``; a
  non-2xx answer is retried, and the update is dropped after the last attempt.

``duplicate_deliveries`` makes the fake ignore the first confirmation of each update (so polling
returns it twice) and POST each update twice to a webhook: the bot must de-duplicate on update_id.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from .base import Signal
from .telegram_spec import OPT_IN_UPDATES
from .webhook import DeliveryResult, post_update


class PollConflict(Exception):
    """A newer getUpdates call took over (Telegram answers the older one with 409)."""


@dataclass
class Pending:
    update: dict[str, Any]
    confirmations: int = 0

    @property
    def update_id(self) -> int:
        return self.update["update_id"]

    @property
    def kind(self) -> str:
        return next(k for k in self.update if k != "update_id")


@dataclass
class WebhookState:
    """What setWebhook stored; ``url == ""`` means no webhook."""

    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None
    deliveries: list[DeliveryResult] = field(default_factory=list)


class UpdateQueue:
    """Pending updates, handed out by long polling or pushed to a webhook."""

    def __init__(self, changed: Signal, first_update_id: int = 10_000) -> None:
        self.duplicate_deliveries = False
        self.allowed_updates: list[str] = []
        self._pending: list[Pending] = []
        self._next_id = first_update_id
        self._poll_generation = 0
        self.changed = changed

    def add(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue a new update ``{"update_id": n, kind: payload}`` and wake pollers."""
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self._pending.append(Pending(update))
        self.changed.notify()
        return update

    def __len__(self) -> int:
        return len(self._pending)

    def drop_all(self) -> None:
        """drop_pending_updates=True."""
        self._pending.clear()

    async def poll(self, offset: int, limit: int, poll_seconds: float) -> list[dict[str, Any]]:
        """One getUpdates call: confirm below ``offset``, then wait up to ``poll_seconds`` for updates."""
        self._poll_generation += 1
        generation = self._poll_generation
        self.changed.notify()  # an older, still waiting poll must now give up
        self._confirm(offset)
        deadline = time.monotonic() + poll_seconds
        while True:
            batch = self._deliverable(offset)[: min(max(limit, 1), 100)]
            if batch or time.monotonic() >= deadline:
                return [entry.update for entry in batch]
            await self.changed.wait(deadline - time.monotonic())
            if generation != self._poll_generation:
                raise PollConflict

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            self._pending = self._pending[offset:]
            return
        kept = []
        for entry in self._pending:
            if entry.update_id < offset:
                entry.confirmations += 1
                if not (self.duplicate_deliveries and entry.confirmations == 1):
                    continue
            kept.append(entry)
        self._pending = kept

    def _deliverable(self, offset: int) -> list[Pending]:
        """Allowed pending updates at or above ``offset`` (plus, when duplicating, the once-confirmed)."""
        self._pending = [e for e in self._pending if self._allowed(e.kind)]
        return [e for e in self._pending if e.update_id >= offset or e.confirmations == 1]

    def _allowed(self, kind: str) -> bool:
        if not self.allowed_updates:
            return kind not in OPT_IN_UPDATES
        return kind in self.allowed_updates

    def next_for_webhook(self) -> Pending | None:
        return next(iter(self._deliverable(0)), None)

    def remove(self, entry: Pending) -> None:
        if entry in self._pending:
            self._pending.remove(entry)


class WebhookPusher:
    """Background task that POSTs pending updates to the registered webhook, one at a time."""

    def __init__(self, queue: UpdateQueue, *, attempts: int, retry_delay: float, max_delay: float | None = None) -> None:
        self.queue = queue
        self.state = WebhookState()
        self.attempts = attempts
        self.retry_delay = retry_delay
        self.max_delay = max_delay
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def set(self, state: WebhookState) -> None:
        """Register (or, with ``url == ""``, remove) the webhook and make sure the pusher runs."""
        self.state = state
        if state.url and (self._task is None or self._task.done()):
            self._task = asyncio.get_running_loop().create_task(self._run())
        self.queue.changed.notify()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    async def _run(self) -> None:
        self._session = self._session or aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        while self.state.url:
            entry = self.queue.next_for_webhook()
            if entry is None:
                await self.queue.changed.wait(1.0)
                continue
            await self._deliver(entry)
            self.queue.remove(entry)

    async def _deliver(self, entry: Pending) -> None:
        """POST one update (twice when duplicating); remember the last error for getWebhookInfo."""
        headers = {"Content-Type": "application/json"}
        if self.state.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.state.secret_token
        body = json.dumps(entry.update)
        for _ in range(2 if self.queue.duplicate_deliveries else 1):
            assert self._session is not None
            attempts = await post_update(
                self._session,
                self.state.url,
                body,
                headers,
                attempts=self.attempts,
                retry_delay=self.retry_delay,
                max_delay=self.max_delay,
            )
            self.state.deliveries.extend(attempts)
            for failed in (a for a in attempts if not a.ok):
                self.state.last_error_date = int(time.time())
                self.state.last_error_message = failed.error
        self.queue.changed.notify()
