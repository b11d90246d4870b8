"""The register's import: `python main.py licences import FILE.xlsx` loads the licences a department
issued before the bot. The whole file is read and checked first; every bad row is reported with its
number and reason and nothing is written while any row is bad. Then, in one transaction, each licence is
added (marked imported: never counted in a period's report) or left alone when the register already has
it (same kind, number, action and issue date), so a second import of the same file changes nothing.
Facilities are matched by tax code, else by the same name, else added; renewals, amendments and
re-issues are linked to the licence they replace.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

import texts
from handlers.facilities import NAME_MAX, normalise_tax_code
from handlers.licence import add_years, read_date
from storage import engine_store, licence_register, records
from storage.catalogue import Catalogue
from storage.domain import Facility, Licence, RecordMeta
from storage.record_models import FacilityRow, LicenceRow
from storage.text import clean_line, fold

IMPORT_FORMAT = texts.licences.IMPORT_FORMAT
HEADER_ROWS = 10  # the header is looked for in the first rows (a title may stand above it)
_NAMES = {
    "number": {"so giay phep", "so", "so gp", "so chung chi", "so giay phep chung chi", "so hieu", "so ky hieu",
               "number", "so van ban"},
    "kind": {"loai", "loai giay phep", "loai giay to", "loai giay phep chung chi", "kind"},
    "action": {"hinh thuc", "hinh thuc cap", "action", "loai cap"},
    "holder": {"duoc cap cho", "to chuc ca nhan duoc cap", "nguoi duoc cap", "to chuc duoc cap", "ten to chuc",
               "chu so huu", "holder", "ten to chuc ca nhan", "don vi duoc cap"},
    "facility": {"co so", "ten co so", "noi dat thiet bi", "facility", "dia diem dat thiet bi"},
    "tax_code": {"ma so thue", "mst", "tax code", "ma so doanh nghiep"},
    "address": {"dia chi", "address", "dia chi co so"},
    "issued": {"ngay cap", "issued", "ngay cap phep", "cap ngay"},
    "expiry": {"ngay het han", "het han", "han", "thoi han", "co hieu luc den", "hieu luc den", "expiry",
               "han su dung", "ngay het hieu luc"},
}
_REQUIRED = ("number", "kind", "holder", "issued")
_ACTIONS = {
    "cap_moi": {"cap moi", "cap", "moi", "cap_moi", "new", "cap lan dau"},
    "gia_han": {"gia han", "gia_han", "renewal"},
    "sua_doi": {"sua doi", "sua doi bo sung", "bo sung", "sua_doi", "amendment"},
    "cap_lai": {"cap lai", "cap_lai", "reissue"},
}
_LIMITS = {"number": 100, "holder": 300, "facility": NAME_MAX, "address": 1000}


@dataclass(frozen=True)
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    facilities: int = 0
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return "\n".join([*self.errors, texts.licences.IMPORT_NOTHING_WRITTEN])
        return texts.licences.import_summary(self.created, self.updated, self.unchanged, self.facilities)


def _squash(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9_]+", fold(text)))


def _read(path: Path) -> list[list[Any]]:
    """The first sheet's values, row 1 first, merged cells filled with their first cell's value (a
    header merged over two rows or columns)."""
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # style and extension warnings of files saved by other programs
        workbook = load_workbook(path, data_only=False, keep_links=False)
    try:
        sheet = workbook.worksheets[0]
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        for merged in sheet.merged_cells.ranges:
            top = sheet.cell(merged.min_row, merged.min_col).value
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if r - 1 < len(rows) and c - 1 < len(rows[r - 1]):
                        rows[r - 1][c - 1] = top
        return rows
    finally:
        workbook.close()


def _field(name: Any) -> str | None:
    text = _squash(name) if isinstance(name, str) else ""
    return next((field for field, names in _NAMES.items() if text in names), None)


def _header(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    """(index of the header row, column of each field): the first row naming the required columns, a
    cell read alone or after the cell above it ("Ngày" merged over "cấp" and "hết hạn")."""
    for r, row in enumerate(rows[:HEADER_ROWS]):
        found: dict[str, int] = {}
        for c, value in enumerate(row):
            above = rows[r - 1][c] if r and c < len(rows[r - 1]) else None
            names = [value] + ([f"{above} {value}"] if isinstance(above, str) and isinstance(value, str) else [])
            field = next((f for f in map(_field, names) if f), None)
            if field and field not in found:
                found[field] = c
        if all(f in found for f in _REQUIRED):
            return r, found
    return None


@dataclass(frozen=True)
class _Row:
    line: int
    kind: str
    action: str
    number: str
    holder: str
    facility: str
    tax_code: str
    address: str
    issued: dt.date
    expiry: dt.date | None

    @property
    def key(self) -> tuple:
        return self.kind, licence_register.compact(self.number), self.action, self.issued


def _cell_ref(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column + 1)}{row}"


def _date(value: Any, ref: str) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 <= value <= 80000:
        from openpyxl.utils.datetime import from_excel  # a date cell saved without its date format

        return from_excel(value).date()
    day = read_date(str(value)) if isinstance(value, str) else None
    if day is None:
        raise ValueError(texts.licences.IMPORT_BAD_DATE.format(cell=ref, value=clean_line(str(value))))
    return day


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_line(str(value))


def _kind(catalogue: Catalogue, text: str):
    wanted = _squash(text)
    for kind in catalogue.licence_kinds:
        if wanted and wanted in {_squash(n) for n in (kind.key, kind.label, *kind.synonyms)}:
            return kind
    return None


def _action(text: str) -> str | None:
    wanted = _squash(text) or "cap moi"
    return next((key for key, names in _ACTIONS.items() if wanted in names), None)


def _parse(cells: list[Any], line: int, columns: dict[str, int], catalogue: Catalogue, today: dt.date) -> _Row | None:
    """One data row checked whole: None when empty; every problem of the row in one ValueError."""

    def raw(field: str) -> Any:
        index = columns.get(field)
        return cells[index] if index is not None and index < len(cells) else None

    values = {f: _text(raw(f)) for f in columns if f not in ("issued", "expiry")}
    if not any(values.values()) and raw("issued") in (None, "") and raw("expiry") in (None, ""):
        return None
    problems: list[str] = []
    for field in _REQUIRED:
        if field not in ("issued",) and not values.get(field):
            problems.append(texts.licences.IMPORT_MISSING.format(column=texts.licences.IMPORT_COLUMNS[field]))
    for field, limit in _LIMITS.items():
        if len(values.get(field, "")) > limit:
            problems.append(texts.licences.IMPORT_TOO_LONG.format(column=texts.licences.IMPORT_COLUMNS[field], limit=limit))
    kind = _kind(catalogue, values["kind"]) if values.get("kind") else None
    if values.get("kind") and kind is None:
        known = ", ".join(k.label for k in catalogue.licence_kinds)
        problems.append(texts.licences.IMPORT_BAD_KIND.format(value=values["kind"], known=known))
    action = _action(values.get("action", ""))
    if action is None:
        problems.append(texts.licences.IMPORT_BAD_ACTION.format(value=values["action"]))
    tax_code = ""
    if values.get("tax_code"):
        tax_code = normalise_tax_code(values["tax_code"]) or ""
        if not tax_code:
            problems.append(texts.licences.IMPORT_BAD_TAX.format(value=values["tax_code"]))
    issued = expiry = None
    try:
        issued = _date(raw("issued"), _cell_ref(line, columns["issued"]))
        if issued is None:
            problems.append(texts.licences.IMPORT_MISSING.format(column=texts.licences.IMPORT_COLUMNS["issued"]))
        elif issued > today:
            problems.append(texts.licences.IMPORT_FUTURE.format(issued=texts.common.format_date(issued)))
    except ValueError as error:
        problems.append(str(error))
    if "expiry" in columns:
        try:
            expiry = _date(raw("expiry"), _cell_ref(line, columns["expiry"]))
        except ValueError as error:
            problems.append(str(error))
    if kind is not None and action is not None and issued is not None and not problems:
        # a certificate (validity 0) has no expiry, or an old one (TT 08/2010 gave five years): both kept
        if kind.validity_years and expiry is None and action == "cap_moi":
            expiry = add_years(issued, kind.validity_years)
        elif kind.validity_years and expiry is None:
            problems.append(texts.licences.IMPORT_NO_EXPIRY)
        if expiry is not None and expiry <= issued:
            problems.append(texts.licences.IMPORT_EXPIRY_BEFORE.format(
                expiry=texts.common.format_date(expiry), issued=texts.common.format_date(issued)))
    if problems:
        raise ValueError("; ".join(problems))
    return _Row(line, kind.key, action, values["number"], values["holder"], values.get("facility", ""),
                tax_code, values.get("address", ""), issued, expiry)


def check(rows: list[list[Any]], catalogue: Catalogue, today: dt.date) -> tuple[list[_Row], list[str]]:
    """Every row of the file checked: the good ones, and one line per bad row (all of them)."""
    found = _header(rows)
    if found is None:
        return [], [texts.licences.import_row_error(1, texts.licences.IMPORT_NO_HEADER)]
    header, columns = found
    good, errors, seen = [], [], {}
    for index in range(header + 1, len(rows)):
        line = index + 1
        try:
            row = _parse(rows[index], line, columns, catalogue, today)
            if row is None:
                continue
            if row.key in seen:
                raise ValueError(texts.licences.import_duplicate(seen[row.key]))
            seen[row.key] = line
            good.append(row)
        except ValueError as error:
            errors.append(texts.licences.import_row_error(line, str(error)))
    return good, errors


async def _facility(session, row: _Row, catalogue: Catalogue, meta: RecordMeta, made: list[int]) -> int | None:
    """The facility on file by tax code, else by name (the facility column, else the holder), else added."""
    if row.tax_code:
        known = await records.find_facility_by_tax_code(session, row.tax_code)
        if known is not None:
            return known.id
    name = row.facility or row.holder
    by_name = await licence_register.facility_named(session, name)
    if by_name is not None:
        return by_name
    if await session.scalar(select(FacilityRow.id).where(FacilityRow.name_folded == fold(name)).limit(1)):
        return None  # two facilities of this name: none is chosen for it
    kinds = [k.key for k in catalogue.facility_kinds]
    kind = "khac" if "khac" in kinds else kinds[-1]
    added = await records.add_facility(session, Facility(0, kind, name, row.tax_code, row.address), meta)
    made.append(added.id)
    return added.id


async def _write(session, rows: list[_Row], catalogue: Catalogue, meta: RecordMeta) -> ImportResult:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    made: list[int] = []
    for row in sorted(rows, key=lambda r: (r.issued, r.line)):
        existing = (await session.scalars(select(LicenceRow).where(
            LicenceRow.status == "active", LicenceRow.kind == row.kind, LicenceRow.action == row.action,
            LicenceRow.business_date == row.issued,
        ))).all()
        existing = [e for e in existing if licence_register.compact(e.number) == licence_register.compact(row.number)]
        if existing:  # already in the register: recorded in the chat (left alone) or imported before
            counts[await _refresh(session, existing[0], row, meta)] += 1
            continue
        facility_id = await _facility(session, row, catalogue, meta, made)
        licence = Licence(0, row.kind, row.action, row.number, row.holder, row.facility, row.issued, row.expiry,
                          facility_id=facility_id)
        years = catalogue.licence_kind(row.kind).validity_years
        old_expiry = add_years(row.expiry, -years) if row.expiry and years and row.action == "gia_han" else None
        replaced = await licence_register.predecessor(session, licence, old_expiry)
        columns = records.licence_columns(Licence(
            0, row.kind, row.action, row.number, row.holder, row.facility, row.issued, row.expiry,
            facility_id=facility_id, replaces_id=replaced.id if replaced else None,
        ))
        added = LicenceRow(**columns, imported=True, recorded_at=meta.recorded_at, updated_at=meta.recorded_at,
                           recorded_by=meta.recorded_by, channel="import", source_event=meta.source_event)
        session.add(added)
        await session.flush()
        await records.audit(session, "import", "licence", added, None, meta)
        counts["created"] += 1
    return ImportResult(counts["created"], counts["updated"], counts["unchanged"], len(made))


async def _refresh(session, existing: LicenceRow, row: _Row, meta: RecordMeta) -> str:
    """An imported licence whose row now says otherwise (a holder's name corrected in the register) is
    updated; anything else is left as it is."""
    wanted = {"holder": row.holder, "facility": row.facility, "expiry_date": row.expiry}
    if not existing.imported or all(getattr(existing, k) == v for k, v in wanted.items()):
        return "unchanged"
    before = records.snapshot(existing)
    current = records.licence_of_row(existing)
    columns = records.licence_columns(Licence(
        existing.id, current.kind, current.action, row.number, row.holder, row.facility, row.issued, row.expiry,
        facility_id=current.facility_id, replaces_id=current.replaces_id,
    ))
    for key, value in columns.items():
        setattr(existing, key, value)
    existing.version += 1
    existing.updated_at = meta.recorded_at
    await session.flush()
    await records.audit(session, "update", "licence", existing, before, meta)
    return "updated"


async def import_licences(db, path: str | Path, catalogue: Catalogue, now: dt.datetime, zone,
                          staff_id: int | None = None) -> ImportResult:
    path = Path(path)
    try:
        rows = await asyncio.to_thread(_read, path)
    except Exception as error:  # openpyxl raises many kinds for a file that is not an .xlsx
        return ImportResult(errors=(texts.licences.IMPORT_BAD_FILE.format(reason=type(error).__name__),))
    good, errors = check(rows, catalogue, now.astimezone(zone).date())
    if errors:
        return ImportResult(errors=tuple(errors))
    meta = RecordMeta(staff_id, "import", path.name[:120], now)  # type: ignore[arg-type]
    async with db.unit_of_work() as session:
        result = await _write(session, good, catalogue, meta)
        await engine_store.audit(
            session, staff_id=staff_id, action="import", entity="licence_register", entity_id=path.name[:120],
            after={"created": result.created, "unchanged": result.unchanged, "facilities": result.facilities}, now=now,
        )
    return result
