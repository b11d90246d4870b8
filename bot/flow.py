"""The runtime that walks a person through a form, message by message (the interpreter).

A form is declared as data (bot/form.py: `Question`, `RepeatGroup`, `Flow`) in `handlers/`. The
runtime asks each applicable question, validates the answer, offers back / skip / cancel, repeats
groups, shows a review with confirm / edit / cancel and hands the confirmed answers to
`save`. Between two messages everything lives in a plain JSON dict (`state`): the engine stores it
in the database, so a restart in the middle of a field visit loses nothing. The declaration is
looked up again on every message; the state holds only answers, the question on screen and the
navigation stack — never callables.

How the next question is chosen: walk the declaration in order and stop at the first applicable
question without an answer (or whose answer an edited earlier answer has made invalid). Back pops
the last answer; edit from the review re-asks one question and then walks again, which reaches
the review unless the change made new questions applicable.

A `location` question takes a shared location (Telegram's "send my location" button) or typed
coordinates, both answered as a `Location`, or a typed address, answered as a plain `str`: Zalo and
the console cannot send a pin, so one declaration serves every channel.
"""

from __future__ import annotations

import copy
import datetime as dt
import inspect
import json
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import texts
from bot.form import Answers, Flow, FlowContext, Question, RepeatGroup, Saved, StartForm, Suggestion
from bot.messages import BACK, CANCEL, DONE, SKIP, SUGGESTED, Choice, Location, Reply
from bot.parsing import (
    ParseError,
    is_yes,
    match_choice,
    parse_count,
    parse_date,
    parse_decimal,
    parse_location,
    parse_text,
    parse_yes_no,
)
from storage.text import fold, has_pictographs

STATE_VERSION = 1

# Keys of the runtime's own choices, after the "token|" prefix (BACK, SKIP, CANCEL, DONE, SUGGESTED
# come from bot.messages: the channels render them as words). Flow choice keys must avoid them.
CONFIRM_KEY, EDIT_KEY, CANCEL_KEY = "confirm", "edit", "cancel"
YES_KEY, NO_KEY = "y", "n"
_NUMERIC = ("integer", "decimal")


@dataclass
class Step:
    """The outcome of one message: the new state (None when the flow ended) and the replies to send."""

    state: dict[str, Any] | None
    replies: list[Reply] = field(default_factory=list)
    done: bool = False
    saved: bool = False
    cancelled: bool = False
    then: StartForm | None = None  # the form to open next, in the same unit of work (a save's hand-over)


# --- public entry points --------------------------------------------------------------------------


async def start(flow: Flow, ctx: FlowContext, args_text: str = "", *, answers: Mapping[str, Any] | None = None,
                notice: str = "") -> Step:
    """Open a new draft; a one-line shortcut (`args_text`, read by the flow's prefill) or `answers`
    (a record to correct) may fill it and go straight to the review; `notice` comes above the first question."""
    state = _new_state(flow, ctx)
    if answers:
        await _apply_prefill(flow, state, ctx, dict(answers))
    if args_text.strip() and flow.prefill is not None:
        filled = await _resolve(flow.prefill(ctx, args_text))
        if isinstance(filled, str):
            notice = filled
        else:
            await _apply_prefill(flow, state, ctx, filled)
    return await _advance(flow, state, ctx, notice)


async def handle(flow: Flow, state: dict[str, Any], ctx: FlowContext) -> Step:
    """Apply one incoming message to a draft. Never raises on user input; never loses answers."""
    state = copy.deepcopy(state)
    state["updated_at"] = ctx.now.isoformat()
    incoming = ctx.incoming
    if incoming.kind == "photo":
        return _attach_photo(state, incoming.photo_path)
    if incoming.kind == "choice":
        on_screen = _question_reply(state) if state.get("question") else None
        step = await _on_tap(flow, state, ctx, incoming.choice)
        return _with_tap_shown(on_screen, incoming.choice, step)
    if incoming.kind == "command":
        return await _on_command(flow, state, ctx, incoming.command)
    if incoming.kind == "location" and incoming.location is not None:
        return await _on_location(flow, state, ctx, incoming.location)
    if incoming.kind == "text":
        return await _on_text(flow, state, ctx, incoming.text)
    return _reask(state, incoming.problem or texts.common.UNSUPPORTED)


