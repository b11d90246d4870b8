"""/chotky: a manager closes a month; later entries are refused, managers' corrections audited.

The rule itself (what a closed period means for a save) is the capture kit's: handlers/capture.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

import texts
from bot.form import FlowContext, Question, StartForm, Suggestion
from bot.messages import Choice, Reply
from bot.parsing import ParseError
from handlers.capture import closed_periods, period_label, typed_month
from handlers.forms import MANAGER, Form, start_form
from reports.periods import Period, PeriodError, parse_period, period_of
from storage import engine_store, periods_store
from storage.domain import Staff
from storage.models import AuditRow
from storage.record_models import ActivityRow, CalibrationBatchRow, InspectionRow, LicenceRow, PlanRow

RECORD_ROWS = (CalibrationBatchRow, InspectionRow, LicenceRow, ActivityRow, PlanRow)

CLOSE_NAME = "close_period"
CLOSE_LOOKBACK = 12  # months offered: the ones that ended and are still open, newest first


def closable(today: dt.date, cut_off_day: int, closed: frozenset[str], since: dt.date | None = None) -> list[Period]:
    """Months that have ended and are still open, the one that just ended first — only those since
    the system's first use (`since`: nothing was recorded in a month before it). The month that just
    ended is always offered: a department that starts mid-month still enters and closes the last one.

    The month today belongs to is never offered: closing it would refuse the rest of its days.
    """
    period, found = period_of(today, cut_off_day).previous(), []
    for step in range(CLOSE_LOOKBACK):
        if step and since is not None and period.end < since:
            break
        if period.key not in closed:
            found.append(period)
        period = period.previous()
    return found


async def _closable(ctx: FlowContext) -> list[Period]:
    snapshot = closed_periods(ctx.settings)
    await snapshot.refresh(ctx.session)
    return closable(ctx.today, snapshot.cut_off_day, snapshot.keys, await first_use(ctx))


async def first_use(ctx: FlowContext) -> dt.date | None:
    """The first day anything was recorded: the earliest record date, or the first audited action
    (a registration) when that is earlier. None on an empty database."""
    found = [await ctx.session.scalar(select(func.min(row.business_date))) for row in RECORD_ROWS if row is not LicenceRow]
    # licences issued before the bot (the register's import) say nothing of when the bot was first used
    found.append(await ctx.session.scalar(select(func.min(LicenceRow.business_date)).where(LicenceRow.imported.is_(False))))
    first = await ctx.session.scalar(select(func.min(AuditRow.at)))
    if first is not None:
        found.append(_local_date(first, ctx))
    return min((day for day in found if day is not None), default=None)


def _local_date(at: dt.datetime, ctx: FlowContext) -> dt.date:
    """The local date of a stored UTC time (SQLite gives it back without its zone)."""
    zone = ctx.now.tzinfo
    at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return at.astimezone(zone).date() if zone else at.date()


async def period_choices(ctx: FlowContext, answers) -> list[Choice]:
    return [Choice(p.key, texts.capture.period_choice(period_label(p))) for p in await _closable(ctx)]


async def just_ended(ctx: FlowContext, answers) -> Suggestion | None:
    """The month that ended last is the usual one to close; it is offered first."""
    found = await _closable(ctx)
    return Suggestion(found[0].key, texts.capture.period_choice(period_label(found[0]))) if found else None


async def close_prefill(ctx: FlowContext, text: str, another: bool = True) -> dict[str, Any] | str:
    """`/chotky 01/2023`: that month goes straight to the confirmation, or the reason it cannot
    (`another`: other months are offered, and the reason asks to pick one of them)."""
    try:
        wanted = parse_period(text.strip(), closed_periods(ctx.settings).cut_off_day)
    except PeriodError:
        return texts.capture.CLOSE_BAD_PERIOD
    label = period_label(wanted)
    if wanted.kind != "month":
        return texts.capture.CLOSE_BAD_PERIOD
    if wanted.end >= ctx.today:
        return texts.capture.close_not_ended(label, another)
    if wanted.key not in {p.key for p in await _closable(ctx)}:
        if closed_periods(ctx.settings).closed(wanted.start):
            return texts.capture.close_already(label, another)
        return texts.capture.close_not_found(label, another)
    return {"period": wanted.key}


async def typed_period(ctx: FlowContext, text: str) -> str | None:
    """A month typed at the question ("12/2022"): its key, or the specific reason it cannot be closed
    (not ended yet, already closed, not in the list) rather than the generic "no such choice".
    A number picks from the list as usual."""
    if text.strip().isdecimal():
        return None
    try:
        parse_period(text.strip(), closed_periods(ctx.settings).cut_off_day)
    except PeriodError:
        return None
    found = await close_prefill(ctx, text)
    if isinstance(found, str):
        raise ParseError(found)
    return found["period"]


def _period(key: str, cut_off_day: int) -> Period:
    return parse_period(key, cut_off_day)


async def close_summary(ctx: FlowContext, answers) -> str:
    period = _period(answers["period"], closed_periods(ctx.settings).cut_off_day)
    return texts.capture.close_review(period_label(period))


async def close_save(ctx: FlowContext, answers) -> str:
    snapshot = closed_periods(ctx.settings)
    period = _period(answers["period"], snapshot.cut_off_day)
    if not await periods_store.close_period(ctx.session, period.key, ctx.staff.id, ctx.now):
        return texts.capture.close_already(period_label(period), another=False)  # closed meanwhile
    await engine_store.audit(
        ctx.session, staff_id=ctx.staff.id, action="close", entity="period", entity_id=period.key,
        after={"start": period.start.isoformat(), "end": period.end.isoformat()}, now=ctx.now,
    )  # fmt: skip
    snapshot.keys = snapshot.keys | {period.key}
    return texts.capture.closed_done(period_label(period))


def close_questions(services, managers: bool) -> list[Question]:
    return [
        Question("period", "choice", texts.capture.CLOSE_PERIOD, label=texts.capture.CLOSE_PERIOD_LABEL,
                 choices=period_choices, default=just_ended, read_typed=typed_period),
    ]  # fmt: skip


async def close_command(unit, staff: Staff, services) -> StartForm | None:
    """/chotky [MM/YYYY]. With every ended month closed there is nothing to choose: one sentence (after
    the reason a typed month cannot be closed), and no form is opened to block other commands."""
    ctx = services.context(unit, staff)
    if await _closable(ctx):
        return start_form(unit, staff, services, CLOSE_NAME)
    current = closed_periods(services).period(ctx.today)
    nothing = texts.capture.close_nothing_left(period_label(current), current.end)
    reason = await close_prefill(ctx, unit.incoming.text, another=False) if unit.incoming.text.strip() else ""
    said = isinstance(reason, str) and reason not in ("", texts.capture.CLOSE_BAD_PERIOD)
    unit.reply(Reply(text=f"{reason}\n{nothing}" if said else nothing))
    return None


FORM = Form(  # /chotky [MM/YYYY]
    name=CLOSE_NAME, title=texts.capture.CLOSE_TITLE, command="chotky", aliases=("closeperiod",),
    description=texts.capture.CLOSE_DESCRIPTION, roles=frozenset({MANAGER}),
    questions=close_questions, save=close_save, summarize=close_summary, prefill=close_prefill,
    start=close_command,
)  # fmt: skip


async def reopen_command(unit, staff: Staff, services) -> None:
    """/mochot MM/YYYY: a manager opens a closed month again (audited), e.g. to let a record in it be
    corrected; /chotky closes it again."""
    snapshot = closed_periods(services)
    try:
        period = parse_period(unit.incoming.text.strip(), snapshot.cut_off_day)
    except PeriodError:
        unit.reply(Reply(text=texts.capture.REOPEN_BAD_PERIOD))
        return
    label = period_label(period)
    before = await periods_store.closed_by(unit.session, period.key)
    if before is None or not await periods_store.reopen_period(unit.session, period.key):
        unit.reply(Reply(text=texts.capture.reopen_not_closed(label)))
        return
    await engine_store.audit(
        unit.session, staff_id=staff.id, action="reopen", entity="period", entity_id=period.key,
        before={"closed_by": before[0], "closed_at": before[1].isoformat()}, after=None, now=unit.now,
    )  # fmt: skip
    await snapshot.refresh(unit.session)
    unit.reply(Reply(text=texts.capture.reopened(label, typed_month(period))))
