"""A form's one declaration (`Form`) and the record kind it stores (`RecordStore`).

A form is declared once, in its own module (`FORM = Form(...)` in handlers/<form>.py): its name, its
command and aliases, the roles that may use it, its title and /help line, its questions, save and
summary and, for a form that stores records, the record kind it stores and reads back (`record`:
add/get/update/delete and the period's records it counts in), how a stored record becomes its
answers again (`answers_of`, to correct it) and how /cuatoi names it (`describe`).
handlers/registry.py lists the declarations once; the command table, /help, the role checks, the
runtime's forms (`flows_of`) and /cuatoi's kinds (`record_forms`) are derived from that list.

A record remembers the form that made it (`RecordMeta.form`, set from `FlowContext.form` when the
form saves): /cuatoi opens that form, even when two forms store in the same table.

The closed-period rule gives every record form a twin for managers ("<name>.manager": its date
question accepts a closed month, audited as a correction; handlers/capture.py); `flow_for` picks one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.engine import Unit
from bot.form import Flow, FlowContext, PrefillFn, Question, RepeatGroup, SaveFn, StartForm, SummarizeFn
from handlers.commands import Command, CommandHandler, CommandTable
from storage.domain import PeriodRecords, Staff

MANAGER = "manager"
EDIT_TAG = "_edit"  # in a draft's `_labels`: the stored record the save updates (capture.edit_target)
EVERYONE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RecordStore:
    """How one kind of record is read, written and named; what /cuatoi and the saves share."""

    entity: str  # the audit log's entity name, as storage/records writes it
    noun: str  # "lô kiểm định": the record's one name in every sentence (docs/glossary.md)
    date_of: Callable[[Any], dt.date]
    add: Callable[..., Awaitable[Any]]
    get: Callable[..., Awaitable[Any]]
    update: Callable[..., Awaitable[Any]]
    delete: Callable[..., Awaitable[None]]
    of_period: Callable[[PeriodRecords], Sequence[Any]] = lambda loaded: ()  # its records in a loaded period


QuestionsFn = Callable[[Any, bool], Sequence[Question | RepeatGroup]]  # (services, managers) -> questions
# (context, record) -> the form's answers for it, choice labels and photos included (plain or async)
AnswersOf = Callable[[FlowContext, Any], "dict[str, Any] | Awaitable[dict[str, Any]]"]
DescribeFn = Callable[[Any, Any, PeriodRecords], str]  # (catalogue, record, the period's records) -> one line


@dataclass(frozen=True)
class Form:
    """Everything about one form, in one place."""

    name: str  # the key of its drafts and of its records' `form`; never renamed (stored)
    title: str
    command: str  # the Vietnamese command, without "/"
    description: str  # its line in /help and in Telegram's command menu
    roles: frozenset[str]  # who may use it; empty: every registered person
    questions: QuestionsFn
    save: SaveFn
    summarize: SummarizeFn | None = None
    prefill: PrefillFn | None = None  # reads the words after the command (a one-line shortcut)
    aliases: tuple[str, ...] = ()  # other names of the command (English, unaccented)
    review: bool = True
    # The command's own handler when it does more than open the form (subcommands, a precondition);
    # by default the command opens the form with the words after it as the shortcut.
    start: CommandHandler | None = None
    # For a form that stores records: the kind it stores, a stored record as the form's answers, one line naming it.
    record: RecordStore | None = None
    answers_of: AnswersOf | None = None
    describe: DescribeFn | None = None
    old_names: tuple[str, ...] = ()  # names stored drafts may still carry (a form renamed or merged)
    # The noun of one record when it depends on the record ("chứng chỉ" for a certificate); the kind's otherwise.
    noun_of: Callable[[Any, Any], str] | None = None  # (catalogue, record) -> noun

    def __post_init__(self) -> None:
        if (self.record is None) != (self.describe is None):
            raise ValueError(f"form {self.name!r}: a record kind comes with describe (and answers_of)")

    def flows(self, services: Any) -> dict[str, Flow]:
        """The runtime's forms: this one (under its old names too) and, for a record form, the managers' twin."""

        def flow(name: str, managers: bool) -> Flow:
            return Flow(name=name, title=self.title, command=self.command, questions=self.questions(services, managers),
                        save=self.save, summarize=self.summarize, prefill=self.prefill, review=self.review,
                        form=self.name)  # fmt: skip

        staff = flow(self.name, False)
        built = {self.name: staff, **dict.fromkeys(self.old_names, staff)}
        if self.record is not None:
            built[manager_name(self.name)] = flow(manager_name(self.name), True)
        return built

    def store_for(self, catalogue: Any, record: Any) -> RecordStore:
        """The record kind, named as this record is named."""
        assert self.record is not None
        if self.noun_of is None:
            return self.record
        return dataclasses.replace(self.record, noun=self.noun_of(catalogue, record))

    def entry(self) -> Command:
        """Its line of the command table."""
        return Command(self.command, self.aliases, self.roles, self.description, self.start or _opener(self.name))


def manager_name(name: str) -> str:
    return f"{name}.manager"


def flow_for(services: Any, name: str, staff: Staff) -> str:
    """The name of the managers' declaration of a form for managers, of the staff one for everybody else."""
    managers = manager_name(name)
    return managers if staff.has(MANAGER) and managers in services.flows else name


def start_form(unit: Unit, staff: Staff, services: Any, name: str) -> StartForm:
    """A form's command: the right declaration, the text after the command as its shortcut."""
    return StartForm(flow_for(services, name, staff), unit.incoming.text)


def _opener(name: str) -> CommandHandler:
    async def command(unit: Unit, staff: Staff, services: Any) -> StartForm:
        return start_form(unit, staff, services, name)

    return command


# --- what the registry's one list gives ---------------------------------------------------------


Entry = Form | Command  # a form, or a command that opens none


def command_table(entries: Iterable[Entry]) -> CommandTable:
    """The commands in the list's order (/help's): a form's command carries the form's roles."""
    return CommandTable([e.entry() if isinstance(e, Form) else e for e in entries])


def flows_of(entries: Iterable[Entry], services: Any) -> dict[str, Flow]:
    flows: dict[str, Flow] = {}
    for form in forms_in(entries):
        flows.update(form.flows(services))
    return flows


def forms_in(entries: Iterable[Entry]) -> list[Form]:
    return [e for e in entries if isinstance(e, Form)]


def record_forms(forms: Mapping[str, Form]) -> list[Form]:
    """The forms that store records, in the list's order: what /cuatoi lists and corrects."""
    return [f for f in forms.values() if f.record is not None]


def form_of(forms: Mapping[str, Form], entity: str, made_by: str) -> Form | None:
    """The form that corrects a record of `entity` made by form `made_by`; a record written without a
    form (imported, demo data) belongs to the first form that stores that kind."""
    form = forms.get(made_by)
    if form is not None and form.record is not None and form.record.entity == entity:
        return form
    return next((f for f in record_forms(forms) if f.record is not None and f.record.entity == entity), None)



def edit_answers(store: RecordStore, record: Any, answers: dict[str, Any]) -> dict[str, Any]:
    """A form's prefill for correcting `record`: its answers plus the tag that makes the save an update."""
    tag = f"{store.entity}:{record.id}:{record.meta.version}"
    return {**answers, "_labels": {**answers.get("_labels", {}), EDIT_TAG: tag}}
