"""A period's raw records as an .xlsx workbook: one sheet per kind, Vietnamese headers.

Dates are real dates and counts real numbers, so a manager can sort and sum. Text is always stored as
text: a holder typed as "=SUM(A1)" or "+84…" must never become a formula (spreadsheet injection), so
such cells are written as strings with Excel's quote prefix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

import texts
from reports.files import write_atomically
from reports.sections import SECTIONS
from storage.catalogue import Catalogue
from storage.domain import PeriodRecords
from storage.text import strip_xml_forbidden

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD/MM/YYYY"

Column = tuple[str, Callable[[Any], Any]]  # header, value of one record

# What a person reads for the keys records store: never "pt_do_hieu_luc", "record" or "cap_moi".
ACTION_LABELS = dict(texts.inspection.ACTIONS)
LICENCE_ACTIONS = dict(texts.capture.LIC_ACTIONS)
SECTION_TITLES = dict(SECTIONS)


def _label(items: Iterable[Any]) -> Callable[[str], str]:
    labels = {i.key: i.label for i in items}
    return lambda key: labels.get(key, key)


def _sheets(
    records: PeriodRecords, catalogue: Catalogue, recorders: Mapping[int, str]
) -> list[tuple[str, Sequence[Any], list[Column]]]:
    """(sheet title, records, columns) for each kind, in report order; each ends with the record's review
    state (not for notes: they are not reviewed) and who recorded it."""
    d = texts.document
    return [(title, rows, [*columns, *([] if title == d.SHEET_NOTES else [(d.COLUMN_REVIEW, _review)]),
                           (d.COLUMN_RECORDED_BY, _recorder(recorders))])
            for title, rows, columns in _record_sheets(records, catalogue)]  # fmt: skip


def _review(record: Any) -> str:
    """chờ duyệt / cần bổ sung / đã duyệt: `[reporting] count = "approved"` counts the last only."""
    meta = getattr(record, "meta", None)
    state = meta.review if meta is not None else "approved"
    return texts.document.REVIEW_STATES.get(state, state)


def _recorder(recorders: Mapping[int, str]) -> Callable[[Any], str]:
    """The name of the person who recorded it (a manager reads the sheet to ask the right person)."""

    def name(record: Any) -> str:
        meta = getattr(record, "meta", None)
        return recorders.get(meta.recorded_by, "") if meta and meta.recorded_by is not None else ""

    return name


def _record_sheets(records: PeriodRecords, catalogue: Catalogue) -> list[tuple[str, Sequence[Any], list[Column]]]:
    field, fkind = _label(catalogue.calibration_fields), _label(catalogue.facility_kinds)
    lkind, akind = _label(catalogue.licence_kinds), _label(catalogue.activity_kinds)
    plans = {p.id: p.number for p in records.plans}
    facility = {f.id: f for f in records.facilities.values()}
    criteria = {(k.key, c.key): c.label for k in catalogue.facility_kinds for c in k.criteria}

    def name_of(v):
        return facility[v.facility_id].name if v.facility_id in facility else ""

    def failed(v) -> str:
        return "; ".join(
            criteria.get((v.facility_kind, a.criterion), a.criterion) + (f" ({a.note})" if a.note else "")
            for a in v.checklist
            if a.result == "not_met"
        )

    def pumps(v) -> str:
        return "; ".join(
            f"{p.serial or '?'} {p.error_percent:+.2f}%".replace(".", ",")
            + ("" if p.certificate_valid else texts.document.PUMP_EXPIRED)
            + ("" if p.seals_intact else texts.document.PUMP_SEALS_BROKEN)
            + ("" if p.within_limit else texts.document.PUMP_OUT_OF_LIMIT)
            for p in v.pumps
        )

    d = texts.document
    return [
        (d.SHEET_CALIBRATION, records.calibration_batches, _columns(d.COLUMNS_CALIBRATION, (
            lambda b: b.business_date, lambda b: field(b.field), lambda b: b.verified, lambda b: b.rejected,
            lambda b: b.certificates, lambda b: b.customer,
        ))),
        (d.SHEET_INSPECTIONS, records.inspections, _columns(d.COLUMNS_INSPECTIONS, (
            lambda v: v.visit_date, lambda v: plans.get(v.plan_id, ""), name_of, lambda v: fkind(v.facility_kind),
            lambda v: facility[v.facility_id].tax_code if v.facility_id in facility else "",
            lambda v: d.COMPLIANT if v.compliant else d.NOT_COMPLIANT,
            failed, lambda v: len(v.pumps), pumps, lambda v: v.violations,
            lambda v: ACTION_LABELS.get(v.action, v.action), lambda v: v.fine_amount,
            lambda v: ", ".join(Path(p).name for p in v.photos),
        ))),
        (d.SHEET_PLANS, records.plans, _columns(d.COLUMNS_PLANS, (
            lambda p: p.number, lambda p: p.plan_date, lambda p: p.issuer, lambda p: p.subject,
            lambda p: d.PLAN_AUDIT if p.kind == "thanh_tra" else d.PLAN_INSPECTION,
        ))),
        (d.SHEET_LICENCES, records.licences, _columns(d.COLUMNS_LICENCES, (
            lambda x: x.issue_date, lambda x: lkind(x.kind), lambda x: LICENCE_ACTIONS.get(x.action, x.action),
            lambda x: x.number, lambda x: x.holder, lambda x: x.facility, lambda x: x.expiry_date,
        ))),
        (d.SHEET_ACTIVITIES, records.activities, _columns(d.COLUMNS_ACTIVITIES, (
            lambda a: a.business_date, lambda a: akind(a.kind), lambda a: a.count, lambda a: a.detail,
            lambda a: a.authors, lambda a: a.decision,
        ))),
        (d.SHEET_NOTES, records.notes, _columns(d.COLUMNS_NOTES, (
            lambda n: f"{n.section} {SECTION_TITLES[n.section]}" if n.section in SECTION_TITLES else n.section,
            lambda n: n.position, lambda n: n.text,
        ))),
    ]


def _columns(headers: Sequence[str], values: Sequence[Callable[[Any], Any]]) -> list[Column]:
    """Headers (from texts.document) beside the function that reads each column's value."""
    return list(zip(headers, values, strict=True))


def _put(cell, value: Any) -> None:
    """Dates as dates, numbers as numbers, text as text that can never turn into a formula."""
    if isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, bool) or value is None:
        cell.value = value
    elif isinstance(value, int | float):
        cell.value = value
    else:
        text = strip_xml_forbidden(str(value))
        cell.value = text
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True  # and Excel does not re-read it as one when the cell is edited


def _fill(ws, rows: Sequence[Any], columns: list[Column]) -> None:
    ws.append([header for header, _ in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, record in enumerate(rows, start=2):
        for c, (_, value_of) in enumerate(columns, start=1):
            _put(ws.cell(row=r, column=c), value_of(record))
    for c, (header, _) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(c)].width = max(12, min(len(header) + 4, 40))
    ws.freeze_panes = "A2"


def export_period(
    records: PeriodRecords, catalogue: Catalogue, out_path: Path | str, recorders: Mapping[int, str] | None = None
) -> Path:
    """Write the workbook atomically and return its path; `recorders` names the staff by id."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows, columns in _sheets(records, catalogue, recorders or {}):
        _fill(workbook.create_sheet(title), rows, columns)
    return write_atomically(out_path, workbook.save, ".xlsx")
