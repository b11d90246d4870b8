"""The checklist in /kiemtra: "all criteria met?" for the facility's kind, and when not, the numbers of
those not met in one answer ("1 3", "ka 2" for not applicable), then a note for each; the answers
read back as `ChecklistAnswer`s and as the review's lines.

The questions are generated from the catalogue (config.toml), one set per facility kind, so a
department adds a criterion without touching code. handlers/inspection.py puts them in its form;
handlers/pumps.py holds the pump line that follows them for fuel stations.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import partial

import texts
from bot.form import Question
from reports.aggregate import PUMP_ASPECT
from storage.catalogue import FacilityKind
from storage.domain import ChecklistAnswer
from storage.text import fold


def kind_of(answers) -> str:
    """The key of the facility kind answered (the checklist's questions are asked per kind)."""
    return answers.get("kind", "")


# Checklist answers are keyed by facility kind (each kind has its own criteria): "ok_<kind>" for
# "all met?", "f_<kind>" for the numbers of those not met ("1 3", "ka 2" for not applicable),
# "n_<kind>_<criterion>" for a failed criterion's note.
def all_ok_key(kind: str) -> str:
    return f"ok_{kind}"


def failed_key(kind: str) -> str:
    return f"f_{kind}"


def note_key(kind: str, criterion: str) -> str:
    return f"n_{kind}_{criterion}"


def all_ok(answers) -> bool | None:
    """"All met?" as answered for the kind answered; None while it is not."""
    return answers.get(all_ok_key(kind_of(answers)))


_NOT_APPLICABLE = re.compile(r"\b(?:ka|kad|khong ap dung|k/a|n/a)\b")


def failed_numbers(text: str | None) -> tuple[set[int], set[int]]:
    """ "2 3" → ({2, 3}, set()); "2 ka 1" → ({2}, {1}): the criteria not met, then after "ka" (không áp
    dụng) those that do not apply. Numbers only; check_failed says what is refused."""
    if not text:
        return set(), set()
    parts = _NOT_APPLICABLE.split(fold(text), maxsplit=1)
    not_met, not_applicable = parts[0], parts[1] if len(parts) > 1 else ""
    return {int(n) for n in re.findall(r"\d+", not_met)}, {int(n) for n in re.findall(r"\d+", not_applicable)}


def check_failed(text: str, _answers=None, *, count: int) -> str | None:
    """Numbers from 1 to count, at least one, none both failed and not applicable."""
    if re.sub(r"[\d\s,;.]", "", _NOT_APPLICABLE.sub(" ", fold(text))):
        return texts.inspection.failed_numbers_bad(count)
    failed, not_applicable = failed_numbers(text)
    numbers = failed | not_applicable
    if not numbers or any(not 1 <= n <= count for n in numbers) or failed & not_applicable:
        return texts.inspection.failed_numbers_bad(count)
    return None


# --- the questions ---------------------------------------------------------------------------------


def questions(kind: FacilityKind, limit: Decimal) -> list[Question]:
    """"All met?" for this kind; if not, the numbers of those not met in one answer, then a note
    for each of them. `limit` is the pumps' tolerance, named in the question for fuel stations."""
    t = texts.inspection
    labels = [c.label for c in kind.criteria]

    def this_kind(answers) -> bool:
        return kind_of(answers) == kind.key

    def some_not_met(answers) -> bool:
        return this_kind(answers) and answers.get(all_ok_key(kind.key)) is False

    prompt, criteria = t.all_ok_prompt(labels, kind.has_pumps, limit), t.SECTION_CRITERIA
    items = [
        Question(all_ok_key(kind.key), "yesno", prompt, label=t.LABEL_ALL_OK, when=this_kind,
                 section=criteria, brief=False),
        Question(failed_key(kind.key), "text", t.which_failed_prompt(labels), label=t.LABEL_FAILED,
                 max_length=200, when=some_not_met, validate=partial(check_failed, count=len(labels)),
                 section=criteria),
    ]  # fmt: skip
    for number, c in enumerate(kind.criteria, start=1):

        def not_met(answers, number=number) -> bool:
            return some_not_met(answers) and number in failed_numbers(answers.get(failed_key(kind.key)))[0]

        items.append(
            Question(note_key(kind.key, c.key), "text", t.note_prompt(c.label), label=f"{t.LABEL_NOTE} ({c.label})",
                     optional=True, max_length=1000, when=not_met, section=criteria)
        )  # fmt: skip
    return items


# --- the answers read back ---------------------------------------------------------------------------


def answers_of(kind: FacilityKind | None, answers) -> list[ChecklistAnswer]:
    """One answer per criterion of the kind: all met, or the numbers typed (not met / not applicable)
    with each failed criterion's note; nothing while the checklist is not answered."""
    if kind is None:
        return []
    if all_ok(answers):
        return [ChecklistAnswer(c.key, "met") for c in kind.criteria]
    if failed_key(kind.key) not in answers:
        return []
    failed, not_applicable = failed_numbers(answers[failed_key(kind.key)])
    return [
        ChecklistAnswer(c.key, "not_met", answers.get(note_key(kind.key, c.key)) or "")
        if i in failed
        else ChecklistAnswer(c.key, "na" if i in not_applicable else "met")
        for i, c in enumerate(kind.criteria, start=1)
    ]


def review_lines(kind: FacilityKind | None, answers) -> list[str]:
    """The checklist in the review: "all met" in one line, or each criterion with its mark and note."""
    if kind is None:
        return []
    if all_ok(answers):
        return [texts.inspection.REVIEW_ALL_MET]
    labels = {c.key: c.label for c in kind.criteria}
    lines = [texts.inspection.REVIEW_CRITERIA]
    for answer in answers_of(kind, answers):
        line = f"  {texts.inspection.RESULT_MARK[answer.result]} {labels.get(answer.criterion, answer.criterion)}"
        line += f": {texts.inspection.RESULT_WORD[answer.result].lower()}"
        if answer.note:
            line += f" — {answer.note}"
        lines.append(line)
    return lines


def answers_for(kind: FacilityKind, checklist) -> dict[str, object]:
    """A stored visit's checklist as the form's answers again (a correction): "all met?", the numbers of
    those not met ("1 3 ka 2") and each failed criterion's note. A criterion the visit did not answer
    (added to the catalogue since) counts as met."""
    results = {a.criterion: a for a in checklist}
    if not results:
        return {}
    failed = [i for i, c in enumerate(kind.criteria, start=1) if c.key in results and results[c.key].result == "not_met"]
    na = [i for i, c in enumerate(kind.criteria, start=1) if c.key in results and results[c.key].result == "na"]
    if not failed and not na:
        return {all_ok_key(kind.key): True}
    typed = " ".join(str(n) for n in failed) + (" ka " + " ".join(str(n) for n in na) if na else "")
    answers: dict[str, object] = {all_ok_key(kind.key): False, failed_key(kind.key): typed.strip()}
    for i, c in enumerate(kind.criteria, start=1):
        if i in failed:
            answers[note_key(kind.key, c.key)] = results[c.key].note or None
    return answers


def disagreements(kind: FacilityKind | None, answers, pumps) -> list[str]:
    """The review's warnings where the pumps typed and the checklist disagree on a criterion the pumps
    also answer (catalogue `pumps`): a pump fails it though it was answered met or not applicable, or
    it was answered not met though every pump passes it. Nothing is overturned: the report counts the
    criterion failed when either failed it (reports.aggregate.failed_at); the inspector may correct."""
    results = {a.criterion: a.result for a in answers_of(kind, answers)} if pumps else {}
    out = []
    for c in kind.criteria if kind is not None else ():
        aspect = PUMP_ASPECT.get(c.pumps)
        if aspect is None or c.key not in results:
            continue
        failing = [texts.inspection.pump_name(i, p.serial) for i, p in enumerate(pumps, start=1) if not getattr(p, aspect)]
        if failing and results[c.key] != "not_met":
            out.append(texts.inspection.pumps_fail_criterion(c.label, results[c.key], failing, c.pumps))
        elif not failing and results[c.key] == "not_met":
            out.append(texts.inspection.pumps_pass_criterion(c.label, c.pumps))
    return out
