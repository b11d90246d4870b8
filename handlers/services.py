"""What forms and commands need beyond the message's unit of work: one `Services` per app, built by
app/wiring.py and handed to every command (`handler(unit, staff, services)`) and every form callback
(`ctx.settings`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.config import Config
from bot.engine import Unit
from bot.form import Flow, FlowContext
from bot.messages import Reply
from reports.periods import Period, period_of
from storage import periods_store
from storage.catalogue import Catalogue
from storage.db import Database
from storage.domain import Staff

if TYPE_CHECKING:
    from handlers.forms import Form


class ClosedPeriods:
    """The keys of the closed periods as last read; what the synchronous date validation consults."""

    def __init__(self, cut_off_day: int) -> None:
        self.cut_off_day = cut_off_day
        self.keys: frozenset[str] = frozenset()

    async def refresh(self, session) -> None:
        self.keys = await periods_store.closed_period_keys(session)

    def period(self, day: dt.date) -> Period:
        return period_of(day, self.cut_off_day)

    def closed(self, day: dt.date) -> Period | None:
        period = self.period(day)
        return period if period.key in self.keys else None


@dataclass
class Services:
    config: Config
    catalogue: Catalogue
    db: Database | None = None
    flows: dict[str, Flow] = field(default_factory=dict)  # the runtime's forms by name (handlers/registry.py)
    forms: dict[str, Form] = field(default_factory=dict)  # the forms' declarations by name (handlers/forms.py)
    menu_for: Callable[[Staff | None], Reply] | None = None  # a person's command menu (set by the router)
    closed: ClosedPeriods = field(init=False)  # the closed periods as last read (handlers/capture.py)

    def __post_init__(self) -> None:
        self.closed = ClosedPeriods(self.config.cut_off_day)

    def today(self, unit: Unit) -> dt.date:
        """The local business date of the message (Asia/Ho_Chi_Minh), never the UTC date."""
        return unit.now.astimezone(self.config.general.zone).date()

    def context(self, unit: Unit, staff: Staff | None) -> FlowContext:
        """What a form's callbacks see while this message is handled."""
        return FlowContext(
            session=unit.session, staff=staff, today=self.today(unit), now=unit.now, incoming=unit.incoming,
            settings=self, catalogue=self.catalogue, notify=unit.notify,
        )  # fmt: skip
