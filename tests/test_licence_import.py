"""The register's import (issue 22): a register made here — a title and header cells merged over two
rows, headers with and without diacritics, Excel date cells and dd/mm/yyyy text — checked whole first
(every bad row named, nothing written), then imported twice, the second time a no-op; facilities matched
by tax code or name, or added; and licences from before the bot absent from every report and export.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
from sqlalchemy import select

import texts
from app.import_licences import import_licences
from app.reporting import report_settings
from reports.periods import parse_period
from reports.service import generate_export, generate_report
from storage import records
from storage.domain import Facility, Licence, RecordMeta
from storage.record_models import FacilityRow, LicenceRow
from tests.conftest import REPO, ZONE

NOW = dt.datetime(2023, 1, 13, 9, 30, tzinfo=ZONE)
D = dt.date


def kinds(catalogue):
    lasting = next(k for k in catalogue.licence_kinds if k.validity_years)
    lifelong = next(k for k in catalogue.licence_kinds if not k.validity_years)
    return lasting, lifelong


def register(path: Path, catalogue, *, bad: bool) -> Path:
    """The department's old register, as an office keeps it in Excel."""
    xq, cc = kinds(catalogue)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "SỔ THEO DÕI GIẤY PHÉP, CHỨNG CHỈ"
    sheet.merge_cells("A1:I1")
    for column, title in zip("ABCDEFI", ("Số giấy phép", "Loai", "Hình thức", "Duoc cap cho", "Cơ sở", "MST",
                                         "Địa chỉ"), strict=True):
        sheet[f"{column}2"] = title
        sheet.merge_cells(f"{column}2:{column}3")  # one header cell over two rows
    sheet["G2"] = "Ngày"
    sheet.merge_cells("G2:H2")  # "Ngày" over "cấp" and "hết hạn"
    sheet["G3"], sheet["H3"] = "cấp", "hết hạn"
    an_binh = "Phòng khám Đa khoa An Bình"
    rows = [
        ["12/GP-SKHCN", xq.label, "Cấp mới", an_binh, an_binh, "0101234567", dt.datetime(2020, 1, 20), None, "xã Tân Dân"],
        ["25/GP-SKHCN", xq.synonyms[0], "gia hạn", an_binh, an_binh, "0101234567", "05/01/2023", "20/01/2026", ""],
        ["CC-0031", cc.label, "", "Nguyễn Văn Hùng", "Bệnh viện Đa khoa Phố Nối", None, D(2019, 5, 2), None, None],
        ["3/GP-SKHCN", xq.key, "cap moi", "Phòng khám Tâm Đức", None, None, "31/12/2019", "31/12/2022", "Hưng Yên"],
        [None] * 9,
    ]
    if bad:
        rows += [
            ["99/GP", "giấy phép lạ", "", "Cơ sở X", None, None, "01/02/2021", None, None],
            ["98/GP", xq.label, "", None, None, None, "01/02/2021", None, None],
            ["97/GP", xq.label, "", "Cơ sở Y", None, None, "32/13/2020", None, None],
            ["12/GP-SKHCN", xq.label, "cấp mới", an_binh, an_binh, None, "20/01/2020", None, None],
            ["96/GP", xq.label, "gia hạn", "Cơ sở Z", None, None, "01/01/2021", None, None],
            ["95/GP", xq.label, "", "Cơ sở W", None, None, "01/01/2021", "01/01/2020", None],
            ["94/GP", xq.label, "bổ sung thêm", "Cơ sở V", None, "12345", "01/01/2021", None, None],
        ]
    for row in rows:
        sheet.append(row)
    sheet["G4"].number_format = "DD/MM/YYYY"
    book.save(path)
    return path


async def facilities_on_file(db, now):
    async with db.unit_of_work() as session:
        meta = RecordMeta(None, recorded_at=now)  # type: ignore[arg-type]
        await records.add_facility(session, Facility(0, "khac", "PK An Bình (cũ)", "0101234567"), meta)
        await records.add_facility(session, Facility(0, "khac", "Bệnh viện Đa khoa Phố Nối"), meta)


