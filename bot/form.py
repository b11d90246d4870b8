"""What a form author writes: the question kinds, `Question`, `RepeatGroup`, `Flow` and what their
callbacks receive (`FlowContext`, `Suggestion`). The runtime that walks a person through a form is
bot/flow.py; a form itself is declared in handlers/ (see handlers/registry.py for the list).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from bot.messages import Choice, Incoming, Reply
from storage.catalogue import Catalogue
from storage.domain import Staff

if TYPE_CHECKING:
    from bot.config import Config

Kind = Literal["choice", "yesno", "integer", "money", "decimal", "text", "date", "location", "photos"]
Answers = Mapping[str, Any]
_KINDS = frozenset(("choice", "yesno", "integer", "money", "decimal", "text", "date", "location", "photos"))


def _check_key(key: str) -> None:
    """Keys become answer paths ("pumps.0.serial") and callback data ("token|key"); "_" is the runtime's."""
    if not key or key.startswith("_") or any(ch in key for ch in ".|+-"):
        raise ValueError(f"flow key {key!r}: use letters, digits and _ only, not at the start")


class FormSettings(Protocol):
    """What a form's callbacks read of the app through `ctx.settings` (handlers/services.py's `Services`
    provides it): the configuration, the catalogue and the app's forms by name."""

    @property
    def config(self) -> Config: ...

    @property
    def catalogue(self) -> Catalogue: ...

    @property
    def flows(self) -> Mapping[str, Flow]: ...


@dataclass(frozen=True)
class FlowContext:
    """What a flow's callbacks may use while one message is handled; `session` is the unit of work's."""

    session: Any
    staff: Staff
    today: dt.date  # local business date (Asia/Ho_Chi_Minh)
    now: dt.datetime  # aware
    incoming: Incoming
    # The app's settings; the registration form, run before its person is staff, gets its invitation instead.
    settings: FormSettings | Mapping[str, Any] | None = None
    catalogue: Catalogue | None = None
    form: str = ""  # the declaration being filled in (a record remembers it); set by the runtime
    # Queue a message to another chat in this unit of work (`Unit.notify`): a save telling a reviewer
    notify: Callable[[str, str, Reply], None] | None = None


@dataclass(frozen=True)
class Suggestion:
    """The common answer, offered as one tap (Telegram) or "ok" (Zalo): today, verified − rejected…"""

    value: Any
    label: str


ChoicesFn = Callable[[FlowContext, Answers], "Sequence[Choice] | Awaitable[Sequence[Choice]]"]
DefaultFn = Callable[[FlowContext, Answers], "Suggestion | Any | Awaitable[Suggestion | Any]"]


@dataclass(frozen=True)
class Question:
    """One question of a form. `when` and `validate` see the answers given before this question.

    Answers by kind: choice → its key, yesno → bool, integer → int, money → int (đồng, signed: the
    question's `validate` says what the sum must be, "7,5 triệu" is read), decimal → Decimal, text → str,
    date → date, location → `Location` (shared or typed coordinates) or `str` (a typed address, at
    most 300 characters), photos → list of paths.
    """

    key: str
    kind: Kind
    prompt: str
    label: str = ""  # short name in the review; the prompt when empty
    choices: Sequence[Choice] | ChoicesFn | None = None
    optional: bool = False
    when: Callable[[Answers], bool] | None = None
    validate: Callable[[Any, Answers], str | None] | None = None
    default: DefaultFn | None = None
    max_length: int = 500  # text: 500 for names, 2000 for notes
    multiline: bool = False  # text: keep paragraphs (notes)
    prompt_for: Callable[[Answers], str] | None = None  # a prompt that depends on earlier answers
    # choice: reads a typed answer before the labels do — the key it names, None (match the labels),
    # or ParseError with the specific reason ("/chotky": a month typed that has not ended yet)
    read_typed: Callable[[FlowContext, str], Awaitable[str | None]] | None = None
    # The answer known without asking (the one open plan, the facility's remembered location): taken
    # as given, shown in the review and editable there; None: ask.
    auto: DefaultFn | None = None
    # Said with the next question once the answer is taken ("CD02: +0,6 % — vượt giới hạn ±0,45 %").
    echo: Callable[[Any, Answers], str | None] | None = None
    # Questions sharing a section ("Cơ sở": kind, search, pick, new name…) are one entry of the review's
    # edit menu; changing it asks the section's questions again, in order.
    section: str = ""
    brief: bool = True  # False: left out of its section's line in the edit menu (a search, "all met?")

    def __post_init__(self) -> None:
        _check_key(self.key)
        if self.kind not in _KINDS:
            raise ValueError(f"question {self.key!r}: unknown kind {self.kind!r}")

    @property
    def title(self) -> str:
        return self.label or self.prompt


@dataclass(frozen=True)
class RepeatGroup:
    """Questions asked once per item (one fuel station has several pumps)."""

    key: str
    questions: Sequence[Question]
    ask_more_prompt: str
    min_items: int = 1
    max_items: int = 20
    label: str = ""
    when: Callable[[Answers], bool] | None = None

    def __post_init__(self) -> None:
        _check_key(self.key)

    @property
    def title(self) -> str:
        return self.label or self.key


@dataclass(frozen=True)
class StartForm:
    """Open a form: what a command returns to start one, or a save (in `Saved`) to hand over to one.

    `name` is a key of the app's forms; `text` the words after the command (the form's `prefill` reads
    them as a shortcut); `answers` are filled in as if typed, in form order (a record to correct);
    `notice` is a line shown above the first question; `edit` opens a filled draft at the review's list of
    answers to change (a returned record: one answer to fix, then confirm).
    """

    name: str
    text: str = ""
    answers: Mapping[str, Any] | None = None
    notice: str = ""
    edit: bool = False


@dataclass(frozen=True)
class Saved:
    """What a save returns when its confirmation is not the end: the confirmation, then the next form
    (/cuatoi → the record's own form, prefilled)."""

    text: str
    then: StartForm


SaveFn = Callable[[FlowContext, dict[str, Any]], Awaitable["str | Saved"]]
SummarizeFn = Callable[[FlowContext, dict[str, Any]], "str | Awaitable[str]"]
PrefillFn = Callable[[FlowContext, str], "dict[str, Any] | str | Awaitable[dict[str, Any] | str]"]


@dataclass(frozen=True)
class Flow:
    """A whole form as the runtime walks it: its questions in order, how to save and summarise the
    answers. Who may open it is the command table's business (handlers/forms.py declares both)."""

    name: str
    title: str
    questions: Sequence[Question | RepeatGroup]
    save: SaveFn
    summarize: SummarizeFn | None = None
    command: str = ""
    review: bool = True
    prefill: PrefillFn | None = None
    form: str = ""  # the declaration it belongs to (a managers' twin shares its form's); its name when empty
