"""The licence register (issue 22): /tracuu, the link a renewal makes, the weekly expiry digest on the
injected clock, the register's files, and licences from before the bot kept out of every report.

Kinds come from the loaded catalogue (one with an expiry, one without), holidays from a test catalogue.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import openpyxl
import pytest

import texts
from handlers.lookup import LIMIT
from reports import licence_files
from storage import licence_register, records
from storage.catalogue import Holiday
from storage.domain import Facility, InspectionVisit, Licence, Plan, RecordMeta
from tests.conftest import frozen
from tests.kit import Chat, add_staff, make_app

D = dt.date


def kinds(config):
    lasting = next(k for k in config.catalogue.licence_kinds if k.validity_years)
    lifelong = next(k for k in config.catalogue.licence_kinds if not k.validity_years)
    return lasting, lifelong


async def put(app, number, holder, issued, expiry, *, kind, facility="", action="cap_moi", replaces=None):
    async with app.db.unit_of_work() as session:
        return await records.add_licence(
            session, Licence(0, kind, action, number, holder, facility, issued, expiry, replaces_id=replaces),
            RecordMeta(None, recorded_at=app.clock.now()),  # type: ignore[arg-type]
        )


async def clinic_register(app, config):
    """A small register on 13/01/2023: one licence renewed, one expiring soon, one expired, one for life."""
    xq, cc = kinds(config)
    an_binh = "Phòng khám Đa khoa An Bình"
    old = await put(app, "12/GP-SKHCN", an_binh, D(2020, 1, 20), D(2023, 1, 20), kind=xq.key, facility=an_binh)
    new = await put(app, "25/GP-SKHCN", an_binh, D(2023, 1, 5), D(2026, 1, 20), kind=xq.key, facility=an_binh,
                    action="gia_han", replaces=old.id)
    pho_noi = await put(app, "7/GP-SKHCN", "Bệnh viện Đa khoa Phố Nối", D(2020, 3, 1), D(2023, 3, 1), kind=xq.key,
                        facility="Khoa Chẩn đoán hình ảnh, Bệnh viện Đa khoa Phố Nối")
    expired = await put(app, "3/GP-SKHCN", "Phòng khám Tâm Đức", D(2019, 12, 31), D(2022, 12, 31), kind=xq.key)
    person = await put(app, "CC-0031", "Nguyễn Văn Hùng", D(2019, 5, 2), None, kind=cc.key, facility=an_binh)
    return {"old": old, "new": new, "pho_noi": pho_noi, "expired": expired, "person": person}


@pytest.fixture
async def office(config, db):
    app, sender = await make_app(config, db)  # 13/01/2023 09:30
    await add_staff(app, "Lê Cấp Phép", {"licensing"}, "lic")
    return app, sender


async def test_lookup_by_number_holder_facility_and_with_a_typo(office, config):
    app, sender = office
    await clinic_register(app, config)
    chat = Chat(app, sender, "lic")

    by_number = await chat.say("/tracuu 12/GP-SKHCN")
    assert by_number.startswith(texts.licences.found_header("12/GP-SKHCN", 1, typo=False))
    assert "1. Số 12/GP-SKHCN — Giấy phép sử dụng thiết bị X-quang" in by_number
    assert "Ngày cấp 20/01/2020; thời hạn đến 20/01/2023" in by_number
    assert "Tình trạng: đã được thay thế" in by_number
    assert "Quá trình: cấp 20/01/2020 → gia hạn 05/01/2023 (số 25/GP-SKHCN)" in by_number

    holder = await chat.say("/tracuu nguyen van hung")  # the holder typed without diacritics
    assert "Số CC-0031" in holder and "Ngày cấp 02/05/2019; không thời hạn" in holder and "Tình trạng: còn hiệu lực" in holder
    assert "GP-SKHCN" not in holder

    partial = await chat.say("/tracuu chan doan hin")  # part of the facility's name, the last word cut short
    assert "Số 7/GP-SKHCN" in partial and "Cơ sở: Khoa Chẩn đoán hình ảnh" in partial
    assert "Tình trạng: sắp hết hạn (còn 47 ngày)" in partial and "CC-0031" not in partial

    clinic = await chat.say("/tracuu phong kham an binh")  # the renewed licence and the certificate there
    assert clinic.startswith(texts.licences.found_header("phong kham an binh", 2, typo=False))
    assert "Số 25/GP-SKHCN" in clinic and "Số 12/GP-SKHCN" not in clinic  # a licence and its renewal: once
    assert "Tình trạng: còn hiệu lực" in clinic and "Số CC-0031" in clinic

    typo = await chat.say("/tracuu Nguyễn Văn Hùmg")  # one wrong letter
    assert typo.startswith(texts.licences.found_header("Nguyễn Văn Hùmg", 1, typo=True)) and "Số CC-0031" in typo
    assert "Số 3/GP-SKHCN" in await chat.say("/tracuu tam duc")
    assert "Tình trạng: hết hạn" in await chat.say("/tracuu Tâm Đức")
    assert "Số 3/GP-SKHCN" in await chat.say("/tracuu tam dux")  # a typo in a short word
    assert await chat.say("/tracuu Hoàng Long") == texts.licences.none_found("Hoàng Long")
    assert await chat.say("/tracuu hung van nguyen xyz") == texts.licences.none_found("hung van nguyen xyz")
    assert await chat.say("/tracuu") == texts.licences.USAGE


async def test_the_look_up_sees_every_change_at_once(office, config):
    app, sender = office
    licences = await clinic_register(app, config)
    xq, _ = kinds(config)
    chat = Chat(app, sender, "lic")
    assert "Số 7/GP-SKHCN" in await chat.say("/tracuu pho noi") and "CC-0031" in await chat.say("/tracuu hung")
    meta = RecordMeta(None, recorded_at=app.clock.now())  # type: ignore[arg-type]  # the same (frozen) time
    async with app.db.unit_of_work() as session:
        await records.delete_licence(session, licences["pho_noi"].id, meta)
        person = await records.get_licence(session, licences["person"].id)
        await records.update_licence(session, dataclasses.replace(person, holder="Nguyễn Văn Hải"), meta)
    await put(app, "8/GP-SKHCN", "Bệnh viện Đa khoa Phố Nối", D(2023, 1, 10), D(2026, 1, 10), kind=xq.key)
    answer = await chat.say("/tracuu pho noi")
    assert "Số 8/GP-SKHCN" in answer and "Số 7/GP-SKHCN" not in answer
    assert "Số CC-0031" in await chat.say("/tracuu nguyen van hai")
    assert await chat.say("/tracuu nguyen van hung") == texts.licences.none_found("nguyen van hung")


async def test_more_than_a_screenful_shows_ten_and_how_to_narrow(office, config):
    app, sender = office
    xq, _ = kinds(config)
    for i in range(1, 13):
        await put(app, f"{i}/GP-TYT", f"Trạm Y tế xã số {i}", D(2022, 1, i), D(2025, 1, i), kind=xq.key)
    answer = await Chat(app, sender, "lic").say("/tracuu tram y te")
    assert answer.startswith(texts.licences.found_header("tram y te", 12, typo=False))
    assert f"\n\n{LIMIT}. Số" in answer and f"\n\n{LIMIT + 1}. Số" not in answer
    assert answer.endswith(texts.licences.more_results(LIMIT, 12))
    assert "Số 12/GP-TYT" in answer and "Số 1/GP-TYT" not in answer  # the latest first


async def test_only_licensing_officers_managers_and_inspectors_look_up(office, config):
    app, sender = office
    await clinic_register(app, config)
    await add_staff(app, "Trần Kỹ Thuật", {"technician"}, "tech")
    refused = await Chat(app, sender, "tech").say("/tracuu 12/GP-SKHCN")
    assert refused.startswith("Lệnh /tracuu dành cho") and "GP-SKHCN" not in refused
    await add_staff(app, "Phạm Lãnh Đạo", {"manager"}, "boss")
    assert await Chat(app, sender, "boss").say("/lookup") == f"{texts.licences.USAGE}\n{texts.licences.MANAGER_FILES}"


async def test_an_inspector_at_a_facility_sees_its_licences_without_losing_the_draft(office, config):
    app, sender = office
    xq, _ = kinds(config)
    inspector = await add_staff(app, "Đỗ Kiểm Tra", {"inspector"}, "insp")
    kind = config.catalogue.facility_kinds[-1]
    async with app.db.unit_of_work() as session:
        station = await records.add_facility(session, Facility(0, kind.key, "Phòng khám Hòa Bình", "0101234567"),
                                             RecordMeta(inspector.id, recorded_at=app.clock.now()))
        plan = await records.add_plan(session, Plan(0, "01/KH-TĐC", D(2023, 1, 3), "Chi cục TĐC", "Kiểm tra",
                                                    "kiem_tra"), RecordMeta(inspector.id))
    await put(app, "40/GP-SKHCN", "Phòng khám Hòa Bình", D(2021, 6, 1), D(2024, 6, 1), kind=xq.key)
    await put(app, "41/GP-SKHCN", "Phòng khám Bình An", D(2021, 6, 1), D(2024, 6, 1), kind=xq.key)
    chat = Chat(app, sender, "insp")
    assert await chat.say("/tracuu") == texts.licences.USAGE  # no facility in hand yet
    # the draft of /kiemtra has the facility picked: /tracuu answers, and the draft stays
    await chat.many("/kiemtra", "ok", kind.label, "hoa binh", "1")
    seen = await chat.say("/tracuu")
    assert seen.startswith(texts.licences.facility_header("Phòng khám Hòa Bình", 1)) and "Số 40/GP-SKHCN" in seen
    assert "41/GP-SKHCN" not in seen
    assert seen.endswith(texts.licences.KEEP_ANSWERING.format(title=app.services.flows["inspection"].title))
    await chat.say("/huy")
    # after the visit is recorded: the facility of the inspector's visit today
    async with app.db.unit_of_work() as session:
        await records.add_inspection(session, InspectionVisit(0, plan.id, station.id, "khac", D(2023, 1, 13),
                                                               (inspector.id,)), RecordMeta(inspector.id))
    assert "Số 40/GP-SKHCN" in await chat.say("/tracuu")


async def test_a_renewal_through_giayphep_links_the_two_and_ends_the_old_ones_reminders(office, config):
    app, sender = office
    licences = await clinic_register(app, config)
    xq, _ = kinds(config)
    position = [k.key for k in config.catalogue.licence_kinds].index(xq.key) + 1
    today = D(2023, 1, 13)
    async with app.db.read() as session:
        due = await licence_register.expiring(session, today, 90, today - dt.timedelta(days=365))
    assert licences["expired"].id in {lic.id for lic in due}
    chat = Chat(app, sender, "lic")
    saved = await chat.many("/giayphep", str(position), "2", "30/GP-SKHCN", "Phòng khám Tâm Đức", "bỏ qua", "ok",
                            "31/12/2022", "ok", "1")
    assert "thay thế giấy phép số 3/GP-SKHCN" in saved, saved
    async with app.db.read() as session:
        due = await licence_register.expiring(session, today, 90, today - dt.timedelta(days=365))
        [renewal] = [lic for lic in (await licence_register.all_licences(session)) if lic.number == "30/GP-SKHCN"]
    assert renewal.replaces_id == licences["expired"].id
    assert licences["expired"].id not in {lic.id for lic in due}
    answer = await chat.say("/tracuu 3/GP-SKHCN")
    assert "Tình trạng: đã được thay thế" in answer and "gia hạn 13/01/2023 (số 30/GP-SKHCN)" in answer


# --- the weekly digest on the injected clock -----------------------------------------------------------------


async def tick(app, times: int = 4) -> None:
    for _ in range(times):
        app.engine._last_sweep = None  # the sweeps (digest scheduling) run at every tick here
        await app.engine.run_jobs_once()
        await app.engine.send_due_once()


async def test_weekly_digest_once_a_week_after_a_holiday_never_for_a_renewed_licence(config, db):
    holiday = Holiday(D(2023, 1, 9), "Nghỉ bù (thử)")  # Monday 09/01/2023 is a day off in this catalogue
    config = dataclasses.replace(config, catalogue=dataclasses.replace(config.catalogue, holidays=(holiday,)))
    clock = frozen("2023-01-01 20:00")  # a Sunday evening: nothing is sent on a Sunday
    app, sender = await make_app(config, db, clock, reminders=True)
    await add_staff(app, "Lê Cấp Phép", {"licensing"}, "lic")
    await add_staff(app, "Phạm Lãnh Đạo", {"manager"}, "boss")
    await add_staff(app, "Trần Kỹ Thuật", {"technician"}, "tech")
    xq, _ = kinds(config)
    soon7 = await put(app, "70/GP", "Phòng khám Bảy Ngày", D(2020, 1, 6), D(2023, 1, 6), kind=xq.key)
    soon30 = await put(app, "71/GP", "Phòng khám Ba Mươi", D(2020, 1, 25), D(2023, 1, 25), kind=xq.key)
    soon90 = await put(app, "72/GP", "Phòng khám Chín Mươi", D(2020, 3, 20), D(2023, 3, 20), kind=xq.key)
    expired = await put(app, "73/GP", "Phòng khám Quá Hạn", D(2019, 12, 20), D(2022, 12, 20), kind=xq.key)
    renewed = await put(app, "74/GP", "Phòng khám Đã Gia Hạn", D(2019, 12, 28), D(2022, 12, 28), kind=xq.key)
    await put(app, "75/GP", "Phòng khám Đã Gia Hạn", D(2022, 12, 1), D(2025, 12, 28), kind=xq.key, action="gia_han",
              replaces=renewed.id)
    await put(app, "76/GP", "Phòng khám Còn Lâu", D(2022, 6, 1), D(2025, 6, 1), kind=xq.key)

    await tick(app)
    assert sender.texts("lic") == []
    clock.advance(hours=13)  # Monday 02/01/2023 09:00
    await tick(app)
    [first] = sender.texts("lic")
    assert first.startswith(texts.licences.digest_header(D(2023, 1, 2), managers=False))
    lines = first.splitlines()
    assert lines[1:] == [
        texts.licences.digest_group(None, 1), texts.licences.digest_line("73/GP", expired.holder, D(2022, 12, 20)),
        texts.licences.digest_group(7, 1), texts.licences.digest_line("70/GP", soon7.holder, D(2023, 1, 6)),
        texts.licences.digest_group(30, 1), texts.licences.digest_line("71/GP", soon30.holder, D(2023, 1, 25)),
        texts.licences.digest_group(90, 1), texts.licences.digest_line("72/GP", soon90.holder, D(2023, 3, 20)),
        texts.licences.DIGEST_FOOTER,
    ]  # the renewed 74/GP and the far 76/GP are not listed
    assert sender.texts("boss") == [] and sender.texts("tech") == []

    clock.advance(days=1)  # Tuesday: once a week
    await tick(app)
    assert len(sender.texts("lic")) == 1
    clock.advance(days=6)  # Monday 09/01 is a holiday in the catalogue: nothing
    await tick(app)
    assert len(sender.texts("lic")) == 1
    clock.advance(days=1)  # Tuesday 10/01, the first working day of the week
    await tick(app)
    assert len(sender.texts("lic")) == 2
    assert sender.texts("lic")[1].startswith(texts.licences.digest_header(D(2023, 1, 10), managers=False))

    # 13/01 09:00: the monthly reminder (the day before the cut-off); managers get the list with it
    await put(app, "77/GP", "Phòng khám Bảy Ngày", D(2023, 1, 12), D(2026, 1, 6), kind=xq.key, action="gia_han",
              replaces=soon7.id)  # renewed on Thursday: never listed again
    clock.advance(days=3)
    await tick(app)
    [reminder] = sender.texts("tech")
    [managers] = sender.texts("boss")
    assert managers.startswith(texts.licences.digest_header(D(2023, 1, 13), managers=True))
    assert "73/GP" in managers and "70/GP" not in managers and reminder != managers
    assert len(sender.texts("lic")) == 2
    clock.advance(days=3)  # Monday 16/01
    await tick(app)
    assert len(sender.texts("lic")) == 3 and "70/GP" not in sender.texts("lic")[2]


# --- the files -----------------------------------------------------------------------------------------------


def sheet_rows(path) -> list[tuple]:
    workbook = openpyxl.load_workbook(path)
    return [tuple(c.value for c in row) for row in workbook.worksheets[0].iter_rows()]


async def test_expiring_file_rows_and_statuses_and_the_whole_register(office, config, tmp_path):
    app, _ = office
    licences = await clinic_register(app, config)
    today, settings = D(2023, 1, 13), licence_files.Settings((90, 30, 7), 365)
    made = await licence_files.generate(app.db, config.catalogue, licence_files.EXPIRING, today, 90, settings,
                                        tmp_path / "expiring.xlsx")
    header, *rows = sheet_rows(made.path)
    assert header == texts.licences.COLUMNS and made.rows == len(rows) == 2
    at = {name: i for i, name in enumerate(header)}
    assert [(r[at["Số giấy phép"]], r[at["Tình trạng"]], r[at["Còn (ngày)"]]) for r in rows] == [
        ("3/GP-SKHCN", "hết hạn", -13), ("7/GP-SKHCN", "sắp hết hạn", 47)]
    assert rows[1][at["Ngày hết hạn"]].date() == D(2023, 3, 1) and rows[1][at["Nguồn"]] == texts.licences.SOURCE_CHAT
    longer = await licence_files.generate(app.db, config.catalogue, licence_files.EXPIRING, today, 1200, settings,
                                          tmp_path / "longer.xlsx")
    assert [r[0] for r in sheet_rows(longer.path)[1:]] == ["3/GP-SKHCN", "7/GP-SKHCN", "25/GP-SKHCN"]
    assert sheet_rows(longer.path)[3][at["Tình trạng"]] == "còn hiệu lực"  # beyond 90 days: still valid

    whole = await licence_files.generate(app.db, config.catalogue, licence_files.REGISTER, today, 90, settings,
                                         tmp_path / "register.xlsx")
    by_number = {r[0]: r for r in sheet_rows(whole.path)[1:]}
    assert whole.rows == len(by_number) == len(licences)
    assert by_number["12/GP-SKHCN"][at["Tình trạng"]] == "đã được thay thế"
    assert by_number["25/GP-SKHCN"][at["Thay thế giấy phép"]] == "12/GP-SKHCN"
    assert by_number["CC-0031"][at["Tình trạng"]] == "còn hiệu lực" and by_number["CC-0031"][at["Ngày hết hạn"]] is None

