"""Plans and decisions of inspection (kiểm tra) or formal inspection (thanh tra). Managers, with
/kehoach (/plan); inspectors then pick an open plan in /kiemtra.

The form: the number and symbol, the date, the issuer, the subject (trích yếu) and the kind.
`/kehoach dong` lists the open plans, `/kehoach dong 12` closes plan #12 (inspectors no longer
see it), `/kehoach mo 12` opens it again; both are audited updates.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import texts
from bot.form import FlowContext, Question, StartForm
from bot.messages import Choice, Reply
from handlers import capture
from handlers.forms import Form, RecordStore, start_form
from storage import records
from storage.domain import NotFound, Plan, RecordMeta
from storage.text import fold

NAME = "plan"
KINDS = dict(texts.capture.PLAN_KINDS)

STORE = RecordStore(
    entity="plan", noun=texts.capture.PLAN_NOUN, date_of=lambda plan: plan.plan_date,
    add=records.add_plan, get=records.get_plan, update=records.update_plan, delete=records.delete_plan,
    of_period=lambda loaded: loaded.plans,
)  # fmt: skip


def questions(services, managers: bool) -> list[Question]:
    return [
        Question("number", "text", texts.capture.PLAN_NUMBER, label=texts.capture.PLAN_NUMBER_LABEL, max_length=100),
        capture.date_question(services, prompt=texts.capture.PLAN_DATE, managers=managers),
        Question("issuer", "text", texts.capture.PLAN_ISSUER, label=texts.capture.PLAN_ISSUER_LABEL, max_length=300),
        Question("subject", "text", texts.capture.PLAN_SUBJECT, label=texts.capture.PLAN_SUBJECT_LABEL, max_length=2000),
        Question("kind", "choice", texts.capture.PLAN_KIND, label=texts.capture.PLAN_KIND_LABEL,
                 choices=tuple(Choice(k, v) for k, v in texts.capture.PLAN_KINDS)),
    ]  # fmt: skip


def plan_of(answers, is_open: bool = True) -> Plan:
    return Plan(
        0, answers["number"], answers["business_date"], answers["issuer"], answers["subject"], answers["kind"],
        is_open,
    )  # fmt: skip


async def save(ctx: FlowContext, answers: dict[str, Any]) -> str:
    target = capture.edit_target(answers)
    is_open = True
    if target is not None:  # a correction keeps the plan open or closed as it was
        try:
            is_open = (await records.get_plan(ctx.session, target[1])).is_open
        except NotFound:
            return texts.capture.RECORD_GONE
    return await capture.store_record(ctx, answers, plan_of(answers, is_open), STORE)


async def summarize(ctx: FlowContext, answers) -> str:
    lines = [
        (texts.capture.PLAN_NUMBER_LABEL, answers["number"]),
        (texts.capture.DATE_LABEL, texts.capture.format_date(answers["business_date"])),
        (texts.capture.PLAN_ISSUER_LABEL, answers["issuer"]),
        (texts.capture.PLAN_SUBJECT_LABEL, answers["subject"]),
        (texts.capture.PLAN_KIND_LABEL, KINDS.get(answers["kind"], answers["kind"])),
    ]
    return await capture.review(ctx, answers, texts.capture.PLAN_TITLE, STORE, lines, answers["business_date"])


def answers_of(plan: Plan, catalogue=None) -> dict[str, Any]:
    return {
        "number": plan.number, "business_date": plan.plan_date, "issuer": plan.issuer, "subject": plan.subject,
        "kind": plan.kind,
    }  # fmt: skip


def describe(catalogue, plan: Plan) -> str:
    return texts.capture.plan_line(KINDS.get(plan.kind, plan.kind), plan.number, plan.subject, plan.is_open)


# --- closing and reopening ------------------------------------------------------------------------


async def open_plans_text(session) -> str:
    plans = await records.list_plans(session, open_only=True)
    if not plans:
        return texts.capture.PLAN_NONE_OPEN
    return "\n".join([texts.capture.PLAN_OPEN_LIST] + [f"#{p.id} {describe(None, p)}" for p in plans])


async def set_open(unit, staff, plan_id: int, is_open: bool) -> str:
    try:
        plan = await records.get_plan(unit.session, plan_id)
    except NotFound:
        return texts.capture.PLAN_NOT_FOUND.format(id=plan_id)
    meta = RecordMeta(
        recorded_by=staff.id, channel=unit.incoming.channel, source_event=unit.incoming.event_key,
        recorded_at=unit.now,
    )  # fmt: skip
    await records.update_plan(unit.session, dataclasses.replace(plan, is_open=is_open), meta)
    done = texts.capture.PLAN_CLOSED if not is_open else texts.capture.PLAN_REOPENED
    return done.format(id=plan.id, number=plan.number)


async def command(unit, staff, services) -> StartForm | None:
    """/kehoach: the form; /kehoach dong [N]: close plan #N (or list the open ones); /kehoach mo N."""
    words = fold(unit.incoming.text).replace("#", " ").split()
    if not words or words[0] not in ("dong", "mo", "close", "open"):
        return start_form(unit, staff, services, NAME)
    is_open = words[0] in ("mo", "open")
    if len(words) < 2 or not words[1].isdecimal():
        unit.reply(Reply(text=await open_plans_text(unit.session)))
        return
    unit.reply(Reply(text=await set_open(unit, staff, int(words[1]), is_open)))


FORM = Form(
    name=NAME, title=texts.capture.PLAN_TITLE, command="kehoach", aliases=("plan",),
    description=texts.capture.PLAN_DESCRIPTION, roles=frozenset({"manager"}),
    questions=questions, save=save, summarize=summarize, start=command,  # /kehoach [dong|mo N]
    record=STORE, answers_of=lambda ctx, plan: answers_of(plan), describe=lambda catalogue, plan, _loaded: describe(catalogue, plan),
)  # fmt: skip
