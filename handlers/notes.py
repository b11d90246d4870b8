"""Notes: narrative text for one section of one month's report, written in the chat or imported.

/ghichu (managers and clerks) asks the month (the current one is one tap), then the section: the
report's sections as a numbered list, each with how many notes it already has and the number the
month's report prints above it (reports/numbering.py: "A.VII.4 (mục V.4) …" in a month without
section III; a section that prints nothing yet shows where a note would put it). A section that has
notes, or something to copy, then offers: write a new note, change or delete one of its notes, copy
the previous month's notes of the section, or (section B) start from the default list,
[reporting] b_default. An empty section goes straight to writing. A note takes as many messages as
it needs and ends with "Xong"; line breaks stay paragraphs. The section list also offers to copy
every note of the previous month in one answer.

Shortcuts: `/ghichu 12/2022 B` opens a month and a section, `/ghichu xem [MM/YYYY]` lists a month's
notes in full (handlers/notes_listing.py), `/ghichu chep [MM/YYYY]` copies the previous month's notes in one answer.
`python main.py notes import --month YYYY-MM FILE` reads notes from a file (app/import_notes.py).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

import texts
from bot.form import FlowContext, Question, StartForm, Suggestion
from bot.messages import Choice, Reply
from handlers.forms import Form
from handlers.notes_listing import listing
from handlers.report import (
    B_SECTION,
    PeriodInputError,
    b_defaults,
    report_count,
    report_settings,
    requested_period,
    seed_default_b,
)
from reports.numbering import month_section_numbers
from reports.periods import Period, period_of
from reports.sections import SECTION_KEYS, SECTIONS
from storage import records
from storage.domain import Conflict, Note, NotFound, RecordMeta
from storage.text import fold, has_pictographs

FLOW_NAME = "note"
PARTS = 20  # messages one note may take; the last one saves it
NEW, CARRY, DEFAULTS, CARRY_ALL = "new", "carry", "defaults", "*all"
EDIT, DELETE = "edit", "delete"
MENU = "*"  # suffix of a section's choice key when the section has something to pick from
LIST_WORDS = frozenset({"xem", "ds", "list"})
CARRY_WORDS = frozenset({"chep", "carry"})


# --- the month and the notes around it --------------------------------------------------------------


def _cut_off(ctx: FlowContext) -> int:
    return ctx.settings.config.cut_off_day


def month(typed: str, cut_off_day: int, today: dt.date = dt.date.max) -> Period:
    """A month typed in the chat (notes are kept per month); empty: the month of `today`."""
    period = requested_period(typed, cut_off_day, today)
    if period.kind != "month":
        raise PeriodInputError(texts.report.MONTH_ONLY)
    return period


def _typed(period: Period) -> str:
    return f"{period.number:02d}/{period.year}"


def same_text(text: str) -> str:
    """Two notes are the same when their words are (copying twice adds nothing)."""
    return " ".join(text.split())


@dataclass(frozen=True)
class MonthNotes:
    """A month's notes and the previous month's, read once per question."""

    period: Period
    notes: list[Note]
    previous: list[Note]

    def of(self, section: str) -> list[Note]:
        return [n for n in self.notes if n.section == section]

    def to_carry(self, section: str | None = None) -> list[Note]:
        have = {(n.section, same_text(n.text)) for n in self.notes}
        return [
            n
            for n in self.previous
            if (section is None or n.section == section) and (n.section, same_text(n.text)) not in have
        ]


async def read_month(session: AsyncSession, period: Period) -> MonthNotes:
    return MonthNotes(
        period,
        await records.list_notes(session, period.key),
        await records.list_notes(session, period.previous().key),
    )


def next_position(notes: list[Note]) -> int:
    """New notes go after the section's others (and after its figures: position >= 0)."""
    return max((n.position + 1 for n in notes), default=0) if notes else 0


async def carry_forward(
    session: AsyncSession, period: Period, meta: RecordMeta, section: str | None = None
) -> str:
    """Copy the previous month's notes (of one section, or all) that this month does not have yet."""
    month_notes = await read_month(session, period)
    wanted = month_notes.to_carry(section)
    offered = [n for n in month_notes.previous if section is None or n.section == section]
    for note in wanted:
        await records.add_note(session, Note(0, period.key, note.section, note.text, note.position), meta)
    return texts.report.carried(len(wanted), period.previous(), period, skipped=len(offered) - len(wanted))


