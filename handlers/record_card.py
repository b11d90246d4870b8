"""A stored record as its form's review card shows it — for the web view's record page (webview/),
which app/ hands this function to (the web view imports nothing of handlers/).

The card is the one the author confirmed in the chat: the form's `answers_of` the record, then its
`summarize` (or the runtime's default review), and its `describe` line; photos, the inspectors present
and, for a visit, the facility's position come with it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import logging
from dataclasses import dataclass

import texts
from bot.flow_screen import default_summary
from bot.form import FlowContext
from bot.messages import Incoming
from handlers.forms import edit_answers, form_of, record_forms
from storage import records
from storage.domain import InspectionVisit, NotFound, Staff

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Card:
    """A record as the review card shows it in the chat."""

    entity: str
    id: int
    title: str  # the form's title
    noun: str
    line: str  # the form's describe(): one line naming it
    summary: str  # the form's review card, several lines
    day: dt.date
    author_id: int | None
    status: str = "active"
    team: tuple[int, ...] = ()  # the inspectors present (a visit)
    photos: tuple[str, ...] = ()  # paths of the stored photos
    facility_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    version: int = 1


async def confirmed_summary(ctx: FlowContext, form, store, record, record_id: int) -> str:
    """The form's review text of a stored record (`form.answers_of` it, then its `summarize` or the
    runtime's default), as the web page and /duyet's card show it. Summarised as a correction's card
    (the edit tag), so a visit is not its own duplicate and its team is its own, without the
    correction's "Sửa … #id" header. Raises NotFound / KeyError when a plan or facility is gone."""
    answers = edit_answers(store, record, await _resolved(form.answers_of(ctx, record)))
    flow = ctx.settings.flows[form.name]
    if flow.summarize is not None:
        summary = await _resolved(flow.summarize(ctx, answers))
    else:
        summary = default_summary(flow, {"answers": answers}, answers)
    header = texts.capture.EDIT_HEADER.format(noun=store.noun, id=record_id)
    if summary.startswith(header + "\n"):  # "Sửa … #id" is for the author correcting it
        summary = summary.removeprefix(header + "\n")
        if ": " in summary.split("\n", 1)[0]:  # it stood in the title's place (handlers/capture.review)
            summary = f"{form.title}\n{summary}"
    return summary


async def _resolved(value):
    return await value if inspect.isawaitable(value) else value


def kinds(services) -> tuple[tuple[str, str], ...]:
    """(entity, noun) of every kind of record the forms store, in the registry's order, once each."""
    seen: dict[str, str] = {}
    for form in record_forms(services.forms):
        seen.setdefault(form.record.entity, form.record.noun)
    return tuple(seen.items())


async def card(services, session, viewer: Staff, entity: str, record_id: int, now: dt.datetime) -> Card | None:
    """The record's card, or None when no form stores this kind or no such record exists."""
    first = form_of(services.forms, entity, "")
    if first is None or first.record is None:
        return None
    try:
        record = await first.record.get(session, record_id, include_deleted=True)
    except NotFound:
        return None
    form = form_of(services.forms, entity, record.meta.form if record.meta else "") or first
    store = form.store_for(services.catalogue, record)
    day = store.date_of(record)
    zone = services.config.general.zone
    ctx = FlowContext(session=session, staff=viewer, today=now.astimezone(zone).date(), now=now,
                      incoming=Incoming("web", "", "", "", "text"), settings=services,
                      catalogue=services.catalogue, form=form.name)  # fmt: skip
    loaded = await records.load_period_records(session, day, day)
    try:
        line = form.describe(services.catalogue, record, loaded)
    except (KeyError, AttributeError):  # a deleted record is not among the period's
        line = f"{store.noun} #{record_id}"
    summary = line
    if form.answers_of is not None:
        try:
            summary = await confirmed_summary(ctx, form, store, record, record_id)
        except (NotFound, KeyError) as error:  # a plan or facility gone: the line still names it
            log.warning("record card %s #%s: %s", entity, record_id, type(error).__name__)
    meta = record.meta
    found = Card(entity=entity, id=record_id, title=form.title, noun=store.noun, line=line, summary=summary, day=day,
                 author_id=meta.recorded_by if meta else None, status=meta.status if meta else "active",
                 version=meta.version if meta else 1)  # fmt: skip
    if isinstance(record, InspectionVisit):
        found = await _visit(session, found, record)
    elif getattr(record, "facility_id", None):
        found = dataclasses.replace(found, facility_id=record.facility_id)
    return found


async def _visit(session, found: Card, visit: InspectionVisit) -> Card:
    try:
        facility = await records.get_facility(session, visit.facility_id)
    except NotFound:
        facility = None
    return dataclasses.replace(found, team=tuple(visit.inspectors), photos=tuple(visit.photos), facility_id=visit.facility_id,
                    latitude=facility.latitude if facility else None,
                    longitude=facility.longitude if facility else None)  # fmt: skip

