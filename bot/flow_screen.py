"""What a person sees of a form and how their typed words are read (part of the form runtime, bot/flow.py).

A question, the review and the edit list are presented as a `Reply` with numbered choices and the
navigation keys (back, skip, cancel); the state keeps what is on screen, so a typed answer is read
(`typed_key`, `parse_typed`) without the declaration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import texts
from bot.flow_state import (
    DraftState,
    EditKey,
    Screen,
    Slot,
    encode,
    final_answers,
    resolve,
    slots,
    split_path,
)
from bot.form import Flow, FlowContext, Question, RepeatGroup, StartForm, Suggestion
from bot.messages import BACK, CANCEL, DONE, SKIP, SUGGESTED, Choice, Reply
from bot.parsing import (
    ParseError,
    is_yes,
    match_choice,
    parse_count,
    parse_date,
    parse_decimal,
    parse_location,
    parse_money,
    parse_text,
    parse_yes_no,
)
from storage.text import fold, has_pictographs

# Keys of the runtime's own choices, after the "token|" prefix (BACK, SKIP, CANCEL, DONE, SUGGESTED
# come from bot.messages: the channels render them as words). Flow choice keys must avoid them.
CONFIRM_KEY, EDIT_KEY, CANCEL_KEY = "confirm", "edit", "cancel"
YES_KEY, NO_KEY = "y", "n"
_NUMERIC = ("integer", "money", "decimal")


@dataclass
class Step:
    """The outcome of one message: the new state (None when the flow ended) and the replies to send."""

    state: DraftState | None
    replies: list[Reply] = field(default_factory=list)
    done: bool = False
    saved: bool = False
    cancelled: bool = False
    then: StartForm | None = None  # the form to open next, in the same unit of work (a save's hand-over)


async def choice_objects(q: Question, ctx: FlowContext, scope: dict[str, Any]) -> list[Choice]:
    if q.kind == "yesno":
        return [Choice(YES_KEY, texts.common.YES), Choice(NO_KEY, texts.common.NO)]
    if q.kind != "choice" or q.choices is None:
        return []
    found = q.choices(ctx, scope) if callable(q.choices) else q.choices
    return list(await resolve(found))


async def choices_for(q: Question, ctx: FlowContext, scope: dict[str, Any]) -> list[list[str]]:
    return [[c.key, c.label] for c in await choice_objects(q, ctx, scope)]


async def suggestion_for(q: Question, ctx: FlowContext, scope: dict[str, Any]) -> Suggestion | None:
    if q.default is None:
        return None
    offered = await resolve(q.default(ctx, scope))
    if offered is None or isinstance(offered, Suggestion):
        return offered
    return Suggestion(offered, format_answer(q, offered, None, ""))


def suggested_first(choices: list[list[str]], key: Any) -> list[list[str]]:
    """The suggested choice goes first, so it is number 1 and the first button."""
    return sorted(choices, key=lambda c: c[0] != key)


def present(
    state: DraftState,
    mode: str,
    path: str,
    kind: str,
    prompt: str,
    choices: list[list[str]],
    suggestion: Suggestion | None = None,
    optional: bool = False,
    notice: str = "",
) -> Step:
    """Put a question on screen: a new token, so taps on earlier keyboards are recognised as old."""
    state["seq"] += 1
    state["token"] = f"{state['draft']}.{state['seq']}"
    state["question"] = {
        "mode": mode,
        "path": path,
        "kind": kind,
        "prompt": prompt,
        "choices": choices,
        "suggestion": None if suggestion is None else encode_suggestion(kind, suggestion),
        "optional": optional,
    }
    return Step(state, [question_reply(state, notice)])


def encode_suggestion(kind: str, suggestion: Suggestion) -> dict[str, Any]:
    return {"value": encode(kind, suggestion.value), "label": suggestion.label}


def question_reply(state: DraftState, notice: str = "") -> Reply:
    question, token = state["question"], state["token"]
    keys: list[tuple[str, str]] = []
    if question.get("suggestion"):
        keys.append((SUGGESTED, question["suggestion"]["label"]))
    keys += [(key, label) for key, label in question["choices"]]
    if question["kind"] == "photos":
        keys.append((DONE, texts.common.DONE))
    keys += nav_keys(state)
    choices = tuple(Choice(f"{token}|{key}", label) for key, label in keys)
    body = join(notice, question["prompt"])
    return Reply(
        kind="text", text=body, choices=choices, ask_location=question["kind"] == "location", token=token
    )


def nav_keys(state: DraftState) -> list[tuple[str, str]]:
    question = state["question"]
    if question["mode"] == "review":
        return [(BACK, texts.common.BACK)]
    keys = []
    if question["optional"]:
        keys.append((SKIP, texts.common.SKIP))
    if state["editing"] or question["mode"] == "pick_edit":  # back leads to the review, not a question
        keys.append((BACK, texts.common.BACK_TO_REVIEW))
    elif state["stack"]:
        keys.append((BACK, texts.common.BACK))
    keys.append((CANCEL, texts.common.CANCEL))
    return keys


def join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def reask(state: DraftState, message: str) -> Step:
    """Wrong input: the reason and the same question (same token); every answer is kept."""
    if not state.get("question"):
        return Step(state, [Reply(text=message)])
    return Step(state, [question_reply(state, message)])


async def show_review(flow: Flow, state: DraftState, ctx: FlowContext, notice: str = "") -> Step:
    answers = final_answers(flow, state)
    if flow.summarize is not None:
        summary = await resolve(flow.summarize(ctx, answers))
    else:
        summary = default_summary(flow, state, answers)
    if any_pictograph(answers):  # the author is told before confirming, not surprised in the report
        summary = join(summary, texts.common.PICTOGRAPHS_DROPPED)
    choices = [[CONFIRM_KEY, texts.common.CONFIRM], [EDIT_KEY, texts.common.EDIT], [CANCEL_KEY, texts.common.CANCEL]]
    return present(state, "review", "", "choice", join(summary, texts.common.REVIEW_HINT), choices, notice=notice)


def any_pictograph(value: Any) -> bool:
    if isinstance(value, str):
        return has_pictographs(value)
    if isinstance(value, dict):
        return any(any_pictograph(v) for k, v in value.items() if not str(k).startswith("_"))
    if isinstance(value, list | tuple):
        return any(any_pictograph(v) for v in value)
    return False


def default_summary(flow: Flow, state: DraftState, answers: dict[str, Any]) -> str:
    """The form's labels and the answers, one per line; groups list their items."""
    lines = [flow.title]
    for item in flow.questions:
        if isinstance(item, RepeatGroup):
            for index, values in enumerate(answers.get(item.key, [])):
                lines.append(texts.common.item_label(item.title, index) + ":")
                lines += [
                    f"  {line}"
                    for line in summary_lines(item.questions, values, state, f"{item.key}.{index}.")
                ]
        else:
            lines += summary_lines([item], answers, state, "")
    if answers["_photos"]:
        lines.append(texts.common.photos_label(len(answers["_photos"])))
    return "\n".join(lines)


