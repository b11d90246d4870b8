"""Sample months rendered as a records clerk would see them: .docx, PDF (LibreOffice) and PNG pages.

Four months, from records built in code (no chat, no database except for the demo):

    empty    nothing captured in the month
    failing  one fuel station inspected under one plan and failing: a pump out of tolerance, a failed
             criterion with the inspector's note, a typed violation, a fine of 7.500.000 đồng
    plan     one inspection plan (/kehoach) dated in the month, no visit yet
    demo     the demo month (reports/demo.py), the model report of January 2023

The first three use the project's config.toml (its [organisation] placeholders and catalogue); the
demo uses its own organisation (reports/demo.toml), as `python main.py demo` does.

    .venv/bin/python bench/render_samples.py --out /tmp/samples            # .docx, .pdf, -N.png
    .venv/bin/python bench/render_samples.py --out /tmp/samples --no-pdf   # .docx only

Needs `libreoffice` (or `soffice`) and `pdftoppm` (poppler-utils) for the PDF and the pages.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import storage.record_models  # noqa: E402,F401  (registers the record tables on Base)
from reports.aggregate import aggregate  # noqa: E402
from reports.demo import demo_organisation, demo_reporting, load_demo  # noqa: E402
from reports.periods import month_period  # noqa: E402
from reports.render import render_monthly_report  # noqa: E402
from reports.service import generate_report  # noqa: E402
from reports.settings import ReportSettings  # noqa: E402
from storage.catalogue import Catalogue, catalogue_from_dict  # noqa: E402
from storage.db import open_database  # noqa: E402
from storage.domain import (  # noqa: E402
    ChecklistAnswer,
    Facility,
    InspectionVisit,
    PeriodRecords,
    Plan,
    PumpCheck,
)
from storage.models import Base, StaffRow  # noqa: E402

D = dt.date
PERIOD = month_period(2023, 1)  # 15/12/2022 - 14/01/2023, the demo's month
STAFF_ID = 1

PLAN = Plan(1, "05/KH-CCTĐC", D(2023, 1, 3), "Chi cục Tiêu chuẩn Đo lường Chất lượng",
            "V/v kiểm tra đo lường, chất lượng xăng dầu trên địa bàn tỉnh năm 2023", "kiem_tra")  # fmt: skip


def config() -> dict:
    with (ROOT / "config.toml").open("rb") as f:
        return tomllib.load(f)


def empty_month() -> PeriodRecords:
    return PeriodRecords()


def failing_month() -> PeriodRecords:
    """One fuel station under one plan: pump CD02 at -0,62 % (limit ±0,45 %), labelling not met with the
    inspector's note, a typed violation (and a line repeating the pump), fined 7.500.000 đồng."""
    checklist = (
        ChecklistAnswer("pt_do_hieu_luc", "met"),
        ChecklistAnswer("ho_so_chat_luong", "met"),
        ChecklistAnswer("ghi_nhan", "not_met", "Nhãn hàng hóa thiếu thông tin xuất xứ"),
    )
    pumps = (PumpCheck("CD01", True, True, -0.2, True), PumpCheck("CD02", True, True, -0.62, False))
    visit = InspectionVisit(
        1, PLAN.id, 1, "xang_dau", D(2023, 1, 10), (STAFF_ID,), checklist, pumps,
        violations="Cột đo CD02 có sai số vượt giới hạn cho phép.\nKhông niêm yết giá bán lẻ xăng dầu",
        action="fine", fine_amount=7_500_000,
    )  # fmt: skip
    facility = Facility(1, "xang_dau", "Cửa hàng xăng dầu Minh Phát", address="xã Tân Dân")
    return PeriodRecords(inspections=(visit,), plans=(PLAN,), facilities={1: facility})


def plan_month() -> PeriodRecords:
    return PeriodRecords(plans=(PLAN,))


MONTHS = {"empty": empty_month, "failing": failing_month, "plan": plan_month}


async def demo_month(out: Path, catalogue: Catalogue) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite+aiosqlite:///{Path(tmp) / 'demo.sqlite3'}")
        try:
            async with db.engine.begin() as conn:
                await conn.run_sync(Base.metadata.create_all)
            async with db.unit_of_work() as session:
                session.add(StaffRow(id=STAFF_ID, name="Cán bộ", name_folded="can bo",
                                     created_at=dt.datetime.now(dt.UTC)))  # fmt: skip
            await load_demo(db, catalogue, STAFF_ID, locality="tỉnh Hưng Yên")
            settings = ReportSettings.from_config(demo_organisation(), {"cut_off_day": 14, **demo_reporting()})
            return (await generate_report(db, catalogue, settings, PERIOD, out)).path
        finally:
            await db.close()


def to_pdf_and_pages(docx: Path, out: Path, profile: Path) -> list[Path]:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if not office or not shutil.which("pdftoppm"):
        sys.exit("libreoffice and pdftoppm are needed for the PDF and the pages (or pass --no-pdf)")
    subprocess.run(
        [office, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
         "--outdir", str(out), str(docx)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = out / f"{docx.stem}.pdf"
    for old in out.glob(f"{docx.stem}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(out / docx.stem)], check=True, timeout=120)
    return sorted(out.glob(f"{docx.stem}-*.png"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the .docx, .pdf and .png files")
    parser.add_argument("--no-pdf", action="store_true", help="write the .docx files only")
    parser.add_argument("--only", nargs="*", choices=[*MONTHS, "demo"], help="some of the months")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    raw = config()
    catalogue = catalogue_from_dict(raw["catalogue"])
    settings = ReportSettings.from_config(raw["organisation"], raw["reporting"], base_dir=ROOT)
    made: list[Path] = []
    for name, records in MONTHS.items():
        if not args.only or name in args.only:
            data = aggregate(records(), catalogue, PERIOD)
            made.append(render_monthly_report(data, settings, args.out / f"{name}.docx"))
    if not args.only or "demo" in args.only:
        made.append(asyncio.run(demo_month(args.out / "demo.docx", catalogue)))
    with tempfile.TemporaryDirectory() as profile:
        for docx in made:
            pages = [] if args.no_pdf else to_pdf_and_pages(docx, args.out, Path(profile))
            print(docx, f"{len(pages)} page(s)" if pages else "")


if __name__ == "__main__":
    main()
