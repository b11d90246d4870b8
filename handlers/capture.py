"""The capture kit: what every capture form shares — the closed-period rule, the date question, saving
(`store_record`, `delete_record`) and the review. A form's declaration is handlers/forms.py's `Form`.

The closed-period rule. A manager closes a month with /chotky (handlers/closing.py); records dated in a closed month are
then refused, except that managers may still enter or correct them, audited as corrections.

- At the date question. `date_question` validates the date against a snapshot of the closed
  periods, because a question's `validate` is synchronous. The snapshot (`ClosedPeriods`, one per
  app, `services.closed`) is reloaded from the database every time a date question is asked and
  by every shortcut, and updated by /chotky, so it is current when the answer arrives.
- At save. `store_record` and `delete_record` read the closed periods again in the unit of work
  that writes: that check is the authority (it also covers a period closed between the question
  and the confirmation). A refused save says why and stores nothing.
- Managers. Each record form has a twin (handlers/forms.py): "<name>" refuses closed-period dates at
  the question; "<name>.manager" accepts them, the review warns, and the save writes an extra audit
  entry with action "correct" next to the repository's own create/update/delete entry.

Saving. Every form's save goes through `store_record`, which also turns a correction started from
/cuatoi into an update: the form was started with the record's answers prefilled and an edit tag
(`handlers.forms.edit_answers`) riding in the draft's `_labels`, the one part of a draft a prefill may add to.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import texts
from bot.form import FlowContext, Question, SaveFn, Suggestion
from handlers import review_notices
from handlers.forms import EDIT_TAG, MANAGER, RecordStore
from handlers.services import ClosedPeriods, Services
from reports.periods import Period
from storage import engine_store
from storage import review as reviews
from storage.domain import WAITING, Conflict, NotFound, RecordMeta, Staff

# --- the closed-period snapshot -------------------------------------------------------------------


def closed_periods(services: Services) -> ClosedPeriods:
    return services.closed


def refusal(period: Period) -> str:
    return texts.capture.period_closed(period_label(period))


def period_label(period: Period) -> str:
    """ "tháng 01/2023 (15/12/2022–14/01/2023)": the one way the chat names a month period."""
    return texts.common.period_name(period.number, period.year, period.start, period.end)


def typed_month(period: Period) -> str:
    """The month as typed after a command: "11/2022" (/cuatoi, /chotky, /mochot)."""
    return f"{period.number:02d}/{period.year}"


# --- questions and forms shared by every capture form ---------------------------------------------


def date_question(
    services, *, prompt: str, key: str = "business_date", label: str = texts.capture.DATE_LABEL, managers: bool = False
) -> Question:
    """The business date: today in one tap, "hôm qua" or a date; never the future (the parser's rule)
    and, unless the form is the managers' one, never a closed period."""
    snapshot = closed_periods(services)

    async def today(ctx: FlowContext, answers) -> Suggestion:
        await snapshot.refresh(ctx.session)  # fresh for the answer that follows
        return Suggestion(ctx.today, texts.common.today_label(ctx.today))

    def in_open_period(day: dt.date, answers) -> str | None:
        closed = None if managers else snapshot.closed(day)
        return refusal(closed) if closed else None

    return Question(key, "date", prompt, label=label, default=today, validate=in_open_period)


def saver(record_of: Callable[[Any], Any], store: RecordStore) -> SaveFn:
    """A form's save that builds its record from the answers and stores it by the rules above."""

    async def save(ctx: FlowContext, answers) -> str:
        return await store_record(ctx, answers, record_of(answers), store)

    return save


def label_of(lookup: Callable[[str], Any], key: str) -> str:
    """A catalogue entry's label; the key itself for an entry since removed from the catalogue."""
    try:
        return lookup(key).label
    except KeyError:
        return key


# --- saving under the closed-period rule ----------------------------------------------------------


def record_meta(ctx: FlowContext) -> RecordMeta:
    return RecordMeta(
        recorded_by=ctx.staff.id, channel=ctx.incoming.channel, source_event=ctx.incoming.event_key,
        recorded_at=ctx.now, form=ctx.form, review=WAITING,  # a new record waits for review (storage/review.py)
    )  # fmt: skip


def edit_target(answers) -> tuple[str, int, int] | None:
    """(entity, id, version) when the draft corrects a stored record."""
    tag = answers.get("_labels", {}).get(EDIT_TAG)
    if not tag:
        return None
    entity, record_id, version = tag.rsplit(":", 2)
    return entity, int(record_id), int(version)


def may_change(staff: Staff, record: Any) -> bool:
    return staff.has(MANAGER) or (record.meta is not None and record.meta.recorded_by == staff.id)


async def _closed_among(ctx: FlowContext, days: list[dt.date]) -> Period | None:
    snapshot = closed_periods(ctx.settings)
    await snapshot.refresh(ctx.session)
    return next((snapshot.period(d) for d in days if snapshot.closed(d)), None)


async def closed_refusal(ctx: FlowContext, day: dt.date) -> str | None:
    """The closed-period rule at save, before anything is written: why `day` is refused, or None
    (a manager is never refused; their change is audited as a correction by `store_record`)."""
    closed = await _closed_among(ctx, [day])
    return refusal(closed) if closed is not None and not ctx.staff.has(MANAGER) else None


async def store_record(ctx: FlowContext, answers, record: Any, store: RecordStore,
                       confirmation: Callable[[Any], str] | None = None) -> str:
    """Add the record, or update the one the draft corrects; refuse closed periods unless a manager.
    `confirmation(saved)` words a new record's confirmation when the form has its own."""
    target = edit_target(answers)
    old = None
    if target is not None:
        try:
            old = await store.get(ctx.session, target[1])
        except NotFound:
            return texts.capture.RECORD_GONE
        if not may_change(ctx.staff, old):
            return texts.capture.NOT_YOURS
    closed = await _closed_among(ctx, [store.date_of(record)] + ([store.date_of(old)] if old else []))
    if closed is not None and not ctx.staff.has(MANAGER):
        return refusal(closed)
    if old is None:
        saved = await store.add(ctx.session, record, record_meta(ctx))
        worded = confirmation(saved) if confirmation else texts.capture.SAVED.format(noun=store.noun, id=saved.id)
        return await _done(ctx, store, saved.id, "create", closed, worded)
    if dataclasses.replace(record, id=old.id, meta=old.meta) == old:
        return texts.capture.UNCHANGED.format(noun=store.noun, id=old.id)
    stale = dataclasses.replace(old.meta, version=target[2])
    try:
        await store.update(ctx.session, dataclasses.replace(record, id=old.id, meta=stale), record_meta(ctx))
    except Conflict:
        return texts.capture.CHANGED_MEANWHILE
    # corrected: back to the review queue (a waiting record stays there), its reviewer told
    again = await review_notices.corrected(ctx, store.entity, old.id) if store.entity in reviews.KINDS else ""
    return await _done(ctx, store, old.id, "update", closed,
                       texts.capture.UPDATED.format(noun=store.noun, id=old.id) + again)


async def delete_record(ctx: FlowContext, store: RecordStore, record_id: int, what: str = "") -> str:
    """Soft-delete (the repository audits it); the same ownership and closed-period rules as a save.
    `what` names the record in the confirmation (its line in /cuatoi)."""
    try:
        record = await store.get(ctx.session, record_id)
    except NotFound:
        return texts.capture.RECORD_GONE
    if not may_change(ctx.staff, record):
        return texts.capture.NOT_YOURS
    closed = await _closed_among(ctx, [store.date_of(record)])
    if closed is not None and not ctx.staff.has(MANAGER):
        return refusal(closed)
    await store.delete(ctx.session, record_id, record_meta(ctx))
    return await _done(ctx, store, record_id, "delete", closed, texts.capture.mine_named(
        texts.capture.DELETED.format(noun=store.noun, id=record_id), what))


async def _done(ctx: FlowContext, store: RecordStore, record_id: int, change: str, closed, text: str) -> str:
    """The confirmation; a change inside a closed period also gets its "correct" audit entry."""
    if closed is None:
        return text
    await engine_store.audit(
        ctx.session, staff_id=ctx.staff.id, action="correct", entity=store.entity, entity_id=record_id,
        after={"period": closed.key, "change": change}, now=ctx.now,
    )  # fmt: skip
    return text + texts.capture.CORRECTION_SUFFIX.format(period=period_label(closed))


# --- the review ---------------------------------------------------------------------------------


async def review(ctx: FlowContext, answers, title: str, store: RecordStore, lines: list[tuple[str, str]],
                 day: dt.date) -> str:
    """A form's review: its title (or "Sửa … #id"), one line per answer, a warning for closed periods."""
    target = edit_target(answers)
    head = texts.capture.EDIT_HEADER.format(noun=store.noun, id=target[1]) if target else title
    body = [head] + [f"{label}: {value}" for label, value in lines]
    snapshot = closed_periods(ctx.settings)
    await snapshot.refresh(ctx.session)
    closed = snapshot.closed(day)
    if closed is not None:
        body.append(texts.capture.CLOSED_NOTICE.format(period=period_label(closed)))
    return "\n".join(body)