def _with_tap_shown(on_screen: Reply | None, data: str, step: Step) -> Step:
    """A tap the form accepted: the tapped question is edited to show the answer, without its buttons
    (so it cannot be tapped again). A tap the form refused (an old keyboard, a wrong answer) edits nothing."""
    token, _ = split_choice(data)
    moved_on = step.state is None or step.state.get("token") != token
    if on_screen is None or token != on_screen.token or not moved_on:
        return step
    label = next((c.label for c in on_screen.choices if c.key == data), "")
    if label:
        step.replies.insert(0, Reply(kind="edit", text=f"{on_screen.text}\n→ {label}", token=token))
    return step


def resume(state: dict[str, Any]) -> Step:
    """Show the question on screen again (after a detour such as "abandon this draft?" → no)."""
    return Step(state, [_question_reply(state)])


def split_choice(data: str) -> tuple[str, str]:
    """A tapped choice is "token|key"; a bare key (no token) is taken as meant for the open question."""
    token, sep, key = data.partition("|")
    return (token, key) if sep else ("", data)


# --- state ----------------------------------------------------------------------------------------


def _new_state(flow: Flow, ctx: FlowContext) -> dict[str, Any]:
    """A fresh draft. `draft` makes tokens unique across drafts so old keyboards are recognised."""
    return {
        "v": STATE_VERSION,
        "flow": flow.name,
        "draft": secrets.token_hex(3),
        "seq": 0,
        "token": "",
        "answers": {"_photos": [], "_labels": {}},
        "stack": [],
        "closed": [],
        "adding": None,
        "editing": None,
        "pending": [],
        "question": {},
        "started_at": ctx.now.isoformat(),
        "updated_at": ctx.now.isoformat(),
    }


async def _resolve(value: Any) -> Any:
    """Callbacks may be plain or async (a facility search reads the database)."""
    return await value if inspect.isawaitable(value) else value


def _encode(kind: str, value: Any) -> Any:
    """Answer → JSON. Decimals as strings (no float rounding), dates as ISO strings."""
    if value is None:
        return None
    if kind == "decimal":
        return str(value)
    if kind == "date":
        return value.isoformat()
    if kind == "location":
        if isinstance(value, str):
            return {"address": value}
        return {"latitude": value.latitude, "longitude": value.longitude}
    if kind == "photos":
        return list(value)
    return value


def _decode(kind: str, raw: Any) -> Any:
    if raw is None:
        return None
    if kind == "decimal":
        return Decimal(raw)
    if kind == "date":
        return dt.date.fromisoformat(raw)
    if kind == "location":
        return raw["address"] if "address" in raw else Location(raw["latitude"], raw["longitude"])
    if kind == "photos":
        return list(raw)
    return raw


def _split_path(path: str) -> tuple[str, int, str]:
    """Split "pumps.1.serial" into ("pumps", 1, "serial"); a top-level key has index -1."""
    parts = path.split(".")
    if len(parts) == 3:
        return parts[0], int(parts[1]), parts[2]
    return "", -1, path


def _set(state: dict[str, Any], path: str, raw: Any) -> None:
    group, index, key = _split_path(path)
    answers = state["answers"]
    if index < 0:
        answers[key] = raw
        return
    items = answers.setdefault(group, [])
    if index == len(items):
        items.append({})
    items[index][key] = raw
    if state["adding"] == group:
        state["adding"] = None


def _unset(state: dict[str, Any], path: str) -> None:
    """Forget one answer; an item left empty at the end of its group is removed and reopened."""
    group, index, key = _split_path(path)
    answers = state["answers"]
    answers["_labels"].pop(path, None)
    if index < 0:
        answers.pop(key, None)
        return
    items = answers.get(group, [])
    if index < len(items):
        items[index].pop(key, None)
        if not items[index] and index == len(items) - 1:
            items.pop()
            state["adding"] = group


def _push(state: dict[str, Any], entry: str) -> None:
    """Record an answer for "back"; an edited answer moves to the end."""
    state["stack"] = [e for e in state["stack"] if e != entry] + [entry]


# --- walking the declaration ----------------------------------------------------------------------


@dataclass
class _Slot:
    """A place in the form: a question (or a group's "more?") with the answers given before it."""

    path: str
    question: Question | None
    scope: dict[str, Any]
    answered: bool = False
    value: Any = None
    group: RepeatGroup | None = None


