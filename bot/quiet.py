"""Quiet hours: notices the bot sends on its own wait for the morning (issue 24).

A notice nobody asked for at that moment — a record returned or approved, the reminder before the
cut-off, the licence digest — is marked `Reply.polite`. Queued between `[notices] quiet_from` and
`quiet_until` (local time, 21:00–06:30 by default), it is written to the outbox with `not_before` =
the end of the quiet hours, and the sender leaves it there until then: it goes out in the morning, in
the order it was queued, once, and a restart in between loses nothing (it is a row like any other).
A reply to a person who has just written is never held, polite or not: it answers a message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.messages import Incoming, Reply


@dataclass(frozen=True)
class QuietHours:
    start: dt.time  # local time from which notices wait …
    end: dt.time  # … until this local time (the next morning when `end` <= `start`)
    zone: ZoneInfo

    def quiet(self, local: dt.time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:  # the same day, e.g. 12:00–13:30
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # over midnight, e.g. 21:00–06:30

    def release_at(self, now: dt.datetime) -> dt.datetime | None:
        """When a notice queued at `now` may go out (UTC), or None when it may go out now."""
        local = now.astimezone(self.zone)
        if not self.quiet(local.time()):
            return None
        day = local.date()
        if local.time() >= self.end:  # evening: the end is tomorrow morning
            day += dt.timedelta(days=1)
        return dt.datetime.combine(day, self.end, tzinfo=self.zone).astimezone(dt.UTC)


def answering(reply: Reply, channel: str, chat_id: str, incoming: Incoming) -> Reply:
    """A notice a handler sends to the very chat that has just written (a manager approving their own
    record) answers that message: it is never held."""
    if reply.polite and (channel, chat_id) == (incoming.channel, incoming.chat_id):
        return dataclasses.replace(reply, polite=False)
    return reply


def parse_time(text: str) -> dt.time | None:
    """"21:00", "6:30", "06h30" → a time; None for anything else."""
    cleaned = text.strip().lower().replace("h", ":").replace(".", ":")
    if cleaned.endswith(":"):
        cleaned += "00"
    parts = cleaned.split(":")
    if len(parts) != 2 or not all(p.isdigit() and 1 <= len(p) <= 2 for p in parts):
        return None
    hour, minute = int(parts[0]), int(parts[1])
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)