# --- /ghichu: the form --------------------------------------------------------------------------------


def _current(ctx: FlowContext, answers: Mapping[str, Any]) -> Suggestion:
    period = period_of(ctx.today, _cut_off(ctx))
    return Suggestion(_typed(period), texts.report.current_period(period))


def _valid_month(typed: str, answers: Mapping[str, Any]) -> str | None:
    try:
        month(typed, 28)  # the form only checks the shape here; the cut-off day moves no month
    except PeriodInputError as error:
        return error.message
    return None


def _period(ctx: FlowContext, answers: Mapping[str, Any]) -> Period:
    return month(answers["period"], _cut_off(ctx))


def _section(answers: Mapping[str, Any]) -> str:
    return answers["section"].removesuffix(MENU)


def _section_key(month_notes: MonthNotes, section: str, defaults: tuple[str, ...]) -> str:
    """The section's choice key, marked when there is something to pick (else: straight to writing)."""
    has = month_notes.of(section)
    offers = has or month_notes.to_carry(section) or (section == B_SECTION and defaults)
    return section + MENU if offers else section


async def _section_choices(ctx: FlowContext, answers: Mapping[str, Any]) -> list[Choice]:
    month_notes = await read_month(ctx.session, _period(ctx, answers))
    defaults = b_defaults(ctx.settings.config)
    counts = Counter(n.section for n in month_notes.notes)
    settings = report_settings(ctx.settings.config)  # the number the report prints above each section:
    numbers = await month_section_numbers(ctx.session, ctx.settings.catalogue, settings, month_notes.period,
                                          report_count(ctx.settings.config))
    choices = [
        Choice(_section_key(month_notes, key, defaults), texts.report.section_label(key, title, counts[key], numbers.get(key)))
        for key, title in SECTIONS
    ]
    if carry := month_notes.to_carry():
        choices.append(Choice(CARRY_ALL, texts.report.carry_all_label(len(carry), month_notes.period.previous())))
    return choices


def _note_key(note: Note) -> str:
    """A listed note, with the version it had: a change by someone else meanwhile is noticed."""
    return f"id{note.id}v{note.meta.version if note.meta else 1}"


def _note_ref(key: str) -> tuple[int, int]:
    note_id, _, version = key.removeprefix("id").partition("v")
    return int(note_id), int(version)


async def _pick_choices(ctx: FlowContext, answers: Mapping[str, Any]) -> list[Choice]:
    month_notes = await read_month(ctx.session, _period(ctx, answers))
    section = _section(answers)
    listed = month_notes.of(section)
    choices = [Choice(NEW, texts.report.PICK_NEW), *(Choice(_note_key(n), texts.report.note_label(n.text)) for n in listed)]
    if carry := month_notes.to_carry(section):
        choices.append(Choice(CARRY, texts.report.carry_label(len(carry), month_notes.period.previous())))
    defaults = b_defaults(ctx.settings.config)
    if section == B_SECTION and defaults and not listed:
        choices.append(Choice(DEFAULTS, texts.report.defaults_label(len(defaults))))
    return choices


# --- where the answers lead: the form's paths -----------------------------------------------------------
#
#   period → section ─┬─ "copy all of last month"                                    → COPY_MONTH
#                     ├─ a section with nothing to pick from                          → WRITE_NEW
#                     └─ a section with a menu → pick ─┬─ a new note                  → WRITE_NEW
#                                                      ├─ copy last month's            → COPY_SECTION
#                                                      ├─ the default list (B)         → SEED_DEFAULTS
#                                                      └─ a note → todo ─┬─ change     → WRITE_CHANGE
#                                                                        └─ delete → sure → DELETE_NOTE
#
# WRITE_NEW and WRITE_CHANGE then take the text, message by message, until "Xong" (p1, p2, …).

COPY_MONTH, COPY_SECTION, SEED_DEFAULTS = "copy_month", "copy_section", "seed_defaults"
WRITE_NEW, WRITE_CHANGE, DELETE_NOTE = "write_new", "write_change", "delete_note"
_BY_PICK = {NEW: WRITE_NEW, CARRY: COPY_SECTION, DEFAULTS: SEED_DEFAULTS}
_BY_TODO = {EDIT: WRITE_CHANGE, DELETE: DELETE_NOTE}


