"""Wrong answers, going back, editing, cancelling and a command mid-form, through BOTH real adapters
(tests/channels_kit.py): Telegram against FakeTelegram, Zalo against FakeZalo, one app, one SQLite file.

What the person sees is the point: every wrong answer brings ONE Vietnamese sentence followed by the
very same question (same words, same buttons or list), and nothing answered before is lost. The kit's
`running_world` checks on exit that neither fake saw an API violation.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

import texts
from storage import records
from storage.record_models import CalibrationBatchRow, PlanRow
from tests.channels_kit import TelegramUser, World, ZaloUser, running_world

TODAY = dt.date(2023, 1, 13)
TG_TECH, TG_MANAGER = 5001, 5003
ZL_TECH, ZL_MANAGER = "0a1b2c3d4e5f60718293", "2c3d4e5f607182930415"
CHANNELS = ("telegram", "zalo")
KIEMDINH = "Kiểm định, hiệu chuẩn phương tiện đo"


@pytest.fixture
async def world(tmp_path):
    async with running_world(tmp_path) as running:
        yield running


async def person(world: World, channel: str, roles=("technician",)) -> TelegramUser | ZaloUser:
    """A registered person on one channel, played through that channel's fake."""
    if channel == "telegram":
        await world.add_staff("Trần Kỹ Thuật", set(roles), telegram=TG_TECH)
        return TelegramUser(world, TG_TECH)
    await world.add_staff("Lê Kỹ Thuật", set(roles), zalo=ZL_TECH)
    return ZaloUser(world, ZL_TECH)


def screen(user) -> list[str]:
    """The texts of all bot messages in the user's chat, oldest first."""
    if isinstance(user, TelegramUser):
        return [m.text or m.caption or "" for m in user.messages]
    return user.texts


async def send_sticker(world: World, user) -> list[str]:
    before = user.bot_messages
    if isinstance(user, TelegramUser):
        update = world.telegram.user_sticker(user.chat)
        await world.handled("telegram", str(update["update_id"]))
    else:
        event = world.zalo.user_sticker(user.chat)
        await world.handled("zalo", event["message"]["message_id"])
    return screen(user)[before:]


async def tap_only(world: World, user: TelegramUser, label: str) -> list[str]:
    """Tap a button and wait for the replies and the spinner, not for the question to be edited."""
    question, before = user.last, user.bot_messages
    data = user.button(label, question)
    assert data is not None, f"no button {label!r} under {question.text!r}"
    update = world.telegram.tap(user.chat, question.message_id, data)
    await world.handled("telegram", str(update["update_id"]))
    await world.telegram.wait_for_answer(update)
    return screen(user)[before:]


def buttons(user) -> list[str]:
    """What the person can press under the last message (Telegram), or [] (Zalo has only text)."""
    if isinstance(user, TelegramUser):
        return [b["text"] for row in user.last.inline_keyboard for b in row]
    return []


async def asked_again(user, reply: list[str], error: str, question: str, keys: list[str]) -> None:
    """One message: the one-sentence error, then the question exactly as it was, with the same buttons."""
    assert "\n" not in error and error.endswith(".")  # one sentence
    assert reply == [f"{error}\n{question}"]
    assert buttons(user) == keys


async def batches(world: World) -> list:
    async with world.app.db.read() as session:
        ids = (await session.scalars(select(CalibrationBatchRow.id).order_by(CalibrationBatchRow.id))).all()
        return [await records.get_calibration_batch(session, i) for i in ids]


async def plans(world: World) -> list:
    async with world.app.db.read() as session:
        ids = (await session.scalars(select(PlanRow.id).order_by(PlanRow.id))).all()
        return [await records.get_plan(session, i) for i in ids]


# --- 1. wrong answers to /kiemdinh ------------------------------------------------------------------


