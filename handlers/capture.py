"""Reporting periods in the chat: the closed-period rule every capture form obeys, /chotky, reminders.

The closed-period rule. A manager closes a month with /chotky; records dated in a closed month are
then refused, except that managers may still enter or correct them, audited as corrections.

- At the date question. `date_question` validates the date against a snapshot of the closed
  periods, because a question's `validate` is synchronous. The snapshot (`ClosedPeriods`, one per
  app, in `services.extra`) is reloaded from the database every time a date question is asked and
  by every shortcut, and updated by /chotky, so it is current when the answer arrives.
- At save. `store_record` and `delete_record` read the closed periods again in the unit of work
  that writes: that check is the authority (it also covers a period closed between the question
  and the confirmation). A refused save says why and stores nothing.
- Managers. Each form is declared twice: "<name>" refuses closed-period dates at the question;
  "<name>.manager" accepts them, the review warns, and the save writes an extra audit entry with
  action "correct" next to the repository's own create/update/delete entry. `flow_for` picks one.

Saving. Every form's save goes through `store_record`, which also turns a correction started from
/cuatoi into an update: the form was started with the record's answers prefilled and an edit tag
(`edit_answers`) riding in the draft's `_labels`, the one part of a draft a prefill may add to.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot import texts as flow_texts
from bot.flow import Flow, FlowContext, Question, Suggestion
from bot.messages import Choice, Reply
from handlers import capture_texts as t
from reports.periods import Period, PeriodError, parse_period, period_of
from storage import engine_store, people, periods_store
from storage.domain import Conflict, NotFound, RecordMeta, Staff

MANAGER = "manager"
EDIT_TAG = "_edit"


# --- the closed-period snapshot -------------------------------------------------------------------


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


def closed_periods(services) -> ClosedPeriods:
    return services.extra.setdefault("closed_periods", ClosedPeriods(services.config.cut_off_day))


def refusal(period: Period) -> str:
    return t.period_closed(period_label(period), period.start, period.end)


def period_label(period: Period) -> str:
    """"01/2023": how people name a month period."""
    return f"{period.number:02d}/{period.year}"


# --- questions and forms shared by every capture form ---------------------------------------------


def date_question(
    services, *, prompt: str, key: str = "business_date", label: str = t.DATE_LABEL, managers: bool = False
) -> Question:
    """The business date: today in one tap, "hôm qua" or a date; never the future (the parser's rule)
    and, unless the form is the managers' one, never a closed period."""
    snapshot = closed_periods(services)

    async def today(ctx: FlowContext, answers) -> Suggestion:
        await snapshot.refresh(ctx.session)  # fresh for the answer that follows
        return Suggestion(ctx.today, flow_texts.today_label(ctx.today))

    def in_open_period(day: dt.date, answers) -> str | None:
        closed = None if managers else snapshot.closed(day)
        return refusal(closed) if closed else None

    return Question(key, "date", prompt, label=label, default=today, validate=in_open_period)


def manager_name(name: str) -> str:
    return f"{name}.manager"


def flow_for(services, name: str, staff: Staff) -> Flow:
    """The managers' declaration of a form for managers, the staff one for everybody else."""
    flows = services.flows
    return flows.get(manager_name(name), flows[name]) if staff.has(MANAGER) else flows[name]


def both_declarations(name: str, build: Callable[[bool], Flow]) -> dict[str, Flow]:
    """{name: the staff form, name.manager: the managers' form}; `build(managers)` declares one."""
    return {name: build(False), manager_name(name): dataclasses.replace(build(True), name=manager_name(name))}


async def start_form(unit, staff: Staff, router, name: str) -> None:
    """A form's command: the right declaration, the text after the command as its shortcut."""
    services = router.settings.services
    await router.start_flow(unit, staff, flow_for(services, name, staff), unit.incoming.text)


# --- saving under the closed-period rule ----------------------------------------------------------


@dataclass(frozen=True)
class RecordStore:
    """How one kind of record is read, written and named; what /cuatoi and the saves share."""

    entity: str  # the audit log's entity name, as storage/records writes it
    noun: str  # "lô kiểm định"
    date_of: Callable[[Any], dt.date]
    add: Callable[..., Awaitable[Any]]
    get: Callable[..., Awaitable[Any]]
    update: Callable[..., Awaitable[Any]]
    delete: Callable[..., Awaitable[None]]


def record_meta(ctx: FlowContext) -> RecordMeta:
    return RecordMeta(
        recorded_by=ctx.staff.id, channel=ctx.incoming.channel, source_event=ctx.incoming.event_key,
        recorded_at=ctx.now,
    )  # fmt: skip


def edit_answers(store: RecordStore, record: Any, answers: dict[str, Any]) -> dict[str, Any]:
    """A form's prefill for correcting `record`: its answers plus the tag that makes the save an update."""
    tag = f"{store.entity}:{record.id}:{record.meta.version}"
    return {**answers, "_labels": {EDIT_TAG: tag}}


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


async def store_record(ctx: FlowContext, answers, record: Any, store: RecordStore) -> str:
    """Add the record, or update the one the draft corrects; refuse closed periods unless a manager."""
    target = edit_target(answers)
    old = None
    if target is not None:
        try:
            old = await store.get(ctx.session, target[1])
        except NotFound:
            return t.RECORD_GONE
        if not may_change(ctx.staff, old):
            return t.NOT_YOURS
    closed = await _closed_among(ctx, [store.date_of(record)] + ([store.date_of(old)] if old else []))
    if closed is not None and not ctx.staff.has(MANAGER):
        return refusal(closed)
    if old is None:
        saved = await store.add(ctx.session, record, record_meta(ctx))
        return await _done(ctx, store, saved.id, "create", closed, t.SAVED)
    if dataclasses.replace(record, id=old.id, meta=old.meta) == old:
        return t.UNCHANGED.format(noun=store.noun, id=old.id)
    stale = dataclasses.replace(old.meta, version=target[2])
    try:
        await store.update(ctx.session, dataclasses.replace(record, id=old.id, meta=stale), record_meta(ctx))
    except Conflict:
        return t.CHANGED_MEANWHILE
    return await _done(ctx, store, old.id, "update", closed, t.UPDATED)


async def delete_record(ctx: FlowContext, store: RecordStore, record_id: int) -> str:
    """Soft-delete (the repository audits it); the same ownership and closed-period rules as a save."""
    try:
        record = await store.get(ctx.session, record_id)
    except NotFound:
        return t.RECORD_GONE
    if not may_change(ctx.staff, record):
        return t.NOT_YOURS
    closed = await _closed_among(ctx, [store.date_of(record)])
    if closed is not None and not ctx.staff.has(MANAGER):
        return refusal(closed)
    await store.delete(ctx.session, record_id, record_meta(ctx))
    return await _done(ctx, store, record_id, "delete", closed, t.DELETED)


async def _done(ctx: FlowContext, store: RecordStore, record_id: int, change: str, closed, message: str) -> str:
    """The confirmation; a change inside a closed period also gets its "correct" audit entry."""
    text = message.format(noun=store.noun, id=record_id)
    if closed is None:
        return text
    await engine_store.audit(
        ctx.session, staff_id=ctx.staff.id, action="correct", entity=store.entity, entity_id=record_id,
        after={"period": closed.key, "change": change}, now=ctx.now,
    )  # fmt: skip
    return text + t.CORRECTION_SUFFIX.format(period=period_label(closed))


# --- the review ---------------------------------------------------------------------------------


async def review(ctx: FlowContext, answers, title: str, store: RecordStore, lines: list[tuple[str, str]],
                 day: dt.date) -> str:
    """A form's review: its title (or "Sửa … #id"), one line per answer, a warning for closed periods."""
    target = edit_target(answers)
    head = t.EDIT_HEADER.format(noun=store.noun, id=target[1]) if target else title
    body = [head] + [f"{label}: {value}" for label, value in lines]
    snapshot = closed_periods(ctx.settings)
    await snapshot.refresh(ctx.session)
    closed = snapshot.closed(day)
    if closed is not None:
        body.append(t.CLOSED_NOTICE.format(period=period_label(closed)))
    return "\n".join(body)


# --- /chotky: a manager closes a month ------------------------------------------------------------

CLOSE_NAME = "close_period"
CLOSE_LOOKBACK = 12  # months offered: the ones that ended and are still open, newest first


def closable(today: dt.date, cut_off_day: int, closed: frozenset[str]) -> list[Period]:
    """Months that have ended and are still open, the one that just ended first.

    The month today belongs to is never offered: closing it would refuse the rest of its days.
    """
    period, found = period_of(today, cut_off_day).previous(), []
    for _ in range(CLOSE_LOOKBACK):
        if period.key not in closed:
            found.append(period)
        period = period.previous()
    return found


async def _closable(ctx: FlowContext) -> list[Period]:
    snapshot = closed_periods(ctx.settings)
    await snapshot.refresh(ctx.session)
    return closable(ctx.today, snapshot.cut_off_day, snapshot.keys)


async def period_choices(ctx: FlowContext, answers) -> list[Choice]:
    return [Choice(p.key, t.period_range(period_label(p), p.start, p.end)) for p in await _closable(ctx)]


async def just_ended(ctx: FlowContext, answers) -> Suggestion | None:
    """The month that ended last is the usual one to close; it is offered first."""
    found = await _closable(ctx)
    return Suggestion(found[0].key, period_label(found[0])) if found else None


async def close_prefill(ctx: FlowContext, text: str) -> dict[str, Any] | str:
    """`/chotky 01/2023`: that month goes straight to the confirmation, or the reason it cannot."""
    try:
        wanted = parse_period(text.strip(), closed_periods(ctx.settings).cut_off_day)
    except PeriodError:
        return t.CLOSE_BAD_PERIOD
    label = period_label(wanted)
    if wanted.kind != "month":
        return t.CLOSE_BAD_PERIOD
    if wanted.end >= ctx.today:
        return t.close_not_ended(label, wanted.end)
    if wanted.key not in {p.key for p in await _closable(ctx)}:
        return t.close_already(label) if closed_periods(ctx.settings).closed(wanted.start) else t.CLOSE_BAD_PERIOD
    return {"period": wanted.key}


def _period(key: str, cut_off_day: int) -> Period:
    return parse_period(key, cut_off_day)


async def close_summary(ctx: FlowContext, answers) -> str:
    period = _period(answers["period"], closed_periods(ctx.settings).cut_off_day)
    return t.close_review(period_label(period), period.start, period.end)


async def close_save(ctx: FlowContext, answers) -> str:
    snapshot = closed_periods(ctx.settings)
    period = _period(answers["period"], snapshot.cut_off_day)
    if not await periods_store.close_period(ctx.session, period.key, ctx.staff.id, ctx.now):
        return t.close_already(period_label(period))
    await engine_store.audit(
        ctx.session, staff_id=ctx.staff.id, action="close", entity="period", entity_id=period.key,
        after={"start": period.start.isoformat(), "end": period.end.isoformat()}, now=ctx.now,
    )  # fmt: skip
    snapshot.keys = snapshot.keys | {period.key}
    return t.closed_done(period_label(period))


def close_flow() -> Flow:
    return Flow(
        name=CLOSE_NAME, title=t.CLOSE_TITLE, roles=(MANAGER,), command="chotky",
        questions=[
            Question("period", "choice", t.CLOSE_PERIOD, label=t.CLOSE_PERIOD_LABEL,
                     choices=period_choices, default=just_ended),
        ],
        save=close_save, summarize=close_summary, prefill=close_prefill,
    )  # fmt: skip


async def close_command(unit, staff: Staff, router) -> None:
    """/chotky [MM/YYYY]"""
    await router.start_flow(unit, staff, router.settings.services.flows[CLOSE_NAME], unit.incoming.text)


# --- reminders before the cut-off -----------------------------------------------------------------

REMINDER = "reminder"
REMINDED_ROLES = ("technician", "inspector")


def reminder_at(period: Period, hour: int, zone) -> dt.datetime:
    """The day before the period's cut-off day, at the configured local hour, in UTC."""
    day = period.end - dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone).astimezone(dt.UTC)