def _slots(flow: Flow, state: dict[str, Any], effective: dict[str, Any]) -> Iterator[_Slot]:
    """Every applicable slot in order; fills `effective` with the decoded answers that count."""
    for item in flow.questions:
        if isinstance(item, RepeatGroup):
            yield from _group_slots(item, state, effective)
        else:
            yield from _question_slot(item, item.key, state["answers"], effective, effective)


def _applies(when: Callable[[Answers], bool] | None, scope: Answers) -> bool:
    """A question applies unless its `when` says no. A `when` that reads an answer not given yet (a
    walk over the whole form, e.g. going back) means "not yet": the question does not apply."""
    if when is None:
        return True
    try:
        return bool(when(scope))
    except KeyError:
        return False


def _question_slot(q: Question, path: str, container: dict, scope: dict, out: dict) -> Iterator[_Slot]:
    if not _applies(q.when, scope):
        return
    answered = q.key in container
    value = _decode(q.kind, container[q.key]) if answered else None
    yield _Slot(path, q, dict(scope), answered, value)
    if answered:
        out[q.key] = value


def _group_slots(group: RepeatGroup, state: dict[str, Any], effective: dict[str, Any]) -> Iterator[_Slot]:
    if not _applies(group.when, effective):
        return
    items = state["answers"].get(group.key, [])
    decoded_items: list[dict[str, Any]] = []
    effective[group.key] = decoded_items
    for index, item in enumerate(items):
        decoded: dict[str, Any] = {}
        decoded_items.append(decoded)
        for q in group.questions:
            path = f"{group.key}.{index}.{q.key}"
            yield from _question_slot(q, path, item, {**effective, **decoded}, decoded)
    if len(items) < group.min_items or state["adding"] == group.key:
        yield from _new_item_slot(group, len(items), effective)
    elif group.key not in state["closed"] and len(items) < group.max_items:
        yield _Slot(f"{group.key}.+", None, dict(effective), group=group)


def _new_item_slot(group: RepeatGroup, index: int, effective: dict[str, Any]) -> Iterator[_Slot]:
    for q in group.questions:
        if _applies(q.when, effective):
            yield _Slot(f"{group.key}.{index}.{q.key}", q, dict(effective))
            return


def _check(slot: _Slot) -> str | None:
    q = slot.question
    if q is None or q.validate is None or slot.value is None:
        return None
    return q.validate(slot.value, slot.scope)


def _current(flow: Flow, state: dict[str, Any]) -> tuple[_Slot | None, str]:
    """The slot to ask now, with a message when it is asked again because its answer became invalid."""
    for slot in _slots(flow, state, {}):
        if not slot.answered:
            return slot, ""
        message = _check(slot)
        if message:
            return slot, message
    return None, ""


def _find_slot(flow: Flow, state: dict[str, Any], path: str) -> _Slot | None:
    return next((s for s in _slots(flow, state, {}) if s.path == path), None)


def _final_answers(flow: Flow, state: dict[str, Any]) -> dict[str, Any]:
    """The answers that count (applicable questions only), decoded, with photos and choice labels."""
    effective: dict[str, Any] = {}
    for _ in _slots(flow, state, effective):
        pass
    effective["_photos"] = list(state["answers"]["_photos"])
    effective["_labels"] = dict(state["answers"]["_labels"])
    return effective


# --- asking ---------------------------------------------------------------------------------------


async def _advance(flow: Flow, state: dict[str, Any], ctx: FlowContext, notice: str = "") -> Step:
    """Ask whatever comes next: the question being edited, the first open question, or the review."""
    if state["editing"]:
        slot = _find_slot(flow, state, state["editing"])
        if slot is not None:
            return await _ask(flow, state, ctx, slot, notice)
        state["editing"] = None
    for path in state.pop("auto", []):  # taken again below: an earlier answer may have changed them
        _unset(state, path)
    slot, message = _current(flow, state)
    while slot is not None and not message and await _auto_answer(state, ctx, slot):
        slot, message = _current(flow, state)
    if slot is not None and message:
        _unset(state, slot.path)
        state["stack"] = [e for e in state["stack"] if e != slot.path]
        return await _ask(flow, state, ctx, slot, _join(notice, message))
    if slot is not None:
        return await _ask(flow, state, ctx, slot, notice)
    if flow.review:
        return await _show_review(flow, state, ctx, notice)
    return await _save(flow, state, ctx)