def summary_lines(questions, values: Mapping[str, Any], state: DraftState, prefix: str) -> list[str]:
    return [
        f"{q.title}: {format_answer(q, values[q.key], state, prefix + q.key)}" for q in questions if q.key in values
    ]


def format_answer(q: Question, value: Any, state: DraftState | None, path: str) -> str:
    """An answer as a person reads it: 1.200, -0,3, 13/01/2023, Có, the label of a choice."""
    if value is None:
        return texts.common.SKIPPED
    if q.kind == "choice":
        labels = state["answers"]["_labels"] if state else {}
        return labels.get(path, str(value))
    if q.kind == "yesno":
        return texts.common.YES if value else texts.common.NO
    if q.kind == "integer":
        return texts.common.format_count(int(value))
    if q.kind == "money":
        return texts.common.format_money(int(value))
    if q.kind == "decimal":
        return texts.common.format_decimal_vi(str(value))
    if q.kind == "date":
        return texts.common.format_date(value)
    if q.kind == "location":
        return texts.common.format_location(value)
    if q.kind == "photos":
        return texts.common.photos_label(len(value))
    return str(value)


async def show_edit_list(flow: Flow, state: DraftState, notice: str = "") -> Step:
    """The answered questions, to pick the one to change; groups can also get one more item."""
    choices, effective = [], {}
    sections: dict[str, list[tuple[bool, str]]] = {}  # section -> (brief, formatted answer)
    for slot in slots(flow, state, effective):
        if slot.answered and slot.question is not None:
            shown = format_answer(slot.question, slot.value, state, slot.path)
            if slot.question.section:
                if slot.question.section not in sections:
                    choices.append([EditKey.section(slot.question.section), slot.question.section])
                if slot.value is not None:  # a skipped question says nothing in its section's line
                    sections.setdefault(slot.question.section, []).append((slot.question.brief, shown))
                continue
            choices.append([slot.path, f"{slot_title(flow, slot)}: {shown}"])
    for choice in choices:  # a section shows its last answers: "Cơ sở: Cửa hàng … (xã …)"
        if EditKey.read(choice[0])[0] == EditKey.SECTION:
            said = sections.get(choice[1], [])
            values = [v for brief, v in said if brief] or [v for _, v in said]
            choice[1] = f"{choice[1]}: {' · '.join(values)}"
    for group in groups(flow):
        if group.key in effective and len(effective[group.key]) < group.max_items:
            choices.append([EditKey.add_item(group.key), texts.common.add_item(group.title)])
    if state["answers"]["_photos"]:  # a correction may drop the photos it came with
        choices.append([EditKey.DROP_PHOTOS, texts.common.drop_photos(len(state["answers"]["_photos"]))])
    return present(state, "pick_edit", "", "choice", texts.common.PICK_EDIT, choices, notice=notice)


