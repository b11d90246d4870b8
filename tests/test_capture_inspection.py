"""/kiemtra through the real router, flows, engine and database, as an inspector on site sees it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

import texts
from handlers import checklist, facilities
from storage import engine_store, records
from storage.domain import Facility, RecordMeta
from storage.record_models import FacilityRow, InspectionRow
from tests.kit import Chat, add_older_plan, add_plan, add_staff, make_app

TODAY = dt.date(2023, 1, 13)


@pytest.fixture
async def field(config, db):
    """An app on 13/01/2023, inspectors An (console), Bình (console) and Chi (telegram), a clerk, a plan,
    and a remembered fuel station."""
    app, sender = await make_app(config, db)
    an = await add_staff(app, "Nguyễn Văn An", {"inspector"}, "an")
    binh = await add_staff(app, "Trần Thị Bình", {"inspector"}, "binh")
    chi = await add_staff(app, "Lê Văn Chi", {"inspector"}, "chi", channel="telegram")
    await add_staff(app, "Phạm Thu", {"clerk"}, "thu")
    plan = await add_plan(app)
    await add_older_plan(app)
    async with app.db.unit_of_work() as session:
        station = await records.add_facility(
            session,
            Facility(0, "xang_dau", "Cửa hàng xăng dầu Minh Phát", "0101234567", "xã Tân Dân", "Hưng Yên"),
            RecordMeta(an.id, recorded_at=app.clock.now()),
        )
    return app, sender, {"an": an, "binh": binh, "chi": chi, "plan": plan, "station": station}


async def visits(app) -> list:
    async with app.db.read() as session:
        ids = (await session.scalars(select(InspectionRow.id).order_by(InspectionRow.id))).all()
        return [await records.get_inspection(session, i) for i in ids]


async def stored_compliance(app) -> list[bool]:
    async with app.db.read() as session:
        return list((await session.scalars(select(InspectionRow.compliant).order_by(InspectionRow.id))).all())


async def facility(app, facility_id: int) -> Facility:
    async with app.db.read() as session:
        return await records.get_facility(session, facility_id)


# the compliant fuel station, typed on Zalo or the console, with the shortcuts
COMPLIANT = ["/kiemtra", "1", "ok", "1", "minh phat", "1", "không", "bỏ qua", "có", "CD01 -0,2; CD02 +0,1", "1"]


async def test_compliant_fuel_station_in_few_messages(field):
    app, sender, ids = field
    chat = Chat(app, sender, "an")
    seen = [await chat.say(line) for line in COMPLIANT]
    assert seen[0].startswith(texts.inspection.ASK_PLAN) and "1. 3826/KH-TĐC ngày 03/01/2023" in seen[0]
    assert "Gõ “ok” để chọn: Hôm nay (13/01/2023)" in seen[1]
    kinds = [facilities.kind_label(k) for k in app.services.catalogue.facility_kinds]  # the catalogue's, in order
    assert "\n".join(f"{n}. {label}" for n, label in enumerate(kinds, start=1)) in seen[2]
    assert "1. Cửa hàng xăng dầu Minh Phát (xã Tân Dân, MST 0101234567)\n2. ➕ Thêm cơ sở mới" in seen[4]
    assert seen[6] == f"{texts.inspection.ASK_GPS}\n(gõ “bỏ qua” để bỏ qua câu này, “quay lại” để sửa câu trước, “hủy” để dừng)"  # the same question as on Telegram
    assert "• Phương tiện đo còn hiệu lực kiểm định" in seen[7] and "±0,45%" in seen[7]
    review = seen[-1]
    for line in (
        "KẾT QUẢ KIỂM TRA — XĂNG DẦU",
        "Ngày: 13/01/2023",
        "Cơ sở: Cửa hàng xăng dầu Minh Phát (xã Tân Dân, MST 0101234567)",
        "Người kiểm tra: Nguyễn Văn An",
        "Tiêu chí: tất cả đạt",
        "Cột đo (2):",
        "  ✓ CD01: -0,20% — trong giới hạn",
        "  ✓ CD02: +0,10% — trong giới hạn",
        "Xử lý: Không xử lý",
        "Kết luận: ĐẠT",
        "1. Xác nhận",
    ):
        assert line in review.splitlines(), line
    assert texts.inspection.ASK_VIOLATIONS not in "".join(seen)  # nothing wrong, no action: no violations question
    done = await chat.say("1")
    saved = await visits(app)
    assert done == f"Đã lưu kết quả kiểm tra #{saved[0].id} — Cửa hàng xăng dầu Minh Phát (đạt)."
    assert chat.bot_messages == 12  # 11 questions and the review, then the confirmation
    visit = saved[0]
    assert (visit.plan_id, visit.facility_id, visit.facility_kind) == (ids["plan"].id, ids["station"].id, "xang_dau")
    assert visit.visit_date == TODAY and visit.inspectors == (ids["an"].id,)
    assert {(a.criterion, a.result) for a in visit.checklist} == {
        ("pt_do_hieu_luc", "met"), ("ho_so_chat_luong", "met"), ("ghi_nhan", "met")
    }
    assert [(p.serial, p.error_percent, p.within_limit, p.certificate_valid, p.seals_intact) for p in visit.pumps] == [
        ("CD01", -0.2, True, True, True), ("CD02", 0.1, True, True, True)
    ]
    assert visit.compliant and visit.action == "none" and visit.meta.channel == "console"
    assert await stored_compliance(app) == [True]
    async with app.db.read() as session:
        assert await engine_store.get_conversation(session, "console", "an") is None


async def test_telegram_taps_location_pin_and_a_teammate(field):
    app, sender, ids = field
    chat = Chat(app, sender, "chi", channel="telegram")
    await chat.say("/kiemtra")
    await chat.tap("3826")
    await chat.tap("Hôm nay")
    await chat.tap("Xăng dầu")
    await chat.say("xang dau minh")
    await chat.tap("Minh Phát")
    more = await chat.tap("Có")
    assert texts.inspection.ASK_INSPECTOR in more and "Nguyễn Văn An" in more and "Lê Văn Chi" not in more
    await chat.tap("Trần Thị Bình")
    asked = await chat.tap("Không")
    assert chat.last.ask_location and asked.startswith(texts.inspection.ASK_GPS)
    await chat.pin(20.6461, 106.0511)
    await chat.tap("Có")
    await chat.say("CD01 -0,2")
    review = await chat.tap("Không xử lý")
    assert "Đoàn kiểm tra: Lê Văn Chi, Trần Thị Bình" in review and "Vị trí: 20.64610, 106.05110" in review
    await chat.tap("Xác nhận")
    assert chat.bot_messages == 14  # 12 for the same form plus the teammate (2 taps)
    [visit] = await visits(app)
    assert visit.inspectors == (ids["chi"].id, ids["binh"].id) and visit.meta.channel == "telegram"
    station = await facility(app, ids["station"].id)
    assert (station.latitude, station.longitude) == (20.6461, 106.0511)  # kept with the facility
    assert visit.location_text == ""


async def test_typed_coordinates_go_to_the_facility_and_an_address_to_the_visit(field):
    app, sender, ids = field
    chat = Chat(app, sender, "an")
    await chat.many(*COMPLIANT[:7])
    assert chat.last.ask_location  # one form: a channel without the button shows the prompt only
    review = await chat.many("20.65, 106.05", *COMPLIANT[8:])
    assert "Vị trí: 20.65000, 106.05000" in review
    await chat.say("1")
    assert (await facility(app, ids["station"].id)).latitude == 20.65
    lines = list(COMPLIANT)
    lines[2] = "12/1"
    del lines[7]  # the station's position is remembered now: the question is not asked again
    seen = [await chat.say(line) for line in lines]
    assert "Vị trí: 20.65000, 106.05000" in seen[-1] and not [s for s in seen if texts.inspection.ASK_GPS in s]
    await chat.many("sửa", "vị trí")  # still editable at the review
    review = await chat.say("Thôn Đông, xã Tân Dân")
    assert "Vị trí: Thôn Đông, xã Tân Dân" in review
    await chat.say("1")
    first, second = await visits(app)
    assert first.location_text == "" and second.location_text == "Thôn Đông, xã Tân Dân"
    assert (await facility(app, ids["station"].id)).longitude == 106.05  # an address moves no pin


async def test_a_draft_of_the_former_typed_twin_goes_on_with_the_one_form(field):
    """Drafts stored by a running bot under "inspection_text" (with a text "place"): the typed place is
    asked again as the location question, nothing else is lost, and the draft moves to the one form."""
    app, sender, _ = field
    chat = Chat(app, sender, "an")
    await chat.many(*COMPLIANT)  # at the review
    async with app.db.unit_of_work() as session:
        stored = (await engine_store.get_conversation(session, "console", "an")).state
        draft = stored["state"]
        draft["answers"].pop("gps")
        draft["answers"]["place"] = "Thôn Đông"
        draft["stack"] = ["place" if entry == "gps" else entry for entry in draft["stack"]]
        stored["flow"] = draft["flow"] = "inspection_text"
        await engine_store.put_conversation(session, "console", "an", stored, app.clock.now(), None)
    asked = await chat.say("1")
    assert asked.startswith(texts.inspection.ASK_GPS)
    async with app.db.read() as session:
        assert (await engine_store.get_conversation(session, "console", "an")).state["flow"] == "inspection"
    review = await chat.say("Thôn Đông, xã Tân Dân")
    assert "Vị trí: Thôn Đông, xã Tân Dân" in review and "Cột đo (2):" in review
    await chat.say("1")
    [visit] = await visits(app)
    assert visit.location_text == "Thôn Đông, xã Tân Dân" and len(visit.pumps) == 2


async def test_non_compliant_electrical_shop_new_facility_found_again_unaccented(field):
    app, sender, ids = field
    chat = Chat(app, sender, "an")
    await chat.many("/kiemtra", "1", "hôm qua", "2", "điện máy")
    picked = await chat.say("1")
    assert picked == texts.inspection.ASK_NEW_NAME + "\n(gõ “quay lại” để sửa câu trước, “hủy” để dừng)"
    await chat.many("Điện máy Hoàng Gia", "0109876543-001", "Số 5 đường Nguyễn Văn Linh, phường Hiến Nam")
    await chat.many("không", "bỏ qua")
    which = await chat.say("không")  # the failed criteria in one answer, by their numbers
    assert which.startswith(
        "Tiêu chí nào không đạt? Gõ số, ví dụ “2 3”:\n1. Lưu giữ đủ hồ sơ chất lượng\n"
        "2. Ghi nhãn, gắn tem CR đúng quy định\n"
    )
    assert (await chat.say("3")).startswith(texts.inspection.failed_numbers_bad(2))
    note = await chat.say("2")
    assert note.startswith(texts.inspection.note_prompt("Ghi nhãn, gắn tem CR đúng quy định"))
    await chat.say("3 ổ cắm không có tem CR")
    fine = await chat.say("4")
    assert fine.startswith(texts.inspection.ASK_FINE)
    await chat.say("2.500.000")
    review = await chat.say("Bày bán ổ cắm chưa gắn tem CR")
    for line in (
        "KẾT QUẢ KIỂM TRA — THIẾT BỊ ĐIỆN - ĐIỆN TỬ",
        "Ngày: 12/01/2023",
        "Cơ sở: Điện máy Hoàng Gia (Số 5 đường Nguyễn Văn Linh, phường Hiến Nam, MST 0109876543-001) (cơ sở mới)",
        "  ✓ Lưu giữ đủ hồ sơ chất lượng: đạt",
        "  ✗ Ghi nhãn, gắn tem CR đúng quy định: không đạt — 3 ổ cắm không có tem CR",
        "Xử lý: Xử phạt vi phạm hành chính (phạt tiền) 2.500.000 đồng",
        "Vi phạm: Bày bán ổ cắm chưa gắn tem CR",
        "Kết luận: KHÔNG ĐẠT",
    ):
        assert line in review.splitlines(), line
    done = await chat.say("xác nhận")
    [visit] = await visits(app)
    assert done.endswith("— Điện máy Hoàng Gia (không đạt).")
    assert not visit.compliant and visit.pumps == () and visit.visit_date == dt.date(2023, 1, 12)
    assert [(a.criterion, a.result, a.note) for a in visit.checklist] == [
        ("ho_so_chat_luong", "met", ""), ("ghi_nhan_tem_cr", "not_met", "3 ổ cắm không có tem CR")
    ]
    assert (visit.action, visit.fine_amount, visit.violations) == ("fine", 2_500_000, "Bày bán ổ cắm chưa gắn tem CR")
    assert await stored_compliance(app) == [False]
    new = await facility(app, visit.facility_id)
    province = app.config.organisation["province"]  # the configured province goes to a new facility
    assert (new.kind, new.tax_code, new.province) == ("dien_dien_tu", "0109876543-001", province)
    # found again, typed without diacritics, by another inspector
    other = Chat(app, sender, "binh")
    listed = await other.many("/kiemtra", "1", "ok", "2", "hoang gia")
    assert "1. Điện máy Hoàng Gia (Số 5 đường Nguyễn Văn Linh, phường Hiến Nam, MST 0109876543-001)" in listed
    by_code = await other.many("quay lại", "0109876543-001")
    assert "1. Điện máy Hoàng Gia" in by_code
    async with app.db.read() as session:
        assert await session.scalar(select(func.count(FacilityRow.id))) == 2
        created = await engine_store.audit_entries(session, "facility")
    assert [e["action"] for e in created] == ["create"]


async def test_new_facility_with_a_known_tax_code_uses_the_remembered_one(field):
    app, sender, ids = field
    chat = Chat(app, sender, "an")
    review = await chat.many(
        "/kiemtra", "1", "ok", "1", "cay xang", "1", "Cây xăng Minh Phát", "0101234567", "xã Tân Dân",
        "không", "bỏ qua", "có", "-0,1", "1",
    )
    assert texts.inspection.review_tax_code_known("Cửa hàng xăng dầu Minh Phát") in review
    await chat.say("1")
    [visit] = await visits(app)
    assert visit.facility_id == ids["station"].id and visit.pumps[0].serial == ""


async def test_pumps_on_one_line_when_not_all_met_and_out_of_tolerance_said_at_once(field):
    """The failing branch takes the compliant branch's one line; a pump out of tolerance, expired or
    unsealed is said the moment the line is typed, not at the review."""
    app, sender, _ = field
    chat = Chat(app, sender, "an")
    await chat.many(*COMPLIANT[:8], "không")
    asked = await chat.say("ka 2")  # nothing failed; quality records do not apply
    assert asked.startswith(texts.inspection.ASK_PUMPS_QUICK)
    wrong = await chat.say("CD01 -0,5 mất; CD02 0,3")
    assert wrong.startswith(texts.inspection.pump_serial_bad(1, "CD01 -0,5 mất"))
    said = await chat.say("CD01 -0,5 mất niêm phong; CD02 0,3; CD03 +0,1 hết hạn")
    assert said.startswith(
        "⚠ Cột đo không đạt:\n"
        "  ✗ CD01: -0,50% — vượt giới hạn ±0,45%, mất niêm phong\n"
        "  ✗ CD03: +0,10% — trong giới hạn, hết hạn kiểm định\n" + texts.inspection.ASK_ACTION
    )
    review = await chat.many("2", "Niêm phong cột CD01 bị đứt")
    assert "  ✗ CD01: -0,50% — vượt giới hạn ±0,45%, mất niêm phong" in review
    assert "  ✓ CD02: +0,30% — trong giới hạn" in review and "Kết luận: KHÔNG ĐẠT" in review
    await chat.say("1")
    [visit] = await visits(app)
    assert [(p.serial, p.certificate_valid, p.seals_intact, p.within_limit) for p in visit.pumps] == [
        ("CD01", True, False, False), ("CD02", True, True, True), ("CD03", False, True, True)
    ]
    assert [(a.criterion, a.result) for a in visit.checklist] == [
        ("pt_do_hieu_luc", "met"), ("ho_so_chat_luong", "na"), ("ghi_nhan", "met")
    ]
    assert not visit.compliant and visit.action == "reminder"


async def test_the_review_says_when_a_pump_fails_a_criterion_answered_met(field):
    """The pumps answer the criterion their catalogue entry names (`pumps = "certificate"`): "all met"
    with a pump typed "hết hạn" is said on the review, before the inspector confirms; the report counts
    the criterion failed either way (reports.aggregate.failed_at)."""
    app, sender, _ = field
    covered = next(c for c in app.services.catalogue.facility_kind("xang_dau").criteria if c.pumps == "certificate")
    chat = Chat(app, sender, "an")
    review = await chat.many(*COMPLIANT[:9], "CD01 -0,2; CD02 +0,1 hết hạn", "1", "bỏ qua")
    warning = texts.inspection.pumps_fail_criterion(covered.label, "met", ["CD02"], "certificate")
    assert warning in review.splitlines() and "nhưng cột đo CD02 hết hạn kiểm định" in warning
    assert review.index("  ✗ CD02") < review.index(warning) < review.index("Kết luận: KHÔNG ĐẠT")
    clean = Chat(app, sender, "binh")
    clean_review = await clean.many(*COMPLIANT[:9], "CD01 -0,2; CD02 +0,1", "1")
    assert "Kết luận: ĐẠT" in clean_review and "⚠ Tiêu chí" not in clean_review


async def test_the_review_says_when_every_pump_passes_a_criterion_answered_not_met(field):
    app, sender, _ = field
    kind = app.services.catalogue.facility_kind("xang_dau")
    number = next(i for i, c in enumerate(kind.criteria, start=1) if c.pumps == "certificate")
    chat = Chat(app, sender, "an")
    await chat.many(*COMPLIANT[:8], "không", str(number), "Tem kiểm định cột CD03 bị bóc")
    review = await chat.many("CD01 -0,2; CD02 +0,1", "2", "Tem kiểm định bị bóc")
    warning = texts.inspection.pumps_pass_criterion(kind.criteria[number - 1].label, "certificate")
    assert warning in review.splitlines() and "các cột đo đã nhập đều còn hiệu lực kiểm định" in warning
    assert "Kết luận: KHÔNG ĐẠT" in review  # the answer stands
    await chat.say("1")
    [visit] = await visits(app)
    assert [a.result for a in visit.checklist if a.criterion == kind.criteria[number - 1].key] == ["not_met"]


def test_a_criterion_answered_not_applicable_with_a_failing_pump_is_said_too():
    from storage.domain import PumpCheck

    kind = next(k for k in _catalogue().facility_kinds if any(c.pumps for c in k.criteria))
    covered = [i for i, c in enumerate(kind.criteria, start=1) if c.pumps]
    answers = {"kind": kind.key, checklist.all_ok_key(kind.key): False,
               checklist.failed_key(kind.key): "ka " + " ".join(map(str, covered))}  # fmt: skip
    bad = PumpCheck("", False, False, -3.0, False)
    said = checklist.disagreements(kind, answers, [bad])
    assert len(said) == len(covered) and all("không áp dụng, nhưng cột đo Cột 1" in line for line in said)
    assert checklist.disagreements(kind, answers, []) == []  # no pumps typed: nothing to compare
    good = PumpCheck("CD01", True, True, 0.1, True)
    assert checklist.disagreements(kind, answers, [good]) == []  # not applicable, pumps fine: no quarrel


def _catalogue():
    from bot.config import load_config
    from tests.conftest import REPO

    return load_config(REPO / "config.toml", env={}).catalogue


# --- wrong input: one sentence and the same question; nothing already answered is lost ----------------


@pytest.mark.parametrize(
    ("answers", "bad", "expected"),
    [
        (["/kiemtra", "1"], "14/01/2023", "Ngày 14/01/2023 chưa đến (hôm nay là 13/01/2023), vui lòng nhập một ngày đã qua."),
        (["/kiemtra", "1"], "31/02/2023", "Không có ngày 31/02/2023, vui lòng kiểm tra lại ngày và tháng."),
        (["/kiemtra", "1", "ok", "1"], "x" * 5000, texts.common.text_too_long(100)),
        (["/kiemtra", "1", "ok", "1"], "m", texts.inspection.QUERY_TOO_SHORT),
        (["/kiemtra", "1", "ok", "1", "minh", "2"], "   ", texts.common.EMPTY),
        (["/kiemtra", "1", "ok", "1", "minh", "2"], "x" * 5000, texts.common.text_too_long(300)),
        (["/kiemtra", "1", "ok", "1", "minh", "2", "Cây xăng Số 9"], "12345", texts.inspection.TAX_CODE_BAD),
        (COMPLIANT[:9], "CD01 abc", texts.inspection.pump_serial_bad(1, "CD01 abc")),
        (COMPLIANT[:9], "CD01 -0,2; CD02 150", texts.inspection.PUMP_ERROR_RANGE),
        (COMPLIANT[:10] + ["4"], "0", texts.inspection.FINE_ZERO),
        (COMPLIANT[:10] + ["4"], "-5", texts.inspection.FINE_POSITIVE),
        (COMPLIANT[:10] + ["4"], "abc", texts.common.MONEY_EXPECTED),
    ],
)
async def test_wrong_input_repeats_the_question(field, answers, bad, expected):
    app, sender, _ = field
    chat = Chat(app, sender, "an")
    question = await chat.many(*answers)
    again = await chat.say(bad)
    assert again == f"{expected}\n{question}"
    assert await visits(app) == []


async def test_sticker_and_location_where_text_is_expected(field):
    app, sender, _ = field
    chat = Chat(app, sender, "an")
    question = await chat.many("/kiemtra", "1", "ok", "1")
    assert await chat.other("sticker") == f"{texts.common.UNSUPPORTED}\n{question}"
    assert await chat.pin(20.6, 106.0) == f"{texts.common.TEXT_EXPECTED}\n{question}"
    listed = await chat.say("minh")  # nothing answered before was lost
    assert "Cửa hàng xăng dầu Minh Phát" in listed


async def test_back_edit_and_cancel(field):
    app, sender, _ = field
    chat = Chat(app, sender, "an")
    await chat.many(*COMPLIANT[:5])
    back = await chat.say("quay lại")
    assert back.startswith(texts.inspection.ASK_QUERY)
    review = await chat.many("minh", *COMPLIANT[5:])
    assert "Ngày: 13/01/2023" in review
    edit_list = await chat.say("sửa")
    assert "Ngày: 13/01/2023" in edit_list
    number = next(line.split(".")[0] for line in edit_list.splitlines() if line.split(". ", 1)[-1].startswith("Ngày:"))
    asked = await chat.say(number)
    assert asked.startswith(texts.inspection.ASK_DATE) and "(13/01/2023)" in asked
    review = await chat.say("hôm qua")
    assert "Ngày: 12/01/2023" in review and "Cột đo (2):" in review  # the rest is kept
    assert await chat.say("hủy") == "Đã hủy, không có gì được lưu."
    assert await visits(app) == []


async def test_cancel_midway_saves_nothing(field):
    app, sender, _ = field
    chat = Chat(app, sender, "an")
    await chat.many(*COMPLIANT[:6])
    assert await chat.say("/huy") == "Đã hủy, không có gì được lưu."
    assert await visits(app) == []


async def test_double_confirm_saves_once(field):
    app, sender, _ = field
    chat = Chat(app, sender, "chi", channel="telegram")
    await chat.many(*COMPLIANT[:7])
    await chat.tap("Bỏ qua")
    await chat.many(*COMPLIANT[8:])
    confirm = next(c for c in chat.last.choices if c.label == "Xác nhận")
    first = await chat.other("choice", choice=confirm.key)
    second = await chat.other("choice", choice=confirm.key)
    typed = await chat.say("1")
    assert first.startswith("Đã lưu kết quả kiểm tra #")
    assert second == texts.common.QUESTION_CLOSED and typed == "Gõ /help để xem các lệnh được dùng."
    assert len(await visits(app)) == 1


async def test_photos_at_any_step_are_kept(field):
    app, sender, _ = field
    chat = Chat(app, sender, "an")
    await chat.many(*COMPLIANT[:4])
    assert await chat.other("photo", photo_path="media/a.jpg") == texts.common.photo_received(1)
    await chat.many(*COMPLIANT[4:9])
    await chat.other("photo", photo_path="media/b.jpg")
    review = await chat.many(*COMPLIANT[9:])
    assert "Ảnh: 2" in review
    await chat.say("1")
    [visit] = await visits(app)
    assert visit.photos == ("media/a.jpg", "media/b.jpg")


# --- who may record, and when ---------------------------------------------------------------------------


async def test_only_inspectors(field):
    app, sender, _ = field
    chat = Chat(app, sender, "thu")
    assert await chat.say("/kiemtra") == "Lệnh /kiemtra dành cho công chức kiểm tra; tài khoản của đồng chí không có quyền này."
    assert (await chat.say("/inspect")).startswith("Lệnh /inspect dành cho công chức kiểm tra")


async def test_no_open_plan(config, db):
    app, sender = await make_app(config, db)
    await add_staff(app, "Nguyễn Văn An", {"inspector"}, "an")
    await add_plan(app, is_open=False)
    chat = Chat(app, sender, "an")
    assert await chat.say("/kiemtra") == texts.inspection.NO_OPEN_PLAN
    async with app.db.read() as session:
        assert await engine_store.get_conversation(session, "console", "an") is None


# --- one record per visit, whoever of the team sends it ---------------------------------------------


async def test_a_visit_already_recorded_by_a_teammate_cannot_be_picked(field):
    app, sender, _ = field
    await Chat(app, sender, "an").many(*COMPLIANT, "1")
    chat = Chat(app, sender, "binh")
    listed = await chat.many(*COMPLIANT[:5])
    [visit] = await visits(app)
    assert f"1. Cửa hàng xăng dầu Minh Phát — đã có kết quả kiểm tra #{visit.id}" in listed
    refused = await chat.say("1")
    assert refused.startswith(texts.inspection.facility_already_recorded(visit.id))
    assert len(await visits(app)) == 1


async def test_duplicate_at_the_review_is_warned_and_refused(field):
    app, sender, _ = field
    an, binh = Chat(app, sender, "an"), Chat(app, sender, "binh")
    await an.many(*COMPLIANT)
    await binh.many(*COMPLIANT)  # both at the review of the same visit
    await an.say("1")
    [visit] = await visits(app)
    again = await binh.say("sửa")  # anything that shows the review again warns
    assert again.startswith(texts.common.PICK_EDIT)
    review = await binh.say("quay lại")
    assert texts.inspection.review_duplicate(visit.id, "Nguyễn Văn An", TODAY) in review
    refused = await binh.say("1")
    assert refused == texts.inspection.refused_duplicate(visit.id, "Nguyễn Văn An")
    assert len(await visits(app)) == 1


async def test_same_facility_another_day_is_another_visit(field):
    app, sender, _ = field
    await Chat(app, sender, "an").many(*COMPLIANT, "1")
    chat = Chat(app, sender, "binh")
    lines = list(COMPLIANT)
    lines[2] = "hôm qua"
    await chat.many(*lines, "1")
    assert [v.visit_date for v in await visits(app)] == [TODAY, TODAY - dt.timedelta(days=1)]


async def test_closed_period_refused_at_the_date_and_at_save(field):
    """Month 01/2023 runs 15/12/2022–14/01/2023; 12/2022 (to 14/12/2022) is closed by a manager."""
    from handlers import capture
    from reports.periods import period_of
    from storage import periods_store

    app, sender, ids = field
    async with app.db.unit_of_work() as session:
        await periods_store.close_period(session, "2022-12", ids["an"].id, app.clock.now())
    chat = Chat(app, sender, "an")
    question = await chat.many("/kiemtra", "1")
    refused = await chat.say("10/12/2022")
    assert refused == f"{capture.refusal(period_of(dt.date(2022, 12, 10), 14))}\n{question}"
    await chat.many(*COMPLIANT[2:])  # today is open: the form goes on
    async with app.db.unit_of_work() as session:  # the month is closed while the review is on screen
        await periods_store.close_period(session, "2023-01", ids["an"].id, app.clock.now())
    assert await chat.say("1") == capture.refusal(period_of(TODAY, 14))
    assert await visits(app) == []


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("2 3", ({2, 3}, set())), ("1, 3", ({1, 3}, set())), ("2 ka 1", ({2}, {1})), ("ka 2", (set(), {2})),
     ("3 không áp dụng 1 2", ({3}, {1, 2}))],
)  # fmt: skip
def test_failed_criteria_by_their_numbers(typed, expected):
    assert checklist.failed_numbers(typed) == expected
    assert checklist.check_failed(typed, count=3) is None


@pytest.mark.parametrize("typed", ["4", "0", "", "ka", "1 ka 1", "hai", "1 3 nhãn"])
def test_failed_criteria_refused_in_one_sentence(typed):
    assert checklist.check_failed(typed, count=3) == texts.inspection.failed_numbers_bad(3)


@pytest.mark.parametrize(
    ("typed", "kind"),
    [("cây xăng", "xang_dau"), ("cay xang", "xang_dau"), ("CHXD", "xang_dau"), ("xăng", "xang_dau"),
     ("đồ điện", "dien_dien_tu"), ("do dien", "dien_dien_tu"), ("điện", "dien_dien_tu"),
     ("ga", "gas"), ("bình gas", "gas"), ("binh gas", "gas"), ("khi hoa long", "gas")],
)  # fmt: skip
async def test_the_kind_of_facility_answers_to_its_common_names_on_zalo(field, typed, kind):
    """The synonyms of the facility kinds in config.toml, typed on Zalo's numbered text, with or without
    diacritics: the form goes on with that kind's facilities and checklist, and the visit is stored so."""
    app, sender, _ = field
    await add_staff(app, "Đào Văn Giang", {"inspector"}, "giang", channel="zalo")
    chat = Chat(app, sender, "giang", channel="zalo")
    await chat.many("/kiemtra", "1", "ok")
    assert (await chat.say(typed)).startswith(texts.inspection.ASK_QUERY)
    assert (await chat.many("hoa binh", "1")).startswith(texts.inspection.ASK_NEW_NAME)
    await chat.many("Cơ sở Hòa Bình", "bỏ qua", "xã Tân Dân", "không", "bỏ qua", "có")
    declared = app.services.catalogue.facility_kind(kind)
    if declared.has_pumps:
        await chat.say("CD01 +0,1")
    review = await chat.say("1")
    title = facilities.kind_label(declared).upper()
    assert f"KẾT QUẢ KIỂM TRA — {title}" in review.splitlines()
    assert (await chat.say("1")).startswith("Đã lưu kết quả kiểm tra #1")
    [visit] = await visits(app)
    assert visit.facility_kind == kind and visit.compliant
    assert (await facility(app, visit.facility_id)).kind == kind
