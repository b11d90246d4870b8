"""/cuatoi (/mine): the records a person entered in the current period and in the previous one (until
it is closed), numbered; open one to correct it with its own form or to delete it. Managers see
everyone's records, with who entered them, and the previous period even after it closed (their
changes there are audited as corrections). `/cuatoi 11/2022` lists any month that is not closed; a
closed one says who closed it and when, and that a manager reopens it with /mochot (managers see it).

In a text-only chat:

    /cuatoi          → "Có 3 bản ghi…", 1. 13/01/2023 Kiểm định điện: 67 PTĐ… (#12) 2. …
    /cuatoi 11/2022  → the same list for November 2022 (or why not: closed by whom, on which day)
    2                → the record's line, "Làm gì với bản ghi này?" 1. Sửa 2. Xóa  (“quay lại”: the list)
    Sửa              → "Mở lô kiểm định #12 (13/01/2023 Kiểm định điện: …) để sửa…", then the form that
                       made the record, every answer filled in, at its review:
                       Xác nhận / Sửa (pick an answer to change) / Hủy; confirming saves an update
    Xóa → Có         → "Đã xóa lô kiểm định #12 (13/01/2023 …)": soft deletion, audited by the repository

Which records, and which form corrects them, come from the forms' declarations (services.forms,
handlers/forms.py): each record form lists the records it made (`RecordMeta.form`). The hand-over
from this list to the record's form: the list's save returns `Saved(text, StartForm(…))`, and the
form opens in the same unit of work, prefilled with its `answers_of` the record and the edit tag
that turns the form's save into an update (handlers/capture.py).
"""

from __future__ import annotations

import datetime as dt
import inspect
from dataclasses import dataclass
from typing import Any

import texts
from bot.form import FlowContext, Question, Saved, StartForm
from bot.messages import Choice, Reply
from handlers import capture
from handlers.forms import EVERYONE, Form, edit_answers, flow_for, form_of, record_forms
from handlers.services import Services
from reports.periods import Period, PeriodError, parse_period, period_of
from storage import people, periods_store, records
from storage.domain import NotFound, Staff

NAME = "mine"
MAX_LISTED = 30  # a numbered list longer than this is unreadable on a phone
EDIT, DELETE = "sua", "xoa"


# --- which records, in which periods --------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    key: str  # "calibration_batch:12": the choice key
    day: dt.date
    label: str


def shown_periods(today: dt.date, cut_off_day: int, closed: frozenset[str], manager: bool) -> list[Period]:
    """The current period and the previous one; for staff the previous only until it is closed."""
    current = period_of(today, cut_off_day)
    previous = current.previous()
    return [current, previous] if manager or previous.key not in closed else [current]


async def entries(ctx: FlowContext, period: str = "") -> tuple[list[Entry], list[Period]]:
    """The person's records (everyone's for a manager) in the shown periods — or in `period` ("2022-11",
    from /cuatoi 11/2022) —, newest first."""
    snapshot = capture.closed_periods(ctx.settings)
    await snapshot.refresh(ctx.session)
    manager = ctx.staff.has(capture.MANAGER)
    if period:
        shown = [parse_period(period, snapshot.cut_off_day)]
    else:
        shown = shown_periods(ctx.today, snapshot.cut_off_day, snapshot.keys, manager)
    loaded = await records.load_period_records(ctx.session, shown[-1].start, shown[0].end)
    names = {s.id: s.name for s in await people.list_staff(ctx.session)} if manager else {}
    found = []
    forms = ctx.settings.forms
    for form in record_forms(forms):
        for record in form.record.of_period(loaded):
            mine = manager or record.meta.recorded_by == ctx.staff.id
            if mine and form_of(forms, form.record.entity, record.meta.form) is form:
                found.append(_entry(ctx, form, record, loaded, names, snapshot))
    found.sort(key=lambda e: (e.day, int(e.key.rsplit(":", 1)[1])), reverse=True)
    return found, shown


def _entry(ctx, form: Form, record, loaded, names: dict[int, str], snapshot) -> Entry:
    day = form.record.date_of(record)
    label = f"{texts.common.format_date(day)} {form.describe(ctx.catalogue, record, loaded)} (#{record.id})"
    if names:
        label += f" — {names.get(record.meta.recorded_by, '?')}"
    label += texts.review.mine_mark(record.meta.review, record.meta.review_comment)
    if snapshot.closed(day):
        label += texts.capture.MINE_CLOSED_MARK
    return Entry(f"{form.name}:{record.id}", day, label)


def _phrase(shown: list[Period]) -> str:
    return texts.capture.periods_phrase([capture.period_label(p) for p in shown])


# --- the list form --------------------------------------------------------------------------------


def check_period(value: str, _answers) -> str | None:
    """A month, or "" (the default); the question is answered by /cuatoi, never typed."""
    if not value.strip():
        return None
    try:
        parse_period(value.strip(), 1)
    except PeriodError:
        return texts.capture.MINE_BAD_PERIOD
    return None


async def record_choices(ctx: FlowContext, answers) -> list[Choice]:
    found, _ = await entries(ctx, (answers.get("period") or "").strip())
    return [Choice(e.key, e.label) for e in found[:MAX_LISTED]]


def _form_of(ctx: FlowContext, key: str) -> tuple[Form, int]:
    """The form of a listed record ("calibration:12"); a list shown before records remembered their
    form named the table ("calibration_batch:12")."""
    name, record_id = key.rsplit(":", 1)
    forms = ctx.settings.forms
    form = forms.get(name) or form_of(forms, name, "")
    if form is None or form.record is None:
        raise KeyError(key)
    return form, int(record_id)


