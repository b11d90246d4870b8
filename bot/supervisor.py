"""One channel's trouble never stops another.

Each configured channel is started under supervision: one that cannot start (the network or a
blocked port, a token the platform rejects, the platform's own trouble) is logged with one sentence,
the administrators are told once (in their chats, through the outbox), and it is tried again in the
background with capped back-off while the other channels serve. Its replies wait in the outbox
(the engine has no sender for it) and go out once it is up.

The channel's state goes to `bot.health.Health` (on the engine, read by /healthz): "retrying" while
it cannot start, "down" for a rejected token (still tried now and then), "up" once it receives. A channel whose configuration makes it
impossible (webhook mode without a public address, polling against a production webhook) raises
`ChannelCannotStart`, a SystemExit: that is for the operator to fix, and the process says so. /healthz reports it (and i13's /metrics reads it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.channels.base import TokenRejected
from bot.health import Health

log = logging.getLogger(__name__)

Notify = Callable[[str, str], Awaitable[None]]  # (channel, sentence) → tell the administrators


class Supervisor:
    """Starts channels; keeps trying the ones that fail, in the background, until `stop()`."""

    def __init__(self, health: Health, on_up: Callable[[Any], None], notify: Notify | None = None,
                 *, base: float = 5.0, cap: float = 300.0, rejected_cap: float = 1800.0):
        self.health, self.on_up, self.notify = health, on_up, notify
        self.base, self.cap, self.rejected_cap = base, cap, rejected_cap
        self._tasks: list[asyncio.Task] = []
        self._stopped = asyncio.Event()
        self._told: set[str] = set()
        self.attempts: dict[str, int] = {}  # failed starts per channel since it was last up
        self._rejected: set[str] = set()

    async def start(self, channel: Any) -> bool:
        """Try once now; on failure keep trying in the background. True if the channel is up."""
        self.health.channel(channel.name, "starting")
        if await self._try(channel):
            return True
        self._tasks.append(asyncio.create_task(self._keep_trying(channel), name=f"{channel.name} supervisor"))
        return False

    async def _try(self, channel: Any) -> bool:
        try:
            await channel.start()
        except asyncio.CancelledError:
            raise
        except TokenRejected as exc:
            await self._failed(channel.name, str(exc), rejected=True)
            return False
        except Exception as exc:  # whatever stops a channel must not stop the others
            await self._failed(channel.name, describe(exc))
            return False
        self.health.up(channel.name)
        self.attempts[channel.name] = 0
        log.info("%s: up", channel.name)
        self.on_up(channel)
        return True

    async def _failed(self, name: str, error: str, *, rejected: bool = False) -> None:
        self.health.trouble(name, error, down=rejected)
        (self._rejected.add if rejected else self._rejected.discard)(name)
        attempts = self.attempts[name] = self.attempts.get(name, 0) + 1
        if attempts == 1 or name not in self._told:
            log.error("%s cannot start (%s); the other channels go on, and it is tried again in the background",
                      name, error)
        else:
            log.warning("%s still cannot start (attempt %d): %s", name, attempts, error)
        if name not in self._told and self.notify is not None:
            self._told.add(name)
            try:
                await self.notify(name, error)
            except Exception:  # the notice is a courtesy; the log has said it
                log.exception("could not queue the notice about %s", name)

    async def _keep_trying(self, channel: Any) -> None:
        delay = self.base
        while not self._stopped.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), delay)
            if self._stopped.is_set() or await self._try(channel):
                return
            cap = self.rejected_cap if channel.name in self._rejected else self.cap
            delay = min(cap, delay * 2)

    async def stop(self) -> None:
        self._stopped.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def describe(exc: BaseException) -> str:
    """A short description of why a start failed, without anything a token could hide in."""
    text = str(exc).split("\n")[0][:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def supervised(name: str, work: Callable[[], Awaitable[None]], health: Health, *,
               stopped: asyncio.Event, base: float = 1.0, cap: float = 60.0) -> asyncio.Task:
    """Run a long-lived receiving task (a polling loop) so that it never dies in silence: an error that
    ends it is logged, counted (`Health.tasks`, read by /healthz and /metrics) and the task is started
    again after a pause (doubled each time up to `cap`; back to `base` after a minute of running). A
    task that returns while the channel is not stopping said why in the log (a rejected token, a
    webhook someone set): it is shown as not running, not restarted. Cancelling is the way to stop it."""

    async def run() -> None:
        delay = base
        while not stopped.is_set():
            health.task(name, running=True)
            started = time.monotonic()
            try:
                await work()
            except asyncio.CancelledError:
                health.task_done(name)
                raise
            except Exception as exc:  # whatever ends a receiving task must not end receiving
                if stopped.is_set():
                    health.task_done(name)
                    return
                delay = base if time.monotonic() - started > 60 else delay
                health.task(name, running=False, error=describe(exc), restarted=True)
                log.error("%s ended by an error (%s); started again in %.0fs", name, describe(exc), delay,
                          exc_info=exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopped.wait(), delay)
                delay = min(cap, delay * 2)
                continue
            if stopped.is_set():
                health.task_done(name)
            else:
                health.task(name, running=False, error="ended")
                log.error("%s ended; it is not started again (the lines above say why)", name)
            return
        health.task_done(name)

    return asyncio.create_task(run(), name=name)
