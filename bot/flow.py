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

The runtime is three modules: this one (the entry points, choosing and asking the next question,
applying an answer, back / skip / edit / save), `bot/flow_state.py` (the draft's JSON state and the
walk over the declaration) and `bot/flow_screen.py` (what is on screen — a question, the review, the
edit list — and the reading of typed words). Only the names in `__all__` are for the rest of the bot.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from typing import Any

import texts
from bot.flow_screen import (
    CANCEL_KEY,
    CONFIRM_KEY,
    EDIT_KEY,
    NO_KEY,
    YES_KEY,
    Step,
    choice_objects,
    choices_for,
    expected,
    format_answer,
    groups,
    join,
    means_suggestion,
    parse_typed,
    present,
    question_reply,
    reask,
    show_edit_list,
    show_review,
    suggested_first,
    suggestion_for,
    typed_key,
)
from bot.flow_state import (
    DraftState,
    EditKey,
    Slot,
    current_slot,
    decode,
    encode,
    final_answers,
    find_slot,
    is_json_state,
    new_state,
    prefill_groups,
    push_answer,
    resolve,
    set_answer,
    slots,
    undo,
    unset_answer,
)
from bot.form import Flow, FlowContext, Saved
from bot.messages import BACK, CANCEL, DONE, SKIP, SUGGESTED, Location, Reply
from bot.parsing import ParseError
from storage.text import fold

# The runtime's API (the router and the engine use these; the rest is its inside).
__all__ = ["Step", "handle", "is_json_state", "resume", "split_choice", "start"]


async def start(flow: Flow, ctx: FlowContext, args_text: str = "", *, answers: Mapping[str, Any] | None = None,
                notice: str = "", edit: bool = False) -> Step:
    """Open a new draft; a one-line shortcut (`args_text`, read by the flow's prefill) or `answers`
    (a record to correct) may fill it and go straight to the review; `notice` comes above the first question.
    `edit`: a draft that reaches the review opens at its list of answers to change (a returned record)."""
    ctx = _in_form(flow, ctx)
    state = new_state(flow, ctx)
    if answers:
        await _apply_prefill(flow, state, ctx, dict(answers))
    if args_text.strip() and flow.prefill is not None:
        filled = await resolve(flow.prefill(ctx, args_text))
        if isinstance(filled, str):
            notice = filled
        else:
            await _apply_prefill(flow, state, ctx, filled)
    step = await _advance(flow, state, ctx, notice)
    if edit and step.state is not None and step.state["question"]["mode"] == "review":
        return await show_edit_list(flow, step.state, notice)
    return step


async def handle(flow: Flow, state: DraftState, ctx: FlowContext) -> Step:
    """Apply one incoming message to a draft. Never raises on user input; never loses answers."""
    ctx = _in_form(flow, ctx)
    state = copy.deepcopy(state)
    state["updated_at"] = ctx.now.isoformat()
    incoming = ctx.incoming
    if incoming.kind == "photo":
        return _attach_photo(state, incoming.photo_path)
    if incoming.kind == "choice":
        on_screen = question_reply(state) if state.get("question") else None
        step = await _on_tap(flow, state, ctx, incoming.choice)
        return _with_tap_shown(on_screen, incoming.choice, step)
    if incoming.kind == "command":
        return await _on_command(flow, state, ctx, incoming.command)
    if incoming.kind == "location" and incoming.location is not None:
        return await _on_location(flow, state, ctx, incoming.location)
    if incoming.kind == "text":
        return await _on_text(flow, state, ctx, incoming.text)
    return reask(state, incoming.problem or texts.common.UNSUPPORTED)


def _in_form(flow: Flow, ctx: FlowContext) -> FlowContext:
    """The context names the form being filled in, so that what it saves remembers the form."""
    return dataclasses.replace(ctx, form=flow.form or flow.name)


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


def resume(state: DraftState) -> Step:
    """Show the question on screen again (after a detour such as "abandon this draft?" → no)."""
    return Step(state, [question_reply(state)])


def split_choice(data: str) -> tuple[str, str]:
    """A tapped choice is "token|key"; a bare key (no token) is taken as meant for the open question."""
    token, sep, key = data.partition("|")
    return (token, key) if sep else ("", data)