async def _auto_answer(state: dict[str, Any], ctx: FlowContext, slot: _Slot) -> bool:
    """Take the answer the form knows without asking (Question.auto); not pushed on the back stack,
    so "quay lại" from the next question goes to the one before. Editable from the review."""
    q = slot.question
    if q is None or q.auto is None or slot.answered:
        return False
    value = await _resolve(q.auto(ctx, slot.scope))
    if value is None or (q.validate and q.validate(value, slot.scope)):
        return False
    _set(state, slot.path, _encode(q.kind, value))
    state.setdefault("auto", []).append(slot.path)
    labels = dict((key, label) for key, label in await _choices_for(q, ctx, slot.scope))
    if q.kind == "choice" and value in labels:
        state["answers"]["_labels"][slot.path] = labels[value]
    return True


async def _ask(flow: Flow, state: dict[str, Any], ctx: FlowContext, slot: _Slot, notice: str) -> Step:
    if slot.question is None:
        assert slot.group is not None  # a slot without a question is always a group's "more?"
        yes_no = [[YES_KEY, texts.common.YES], [NO_KEY, texts.common.NO]]
        return _present(state, "more", slot.path, "yesno", slot.group.ask_more_prompt, yes_no, notice=notice)
    q = slot.question
    objects = await _choice_objects(q, ctx, slot.scope)
    choices = [[c.key, c.label] for c in objects]
    suggestion = await _suggestion_for(q, ctx, slot.scope)
    if q.kind == "choice" and suggestion is not None:
        choices = _first(choices, suggestion.value)
        suggestion = None
    prompt = q.prompt_for(slot.scope) if q.prompt_for else q.prompt
    if state["editing"] and slot.answered:
        prompt = f"{prompt}\n({_format(q, slot.value, state, slot.path)})"
    if q.kind == "choice" and not choices:
        prompt = f"{prompt}\n{texts.common.NO_CHOICES}"
    state["pending"] = []
    step = _present(state, "ask", slot.path, q.kind, prompt, choices, suggestion, q.optional, notice)
    if q.kind == "text":  # kept on screen so the answer is checked without the declaration
        state["question"].update(max_length=q.max_length, multiline=q.multiline)
    aliases = {c.key: list(c.aliases) for c in objects if c.aliases}
    if aliases:  # other names a typed answer may use
        state["question"]["aliases"] = aliases
    return step


async def _choice_objects(q: Question, ctx: FlowContext, scope: dict[str, Any]) -> list[Choice]:
    if q.kind == "yesno":
        return [Choice(YES_KEY, texts.common.YES), Choice(NO_KEY, texts.common.NO)]
    if q.kind != "choice" or q.choices is None:
        return []
    found = q.choices(ctx, scope) if callable(q.choices) else q.choices
    return list(await _resolve(found))


async def _choices_for(q: Question, ctx: FlowContext, scope: dict[str, Any]) -> list[list[str]]:
    return [[c.key, c.label] for c in await _choice_objects(q, ctx, scope)]


async def _suggestion_for(q: Question, ctx: FlowContext, scope: dict[str, Any]) -> Suggestion | None:
    if q.default is None:
        return None
    offered = await _resolve(q.default(ctx, scope))
    if offered is None or isinstance(offered, Suggestion):
        return offered
    return Suggestion(offered, _format(q, offered, None, ""))


def _first(choices: list[list[str]], key: Any) -> list[list[str]]:
    """The suggested choice goes first, so it is number 1 and the first button."""
    return sorted(choices, key=lambda c: c[0] != key)


def _present(
    state: dict[str, Any],
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
        "suggestion": None if suggestion is None else _encode_suggestion(kind, suggestion),
        "optional": optional,
    }
    return Step(state, [_question_reply(state, notice)])


def _encode_suggestion(kind: str, suggestion: Suggestion) -> dict[str, Any]:
    return {"value": _encode(kind, suggestion.value), "label": suggestion.label}


def _question_reply(state: dict[str, Any], notice: str = "") -> Reply:
    question, token = state["question"], state["token"]
    keys: list[tuple[str, str]] = []
    if question.get("suggestion"):
        keys.append((SUGGESTED, question["suggestion"]["label"]))
    keys += [(key, label) for key, label in question["choices"]]
    if question["kind"] == "photos":
        keys.append((DONE, texts.common.DONE))
    keys += _nav_keys(state)
    choices = tuple(Choice(f"{token}|{key}", label) for key, label in keys)
    body = _join(notice, question["prompt"])
    return Reply(
        kind="text", text=body, choices=choices, ask_location=question["kind"] == "location", token=token
    )


