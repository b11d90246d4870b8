"""Licences and certificates issued by the department: X-ray equipment use licences, radiation worker
certificates… Licensing officers, with /giayphep (/licence).

The form: the kind (catalogue), the action (new, renewal, amendment, re-issue), the number, the
holder, the facility, the issue date and the expiry. The expiry follows the rules of the kind's
validity (catalogue `validity_years`): a new licence runs that many years from its issue date, a
renewal from the old expiry (asked for), an amendment or a re-issue keeps the expiry it had (asked
for, no suggestion); kinds with validity 0 (radiation worker certificates) have none. Expiry
dates lie in the future, which the date questions refuse, so they are typed dates checked here.
No dates of birth or identity numbers are asked for.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import texts
from bot.form import FlowContext, Question, Suggestion
from bot.messages import Choice
from handlers import capture
from handlers.forms import Form, RecordStore
from storage import licence_register, records
from storage.domain import Licence

NAME = "licence"
NEW, RENEWAL = "cap_moi", "gia_han"
ACTIONS = dict(texts.capture.LIC_ACTIONS)

STORE = RecordStore(
    entity="licence", noun=texts.capture.LIC_NOUN, date_of=lambda licence: licence.issue_date,
    add=records.add_licence, get=records.get_licence, update=records.update_licence, delete=records.delete_licence,
    of_period=lambda loaded: loaded.licences,
)  # fmt: skip

_FULL_DATE = re.compile(r"\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*")


def read_date(text: str) -> dt.date | None:
    """A full dd/mm/yyyy date, future allowed (expiries); None when it is not one."""
    match = _FULL_DATE.fullmatch(text)
    if not match:
        return None
    try:
        return dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


# --- the questions, in the order the officer meets them -------------------------------------------


def questions(services, managers: bool) -> list[Question]:
    catalogue = services.catalogue
    kinds = tuple(Choice(k.key, k.label[0].upper() + k.label[1:], k.synonyms) for k in catalogue.licence_kinds)

    def years(answers) -> int:
        return catalogue.licence_kind(answers["kind"]).validity_years

    # `when` may be asked before the kind and the action are answered (going back from the start):
    # the expiry questions apply only once both are known.
    def expires(answers) -> bool:
        return "kind" in answers and "action" in answers and years(answers) > 0

    def renewal(answers) -> bool:
        return expires(answers) and answers["action"] == RENEWAL

    def keeps_expiry(answers) -> bool:
        return expires(answers) and answers["action"] not in (NEW, RENEWAL)

    def computed(ctx: FlowContext, answers) -> Suggestion:
        is_renewal = answers["action"] == RENEWAL
        start = read_date(answers["old_expiry"]) if is_renewal else answers["issue_date"]
        day = add_years(start, years(answers))
        return Suggestion(texts.capture.format_date(day), texts.capture.expiry_suggestion(day, years(answers), is_renewal))

    return [
        Question("kind", "choice", texts.capture.LIC_KIND, label=texts.capture.LIC_KIND_LABEL, choices=kinds),
        Question("action", "choice", texts.capture.LIC_ACTION, label=texts.capture.LIC_ACTION_LABEL,
                 choices=tuple(Choice(k, v) for k, v in texts.capture.LIC_ACTIONS)),
        Question("number", "text", texts.capture.LIC_NUMBER, label=texts.capture.LIC_NUMBER_LABEL, max_length=100),
        Question("holder", "text", texts.capture.LIC_HOLDER, label=texts.capture.LIC_HOLDER_LABEL, max_length=300),
        Question("facility", "text", texts.capture.LIC_FACILITY, label=texts.capture.LIC_FACILITY_LABEL, optional=True, max_length=300),
        capture.date_question(services, key="issue_date", prompt=texts.capture.LIC_ISSUED, label=texts.capture.LIC_ISSUED_LABEL,
                              managers=managers),
        Question("old_expiry", "text", texts.capture.LIC_OLD_EXPIRY, label=texts.capture.LIC_OLD_EXPIRY_LABEL, when=renewal,
                 validate=a_date, max_length=20),
        Question("expiry", "text", texts.capture.LIC_EXPIRY, label=texts.capture.LIC_EXPIRY_LABEL, when=lambda a: expires(a)
                 and not keeps_expiry(a), default=computed, validate=after_issue, max_length=20),
        Question("expiry", "text", texts.capture.LIC_EXPIRY_KEEP, label=texts.capture.LIC_EXPIRY_LABEL, when=keeps_expiry,
                 validate=after_issue, max_length=20),
    ]  # fmt: skip


def _as_date(text: str) -> str:
    """A typed date as every date is shown: "5/1/2023" → "05/01/2023"."""
    day = read_date(text)
    return texts.capture.format_date(day) if day else text


def a_date(text: str, answers) -> str | None:
    return None if read_date(text) else texts.capture.LIC_DATE_EXPECTED


def after_issue(text: str, answers) -> str | None:
    day = read_date(text)
    if day is None:
        return texts.capture.LIC_DATE_EXPECTED
    issued = answers["issue_date"]
    return texts.capture.LIC_EXPIRY_BEFORE_ISSUE.format(issued=texts.capture.format_date(issued)) if day <= issued else None


# --- saving and the review ------------------------------------------------------------------------


def licence_of(answers) -> Licence:
    expiry = answers.get("expiry")
    return Licence(
        0, answers["kind"], answers["action"], answers["number"], answers["holder"],
        answers.get("facility") or "", answers["issue_date"], read_date(expiry) if expiry else None,
    )  # fmt: skip


def store_for(catalogue, kind: str) -> RecordStore:
    """The store named by the noun of the licence's kind: "Đã lưu chứng chỉ #2" for a certificate."""
    return dataclasses.replace(STORE, noun=texts.capture.licence_noun(kind_label(catalogue, kind)))


