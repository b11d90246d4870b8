"""How the pages write dates, times and numbers (Jinja2 filters), as the chat writes them."""

from __future__ import annotations

import datetime as dt

import texts


def date(value: dt.date | None) -> str:
    return texts.common.format_date(value) if value else ""


def count(value: int) -> str:
    return texts.common.format_count(int(value))


def coordinate(value: float | None) -> str:
    return f"{value:.6f}" if value is not None else ""


FILTERS = {"date": date, "count": count, "coordinate": coordinate}
