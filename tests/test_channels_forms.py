"""The forms end to end through BOTH real adapters in one app: Telegram (inline buttons, the location
keyboard, documents) against FakeTelegram and Zalo (numbered text, document links) against FakeZalo,
with the real engine, router, flows, report jobs, web server and a SQLite file (tests/channels_kit.py).

Each test plays the conversation on a channel the way a person there does — Telegram taps the button
whose label is given (or types), Zalo types the number in front of it (or the word offered) — and
checks what was seen and what was stored. Both fakes end every test without an API violation.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

import texts
from bot.channels.telegram_render import LOCATION_BUTTON
from storage import people, records
from storage.domain import Facility, Plan, RecordMeta
from storage.models import SignedLinkRow
from storage.record_models import ActivityRow, CalibrationBatchRow, InspectionRow, LicenceRow
from tests.channels_kit import TelegramUser, World, ZaloUser, running_world

TODAY = dt.date(2023, 1, 13)
TG_TECH, TG_INSPECTOR, TG_MANAGER, TG_ADMIN = 5001, 5002, 5003, 5004
ZL_TECH, ZL_INSPECTOR, ZL_MANAGER = "0a1b2c3d4e5f60718293", "1b2c3d4e5f6071829304", "2c3d4e5f607182930415"
ZL_LICENSING, ZL_CLERK = "3d4e5f60718293041526", "4e5f6071829304152637"


@pytest.fixture
async def world(tmp_path):
    async with running_world(tmp_path) as running:
        yield running


async def stored(world: World, row_type, getter) -> list:
    async with world.app.db.read() as session:
        ids = (await session.scalars(select(row_type.id).order_by(row_type.id))).all()
        return [await getter(session, i) for i in ids]


def apart_from_who(record, *also: str):
    """The record without what differs between two people on two channels: its id, who recorded it,
    on which channel, from which event (and the `also` fields)."""
    meta = dataclasses.replace(record.meta, recorded_by=0, channel="", source_event="")
    return dataclasses.replace(record, id=0, meta=meta, **{name: None for name in also})


# --- 1. a calibration batch, form by form --------------------------------------------------------------

# The same answers on both channels, by label: a tap on Telegram, a number or a word on Zalo.
CALIBRATION = ["Hôm nay (13/01/2023)", "Đồng hồ đo nước", "500", "0", "Cấp 500 giấy", texts.common.SKIP,
               texts.common.CONFIRM]


async def test_calibration_batch_tapped_on_telegram_and_numbered_on_zalo(world):
    tg_tech = await world.add_staff("Trần Kỹ Thuật", {"technician"}, telegram=TG_TECH)
    zl_tech = await world.add_staff("Lê Kỹ Thuật", {"technician"}, zalo=ZL_TECH)

    telegram = TelegramUser(world, TG_TECH)
    [asked] = await telegram.say("/kiemdinh")
    assert asked == texts.capture.CAL_DATE
    date_question = telegram.last
    assert [b["text"] for row in date_question.inline_keyboard for b in row] == ["Hôm nay (13/01/2023)", "Hủy"]
    for label in CALIBRATION[:-1]:
        await telegram.answer(label)
    # every tapped question now shows the choice under it, without its buttons
    assert date_question.text == f"{texts.capture.CAL_DATE}\n→ Hôm nay (13/01/2023)" and date_question.inline_keyboard == []
    field_question = telegram.messages[1]
    assert field_question.text == f"{texts.capture.CAL_FIELD}\n→ Đồng hồ đo nước" and field_question.inline_keyboard == []
    review = telegram.last
    assert review.text.splitlines()[:7] == [
        texts.capture.CAL_TITLE, "Ngày: 13/01/2023", "Lĩnh vực: Đồng hồ đo nước", "Số PTĐ kiểm định: 500",
        "Số PTĐ loại bỏ: 0", "Giấy chứng nhận: 500", "Khách hàng: —",
    ]
    assert [b["text"] for row in review.inline_keyboard for b in row] == ["Xác nhận", "Sửa", "Hủy", "Quay lại"]
    assert await telegram.answer(texts.common.CONFIRM) == ["Đã lưu lô kiểm định #1."]
    assert telegram.did == [
        ("type", "/kiemdinh"), ("tap", "Hôm nay (13/01/2023)"), ("tap", "Đồng hồ đo nước"), ("type", "500"),
        ("type", "0"), ("tap", "Cấp 500 giấy chứng nhận (số kiểm định trừ số loại bỏ)"), ("tap", "Bỏ qua"), ("tap", "Xác nhận"),
    ]
    assert telegram.bot_messages == 8

    zalo = ZaloUser(world, ZL_TECH)
    [asked] = await zalo.say("/kiemdinh")
    assert asked == f"{texts.capture.CAL_DATE}\nGõ “ok” để chọn: Hôm nay (13/01/2023)\n(gõ “hủy” để dừng)"
    [fields] = await zalo.answer(CALIBRATION[0])
    listed = world.app.config.catalogue.calibration_fields  # every field of the catalogue, in its order
    numbered = "\n".join(f"{n}. {field.label}" for n, field in enumerate(listed, start=1))
    assert fields == f"{texts.capture.CAL_FIELD}\n{numbered}\nGõ số thứ tự để chọn.\n(gõ “quay lại” để sửa câu trước, “hủy” để dừng)"
    water = next(n for n, field in enumerate(listed, start=1) if field.label == CALIBRATION[1])
    for label in CALIBRATION[1:-1]:
        [shown] = await zalo.answer(label)
    assert shown.splitlines()[:7] == review.text.splitlines()[:7]
    assert shown.endswith("\n1. Xác nhận\n2. Sửa\n3. Hủy\nGõ số thứ tự để chọn.\n(gõ “quay lại” để sửa câu trước)")
    assert await zalo.answer(texts.common.CONFIRM) == ["Đã lưu lô kiểm định #2."]
    assert zalo.typed == ["/kiemdinh", "ok", str(water), "500", "0", "ok", "bỏ qua", "1"]
    assert zalo.bot_messages == 8

    on_telegram, on_zalo = await stored(world, CalibrationBatchRow, records.get_calibration_batch)
    assert (on_telegram.business_date, on_telegram.field, on_telegram.verified, on_telegram.rejected,
            on_telegram.certificates, on_telegram.customer) == (TODAY, "dong_ho_nuoc", 500, 0, 500, "")
    assert apart_from_who(on_telegram) == apart_from_who(on_zalo)
    assert (on_telegram.meta.channel, on_telegram.meta.recorded_by) == ("telegram", tg_tech.id)
    assert (on_zalo.meta.channel, on_zalo.meta.recorded_by) == ("zalo", zl_tech.id)
    assert on_telegram.meta.source_event and on_zalo.meta.source_event


# --- 2. the one-line shortcut -------------------------------------------------------------------------


async def test_calibration_shortcut_is_two_messages_on_each_channel(world):
    await world.add_staff("Trần Kỹ Thuật", {"technician"}, telegram=TG_TECH)
    await world.add_staff("Lê Kỹ Thuật", {"technician"}, zalo=ZL_TECH)
    telegram, zalo = TelegramUser(world, TG_TECH), ZaloUser(world, ZL_TECH)
    for user in (telegram, zalo):
        [review] = await user.say("/kiemdinh dong ho nuoc 500 0 500")
        assert "Lĩnh vực: Đồng hồ đo nước" in review and texts.common.REVIEW_HINT in review
        [saved] = await user.answer(texts.common.CONFIRM)
        assert saved.startswith("Đã lưu lô kiểm định #")
        assert user.bot_messages == 2
    assert zalo.typed == ["/kiemdinh dong ho nuoc 500 0 500", "1"]
    on_telegram, on_zalo = await stored(world, CalibrationBatchRow, records.get_calibration_batch)
    assert apart_from_who(on_telegram) == apart_from_who(on_zalo)
    assert (on_zalo.field, on_zalo.verified, on_zalo.rejected, on_zalo.certificates) == ("dong_ho_nuoc", 500, 0, 500)


# --- 3. an inspection: the location button on Telegram, an address typed on Zalo -----------------------

MAX_INSPECTION_MESSAGES = 14


async def plan_and_stations(world: World, by: int) -> tuple[Plan, Facility, Facility]:
    meta = RecordMeta(by, recorded_at=world.app.clock.now())
    async with world.app.db.unit_of_work() as session:
        plan = await records.add_plan(session, Plan(0, "3826/KH-TĐC", dt.date(2023, 1, 3), "Chi cục TĐC",
                                                    "Kiểm tra đo lường xăng dầu", "kiem_tra", True), meta)
        await records.add_plan(session, Plan(0, "01/KH-CCTĐC", dt.date(2023, 1, 2), "Chi cục TĐC",  # two open:
                                             "Kiểm tra đo lường", "kiem_tra", True), meta)  # the question is asked
        minh_phat = await records.add_facility(session, Facility(
            0, "xang_dau", "Cửa hàng xăng dầu Minh Phát", "0101234567", "xã Tân Dân", "Hưng Yên"), meta)
        hoa_binh = await records.add_facility(session, Facility(
            0, "xang_dau", "Cửa hàng xăng dầu Hòa Bình", "0107654321", "xã Tân Dân", "Hưng Yên"), meta)
    return plan, minh_phat, hoa_binh


async def test_compliant_fuel_station_with_a_pin_on_telegram_and_an_address_on_zalo(world):
    an = await world.add_staff("Nguyễn Văn An", {"inspector"}, telegram=TG_INSPECTOR)
    chi = await world.add_staff("Lê Văn Chi", {"inspector"}, zalo=ZL_INSPECTOR)
    plan, minh_phat, hoa_binh = await plan_and_stations(world, an.id)
    # one record per plan, station and day: each inspector visits their own station

    telegram = TelegramUser(world, TG_INSPECTOR)
    await telegram.say("/kiemtra")
    for label in ("3826/KH-TĐC", "Hôm nay", "Xăng dầu", "minh phat", "Cửa hàng xăng dầu Minh Phát", texts.common.NO):
        await telegram.answer(label)
    asked = telegram.last
    assert asked.text == texts.inspection.ASK_GPS
    assert asked.reply_markup["keyboard"] == [[{"text": LOCATION_BUTTON, "request_location": True}],
                                              [{"text": "Bỏ qua"}], [{"text": "Quay lại"}], [{"text": "Hủy"}]]
    [criteria] = await telegram.share_location(20.6461, 106.0511)
    assert criteria.startswith("Cơ sở đạt tất cả các tiêu chí sau?")
    for label in (texts.common.YES, "CD01 -0,2; CD02 +0,1", "Không xử lý"):
        [review] = await telegram.answer(label)
    assert "Vị trí: 20.64610, 106.05110" in review.splitlines() and "Kết luận: ĐẠT" in review.splitlines()
    [saved] = await telegram.answer(texts.common.CONFIRM)
    assert saved == f"Đã lưu kết quả kiểm tra #1 — {minh_phat.name} (đạt)."
    assert telegram.last.reply_markup == {"remove_keyboard": True}  # the location keyboard goes away

    zalo = ZaloUser(world, ZL_INSPECTOR)
    [plans] = await zalo.say("/kiemtra")
    assert "\n1. 3826/KH-TĐC ngày 03/01/2023 — Kiểm tra đo lường xăng dầu\n" in plans
    for label in ("3826/KH-TĐC", "Hôm nay", "Xăng dầu", "hoa binh", "Cửa hàng xăng dầu Hòa Bình"):
        await zalo.answer(label)
    [asked] = await zalo.answer(texts.common.NO)
    assert asked == f"{texts.inspection.ASK_GPS}\n(gõ “bỏ qua” để bỏ qua câu này, “quay lại” để sửa câu trước, “hủy” để dừng)"
    for label in ("Thôn Đông, xã Tân Dân", texts.common.YES, "CD01 -0,2; CD02 +0,1", "Không xử lý"):
        [review] = await zalo.answer(label)
    assert "Vị trí: Thôn Đông, xã Tân Dân" in review.splitlines() and "Kết luận: ĐẠT" in review.splitlines()
    [saved] = await zalo.answer(texts.common.CONFIRM)
    assert saved == f"Đã lưu kết quả kiểm tra #2 — {hoa_binh.name} (đạt)."
    assert zalo.typed == ["/kiemtra", "1", "ok", "1", "hoa binh", "1", "2", "Thôn Đông, xã Tân Dân", "1",
                          "CD01 -0,2; CD02 +0,1", "1", "1"]

    # 11 questions and the review, then the confirmation — the same on both channels
    assert telegram.bot_messages == zalo.bot_messages == 12
    assert telegram.bot_messages <= MAX_INSPECTION_MESSAGES and zalo.bot_messages <= MAX_INSPECTION_MESSAGES

    on_telegram, on_zalo = await stored(world, InspectionRow, records.get_inspection)
    different = ("facility_id", "inspectors", "location_text")
    assert apart_from_who(on_telegram, *different) == apart_from_who(on_zalo, *different)
    assert on_telegram.compliant and on_telegram.plan_id == plan.id and on_telegram.visit_date == TODAY
    assert [(p.serial, p.error_percent) for p in on_telegram.pumps] == [("CD01", -0.2), ("CD02", 0.1)]
    assert (on_telegram.facility_id, on_telegram.inspectors, on_telegram.location_text) == (minh_phat.id, (an.id,), "")
    assert (on_zalo.facility_id, on_zalo.inspectors, on_zalo.location_text) == (
        hoa_binh.id, (chi.id,), "Thôn Đông, xã Tân Dân")
    async with world.app.db.read() as session:
        pinned = await records.get_facility(session, minh_phat.id)
        typed = await records.get_facility(session, hoa_binh.id)
    assert (pinned.latitude, pinned.longitude) == (20.6461, 106.0511)  # the pin stays with the station
    assert (typed.latitude, typed.longitude) == (None, None)  # an address moves no pin


# --- 4. a double tap on "Xác nhận" ---------------------------------------------------------------------


async def test_double_tapped_confirm_saves_once(world):
    await world.add_staff("Trần Kỹ Thuật", {"technician"}, telegram=TG_TECH)
    telegram = TelegramUser(world, TG_TECH)
    await telegram.say("/kiemdinh dien 5 0 5")
    review = telegram.last
    confirm = telegram.button(texts.common.CONFIRM)
    first = world.telegram.tap(TG_TECH, review.message_id, confirm)
    second = world.telegram.tap(TG_TECH, review.message_id, confirm)  # before the buttons are gone
    for tap in (first, second):
        await world.handled("telegram", str(tap["update_id"]))
        await world.telegram.wait_for_answer(tap)  # both spinners stop
    assert [m.text for m in telegram.messages[1:]] == ["Đã lưu lô kiểm định #1.", texts.common.QUESTION_CLOSED]
    await world.telegram.wait_until(lambda: review.edits, 5, "the review to show the choice")
    assert review.text.endswith(f"\n→ {texts.common.CONFIRM}") and review.inline_keyboard == []
    assert len(review.edits) == 1  # the second edit would change nothing: Telegram's "not modified"
    assert len(await stored(world, CalibrationBatchRow, records.get_calibration_batch)) == 1


# --- 5. licences and activities on Zalo -----------------------------------------------------------------


async def test_licence_and_activity_on_zalo(world):
    licensing = await world.add_staff("Vũ Cấp Phép", {"licensing"}, zalo=ZL_LICENSING)
    clerk = await world.add_staff("Đỗ Văn Thư", {"clerk"}, zalo=ZL_CLERK)

    licences = ZaloUser(world, ZL_LICENSING)
    [kinds] = await licences.say("/giayphep")
    assert "\n1. Giấy phép sử dụng thiết bị X-quang chẩn đoán trong y tế\n2. Chứng chỉ nhân viên bức xạ\n" in kinds
    for label in ("Giấy phép sử dụng thiết bị X-quang", "Cấp mới", "GP-12/2023", "Bệnh viện Đa khoa Phố Nối",
                  texts.common.SKIP, "Hôm nay"):
        [asked] = await licences.answer(label)
    assert asked == f"{texts.capture.LIC_EXPIRY}\nGõ “ok” để chọn: 13/01/2026 (3 năm kể từ ngày cấp)\n(gõ “quay lại” để sửa câu trước, “hủy” để dừng)"
    [review] = await licences.answer("13/01/2026")
    assert "Có hiệu lực đến: 13/01/2026" in review.splitlines() and review.endswith("1. Xác nhận\n2. Sửa\n3. Hủy\n"
                                                                             "Gõ số thứ tự để chọn.\n(gõ “quay lại” để sửa câu trước)")
    assert await licences.answer(texts.common.CONFIRM) == ["Đã lưu giấy phép #1."]
    assert licences.typed == ["/giayphep", "1", "1", "GP-12/2023", "Bệnh viện Đa khoa Phố Nối", "bỏ qua", "ok",
                              "ok", "1"]
    [licence] = await stored(world, LicenceRow, records.get_licence)
    assert (licence.kind, licence.action, licence.number, licence.holder, licence.facility) == (
        "xquang_y_te", "cap_moi", "GP-12/2023", "Bệnh viện Đa khoa Phố Nối", "")
    assert (licence.issue_date, licence.expiry_date) == (TODAY, dt.date(2026, 1, 13))
    assert (licence.meta.channel, licence.meta.recorded_by) == ("zalo", licensing.id)

    activities = ZaloUser(world, ZL_CLERK)
    [kinds] = await activities.say("/hoatdong")
    assert kinds.startswith(f"{texts.capture.ACT_KIND}\n1. Thông báo công bố hợp chuẩn\n2. Thông báo công bố hợp quy\n")
    for label in ("Thông báo công bố hợp chuẩn", "Hôm nay", "4", texts.common.SKIP):
        [review] = await activities.answer(label)
    assert review.splitlines()[:5] == [texts.capture.ACT_TITLE, "Loại: Thông báo công bố hợp chuẩn", "Ngày: 13/01/2023",
                                       "Số lượng: 4", "Văn bản: —"]
    assert await activities.answer(texts.common.CONFIRM) == ["Đã lưu hoạt động #1."]
    assert activities.typed == ["/hoatdong", "1", "ok", "4", "bỏ qua", "1"]
    [activity] = await stored(world, ActivityRow, records.get_activity)
    assert (activity.kind, activity.business_date, activity.count, activity.decision) == ("hop_chuan", TODAY, 4, "")
    assert (activity.meta.channel, activity.meta.recorded_by) == ("zalo", clerk.id)
    assert licences.bot_messages == 9 and activities.bot_messages == 6


# --- 6. one person, two channels ------------------------------------------------------------------------


async def test_link_code_from_telegram_attaches_the_zalo_account_to_the_same_person(world):
    await world.add_staff("Quản Trị Viên", {"admin"}, telegram=TG_ADMIN)
    async with world.app.db.unit_of_work() as session:
        invite, _ = await people.create_invite(session, name="Phạm Thị Hoa", roles={"technician"},
                                               now=world.app.clock.now(), valid_for=dt.timedelta(days=7))
    telegram = TelegramUser(world, TG_TECH)
    await telegram.say(f"/start {invite}")
    [registered] = await telegram.answer(texts.privacy.AGREE_LABEL)
    assert registered.startswith("Đã đăng ký tài khoản cho ")
    async with world.app.db.read() as session:
        hoa = await people.staff_by_identity(session, "telegram", str(TG_TECH))

    zalo = ZaloUser(world, ZL_TECH)
    assert await zalo.say("/help") == [texts.people.refusal()]  # a stranger on Zalo, for now
    [code_text] = await telegram.say("/lienket")
    code = code_text.split("/start ", 1)[1].split()[0]
    assert code_text == texts.people.LINK_CODE.format(code=code, other="Zalo", minutes=15, system="hệ thống")
    assert await zalo.say(f"/start {code}") == [
        texts.people.LINKED.format(channel="Zalo", name="Phạm Thị Hoa", roles="kỹ thuật viên kiểm định")
    ]
    assert await ZaloUser(world, ZL_INSPECTOR).say(f"/start {code}") == [texts.people.BAD_CODE]  # used once only

    [listed] = await TelegramUser(world, TG_ADMIN).say("/staff")
    lines = listed.splitlines()
    assert lines[0] == texts.people.STAFF_LIST_HEADER.format(count=2)  # the admin and Hoa: nobody new
    assert [line for line in lines if "Phạm Thị Hoa" in line] == [
        "1. Phạm Thị Hoa — kỹ thuật viên kiểm định [Telegram, Zalo]"
    ]
    async with world.app.db.read() as session:
        on_zalo = await people.staff_by_identity(session, "zalo", ZL_TECH)
    assert on_zalo.id == hoa.id and {i.channel for i in on_zalo.identities} == {"telegram", "zalo"}

    [commands] = await zalo.say("/help")
    assert "/kiemdinh (/calibrate)" in commands and "/staff" not in commands
    await zalo.say("/kiemdinh dong ho nuoc 500 0 500")
    assert await zalo.answer(texts.common.CONFIRM) == ["Đã lưu lô kiểm định #1."]
    [batch] = await stored(world, CalibrationBatchRow, records.get_calibration_batch)
    assert (batch.meta.recorded_by, batch.meta.channel) == (hoa.id, "zalo")


# --- 7. the monthly report: a file on Telegram, a link on Zalo ------------------------------------------


async def test_report_is_a_document_on_telegram_and_a_working_link_on_zalo(world):
    await world.add_staff("Phạm Lãnh Đạo", {"manager"}, telegram=TG_MANAGER, zalo=ZL_MANAGER)

    telegram = TelegramUser(world, TG_MANAGER)
    before = telegram.bot_messages
    await telegram.say("/baocao")  # on a busy machine the job may already have edited the status and sent the file
    status = telegram.messages[before]
    making = status.edits[0]["text"] if status.edits else status.text  # as first sent
    assert making == "Đang lập báo cáo tháng 01/2023 (15/12/2022–14/01/2023)…\nKỳ này không có bản ghi nào chờ duyệt hoặc cần bổ sung."
    document = await world.telegram.wait_for(lambda m: m.chat_id == TG_MANAGER and m.kind == "document", 30)
    assert document.upload.filename == "BaoCao_KHCN_2023-01.docx" and document.upload.content.startswith(b"PK")
    assert document.caption.startswith("Báo cáo tháng 01/2023")
    assert status.text.startswith("Đã lập xong báo cáo tháng 01/2023")  # the status message, edited
    assert "typing" in world.telegram.chats[TG_MANAGER].actions
    assert telegram.bot_messages == 2

    zalo = ZaloUser(world, ZL_MANAGER)
    await zalo.say("/baocao")
    await world.zalo.wait_until(lambda: zalo.bot_messages >= 3, 30, "the report link on Zalo")
    making, ready, link = zalo.texts
    assert making == "Đang lập báo cáo tháng 01/2023 (15/12/2022–14/01/2023)…\nKỳ này không có bản ghi nào chờ duyệt hoặc cần bổ sung."
    assert ready == status.text  # Zalo cannot edit: the same words come as a new message
    caption, url, validity = link.split("\n")
    assert caption == document.caption and validity == "(Liên kết dùng được trong 15 phút.)"
    assert url.startswith(world.app.config.web.public_url + "/d/")
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200
        assert "BaoCao_KHCN_2023-01.docx" in response.headers["Content-Disposition"]
        downloaded = await response.read()
    async with world.app.db.read() as session:
        [linked] = (await session.scalars(select(SignedLinkRow.path))).all()
    assert downloaded == await asyncio.to_thread(Path(linked).read_bytes)  # the linked file, byte for byte
    # and the same report as Telegram's: two jobs made two files, equal but for the zip's timestamps and
    # the time of making in the core properties
    assert docx_parts(downloaded) == docx_parts(document.upload.content)


def docx_parts(content: bytes) -> dict[str, bytes]:
    made = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")
    with zipfile.ZipFile(io.BytesIO(content)) as docx:
        return {name: made.sub(b"", docx.read(name)) for name in docx.namelist()}


# --- 8. roles ---------------------------------------------------------------------------------------------


async def test_a_technician_may_not_inspect_on_either_channel(world):
    await world.add_staff("Trần Kỹ Thuật", {"technician"}, telegram=TG_TECH, zalo=ZL_TECH)
    refusal = texts.people.not_allowed("kiemtra", texts.people.role_names({"inspector"}), "đồng chí")
    assert await TelegramUser(world, TG_TECH).say("/kiemtra") == [refusal]
    assert await ZaloUser(world, ZL_TECH).say("/kiemtra") == [refusal]
    async with world.app.db.read() as session:
        assert (await session.scalars(select(InspectionRow.id))).all() == []
