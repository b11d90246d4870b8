"""Shared helpers of the report tests: the catalogue, settings, databases and reading a .docx back.

(A module of helpers, not of tests: tests/conftest.py belongs to the engine's author.)
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

import storage.record_models  # noqa: F401  (registers the record tables on Base)
from reports.demo import demo_organisation, demo_reporting
from reports.settings import ReportSettings
from storage.catalogue import Catalogue, catalogue_from_dict
from storage.db import Database, open_database
from storage.models import Base, StaffRow

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "tests/data/monthly-report-2023-01.md"  # copied from the model report (tests/data/README.md)
STAFF_ID = 1


def config() -> dict:
    with (ROOT / "config.toml").open("rb") as f:
        return tomllib.load(f)


def catalogue() -> Catalogue:
    return catalogue_from_dict(config()["catalogue"])


MODEL_ORGANISATION = demo_organisation()  # the demo's own configuration, reports/demo.toml

OTHER_ORGANISATION = {
    "parent_body": "UBND TỈNH NAM ĐỊNH",
    "department": "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
    "province": "Nam Định",
    "place": "Nam Định",
    "symbol": "BC-KHCN",
    "signer_title": "GIÁM ĐỐC",
    "signer_name": "Trần Thị Bích",
    "recipients_to": ["Bộ Khoa học và Công nghệ"],
    "recipients_copy": ["Như trên", "UBND tỉnh Nam Định", "Lưu: VT, KHTC"],
}


def model_settings() -> ReportSettings:
    return ReportSettings.from_config(MODEL_ORGANISATION, {"cut_off_day": 14, **demo_reporting()})


def other_settings() -> ReportSettings:
    return ReportSettings.from_config(OTHER_ORGANISATION, {"cut_off_day": 14})


# --- databases ----------------------------------------------------------------------------------


async def _add_staff(db: Database) -> None:
    async with db.unit_of_work() as session:
        session.add(
            StaffRow(id=STAFF_ID, name="Cán bộ", name_folded="can bo", created_at=dt.datetime.now(dt.UTC))
        )


async def sqlite_database(tmp_path: Path) -> Database:
    db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'report.sqlite3'}")
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    await _add_staff(db)
    return db


async def postgres_database() -> Database:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        pytest.skip("PostgreSQL: set TEST_DATABASE_URL=postgresql+asyncpg://… to run the storage tests on it")
    db = open_database(url)
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)
    await _add_staff(db)
    return db


async def database(kind: str, tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh database of `kind` ("sqlite" or "postgresql") with one staff member; dropped after."""
    db = await (sqlite_database(tmp_path) if kind == "sqlite" else postgres_database())
    try:
        yield db
    finally:
        if kind == "postgresql":
            async with db.engine.begin() as conn:
                await conn.run_sync(Base.metadata.drop_all)
        await db.close()


# --- reading a .docx back -----------------------------------------------------------------------


def blocks(path: Path) -> list[Paragraph | Table]:
    """The body's paragraphs and tables in document order."""
    doc = Document(str(path))
    out: list[Paragraph | Table] = []
    for el in doc.element.body.iterchildren():
        if el.tag.endswith("}p"):
            out.append(Paragraph(el, doc))
        elif el.tag.endswith("}tbl"):
            out.append(Table(el, doc))
    return out


def paragraphs(path: Path) -> list[str]:
    """Texts of the body's non-empty paragraphs (outside tables)."""
    return [b.text for b in blocks(path) if isinstance(b, Paragraph) and b.text.strip()]


def tables(path: Path) -> list[Table]:
    return [b for b in blocks(path) if isinstance(b, Table)]


def all_text(path: Path) -> str:
    """Every piece of text in the file: body, tables, headers, footers."""
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in doc.sections:
        for part in (section.header, section.first_page_header, section.footer):
            parts += [p.text for p in part.paragraphs]
    return "\n".join(parts)


def paragraph_with(path: Path, start: str) -> str:
    found = [p for p in paragraphs(path) if p.startswith(start)]
    assert len(found) == 1, f"{len(found)} paragraphs start with {start!r}"
    return found[0]


# The model's typos and the spellings our output corrects, applied before comparing texts with it.
MODEL_TYPOS = {
    # issue 11: one spelling, as the regulation writes it, in the chat, the catalogue and the report
    "X-Quang": "X-quang",
    "X-quang chẩn đoán y tế": "X-quang chẩn đoán trong y tế",
    "Hung Yên": "Hưng Yên",
    "đượctham": "được tham",
    "UBNDngày": "UBND ngày",
    "trênđịa": "trên địa",
    "phong phồng xạ": "phông phóng xạ",
    "phần đầu": "phấn đấu",
    "2021- 2025": "2021-2025",
    '"Điều tra': "“Điều tra",
    'Hưng Yên" năm': "Hưng Yên” năm",
    "Công TTĐT": "Cổng TTĐT",
    "<http://sancongnghehungyen.vn/>": "http://sancongnghehungyen.vn/",
    "KT.GIÁM ĐỐC": "KT. GIÁM ĐỐC",  # Nghị định 30/2020 writes "KT. GIÁM ĐỐC"
    "X- Quang": "X-quang",
    "Số PTĐ Loại bỏ": "Số PTĐ loại bỏ",
    # issue 18: words a records office would correct
    "hiệu chỉnh, kiểm định": "kiểm định, hiệu chuẩn",  # calibration (hiệu chuẩn), not adjustment (hiệu chỉnh)
    "hiệu chỉnh và kiểm định": "kiểm định, hiệu chuẩn",
    "thực hiện kiểm định đối với **781** phương tiện đo các loại: kiểm định, hiệu chuẩn và cấp giấy chứng nhận "
    "kiểm định, tem kiểm định cho **781** PTĐ các loại như sau:": "đã kiểm định, hiệu chuẩn **781** phương tiện đo "
    "(PTĐ) các loại, cấp giấy chứng nhận kiểm định, tem kiểm định cho toàn bộ số PTĐ này, cụ thể như sau:",
    "- Trong tháng 01, Sở": "- Trong tháng 01 năm 2023, Sở",  # every period names its year
    "TRỌNG TÂM THÁNG 02": "TRỌNG TÂM THÁNG 02 NĂM 2023",
    "Chất lượng về kiểm tra về đo lường": "Chất lượng về việc kiểm tra về đo lường",  # no doubled "về"
    "Tỉnh uỷ": "Tỉnh ủy",
}