async def table(db, row_type) -> list[dict]:
    async with db.read() as session:
        rows = (await session.scalars(select(row_type).order_by(row_type.id))).all()
        return [{c.key: getattr(r, c.key) for c in row_type.__table__.columns} for r in rows]


async def test_a_register_with_bad_rows_writes_nothing_then_imports_once(db, config, tmp_path):
    catalogue = config.catalogue
    await facilities_on_file(db, NOW)
    before = await table(db, FacilityRow)
    result = await import_licences(db, register(tmp_path / "bad.xlsx", catalogue, bad=True), catalogue, NOW, ZONE)
    assert not result.ok
    numbered = [line.split(":")[0] for line in result.errors]
    assert numbered == [f"dòng {n}" for n in range(9, 16)]  # every bad row, in order, by its number
    error = dict(zip(numbered, result.errors, strict=True))
    assert "loại “giấy phép lạ” không có trong danh mục" in error["dòng 9"]
    assert "thiếu Được cấp cho" in error["dòng 10"]
    assert "ô G11: “32/13/2020” không phải ngày" in error["dòng 11"]
    assert texts.licences.import_duplicate(4) in error["dòng 12"]
    assert texts.licences.IMPORT_NO_EXPIRY in error["dòng 13"]
    assert "ngày hết hạn 01/01/2020 không sau ngày cấp 01/01/2021" in error["dòng 14"]
    assert "hình thức “bổ sung thêm” không rõ" in error["dòng 15"] and "mã số thuế “12345”" in error["dòng 15"]
    assert result.summary().endswith(texts.licences.IMPORT_NOTHING_WRITTEN)
    assert await table(db, LicenceRow) == [] and await table(db, FacilityRow) == before  # nothing written

    good = register(tmp_path / "good.xlsx", catalogue, bad=False)
    first = await import_licences(db, good, catalogue, NOW, ZONE)
    assert first.ok and (first.created, first.updated, first.unchanged, first.facilities) == (4, 0, 0, 1)
    assert first.summary() == texts.licences.import_summary(4, 0, 0, 1)
    licences = {row["number"]: row for row in await table(db, LicenceRow)}
    facilities = {row["name"]: row for row in await table(db, FacilityRow)}
    assert all(row["imported"] for row in licences.values())
    assert licences["12/GP-SKHCN"]["business_date"] == D(2020, 1, 20)  # an Excel date cell
    assert licences["12/GP-SKHCN"]["expiry_date"] == D(2023, 1, 20)  # none given: the kind's validity
    assert licences["25/GP-SKHCN"]["expiry_date"] == D(2026, 1, 20)  # dd/mm/yyyy text
    assert licences["25/GP-SKHCN"]["replaces_id"] == licences["12/GP-SKHCN"]["id"]  # the renewal, linked
    assert licences["12/GP-SKHCN"]["facility_id"] == facilities["PK An Bình (cũ)"]["id"]  # by tax code
    assert licences["CC-0031"]["facility_id"] == facilities["Bệnh viện Đa khoa Phố Nối"]["id"]  # by name
    assert licences["CC-0031"]["expiry_date"] is None
    assert licences["3/GP-SKHCN"]["facility_id"] == facilities["Phòng khám Tâm Đức"]["id"]  # added

    snapshot = (await table(db, LicenceRow), await table(db, FacilityRow))
    again = await import_licences(db, good, catalogue, NOW + dt.timedelta(days=1), ZONE)
    assert (again.created, again.updated, again.unchanged, again.facilities) == (0, 0, 4, 0)
    assert (await table(db, LicenceRow), await table(db, FacilityRow)) == snapshot  # the second: a no-op


