"""A draft's state and the walk over a form's declaration (part of the form runtime, bot/flow.py).

Between two messages a draft is a plain JSON dict: the answers (encoded: decimals and dates as
strings), the question on screen, the back stack. `slots` walks the declaration in order against
those answers and yields every applicable place (`Slot`); the runtime asks the first unanswered one.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict

from bot.form import Answers, Flow, FlowContext, Question, RepeatGroup
from bot.messages import Location

STATE_VERSION = 1


class Screen(TypedDict, total=False):
    """What is on screen, kept so that a typed answer is read without the declaration (bot/flow_screen.py)."""

    mode: str  # "ask" a question | "more" a group's "one more?" | "review" | "pick_edit" the edit list
    path: str  # the answer's path ("kind", "others.0.inspector", "others.+")
    kind: str  # the question's kind (bot/form.py `Kind`)
    prompt: str
    choices: list[list[str]]  # [key, label] in the order shown
    suggestion: dict[str, Any] | None  # {"value": encoded, "label": …}
    optional: bool
    max_length: int  # text questions
    multiline: bool
    aliases: dict[str, list[str]]  # other names a typed choice may use


class DraftState(TypedDict, total=False):
    """A draft between two messages: plain JSON, stored by the engine (never a callable)."""

    v: int  # STATE_VERSION
    flow: str  # the form's name
    draft: str  # random: makes tokens unique across drafts
    seq: int  # questions shown so far; the token is "<draft>.<seq>"
    token: str  # of the question on screen: a tap on an older one is recognised
    answers: dict[str, Any]  # encoded answers by key, groups as lists of dicts, "_photos" and "_labels"
    stack: list[str]  # answered paths and EditKey marks, for "back"
    closed: list[str]  # groups answered "no more"
    adding: str | None  # the group an item is being added to
    editing: str | None  # the path re-asked from the edit list
    pending: list[str]  # photos sent to a photos question, not yet done
    question: Screen
    auto: list[str]  # paths answered by `Question.auto`, taken again after every change
    started_at: str
    updated_at: str


class EditKey:
    """The runtime's own keys beside answer paths: in the edit list ("@<section>" asks a section again,
    "+<group>" adds an item, DROP_PHOTOS drops the photos sent) and on the back stack ("+<group>" an item
    begun, "-<group>" a group closed). Question keys cannot start with these marks (bot/form.py)."""

    SECTION, ADD, CLOSE = "@", "+", "-"
    DROP_PHOTOS = "~photos"

    @staticmethod
    def section(name: str) -> str:
        return EditKey.SECTION + name

    @staticmethod
    def add_item(group: str) -> str:
        return EditKey.ADD + group

    @staticmethod
    def close_group(group: str) -> str:
        return EditKey.CLOSE + group

    @staticmethod
    def read(key: str) -> tuple[str, str]:
        """(mark, name): ("@", "Cơ sở"), ("+", "others"), ("-", "others"); ("", key) for an answer's path."""
        if key[:1] in (EditKey.SECTION, EditKey.ADD, EditKey.CLOSE):
            return key[0], key[1:]
        return "", key


def new_state(flow: Flow, ctx: FlowContext) -> DraftState:
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


async def resolve(value: Any) -> Any:
    """Callbacks may be plain or async (a facility search reads the database)."""
    return await value if inspect.isawaitable(value) else value


def encode(kind: str, value: Any) -> Any:
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


def decode(kind: str, raw: Any) -> Any:
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


def split_path(path: str) -> tuple[str, int, str]:
    """Split "pumps.1.serial" into ("pumps", 1, "serial"); a top-level key has index -1."""
    parts = path.split(".")
    if len(parts) == 3:
        return parts[0], int(parts[1]), parts[2]
    return "", -1, path


def set_answer(state: DraftState, path: str, raw: Any) -> None:
    group, index, key = split_path(path)
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


def unset_answer(state: DraftState, path: str) -> None:
    """Forget one answer; an item left empty at the end of its group is removed and reopened."""
    group, index, key = split_path(path)
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


def push_answer(state: DraftState, entry: str) -> None:
    """Record an answer for "back"; an edited answer moves to the end."""
    state["stack"] = [e for e in state["stack"] if e != entry] + [entry]


@dataclass
class Slot:
    """A place in the form: a question (or a group's "more?") with the answers given before it."""

    path: str
    question: Question | None
    scope: dict[str, Any]
    answered: bool = False
    value: Any = None
    group: RepeatGroup | None = None


