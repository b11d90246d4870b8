"""Calibration batches: measuring instruments a technician of the calibration centre verified or
calibrated in one batch (kiểm định / hiệu chuẩn phương tiện đo). Technicians, with /kiemdinh
(/calibrate).

The form: the date, the field (from the catalogue), how many instruments were verified, how many
were rejected, how many certificates were issued (verified − rejected in one tap) and, if wanted,
the customer. The report's calibration table sums these per field.

The shortcut goes straight to the review, two bot messages for a whole batch:
`/kiemdinh <field> [customer] <verified> <rejected> <certificates> [dd/mm/yyyy]`, e.g.
`/kiemdinh dong ho nuoc 500 0 500` or `/kiemdinh điện 67 0 67 13/01/2023`. The field is matched
with or without diacritics, the longest leading words that name one field win, and words left
between the field and the numbers are the customer. An unknown or ambiguous field lists the fields
and the form starts from its first question.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

import texts
from bot.form import FlowContext, Question, Suggestion
from bot.messages import Choice
from bot.parsing import ParseError, parse_count, parse_date
from handlers import capture
from handlers.forms import Form, RecordStore
from storage import records
from storage.catalogue import CalibrationField
from storage.domain import CalibrationBatch
from storage.text import fold

NAME = "calibration"

STORE = RecordStore(
    entity="calibration_batch",
    noun=texts.capture.CAL_NOUN,
    date_of=lambda batch: batch.business_date,
    add=records.add_calibration_batch,
    get=records.get_calibration_batch,
    update=records.update_calibration_batch,
    delete=records.delete_calibration_batch,
    of_period=lambda loaded: loaded.calibration_batches,
)


# --- the questions, in the order the technician meets them ----------------------------------------


def none_rejected(ctx: FlowContext, answers) -> Suggestion:
    return Suggestion(0, texts.capture.CAL_NONE_REJECTED)


def rejected_within_verified(rejected: int, answers) -> str | None:
    verified = answers["verified"]
    return texts.capture.rejected_too_many(rejected, verified) if rejected > verified else None


def certificates_for_passed(ctx: FlowContext, answers) -> Suggestion:
    passed = answers["verified"] - answers["rejected"]
    return Suggestion(passed, texts.capture.certificates_for_passed(passed))


def certificates_within_passed(certificates: int, answers) -> str | None:
    passed = answers["verified"] - answers["rejected"]
    return texts.capture.certificates_too_many(certificates, passed) if certificates > passed else None


def questions(services, managers: bool) -> list[Question]:
    fields = tuple(Choice(f.key, f.label, f.synonyms) for f in services.catalogue.calibration_fields)
    return [
        capture.date_question(services, prompt=texts.capture.CAL_DATE, managers=managers),
        Question("field", "choice", texts.capture.CAL_FIELD, label=texts.capture.CAL_FIELD_LABEL, choices=fields),
        Question("verified", "integer", texts.capture.CAL_VERIFIED, label=texts.capture.CAL_VERIFIED_LABEL),
        Question(
            "rejected", "integer", texts.capture.CAL_REJECTED, label=texts.capture.CAL_REJECTED_LABEL,
            default=none_rejected, validate=rejected_within_verified,
        ),
        Question(
            "certificates", "integer", texts.capture.CAL_CERTIFICATES, label=texts.capture.CAL_CERTIFICATES_LABEL,
            default=certificates_for_passed, validate=certificates_within_passed,
        ),
        Question("customer", "text", texts.capture.CAL_CUSTOMER, label=texts.capture.CUSTOMER_LABEL, optional=True, max_length=300),
    ]  # fmt: skip


# --- saving and the review ------------------------------------------------------------------------


def batch_of(answers) -> CalibrationBatch:
    return CalibrationBatch(
        0, answers["business_date"], answers["field"], answers["verified"], answers["rejected"],
        answers["certificates"], answers.get("customer") or "",
    )  # fmt: skip


save = capture.saver(batch_of, STORE)


async def summarize(ctx: FlowContext, answers) -> str:
    lines = [
        (texts.capture.DATE_LABEL, texts.capture.format_date(answers["business_date"])),
        (texts.capture.CAL_FIELD_LABEL, capture.label_of(ctx.catalogue.calibration_field, answers["field"])),
        (texts.capture.CAL_VERIFIED_LABEL, texts.capture.count(answers["verified"])),
        (texts.capture.CAL_REJECTED_LABEL, texts.capture.count(answers["rejected"])),
        (texts.capture.CAL_CERTIFICATES_LABEL, texts.capture.count(answers["certificates"])),
        (texts.capture.CUSTOMER_LABEL, texts.capture.text_or_dash(answers.get("customer"))),
    ]
    return await capture.review(ctx, answers, texts.capture.CAL_TITLE, STORE, lines, answers["business_date"])


def answers_of(batch: CalibrationBatch) -> dict[str, Any]:
    """A stored batch as the form's answers, to correct it from /cuatoi."""
    return {
        "business_date": batch.business_date, "field": batch.field, "verified": batch.verified,
        "rejected": batch.rejected, "certificates": batch.certificates, "customer": batch.customer or None,
    }  # fmt: skip


