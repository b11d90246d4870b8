"""Kit (no tests here): a small month of records for the web view's tests, written through storage as the
forms write them (waiting for review), kinds and fields taken from the loaded catalogue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from storage import records
from storage.domain import (
    WAITING,
    Activity,
    CalibrationBatch,
    ChecklistAnswer,
    Facility,
    InspectionVisit,
    Licence,
    RecordMeta,
)
from tests.kit import add_plan, add_staff

# A JPEG's first bytes and its end: enough for a browser to try, and for the server to serve it as one.
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a"
    "1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101011100ffc4001f"
    "0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d010203"
    "00041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738"
    "393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2"
    "a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7"
    "f8f9faffda0008010100003f00fbfcffd9"
)


@dataclass
class Month:
    boss: object
    inspector: object
    technician: object
    facility: Facility
    other_facility: Facility
    visit: InspectionVisit
    other_visit: InspectionVisit
    batch: CalibrationBatch
    licence: Licence
    activity: Activity
    photo: Path
    other_photo: Path


async def a_month(app, media: Path, staff=None) -> Month:
    """Two visits (one with a photo and a position), a calibration batch, a licence, an activity; `staff`:
    the manager, the inspector and the technician when the test has made them (else console accounts)."""
    catalogue = app.config.catalogue
    boss, inspector, technician = staff or (
        await add_staff(app, "Trần Thị Giám Đốc", ["manager"], "boss"),
        await add_staff(app, "Nguyễn Văn Thanh Tra", ["inspector"], "insp"),
        await add_staff(app, "Lê Kỹ Thuật", ["technician"], "tech"))
    plan = await add_plan(app, by=boss.id)
    media.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - a test folder
    photo, other_photo = media / "telegram-1-ảnh-cây-xăng.jpg", media / "zalo-2-other.jpg"
    photo.write_bytes(JPEG)
    other_photo.write_bytes(JPEG)
    fuel = next(k for k in catalogue.facility_kinds if k.has_pumps)
    other_kind = next(k for k in catalogue.facility_kinds if not k.has_pumps)
    now = app.clock.now()

    def meta(who) -> RecordMeta:
        return RecordMeta(who.id, recorded_at=now, review=WAITING)

    async with app.db.unit_of_work() as session:
        facility = await records.add_facility(session, Facility(
            0, fuel.key, "Cửa hàng xăng dầu Đồng Tâm", "0101234567", "Xã Phụng Công", "Hưng Yên", 20.9421, 105.9523),
            meta(inspector))  # fmt: skip
        other = await records.add_facility(session, Facility(0, other_kind.key, "Cửa hàng điện máy Hòa Phát", "",
                                                             "Phường Hiến Nam", "Hưng Yên"), meta(inspector))
        checklist = tuple(ChecklistAnswer(c.key, "met") for c in fuel.criteria)
        visit = await records.add_inspection(session, InspectionVisit(
            0, plan.id, facility.id, fuel.key, dt.date(2023, 1, 10), (inspector.id,), checklist,
            photos=(str(photo),)), RecordMeta(inspector.id, recorded_at=now, review=WAITING, form="inspection"))
        other_visit = await records.add_inspection(session, InspectionVisit(
            0, plan.id, other.id, other_kind.key, dt.date(2023, 1, 11), (boss.id,),
            tuple(ChecklistAnswer(c.key, "met") for c in other_kind.criteria), photos=(str(other_photo),)),
            RecordMeta(boss.id, recorded_at=now, review=WAITING, form="inspection"))
        field = catalogue.calibration_fields[0]
        batch = await records.add_calibration_batch(session, CalibrationBatch(
            0, dt.date(2023, 1, 9), field.key, 40, 2, 38, "Công ty Điện lực"), meta(technician))
        kind = catalogue.licence_kinds[0]
        licence = await records.add_licence(session, Licence(
            0, kind.key, "cap_moi", "12/GP-SKHCN", "Bệnh viện Đa khoa Phố Nối", "Cửa hàng xăng dầu Đồng Tâm",
            dt.date(2023, 1, 5), dt.date(2026, 1, 5), facility_id=facility.id), meta(boss))
        activity_kind = catalogue.activity_kinds[0]
        activity = await records.add_activity(session, Activity(0, activity_kind.key, dt.date(2023, 1, 6), 3),
                                              meta(boss))
    return Month(boss, inspector, technician, facility, other, visit, other_visit, batch, licence, activity,
                 photo, other_photo)
