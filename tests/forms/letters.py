"""/donthu: letters received at the one-stop desk, with what they are about — a form declared in one
module, as a department adds one: its declaration (`FORM`), its sentences (letters_texts.py) and its
catalogue entry (letters.toml, naming the report section it counts in). Nothing else changes.

It stores in the activities table beside /hoatdong, with a question of its own ("content") that
/hoatdong does not have: a record it made is corrected in this form, never in /hoatdong's.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import texts
from bot.form import FlowContext, Question
from handlers import activity, capture
from handlers.forms import Form
from storage.domain import Activity
from tests.forms import letters_texts as t

NAME = "letters"
KIND = "don_thu_mot_cua"  # its entry in the catalogue's activity kinds (letters.toml)
STORE = dataclasses.replace(activity.STORE, noun=t.NOUN)


def questions(services, managers: bool) -> list[Question]:
    return [
        capture.date_question(services, prompt=t.DATE, managers=managers),
        Question("count", "integer", t.COUNT, label=t.COUNT_LABEL, validate=activity.at_least_one(t.COUNT)),
        Question("content", "text", t.CONTENT, label=t.CONTENT_LABEL, max_length=1000),
    ]


def letters_of(answers) -> Activity:
    return Activity(0, KIND, answers["business_date"], answers["count"], answers["content"])


async def summarize(ctx: FlowContext, answers) -> str:
    lines = [
        (texts.capture.DATE_LABEL, texts.capture.format_date(answers["business_date"])),
        (t.COUNT_LABEL, texts.capture.count(answers["count"])),
        (t.CONTENT_LABEL, answers["content"]),
    ]
    return await capture.review(ctx, answers, t.TITLE, STORE, lines, answers["business_date"])


def answers_of(ctx: FlowContext, letters: Activity) -> dict[str, Any]:
    return {"business_date": letters.business_date, "count": letters.count, "content": letters.detail}


FORM = Form(
    name=NAME, title=t.TITLE, command="donthu", description=t.DESCRIPTION, roles=frozenset({"clerk"}),
    questions=questions, save=capture.saver(letters_of, STORE), summarize=summarize,
    record=STORE, answers_of=answers_of, describe=lambda catalogue, letters, _loaded: t.line(letters.count, letters.detail),
)
