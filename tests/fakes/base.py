"""What both fake servers share: the aiohttp lifecycle, call recording, faults and waiting."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Self, TypeVar

from aiohttp import web

T = TypeVar("T")


@dataclass(frozen=True)
class RecordedCall:
    """One API request as the fake decoded it, for assertions on what the bot sent."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


@dataclass
class Failure:
    """A planned error answer: ``status`` for the next ``remaining`` calls of a method."""

    status: int
    remaining: int
    retry_after: int | None = None
    description: str | None = None


@dataclass
class Slowness:
    """A planned delay before answering; ``remaining=None`` means for every call."""

    seconds: float
    remaining: int | None = None


class Faults:
    """Fault switches keyed by method name; ``"*"`` matches every method."""

    def __init__(self) -> None:
        self._failures: dict[str, Failure] = {}
        self._slowness: dict[str, Slowness] = {}

    def fail_next(
        self,
        method: str,
        status: int = 429,
        *,
        retry_after: int | None = 1,
        count: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` with ``status`` instead of handling them."""
        self._failures[method] = Failure(status, count, retry_after, description)

    def slow(self, method: str, seconds: float, *, count: int | None = None) -> None:
        """Delay answers to ``method`` by ``seconds`` (for ``count`` calls, or always)."""
        self._slowness[method] = Slowness(seconds, count)

    def clear(self) -> None:
        """Drop every planned failure and delay."""
        self._failures.clear()
        self._slowness.clear()

    def take_failure(self, method: str) -> Failure | None:
        """Consume one planned failure for ``method`` (exact name first, then ``"*"``)."""
        for key in (method, "*"):
            failure = self._failures.get(key)
            if failure is not None:
                failure.remaining -= 1
                if failure.remaining <= 0:
                    del self._failures[key]
                return failure
        return None

    def take_delay(self, method: str) -> float:
        """Consume one planned delay for ``method``; 0 when none is planned."""
        for key in (method, "*"):
            slowness = self._slowness.get(key)
            if slowness is not None:
                if slowness.remaining is not None:
                    slowness.remaining -= 1
                    if slowness.remaining <= 0:
                        del self._slowness[key]
                return slowness.seconds
        return 0.0


class Signal:
    """Wakes every waiter when the fake's state changes (a message sent, an update queued)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> None:
        """Wait for the next change, at most ``seconds``; returns quietly when none came."""
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), max(seconds, 0))
        except TimeoutError:
            pass


class FakeServer:
    """An aiohttp app on 127.0.0.1 with a free port; subclasses add routes in ``_setup_routes``.

    Use as ``async with FakeX() as fake:`` or ``await fake.start()`` … ``await fake.close()``.
    """

    def __init__(self) -> None:
        self.faults = Faults()
        self.calls: Counter[str] = Counter()
        self.requests: list[RecordedCall] = []
        self.violations: list[str] = []
        self.url = ""
        self._changed = Signal()
        self._runner: web.AppRunner | None = None

    def _setup_routes(self, app: web.Application) -> None:
        raise NotImplementedError

    def _middlewares(self) -> list[Any]:
        return []

    async def start(self, port: int = 0) -> Self:
        """Listen on a free loopback port (or ``port``: a platform coming back where it was unreachable);
        ``self.url`` is then ``http://127.0.0.1:<port>``."""
        # Uploads (sendDocument) may be tens of MB; aiohttp's default cap is 1 MiB.
        app = web.Application(client_max_size=64 * 1024 * 1024, middlewares=self._middlewares())
        self._setup_routes(app)
        # Cancel a handler when its client goes away, so an abandoned long poll does not linger.
        self._runner = web.AppRunner(app, handler_cancellation=True, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self

    async def close(self) -> None:
        """Stop listening; idempotent."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def _record(self, method: str, params: dict[str, Any]) -> None:
        self.calls[method] += 1
        self.requests.append(RecordedCall(method, params))

    def _bad_token(self) -> None:
        """A call with a token the platform does not know: counted, and waiters woken (a test waits for it)."""
        self.calls["<bad token>"] += 1
        self._changed.notify()

    def _violation(self, problems: list[str]) -> None:
        self.violations.extend(problems)
        self._changed.notify()

    async def wait_until(self, probe: Callable[[], T | None], within: float, what: str) -> T:
        """Return ``probe()`` as soon as it is truthy; fail the test after ``within`` seconds.

        A deadline rather than a cancel scope: the failure names what never happened.
        """
        deadline = time.monotonic() + within
        while True:
            result = probe()
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out after {within}s waiting for {what}")
            await self._changed.wait(remaining)
