"""/cuatoi: list, correct with the record's own form (audited before/after), delete (soft, audited),
and nobody else's records for non-managers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import texts
from storage import engine_store, records
from storage.record_models import CalibrationBatchRow
from tests.conftest import frozen
from tests.kit import Chat, add_staff, audit_actions, close, make_app


@pytest.fixture
async def env(config, db):
    app, sender = await make_app(config, db, frozen("2023-01-13 06:30"), reminders=True)
    await add_staff(app, "Trần Kỹ Thuật", {"technician"}, "tech")
    await add_staff(app, "Lý Kỹ Thuật", {"technician"}, "tech2")
    await add_staff(app, "Phạm Lãnh Đạo", {"manager"}, "boss")
    return app, sender


async def batch(app, batch_id: int, include_deleted: bool = True):
    async with app.db.read() as session:
        return await records.get_calibration_batch(session, batch_id, include_deleted=include_deleted)


async def test_list_shows_only_my_records_and_managers_see_everyones(env):
    app, sender = env
    mine, other = Chat(app, sender, "tech"), Chat(app, sender, "tech2")
    await mine.many("/kiemdinh dien 5 0 5", "1")
    await other.many("/kiemdinh nuoc 7 1 6 10/01/2023", "1")
    listing = await mine.say("/cuatoi")
    assert "1. 13/01/2023 Kiểm định điện: 5 PTĐ, loại bỏ 0, 5 GCN (#1)" in listing
    assert "Đồng hồ" not in listing and "(#2)" not in listing and "Có 1 bản ghi" in listing
    boss = await Chat(app, sender, "boss").say("/cuatoi")
    assert "— Trần Kỹ Thuật" in boss and "(#2) — Lý Kỹ Thuật" in boss


async def test_nothing_to_list(env):
    app, sender = env
    assert (await Chat(app, sender, "tech").say("/mine")) == texts.capture.MINE_NONE.format(periods="kỳ tháng 01/2023 (15/12/2022–14/01/2023) và kỳ tháng 12/2022 (15/11–14/12/2022)")


async def test_correct_reuses_the_form_and_audits_before_and_after(env):
    app, sender = env
    chat = Chat(app, sender, "tech")
    await chat.many("/kiemdinh dien 10 2 8", "1", "/cuatoi")
    line = "13/01/2023 Kiểm định điện: 10 PTĐ, loại bỏ 2, 8 GCN"
    assert (await chat.say("1")).startswith(texts.capture.mine_action(f"{line} (#1) · chờ duyệt"))  # the step names the record
    opened = await chat.say(texts.capture.MINE_EDIT)
    assert opened.startswith(texts.capture.MINE_OPENING.format(noun=texts.capture.CAL_NOUN, id=1, what=line))
    assert "Sửa lô kiểm định #1" in opened and "Số PTĐ loại bỏ: 2" in opened and texts.common.REVIEW_HINT in opened
    await chat.many("2", "4")  # edit → the rejected count
    review = await chat.say("1")
    assert "Số PTĐ loại bỏ: 1" in review
    assert (await chat.say("1")) == "Đã sửa lô kiểm định #1."
    fixed = await batch(app, 1)
    assert (fixed.rejected, fixed.certificates, fixed.meta.version) == (1, 8, 2)
    async with app.db.read() as session:
        [update] = [e for e in await engine_store.audit_entries(session, "calibration_batch") if e["action"] == "update"]
    assert update["before"]["rejected"] == 2 and update["after"]["rejected"] == 1


async def test_unchanged_correction_writes_nothing(env):
    app, sender = env
    chat = Chat(app, sender, "tech")
    await chat.many("/kiemdinh dien 10 2 8", "1", "/cuatoi", "1", "1")
    assert (await chat.say("1")) == texts.capture.UNCHANGED.format(noun=texts.capture.CAL_NOUN, id=1)
    assert await audit_actions(app, "calibration_batch") == [("create", "1")]


async def test_delete_asks_first_then_soft_deletes_with_audit(env):
    app, sender = env
    chat = Chat(app, sender, "tech")
    await chat.many("/kiemdinh dien 10 2 8", "1", "/cuatoi", "1")
    line = "13/01/2023 Kiểm định điện: 10 PTĐ, loại bỏ 2, 8 GCN"
    assert (await chat.say("Xóa")).startswith(texts.capture.mine_confirm_delete(f"{line} (#1) · chờ duyệt"))
    assert (await chat.say("không")) == "Đã giữ nguyên lô kiểm định #1, không xóa gì."
    await chat.many("/cuatoi", "1", "2")
    assert (await chat.say("có")) == f"Đã xóa lô kiểm định #1 ({line})."
    assert (await batch(app, 1)).meta.status == "deleted"
    assert await audit_actions(app, "calibration_batch") == [("create", "1"), ("delete", "1")]
    assert (await chat.say("/cuatoi")).startswith("Chưa nhập bản ghi nào")


async def test_back_from_the_actions_returns_to_the_list(env):
    app, sender = env
    chat = Chat(app, sender, "tech")
    await chat.many("/kiemdinh dien 10 2 8", "1", "/cuatoi", "1")
    assert texts.capture.MINE_PICK in await chat.say("quay lại")


async def test_staff_cannot_change_a_closed_period_but_managers_correct_it(env):
    app, sender = env
    chat = Chat(app, sender, "tech")
    await chat.many("/kiemdinh dien 10 2 8 05/01/2023", "1")
    await close(app, "2023-01")
    assert "(#1) · chờ duyệt [đã chốt]" in await chat.say("/cuatoi")
    refused = await chat.many("1", "Xóa", "có")
    assert refused.startswith("Kỳ tháng 01/2023 (15/12/2022–14/01/2023) đã chốt")
    assert (await batch(app, 1)).meta.status == "active"
    boss = Chat(app, sender, "boss")
    listing = await boss.say("/cuatoi")
    assert "(#1) — Trần Kỹ Thuật · chờ duyệt [đã chốt]" in listing
    await boss.many("1", "1")  # Sửa → the managers' form at its review
    await boss.many("2", "3", "12")  # verified 10 → 12
    assert (await boss.say("1")).endswith(texts.capture.CORRECTION_SUFFIX.format(period="tháng 01/2023 (15/12/2022–14/01/2023)"))
    assert (await batch(app, 1)).verified == 12
    assert await audit_actions(app, "calibration_batch") == [("create", "1"), ("update", "1"), ("correct", "1")]


async def test_a_non_manager_never_opens_someone_elses_record(env):
    """Even a forged hand-over (a job naming another's record) is refused."""
    app, sender = env
    await Chat(app, sender, "tech2").many("/kiemdinh dien 10 2 8", "1")
    chat = Chat(app, sender, "tech")
    await chat.many("/kiemdinh nuoc 1 0 1", "1", "/cuatoi", "1")
    async with app.db.unit_of_work() as session:  # rewrite the pending choice to the other's record
        conversation = await engine_store.get_conversation(session, "console", "tech")
        state = conversation.state
        state["state"]["answers"]["record"] = "calibration_batch:1"
        await engine_store.put_conversation(session, "console", "tech", state, app.clock.now(), None)
    reply = await chat.say("1")
    assert texts.capture.NOT_YOURS in reply
    async with app.db.read() as session:
        assert (await session.scalar(select(CalibrationBatchRow.verified).where(CalibrationBatchRow.id == 1))) == 10
    assert "Trần" not in reply
