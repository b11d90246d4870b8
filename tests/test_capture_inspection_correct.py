"""An inspection visit corrected through /cuatoi in /kiemtra itself, on Zalo text and on Telegram: the
fine, a criterion, the pump line and a photo added; the visit keeps its identity, facility, team and
photos; the audit keeps both versions; the report and the export follow the correction."""

from __future__ import annotations

import re

import openpyxl
import pytest

import texts
from storage import engine_store, records
from storage.domain import Facility, RecordMeta
from tests.kit import Chat, add_plan, add_staff, make_app
from tests.test_report_chat import docx_text

FINE = dict(texts.inspection.ACTIONS)["fine"]
REMINDER = dict(texts.inspection.ACTIONS)["reminder"]


@pytest.fixture
async def station(config, db):
    """An app on 13/01/2023, one open plan, a remembered facility of the first kind with pumps (from the
    catalogue), inspectors An and Bình, a manager."""
    app, sender = await make_app(config, db)
    kind = next(k for k in config.catalogue.facility_kinds if k.has_pumps and len(k.criteria) >= 2)
    people = {}
    for channel in ("zalo", "telegram"):
        people[channel] = await add_staff(app, "Nguyễn Văn An", {"inspector"}, f"an-{channel}", channel=channel)
    binh = await add_staff(app, "Trần Thị Bình", {"inspector"}, "binh")
    await add_staff(app, "Phạm Lãnh Đạo", {"manager"}, "boss")
    await add_plan(app)
    async with app.db.unit_of_work() as session:
        place = await records.add_facility(
            session, Facility(0, kind.key, "Cửa hàng Minh Phát", "0101234567", "xã Tân Dân", "Hưng Yên"),
            RecordMeta(binh.id, recorded_at=app.clock.now()),
        )
    return app, sender, kind, place, binh


async def pick(chat: Chat, screen: str, label: str) -> str:
    """Choose by label as each channel does: a tap on Telegram, the number typed on Zalo."""
    if chat.channel == "telegram":
        return await chat.tap(label)
    number = next(m[1] for m in re.finditer(r"^(\d+)\. (.*)$", screen, re.M) if m[2].startswith(label))
    return await chat.say(number)


async def visit(app, visit_id: int = 1):
    async with app.db.read() as session:
        return await records.get_inspection(session, visit_id)


async def report_and_export(app, sender) -> tuple[str, list]:
    boss = Chat(app, sender, "boss")
    document = (await boss.replies("/baocao 01/2023"))[-1]
    sheet = (await boss.replies("/xuat 01/2023"))[-1]
    book = openpyxl.load_workbook(sheet.document_path, read_only=True)
    rows = [row for ws in book.worksheets if ws.title == texts.document.SHEET_INSPECTIONS
            for row in ws.iter_rows(min_row=2, values_only=True)]
    book.close()
    return docx_text(document.document_path), rows


