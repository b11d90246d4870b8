"""/kiemdinh driven through the real router and engine on the console channel (numbered text, as Zalo)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

import texts
from storage import records
from storage.record_models import CalibrationBatchRow
from tests.conftest import frozen
from tests.kit import Chat, add_staff, audit_actions, close, make_app

TODAY = dt.date(2023, 1, 13)


@pytest.fixture
async def env(config, db):
    app, sender = await make_app(config, db, frozen("2023-01-13 06:30"), reminders=True)
    tech = await add_staff(app, "Trần Kỹ Thuật", {"technician"}, "tech")
    return app, sender, tech


async def batches(app) -> list:
    async with app.db.read() as session:
        ids = (await session.scalars(select(CalibrationBatchRow.id).order_by(CalibrationBatchRow.id))).all()
        return [await records.get_calibration_batch(session, i, include_deleted=True) for i in ids]


async def test_typed_happy_path_saves_with_meta_in_eight_messages(env):
    app, sender, tech = env
    chat = Chat(app, sender, "tech")
    first = await chat.say("/kiemdinh")
    assert first.startswith(texts.capture.CAL_DATE) and "Gõ “ok” để chọn: Hôm nay (13/01/2023)" in first
    assert "1. Điện" in await chat.say("ok")
    assert (await chat.say("dong ho do nuoc")).startswith(texts.capture.CAL_VERIFIED)  # the field by folded text
    assert (await chat.say("500")).startswith(texts.capture.CAL_REJECTED)
    review = await chat.many("0", "ok", "bỏ qua")
    assert review.splitlines()[:7] == [
        texts.capture.CAL_TITLE, "Ngày: 13/01/2023", "Lĩnh vực: Đồng hồ đo nước", "Số PTĐ kiểm định: 500",
        "Số PTĐ loại bỏ: 0", "Giấy chứng nhận: 500", "Khách hàng: —",
    ]
    assert await chat.say("1") == "Đã lưu lô kiểm định #1."
    assert chat.bot_messages == 8
    [batch] = await batches(app)
    assert (batch.business_date, batch.field, batch.verified, batch.rejected, batch.certificates) == (
        TODAY, "dong_ho_nuoc", 500, 0, 500,
    )
    assert batch.meta.recorded_by == tech.id and batch.meta.channel == "console" and batch.meta.source_event
    assert await audit_actions(app, "calibration_batch") == [("create", "1")]


async def test_tapped_path_with_rejected_and_suggested_certificates(env):
    app, sender, _ = env
    chat = Chat(app, sender, "tech")
    await chat.say("/calibrate")
    await chat.tap("Hôm nay (13/01/2023)")
    await chat.tap("Điện")
    await chat.say("70")
    prompt = await chat.say("3")
    assert "Gõ “ok” để chọn: Cấp 67 giấy chứng nhận (số kiểm định trừ số loại bỏ)" in prompt
    await chat.tap(texts.capture.certificates_for_passed(67))
    await chat.say("Điện lực Hưng Yên")
    assert (await chat.tap(texts.common.CONFIRM)).startswith("Đã lưu lô kiểm định #")
    [batch] = await batches(app)
    assert (batch.verified, batch.rejected, batch.certificates, batch.customer) == (70, 3, 67, "Điện lực Hưng Yên")


@pytest.mark.parametrize(
    ("shortcut", "expected"),
    [
        ("dong ho nuoc 500 0 500", (TODAY, "dong_ho_nuoc", 500, 0, 500, "")),
        ("điện 67 0 67 13/01/2023", (TODAY, "dien", 67, 0, 67, "")),
        ("DIEN TRO 12 1 11 10/01", (dt.date(2023, 1, 10), "dien_tro_noi_dat", 12, 1, 11, "")),
        ("x-quang 3 0 3 hôm qua", (dt.date(2023, 1, 12), "x_quang", 3, 0, 3, "")),
        ("điện Điện lực Hưng Yên 1.200 0 1.200", (TODAY, "dien", 1200, 0, 1200, "Điện lực Hưng Yên")),
        ("cân 67 0 67", (TODAY, "khoi_luong", 67, 0, 67, "")),  # synonyms from the catalogue in config.toml
        ("xquang 1 0 1", (TODAY, "x_quang", 1, 0, 1, "")),
        ("can Chợ Phố Nối 20 0 20", (TODAY, "khoi_luong", 20, 0, 20, "Chợ Phố Nối")),
        ("đồng hồ nước 500 0 500", (TODAY, "dong_ho_nuoc", 500, 0, 500, "")),
    ],
)
async def test_shortcut_goes_straight_to_review_in_two_messages(env, shortcut, expected):
    app, sender, _ = env
    chat = Chat(app, sender, "tech")
    review = await chat.say(f"/kiemdinh {shortcut}")
    assert texts.common.REVIEW_HINT in review
    assert (await chat.say("ok")).startswith("Đã lưu lô kiểm định #")
    assert chat.bot_messages == 2
    [b] = await batches(app)
    assert (b.business_date, b.field, b.verified, b.rejected, b.certificates, b.customer) == expected


async def test_unknown_field_lists_the_fields_and_starts_the_form(env):
    app, sender, _ = env
    chat = Chat(app, sender, "tech")
    reply = await chat.say("/kiemdinh abc 5 0 5")
    assert reply.startswith("Không nhận ra lĩnh vực “abc”. Các lĩnh vực: Điện, Khối lượng,")
    assert texts.capture.CAL_DATE in reply


async def test_ambiguous_field_says_so_and_starts_the_form(env):
    app, sender, _ = env
    chat = Chat(app, sender, "tech")
    reply = await chat.say("/kiemdinh d 5 0 5")
    assert reply.startswith("“d” khớp với nhiều lĩnh vực: Điện, Dung tích,") and texts.capture.CAL_DATE in reply


async def test_shortcut_with_impossible_counts_asks_again(env):
    app, sender, _ = env
    chat = Chat(app, sender, "tech")
    reply = await chat.say("/kiemdinh dien 5 7 0")
    assert reply.startswith(texts.capture.rejected_too_many(7, 5)) and texts.capture.CAL_REJECTED in reply
    reply = await chat.say("/kiemdinh dien 5 1 9")
    assert "Bỏ bản nháp" in reply  # a command mid-form asks before dropping the draft


@pytest.mark.parametrize(
    ("before", "bad", "message"),
    [
        ([], "31/02/2023", texts.common.date_impossible(31, 2, 2023)),
        ([], "20/01/2023", texts.common.date_in_future(dt.date(2023, 1, 20), TODAY)),
        (["ok", "1"], "abc", texts.common.COUNT_EXPECTED),
        (["ok", "1"], "-3", texts.common.COUNT_NEGATIVE),
        (["ok", "1"], "1,5", texts.common.COUNT_NOT_WHOLE),
        (["ok", "1"], "1.5", texts.common.COUNT_NOT_WHOLE),
        (["ok", "1", "10"], "11", texts.capture.rejected_too_many(11, 10)),
        (["ok", "1", "10", "2"], "9", texts.capture.certificates_too_many(9, 8)),
        (["ok", "1", "10", "2", "8"], "x" * 5000, texts.common.text_too_long(300)),
        (["ok", "1", "10", "2", "8"], "   ", texts.common.EMPTY),
    ],
)
async def test_wrong_input_gets_one_sentence_and_the_same_question(env, before, bad, message):
    app, sender, _ = env
    chat = Chat(app, sender, "tech")
    await chat.say("/kiemdinh")
    question = await chat.many(*before) if before else None
    reply = await chat.say(bad)
    assert reply.startswith(message + "\n")
    if question is not None:
        assert reply.endswith(question.split("\n", 1)[-1]) or question.splitlines()[0] in reply
    assert await batches(app) == []


async def test_sticker_location_and_photo_at_a_number(env):
    app, sender, _ = env
    chat = Chat(app, sender, "tech")
    await chat.many("/kiemdinh", "ok", "1")
    assert (await chat.other("sticker")).startswith(texts.common.UNSUPPORTED + "\n" + texts.capture.CAL_VERIFIED)
    assert (await chat.pin()).startswith(texts.common.NUMBER_EXPECTED + "\n" + texts.capture.CAL_VERIFIED)
    assert await chat.photo() == texts.common.photo_received(1)
    assert (await chat.say("5")).startswith(texts.capture.CAL_REJECTED)


async def test_location_where_text_is_expected(env):
    app, sender, _ = env
    chat = Chat(app, sender, "tech")
    await chat.many("/kiemdinh", "ok", "1", "5", "0", "ok")
    assert (await chat.pin()).startswith(texts.common.TEXT_EXPECTED + "\n" + texts.capture.CAL_CUSTOMER)


async def test_back_edit_and_cancel(env):
    app, sender, _ = env
    chat = Chat(app, sender, "tech")
    await chat.many("/kiemdinh", "ok", "1", "10")
    assert (await chat.say("quay lại")).startswith(texts.capture.CAL_VERIFIED)
    review = await chat.many("12", "2", "ok", "bỏ qua")
    assert "Số PTĐ kiểm định: 12" in review and "Giấy chứng nhận: 10" in review
    edit_list = await chat.say("2")
    assert texts.common.PICK_EDIT in edit_list and "3. Số PTĐ kiểm định: 12" in edit_list
    await chat.say("3")
    reply = await chat.say("1")  # now fewer verified than rejected: rejected is asked again
    assert reply.startswith(texts.capture.rejected_too_many(2, 1)) and texts.capture.CAL_REJECTED in reply
    review = await chat.many("0", "1")
    assert "Số PTĐ kiểm định: 1" in review and "Giấy chứng nhận: 1" in review
    assert await chat.say("hủy") == texts.people.CANCELLED
    assert await batches(app) == []


async def test_double_confirm_saves_once(env):
    app, sender, _ = env
    chat = Chat(app, sender, "tech")
    await chat.say("/kiemdinh dien 5 0 5")
    confirm = chat.key_of(texts.common.CONFIRM)
    await chat.tap(texts.common.CONFIRM)
    from bot.messages import Incoming

    again = await chat.send(Incoming("console", "tech", "tech", "dup-tap", "choice", choice=confirm))
    assert again == texts.common.QUESTION_CLOSED
    assert await chat.say("1") == texts.people.NO_FLOW_HINT
    assert len(await batches(app)) == 1


async def test_a_user_without_the_role_is_refused(env):
    app, sender, _ = env
    await add_staff(app, "Lê Kiểm Tra", {"inspector"}, "insp")
    reply = await Chat(app, sender, "insp").say("/kiemdinh dien 5 0 5")
    assert reply == texts.people.not_allowed("kiemdinh", "kỹ thuật viên kiểm định", "đồng chí")
    assert await batches(app) == []


async def test_closed_period_is_refused_at_the_date(env):
    app, sender, _ = env
    await close(app, "2023-01")
    chat = Chat(app, sender, "tech")
    await chat.say("/kiemdinh")
    reply = await chat.say("ok")
    assert reply.startswith("Kỳ tháng 01/2023 (15/12/2022–14/01/2023) đã chốt") and texts.capture.CAL_DATE in reply
    reply = await chat.say("/kiemdinh dien 5 0 5")
    assert "Bỏ bản nháp" in reply
    await chat.say("1")
    assert await batches(app) == []


async def test_period_closed_between_review_and_confirm(env):
    app, sender, _ = env
    chat = Chat(app, sender, "tech")
    await chat.say("/kiemdinh dien 5 0 5")
    await close(app, "2023-01")
    assert (await chat.say("1")).startswith("Kỳ tháng 01/2023 (15/12/2022–14/01/2023) đã chốt")
    assert await batches(app) == []


async def test_manager_may_enter_in_a_closed_period_audited_as_correction(env):
    app, sender, _ = env
    await add_staff(app, "Phạm Lãnh Đạo", {"manager", "technician"}, "boss")
    await close(app, "2023-01")
    chat = Chat(app, sender, "boss")
    review = await chat.say("/kiemdinh dien 5 0 5")
    assert "⚠ Kỳ tháng 01/2023 (15/12/2022–14/01/2023) đã chốt" in review
    assert (await chat.say("1")).endswith(texts.capture.CORRECTION_SUFFIX.format(period="tháng 01/2023 (15/12/2022–14/01/2023)"))
    assert await audit_actions(app, "calibration_batch") == [("create", "1"), ("correct", "1")]


@pytest.mark.parametrize(("typed", "field"), [("cân", "khoi_luong"), ("x quang", "x_quang"), ("xquang", "x_quang"),
                                              ("đồng hồ nước", "dong_ho_nuoc"), ("dong ho nuoc", "dong_ho_nuoc")])
async def test_the_form_takes_the_common_names_of_a_field(env, typed, field):
    app, sender, _ = env
    chat = Chat(app, sender, "tech")
    await chat.many("/kiemdinh", "ok")
    assert (await chat.say(typed)).startswith(texts.capture.CAL_VERIFIED)
    await chat.many("5", "0", "ok", "bỏ qua", "1")
    [batch] = await batches(app)
    assert batch.field == field