def slots(flow: Flow, state: DraftState, effective: dict[str, Any]) -> Iterator[Slot]:
    """Every applicable slot in order; fills `effective` with the decoded answers that count. The
    draft's `_labels` (choice labels, a correction's tag) are in every scope the callbacks see."""
    effective.setdefault("_labels", state["answers"]["_labels"])
    for item in flow.questions:
        if isinstance(item, RepeatGroup):
            yield from group_slots(item, state, effective)
        else:
            yield from question_slot(item, item.key, state["answers"], effective, effective)


def prefill_groups(flow: Flow, state: DraftState, filled: dict[str, Any]) -> None:
    """A group's items given whole (a record to correct: the inspectors present), as if typed and the
    group then closed: every item is kept, "more?" is not asked again (the edit list adds one)."""
    for group in flow.questions:
        items = filled.get(group.key) if isinstance(group, RepeatGroup) else None
        if items is None:
            continue
        kinds = {q.key: q.kind for q in group.questions}
        state["answers"][group.key] = [
            {key: encode(kinds[key], value) for key, value in item.items() if key in kinds} for item in items
        ][: group.max_items]
        for index, item in enumerate(state["answers"][group.key]):
            for key in item:
                push_answer(state, f"{group.key}.{index}.{key}")
        if len(items) >= group.min_items:
            state["closed"].append(group.key)
            push_answer(state, EditKey.close_group(group.key))


def applies(when: Callable[[Answers], bool] | None, scope: Answers) -> bool:
    """A question applies unless its `when` says no. A `when` that reads an answer not given yet (a
    walk over the whole form, e.g. going back) means "not yet": the question does not apply."""
    if when is None:
        return True
    try:
        return bool(when(scope))
    except KeyError:
        return False


def question_slot(q: Question, path: str, container: dict, scope: dict, out: dict) -> Iterator[Slot]:
    if not applies(q.when, scope):
        return
    answered = q.key in container
    value = decode(q.kind, container[q.key]) if answered else None
    yield Slot(path, q, dict(scope), answered, value)
    if answered:
        out[q.key] = value


def group_slots(group: RepeatGroup, state: DraftState, effective: dict[str, Any]) -> Iterator[Slot]:
    if not applies(group.when, effective):
        return
    items = state["answers"].get(group.key, [])
    decoded_items: list[dict[str, Any]] = []
    effective[group.key] = decoded_items
    for index, item in enumerate(items):
        decoded: dict[str, Any] = {}
        decoded_items.append(decoded)
        for q in group.questions:
            path = f"{group.key}.{index}.{q.key}"
            yield from question_slot(q, path, item, {**effective, **decoded}, decoded)
    if len(items) < group.min_items or state["adding"] == group.key:
        yield from new_item_slot(group, len(items), effective)
    elif group.key not in state["closed"] and len(items) < group.max_items:
        yield Slot(f"{group.key}.+", None, dict(effective), group=group)


def new_item_slot(group: RepeatGroup, index: int, effective: dict[str, Any]) -> Iterator[Slot]:
    for q in group.questions:
        if applies(q.when, effective):
            yield Slot(f"{group.key}.{index}.{q.key}", q, dict(effective))
            return


def check_slot(slot: Slot) -> str | None:
    q = slot.question
    if q is None or q.validate is None or slot.value is None:
        return None
    return q.validate(slot.value, slot.scope)


def current_slot(flow: Flow, state: DraftState) -> tuple[Slot | None, str]:
    """The slot to ask now, with a message when it is asked again because its answer became invalid."""
    for slot in slots(flow, state, {}):
        if not slot.answered:
            return slot, ""
        message = check_slot(slot)
        if message:
            return slot, message
    return None, ""


def find_slot(flow: Flow, state: DraftState, path: str) -> Slot | None:
    return next((s for s in slots(flow, state, {}) if s.path == path), None)


def final_answers(flow: Flow, state: DraftState) -> dict[str, Any]:
    """The answers that count (applicable questions only), decoded, with photos and choice labels."""
    effective: dict[str, Any] = {}
    for _ in slots(flow, state, effective):
        pass
    effective["_photos"] = list(state["answers"]["_photos"])
    effective["_labels"] = dict(state["answers"]["_labels"])
    return effective


def undo(state: DraftState, entry: str, answered: set[str]) -> bool:
    """Undo one stack entry; False for entries a later change already made meaningless."""
    mark, group = EditKey.read(entry)
    if mark == EditKey.ADD:
        if state["adding"] != group:
            return False
        state["adding"] = None
        return True
    if mark == EditKey.CLOSE:
        if group not in state["closed"]:
            return False
        state["closed"].remove(group)
        return True
    if entry not in answered:
        return False
    unset_answer(state, entry)
    return True


def is_json_state(state: DraftState | dict[str, Any] | None) -> bool:
    """True when the state survives the database round trip unchanged (used by tests and the engine)."""
    return state is None or json.loads(json.dumps(state)) == state

