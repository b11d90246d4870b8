"""How many messages each form costs a person on Zalo (numbered text, no buttons), measured by playing
the conversation through the real router, flows, engine and database.

Every message costs a glance and, on Zalo, possibly quota. The budgets are the issue's: a failing fuel
station in at most 15 messages, a compliant visit to a facility on file in at most 10. The exact counts
are asserted too, so that a form growing by one message is noticed (and the README's examples, which
show these conversations, are updated with it).
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

import texts
from storage import people, records
from storage.domain import Facility, RecordMeta
from tests.kit import Chat, add_plan, add_staff, audit_actions, make_app

BUDGET = {"compliant visit, facility on file": 10, "failing visit": 15}


@pytest.fixture
async def office(config, db):
    """13/01/2023; one open plan; a fuel station on file whose position is remembered."""
    app, sender = await make_app(config, db)
    an = await add_staff(app, "Nguyễn Văn An", {"inspector"}, "an", channel="zalo")
    await add_staff(app, "Lê Kỹ Thuật", {"technician"}, "tech", channel="zalo")
    await add_staff(app, "Trần Cấp Phép", {"licensing"}, "lic", channel="zalo")
    await add_staff(app, "Phạm Thu", {"clerk"}, "thu", channel="zalo")
    await add_plan(app)
    async with app.db.unit_of_work() as session:
        await records.add_facility(session, Facility(
            0, "xang_dau", "Cửa hàng xăng dầu Minh Phát", "0101234567", "xã Tân Dân", "Hưng Yên", 20.65, 106.05,
        ), RecordMeta(an.id, recorded_at=app.clock.now()))  # fmt: skip
    return app, sender


CONVERSATIONS = {
    "compliant visit, facility on file": ("an", [
        "/kiemtra", "ok", "1", "minh phat", "1", "không", "có", "CD01 -0,2; CD02 +0,1", "1", "1",
    ]),
    "failing visit": ("an", [
        "/kiemtra", "ok", "1", "minh phat", "1", "không", "không", "1 3", "bỏ qua", "nhãn thiếu xuất xứ",
        "CD01 -0,2; CD02 +0,6 hết hạn", "4", "7,5 triệu", "Không niêm yết giá", "1",
    ]),
    "new facility": ("an", [
        "/kiemtra", "ok", "1", "binh minh", "1", "Cửa hàng xăng dầu Bình Minh", "0109999999", "xã Tân Dân",
        "không", "bỏ qua", "có", "CD01 +0,1", "1", "1",
    ]),
    "calibration shortcut": ("tech", ["/kiemdinh cân 67 0 67", "ok"]),
    "calibration form": ("tech", ["/kiemdinh", "ok", "đồng hồ nước", "500", "0", "ok", "bỏ qua", "1"]),
    "licence": ("lic", ["/giayphep", "1", "1", "GP-12/2023", "Bệnh viện Đa khoa Phố Nối", "bỏ qua", "ok", "ok", "1"]),
    "activity": ("thu", ["/hoatdong", "1", "ok", "4", "bỏ qua", "1"]),
    "note": ("thu", ["/ghichu", "ok", "1", "Tham mưu ban hành Quyết định số 103/QĐ-UBND.", "xong"]),
}  # fmt: skip

EXPECTED = {  # messages the person types, the command and the confirmation included
    "compliant visit, facility on file": 10, "failing visit": 15, "new facility": 14, "calibration shortcut": 2,
    "calibration form": 8, "licence": 9, "activity": 6, "note": 5,
}  # fmt: skip

SAVED = ("Đã lưu", "Đã ghi")
REFUSED = ("Vui lòng", "Không có lựa chọn", "Câu này không", "Không đọc được", "Cột thứ")


@pytest.mark.parametrize("form", list(CONVERSATIONS))
async def test_messages_per_form_on_zalo_text(office, form):
    app, sender = office
    user, lines = CONVERSATIONS[form]
    chat = Chat(app, sender, user, channel="zalo")
    seen = [await chat.say(line) for line in lines]
    assert seen[-1].startswith(SAVED), (form, seen[-1])
    assert not [s for s in seen[:-1] if s.startswith(SAVED)], form  # nothing was saved half-way
    refused = [s for s in seen if s.startswith(REFUSED)]  # every line was taken: no question asked twice
    assert refused == [] and all(a != b for a, b in itertools.pairwise(seen)), (form, refused)
    assert len(lines) == EXPECTED[form] <= BUDGET.get(form, EXPECTED[form])


async def test_the_failing_visit_is_recorded_as_typed(office):
    app, sender = office
    chat = Chat(app, sender, "an", channel="zalo")
    for line in CONVERSATIONS["failing visit"][1]:
        await chat.say(line)
    async with app.db.read() as session:
        [plan] = await records.list_plans(session)
        visit = await records.get_inspection(session, 1)
    assert visit.plan_id == plan.id and visit.visit_date == dt.date(2023, 1, 13)
    assert [(a.criterion, a.result, a.note) for a in visit.checklist] == [
        ("pt_do_hieu_luc", "not_met", ""), ("ho_so_chat_luong", "met", ""), ("ghi_nhan", "not_met", "nhãn thiếu xuất xứ")
    ]  # fmt: skip
    assert [(p.serial, p.certificate_valid, p.within_limit) for p in visit.pumps] == [
        ("CD01", True, True), ("CD02", False, False)
    ]
    assert (visit.action, visit.fine_amount, visit.violations) == ("fine", 7_500_000, "Không niêm yết giá")


async def test_help_mentions_a_half_filled_form_only_when_there_is_one(office):
    app, sender = office
    chat = Chat(app, sender, "tech", channel="zalo")
    idle = await chat.say("/help")
    assert "/kiemdinh" in idle and "nhập dở" not in idle and "quay lại" not in idle
    await chat.say("/kiemdinh")
    busy = await chat.say("/help")
    assert busy.splitlines()[-1] == texts.people.help_footer(texts.capture.CAL_TITLE)
    assert "quay lại" in busy.splitlines()[-1] and "“hủy”" in busy.splitlines()[-1]


async def test_the_author_is_told_at_review_that_pictographs_will_not_be_printed(office):
    app, sender = office
    chat = Chat(app, sender, "thu", channel="zalo")
    review = await chat.many("/hoatdong", "1", "ok", "4", "QĐ số 5 👍")
    assert texts.common.PICTOGRAPHS_DROPPED in review.splitlines()
    await chat.say("1")
    plain = await chat.many("/hoatdong", "1", "ok", "4", "QĐ số 6")
    assert texts.common.PICTOGRAPHS_DROPPED not in plain
    await chat.say("1")
    saved = await chat.many("/ghichu", "ok", "1", "Đã ban hành 🚀", "xong")
    assert saved.endswith(texts.common.PICTOGRAPHS_DROPPED)


NOVEMBER = "tháng 11/2022 (15/10–14/11/2022)"  # the period's label (cut-off day 14)


async def test_cuatoi_reaches_any_open_period_and_a_closed_one_says_who_closed_it(office):
    from storage.domain import CalibrationBatch

    app, sender = office
    boss = await add_staff(app, "Phạm Lãnh Đạo", {"manager"}, "boss", channel="zalo")
    tech = Chat(app, sender, "tech", channel="zalo")
    async with app.db.unit_of_work() as session:
        [staff] = [s for s in await people.list_staff(session) if s.name == "Lê Kỹ Thuật"]
        await records.add_calibration_batch(session, CalibrationBatch(0, dt.date(2022, 11, 10), "dien", 7, 0, 7),
                                            RecordMeta(staff.id, recorded_at=app.clock.now()))  # fmt: skip
    assert "10/11" not in await tech.say("/cuatoi")  # this period and the last only
    listed = await tech.say("/cuatoi 11/2022")  # two months back, still open
    assert listed.startswith(f"Có 1 bản ghi trong kỳ {NOVEMBER}.") and "10/11/2022 Kiểm định điện" in listed
    back = await tech.say("quay lại")  # from a named month: this period and the last (nothing there)
    assert back.startswith(texts.capture.MINE_PICK) and "10/11/2022" not in back
    await tech.say("/huy")
    await tech.many("/cuatoi 11/2022", "1", "Xóa", "có")
    assert texts.capture.MINE_NONE.format(periods=f"kỳ {NOVEMBER}") in await tech.say("/cuatoi 11/2022")
    assert (await tech.say("/cuatoi 13/2022")) == texts.capture.MINE_BAD_PERIOD
    assert (await tech.say("/cuatoi 02/2023")) == texts.capture.MINE_BAD_PERIOD  # not begun yet
    manager = Chat(app, sender, "boss", channel="zalo")
    await manager.many("/chotky 11/2022", "1")
    refused = await tech.say("/cuatoi 11/2022")
    assert refused == texts.capture.mine_closed(NOVEMBER, boss.name, dt.date(2023, 1, 13), "11/2022")
    assert "/mochot 11/2022" in refused
    assert (await manager.say("/mochot 11/2022")) == texts.capture.reopened(NOVEMBER, "11/2022")
    assert texts.capture.MINE_NONE.format(periods=f"kỳ {NOVEMBER}") in await tech.say("/cuatoi 11/2022")
    assert (await manager.say("/mochot 11/2022")) == texts.capture.reopen_not_closed(NOVEMBER)
    assert await audit_actions(app, "period") == [("close", "2022-11"), ("reopen", "2022-11")]
    assert (await tech.say("/mochot 11/2022")).startswith("Lệnh /mochot dành cho lãnh đạo")


async def test_the_edit_menu_groups_the_answers_and_a_section_is_asked_again(office):
    app, sender = office
    chat = Chat(app, sender, "an", channel="zalo")
    await chat.many(*CONVERSATIONS["failing visit"][1][:-1])
    menu = await chat.say("sửa")
    entries = [line for line in menu.splitlines() if line[:1].isdigit()]
    assert entries == [  # 24 entries before: one per question, "Tìm cơ sở: minh phat" among them
        "1. Kế hoạch: 3826/KH-TĐC ngày 03/01/2023 — Kiểm tra đo lường xăng dầu",
        "2. Ngày: 13/01/2023",
        "3. Cơ sở: Xăng dầu · Cửa hàng xăng dầu Minh Phát (xã Tân Dân, MST 0101234567)",
        "4. Vị trí: 20.65000, 106.05000",
        "5. Tiêu chí: 1 3 · nhãn thiếu xuất xứ",
        "6. Cột đo: CD01 -0,2; CD02 +0,6 hết hạn",
        "7. Xử lý: Xử phạt vi phạm hành chính (phạt tiền) · 7.500.000 đồng · Không niêm yết giá",
        "8. Thêm người cùng đi",
    ]
    assert not [e for e in entries if "Tìm cơ sở" in e or "minh phat" in e]
    facility = next(e for e in entries if ". Cơ sở: " in e)
    assert facility.endswith("Cửa hàng xăng dầu Minh Phát (xã Tân Dân, MST 0101234567)")
    criteria = next(e for e in entries if ". Tiêu chí: " in e)
    assert "1 3" in criteria and "nhãn thiếu xuất xứ" in criteria
    action = next(e for e in entries if ". Xử lý: " in e)
    assert "(phạt tiền)" in action and "7.500.000" in action and "Không niêm yết giá" in action
    again = await chat.say(action.split(".")[0])  # the section again, from its first question
    assert again.startswith(texts.inspection.ASK_ACTION)
    await chat.many("2")  # a reminder this time: no fine asked
    review = await chat.say("Nhắc niêm yết giá")
    assert "Xử lý: Nhắc nhở" in review and "Vi phạm: Nhắc niêm yết giá" in review
