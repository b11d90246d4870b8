"""A period's raw records as an .xlsx workbook: one sheet per kind, Vietnamese headers.

Dates are real dates and counts real numbers, so a manager can sort and sum. Text is always stored as
text: a holder typed as "=SUM(A1)" or "+84…" must never become a formula (spreadsheet injection), so
such cells are written as strings with Excel's quote prefix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
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


def _sheets(records: PeriodRecords, catalogue: Catalogue) -> list[tuple[str, Sequence[Any], list[Column]]]:
    """(sheet title, records, columns) for each kind, in report order."""
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
            + ("" if p.certificate_valid else ", hết hạn kiểm định")
            + ("" if p.seals_intact else ", mất niêm phong")
            + ("" if p.within_limit else ", vượt giới hạn")
            for p in v.pumps
        )

    return [
        ("Kiểm định PTĐ", records.calibration_batches, [
            ("Ngày", lambda b: b.business_date), ("Lĩnh vực", lambda b: field(b.field)),
            ("Số PTĐ hiệu chỉnh, kiểm định", lambda b: b.verified), ("Số PTĐ loại bỏ", lambda b: b.rejected),
            ("Giấy chứng nhận", lambda b: b.certificates), ("Khách hàng", lambda b: b.customer),
        ]),
        ("Kiểm tra cơ sở", records.inspections, [
            ("Ngày", lambda v: v.visit_date), ("Kế hoạch", lambda v: plans.get(v.plan_id, "")),
            ("Cơ sở", name_of), ("Loại cơ sở", lambda v: fkind(v.facility_kind)),
            ("Mã số thuế", lambda v: facility[v.facility_id].tax_code if v.facility_id in facility else ""),
            ("Đạt yêu cầu", lambda v: "Đạt" if v.compliant else "Không đạt"),
            ("Tiêu chí không đạt", failed), ("Số cột đo kiểm tra", lambda v: len(v.pumps)), ("Cột đo", pumps),
            ("Vi phạm", lambda v: v.violations), ("Xử lý", lambda v: ACTION_LABELS.get(v.action, v.action)),
            ("Tiền phạt (đồng)", lambda v: v.fine_amount),
            ("Ảnh", lambda v: ", ".join(Path(p).name for p in v.photos)),
        ]),
        ("Kế hoạch KT-TT", records.plans, [
            ("Số, ký hiệu", lambda p: p.number), ("Ngày", lambda p: p.plan_date), ("Cơ quan ban hành", lambda p: p.issuer),
            ("Trích yếu", lambda p: p.subject), ("Loại", lambda p: "Thanh tra" if p.kind == "thanh_tra" else "Kiểm tra"),
        ]),
        ("Giấy phép, chứng chỉ", records.licences, [
            ("Ngày cấp", lambda x: x.issue_date), ("Loại", lambda x: lkind(x.kind)), ("Hình thức", lambda x: LICENCE_ACTIONS.get(x.action, x.action)),
            ("Số", lambda x: x.number), ("Tổ chức, cá nhân", lambda x: x.holder), ("Cơ sở", lambda x: x.facility),
            ("Hết hạn", lambda x: x.expiry_date),
        ]),
        ("Hoạt động", records.activities, [
            ("Ngày", lambda a: a.business_date), ("Loại", lambda a: akind(a.kind)), ("Số lượng", lambda a: a.count),
            ("Chi tiết", lambda a: a.detail), ("Số tác giả", lambda a: a.authors), ("Quyết định", lambda a: a.decision),
        ]),
        ("Ghi chú", records.notes, [
            ("Mục", lambda n: f"{n.section} {SECTION_TITLES[n.section]}" if n.section in SECTION_TITLES else n.section),
            ("Thứ tự", lambda n: n.position), ("Nội dung", lambda n: n.text),
        ]),
    ]  # fmt: skip


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


def export_period(records: PeriodRecords, catalogue: Catalogue, out_path: Path | str) -> Path:
    """Write the workbook atomically and return its path."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows, columns in _sheets(records, catalogue):
        _fill(workbook.create_sheet(title), rows, columns)
    return write_atomically(out_path, workbook.save, ".xlsx")