def groups(flow: Flow) -> list[RepeatGroup]:
    return [item for item in flow.questions if isinstance(item, RepeatGroup)]


def slot_title(flow: Flow, slot: Slot) -> str:
    group, index, _ = split_path(slot.path)
    assert slot.question is not None
    if index < 0:
        return slot.question.title
    declared = next(g for g in groups(flow) if g.key == group)
    return f"{texts.common.item_label(declared.title, index)} – {slot.question.title}"


def typed_key(question: Screen, text: str) -> str:
    """The key a typed answer names in a list; yes-words confirm a review."""
    if question["kind"] == "yesno" and not text.strip().isdecimal():
        return YES_KEY if parse_yes_no(text) else NO_KEY
    if question["mode"] == "review" and is_yes(text):
        return CONFIRM_KEY
    if question["kind"] == "photos":
        if fold(text) in texts.common.DONE_WORDS:
            return DONE
        raise ParseError(texts.common.PHOTOS_NEED_ONE)
    aliases = question.get("aliases", {})
    choices = [Choice(key, label, tuple(aliases.get(key, ()))) for key, label in question["choices"]]
    return match_choice(text, choices).key


def means_suggestion(question: Screen, text: str) -> bool:
    """Whether the text takes the suggestion: "ok", its own label, or "1" where no number can be meant."""
    suggestion = question.get("suggestion")
    if not suggestion:
        return False
    typed = fold(text)
    number_one = typed == "1" and question["kind"] not in _NUMERIC
    return is_yes(text) or typed == fold(suggestion["label"]) or number_one


def parse_typed(question: Screen, text: str, ctx: FlowContext) -> Any:
    kind = question["kind"]
    if kind == "integer":
        return parse_count(text)
    if kind == "money":
        return parse_money(text)
    if kind == "decimal":
        return parse_decimal(text)
    if kind == "date":
        return parse_date(text, ctx.today)
    if kind == "location":
        return parse_location(text)
    return parse_text(text, question.get("max_length", 500), question.get("multiline", False))


def expected(question: Screen) -> str:
    """What this question wants, said when a message of the wrong sort (a pin, a sticker) arrives."""
    if question["mode"] != "ask" or question["kind"] == "choice":
        return texts.common.CHOICE_EXPECTED
    expected = {
        "integer": texts.common.NUMBER_EXPECTED,
        "money": texts.common.MONEY_EXPECTED,
        "decimal": texts.common.NUMBER_EXPECTED,
        "date": texts.common.DATE_EXPECTED,
        "yesno": texts.common.YESNO_EXPECTED,
        "photos": texts.common.PHOTOS_NEED_ONE,
    }
    return expected.get(question["kind"], texts.common.TEXT_EXPECTED)