@pytest.mark.parametrize("channel", CHANNELS)
async def test_each_wrong_answer_gets_one_sentence_and_the_same_question(world, channel):
    user = await person(world, channel)

    [date_q] = await user.say("/kiemdinh")
    keys = buttons(user)
    await asked_again(user, await user.say("31/02/2023"), texts.common.date_impossible(31, 2, 2023), date_q, keys)
    await asked_again(user, await user.say("20/01/2023"),
                      texts.common.date_in_future(dt.date(2023, 1, 20), TODAY), date_q, keys)
    await user.answer("Hôm nay (13/01/2023)")
    [verified_q] = await user.answer("Đồng hồ đo nước")
    assert verified_q.startswith(texts.capture.CAL_VERIFIED)
    keys = buttons(user)

    await asked_again(user, await user.say("abc"), texts.common.COUNT_EXPECTED, verified_q, keys)
    await asked_again(user, await user.say("-3"), texts.common.COUNT_NEGATIVE, verified_q, keys)
    await asked_again(user, await user.say("1.5"), texts.common.COUNT_NOT_WHOLE, verified_q, keys)
    await asked_again(user, await send_sticker(world, user), texts.common.UNSUPPORTED, verified_q, keys)
    if isinstance(user, TelegramUser):  # Zalo has no location message
        await asked_again(user, await user.share_location(20.6461, 106.0511), texts.common.NUMBER_EXPECTED,
                          verified_q, keys)

    [rejected_q] = await user.say("10")
    assert rejected_q.startswith(texts.capture.CAL_REJECTED)
    keys = buttons(user)
    await asked_again(user, await user.say("11"), texts.capture.rejected_too_many(11, 10), rejected_q, keys)

    [certificates_q] = await user.say("2")
    assert certificates_q.startswith(texts.capture.CAL_CERTIFICATES) and texts.capture.certificates_for_passed(8) in (
        certificates_q if channel == "zalo" else " ".join(buttons(user)))
    keys = buttons(user)
    await asked_again(user, await user.say("9"), texts.capture.certificates_too_many(9, 8), certificates_q, keys)

    [customer_q] = await user.answer(texts.capture.certificates_for_passed(8))
    assert customer_q.startswith(texts.capture.CAL_CUSTOMER)
    keys = buttons(user)
    await asked_again(user, await user.say("x" * 5000), texts.common.text_too_long(300), customer_q, keys)

    [review] = await user.say("Điện lực Hưng Yên")
    assert review.splitlines()[:7] == [  # nothing answered before the wrong answers was lost
        KIEMDINH, "Ngày: 13/01/2023", "Lĩnh vực: Đồng hồ đo nước", "Số PTĐ kiểm định: 10",
        "Số PTĐ loại bỏ: 2", "Giấy chứng nhận: 8", "Khách hàng: Điện lực Hưng Yên",
    ]
    assert await user.answer(texts.common.CONFIRM) == ["Đã lưu lô kiểm định #1."]

    [batch] = await batches(world)
    assert (batch.business_date, batch.field, batch.verified, batch.rejected, batch.certificates,
            batch.customer) == (TODAY, "dong_ho_nuoc", 10, 2, 8, "Điện lực Hưng Yên")
    assert batch.meta.channel == channel
    assert not any(text.startswith("Xin lỗi") for text in screen(user))  # no apology for a crash


# --- 2. back, edit from the review, cancel ------------------------------------------------------------


@pytest.mark.parametrize("channel", CHANNELS)
async def test_back_and_edit_from_the_review_keep_the_other_answers(world, channel):
    user = await person(world, channel)
    await user.say("/kiemdinh")
    await user.answer("Hôm nay (13/01/2023)")
    await user.answer("Đồng hồ đo nước")
    [rejected_q] = await user.say("10")
    assert rejected_q.startswith(texts.capture.CAL_REJECTED)

    [verified_q] = await user.answer(texts.common.BACK)  # "quay lại" typed on Zalo, the button on Telegram
    assert verified_q.startswith(texts.capture.CAL_VERIFIED)
    if channel == "zalo":
        assert user.typed[-1] == "quay lại"
    else:
        assert user.did[-1] == ("tap", texts.common.BACK)
    await user.say("12")
    await user.say("2")
    await user.answer(texts.capture.certificates_for_passed(10))
    [review] = await user.answer(texts.common.SKIP)
    assert "Số PTĐ kiểm định: 12" in review.splitlines() and "Giấy chứng nhận: 10" in review.splitlines()

    [pick] = await user.answer(texts.common.EDIT)
    assert pick.startswith(texts.common.PICK_EDIT)
    [again] = await user.answer("Số PTĐ kiểm định")
    assert again.startswith(texts.capture.CAL_VERIFIED + "\nGiá trị hiện tại: 12")
    [review] = await user.say("20")
    assert review.splitlines()[:7] == [
        KIEMDINH, "Ngày: 13/01/2023", "Lĩnh vực: Đồng hồ đo nước", "Số PTĐ kiểm định: 20",
        "Số PTĐ loại bỏ: 2", "Giấy chứng nhận: 10", "Khách hàng: —",
    ]
    assert texts.common.REVIEW_HINT in review
    assert await user.answer(texts.common.CONFIRM) == ["Đã lưu lô kiểm định #1."]
    [batch] = await batches(world)
    assert (batch.field, batch.verified, batch.rejected, batch.certificates, batch.customer) == (
        "dong_ho_nuoc", 20, 2, 10, "")