def describe(catalogue, batch: CalibrationBatch) -> str:
    """One line for /cuatoi."""
    return texts.capture.calibration_line(
        capture.label_of(catalogue.calibration_field, batch.field), batch.verified, batch.rejected, batch.certificates
    )


# --- the shortcut ---------------------------------------------------------------------------------

_NUMBER = re.compile(r"[-−–]?\d[\d.,]*")
_DATE = re.compile(r"\d{1,2}/\d{1,2}(/\d{2}|/\d{4})?")
_DAY_WORDS = {"hom qua", "hom nay"}


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    """The folded words of a text (a field's label or synonym is folded once, not at every message)."""
    return tuple(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())


def _is_subsequence(wanted: tuple[str, ...], words: tuple[str, ...]) -> bool:
    rest = iter(words)
    return all(word in rest for word in wanted)


def matching_fields(typed: str, fields: Sequence[CalibrationField]) -> list[CalibrationField]:
    """Fields named by typed words, best kind of match first: exact, first words, words in order, part."""
    wanted = _words(typed)
    if not wanted:
        return []
    tests = (
        lambda f: _words(f.label) == wanted or _words(f.key) == wanted or any(_words(s) == wanted for s in f.synonyms),
        lambda f: any(_words(name)[: len(wanted)] == wanted for name in (f.label, *f.synonyms)),
        lambda f: _is_subsequence(wanted, _words(f.label)),
        lambda f: " ".join(wanted) in " ".join(_words(f.label)),
    )
    for test in tests:
        found = [f for f in fields if test(f)]
        if found:
            return found
    return []


def pick_field(words: list[str], fields: Sequence[CalibrationField]) -> tuple[CalibrationField | None, int, str]:
    """The field named by the longest leading words: (field, words used, message when none is clear)."""
    ambiguous: list[CalibrationField] = []
    for used in range(len(words), 0, -1):
        found = matching_fields(" ".join(words[:used]), fields)
        if len(found) == 1:
            return found[0], used, ""
        ambiguous = ambiguous or found
    typed = " ".join(words)
    if ambiguous:
        return None, 0, texts.capture.ambiguous_field(typed, [f.label for f in ambiguous])
    return None, 0, texts.capture.unknown_field(typed, [f.label for f in fields])


def parse_shortcut(text: str, fields: Sequence[CalibrationField], today) -> dict[str, Any] | str:
    """`<field> [customer] <verified> <rejected> <certificates> [date]` → the form's answers, or why not."""
    tokens = text.split()
    answers: dict[str, Any] = {"business_date": today}
    try:
        if len(tokens) > 1 and fold(" ".join(tokens[-2:])) in _DAY_WORDS:
            answers["business_date"] = parse_date(" ".join(tokens[-2:]), today)
            del tokens[-2:]
        elif tokens and _DATE.fullmatch(tokens[-1]):
            answers["business_date"] = parse_date(tokens.pop(), today)
        first_number = next((i for i, tok in enumerate(tokens) if _NUMBER.fullmatch(tok)), len(tokens))
        words, numbers = tokens[:first_number], tokens[first_number:]
        if len(numbers) > 3:
            return texts.capture.bad_shortcut(texts.capture.CAL_TOO_MANY_NUMBERS)
        for key, token in zip(("verified", "rejected", "certificates"), numbers, strict=False):
            answers[key] = parse_count(token)
    except ParseError as error:
        return texts.capture.bad_shortcut(error.message)
    field, used, message = pick_field(words, fields)
    if field is None:
        return message
    answers["field"] = field.key
    answers["customer"] = " ".join(words[used:]) or None
    return answers


def prefill(ctx: FlowContext, text: str) -> dict[str, Any] | str:
    return parse_shortcut(text, ctx.catalogue.calibration_fields, ctx.today)


# --- the declaration ------------------------------------------------------------------------------


FORM = Form(
    name=NAME, title=texts.capture.CAL_TITLE, command="kiemdinh", aliases=("calibrate",),
    description=texts.capture.CAL_DESCRIPTION, roles=frozenset({"technician"}),
    questions=questions, save=save, summarize=summarize, prefill=prefill,  # /kiemdinh [shortcut]
    record=STORE, answers_of=lambda ctx, batch: answers_of(batch),
    describe=lambda catalogue, batch, _loaded: describe(catalogue, batch),
)  # fmt: skip
