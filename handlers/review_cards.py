"""A record as review shows it (issue 24): which form made it, its one line (`what`), the summary its
author confirmed, its photos — what /duyet's card, the notices and /suangay share.

The summary is the form's own review text, written as its author saw it: the form's `answers_of` the
record, summarised with the author as the person in the context (an inspection names its recorder).
"""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass
from typing import Any

import texts
from bot.form import FlowContext
from bot.messages import Reply
from handlers import record_card
from handlers.forms import Form, RecordStore, form_of
from storage import people, records
from storage import review as reviews
from storage.domain import NotFound, Staff


@dataclass(frozen=True)
class Shown:
    form: Form
    store: RecordStore  # the kind, named as this record is named ("chứng chỉ" for a certificate)
    record: Any
    state: reviews.ReviewState
    what: str  # "13/01/2023 Kiểm định điện: 5 PTĐ, …": its line in /cuatoi, without the number

    @property
    def noun(self) -> str:
        return self.store.noun

    @property
    def photos(self) -> tuple[str, ...]:
        return tuple(getattr(self.record, "photos", ()) or ())


async def load(ctx: FlowContext, kind: str, record_id: int) -> Shown | None:
    """The record of this kind and number, with its form and review state; None when there is none
    (or no form of this app stores that kind). A deleted record is still shown (state.active False)."""
    forms = ctx.settings.forms
    try:
        state = await reviews.state_of(ctx.session, kind, record_id)
    except (NotFound, ValueError):
        return None
    form = form_of(forms, kind, state.form)
    if form is None or form.record is None:
        return None
    try:
        record = await form.record.get(ctx.session, record_id, include_deleted=True)
    except NotFound:
        return None
    store = form.store_for(ctx.catalogue, record)
    day = store.date_of(record)
    loaded = await records.load_period_records(ctx.session, day, day)
    what = f"{texts.common.format_date(day)} {form.describe(ctx.catalogue, record, loaded)}"
    return Shown(form, store, record, state, what)


async def find(ctx: FlowContext, record_id: int, kinds, *, states=None, author: int | None = None) -> list[Shown]:
    """Records with this number among these kinds (numbers are per kind), in KINDS order."""
    found = []
    for kind in reviews.KINDS:
        if kind not in kinds:
            continue
        shown = await load(ctx, kind, record_id)
        if shown is None or not shown.state.active:
            continue
        if (states is None or shown.state.state in states) and (author is None or shown.state.author == author):
            found.append(shown)
    return found


async def answers(ctx: FlowContext, shown: Shown) -> dict[str, Any]:
    """The form's answers for the record (to correct it, or to summarise it)."""
    made = shown.form.answers_of(ctx, shown.record) if shown.form.answers_of else {}
    return await made if inspect.isawaitable(made) else dict(made)


async def summary(ctx: FlowContext, shown: Shown) -> str:
    """The review text its author confirmed (the form's summary, as the author saw it)."""
    flow = ctx.settings.flows.get(shown.form.name)
    if flow is None or flow.summarize is None or shown.form.answers_of is None:
        return shown.what
    author = await _author(ctx, shown.state.author)
    as_author = dataclasses.replace(ctx, staff=author or ctx.staff, form=shown.form.name)
    try:
        return await record_card.confirmed_summary(as_author, shown.form, shown.store, shown.record, shown.state.record_id)
    except (NotFound, KeyError):  # a plan or facility gone: the line still names it
        return shown.what


async def _author(ctx: FlowContext, staff_id: int | None) -> Staff | None:
    if staff_id is None:
        return None
    try:
        return await people.get_staff(ctx.session, staff_id)
    except NotFound:
        return None


def local_time(ctx: FlowContext, when) -> str:
    return texts.review.time_of(when.astimezone(ctx.settings.config.general.zone)) if when else "—"


async def card_text(ctx: FlowContext, shown: Shown, remaining: int = 0) -> str:
    """The card: which record, who entered it when and from where, the summary, photos, earlier returns."""
    state = shown.state
    channel = texts.people.CHANNEL_NAMES.get(shown.record.meta.channel, shown.record.meta.channel)
    extra = []
    if shown.photos:
        web = ctx.settings.config.web
        linkless = ctx.incoming.channel == "zalo" and not (web.enabled and web.public_url)
        extra.append((texts.review.photos_counted if linkless else texts.review.photos_sent)(len(shown.photos)))
    for event in await reviews.history(ctx.session, state.kind, state.record_id):
        if event.action == "returned":
            extra.append(texts.review.earlier_return(event.by_name, local_time(ctx, event.at), event.comment))
    return texts.review.card(shown.noun, state.record_id, state.state, remaining, state.author_name,
                             local_time(ctx, state.recorded_at), channel, await summary(ctx, shown), extra)


def photo_replies(shown: Shown) -> list[Reply]:
    """The record's photos, each with a caption: a photo on Telegram, a photo by a signed link on Zalo."""
    count = len(shown.photos)
    return [Reply(kind="photo", document_path=path, text=texts.review.photo_caption(shown.noun, shown.state.record_id, n, count))
            for n, path in enumerate(shown.photos, 1)]  # fmt: skip