def path(answers: Mapping[str, Any]) -> str | None:
    """Where the answers so far lead (the diagram above); None while it is not decided yet."""
    section = answers.get("section")
    if section is None:
        return None
    if section == CARRY_ALL:
        return COPY_MONTH
    if not _has_menu(answers):
        return WRITE_NEW
    pick = answers.get("pick")
    if pick is None:
        return None
    return _BY_PICK.get(pick) or _BY_TODO.get(answers.get("todo", ""))


def _has_menu(answers: Mapping[str, Any]) -> bool:
    return answers.get("section", "").endswith(MENU)


def _picked_note(answers: Mapping[str, Any]) -> bool:
    return _has_menu(answers) and answers.get("pick", "").startswith("id")


def _deleting(answers: Mapping[str, Any]) -> bool:
    return path(answers) == DELETE_NOTE


def _writing(answers: Mapping[str, Any]) -> bool:
    return path(answers) in (WRITE_NEW, WRITE_CHANGE)


def _is_done(text: Any) -> bool:
    return isinstance(text, str) and fold(text).strip(" .!") in texts.common.DONE_WORDS


def _not_empty(text: str, answers: Mapping[str, Any]) -> str | None:
    return texts.report.NOTE_EMPTY if _is_done(text) else None


async def _keep_old(ctx: FlowContext, answers: Mapping[str, Any]) -> Suggestion | None:
    """Changing a note: one tap keeps its text and goes on with more paragraphs."""
    if path(answers) != WRITE_CHANGE:
        return None
    try:
        note = await records.get_note(ctx.session, _note_ref(answers["pick"])[0])
    except NotFound:  # deleted meanwhile; the save says so
        return None
    return Suggestion(note.text, texts.report.KEEP_TEXT)


def _part_applies(k: int):
    if k == 1:
        return _writing
    return lambda answers: f"p{k - 1}" in answers and not _is_done(answers[f"p{k - 1}"])


def _part(k: int) -> Question:
    """Message k of the note's text: "Xong" ends it; the first one cannot be "Xong"."""
    prompt = texts.report.ASK_TEXT if k == 1 else texts.report.ask_more_text(k - 1, last=k == PARTS)
    return Question(
        f"p{k}",
        "text",
        prompt,
        when=_part_applies(k),
        validate=_not_empty if k == 1 else None,
        default=_keep_old if k == 1 else None,
        max_length=2000,
        multiline=True,
    )


QUESTIONS = (
    Question(
        "period",
        "text",
        texts.report.ASK_PERIOD,
        label=texts.report.PERIOD_LABEL,
        default=_current,
        validate=_valid_month,
        max_length=40,
    ),
    Question("section", "choice", texts.report.ASK_SECTION, label=texts.report.SECTION_LABEL, choices=_section_choices),
    Question("pick", "choice", texts.report.ASK_PICK, choices=_pick_choices, when=_has_menu),
    Question(
        "todo",
        "choice",
        texts.report.ASK_TODO,
        choices=(Choice(EDIT, texts.report.TODO_EDIT), Choice(DELETE, texts.report.TODO_DELETE)),
        when=_picked_note,
    ),
    Question("sure", "yesno", texts.report.ASK_SURE, when=_deleting),
    *(_part(k) for k in range(1, PARTS + 1)),
)


def _text(answers: Mapping[str, Any]) -> str:
    parts = [answers[f"p{k}"] for k in range(1, PARTS + 1) if f"p{k}" in answers]
    return "\n".join(p for p in parts if not _is_done(p))


def _meta(ctx: FlowContext) -> RecordMeta:
    return RecordMeta(ctx.staff.id, ctx.incoming.channel, ctx.incoming.event_key, ctx.now)


async def save(ctx: FlowContext, answers: dict[str, Any]) -> str:
    """Writes, changes, deletes or copies notes, as the path of the answers says; returns what was done."""
    period, meta, goal = _period(ctx, answers), _meta(ctx), path(answers)
    if goal == COPY_MONTH:
        return await carry_forward(ctx.session, period, meta)
    section = _section(answers)
    if goal == COPY_SECTION:
        return await carry_forward(ctx.session, period, meta, section)
    if goal == SEED_DEFAULTS:
        added = await seed_default_b(
            ctx.session, period.key, b_defaults(ctx.settings.config), meta, again=True
        )
        return texts.report.defaults_added(added, period)
    if goal == WRITE_NEW:
        existing = await records.list_notes(ctx.session, period.key, section)
        await records.add_note(
            ctx.session, Note(0, period.key, section, _text(answers), next_position(existing)), meta
        )
        return _told(texts.report.note_saved(section, period, len(existing) + 1), answers)
    try:
        done = await _change(ctx.session, answers, period, meta)
    except (NotFound, Conflict):  # changed or deleted by someone else since it was listed
        return texts.report.NOTE_CHANGED
    return _told(done, answers) if goal == WRITE_CHANGE else done