def _nav_keys(state: dict[str, Any]) -> list[tuple[str, str]]:
    question = state["question"]
    if question["mode"] == "review":
        return [(BACK, texts.common.BACK)]
    keys = []
    if question["optional"]:
        keys.append((SKIP, texts.common.SKIP))
    if state["stack"] or state["editing"] or question["mode"] == "pick_edit":
        keys.append((BACK, texts.common.BACK))
    keys.append((CANCEL, texts.common.CANCEL))
    return keys


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def _reask(state: dict[str, Any], message: str) -> Step:
    """Wrong input: the reason and the same question (same token); every answer is kept."""
    if not state.get("question"):
        return Step(state, [Reply(text=message)])
    return Step(state, [_question_reply(state, message)])


# --- review ---------------------------------------------------------------------------------------


async def _show_review(flow: Flow, state: dict[str, Any], ctx: FlowContext, notice: str = "") -> Step:
    answers = _final_answers(flow, state)
    if flow.summarize is not None:
        summary = await _resolve(flow.summarize(ctx, answers))
    else:
        summary = _default_summary(flow, state, answers)
    if _any_pictograph(answers):  # the author is told before confirming, not surprised in the report
        summary = _join(summary, texts.common.PICTOGRAPHS_DROPPED)
    choices = [[CONFIRM_KEY, texts.common.CONFIRM], [EDIT_KEY, texts.common.EDIT], [CANCEL_KEY, texts.common.CANCEL]]
    return _present(state, "review", "", "choice", _join(summary, texts.common.REVIEW_HINT), choices, notice=notice)


def _any_pictograph(value: Any) -> bool:
    if isinstance(value, str):
        return has_pictographs(value)
    if isinstance(value, dict):
        return any(_any_pictograph(v) for k, v in value.items() if not str(k).startswith("_"))
    if isinstance(value, list | tuple):
        return any(_any_pictograph(v) for v in value)
    return False


def _default_summary(flow: Flow, state: dict[str, Any], answers: dict[str, Any]) -> str:
    """The form's labels and the answers, one per line; groups list their items."""
    lines = [flow.title]
    for item in flow.questions:
        if isinstance(item, RepeatGroup):
            for index, values in enumerate(answers.get(item.key, [])):
                lines.append(texts.common.item_label(item.title, index) + ":")
                lines += [
                    f"  {line}"
                    for line in _summary_lines(item.questions, values, state, f"{item.key}.{index}.")
                ]
        else:
            lines += _summary_lines([item], answers, state, "")
    if answers["_photos"]:
        lines.append(texts.common.photos_label(len(answers["_photos"])))
    return "\n".join(lines)


def _summary_lines(questions, values: Mapping[str, Any], state: dict[str, Any], prefix: str) -> list[str]:
    return [
        f"{q.title}: {_format(q, values[q.key], state, prefix + q.key)}" for q in questions if q.key in values
    ]


def _format(q: Question, value: Any, state: dict[str, Any] | None, path: str) -> str:
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
    if q.kind == "decimal":
        return texts.common.format_decimal_vi(str(value))
    if q.kind == "date":
        return texts.common.format_date(value)
    if q.kind == "location":
        return texts.common.format_location(value)
    if q.kind == "photos":
        return texts.common.photos_label(len(value))
    return str(value)


async def _show_edit_list(flow: Flow, state: dict[str, Any]) -> Step:
    """The answered questions, to pick the one to change; groups can also get one more item."""
    choices, effective = [], {}
    sections: dict[str, list[tuple[bool, str]]] = {}  # section -> (brief, formatted answer)
    for slot in _slots(flow, state, effective):
        if slot.answered and slot.question is not None:
            shown = _format(slot.question, slot.value, state, slot.path)
            if slot.question.section:
                if slot.question.section not in sections:
                    choices.append([f"@{slot.question.section}", slot.question.section])
                if slot.value is not None:  # a skipped question says nothing in its section's line
                    sections.setdefault(slot.question.section, []).append((slot.question.brief, shown))
                continue
            choices.append([slot.path, f"{_slot_title(flow, slot)}: {shown}"])
    for choice in choices:  # a section shows its last answers: "Cơ sở: Cửa hàng … (xã …)"
        if choice[0].startswith("@"):
            said = sections.get(choice[1], [])
            values = [v for brief, v in said if brief] or [v for _, v in said]
            choice[1] = f"{choice[1]}: {' · '.join(values)}"
    for group in _groups(flow):
        if group.key in effective and len(effective[group.key]) < group.max_items:
            choices.append([f"+{group.key}", texts.common.add_item(group.title)])
    return _present(state, "pick_edit", "", "choice", texts.common.PICK_EDIT, choices)


