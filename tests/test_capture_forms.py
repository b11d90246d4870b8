"""/giayphep, /hoatdong and /kehoach through the real router and engine, read as numbered text."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

import texts
from storage import records
from storage.record_models import ActivityRow, LicenceRow, PlanRow
from tests.conftest import frozen
from tests.kit import Chat, add_staff, audit_actions, make_app


@pytest.fixture
async def env(config, db):
    app, sender = await make_app(config, db, frozen("2023-01-13 06:30"), reminders=True)
    await add_staff(app, "Vũ Cấp Phép", {"licensing"}, "lic")
    await add_staff(app, "Đỗ Văn Thư", {"clerk"}, "clerk")
    await add_staff(app, "Phạm Lãnh Đạo", {"manager"}, "boss")
    return app, sender


async def rows(app, row_type, getter) -> list:
    async with app.db.read() as session:
        ids = (await session.scalars(select(row_type.id).order_by(row_type.id))).all()
        return [await getter(session, i) for i in ids]


# --- licences -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "action", "extra", "expiry"),
    [
        ("1", "Cấp mới", ["ok"], dt.date(2026, 1, 13)),  # 3 years from the issue date, in one tap
        ("1", "Gia hạn", ["20/05/2024", "ok"], dt.date(2027, 5, 20)),  # from the old expiry
        ("1", "Sửa đổi, bổ sung", ["20/05/2024"], dt.date(2024, 5, 20)),  # keeps the expiry it had
        ("2", "Cấp mới", [], None),  # radiation worker certificates have none
    ],
)
async def test_licence_expiry_follows_the_rules(env, kind, action, extra, expiry):
    app, sender = env
    chat = Chat(app, sender, "lic")
    await chat.many("/giayphep", kind, action, "GP-12/2023", "Bệnh viện Đa khoa Phố Nối", "bỏ qua", "ok")
    review = await chat.many(*extra) if extra else chat_last(sender, "lic")
    assert texts.common.REVIEW_HINT in review and "Được cấp cho: Bệnh viện Đa khoa Phố Nối" in review
    noun = "chứng chỉ" if kind == "2" else "giấy phép"  # the noun of the kind (issue 11)
    assert (await chat.say("1")) == f"Đã lưu {noun} #1."
    [licence] = await rows(app, LicenceRow, records.get_licence)
    assert licence.issue_date == dt.date(2023, 1, 13) and licence.expiry_date == expiry
    assert licence.facility == "" and licence.number == "GP-12/2023"


def chat_last(sender, user: str) -> str:
    from bot.channels.numbered import render_numbered

    return render_numbered(sender.sent[user][-1])


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("31/02/2026", texts.capture.LIC_DATE_EXPECTED),
        ("mai", texts.capture.LIC_DATE_EXPECTED),
        ("01/01/2023", texts.capture.LIC_EXPIRY_BEFORE_ISSUE.format(issued="13/01/2023")),
    ],
)
async def test_licence_bad_expiry(env, bad, message):
    app, sender = env
    chat = Chat(app, sender, "lic")
    await chat.many("/giayphep", "1", "1", "GP-1", "Phòng khám An Bình", "bỏ qua", "ok")
    assert (await chat.say(bad)).startswith(message + "\n" + texts.capture.LIC_EXPIRY)


async def test_licence_refuses_an_empty_holder_and_other_roles(env):
    app, sender = env
    chat = Chat(app, sender, "lic")
    await chat.many("/licence", "1", "1", "GP-1")
    assert (await chat.say("  ")).startswith(texts.common.EMPTY + "\n" + texts.capture.LIC_HOLDER)
    refused = await Chat(app, sender, "clerk").say("/giayphep")
    assert refused == texts.people.not_allowed("giayphep", "cán bộ cấp phép", "đồng chí")


@pytest.mark.parametrize(
    ("typed", "kind"),
    [("x quang", "xquang_y_te"), ("xquang", "xquang_y_te"), ("x-quang", "xquang_y_te"), ("X QUANG", "xquang_y_te"),
     ("xq", "xquang_y_te"), ("giay phep x quang", "xquang_y_te"),
     ("chứng chỉ", "chung_chi_nvbx"), ("chung chi", "chung_chi_nvbx"), ("cc", "chung_chi_nvbx"),
     ("nvbx", "chung_chi_nvbx"), ("nhân viên bức xạ", "chung_chi_nvbx")],
)  # fmt: skip
async def test_licence_kind_answers_to_its_common_names_on_zalo(env, typed, kind):
    """The synonyms of the licence kinds in config.toml, typed on Zalo's numbered text."""
    app, sender = env
    await add_staff(app, "Trần Cấp Phép", {"licensing"}, "lic_zalo", channel="zalo")
    chat = Chat(app, sender, "lic_zalo", channel="zalo")
    await chat.say("/giayphep")
    assert (await chat.say(typed)).startswith(texts.capture.LIC_ACTION)
    await chat.many("Cấp mới", "GP-1", "Bệnh viện Đa khoa Phố Nối", "bỏ qua", "ok")
    if kind == "xquang_y_te":
        await chat.say("ok")  # the expiry, three years on
    assert (await chat.say("1")).startswith("Đã lưu")
    [licence] = await rows(app, LicenceRow, records.get_licence)
    assert licence.kind == kind


# --- activities -----------------------------------------------------------------------------------


DETAIL_ANSWERS = {"": [], "enterprise": ["Công ty Thép Việt"], "sector": ["Cơ khí"], "authors": ["2"]}