@pytest.mark.parametrize("channel", CHANNELS)
async def test_cancel_saves_nothing(world, channel):
    user = await person(world, channel)
    await user.say("/kiemdinh dien 5 0 5")
    # the Hủy button on Telegram, "3. Hủy" on Zalo
    assert await user.answer(texts.common.CANCEL) == [texts.common.CANCELLED]

    await user.say("/kiemdinh")
    await user.answer("Hôm nay (13/01/2023)")
    await user.answer("Điện trở nối đất")
    assert await user.say("hủy") == [texts.people.CANCELLED]  # typed, mid-form
    assert await user.say("7") == [texts.people.NO_FLOW_HINT]  # no draft is left behind
    assert await batches(world) == []


async def test_manager_records_a_plan_on_zalo(world):
    manager = await world.add_staff("Phạm Lãnh Đạo", {"manager"}, zalo=ZL_MANAGER)
    zalo = ZaloUser(world, ZL_MANAGER)
    [asked] = await zalo.say("/kehoach")
    assert asked.startswith(texts.capture.PLAN_NUMBER)
    for answer in ("3826/KH-TĐC", "05/01/2023", "Chi cục TĐC", "Kiểm tra đo lường xăng dầu"):
        await zalo.answer(answer)
    [review] = await zalo.answer("Kiểm tra")
    assert "Số, ký hiệu: 3826/KH-TĐC" in review.splitlines() and "Loại: Kiểm tra" in review.splitlines()
    assert review.endswith("1. Xác nhận\n2. Sửa\n3. Hủy\nGõ số thứ tự để chọn.\n(gõ “quay lại” để sửa câu trước)")
    assert await zalo.answer(texts.common.CONFIRM) == ["Đã lưu kế hoạch #1."]
    [plan] = await plans(world)
    assert (plan.number, plan.plan_date, plan.issuer, plan.subject, plan.kind, plan.is_open) == (
        "3826/KH-TĐC", dt.date(2023, 1, 5), "Chi cục TĐC", "Kiểm tra đo lường xăng dầu", "kiem_tra", True)
    assert plan.meta.recorded_by == manager.id and plan.meta.channel == "zalo"


# --- 3. another command mid-form ---------------------------------------------------------------------


async def choose(world: World, user, label: str) -> list[str]:
    """Answer the "abandon the draft?" question (a tap on Telegram, its number on Zalo)."""
    return await user.answer(label)


@pytest.mark.parametrize("channel", CHANNELS)
async def test_a_command_mid_form_asks_before_dropping_the_draft(world, channel):
    user = await person(world, channel, roles=("technician", "manager"))
    await user.say("/kiemdinh")
    await user.answer("Hôm nay (13/01/2023)")
    await user.answer("Đồng hồ đo nước")
    [rejected_q] = await user.say("10")
    keys = buttons(user)

    abandon = texts.people.ABANDON_DRAFT.format(title=KIEMDINH, command="kehoach")
    [asked] = await user.say("/kehoach")
    assert asked.startswith(abandon)
    if channel == "telegram":
        assert buttons(user) == [texts.people.ABANDON_YES, texts.people.ABANDON_NO]
    else:
        assert asked == f"{abandon}\n1. Bỏ bản nháp\n2. Tiếp tục nhập\n{texts.common.NUMBERED_HINT}"

    assert await choose(world, user, texts.people.ABANDON_NO) == [rejected_q]  # the same question, again
    assert buttons(user) == keys
    [certificates_q] = await user.say("2")  # the draft kept its answers: 10 − 2 = 8
    assert certificates_q.startswith(texts.capture.CAL_CERTIFICATES)
    assert texts.capture.certificates_for_passed(8) in certificates_q + " ".join(buttons(user))

    [asked] = await user.say("/kehoach")
    assert asked.startswith(abandon)
    [plan_q] = await choose(world, user, texts.people.ABANDON_YES)
    assert plan_q.startswith(texts.capture.PLAN_NUMBER)
    await user.say("3826/KH-TĐC")  # the new command's form runs; the draft is gone
    assert await user.say("hủy") == [texts.people.CANCELLED]
    assert await batches(world) == [] and await plans(world) == []


async def test_telegram_abandon_question_shows_the_tap_and_loses_its_buttons(world):
    user = await person(world, "telegram", roles=("technician", "manager"))
    await user.say("/kiemdinh dien 5 0 5")
    await user.say("/kehoach")
    question = user.last
    await tap_only(world, user, texts.people.ABANDON_NO)
    await world.telegram.wait_until(lambda: question.edits, 3, "the abandon question to be edited")
    assert question.text.endswith(f"\n→ {texts.people.ABANDON_NO}") and question.inline_keyboard == []