def _groups(flow: Flow) -> list[RepeatGroup]:
    return [item for item in flow.questions if isinstance(item, RepeatGroup)]


def _slot_title(flow: Flow, slot: _Slot) -> str:
    group, index, _ = _split_path(slot.path)
    assert slot.question is not None
    if index < 0:
        return slot.question.title
    declared = next(g for g in _groups(flow) if g.key == group)
    return f"{texts.common.item_label(declared.title, index)} – {slot.question.title}"


async def _save(flow: Flow, state: dict[str, Any], ctx: FlowContext) -> Step:
    """Hand the confirmed answers to the flow, once; the draft ends with the flow's confirmation."""
    slot, _ = _current(flow, state)
    if slot is not None:  # the declaration changed under a stored draft: ask what is missing
        return await _advance(flow, state, ctx)
    confirmation = await flow.save(ctx, _final_answers(flow, state))
    if isinstance(confirmation, Saved):
        return Step(None, [Reply(text=confirmation.text)], done=True, saved=True, then=confirmation.then)
    return Step(None, [Reply(text=confirmation)], done=True, saved=True)


# --- answering ------------------------------------------------------------------------------------


async def _on_text(flow: Flow, state: dict[str, Any], ctx: FlowContext, text: str) -> Step:
    word = fold(text)[:40]
    for words, key in ((texts.common.BACK_WORDS, BACK), (texts.common.SKIP_WORDS, SKIP), (texts.common.CANCEL_WORDS, CANCEL)):
        if word in words:
            return await _on_key(flow, state, ctx, key)
    question = state["question"]
    try:
        if question["kind"] in ("choice", "yesno", "photos") or question["mode"] != "ask":
            key = await _read_typed(flow, state, ctx, text)
            return await _on_key(flow, state, ctx, key if key is not None else _typed_key(question, text))
        if _means_suggestion(question, text):
            return await _on_key(flow, state, ctx, SUGGESTED)
        return await _accept(flow, state, ctx, _parse(question, text, ctx))
    except ParseError as error:
        return _reask(state, error.message)


async def _read_typed(flow: Flow, state: dict[str, Any], ctx: FlowContext, text: str) -> str | None:
    """A choice question's own reading of a typed answer (`Question.read_typed`): the key it names,
    None to match it against the labels, or a ParseError with the specific reason."""
    question = state["question"]
    if question["kind"] != "choice" or question["mode"] != "ask":
        return None
    for slot in _slots(flow, state, {}):
        if slot.path == question["path"] and slot.question is not None and slot.question.read_typed:
            return await slot.question.read_typed(ctx, text)
    return None


def _typed_key(question: dict[str, Any], text: str) -> str:
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


def _means_suggestion(question: dict[str, Any], text: str) -> bool:
    """Whether the text takes the suggestion: "ok", its own label, or "1" where no number can be meant."""
    suggestion = question.get("suggestion")
    if not suggestion:
        return False
    typed = fold(text)
    number_one = typed == "1" and question["kind"] not in _NUMERIC
    return is_yes(text) or typed == fold(suggestion["label"]) or number_one


def _parse(question: dict[str, Any], text: str, ctx: FlowContext) -> Any:
    kind = question["kind"]
    if kind == "integer":
        return parse_count(text)
    if kind == "decimal":
        return parse_decimal(text)
    if kind == "date":
        return parse_date(text, ctx.today)
    if kind == "location":
        return parse_location(text)
    return parse_text(text, question.get("max_length", 500), question.get("multiline", False))


async def _on_tap(flow: Flow, state: dict[str, Any], ctx: FlowContext, data: str) -> Step:
    token, key = split_choice(data)
    if token and token != state["token"]:
        return Step(state, [Reply(text=texts.common.QUESTION_CLOSED)])
    return await _on_key(flow, state, ctx, key)