async def _advance(flow: Flow, state: DraftState, ctx: FlowContext, notice: str = "") -> Step:
    """Ask whatever comes next: the question being edited, the first open question, or the review."""
    if state["editing"]:
        slot = find_slot(flow, state, state["editing"])
        if slot is not None:
            return await _ask(flow, state, ctx, slot, notice)
        state["editing"] = None
    for path in state.pop("auto", []):  # taken again below: an earlier answer may have changed them
        unset_answer(state, path)
    slot, message = current_slot(flow, state)
    while slot is not None and not message and await _auto_answer(state, ctx, slot):
        slot, message = current_slot(flow, state)
    if slot is not None and message:
        unset_answer(state, slot.path)
        state["stack"] = [e for e in state["stack"] if e != slot.path]
        return await _ask(flow, state, ctx, slot, join(notice, message))
    if slot is not None:
        return await _ask(flow, state, ctx, slot, notice)
    if flow.review:
        return await show_review(flow, state, ctx, notice)
    return await _save(flow, state, ctx)


async def _auto_answer(state: DraftState, ctx: FlowContext, slot: Slot) -> bool:
    """Take the answer the form knows without asking (Question.auto); not pushed on the back stack,
    so "quay lại" from the next question goes to the one before. Editable from the review."""
    q = slot.question
    if q is None or q.auto is None or slot.answered:
        return False
    value = await resolve(q.auto(ctx, slot.scope))
    if value is None or (q.validate and q.validate(value, slot.scope)):
        return False
    set_answer(state, slot.path, encode(q.kind, value))
    state.setdefault("auto", []).append(slot.path)
    labels = dict((key, label) for key, label in await choices_for(q, ctx, slot.scope))
    if q.kind == "choice" and value in labels:
        state["answers"]["_labels"][slot.path] = labels[value]
    return True


async def _ask(flow: Flow, state: DraftState, ctx: FlowContext, slot: Slot, notice: str) -> Step:
    if slot.question is None:
        assert slot.group is not None  # a slot without a question is always a group's "more?"
        yes_no = [[YES_KEY, texts.common.YES], [NO_KEY, texts.common.NO]]
        return present(state, "more", slot.path, "yesno", slot.group.ask_more_prompt, yes_no, notice=notice)
    q = slot.question
    objects = await choice_objects(q, ctx, slot.scope)
    choices = [[c.key, c.label] for c in objects]
    suggestion = await suggestion_for(q, ctx, slot.scope)
    if q.kind == "choice" and suggestion is not None:
        choices = suggested_first(choices, suggestion.value)
        suggestion = None
    prompt = q.prompt_for(slot.scope) if q.prompt_for else q.prompt
    if state["editing"] and slot.answered:
        prompt = f"{prompt}\n{texts.common.current_value(format_answer(q, slot.value, state, slot.path))}"
    if q.kind == "choice" and not choices:
        prompt = f"{prompt}\n{texts.common.NO_CHOICES}"
    state["pending"] = []
    step = present(state, "ask", slot.path, q.kind, prompt, choices, suggestion, q.optional, notice)
    if q.kind == "text":  # kept on screen so the answer is checked without the declaration
        state["question"].update(max_length=q.max_length, multiline=q.multiline)
    aliases = {c.key: list(c.aliases) for c in objects if c.aliases}
    if aliases:  # other names a typed answer may use
        state["question"]["aliases"] = aliases
    return step


async def _save(flow: Flow, state: DraftState, ctx: FlowContext) -> Step:
    """Hand the confirmed answers to the flow, once; the draft ends with the flow's confirmation."""
    slot, _ = current_slot(flow, state)
    if slot is not None:  # the declaration changed under a stored draft: ask what is missing
        return await _advance(flow, state, ctx)
    confirmation = await flow.save(ctx, final_answers(flow, state))
    if isinstance(confirmation, Saved):
        return Step(None, [Reply(text=confirmation.text)], done=True, saved=True, then=confirmation.then)
    return Step(None, [Reply(text=confirmation)], done=True, saved=True)


async def _on_text(flow: Flow, state: DraftState, ctx: FlowContext, text: str) -> Step:
    word = fold(text)[:40]
    for words, key in ((texts.common.BACK_WORDS, BACK), (texts.common.SKIP_WORDS, SKIP), (texts.common.CANCEL_WORDS, CANCEL)):
        if word in words:
            return await _on_key(flow, state, ctx, key)
    question = state["question"]
    try:
        if question["kind"] in ("choice", "yesno", "photos") or question["mode"] != "ask":
            key = await _read_typed(flow, state, ctx, text)
            return await _on_key(flow, state, ctx, key if key is not None else typed_key(question, text))
        if means_suggestion(question, text):
            return await _on_key(flow, state, ctx, SUGGESTED)
        return await _accept(flow, state, ctx, parse_typed(question, text, ctx))
    except ParseError as error:
        return reask(state, error.message)


