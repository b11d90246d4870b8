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


class ShiftedClock(Clock):
    """A running clock moved by whole days so that its first 'today' is a chosen date: the demo's
    console in the model month, FIELDBOT_TODAY for acceptance runs. Hours still pass, so timers,
    drafts and links behave as on any day."""

    def __init__(self, zone: ZoneInfo, today: dt.date):
        super().__init__(zone)
        real_today = dt.datetime.now(dt.UTC).astimezone(zone).date()
        self.shift = dt.timedelta(days=(today - real_today).days)

    def now(self) -> dt.datetime:
        return super().now() + self.shift


class FrozenClock(Clock):
    """A clock for tests: set or advance it by hand."""

    def __init__(self, zone: ZoneInfo, at: dt.datetime):
        super().__init__(zone)
        self.at = at.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, **delta) -> None:
        self.at += dt.timedelta(**delta)


def clock_for(zone: ZoneInfo, today: dt.date | None = None) -> Clock:
    """The program's clock: the real one, or one set to `today` (FIELDBOT_TODAY, the demo)."""
    return ShiftedClock(zone, today) if today else Clock(zone)
