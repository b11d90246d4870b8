"""storage/records.py on a real database: SQLite always, PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select

from reports.aggregate import aggregate
from reports.demo import load_demo
from reports.periods import month_period
from storage import records
from storage.domain import (
    Activity,
    CalibrationBatch,
    ChecklistAnswer,
    Conflict,
    Facility,
    InspectionVisit,
    Licence,
    Note,
    NotFound,
    Plan,
    PumpCheck,
    RecordMeta,
)
from storage.models import AuditRow
from tests.test_report_support import STAFF_ID, catalogue, database

D = dt.date
META = RecordMeta(recorded_by=STAFF_ID, channel="zalo", source_event="zalo:42")


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request, tmp_path):
    async for database_ in database(request.param, tmp_path):
        yield database_


def batch(day=None, field="dien", verified=10, rejected=1, certificates=9):
    return CalibrationBatch(
        0, day or D(2023, 1, 5), field, verified, rejected, certificates, "Công ty Điện lực"
    )


async def test_add_get_update_delete_a_batch_with_versions_and_audit(db):
    async with db.unit_of_work() as s:
        added = await records.add_calibration_batch(s, batch(), META)
    assert added.id and added.meta.version == 1 and added.meta.channel == "zalo"
    async with db.unit_of_work() as s:
        got = await records.get_calibration_batch(s, added.id)
        assert (got.verified, got.rejected, got.certificates, got.customer) == (10, 1, 9, "Công ty Điện lực")
        changed = await records.update_calibration_batch(
            s, dataclasses.replace(got, verified=12, certificates=11), META
        )
    assert changed.meta.version == 2 and changed.verified == 12
    async with db.unit_of_work() as s:
        with pytest.raises(Conflict):  # `got` is version 1: a stale edit
            await records.update_calibration_batch(s, got, META)
    async with db.unit_of_work() as s:
        await records.delete_calibration_batch(s, added.id, META)
    async with db.read() as s:
        with pytest.raises(NotFound):
            await records.get_calibration_batch(s, added.id)
        deleted = await records.get_calibration_batch(s, added.id, include_deleted=True)
        actions = (
            await s.scalars(select(AuditRow.action).where(AuditRow.entity == "calibration_batch"))
        ).all()
    assert deleted.meta.status == "deleted" and deleted.meta.version == 3
    assert sorted(actions) == ["create", "delete", "update"]


@pytest.mark.parametrize(("verified", "rejected", "certificates"), [(5, 6, 0), (5, -1, 0), (5, 1, 5)])
async def test_batch_invariants_are_refused(db, verified, rejected, certificates):
    async with db.unit_of_work() as s:
        with pytest.raises(ValueError):
            await records.add_calibration_batch(s, batch(verified=verified, rejected=rejected, certificates=certificates), META)  # fmt: skip


async def test_missing_records_are_not_found(db):
    async with db.read() as s:
        for get in (records.get_plan, records.get_inspection, records.get_licence, records.get_activity,
                    records.get_note, records.get_facility):  # fmt: skip
            with pytest.raises(NotFound):
                await get(s, 999)


async def test_facilities_by_tax_code_and_folded_name(db):
    async with db.unit_of_work() as s:
        a = await records.add_facility(
            s, Facility(0, "xang_dau", "Cửa hàng Xăng dầu Đông Hưng", "0101"), META
        )
        await records.add_facility(s, Facility(0, "gas", "Gas 100% Minh Anh", ""), META)
        await records.add_facility(s, Facility(0, "gas", "Gas Phú Lộc", ""), META)  # a second NULL tax code
        with pytest.raises(Conflict):
            await records.add_facility(s, Facility(0, "gas", "Trùng mã", "0101"), META)
    async with db.read() as s:
        assert (await records.find_facility_by_tax_code(s, "0101")).id == a.id
        assert await records.find_facility_by_tax_code(s, "9999") is None
        assert [f.name for f in await records.search_facilities(s, "xang dau dong")] == [a.name]
        assert [f.name for f in await records.search_facilities(s, "ĐÔNG HƯNG")] == [a.name]
        assert [f.name for f in await records.search_facilities(s, "100%")] == ["Gas 100% Minh Anh"]
        assert [f.name for f in await records.search_facilities(s, "%")] == ["Gas 100% Minh Anh"]
        assert len(await records.search_facilities(s, "gas", kind="gas")) == 2


async def test_merging_a_facility_typed_twice_moves_its_visits(db):
    async with db.unit_of_work() as s:
        plan = await records.add_plan(
            s, Plan(0, "01/KH-CCTĐC", D(2023, 1, 2), "Chi cục", "kiểm tra", "kiem_tra"), META
        )
        keep = await records.add_facility(s, Facility(0, "gas", "Gas Minh Anh"), META)
        dup = await records.add_facility(s, Facility(0, "gas", "Gas Minh Anh (2)", "0202"), META)
        visit = await records.add_inspection(
            s, InspectionVisit(0, plan.id, dup.id, "gas", D(2023, 1, 3)), META
        )
        survivor = await records.merge_facilities(s, dup.id, keep.id, META)
    assert survivor.tax_code == "0202"
    async with db.read() as s:
        assert (await records.get_inspection(s, visit.id)).facility_id == keep.id
        assert (await records.find_facility_by_tax_code(s, "0202")).id == keep.id
        assert [f.id for f in await records.search_facilities(s, "minh anh")] == [keep.id]


async def test_merging_two_facilities_visited_the_same_day_under_one_plan_merges_the_visits(db):
    """The case merge exists for: the station typed twice was visited under both names. No
    IntegrityError on the one-visit-per-day index: one visit keeps everything, the other is retired."""
    async with db.unit_of_work() as s:
        plan = await records.add_plan(s, Plan(0, "01/KH-CCTĐC", D(2023, 1, 2), "Chi cục", "kiểm tra", "kiem_tra"), META)
        other = await records.add_plan(s, Plan(0, "02/KH-CCTĐC", D(2023, 1, 2), "Chi cục", "kiểm tra", "kiem_tra"), META)
        keep = await records.add_facility(s, Facility(0, "xang_dau", "CHXD Minh Anh"), META)
        dup = await records.add_facility(s, Facility(0, "xang_dau", "CHXD Minh Anh (2)"), META)
        kept = await records.add_inspection(s, InspectionVisit(
            0, plan.id, keep.id, "xang_dau", D(2023, 1, 3), (STAFF_ID,),
            (ChecklistAnswer("ghi_nhan", "met"), ChecklistAnswer("ho_so_chat_luong", "met")),
            (PumpCheck("CD01", True, True, 0.1, True),), photos=("a.jpg",)), META)
        twin = await records.add_inspection(s, InspectionVisit(
            0, plan.id, dup.id, "xang_dau", D(2023, 1, 3), (STAFF_ID,),
            (ChecklistAnswer("ghi_nhan", "not_met", "thiếu nhãn phụ"), ChecklistAnswer("ho_so_chat_luong", "met")),
            (PumpCheck("CD01", True, True, 0.1, True), PumpCheck("CD02", False, True, 0.6, False)),
            violations="Thiếu nhãn phụ", action="fine", fine_amount=7_500_000, photos=("b.jpg",)), META)
        apart = await records.add_inspection(  # another plan: no collision, simply moved
            s, InspectionVisit(0, other.id, dup.id, "xang_dau", D(2023, 1, 3)), META)
        await records.merge_facilities(s, dup.id, keep.id, META)
    async with db.read() as s:
        merged = await records.get_inspection(s, kept.id)
        assert merged.facility_id == keep.id and merged.meta.version == 2
        assert [(a.criterion, a.result, a.note) for a in merged.checklist] == [
            ("ghi_nhan", "not_met", "thiếu nhãn phụ"), ("ho_so_chat_luong", "met", "")]
        assert [p.serial for p in merged.pumps] == ["CD01", "CD02"] and not merged.compliant
        assert (merged.violations, merged.action, merged.fine_amount) == ("Thiếu nhãn phụ", "fine", 7_500_000)
        assert merged.photos == ("a.jpg", "b.jpg")
        with pytest.raises(NotFound):
            await records.get_inspection(s, twin.id)
        assert (await records.get_inspection(s, apart.id)).facility_id == keep.id
        audit = (await s.scalars(select(AuditRow).where(AuditRow.action == "merge", AuditRow.entity == "inspection"))).all()
        assert [(a.entity_id, a.after["into"], a.after["status"]) for a in audit] == [(str(twin.id), kept.id, "deleted")]


async def test_inspection_round_trip_keeps_checklist_and_pumps(db):
    visit_in = InspectionVisit(
        0, 0, 0, "xang_dau", D(2023, 1, 4), (STAFF_ID,),
        (ChecklistAnswer("pt_do_hieu_luc", "not_met", "tem hết hạn"), ChecklistAnswer("ghi_nhan", "met")),
        (PumpCheck("CD-1", False, True, -0.62, False),), "Xã A", "Cột đo hết hạn kiểm định", "fine", 5_000_000,
        ("photo-1",),
    )  # fmt: skip
    async with db.unit_of_work() as s:
        plan = await records.add_plan(s, Plan(0, "02/KH", D(2023, 1, 2), "Sở", "kiểm tra", "kiem_tra"), META)
        facility = await records.add_facility(s, Facility(0, "xang_dau", "CHXD số 1"), META)
        saved = await records.add_inspection(
            s, dataclasses.replace(visit_in, plan_id=plan.id, facility_id=facility.id), META
        )
    async with db.read() as s:
        got = await records.get_inspection(s, saved.id)
    assert got.checklist == visit_in.checklist and got.pumps == visit_in.pumps
    assert (got.inspectors, got.fine_amount, got.photos, got.compliant) == (
        (STAFF_ID,),
        5_000_000,
        ("photo-1",),
        False,
    )


async def test_licences_activities_notes_round_trip_and_soft_delete(db):
    async with db.unit_of_work() as s:
        lic = await records.add_licence(
            s, Licence(0, "xquang_y_te", "cap_moi", "01/GP", "Phòng khám A", "Phòng khám A", D(2023, 1, 3), D(2026, 1, 3)), META
        )  # fmt: skip
        act = await records.add_activity(
            s, Activity(0, "sang_kien", D(2023, 1, 3), 21, "đợt 2", 43, "QĐ 84"), META
        )
        note = await records.add_note(s, Note(0, "2023-01", "A.I", "  Dòng 1\nDòng 2\x0b ", 0), META)
    assert note.text == "Dòng 1\nDòng 2"  # trimmed, the vertical tab Word cannot store is gone
    async with db.unit_of_work() as s:
        await records.update_licence(s, dataclasses.replace(lic, holder="Phòng khám B"), META)
        await records.update_activity(s, dataclasses.replace(act, authors=44), META)
        await records.update_note(s, dataclasses.replace(note, text="Mới"), META)
        await records.delete_activity(s, act.id, META)
        await records.delete_licence(s, lic.id, META)
    async with db.read() as s:
        assert (await records.get_licence(s, lic.id, include_deleted=True)).holder == "Phòng khám B"
        assert [n.text for n in await records.list_notes(s, "2023-01")] == ["Mới"]
        loaded = await records.load_period_records(s, D(2022, 12, 15), D(2023, 1, 14), "2023-01")
    assert loaded.licences == () and loaded.activities == () and [n.text for n in loaded.notes] == ["Mới"]


async def test_load_period_records_takes_the_14th_not_the_15th(db):
    async with db.unit_of_work() as s:
        old_plan = await records.add_plan(
            s, Plan(0, "9/KH", D(2022, 11, 1), "Cục", "kiểm tra", "kiem_tra"), META
        )
        await records.add_plan(s, Plan(0, "10/KH", D(2022, 11, 2), "Cục", "không dùng", "kiem_tra"), META)
        new_plan = await records.add_plan(
            s, Plan(0, "11/QĐ", D(2023, 1, 2), "Sở", "thanh tra", "thanh_tra"), META
        )
        facility = await records.add_facility(s, Facility(0, "gas", "Gas A"), META)
        other = await records.add_facility(s, Facility(0, "gas", "Gas B"), META)
        for day, fid in ((D(2022, 12, 14), other.id), (D(2022, 12, 15), facility.id), (D(2023, 1, 14), facility.id),
                         (D(2023, 1, 15), other.id)):  # fmt: skip
            await records.add_calibration_batch(s, batch(day=day), META)
            await records.add_inspection(s, InspectionVisit(0, old_plan.id, fid, "gas", day), META)
        gone = await records.add_calibration_batch(s, batch(day=D(2023, 1, 1)), META)
        await records.delete_calibration_batch(s, gone.id, META)
        await records.add_note(s, Note(0, "2023-02", "A.I", "tháng sau"), META)
    async with db.read() as s:
        loaded = await records.load_period_records(s, D(2022, 12, 15), D(2023, 1, 14), "2023-01")
    assert [b.business_date for b in loaded.calibration_batches] == [D(2022, 12, 15), D(2023, 1, 14)]
    assert [v.visit_date for v in loaded.inspections] == [D(2022, 12, 15), D(2023, 1, 14)]
    assert [p.id for p in loaded.plans] == [old_plan.id, new_plan.id]  # the visits' old plan + the period's
    assert set(loaded.facilities) == {facility.id} and loaded.notes == ()


async def test_demo_month_gives_the_model_figures(db):
    cat = catalogue()
    assert await load_demo(db, cat, STAFF_ID) is True
    assert await load_demo(db, cat, STAFF_ID) is False  # a second run writes nothing
    period = month_period(2023, 1)
    async with db.read() as s:
        loaded = await records.load_period_records(s, period.start, period.end, period.key)
        batches = await s.scalar(select(func.count()).select_from(AuditRow))
    assert batches > 0
    data = aggregate(loaded, cat, period)
    table = [
        (r.stt, r.label, str(r.verified), str(r.rejected), str(r.certificates)) for r in data.calibration.rows
    ]
    assert table == [
        ("1", "Điện", "67", "0", "67"), ("2", "Khối lượng", "67", "0", "67"), ("3", "Dung tích", "119", "0", "119"),
        ("4", "Áp suất", "20", "0", "20"), ("5", "Điện trở nối đất", "07", "0", "07"), ("6", "X-Quang", "01", "0", "01"),
        ("7", "Đồng hồ đo nước", "500", "0", "500"),
    ]  # fmt: skip
    assert (str(data.calibration.verified), str(data.calibration.certificates)) == ("781", "781")
    (plan,) = data.inspections.kiem_tra
    assert (plan.number, plan.date, str(plan.facilities)) == ("3826/KH-TĐC", "30/12/2022", "13")
    assert [(k.key, str(k.facilities), k.clauses[0].ratio) for k in plan.kinds] == [
        ("xang_dau", "09", "09/09"), ("dien_dien_tu", "03", "03/03"), ("gas", "01", "01/01")
    ]  # fmt: skip
    assert data.inspections.thanh_tra == () and plan.failures == ()
    assert [(k.key, str(k.count)) for k in data.licences.kinds] == [
        ("xquang_y_te", "04"),
        ("chung_chi_nvbx", "03"),
    ]
    act = data.activities
    assert [str(act[k].count) for k in ("hop_chuan", "hop_quy", "thep_nhap_khau")] == ["05", "10", "88"]
    assert str(act["thep_nhap_khau"].enterprises) == "10"
    assert (str(act["gcn_ket_qua_nhiem_vu"].count), str(act["nghiem_thu_nhiem_vu"].count)) == ("03", "01")
    assert act["y_kien_cong_nghe"].details_text == "may mặc, dây và cáp điện"
    assert (str(act["sang_kien"].count), str(act["sang_kien"].authors)) == ("21", "43")
    assert act["sang_kien"].decisions_text.startswith("Quyết định số 84/QĐ-CTUBND ngày 12/01/2023")
    assert not act["khieu_nai"].count
    assert len(data.notes["B"].after) == 13 and data.notes["A_IV_1"].before
