"""Review end to end through BOTH real adapters (issue 24): python-telegram-bot against FakeTelegram
and the Zalo client against FakeZalo, the real engine, router, forms, web server and a SQLite file
(tests/channels_kit.py).

1. A technician records a batch on Zalo; a manager on Telegram opens /duyet and returns it with a
   comment; the technician gets it on Zalo, types the "Sửa ngay" number, changes a figure, confirms;
   the manager is told (a button opens the card) and approves; with `[reporting] count = "approved"`
   the report counts the batch only then.
2. An inspector records a visit with a photo on Telegram; a manager on Zalo text sees the card and the
   photo (sendPhoto of a signed link that opens), returns it; the inspector taps "Sửa ngay", corrects,
   confirms; the manager approves with "/duyet N" and "1".
"""

from __future__ import annotations

import datetime as dt

import aiohttp
import pytest

import texts
from reports.aggregate import calibration_table
from reports.periods import period_of
from reports.service import load_period
from storage import records
from storage import review as reviews
from tests.channels_kit import TelegramUser, World, ZaloUser, running_world
from tests.test_channels_forms import plan_and_stations

TG_MANAGER, TG_INSPECTOR = 6101, 6102
ZL_TECH, ZL_MANAGER = "5a1b2c3d4e5f60718293", "6b2c3d4e5f6071829304"


@pytest.fixture
async def world(tmp_path):
    async with running_world(tmp_path) as running:
        yield running


async def review_state(world: World, kind: str, record_id: int) -> reviews.ReviewState:
    async with world.app.db.read() as session:
        return await reviews.state_of(session, kind, record_id)


async def report_verified(world: World, count: str) -> int:
    """The calibration table's total of the report of 01/2023, counting as `[reporting] count` says."""
    period = period_of(dt.date(2023, 1, 13), world.app.config.cut_off_day)
    loaded = await load_period(world.app.db, period, count)
    return int(calibration_table(loaded, world.app.config.catalogue).verified)


async def tap_notice(user: TelegramUser, message, label: str) -> list[str]:
    """Tap a button under a notice (not a question: nothing shows the answer under it)."""
    data = user.button(label, message)
    assert data is not None, f"no button {label!r} under {message.text!r}"
    before = user.bot_messages
    update = user.fake.tap(user.chat, message.message_id, data)
    texts_ = await user._handled(update, before)
    await user.fake.wait_for_answer(update)
    return texts_


async def test_a_batch_recorded_on_zalo_returned_on_telegram_fixed_and_approved(world):
    await world.add_staff("Trần Kỹ Thuật", {"technician"}, zalo=ZL_TECH)
    await world.add_staff("Lê Lãnh Đạo", {"manager"}, telegram=TG_MANAGER)
    tech, manager = ZaloUser(world, ZL_TECH), TelegramUser(world, TG_MANAGER)
    field = world.app.config.catalogue.calibration_fields[0]
    await tech.say(f"/kiemdinh {field.label} 10 0 10")
    [saved] = await tech.answer(texts.common.CONFIRM)
    assert saved == "Đã lưu lô kiểm định #1."

    [card] = await manager.say("/duyet")
    assert card.startswith("Lô kiểm định #1 · chờ duyệt") and "Người nhập: Trần Kỹ Thuật" in card
    assert [b["text"] for row in manager.last.inline_keyboard for b in row] == ["Duyệt", "Trả lại", "Bỏ qua", "Dừng"]
    await manager.tap("Trả lại")
    await manager.say("Số PTĐ kiểm định là 12")
    shown = await manager.tap("Xong")
    assert shown[-1] == "Đã trả lại lô kiểm định #1 cho Trần Kỹ Thuật để bổ sung.\nĐã xem hết các bản ghi chờ duyệt."
    assert manager.did == [("type", "/duyet"), ("tap", "Trả lại"), ("type", "Số PTĐ kiểm định là 12"), ("tap", "Xong")]

    notice = tech.last
    assert notice.startswith("Lô kiểm định #1 (13/01/2023 Kiểm định") and "Số PTĐ kiểm định là 12" in notice
    assert notice.endswith("1. Sửa ngay\nGõ số thứ tự để chọn.")
    typed_before = len(tech.typed)
    [edit_list] = await tech.answer(texts.review.FIX_NOW)
    assert edit_list.startswith("Sửa lô kiểm định #1 theo ý kiến: Số PTĐ kiểm định là 12")
    await tech.answer("Số PTĐ kiểm định")
    [review] = await tech.say("12")
    assert "Số PTĐ kiểm định: 12" in review.splitlines()
    [fixed] = await tech.answer(texts.common.CONFIRM)
    assert fixed == "Đã sửa lô kiểm định #1. Đã gửi duyệt lại."
    assert tech.typed[typed_before:] == ["1", "3", "12", "1"]  # the correction of one figure: four messages
    assert (await review_state(world, "calibration_batch", 1)).state == "waiting"
    assert await report_verified(world, "approved") == 0  # count = "approved": not before approval
    assert await report_verified(world, "all") == 12

    told = manager.last
    assert told.text.startswith("Trần Kỹ Thuật đã sửa lô kiểm định #1")
    opened = await tap_notice(manager, told, texts.review.OPEN_CARD)
    assert "Số PTĐ kiểm định: 12" in opened[-1]
    done = await manager.tap("Duyệt")
    assert done[-1].startswith("Đã duyệt lô kiểm định #1.")
    assert (await review_state(world, "calibration_batch", 1)).state == "approved"
    assert await report_verified(world, "approved") == 12  # and counted once approved
    assert tech.last.startswith("Lô kiểm định #1 (13/01/2023") and tech.last.endswith("đã được Lê Lãnh Đạo duyệt.")
    async with world.app.db.read() as session:
        assert (await records.get_calibration_batch(session, 1)).verified == 12


