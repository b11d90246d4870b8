"""Facilities: the search and add helpers the inspection form uses, and /gopcoso.

A facility is remembered the first time an inspector records a visit to it and found again by a few
letters of its name, with or without diacritics (the folded name column). A facility typed twice is
merged by an admin with /gopcoso; the department's list can be loaded from a spreadsheet keyed by
tax code (`python main.py facilities import FILE.xlsx`, app/import_facilities.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import texts
from bot.form import FlowContext, Question, Suggestion
from bot.messages import Choice
from handlers.forms import Form
from storage import engine_store, facilities_store, records
from storage.catalogue import Catalogue, FacilityKind
from storage.domain import Conflict, Facility, NotFound, RecordMeta
from storage.text import clean_line, fold

NAME_MAX = 300  # facilities.name is VARCHAR(300)
PROVINCE_MAX = 100
SEARCH_LIMIT = 10
MERGE_NAME = "merge_facilities"
_TAX_CODE = re.compile(r"(\d{10})(?:-?(\d{3}))?")


# --- values ---------------------------------------------------------------------------------------


def normalise_tax_code(text: str) -> str | None:
    """"0101234567", "0101 234 567" → "0101234567"; 13 digits → "0101234567-001"; else None."""
    compact = re.sub(r"[\s.]", "", clean_line(text)).replace("–", "-").replace("−", "-")
    match = _TAX_CODE.fullmatch(compact)
    if match is None:
        return None
    return match[1] + (f"-{match[2]}" if match[2] else "")


def check_tax_code(value: str, _answers: Any = None) -> str | None:
    return None if normalise_tax_code(value) else texts.inspection.TAX_CODE_BAD


def check_name(value: str, _answers: Any = None) -> str | None:
    return texts.inspection.NAME_TOO_SHORT if len(fold(value)) < 2 else None


def check_query(value: str, _answers: Any = None) -> str | None:
    return texts.inspection.QUERY_TOO_SHORT if len(fold(value)) < 2 else None


def kind_label(kind: FacilityKind) -> str:
    return kind.label[:1].upper() + kind.label[1:]


def find_kind(catalogue: Catalogue, text: str) -> FacilityKind | None:
    """A kind by key, label or synonym (config.toml), folded and without punctuation: "Xăng dầu",
    "xang_dau", "XANG DAU", "cây xăng"."""
    wanted = _squash(text)
    for kind in catalogue.facility_kinds:
        names = (kind.key, kind.label, kind.report_noun, *kind.synonyms)
        if wanted and wanted in {_squash(name) for name in names}:
            return kind
    return None


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


# --- search ---------------------------------------------------------------------------------------


async def search(session, text: str, kind: str | None = None, limit: int = SEARCH_LIMIT) -> list[Facility]:
    """Facilities whose name contains the text (folded); a typed tax code finds its facility first."""
    found: list[Facility] = []
    tax_code = normalise_tax_code(text)
    if tax_code:
        by_code = await records.find_facility_by_tax_code(session, tax_code)
        if by_code is not None and (kind is None or by_code.kind == kind):
            found.append(by_code)
    for facility in await records.search_facilities(session, text, kind=kind, limit=limit):
        if facility.id not in {f.id for f in found}:
            found.append(facility)
    return found[:limit]


def label_of(facility: Facility) -> str:
    return texts.inspection.facility_label(facility.name, facility.address, facility.tax_code)


def facility_key(facility_id: int, kind: str) -> str:
    """The answer a picked facility is stored as; it names the kind so a changed kind asks again."""
    return f"f{facility_id}/{kind}"


def parse_facility_key(key: str) -> tuple[int, str] | None:
    match = re.fullmatch(r"f(\d+)/(\w+)", key or "")
    return (int(match[1]), match[2]) if match else None


async def add_new_facility(
    ctx: FlowContext, kind: str, name: str, tax_code: str, address: str, province: str
) -> Facility:
    """A facility typed on site; a known tax code means it was already remembered: use that one."""
    code = normalise_tax_code(tax_code or "") or ""
    if code:
        known = await records.find_facility_by_tax_code(ctx.session, code)
        if known is not None:
            return known
    meta = RecordMeta(ctx.staff.id, ctx.incoming.channel, ctx.incoming.event_key, ctx.now)
    facility = await records.add_facility(
        ctx.session, Facility(0, kind, name, code, address, province), meta
    )
    await engine_store.audit(
        ctx.session, staff_id=ctx.staff.id, action="create", entity="facility", entity_id=facility.id,
        after={"kind": kind, "name": facility.name, "tax_code": code, "address": facility.address},
        now=ctx.now,
    )
    return facility


# --- /gopcoso ---------------------------------------------------------------------------------------


def _choices_from(found: Sequence[Facility], catalogue: Catalogue, skip: int | None = None) -> list[Choice]:
    kinds = {k.key: kind_label(k) for k in catalogue.facility_kinds}
    return [
        Choice(f"f{f.id}", f"{label_of(f)} · {kinds.get(f.kind, f.kind)} · #{f.id}")
        for f in found
        if f.id != skip
    ]


def _id(key: str) -> int:
    return int(key[1:])


async def _keep_choices(ctx: FlowContext, answers) -> list[Choice]:
    return _choices_from(await search(ctx.session, answers["query"]), ctx.catalogue)


def _search_again(ctx: FlowContext, answers) -> Suggestion:
    return Suggestion(answers["query"], texts.inspection.merge_search_again(answers["query"]))


async def _duplicate_choices(ctx: FlowContext, answers) -> list[Choice]:
    found = await search(ctx.session, answers["query2"])
    return _choices_from(found, ctx.catalogue, skip=_id(answers["keep"]))


def _not_the_same(value: str, answers) -> str | None:
    return texts.inspection.MERGE_SAME if value == answers.get("keep") else None


async def _merge_summary(ctx: FlowContext, answers: dict[str, Any]) -> str:
    labels = answers["_labels"]
    visits = await facilities_store.count_visits(ctx.session, _id(answers["duplicate"]))
    return texts.inspection.merge_summary(labels.get("keep", ""), labels.get("duplicate", ""), visits)


async def _merge(ctx: FlowContext, answers: dict[str, Any]) -> str:
    """Moves the duplicate's visits to the kept facility; storage writes the audit entry."""
    keep_id, duplicate_id = _id(answers["keep"]), _id(answers["duplicate"])
    try:
        keep = await records.get_facility(ctx.session, keep_id)
        duplicate = await records.get_facility(ctx.session, duplicate_id)
        if keep.merged_into is not None or duplicate.merged_into is not None:
            return texts.inspection.MERGE_GONE
        meta = RecordMeta(ctx.staff.id, ctx.incoming.channel, ctx.incoming.event_key, ctx.now)
        await records.merge_facilities(ctx.session, duplicate_id, keep_id, meta)
    except (Conflict, NotFound):
        return texts.inspection.MERGE_GONE
    return texts.inspection.merged(keep.name, duplicate.name)


