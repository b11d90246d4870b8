"""Facilities: the search and add helpers the inspection form uses, /gopcoso and the .xlsx import.

A facility is remembered the first time an inspector records a visit to it and found again by a few
letters of its name, with or without diacritics (the folded name column). A facility typed twice is
merged by an admin with /gopcoso; the department's list can be loaded from a spreadsheet keyed by
tax code (`python main.py facilities import FILE.xlsx`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import texts
from bot.form import Flow, FlowContext, Question, Suggestion
from bot.messages import Choice
from storage import engine_store, facilities_store, records
from storage.catalogue import Catalogue, FacilityKind
from storage.domain import Conflict, Facility, NotFound, RecordMeta
from storage.text import clean_line, fold

NAME_MAX = 300  # facilities.name is VARCHAR(300)
PROVINCE_MAX = 100
SEARCH_LIMIT = 10
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
    """A kind by key or label, folded and without punctuation: "Xăng dầu", "xang_dau", "XANG DAU"."""
    wanted = _squash(text)
    for kind in catalogue.facility_kinds:
        if wanted and wanted in {_squash(kind.key), _squash(kind.label), _squash(kind.report_noun)}:
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


def merge_flow() -> Flow:
    return Flow(
        name="merge_facilities",
        title=texts.inspection.MERGE_TITLE,
        roles=("admin",),
        command="gopcoso",
        questions=(
            Question("query", "text", texts.inspection.MERGE_ASK_QUERY, label=texts.inspection.MERGE_LABEL_QUERY, max_length=100,
                     validate=check_query),
            Question("keep", "choice", texts.inspection.MERGE_ASK_KEEP, label=texts.inspection.MERGE_LABEL_KEEP, choices=_keep_choices),
            Question("query2", "text", texts.inspection.MERGE_ASK_QUERY2, label=texts.inspection.MERGE_LABEL_QUERY2, max_length=100,
                     validate=check_query, default=_search_again),
            Question("duplicate", "choice", texts.inspection.MERGE_ASK_DUPLICATE, label=texts.inspection.MERGE_LABEL_DUPLICATE,
                     choices=_duplicate_choices, validate=_not_the_same),
        ),
        save=_merge,
        summarize=_merge_summary,
    )


async def merge_command(unit, staff, router) -> None:
    """/gopcoso: opens the merge form."""
    await router.start_flow(unit, staff, router.settings.services.flows["merge_facilities"])


# --- the .xlsx import -------------------------------------------------------------------------------

_HEADERS = {
    "name": {"ten co so", "ten", "name", "ten doanh nghiep", "co so", "ten cua hang"},
    "kind": {"loai", "loai co so", "kind", "loai hinh", "linh vuc"},
    "address": {"dia chi", "address", "xa phuong", "xa/phuong"},
    "province": {"tinh", "tinh/thanh pho", "tinh thanh pho", "tinh thanh", "province"},
    "tax_code": {"ma so thue", "mst", "tax code", "tax_code", "ma so doanh nghiep"},
}
_REQUIRED = ("name", "kind", "tax_code")
_COLUMN_NAMES = {"name": "Tên cơ sở", "kind": "Loại", "address": "Địa chỉ", "province": "Tỉnh",
                 "tax_code": "Mã số thuế"}


@dataclass(frozen=True)
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        lines = [texts.inspection.import_summary(self.created, self.updated, self.unchanged, len(self.errors))]
        return "\n".join([*lines, *self.errors])


@dataclass(frozen=True)
class _Cell:
    value: Any
    ref: str  # "B5"


def _read_rows(path: Path) -> list[list[_Cell]]:
    """Every row of the first sheet as raw cell values; formulas come back as their text, unevaluated."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # style and extension warnings of files saved by other programs
        workbook = load_workbook(path, read_only=True, data_only=False, keep_links=False)
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, row in enumerate(sheet.iter_rows(), start=1):
            rows.append([
                _Cell(cell.value, f"{get_column_letter(i)}{number}") for i, cell in enumerate(row, start=1)
            ])
        return rows
    finally:
        workbook.close()


def _text_of(cell: _Cell | None) -> str:
    """A text cell as a clean line; a formula stays its own text ("=SUM(A1)"); numbers are refused."""
    if cell is None or cell.value is None:
        return ""
    value = cell.value
    if not isinstance(value, str) and hasattr(value, "text"):  # an array formula: keep its text
        value = value.text
    if not isinstance(value, str):
        raise ValueError(texts.inspection.IMPORT_NOT_TEXT.format(cell=cell.ref))
    return clean_line(value)