async def _on_command(flow: Flow, state: dict[str, Any], ctx: FlowContext, command: str) -> Step:
    keys = {"back": BACK, "skip": SKIP, "cancel": CANCEL, "huy": CANCEL, "done": DONE}
    if command in keys:
        return await _on_key(flow, state, ctx, keys[command])
    return _reask(state, texts.common.COMMAND_IN_FLOW)


async def _on_location(flow: Flow, state: dict[str, Any], ctx: FlowContext, location: Location) -> Step:
    question = state["question"]
    if question["mode"] == "ask" and question["kind"] == "location":
        return await _accept(flow, state, ctx, location)
    return _reask(state, _expected(question))


def _expected(question: dict[str, Any]) -> str:
    """What this question wants, said when a message of the wrong sort (a pin, a sticker) arrives."""
    if question["mode"] != "ask" or question["kind"] == "choice":
        return texts.common.CHOICE_EXPECTED
    expected = {
        "integer": texts.common.NUMBER_EXPECTED,
        "decimal": texts.common.NUMBER_EXPECTED,
        "date": texts.common.DATE_EXPECTED,
        "yesno": texts.common.YESNO_EXPECTED,
        "photos": texts.common.PHOTOS_NEED_ONE,
    }
    return expected.get(question["kind"], texts.common.TEXT_EXPECTED)


async def _on_key(flow: Flow, state: dict[str, Any], ctx: FlowContext, key: str) -> Step:
    """One entry for taps and typed answers that name a choice or a navigation word."""
    question = state["question"]
    if key == CANCEL or (question["mode"] == "review" and key == CANCEL_KEY):
        return Step(None, [Reply(text=texts.common.CANCELLED)], done=True, cancelled=True)
    if key == BACK:
        return await _go_back(flow, state, ctx)
    if key == SKIP:
        return await _skip(flow, state, ctx)
    handlers = {
        "review": _on_review_key,
        "pick_edit": _on_edit_key,
        "more": _on_more_key,
        "ask": _on_answer_key,
    }
    return await handlers[question["mode"]](flow, state, ctx, key)


async def _on_review_key(flow: Flow, state: dict[str, Any], ctx: FlowContext, key: str) -> Step:
    if key == CONFIRM_KEY:
        return await _save(flow, state, ctx)
    if key == EDIT_KEY:
        return await _show_edit_list(flow, state)
    return _reask(state, texts.common.CHOICE_EXPECTED)


async def _on_edit_key(flow: Flow, state: dict[str, Any], ctx: FlowContext, key: str) -> Step:
    if key.startswith("@") and key in {path for path, _ in state["question"]["choices"]}:
        # a section: its answers are asked again, in order, then the review
        paths = [s.path for s in _slots(flow, state, {}) if s.answered and s.question and s.question.section == key[1:]]
        for path in paths:
            _unset(state, path)
        state["stack"] = [e for e in state["stack"] if e not in paths]
        state["editing"] = None
        return await _advance(flow, state, ctx)
    if key.startswith("+") and key[1:] in {g.key for g in _groups(flow)}:
        state["adding"] = key[1:]
        _push(state, key)
        return await _advance(flow, state, ctx)
    if key in {path for path, _ in state["question"]["choices"]}:
        state["editing"] = key
        return await _advance(flow, state, ctx)
    return _reask(state, texts.common.CHOICE_EXPECTED)


async def _on_more_key(flow: Flow, state: dict[str, Any], ctx: FlowContext, key: str) -> Step:
    group = state["question"]["path"].removesuffix(".+")
    if key == YES_KEY:
        state["adding"] = group
        _push(state, f"+{group}")
    elif key == NO_KEY:
        state["closed"].append(group)
        _push(state, f"-{group}")
    else:
        return _reask(state, texts.common.YESNO_EXPECTED)
    return await _advance(flow, state, ctx)


async def _on_answer_key(flow: Flow, state: dict[str, Any], ctx: FlowContext, key: str) -> Step:
    question = state["question"]
    if key == SUGGESTED and question.get("suggestion"):
        return await _accept(flow, state, ctx, _decode(question["kind"], question["suggestion"]["value"]))
    if key == DONE and question["kind"] == "photos":
        if not state["pending"]:
            return _reask(state, texts.common.PHOTOS_NEED_ONE)
        return await _accept(flow, state, ctx, list(state["pending"]))
    if question["kind"] == "yesno" and key in (YES_KEY, NO_KEY):
        return await _accept(flow, state, ctx, key == YES_KEY)
    labels = dict(question["choices"])
    if question["kind"] == "choice" and key in labels:
        return await _accept(flow, state, ctx, key, labels[key])
    return _reask(state, texts.common.CHOICE_EXPECTED)