@pytest.mark.parametrize("channel", ["zalo", "telegram"])
async def test_an_inspection_corrected_in_its_own_form(station, channel):
    app, sender, kind, place, binh = station
    chat = Chat(app, sender, f"an-{channel}", channel=channel)
    second = kind.criteria[1]
    # the visit, as typed on site: all met, two pumps within limits, a reminder, one photo
    screen = await chat.many("/kiemtra", "ok", kind.label, "minh phat")
    screen = await pick(chat, screen, "Cửa hàng Minh Phát")
    screen = await pick(chat, await chat.say("có"), "Trần Thị Bình")
    await chat.many("không", "bỏ qua", "có", "CD01 -0,2; CD02 +0,1")
    await chat.many(REMINDER, "Nhắc niêm yết giá")
    await chat.photo("media/p1.jpg")
    assert (await chat.say("1")).startswith("Đã lưu kết quả kiểm tra #1")
    before = await visit(app)
    report_before, export_before = await report_and_export(app, sender)

    # /cuatoi → the visit → Sửa: /kiemtra opens at its review with every answer
    listing = await chat.say("/cuatoi")
    assert "13/01/2023 Kiểm tra cơ sở Cửa hàng Minh Phát (#1)" in listing
    screen = await pick(chat, listing, "13/01/2023 Kiểm tra cơ sở Cửa hàng Minh Phát")
    assert screen.startswith(texts.capture.mine_action("13/01/2023 Kiểm tra cơ sở Cửa hàng Minh Phát (#1) · chờ duyệt"))
    review = await pick(chat, screen, texts.capture.MINE_EDIT)
    assert "Sửa kết quả kiểm tra #1" in review
    for line in ("Cơ sở: Cửa hàng Minh Phát (xã Tân Dân, MST 0101234567)", "Đoàn kiểm tra: Nguyễn Văn An, Trần Thị Bình",
                 texts.inspection.REVIEW_ALL_MET, "Xử lý: Nhắc nhở", "Vi phạm: Nhắc niêm yết giá", "Ảnh: 1"):
        assert line in review.splitlines(), line

    # a criterion: not met, with its note
    edits = await pick(chat, review, texts.common.EDIT)
    screen = await pick(chat, edits, texts.inspection.SECTION_CRITERIA)
    review = await chat.many("không", "2", "Thiếu hồ sơ chất lượng lô 12")
    assert "không đạt — Thiếu hồ sơ chất lượng lô 12" in review
    # the pump line: CD02 out of tolerance and expired
    edits = await pick(chat, review, texts.common.EDIT)
    screen = await pick(chat, edits, texts.inspection.LABEL_PUMPS_QUICK)
    review = await chat.say("CD01 -0,2; CD02 +0,6 hết hạn")
    # the action: a fine of 7,5 million, the violations said again
    edits = await pick(chat, review, texts.common.EDIT)
    screen = await pick(chat, edits, texts.inspection.SECTION_ACTION)
    screen = await pick(chat, screen, FINE)
    review = await chat.many("7.500.000", "Cột CD02 sai số vượt giới hạn")
    # a photo added
    assert await chat.photo("media/p2.jpg") == texts.common.photo_received(2)
    assert f"{texts.inspection.LABEL_ACTION}: {FINE} {texts.inspection.format_money(7_500_000)}" in review.splitlines()
    assert (await pick(chat, review, texts.common.CONFIRM)) == "Đã sửa kết quả kiểm tra #1."

    after = await visit(app)
    assert (after.id, after.facility_id, after.plan_id, after.visit_date) == (1, place.id, before.plan_id, before.visit_date)
    assert after.inspectors == before.inspectors and len(after.inspectors) == 2 and binh.id in after.inspectors
    assert {a.criterion: (a.result, a.note) for a in after.checklist}[second.key] == ("not_met", "Thiếu hồ sơ chất lượng lô 12")
    assert [(p.serial, p.certificate_valid, p.within_limit) for p in after.pumps] == [("CD01", True, True), ("CD02", False, False)]
    assert (after.action, after.fine_amount) == ("fine", 7_500_000) and not after.compliant
    assert after.photos == ("media/p1.jpg", "media/p2.jpg") and after.meta.version == 2 and after.meta.form == "inspection"
    async with app.db.read() as session:
        entries = await engine_store.audit_entries(session, "inspection")
    [update] = [e for e in entries if e["action"] == "update"]
    assert (update["before"]["action"], update["before"]["fine_amount"]) == ("reminder", 0)
    assert (update["after"]["action"], update["after"]["fine_amount"]) == ("fine", 7_500_000)
    assert len(update["before"]["photos"]) == 1 and len(update["after"]["photos"]) == 2

    report_after, export_after = await report_and_export(app, sender)
    assert "7.500.000" in report_after and "7.500.000" not in report_before
    assert "CD02" in report_after and "CD02" not in report_before
    [row_before], [row_after] = export_before, export_after
    assert texts.document.NOT_COMPLIANT in row_after and texts.document.NOT_COMPLIANT not in row_before
    assert 7_500_000 in row_after and "p1.jpg, p2.jpg" in row_after and "p1.jpg" in row_before


async def test_a_correction_can_drop_the_photos_and_send_others(station):
    app, sender, kind, place, _ = station
    chat = Chat(app, sender, "an-zalo", channel="zalo")
    screen = await chat.many("/kiemtra", "ok", kind.label, "minh phat")
    await pick(chat, screen, "Cửa hàng Minh Phát")
    await chat.many("không", "bỏ qua", "có", "CD01 -0,2", REMINDER, "bỏ qua")
    await chat.photo("media/p1.jpg")
    await chat.photo("media/p2.jpg")
    await chat.say("1")
    review = await chat.many("/cuatoi", "1", texts.capture.MINE_EDIT)
    edits = await pick(chat, review, texts.common.EDIT)
    review = await pick(chat, edits, texts.common.drop_photos(2))
    assert review.startswith(texts.common.photos_dropped(2)) and "Ảnh:" not in review
    await chat.photo("media/p3.jpg")
    assert await chat.say("1") == "Đã sửa kết quả kiểm tra #1."
    assert (await visit(app)).photos == ("media/p3.jpg",)
