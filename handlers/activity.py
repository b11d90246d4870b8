"""Countable activities of the department's units: conformity notices, imported-steel registrations,
S&T task certificates, initiatives recognised, complaints received… Clerks and managers, with
/hoatdong (/activity).

The form: the kind (catalogue `activity_kinds`), the date, how many, what that kind also needs
(`detail`: "enterprise" the enterprise's name, "sector" the project's sector, "authors" the
number of authors) and, if any, the decision it cites. Formal inspections are counted from plans
and visits, never typed here.
"""

from __future__ import annotations

from typing import Any

from bot.flow import Flow, FlowContext, Question
from bot.messages import Choice
from handlers import capture_texts as t
from handlers import periods
from storage import records
from storage.domain import Activity

NAME = "activity"
ROLES = ("clerk", "manager")

STORE = periods.RecordStore(
    entity="activity", noun=t.ACT_NOUN, date_of=lambda activity: activity.business_date,
    add=records.add_activity, get=records.get_activity, update=records.update_activity,
    delete=records.delete_activity,
)  # fmt: skip


def at_least_one(message: str):
    def check(value: int, answers) -> str | None:
        return message if value < 1 else None

    return check


def questions(services, managers: bool) -> list[Question]:
    catalogue = services.catalogue
    kinds = tuple(Choice(k.key, k.label) for k in catalogue.activity_kinds)

    def asks(detail: str):
        return lambda answers: catalogue.activity_kind(answers["kind"]).detail == detail

    return [
        Question("kind", "choice", t.ACT_KIND, label=t.ACT_KIND_LABEL, choices=kinds),
        periods.date_question(services, prompt=t.ACT_DATE, managers=managers),
        Question("count", "integer", t.ACT_COUNT, label=t.ACT_COUNT_LABEL, validate=at_least_one(t.ACT_COUNT_ZERO)),
        Question("enterprise", "text", t.ACT_ENTERPRISE, label=t.ACT_ENTERPRISE_LABEL, when=asks("enterprise"),
                 max_length=300),
        Question("sector", "text", t.ACT_SECTOR, label=t.ACT_SECTOR_LABEL, when=asks("sector"), max_length=300),
        Question("authors", "integer", t.ACT_AUTHORS, label=t.ACT_AUTHORS_LABEL, when=asks("authors"),
                 validate=at_least_one(t.ACT_AUTHORS_ZERO)),
        Question("decision", "text", t.ACT_DECISION, label=t.ACT_DECISION_LABEL, optional=True, max_length=500),
    ]  # fmt: skip


def activity_of(answers) -> Activity:
    detail = answers.get("enterprise") or answers.get("sector") or ""
    return Activity(
        0, answers["kind"], answers["business_date"], answers["count"], detail, answers.get("authors") or 0,
        answers.get("decision") or "",
    )  # fmt: skip


async def save(ctx: FlowContext, answers: dict[str, Any]) -> str:
    return await periods.store_record(ctx, answers, activity_of(answers), STORE)


def kind_label(catalogue, key: str) -> str:
    try:
        return catalogue.activity_kind(key).label
    except KeyError:  # a kind since removed from the catalogue
        return key


async def summarize(ctx: FlowContext, answers) -> str:
    lines = [
        (t.ACT_KIND_LABEL, kind_label(ctx.catalogue, answers["kind"])),
        (t.DATE_LABEL, t.format_date(answers["business_date"])),
        (t.ACT_COUNT_LABEL, t.count(answers["count"])),
    ]
    for key, label in (("enterprise", t.ACT_ENTERPRISE_LABEL), ("sector", t.ACT_SECTOR_LABEL)):
        if answers.get(key):
            lines.append((label, answers[key]))
    if answers.get("authors"):
        lines.append((t.ACT_AUTHORS_LABEL, t.count(answers["authors"])))
    lines.append((t.ACT_DECISION_LABEL, t.text_or_dash(answers.get("decision"))))
    return await periods.review(ctx, answers, t.ACT_TITLE, STORE, lines, answers["business_date"])


def answers_of(activity: Activity, catalogue) -> dict[str, Any]:
    """A stored activity as the form's answers; the detail goes back to the question its kind asks."""
    answers: dict[str, Any] = {
        "kind": activity.kind, "business_date": activity.business_date, "count": activity.count,
        "decision": activity.decision or None,
    }  # fmt: skip
    try:
        detail = catalogue.activity_kind(activity.kind).detail
    except KeyError:
        return answers
    if detail in ("enterprise", "sector"):
        answers[detail] = activity.detail
    elif detail == "authors":
        answers["authors"] = activity.authors
    return answers


def describe(catalogue, activity: Activity) -> str:
    return t.activity_line(kind_label(catalogue, activity.kind), activity.count, activity.detail)


def flows(services) -> dict[str, Flow]:
    def build(managers: bool) -> Flow:
        return Flow(
            name=NAME, title=t.ACT_TITLE, roles=ROLES, command="hoatdong",
            questions=questions(services, managers), save=save, summarize=summarize,
        )  # fmt: skip

    return periods.both_declarations(NAME, build)


async def command(unit, staff, router) -> None:
    """/hoatdong"""
    await periods.start_form(unit, staff, router, NAME)
