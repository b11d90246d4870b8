"""The facility import: `python main.py facilities import FILE.xlsx` adds or updates the department's
facilities from a spreadsheet, keyed by tax code; one line per problem, nothing half-written."""

from __future__ import annotations

import asyncio
import datetime as dt
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import texts
from handlers.facilities import NAME_MAX, PROVINCE_MAX, find_kind, normalise_tax_code
from storage import engine_store, records
from storage.catalogue import Catalogue
from storage.domain import Conflict, Facility, RecordMeta
from storage.text import clean_line, fold

_HEADERS = {
    "name": {"ten co so", "ten", "name", "ten doanh nghiep", "co so", "ten cua hang"},
    "kind": {"loai", "loai co so", "kind", "loai hinh", "linh vuc"},
    "address": {"dia chi", "address", "xa phuong", "xa/phuong"},
    "province": {"tinh", "tinh/thanh pho", "tinh thanh pho", "tinh thanh", "province"},
    "tax_code": {"ma so thue", "mst", "tax code", "tax_code", "ma so doanh nghiep"},
}
_REQUIRED = ("name", "kind", "tax_code")
_COLUMN_NAMES = texts.inspection.IMPORT_COLUMNS
IMPORT_FORMAT = texts.inspection.IMPORT_FORMAT


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
        """What was written; with any bad row, that nothing was, what the good rows would do, and each bad row."""
        if self.errors:
            first = texts.inspection.import_refused(self.created, self.updated, self.unchanged, len(self.errors))
        else:
            first = texts.inspection.import_summary(self.created, self.updated, self.unchanged, 0)
        return "\n".join([first, *self.errors])


class _BadRows(Exception):
    """Raised inside the unit of work so that a file with any bad row writes nothing."""


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
            raise ValueError(texts.inspection.IMPORT_BAD_KIND.format(value="", known=texts.inspection.IMPORT_KIND_NEEDED))
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

    Each row is checked whole and tried inside its own savepoint, so every bad row is reported by its
    number in one run; while any row is bad, nothing at all is written (the counts say what the good rows
    would do). Cells are read as stored (formulas are never evaluated, a formula is imported as its
    text); numbers where text is expected are refused.
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
    meta = RecordMeta(staff_id, "import", path.name[:120], now)  # type: ignore[arg-type]
    try:
        await _import_all(db, rows, columns, catalogue, meta, counts, errors, path, staff_id, now)
    except _BadRows:
        pass  # rolled back: the file as a whole was not written
    return ImportResult(counts["created"], counts["updated"], counts["unchanged"], tuple(errors))


async def _import_all(db, rows, columns, catalogue, meta, counts, errors, path, staff_id, now) -> None:
    seen: dict[str, int] = {}
    async with db.unit_of_work() as session:
        for number, cells in enumerate(rows[1:], start=2):
            try:
                row = _parse_row(cells, columns, catalogue)
                if row is None:
                    continue
                if row.tax_code in seen:
                    raise ValueError(texts.inspection.import_duplicate(row.tax_code, seen[row.tax_code]))
                seen[row.tax_code] = number
                async with session.begin_nested():
                    outcome = await _import_row(session, row, meta)
                counts[outcome] += 1
            except ValueError as error:
                errors.append(texts.inspection.import_row_error(number, str(error)))
            except Conflict as error:
                errors.append(texts.inspection.import_row_error(number, texts.inspection.IMPORT_CONFLICT.format(reason=error)))
        if errors:
            raise _BadRows
        await engine_store.audit(
            session, staff_id=staff_id, action="import", entity="facility", entity_id=path.name[:120],
            after=dict(counts), now=now,
        )
