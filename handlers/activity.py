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

import texts
from bot.form import FlowContext, Question
from bot.messages import Choice
from handlers import capture
from handlers.forms import Form, RecordStore
from storage import records
from storage.domain import Activity

NAME = "activity"

STORE = RecordStore(
    entity="activity", noun=texts.capture.ACT_NOUN, date_of=lambda activity: activity.business_date,
    add=records.add_activity, get=records.get_activity, update=records.update_activity,
    delete=records.delete_activity, of_period=lambda loaded: loaded.activities,
)  # fmt: skip


def at_least_one(message: str):
    def check(value: int, answers) -> str | None:
        return message if value < 1 else None

    return check


def questions(services, managers: bool) -> list[Question]:
    catalogue = services.catalogue
    kinds = tuple(Choice(k.key, k.label, k.synonyms) for k in catalogue.activity_kinds)

    def asks(detail: str):
        return lambda answers: catalogue.activity_kind(answers["kind"]).detail == detail

    return [
        Question("kind", "choice", texts.capture.ACT_KIND, label=texts.capture.ACT_KIND_LABEL, choices=kinds),
        capture.date_question(services, prompt=texts.capture.ACT_DATE, managers=managers),
        Question("count", "integer", texts.capture.ACT_COUNT, label=texts.capture.ACT_COUNT_LABEL, validate=at_least_one(texts.capture.ACT_COUNT_ZERO),
                 prompt_for=lambda answers: catalogue.activity_kind(answers["kind"]).count_question or texts.capture.ACT_COUNT),
        Question("enterprise", "text", texts.capture.ACT_ENTERPRISE, label=texts.capture.ACT_ENTERPRISE_LABEL, when=asks("enterprise"),
                 max_length=300),
        Question("sector", "text", texts.capture.ACT_SECTOR, label=texts.capture.ACT_SECTOR_LABEL, when=asks("sector"), max_length=300),
        Question("authors", "integer", texts.capture.ACT_AUTHORS, label=texts.capture.ACT_AUTHORS_LABEL, when=asks("authors"),
                 validate=at_least_one(texts.capture.ACT_AUTHORS_ZERO)),
        Question("decision", "text", texts.capture.ACT_DECISION, label=texts.capture.ACT_DECISION_LABEL, optional=True, max_length=500),
    ]  # fmt: skip


def activity_of(answers) -> Activity:
    detail = answers.get("enterprise") or answers.get("sector") or ""
    return Activity(
        0, answers["kind"], answers["business_date"], answers["count"], detail, answers.get("authors") or 0,
        answers.get("decision") or "",
    )  # fmt: skip


save = capture.saver(activity_of, STORE)


async def summarize(ctx: FlowContext, answers) -> str:
    lines = [
        (texts.capture.ACT_KIND_LABEL, capture.label_of(ctx.catalogue.activity_kind, answers["kind"])),
        (texts.capture.DATE_LABEL, texts.capture.format_date(answers["business_date"])),
        (texts.capture.ACT_COUNT_LABEL, texts.capture.count(answers["count"])),
    ]
    for key, label in (("enterprise", texts.capture.ACT_ENTERPRISE_LABEL), ("sector", texts.capture.ACT_SECTOR_LABEL)):
        if answers.get(key):
            lines.append((label, answers[key]))
    if answers.get("authors"):
        lines.append((texts.capture.ACT_AUTHORS_LABEL, texts.capture.count(answers["authors"])))
    lines.append((texts.capture.ACT_DECISION_LABEL, texts.capture.text_or_dash(answers.get("decision"))))
    return await capture.review(ctx, answers, texts.capture.ACT_TITLE, STORE, lines, answers["business_date"])


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
    return texts.capture.activity_line(capture.label_of(catalogue.activity_kind, activity.kind), activity.count, activity.detail)


FORM = Form(
    name=NAME, title=texts.capture.ACT_TITLE, command="hoatdong", aliases=("activity",),
    description=texts.capture.ACT_DESCRIPTION, roles=frozenset({"clerk", "manager"}),
    questions=questions, save=save, summarize=summarize,
    record=STORE, answers_of=lambda ctx, activity: answers_of(activity, ctx.catalogue), describe=lambda catalogue, activity, _loaded: describe(catalogue, activity),
)  # fmt: skip