async def test_an_inspection_with_a_photo_returned_from_zalo_text(world):
    an = await world.add_staff("Nguyễn Văn An", {"inspector"}, telegram=TG_INSPECTOR)
    await world.add_staff("Lê Lãnh Đạo", {"manager"}, zalo=ZL_MANAGER)
    await world.add_staff("Phạm Phó Giám Đốc", {"manager"}, telegram=TG_MANAGER)
    await plan_and_stations(world, an.id)
    inspector, manager = TelegramUser(world, TG_INSPECTOR), ZaloUser(world, ZL_MANAGER)
    await inspector.say("/kiemtra")
    for label in ("3826/KH-TĐC", "Hôm nay", "Xăng dầu", "minh phat", "Cửa hàng xăng dầu Minh Phát", texts.common.NO):
        await inspector.answer(label)
    await inspector.say("bỏ qua")
    for label in (texts.common.YES, "CD01 -0,2; CD02 +0,1", "Không xử lý"):
        await inspector.answer(label)
    photo = world.telegram.user_photo(TG_INSPECTOR)
    await world.handled("telegram", str(photo["update_id"]))
    [saved] = await inspector.answer(texts.common.CONFIRM)
    assert saved.startswith("Đã lưu kết quả kiểm tra #1")

    shown = await manager.say("/duyet")
    card = shown[-1]
    assert card.startswith("Kết quả kiểm tra #1 · chờ duyệt") and "Ảnh: 1 ảnh, gửi kèm ngay sau đây." in card
    assert "đã có kết quả kiểm tra" not in card  # the visit is not its own duplicate (as the web page shows it)
    [sent_photo] = [s for s in world.zalo.sent(ZL_MANAGER) if s.method == "sendPhoto"]
    assert sent_photo.caption == "Kết quả kiểm tra #1 · ảnh 1/1"
    async with aiohttp.ClientSession() as http, http.get(sent_photo.photo) as got:
        assert got.status == 200 and (await got.read()).startswith(b"\xff\xd8")  # the photo itself, by its link
    typed = ["/duyet", "2", "Thiếu ảnh tem niêm phong", "xong"]
    for line in typed[1:]:
        answered = await manager.say(line)
    assert answered[-1].startswith("Đã trả lại kết quả kiểm tra #1 cho Nguyễn Văn An để bổ sung.")
    assert manager.typed == typed  # returning with a one-line comment: four messages

    notice = inspector.last
    assert "Thiếu ảnh tem niêm phong" in notice.text and inspector.button(texts.review.FIX_NOW, notice)
    [edit_list] = await tap_notice(inspector, notice, texts.review.FIX_NOW)
    assert edit_list.startswith("Sửa kết quả kiểm tra #1 theo ý kiến: Thiếu ảnh tem niêm phong")
    photo = world.telegram.user_photo(TG_INSPECTOR)
    await world.handled("telegram", str(photo["update_id"]))
    await inspector.say("quay lại")
    [fixed] = await inspector.answer(texts.common.CONFIRM)
    assert fixed.startswith("Đã sửa kết quả kiểm tra #1.") and fixed.endswith("Đã gửi duyệt lại.")

    assert manager.last.startswith("Nguyễn Văn An đã sửa kết quả kiểm tra #1")
    deputy = TelegramUser(world, TG_MANAGER)  # a second manager opens the same card on Telegram
    await deputy.say("/duyet")
    photos = [m for m in deputy.messages if m.kind == "photo"]
    assert [m.caption for m in photos] == ["Kết quả kiểm tra #1 · ảnh 1/2", "Kết quả kiểm tra #1 · ảnh 2/2"]
    assert deputy.last.text.startswith("Kết quả kiểm tra #1 · chờ duyệt")  # the card after its photos
    manager.typed.clear()
    await manager.say("/duyet 1")
    assert "Ảnh: 2 ảnh" in manager.texts[-1]
    [done] = await manager.say("1")
    assert done.startswith("Đã duyệt kết quả kiểm tra #1.")
    assert manager.typed == ["/duyet 1", "1"]  # approving: two messages
    assert (await review_state(world, "inspection", 1)).state == "approved"
    assert inspector.last.text.endswith("đã được Lê Lãnh Đạo duyệt.")
    late = await deputy.tap("Duyệt")  # the second reviewer is told who acted first
    assert late[-1].startswith("Kết quả kiểm tra #1 đã được Lê Lãnh Đạo duyệt lúc 09:30 13/01/2023")
    async with world.app.db.read() as session:
        events = [e.action for e in await reviews.history(session, "inspection", 1)]
    assert events.count("approved") == 1
