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


# (session, viewer, entity, id, now) -> the record's card (handlers/record_card.Card: entity, id, title, noun,
# line, summary, day, author_id, status, team, photos, facility_id, latitude, longitude, version) or None
CardFn = Callable[[Any, Staff, str, int, dt.datetime], Awaitable[Any]]


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