async def _accept(flow: Flow, state: dict[str, Any], ctx: FlowContext, value: Any, label: str = "") -> Step:
    """Validate against earlier answers, store, and move on; a rejected value changes nothing."""
    path = state["question"]["path"]
    slot = _find_slot(flow, state, path)
    if slot is None or slot.question is None:  # the form changed under the draft: ask what is open now
        return await _advance(flow, state, ctx)
    message = (
        slot.question.validate(value, slot.scope) if slot.question.validate and value is not None else None
    )
    if message:
        return _reask(state, message)
    _set(state, path, _encode(slot.question.kind, value))
    if path in state.get("auto", []):  # the person's own answer now
        state["auto"].remove(path)
    if label:
        state["answers"]["_labels"][path] = label
    _push(state, path)
    state["editing"] = None
    echo = slot.question.echo(value, slot.scope) if slot.question.echo and value is not None else None
    return await _advance(flow, state, ctx, echo or "")


async def _skip(flow: Flow, state: dict[str, Any], ctx: FlowContext) -> Step:
    question = state["question"]
    if question["mode"] != "ask" or not question["optional"]:
        return _reask(state, texts.common.NOT_OPTIONAL)
    return await _accept(flow, state, ctx, None)


async def _go_back(flow: Flow, state: dict[str, Any], ctx: FlowContext) -> Step:
    """Back to the previous answered question (or from an edit, to the review)."""
    if state["editing"] or state["question"]["mode"] == "pick_edit":
        state["editing"] = None
        return await _advance(flow, state, ctx)
    answered = {s.path for s in _slots(flow, state, {}) if s.answered}
    while state["stack"]:
        if _undo(state, state["stack"].pop(), answered):
            return await _advance(flow, state, ctx)
    return _reask(state, texts.common.ALREADY_FIRST)


def _undo(state: dict[str, Any], entry: str, answered: set[str]) -> bool:
    """Undo one stack entry; False for entries a later change already made meaningless."""
    if entry.startswith("+"):
        if state["adding"] != entry[1:]:
            return False
        state["adding"] = None
        return True
    if entry.startswith("-"):
        if entry[1:] not in state["closed"]:
            return False
        state["closed"].remove(entry[1:])
        return True
    if entry not in answered:
        return False
    _unset(state, entry)
    return True


def _attach_photo(state: dict[str, Any], path: str) -> Step:
    """A photo at any step joins the draft without moving the conversation."""
    question = state.get("question") or {}
    if question.get("mode") == "ask" and question.get("kind") == "photos":
        state["pending"].append(path)
        return Step(state, [Reply(text=texts.common.photos_prompt_hint(len(state["pending"])))])
    state["answers"]["_photos"].append(path)
    return Step(state, [Reply(text=texts.common.photo_received(len(state["answers"]["_photos"])))])


async def _apply_prefill(flow: Flow, state: dict[str, Any], ctx: FlowContext, filled: dict[str, Any]) -> None:
    """Store a shortcut's answers as if typed one by one, in form order, so back and edit work."""
    state["answers"]["_labels"].update(filled.get("_labels", {}))
    tried: set[str] = set()
    while (slot := _next_prefilled(flow, state, filled, tried)) is not None:
        tried.add(slot.path)
        q, value = slot.question, filled[slot.path]
        assert q is not None
        if q.kind == "choice" and slot.path not in state["answers"]["_labels"]:
            labels = dict(await _choices_for(q, ctx, slot.scope))
            if value not in labels:
                continue
            state["answers"]["_labels"][slot.path] = labels[value]
        _set(state, slot.path, _encode(q.kind, value))
        _push(state, slot.path)


def _next_prefilled(
    flow: Flow, state: dict[str, Any], filled: dict[str, Any], tried: set[str]
) -> _Slot | None:
    """The first open top-level question the shortcut answers (walked afresh: answers change `when`)."""
    for slot in _slots(flow, state, {}):
        if not slot.answered and slot.question is not None and slot.path in filled and slot.path not in tried:
            return slot
    return None


def is_json_state(state: dict[str, Any] | None) -> bool:
    """True when the state survives the database round trip unchanged (used by tests and the engine)."""
    return state is None or json.loads(json.dumps(state)) == state
