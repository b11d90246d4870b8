"""One injected clock. 'Today' is the local date in the configured zone, never the UTC date."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


class Clock:
    def __init__(self, zone: ZoneInfo):
        self.zone = zone

    def now(self) -> dt.datetime:
        """Aware UTC now."""
        return dt.datetime.now(dt.UTC)

    def local_now(self) -> dt.datetime:
        return self.now().astimezone(self.zone)

    def today(self) -> dt.date:
        return self.local_now().date()


class FrozenClock(Clock):
    """A clock for tests: set or advance it by hand."""

    def __init__(self, zone: ZoneInfo, at: dt.datetime):
        super().__init__(zone)
        self.at = at.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, **delta) -> None:
        self.at += dt.timedelta(**delta)