def merge_questions(services, managers: bool) -> tuple[Question, ...]:
    return (
        Question("query", "text", texts.inspection.MERGE_ASK_QUERY, label=texts.inspection.MERGE_LABEL_QUERY, max_length=100,
                 validate=check_query),
        Question("keep", "choice", texts.inspection.MERGE_ASK_KEEP, label=texts.inspection.MERGE_LABEL_KEEP, choices=_keep_choices),
        Question("query2", "text", texts.inspection.MERGE_ASK_QUERY2, label=texts.inspection.MERGE_LABEL_QUERY2, max_length=100,
                 validate=check_query, default=_search_again),
        Question("duplicate", "choice", texts.inspection.MERGE_ASK_DUPLICATE, label=texts.inspection.MERGE_LABEL_DUPLICATE,
                 choices=_duplicate_choices, validate=_not_the_same),
    )  # fmt: skip


MERGE_FORM = Form(  # /gopcoso: facilities typed twice, one merged into the other
    name=MERGE_NAME, title=texts.inspection.MERGE_TITLE, command="gopcoso", aliases=("mergefacility",),
    description=texts.inspection.MERGE_DESCRIPTION, roles=frozenset({"admin"}),
    questions=merge_questions, save=_merge, summarize=_merge_summary,
)  # fmt: skip