async def test_imported_licences_are_absent_from_every_report(db, config, tmp_path):
    catalogue = config.catalogue
    xq, _ = kinds(catalogue)
    async with db.unit_of_work() as session:  # one licence recorded in the chat in 01/2023
        await records.add_licence(session, Licence(0, xq.key, "cap_moi", "1/GP-2023", "Phòng khám Mới", "",
                                                   D(2023, 1, 9), D(2026, 1, 9)), RecordMeta(None, recorded_at=NOW))
    periods = [parse_period(key, config.cut_off_day) for key in ("2023-01", "2023-Q1", "2023")]
    settings = report_settings(config)

    async def made(tag: str) -> list:
        out = []
        for period in periods:
            report = await generate_report(db, catalogue, settings, period, tmp_path / f"{tag}-{period.key}.docx")
            export = await generate_export(db, catalogue, period, tmp_path / f"{tag}-{period.key}.xlsx")
            book = openpyxl.load_workbook(export.path)
            body = [p.text for p in docx.Document(report.path).paragraphs]
            out.append((report.records, body, export.records,
                        {s.title: [tuple(c.value for c in r) for r in s.iter_rows()] for s in book.worksheets}))
        return out

    without = await made("before")
    assert without[0][0] == 1 and any("1/GP-2023" in str(rows) for rows in without[0][3].values())
    result = await import_licences(db, register(tmp_path / "r.xlsx", catalogue, bad=False), catalogue, NOW, ZONE)
    assert result.created == 4  # 25/GP-SKHCN was issued on 05/01/2023, inside 01/2023
    assert await made("after") == without


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "FIELDBOT_DATA_DIR": str(tmp_path / "data"),
           "FIELDBOT_CONFIG": str(REPO / "config.toml"), "FIELDBOT_TODAY": "2023-01-13"}
    return subprocess.run([sys.executable, "main.py", "--log-level", "WARNING", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def said(done: subprocess.CompletedProcess) -> str:
    """What a command said after its first line (which database and data folder it used)."""
    first, _, rest = done.stdout.strip().partition("\n")
    assert first.startswith("Cơ sở dữ liệu: "), first
    return rest.strip()


def test_the_command_line_imports_exports_and_says_what_is_wrong(tmp_path, config):
    bad = register(tmp_path / "bad.xlsx", config.catalogue, bad=True)
    refused = run_cli(tmp_path, "licences", "import", str(bad))
    assert refused.returncode == 1 and sum(line.startswith("dòng ") for line in refused.stdout.splitlines()) == 7 and refused.stderr == ""
    good = register(tmp_path / "good.xlsx", config.catalogue, bad=False)
    assert said(run_cli(tmp_path, "licences", "import", str(good))) == texts.licences.import_summary(4, 0, 0, 3)
    assert said(run_cli(tmp_path, "licences", "import", str(good))) == texts.licences.import_summary(0, 0, 4, 0)
    out = tmp_path / "expiring.xlsx"
    done = run_cli(tmp_path, "licences", "expiring", "--days", "90", "--out", str(out))
    assert done.returncode == 0 and said(done) == texts.licences.cli_written("licences_expiring", 1, str(out))
    rows = [tuple(c.value for c in r) for r in openpyxl.load_workbook(out).worksheets[0].iter_rows()][1:]
    assert [(r[0], r[8]) for r in rows] == [("3/GP-SKHCN", "hết hạn")]  # 12/GP-SKHCN was renewed
    whole = tmp_path / "so.xlsx"
    assert run_cli(tmp_path, "licences", "export", "--out", str(whole)).returncode == 0
    assert openpyxl.load_workbook(whole).worksheets[0].max_row == 5
    for args, status in ((("licences", "expiring", "--days", "0", "--out", str(out)), 2),
                         (("licences", "import", str(tmp_path / "missing.xlsx")), 2),
                         (("licences", "export", "--out", str(tmp_path)), 2)):
        wrong = run_cli(tmp_path, *args)
        assert wrong.returncode == status and len(wrong.stderr.strip().splitlines()) == 1, (args, wrong.stderr)
        assert "Traceback" not in wrong.stderr
    helped = run_cli(tmp_path, "licences", "import", "--help")
    assert "Số giấy phép" in helped.stdout and "Ngày hết hạn" in helped.stdout