def action_choices(ctx: FlowContext, answers) -> list[Choice]:
    form, _ = _form_of(ctx, answers["record"])
    delete = Choice(DELETE, texts.capture.MINE_DELETE)
    return [Choice(EDIT, texts.capture.MINE_EDIT), delete] if form.answers_of else [delete]


def _line(answers) -> str:
    """The picked record's line in the list: "13/01/2023 Kiểm định điện: 5 PTĐ, loại bỏ 0, 5 GCN (#1)"."""
    return answers.get("_labels", {}).get("record", "")


def _what(answers) -> str:
    """What the record is, without its number and marks: "13/01/2023 Kiểm định điện: 5 PTĐ, …"."""
    return _line(answers).split(" (#", 1)[0]


def deleting(answers) -> bool:
    return answers.get("action") == DELETE


async def save(ctx: FlowContext, answers: dict[str, Any]) -> str:
    form, record_id = _form_of(ctx, answers["record"])
    what = _what(answers)
    try:
        record = await form.record.get(ctx.session, record_id)
    except NotFound:
        return texts.capture.RECORD_GONE
    store = form.store_for(ctx.catalogue, record)
    if answers["action"] == DELETE:
        if not answers["confirm"]:
            return texts.capture.mine_not_deleted(store.noun, record_id)
        return await capture.delete_record(ctx, store, record_id, what)
    if form.answers_of is None:
        return texts.capture.MINE_EDIT_ELSEWHERE
    opening = texts.capture.MINE_OPENING.format(noun=store.noun, id=record_id, what=what)
    if not capture.may_change(ctx.staff, record):
        return texts.capture.NOT_YOURS
    filled = edit_answers(store, record, await _answers(form.answers_of(ctx, record)))
    return Saved(opening, StartForm(flow_for(ctx.settings, form.name, ctx.staff), answers=filled))


async def _answers(answers):
    return await answers if inspect.isawaitable(answers) else answers


def questions(services, managers: bool) -> list[Question]:
    return [
        # "" (this period and the last) unless /cuatoi named a month: never asked ("quay lại" from a
        # named month's list goes to this period and the last)
        Question("period", "text", texts.capture.MINE_PERIOD_ASK, label=texts.capture.MINE_PERIOD_LABEL,
                 optional=True, max_length=20, validate=check_period, auto=lambda ctx, answers: ""),
        Question("record", "choice", texts.capture.MINE_PICK, label=texts.capture.MINE_RECORD_LABEL, choices=record_choices),
        Question("action", "choice", texts.capture.MINE_ACTION, label=texts.capture.MINE_ACTION_LABEL, choices=action_choices,
                 prompt_for=lambda answers: texts.capture.mine_action(_line(answers))),
        Question("confirm", "yesno", texts.capture.MINE_CONFIRM_DELETE, label=texts.capture.MINE_DELETE_LABEL, when=deleting,
                 prompt_for=lambda answers: texts.capture.mine_confirm_delete(_line(answers))),
    ]  # fmt: skip


async def named_period(ctx: FlowContext, text: str) -> tuple[str, str]:
    """/cuatoi MM/YYYY: (the month's key, "") when its records may be listed, else ("", why not): a month
    that has not begun, or (but for managers, whose corrections are audited) one that is closed."""
    snapshot = capture.closed_periods(ctx.settings)
    try:
        period = parse_period(text.strip(), snapshot.cut_off_day)
    except PeriodError:
        return "", texts.capture.MINE_BAD_PERIOD
    if period.kind != "month" or period.start > ctx.today:
        return "", texts.capture.MINE_BAD_PERIOD
    closed = await periods_store.closed_by(ctx.session, period.key)
    if closed is not None and not ctx.staff.has(capture.MANAGER):
        who, at = await _name(ctx, closed[0]), closed[1]
        at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)  # stored as UTC
        return "", texts.capture.mine_closed(
            capture.period_label(period), who, at.astimezone(ctx.settings.config.general.zone).date(),
            capture.typed_month(period),
        )
    return period.key, ""


async def _name(ctx: FlowContext, staff_id: int | None) -> str:
    try:
        return (await people.get_staff(ctx.session, staff_id)).name if staff_id else texts.capture.SOMEONE
    except NotFound:
        return texts.capture.SOMEONE


async def command(unit, staff: Staff, services: Services) -> StartForm | None:
    """/cuatoi [MM/YYYY]: the list with a line saying which periods it covers, or that there is nothing;
    a named month may be any month that is not closed (managers: closed ones too)."""
    ctx = services.context(unit, staff)
    period, refusal = await named_period(ctx, unit.incoming.text) if unit.incoming.text.strip() else ("", "")
    if refusal:
        unit.reply(Reply(text=refusal))
        return None
    found, shown = await entries(ctx, period)
    if not found:
        none = texts.capture.MINE_NONE_ALL if staff.has(capture.MANAGER) else texts.capture.MINE_NONE
        unit.reply(Reply(text=none.format(periods=_phrase(shown))))
        return None
    header = texts.capture.mine_header(_phrase(shown), min(len(found), MAX_LISTED), len(found))
    return StartForm(NAME, answers={"period": period} if period else None, notice=header)


FORM = Form(  # /cuatoi [MM/YYYY]
    name=NAME, title=texts.capture.MINE_TITLE, command="cuatoi", aliases=("mine",),
    description=texts.capture.MINE_DESCRIPTION, roles=EVERYONE, questions=questions, save=save, start=command,
    review=False,
)  # fmt: skip