@pytest.mark.parametrize(
    ("typed", "kind"),
    [("hợp chuẩn", "hop_chuan"), ("hop chuan", "hop_chuan"), ("CBHC", "hop_chuan"), ("hợp quy", "hop_quy"),
     ("cbhq", "hop_quy"), ("thép", "thep_nhap_khau"), ("thep", "thep_nhap_khau"),
     ("kết quả nhiệm vụ", "gcn_ket_qua_nhiem_vu"), ("nghiệm thu đề tài", "nghiem_thu_nhiem_vu"),
     ("thẩm định công nghệ", "y_kien_cong_nghe"), ("sáng kiến", "sang_kien"), ("sang kien", "sang_kien"),
     ("khiếu nại", "khieu_nai"), ("khieu nai", "khieu_nai"), ("tố cáo", "khieu_nai")],
)  # fmt: skip
async def test_activity_kind_answers_to_its_common_names_on_zalo(env, config, typed, kind):
    """The synonyms of the activity kinds in config.toml, typed on Zalo's numbered text."""
    app, sender = env
    await add_staff(app, "Lê Văn Thư", {"clerk"}, "clerk_zalo", channel="zalo")
    chat = Chat(app, sender, "clerk_zalo", channel="zalo")
    await chat.say("/hoatdong")
    assert (await chat.say(typed)).startswith(texts.capture.ACT_DATE)
    await chat.many("ok", "3", *DETAIL_ANSWERS[config.catalogue.activity_kind(kind).detail], "bỏ qua")
    assert (await chat.say("1")) == "Đã lưu hoạt động #1."
    [activity] = await rows(app, ActivityRow, records.get_activity)
    assert (activity.kind, activity.count) == (kind, 3)




@pytest.mark.parametrize(
    ("kind", "answers", "expected"),
    [
        ("1", ["ok", "4", "bỏ qua"], (4, "", 0, "")),
        ("3", ["ok", "2", "Công ty Thép Việt", "bỏ qua"], (2, "Công ty Thép Việt", 0, "")),
        ("6", ["hôm qua", "1", "Cơ khí", "bỏ qua"], (1, "Cơ khí", 0, "")),
        ("7", ["ok", "1", "3", "QĐ 12/QĐ-UBND ngày 05/01/2023"], (1, "", 3, "QĐ 12/QĐ-UBND ngày 05/01/2023")),
    ],
)
async def test_activity_asks_what_its_kind_needs(env, kind, answers, expected):
    app, sender = env
    chat = Chat(app, sender, "clerk")
    await chat.many("/hoatdong", kind)
    review = await chat.many(*answers)
    assert texts.common.REVIEW_HINT in review
    assert (await chat.say("1")) == "Đã lưu hoạt động #1."
    [activity] = await rows(app, ActivityRow, records.get_activity)
    assert (activity.count, activity.detail, activity.authors, activity.decision) == expected


async def test_activity_count_zero_and_authors_zero_are_refused(env):
    app, sender = env
    chat = Chat(app, sender, "boss")  # managers record activities too
    await chat.many("/activity", "7", "ok")
    assert (await chat.say("0")).startswith(texts.capture.ACT_COUNT_ZERO + "\nSố sáng kiến được công nhận?")
    await chat.say("1")
    assert (await chat.say("0")).startswith(texts.capture.ACT_AUTHORS_ZERO + "\n" + texts.capture.ACT_AUTHORS)


# --- plans ----------------------------------------------------------------------------------------


async def test_plan_is_created_listed_closed_and_reopened(env):
    app, sender = env
    chat = Chat(app, sender, "boss")
    review = await chat.many(
        "/kehoach", "3826/KH-TĐC", "05/01/2023", "Chi cục TĐC", "Kiểm tra đo lường xăng dầu", "Kiểm tra"
    )
    assert "Số, ký hiệu: 3826/KH-TĐC" in review and "Loại: Kiểm tra" in review
    assert (await chat.say("1")) == "Đã lưu kế hoạch #1."
    assert "#1 Kiểm tra 3826/KH-TĐC: Kiểm tra đo lường xăng dầu" in await chat.say("/kehoach dong")
    assert (await chat.say("/kehoach đóng 1")) == texts.capture.PLAN_CLOSED.format(id=1, number="3826/KH-TĐC")
    async with app.db.read() as session:
        assert await records.list_plans(session, open_only=True) == []
    assert (await chat.say("/kehoach mo 1")) == texts.capture.PLAN_REOPENED.format(id=1, number="3826/KH-TĐC")
    assert (await chat.say("/kehoach dong 9")) == texts.capture.PLAN_NOT_FOUND.format(id=9)
    assert await audit_actions(app, "plan") == [("create", "1"), ("update", "1"), ("update", "1")]
    [plan] = await rows(app, PlanRow, records.get_plan)
    assert plan.is_open and plan.kind == "kiem_tra"


async def test_plan_is_for_managers_only(env):
    app, sender = env
    refused = await Chat(app, sender, "clerk").say("/kehoach")
    assert refused == texts.people.not_allowed("kehoach", "lãnh đạo", "đồng chí")


async def test_going_back_from_the_first_licence_question_is_harmless(config, db):
    """Found by the property test: "quay lại" at the first question evaluated the expiry questions'
    conditions before the kind was answered (KeyError, the apology message)."""
    app, sender = await make_app(config, db, frozen("2023-01-13 09:30"), reminders=True)
    await add_staff(app, "Phạm Thị Giấy", ["licensing"], "u-lic")
    chat = Chat(app, sender, "u-lic")
    await chat.say("/giayphep")
    reply = await chat.say("quay lại")
    assert "Xin lỗi" not in reply
