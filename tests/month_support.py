"""Helpers of the month page's tests (issue 25): a database with the model month and a quarter around
it, and the figures read back from a rendered .docx, apart from reports/month.py, so that the page's
figures can be held against what the report prints.

(A module of helpers, not of tests.)
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from docx.table import Table

from reports.demo import load_demo
from storage import records
from storage.catalogue import Catalogue
from storage.db import Database
from storage.domain import (
    WAITING,
    Activity,
    CalibrationBatch,
    ChecklistAnswer,
    Facility,
    InspectionVisit,
    Licence,
    Plan,
    RecordMeta,
)
from tests.test_report_support import STAFF_ID, blocks

D = dt.date


async def model_quarter(db: Database, catalogue: Catalogue, staff_id: int = STAFF_ID) -> None:
    """The model month (15/12/2022 – 14/01/2023), then February 2023 (a batch, a renewal, two activities,
    one of them waiting for review, an audit plan with a facility that failed) and the quarter before
    (two batches in November 2022)."""
    await load_demo(db, catalogue, staff_id, locality="tỉnh Hưng Yên")
    meta = RecordMeta(recorded_by=staff_id, channel="console")
    field = catalogue.calibration_fields[0].key
    lic = catalogue.licence_kinds[0].key
    act = catalogue.activity_kinds[0].key
    kind = next(k for k in catalogue.facility_kinds if k.criteria and not k.has_pumps)
    async with db.unit_of_work() as s:
        await records.add_calibration_batch(s, CalibrationBatch(0, D(2023, 2, 3), field, 40, 2, 38), meta)
        await records.add_calibration_batch(s, CalibrationBatch(0, D(2022, 11, 2), field, 12, 0, 12), meta)
        await records.add_calibration_batch(s, CalibrationBatch(0, D(2022, 11, 20), field, 8, 1, 7), meta)
        await records.add_licence(
            s, Licence(0, lic, "gia_han", "9/GP", "Bệnh viện <b>A</b>", "", D(2023, 2, 8), D(2026, 2, 8)), meta
        )
        await records.add_activity(s, Activity(0, act, D(2023, 2, 10), 3), meta)
        waiting = RecordMeta(recorded_by=staff_id, channel="zalo", review=WAITING)  # as a capture form saves it
        await records.add_activity(s, Activity(0, act, D(2023, 2, 11), 2), waiting)
        plan = await records.add_plan(
            s, Plan(0, "12/QĐ-SKHCN", D(2023, 2, 1), "Sở Khoa học và Công nghệ", "thanh tra về đo lường", "thanh_tra"),
            meta,
        )
        facility = await records.add_facility(s, Facility(0, kind.key, "Cửa hàng Ánh & Dương"), meta)
        checklist = tuple(
            ChecklistAnswer(c.key, "not_met" if i == 0 else "met", "thiếu hồ sơ" if i == 0 else "")
            for i, c in enumerate(kind.criteria)
        )
        await records.add_inspection(
            s, InspectionVisit(0, plan.id, facility.id, kind.key, D(2023, 2, 9), (staff_id,), checklist,
                               violations="", action="reminder"), meta,
        )  # fmt: skip


# --- the figures as the .docx prints them -----------------------------------------------------------------

_SENTENCES = {  # figure key → a pattern whose first group is the figure, read from the report's paragraphs
    "act.hop_chuan": r"(\d[\d.]*) bản thông báo công bố hợp chuẩn",
    "act.hop_quy": r"(\d[\d.]*) bản thông báo công bố hợp quy",
    "act.thep_nhap_khau": r"(\d[\d.]*) bản đăng ký kiểm tra chất lượng thép nhập khẩu",
    "act.thep_nhap_khau.enterprises": r"thép nhập khẩu.* cho (\d[\d.]*) doanh nghiệp",
    "act.nghiem_thu_nhiem_vu": r"đánh giá, nghiệm thu (\d[\d.]*) nhiệm vụ",
    "act.y_kien_cong_nghe": r"ý kiến về công nghệ đối với (\d[\d.]*) dự án",
    "act.gcn_ket_qua_nhiem_vu": r"Đã cấp (\d[\d.]*) Giấy chứng nhận đăng ký kết quả",
    "act.sang_kien": r"công nhận (\d[\d.]*) sáng kiến",
    "act.sang_kien.authors": r"sáng kiến cấp tỉnh.* cho (\d[\d.]*) tác giả",
    "act.khieu_nai": r"nhận được (\d[\d.]*) đơn thư",
    "audit.plans": r"đã tiến hành (\d[\d.]*) cuộc thanh tra",
}


def report_figures(docx: Path, licence_labels: dict[str, str]) -> dict[str, str]:
    """The figures a rendered report prints, by the month page's keys: the activities' sentences, the
    calibration table's total row, the licences per action and kind (`licence_labels`: kind key →
    label), the facilities of the audits and inspections, and the facilities that failed."""
    body = blocks(docx)
    text = "\n".join(b.text for b in body if not isinstance(b, Table))
    out = {key: m[1] for key, pattern in _SENTENCES.items() if (m := re.search(pattern, text))}
    table = next((b for b in body if isinstance(b, Table) and len(b.columns) == 6), None)
    if table is not None and len(table.rows) > 2:
        total = [c.text for c in table.rows[-1].cells]
        out.update(zip(("calibration.verified", "calibration.rejected", "calibration.certificates"), total[3:], strict=True))
    licences = re.search(r"đã thẩm định và (.+)\.", text)
    if licences:
        words = {"cấp": "cap_moi", "gia hạn": "gia_han", "sửa đổi, bổ sung": "sua_doi", "cấp lại": "cap_lai"}
        for part in licences[1].split("; "):
            action = next(w for w in sorted(words, key=len, reverse=True) if part.startswith(w + " "))
            for key, label in licence_labels.items():
                if m := re.search(rf"(\d[\d.]*) {re.escape(label)}", part):
                    out[f"licence.{words[action]}.{key}"] = m[1]
    audits = re.findall(r"thanh tra tại (\d[\d.]*) cơ sở", text)
    checks = re.findall(r"tổ chức kiểm tra tại (\d[\d.]*) cơ sở", text)
    for key, found in (("audit.facilities", audits), ("inspection.facilities", checks)):
        if found:
            out[key] = _count(sum(int(n.replace(".", "")) for n in found))
    if checks:
        out["inspection.plans"] = _count(len(checks))
    return out


def _count(n: int) -> str:
    return f"{n:02d}" if 0 < n < 10 else f"{n:,}".replace(",", ".")


def failed_facilities(docx: Path) -> list[str]:
    """The names of the failed facilities' lines ("- NAME (noun): …")."""
    return [m[1] for b in blocks(docx) if not isinstance(b, Table) and (m := re.match(r"- (.+?) \(cơ sở", b.text))]