async def _read_typed(flow: Flow, state: DraftState, ctx: FlowContext, text: str) -> str | None:
    """A choice question's own reading of a typed answer (`Question.read_typed`): the key it names,
    None to match it against the labels, or a ParseError with the specific reason."""
    question = state["question"]
    if question["kind"] != "choice" or question["mode"] != "ask":
        return None
    for slot in slots(flow, state, {}):
        if slot.path == question["path"] and slot.question is not None and slot.question.read_typed:
            return await slot.question.read_typed(ctx, text)
    return None


async def _on_tap(flow: Flow, state: DraftState, ctx: FlowContext, data: str) -> Step:
    token, key = split_choice(data)
    if token and token != state["token"]:
        return Step(state, [Reply(text=texts.common.QUESTION_CLOSED)])
    return await _on_key(flow, state, ctx, key)


async def _on_command(flow: Flow, state: DraftState, ctx: FlowContext, command: str) -> Step:
    keys = {"back": BACK, "skip": SKIP, "cancel": CANCEL, "huy": CANCEL, "done": DONE}
    if command in keys:
        return await _on_key(flow, state, ctx, keys[command])
    return reask(state, texts.common.COMMAND_IN_FLOW)


async def _on_location(flow: Flow, state: DraftState, ctx: FlowContext, location: Location) -> Step:
    question = state["question"]
    if question["mode"] == "ask" and question["kind"] == "location":
        return await _accept(flow, state, ctx, location)
    return reask(state, expected(question))


async def _on_key(flow: Flow, state: DraftState, ctx: FlowContext, key: str) -> Step:
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


async def _on_review_key(flow: Flow, state: DraftState, ctx: FlowContext, key: str) -> Step:
    if key == CONFIRM_KEY:
        return await _save(flow, state, ctx)
    if key == EDIT_KEY:
        return await show_edit_list(flow, state)
    return reask(state, texts.common.CHOICE_EXPECTED)


async def _on_edit_key(flow: Flow, state: DraftState, ctx: FlowContext, key: str) -> Step:
    mark, name = EditKey.read(key)
    offered = {path for path, _ in state["question"]["choices"]}
    if key == EditKey.DROP_PHOTOS and key in offered:  # the photos sent so far go; new ones may be sent
        dropped, state["answers"]["_photos"] = len(state["answers"]["_photos"]), []
        return await show_review(flow, state, ctx, texts.common.photos_dropped(dropped))
    if mark == EditKey.SECTION and key in offered:
        # a section: its answers are asked again, in order, then the review
        paths = [s.path for s in slots(flow, state, {}) if s.answered and s.question and s.question.section == name]
        for path in paths:
            unset_answer(state, path)
        state["stack"] = [e for e in state["stack"] if e not in paths]
        state["editing"] = None
        return await _advance(flow, state, ctx)
    if mark == EditKey.ADD and name in {g.key for g in groups(flow)}:
        state["adding"] = name
        push_answer(state, key)
        return await _advance(flow, state, ctx)
    if key in offered:
        state["editing"] = key
        return await _advance(flow, state, ctx)
    return reask(state, texts.common.CHOICE_EXPECTED)


async def _on_more_key(flow: Flow, state: DraftState, ctx: FlowContext, key: str) -> Step:
    group = state["question"]["path"].removesuffix(".+")
    if key == YES_KEY:
        state["adding"] = group
        push_answer(state, EditKey.add_item(group))
    elif key == NO_KEY:
        state["closed"].append(group)
        push_answer(state, EditKey.close_group(group))
    else:
        return reask(state, texts.common.YESNO_EXPECTED)
    return await _advance(flow, state, ctx)


