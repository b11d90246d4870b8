"""Facilities: tax codes, the .xlsx import keyed by tax code, and /gopcoso through the real app."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook
from sqlalchemy import select

import texts
from app.import_facilities import import_facilities
from handlers.facilities import find_kind, normalise_tax_code
from storage import engine_store, records
from storage.domain import Facility, RecordMeta
from storage.record_models import FacilityRow, InspectionRow
from tests.kit import Chat, add_plan, add_staff, make_app
from tests.test_capture_inspection import COMPLIANT

NOW = dt.datetime(2023, 1, 13, 2, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0101234567", "0101234567"),
        (" 0101 234 567 ", "0101234567"),
        ("0101234567-001", "0101234567-001"),
        ("0101234567001", "0101234567-001"),
        ("0101234567 – 001", "0101234567-001"),
        ("010123456", None),
        ("01012345678", None),
        ("0101234567-01", None),
        ("abc", None),
        ("", None),
    ],
)
def test_tax_codes(typed, stored):
    assert normalise_tax_code(typed) == stored


def test_kind_by_label_or_key_folded(config):
    catalogue = config.catalogue
    for typed, key in [("Xăng dầu", "xang_dau"), ("XANG DAU", "xang_dau"), ("xang_dau", "xang_dau"),
                       ("thiet bi dien - dien tu", "dien_dien_tu"), ("Thiết bị điện – điện tử", "dien_dien_tu"),
                       ("gas", "gas"), ("Khác", "khac"), ("Cây xăng", "xang_dau"), ("CHXD", "xang_dau"),
                       ("bình gas", "gas"), ("Điện máy", "dien_dien_tu")]:  # synonyms from config.toml
        assert find_kind(catalogue, typed).key == key, typed
    assert find_kind(catalogue, "thực phẩm") is None


# --- import ----------------------------------------------------------------------------------------


def sheet(path, rows, header=("Tên cơ sở", "Loại", "Địa chỉ", "Tỉnh", "Mã số thuế")):
    book = Workbook()
    ws = book.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    book.save(path)
    return path


async def all_facilities(db) -> list[Facility]:
    async with db.read() as session:
        ids = (await session.scalars(select(FacilityRow.id).order_by(FacilityRow.id))).all()
        return [await records.get_facility(session, i) for i in ids]


async def test_import_adds_updates_and_reports_bad_rows(db, config, tmp_path):
    async with db.unit_of_work() as session:
        await records.add_facility(
            session, Facility(0, "xang_dau", "CHXD Minh Phat", "0101234567", "", "", 20.6, 106.0), RecordMeta(None)
        )
    path = sheet(tmp_path / "co_so.xlsx", [
        ("Cửa hàng xăng dầu Minh Phát", "xăng dầu", "xã Tân Dân", "Hưng Yên", "0101234567"),  # update
        ("Điện máy Hoàng Gia", "Thiết bị điện - điện tử", "phường Hiến Nam", "Hưng Yên", "0109876543-001"),
        ("=SUM(A1)", "gas", "xã Nghĩa Dân", "Hưng Yên", "0105555555"),  # a formula is only text
        ("Không mã", "gas", "", "", ""),  # bad: no tax code
        ("Sai loại", "thực phẩm", "", "", "0106666666"),  # bad: unknown kind
        ("Sai MST", "gas", "", "", "12345"),  # bad: tax code
        ("Số thay chữ", "gas", "", "", 106777777),  # bad: a number cell loses the leading zero
        (None, None, None, None, None),  # empty: skipped
        ("Trùng dòng", "gas", "", "", "0109876543001"),  # bad: same tax code as row 3
    ])
    result = await import_facilities(db, path, config.catalogue, NOW)
    assert (result.created, result.updated, result.unchanged) == (2, 1, 0)
    assert result.errors == (
        "dòng 5: " + texts.inspection.IMPORT_NO_TAX,
        f"dòng 6: loại cơ sở “thực phẩm” không có trong danh mục ({', '.join(k.label for k in config.catalogue.facility_kinds)})",
        "dòng 7: mã số thuế “12345” không đúng (10 số, hoặc 13 số dạng 0101234567-001)",
        "dòng 8: " + texts.inspection.IMPORT_NOT_TEXT.format(cell="E8"),
        "dòng 10: mã số thuế 0109876543-001 trùng với dòng 3",
    )
    assert result.summary().startswith("Chưa ghi gì: tệp có 5 dòng lỗi")
    assert "thêm mới 2, cập nhật 1, không đổi 0" in result.summary().splitlines()[0]
    assert [f.tax_code for f in await all_facilities(db)] == ["0101234567"]  # nothing written, nothing changed
    async with db.read() as session:
        assert [a["action"] for a in await engine_store.audit_entries(session, "facility")] == []
    # the good rows alone (the bad ones taken out, as the message asks): now written
    good = sheet(tmp_path / "co_so_sua.xlsx", [
        ("Cửa hàng xăng dầu Minh Phát", "xăng dầu", "xã Tân Dân", "Hưng Yên", "0101234567"),
        ("Điện máy Hoàng Gia", "Thiết bị điện - điện tử", "phường Hiến Nam", "Hưng Yên", "0109876543-001"),
        ("=SUM(A1)", "gas", "xã Nghĩa Dân", "Hưng Yên", "0105555555"),
    ])
    result = await import_facilities(db, good, config.catalogue, NOW)
    assert (result.created, result.updated, result.unchanged, result.errors) == (2, 1, 0, ())
    assert result.summary() == "Thêm mới 2, cập nhật 1, không đổi 0, lỗi 0 dòng."
    found = {f.tax_code: f for f in await all_facilities(db)}
    assert set(found) == {"0101234567", "0109876543-001", "0105555555"}
    updated = found["0101234567"]
    assert (updated.name, updated.address, updated.province, updated.latitude) == (
        "Cửa hàng xăng dầu Minh Phát", "xã Tân Dân", "Hưng Yên", 20.6
    )
    assert found["0109876543-001"].kind == "dien_dien_tu"
    assert found["0105555555"].name == "=SUM(A1)" and found["0105555555"].kind == "gas"
    async with db.read() as session:
        hits = await records.search_facilities(session, "minh phat")
        audit = await engine_store.audit_entries(session, "facility")
    assert [f.tax_code for f in hits] == ["0101234567"]  # the folded name was updated too
    assert [a["action"] for a in audit] == ["update", "import"]
    # the same file again changes nothing
    again = await import_facilities(db, good, config.catalogue, NOW)
    assert (again.created, again.updated, again.unchanged, len(again.errors)) == (0, 0, 3, 0)


async def test_import_rejects_files_without_the_needed_columns(db, config, tmp_path):
    missing = sheet(tmp_path / "a.xlsx", [("X", "gas")], header=("Tên cơ sở", "Loại"))
    assert (await import_facilities(db, missing, config.catalogue, NOW)).errors == (
        "dòng 1: thiếu cột Mã số thuế",
    )
    nothing = sheet(tmp_path / "b.xlsx", [("X", "gas")], header=("A", "B"))
    assert (await import_facilities(db, nothing, config.catalogue, NOW)).errors == (texts.inspection.IMPORT_NO_HEADER,)
    broken = tmp_path / "c.xlsx"
    broken.write_bytes(b"not a zip")
    [error] = (await import_facilities(db, broken, config.catalogue, NOW)).errors
    assert error.startswith("không mở được tệp .xlsx")
    assert await all_facilities(db) == []


async def test_import_row_that_fails_in_storage_leaves_nothing(db, config, tmp_path):
    """A new facility without a kind cannot be created: its row is reported, and nothing is written —
    not even the good row (issue 19: the README says the whole file is checked before anything is written)."""
    path = sheet(tmp_path / "d.xlsx", [("Không loại", "", "", "", "0107777777"), ("Có loại", "gas", "", "", "0108888888")])
    result = await import_facilities(db, path, config.catalogue, NOW)
    assert result.created == 1 and len(result.errors) == 1 and result.errors[0].startswith("dòng 2:")
    assert await all_facilities(db) == []


# --- /gopcoso ----------------------------------------------------------------------------------------


async def test_merge_two_facilities_typed_twice(config, db):
    app, sender = await make_app(config, db)
    an = await add_staff(app, "Nguyễn Văn An", {"inspector"}, "an")
    admin = await add_staff(app, "Quản Trị", {"admin"}, "it")
    await add_plan(app)
    meta = RecordMeta(an.id, recorded_at=app.clock.now())
    async with app.db.unit_of_work() as session:
        keep = await records.add_facility(session, Facility(0, "xang_dau", "Cửa hàng xăng dầu Minh Phát", "", "xã Tân Dân"), meta)
        dup = await records.add_facility(session, Facility(0, "xang_dau", "CHXD Minh Phat", "0101234567"), meta)
    await Chat(app, sender, "an").many(*COMPLIANT[:4], "chxd", *COMPLIANT[5:], "1")  # a visit to the duplicate
    chat = Chat(app, sender, "it")
    assert (await Chat(app, sender, "an").say("/gopcoso")).startswith("Lệnh /gopcoso dành cho quản trị")
    keep_list = await chat.many("/gopcoso", "minh phat")
    assert f"1. CHXD Minh Phat (MST 0101234567) · Xăng dầu · #{dup.id}" in keep_list
    assert f"2. Cửa hàng xăng dầu Minh Phát (xã Tân Dân) · Xăng dầu · #{keep.id}" in keep_list
    again = await chat.say("2")
    assert "Gõ “ok” để chọn: Tìm lại “minh phat”" in again
    dup_list = await chat.say("ok")
    assert "1. CHXD Minh Phat" in dup_list and "Cửa hàng xăng dầu Minh Phát" not in dup_list
    review = await chat.say("1")
    assert "Giữ lại: Cửa hàng xăng dầu Minh Phát" in review and "1 kết quả kiểm tra của bản trùng" in review
    done = await chat.say("1")
    assert done == texts.inspection.merged("Cửa hàng xăng dầu Minh Phát", "CHXD Minh Phat")
    async with app.db.read() as session:
        survivor = await records.get_facility(session, keep.id)
        assert survivor.tax_code == "0101234567"
        assert (await records.get_facility(session, dup.id)).merged_into == keep.id
        assert (await session.scalars(select(InspectionRow.facility_id))).all() == [keep.id]
        assert [f.id for f in await records.search_facilities(session, "minh phat")] == [keep.id]
        merges = [e for e in await engine_store.audit_entries(session, "facility") if e["action"] == "merge"]
    assert len(merges) == 1 and merges[0]["staff_id"] == admin.id and merges[0]["entity_id"] == str(dup.id)


async def test_merge_refuses_the_same_facility_twice(config, db):
    app, sender = await make_app(config, db)
    await add_staff(app, "Quản Trị", {"admin"}, "it")
    async with app.db.unit_of_work() as session:
        await records.add_facility(session, Facility(0, "gas", "Gas Hưng Thịnh"), RecordMeta(None))
    chat = Chat(app, sender, "it")
    await chat.many("/gopcoso", "hung thinh", "1")
    listed = await chat.say("ok")
    assert "Gas Hưng Thịnh" not in listed  # the kept one is never offered as its own duplicate
    assert "Không có lựa chọn nào phù hợp" in listed