def _told(done: str, answers: Mapping[str, Any]) -> str:
    """A written note with emoji: its author is told they will not be printed in the report."""
    return f"{done}\n{texts.common.PICTOGRAPHS_DROPPED}" if has_pictographs(_text(answers)) else done


async def _change(session: AsyncSession, answers: Mapping[str, Any], period: Period, meta: RecordMeta) -> str:
    note_id, version = _note_ref(answers["pick"])
    note = await records.get_note(session, note_id)
    if note.meta is not None and note.meta.version != version:
        raise Conflict(f"note {note_id}")
    if path(answers) == DELETE_NOTE:
        if not answers["sure"]:
            return texts.report.NOT_DELETED
        await records.delete_note(session, note_id, meta)
        left = await records.list_notes(session, period.key, note.section)
        return texts.report.note_deleted(note.section, period, len(left))
    changed = Note(note.id, note.period, note.section, _text(answers), note.position, note.meta)
    await records.update_note(session, changed, meta)
    return texts.report.note_updated(note.section, period)


async def _prefill(ctx: FlowContext, args_text: str) -> dict[str, Any] | str:
    """`/ghichu 12/2022 B`: the month and/or the section (its key, or its number in the list)."""
    filled: dict[str, Any] = {}
    section = None
    for word in args_text.split():
        if (named := _section_named(word)) is not None:
            section = named
            continue
        try:
            filled["period"] = _typed(month(word, _cut_off(ctx)))
        except PeriodInputError as error:
            return error.message
    if section is not None:  # the section's menu depends on the month: the current one unless given
        filled.setdefault("period", _typed(period_of(ctx.today, _cut_off(ctx))))
        month_notes = await read_month(ctx.session, month(filled["period"], _cut_off(ctx)))
        filled["section"] = _section_key(month_notes, section, b_defaults(ctx.settings.config))
    return filled


def _section_named(word: str) -> str | None:
    if word.upper().rstrip(".") in SECTION_KEYS:
        return word.upper().rstrip(".")
    if word.isdecimal() and 1 <= int(word) <= len(SECTIONS):
        return SECTIONS[int(word) - 1][0]
    return None


# --- /ghichu: the command and its shortcuts -----------------------------------------------------------


async def note_command(unit, staff, services) -> StartForm | None:
    """/ghichu [xem|chep] [MM/YYYY] [mục]: the form, or a listing / a carry-forward in one answer."""
    word, _, rest = unit.incoming.text.strip().partition(" ")
    if fold(word) not in LIST_WORDS | CARRY_WORDS:
        return StartForm(FLOW_NAME, unit.incoming.text)
    cut_off = services.config.cut_off_day
    try:
        period = month(rest, cut_off, services.today(unit))
    except PeriodInputError as error:
        unit.reply(Reply(text=error.message))
        return
    if fold(word) in LIST_WORDS:
        settings = report_settings(services.config)
        numbers = await month_section_numbers(unit.session, services.catalogue, settings, period,
                                              report_count(services.config))
        for text in await listing(unit.session, period, numbers):
            unit.reply(Reply(text=text))
        return
    meta = RecordMeta(staff.id, unit.incoming.channel, unit.incoming.event_key, unit.now)
    unit.reply(Reply(text=await carry_forward(unit.session, period, meta)))


FORM = Form(
    name=FLOW_NAME, title=texts.report.NOTE_FLOW_TITLE, command="ghichu", aliases=("note",),
    description=texts.report.NOTES_COMMAND, roles=frozenset({"manager", "clerk"}),
    questions=lambda services, managers: QUESTIONS, save=save, prefill=_prefill, start=note_command,
    review=False,  # "Xong" is the confirmation; deletion asks its own question
)  # fmt: skip