async def save(ctx: FlowContext, answers: dict[str, Any]) -> str:
    """Store the licence; a renewal, amendment or re-issue is linked to the licence it replaces (which
    then leaves the expiry digests), and the facility on file with the typed name is remembered."""
    licence = licence_of(answers)
    old_expiry = read_date(answers["old_expiry"]) if answers.get("old_expiry") else None
    target = capture.edit_target(answers)
    if target is not None:
        licence = dataclasses.replace(licence, id=target[1])
    replaced = await licence_register.predecessor(ctx.session, licence, old_expiry)
    facility_id = await licence_register.facility_named(ctx.session, licence.facility or licence.holder)
    licence = dataclasses.replace(licence, id=0, replaces_id=replaced.id if replaced else None, facility_id=facility_id)
    store = store_for(ctx.catalogue, answers["kind"])

    def confirmation(saved: Licence) -> str:
        return texts.licences.renewal_linked(store.noun, saved.id, replaced.number, replaced.id)

    return await capture.store_record(ctx, answers, licence, store, confirmation if replaced else None)


def kind_label(catalogue, key: str) -> str:
    label = capture.label_of(catalogue.licence_kind, key)
    return label[0].upper() + label[1:] if label != key else key


async def summarize(ctx: FlowContext, answers) -> str:
    lines = [
        (texts.capture.LIC_KIND_LABEL, kind_label(ctx.catalogue, answers["kind"])),
        (texts.capture.LIC_ACTION_LABEL, ACTIONS.get(answers["action"], answers["action"])),
        (texts.capture.LIC_NUMBER_LABEL, answers["number"]),
        (texts.capture.LIC_HOLDER_LABEL, answers["holder"]),
        (texts.capture.LIC_FACILITY_LABEL, texts.capture.text_or_dash(answers.get("facility"))),
        (texts.capture.LIC_ISSUED_LABEL, texts.capture.format_date(answers["issue_date"])),
    ]
    if answers.get("old_expiry"):
        lines.append((texts.capture.LIC_OLD_EXPIRY_LABEL, _as_date(answers["old_expiry"])))
    if answers.get("expiry"):  # a date is "có hiệu lực đến"; "thời hạn" is a duration
        lines.append((texts.capture.LIC_EXPIRY_LABEL, _as_date(answers["expiry"])))
    else:
        lines.append((texts.capture.LIC_TERM_LABEL, texts.capture.LIC_NO_EXPIRY))
    store = store_for(ctx.catalogue, answers["kind"])
    return await capture.review(ctx, answers, texts.capture.LIC_TITLE, store, lines, answers["issue_date"])


def answers_of(licence: Licence, catalogue) -> dict[str, Any]:
    """A stored licence as the form's answers; a renewal's old expiry is not stored, but follows from
    the rule (expiry − validity), so a correction need not ask for it again."""
    expiry = texts.capture.format_date(licence.expiry_date) if licence.expiry_date else None
    answers = {
        "kind": licence.kind, "action": licence.action, "number": licence.number, "holder": licence.holder,
        "facility": licence.facility or None, "issue_date": licence.issue_date, "expiry": expiry,
    }  # fmt: skip
    try:
        years = catalogue.licence_kind(licence.kind).validity_years
    except KeyError:
        return answers
    if licence.action == RENEWAL and licence.expiry_date and years:
        answers["old_expiry"] = texts.capture.format_date(add_years(licence.expiry_date, -years))
    return answers


def describe(catalogue, licence: Licence) -> str:
    action = ACTIONS.get(licence.action, licence.action)
    label = catalogue.licence_kind(licence.kind).label if licence.kind in _kinds(catalogue) else licence.kind
    return texts.capture.licence_line(label, action, licence.number, licence.holder)


def _kinds(catalogue) -> set[str]:
    return {k.key for k in catalogue.licence_kinds}


FORM = Form(
    name=NAME, title=texts.capture.LIC_TITLE, command="giayphep", aliases=("licence",),
    description=texts.capture.LIC_DESCRIPTION, roles=frozenset({"licensing"}),
    questions=questions, save=save, summarize=summarize,
    record=STORE, answers_of=lambda ctx, licence: answers_of(licence, ctx.catalogue),
    noun_of=lambda catalogue, licence: store_for(catalogue, licence.kind).noun, describe=lambda catalogue, licence, _loaded: describe(catalogue, licence),
)  # fmt: skip
