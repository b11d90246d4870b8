"""What the sender knows of each channel as a whole: failing or delivering, and an outage told once.

Replies back off one by one (bot.engine `_retry`), but an outage is the channel's, not the reply's:
- a channel whose send failed (5xx, network — not a 429 with its own wait) is *failing*; its oldest
  waiting reply is tried every `probe_interval` seconds whatever its own back-off says (a probe),
  so recovery is seen within seconds rather than after a back-off grown to its cap;
- the first send that works on a failing channel makes its other waiting replies due at once (the
  sender keeps each chat's order);
- the first reply of a channel to go past the send horizon opens an outage (a row in `outages`, so a
  restart does not tell again) and the administrators get one notice; the first send that works
  closes it, with one notice. Everything in between is counted, not announced.

A channel nobody has sent on yet in this process counts as failing: after a restart in the middle of an
outage its replies are probed too.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Reply
from storage import engine_store as store

# (session, channel, since, now): since None → the outage starts (notice); else it ended, begun then.
Outage = Callable[[AsyncSession, str, dt.datetime | None, dt.datetime], Awaitable[list[tuple[str, str, Reply]]]]


class Delivery:
    def __init__(self, probe_interval: float = 5.0):
        self.probe_interval = dt.timedelta(seconds=probe_interval)
        self.on_outage: Outage | None = None
        self.ok: set[str] = set()  # channels whose last send worked (in this process)
        self.lock = asyncio.Lock()  # outages opened and closed one at a time
        self._probed: dict[str, dt.datetime] = {}

    async def probes(self, session: AsyncSession, channels: list[str], due: list[store.OutboxItem],
                     now: dt.datetime) -> list[store.OutboxItem]:
        """Replies to try now although not due: the oldest waiting one of each failing channel, at most
        once per probe interval, unless that chat already has a reply due."""
        asked = [c for c in channels if c not in self.ok
                 and (c not in self._probed or now - self._probed[c] >= self.probe_interval)]
        if not asked:
            return []
        for channel in asked:
            self._probed[channel] = now
        busy = {(item.channel, item.chat_id) for item in due}
        return [item for item in await store.probes(session, asked, now) if (item.channel, item.chat_id) not in busy]

    def failed(self, channel: str, after: float | None) -> None:
        """A send failed for now; a 429 with its own wait says nothing about the channel."""
        if after is None:
            self.ok.discard(channel)

    async def sent(self, session: AsyncSession, channel: str, now: dt.datetime) -> list[tuple[str, str, Reply]] | None:
        """A send worked. On a channel that was failing: its waiting replies due now, its outage closed
        (the notice returned). None when the channel was already delivering (nothing to do)."""
        if channel in self.ok:
            return None
        self.ok.add(channel)
        await store.due_now(session, channel, now)
        since = await store.close_outage(session, channel)
        if since is None or self.on_outage is None:
            return []
        return await self.on_outage(session, channel, since, now)

    async def expired(self, session: AsyncSession, channel: str, now: dt.datetime) -> list[tuple[str, str, Reply]]:
        """A reply went past the horizon: the notice if this opens the channel's outage, else nothing."""
        if self.on_outage is None or not await store.open_outage(session, channel, now):
            return []
        return await self.on_outage(session, channel, None, now)