def _columns(header: list[_Cell]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = fold(cell.value) if isinstance(cell.value, str) else ""
        for field, names in _HEADERS.items():
            if name in names and field not in found:
                found[field] = index
    return found


@dataclass(frozen=True)
class _Row:
    name: str
    kind: str  # key, or "" to keep the known facility's kind
    address: str
    province: str
    tax_code: str
    has_address: bool
    has_province: bool


def _parse_row(cells: list[_Cell], columns: dict[str, int], catalogue: Catalogue) -> _Row | None:
    """One data row, checked entirely before anything is written; None for an empty row."""

    def cell(field: str) -> _Cell | None:
        index = columns.get(field)
        return cells[index] if index is not None and index < len(cells) else None

    values = {field: _text_of(cell(field)) for field in columns}
    if not any(values.values()):
        return None
    if not values.get("tax_code"):
        raise ValueError(texts.inspection.IMPORT_NO_TAX)
    tax_code = normalise_tax_code(values["tax_code"])
    if tax_code is None:
        raise ValueError(texts.inspection.IMPORT_BAD_TAX.format(value=values["tax_code"]))
    if not values.get("name"):
        raise ValueError(texts.inspection.IMPORT_NO_NAME)
    for field, limit in (("name", NAME_MAX), ("province", PROVINCE_MAX), ("address", 1000)):
        if len(values.get(field, "")) > limit:
            raise ValueError(texts.inspection.IMPORT_TOO_LONG.format(column=_COLUMN_NAMES[field], limit=limit))
    kind = ""
    if values.get("kind"):
        found = find_kind(catalogue, values["kind"])
        if found is None:
            known = ", ".join(k.label for k in catalogue.facility_kinds)
            raise ValueError(texts.inspection.IMPORT_BAD_KIND.format(value=values["kind"], known=known))
        kind = found.key
    return _Row(
        values["name"], kind, values.get("address", ""), values.get("province", ""), tax_code,
        "address" in columns, "province" in columns,
    )


async def _import_row(session, row: _Row, meta: RecordMeta) -> str:
    """Create or update one facility; returns "created" | "updated" | "unchanged"."""
    known = await records.find_facility_by_tax_code(session, row.tax_code)
    if known is None:
        if not row.kind:
            raise ValueError(texts.inspection.IMPORT_BAD_KIND.format(value="", known="cần ghi loại cho cơ sở mới"))
        await records.add_facility(
            session, Facility(0, row.kind, row.name, row.tax_code, row.address, row.province), meta
        )
        return "created"
    wanted = Facility(
        known.id,
        row.kind or known.kind,
        row.name,
        known.tax_code or row.tax_code,
        row.address if row.has_address else known.address,
        row.province if row.has_province else known.province,
        known.latitude,
        known.longitude,
        known.merged_into,
    )
    if wanted == known:
        return "unchanged"
    await records.update_facility(session, wanted, meta)
    return "updated"


async def import_facilities(
    db, path: str | Path, catalogue: Catalogue, now: dt.datetime, staff_id: int | None = None
) -> ImportResult:
    """Load facilities from an .xlsx keyed by tax code: new ones are added, known ones updated in place.

    Each row is checked whole and written inside its own savepoint, so a bad row is reported by its
    number and leaves nothing behind while the good rows are kept. Cells are read as stored (formulas
    are never evaluated, a formula is imported as its text); numbers where text is expected are refused.
    """
    path = Path(path)
    try:
        rows = await asyncio.to_thread(_read_rows, path)
    except Exception as error:  # openpyxl raises many kinds for a file that is not an .xlsx
        return ImportResult(errors=(texts.inspection.IMPORT_BAD_FILE.format(reason=type(error).__name__),))
    if not rows:
        return ImportResult(errors=(texts.inspection.IMPORT_NO_HEADER,))
    columns = _columns(rows[0])
    missing = [_COLUMN_NAMES[f] for f in _REQUIRED if f not in columns]
    if len(missing) == len(_REQUIRED):
        return ImportResult(errors=(texts.inspection.IMPORT_NO_HEADER,))
    if missing:
        return ImportResult(errors=(texts.inspection.IMPORT_MISSING_COLUMNS.format(columns=", ".join(missing)),))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    errors: list[str] = []
    seen: dict[str, int] = {}
    meta = RecordMeta(staff_id, "import", path.name[:120], now)  # type: ignore[arg-type]
    async with db.unit_of_work() as session:
        for number, cells in enumerate(rows[1:], start=2):
            try:
                row = _parse_row(cells, columns, catalogue)
                if row is None:
                    continue
                if row.tax_code in seen:
                    raise ValueError(f"mã số thuế {row.tax_code} trùng với dòng {seen[row.tax_code]}")
                seen[row.tax_code] = number
                async with session.begin_nested():
                    outcome = await _import_row(session, row, meta)
                counts[outcome] += 1
            except ValueError as error:
                errors.append(texts.inspection.import_row_error(number, str(error)))
            except Conflict as error:
                errors.append(texts.inspection.import_row_error(number, texts.inspection.IMPORT_CONFLICT.format(reason=error)))
        await engine_store.audit(
            session, staff_id=staff_id, action="import", entity="facility", entity_id=path.name[:120],
            after={**counts, "errors": len(errors)}, now=now,
        )
    return ImportResult(counts["created"], counts["updated"], counts["unchanged"], tuple(errors))
