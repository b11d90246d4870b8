"""What the web view is given by app/wiring.py (it imports neither bot/ nor handlers/)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from storage.domain import Staff

# Who sees everything (every record, every photo, the month); anyone else signed in sees their own records.
SEE_ALL = frozenset({"manager", "reviewer", "admin"})


@dataclass(frozen=True)
class Card:
    """A record as the review card shows it in the chat (handlers/ builds it from the form's declaration)."""

    entity: str
    id: int
    title: str  # the form's title
    noun: str
    line: str  # the form's describe(): one line naming it
    summary: str  # the form's review card, several lines
    day: dt.date
    author_id: int | None
    team: tuple[int, ...] = ()  # the inspectors present (inspections)
    photos: tuple[str, ...] = ()  # paths of the stored photos
    status: str = "active"
    facility_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None


CardFn = Callable[[Any, Staff, str, int, dt.datetime], Awaitable[Card | None]]  # (session, viewer, entity, id, now)


@dataclass
class WebDeps:
    db: Any  # storage.db.Database
    clock: Any  # bot.clock.Clock: .now() aware, .zone
    config: Any  # bot.config.Config
    media_dir: Path
    card: CardFn | None = None
    kinds: tuple[tuple[str, str], ...] = ()  # (entity, its noun) of the record forms, in the registry's order
    extra: dict[str, Any] = field(default_factory=dict)  # what later pages are given (review)

    @property
    def zone(self):
        return self.config.general.zone

    @property
    def secure(self) -> bool:
        """Cookies marked Secure when people reach the server over HTTPS."""
        return self.config.web.public_url.startswith("https://")

    @property
    def idle(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.config.web.session_idle_minutes)


DEPS = web.AppKey("webview.deps", WebDeps)
