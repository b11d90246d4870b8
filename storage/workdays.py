"""Working days: Monday to Friday, less the catalogue's holidays (`[[catalogue.holidays]]`).

Deadlines the law counts in working days (a data subject's request: 2 working days from receipt,
Nghị định 356/2025/NĐ-CP) are counted here, from the local date the thing was received.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection


def is_working_day(day: dt.date, holidays: Collection[dt.date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: dt.date, days: int, holidays: Collection[dt.date] = ()) -> dt.date:
    """The `days`-th working day after `start` (the day of receipt itself is not counted):
    received on Friday, 2 working days → Tuesday; with Monday a holiday → Wednesday."""
    if days < 1:
        raise ValueError("days must be at least 1")
    day, left = start, days
    while left:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            left -= 1
    return day