async def _on_answer_key(flow: Flow, state: DraftState, ctx: FlowContext, key: str) -> Step:
    question = state["question"]
    if key == SUGGESTED and question.get("suggestion"):
        return await _accept(flow, state, ctx, decode(question["kind"], question["suggestion"]["value"]))
    if key == DONE and question["kind"] == "photos":
        if not state["pending"]:
            return reask(state, texts.common.PHOTOS_NEED_ONE)
        return await _accept(flow, state, ctx, list(state["pending"]))
    if question["kind"] == "yesno" and key in (YES_KEY, NO_KEY):
        return await _accept(flow, state, ctx, key == YES_KEY)
    labels = dict(question["choices"])
    if question["kind"] == "choice" and key in labels:
        return await _accept(flow, state, ctx, key, labels[key])
    return reask(state, texts.common.CHOICE_EXPECTED)


async def _accept(flow: Flow, state: DraftState, ctx: FlowContext, value: Any, label: str = "") -> Step:
    """Validate against earlier answers, store, and move on; a rejected value changes nothing."""
    path = state["question"]["path"]
    slot = find_slot(flow, state, path)
    if slot is None or slot.question is None:  # the form changed under the draft: ask what is open now
        return await _advance(flow, state, ctx)
    message = (
        slot.question.validate(value, slot.scope) if slot.question.validate and value is not None else None
    )
    if message:
        return reask(state, message)
    set_answer(state, path, encode(slot.question.kind, value))
    if path in state.get("auto", []):  # the person's own answer now
        state["auto"].remove(path)
    if label:
        state["answers"]["_labels"][path] = label
    push_answer(state, path)
    state["editing"] = None
    echo = slot.question.echo(value, slot.scope) if slot.question.echo and value is not None else None
    return await _advance(flow, state, ctx, echo or "")


async def _skip(flow: Flow, state: DraftState, ctx: FlowContext) -> Step:
    question = state["question"]
    if question["mode"] != "ask" or not question["optional"]:
        return reask(state, texts.common.NOT_OPTIONAL)
    return await _accept(flow, state, ctx, None)


async def _go_back(flow: Flow, state: DraftState, ctx: FlowContext) -> Step:
    """Back to the previous answered question (or from an edit, to the review)."""
    if state["editing"] or state["question"]["mode"] == "pick_edit":
        state["editing"] = None
        return await _advance(flow, state, ctx)
    answered = {s.path for s in slots(flow, state, {}) if s.answered}
    on_screen = state["question"].get("path")
    while state["stack"]:
        if undo(state, state["stack"].pop(), answered):
            slot, _ = current_slot(flow, state)
            if slot is not None and slot.path == on_screen and state["stack"]:
                continue  # an answer given ahead of this question (a shortcut's): back goes before it
            return await _advance(flow, state, ctx)
    return reask(state, texts.common.ALREADY_FIRST)


def _attach_photo(state: DraftState, path: str) -> Step:
    """A photo at any step joins the draft without moving the conversation."""
    question = state.get("question") or {}
    if question.get("mode") == "ask" and question.get("kind") == "photos":
        state["pending"].append(path)
        return Step(state, [Reply(text=texts.common.photos_prompt_hint(len(state["pending"])))])
    state["answers"]["_photos"].append(path)
    return Step(state, [Reply(text=texts.common.photo_received(len(state["answers"]["_photos"])))])


async def _apply_prefill(flow: Flow, state: DraftState, ctx: FlowContext, filled: dict[str, Any]) -> None:
    """Store a shortcut's answers as if typed one by one, in form order, so back and edit work; a
    record's photos and its groups' items (a record to correct) come with them."""
    state["answers"]["_labels"].update(filled.get("_labels", {}))
    state["answers"]["_photos"].extend(filled.get("_photos", ()))
    prefill_groups(flow, state, filled)
    tried: set[str] = set()
    while (slot := _next_prefilled(flow, state, filled, tried)) is not None:
        tried.add(slot.path)
        q, value = slot.question, filled[slot.path]
        assert q is not None
        if q.kind == "choice" and slot.path not in state["answers"]["_labels"]:
            labels = dict(await choices_for(q, ctx, slot.scope))
            if value not in labels:
                continue
            state["answers"]["_labels"][slot.path] = labels[value]
        set_answer(state, slot.path, encode(q.kind, value))
        push_answer(state, slot.path)


def _next_prefilled(
    flow: Flow, state: DraftState, filled: dict[str, Any], tried: set[str]
) -> Slot | None:
    """The first open top-level question the shortcut answers (walked afresh: answers change `when`)."""
    for slot in slots(flow, state, {}):
        if not slot.answered and slot.question is not None and slot.path in filled and slot.path not in tried:
            return slot
    return None