def next_reminded(today: dt.date, cut_off_day: int) -> Period:
    """The period whose reminder is next: this one until its reminder day has passed (a late start the
    same day still sends it), then the following one."""
    period = period_of(today, cut_off_day)
    return period if today <= period.end - dt.timedelta(days=1) else period.next()


async def schedule_reminder(session, period: Period, config) -> None:
    due = reminder_at(period, int(config.reporting.get("reminder_hour", 8)), config.general.zone)
    await engine_store.schedule_once(
        session, key=f"{REMINDER}:{period.key}", kind=REMINDER, due_at=due, payload={"period": period.key}
    )


def reminder_job(services):
    """The job handler: a reminder to every linked chat of technicians and inspectors, then the next one."""

    async def send(session, job, now: dt.datetime) -> list[tuple[str, str, Reply]]:
        config = services.config
        period = parse_period(job.payload["period"], config.cut_off_day)
        await schedule_reminder(session, period.next(), config)
        text = t.reminder(period_label(period), period.end)
        staff = [s for s in await people.list_staff(session) if s.has(*REMINDED_ROLES)]
        return [(i.channel, i.chat_id, Reply(text=text)) for s in staff for i in s.identities]

    return send


def reminder_starter(services):
    """A sweeper that schedules the next reminder once per process (scheduling is idempotent by key)."""
    started = False

    async def start(session, now: dt.datetime) -> list:
        nonlocal started
        if not started:
            today = now.astimezone(services.config.general.zone).date()
            await schedule_reminder(session, next_reminded(today, services.config.cut_off_day), services.config)
            started = True
        return []

    return start


def install(app):
    """Wire what capture needs beyond commands and forms; build_app calls it once. Returns the app."""
    services = app.services
    if services.extra.get("capture_installed"):
        return app
    services.extra["capture_installed"] = True
    from handlers import mine  # mine imports the forms, which import this module

    mine.install(app)
    if services.config.reporting.get("reminders", True):
        app.engine.job_handlers[REMINDER] = reminder_job(services)
        app.engine.sweepers.append(reminder_starter(services))
    return app
