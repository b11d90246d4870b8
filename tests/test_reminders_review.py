"""The reminder before the cut-off and review (issue 24): reviewers are told how many records wait for
them, authors which of their records were returned — in the reminder's one message per person."""

from __future__ import annotations

import dataclasses
import datetime as dt

from handlers.reminders import review_lines
from storage import people, records
from storage import review as reviews
from storage.domain import WAITING, Activity, CalibrationBatch, RecordMeta
from tests.conftest import frozen
from tests.kit import Chat, add_staff, make_app

REMINDER = ("Nhắc việc: ngày mai (14/01/2023) là ngày chốt số liệu kỳ tháng 01/2023 (15/12/2022–14/01/2023). "
            "Vui lòng nhập đủ các lô "
            "kiểm định và kết quả kiểm tra đã thực hiện trong kỳ; gõ /cuatoi để xem lại.")


async def submitted(app, author, day: dt.date, *, verified: int = 0, activity: bool = False) -> tuple[str, int]:
    meta = RecordMeta(author.id, "zalo", f"e{day}{verified}", app.clock.now(), review=WAITING)
    async with app.db.unit_of_work() as session:
        if activity:
            kind = app.config.catalogue.activity_kinds[0].key
            return "activity", (await records.add_activity(session, Activity(0, kind, day, 2), meta)).id
        field = app.config.catalogue.calibration_fields[0].key
        batch = CalibrationBatch(0, day, field, verified, 0, verified)
        return "calibration_batch", (await records.add_calibration_batch(session, batch, meta)).id


async def send_back(app, boss, record: tuple[str, int], comment: str) -> None:
    async with app.db.unit_of_work() as session:
        assert (await reviews.return_(session, *record, by=boss.id, now=app.clock.now(), comment=comment)).ok


async def remind(config, db, self_approve: bool = False):
    """The day before the cut-off, 07:00: records waiting and returned; then the reminder's hour."""
    config = dataclasses.replace(config, review=dataclasses.replace(config.review, self_approve=self_approve))
    clock = frozen("2023-01-13 07:00")
    app, sender = await make_app(config, db, clock, reminders=True)
    tech = await add_staff(app, "Trần Kỹ Thuật", {"technician"}, "tech")
    await add_staff(app, "Đỗ Kiểm Tra", {"inspector"}, "inspector")
    clerk = await add_staff(app, "Lê Thị Thư", {"clerk"}, "clerk")
    boss = await add_staff(app, "Lê Lãnh Đạo", {"manager", "technician"}, "boss")
    limited = await add_staff(app, "Phạm Duyệt Kiểm Tra", {"reviewer"}, "limited")
    async with app.db.unit_of_work() as session:
        await reviews.set_reviewer_kinds(session, limited.id, ["inspection"], by=boss.id, now=clock.now())
    await submitted(app, tech, dt.date(2023, 1, 9), verified=3)  # waiting since 13/01 07:00
    await send_back(app, boss, await submitted(app, tech, dt.date(2023, 1, 10), verified=4), "Thiếu tên  khách hàng")
    await send_back(app, boss, await submitted(app, clerk, dt.date(2023, 1, 11), activity=True), "Sai số quyết định")
    await submitted(app, boss, dt.date(2023, 1, 12), verified=5)  # the manager's own: someone else approves it
    chats = {who: Chat(app, sender, who) for who in ("tech", "inspector", "clerk", "boss", "limited")}
    clock.at = frozen("2023-01-13 08:00").at
    for _ in range(3):
        app.engine._last_sweep = None
        await app.engine.run_jobs_once()
        await app.engine.send_due_once()
    told = {who: chat.new_messages() for who, chat in chats.items()}
    return app, told, tech, boss


async def test_reviewers_hear_their_queue_and_authors_their_returned_records(config, db):
    _, told, _, _ = await remind(config, db)
    assert told["tech"] == [
        f"{REMINDER}\n\n"
        "Có 1 bản ghi của đồng chí cần bổ sung; gõ /suangay và số của bản ghi để sửa:\n"
        "/suangay 2 — kiểm định ngày 10/01/2023: Thiếu tên khách hàng"]
    assert told["inspector"] == [REMINDER]
    assert told["clerk"] == ["Có 1 bản ghi của đồng chí cần bổ sung; gõ /suangay và số của bản ghi để sửa:\n"
                             "/suangay 1 — hoạt động ngày 11/01/2023: Sai số quyết định"]
    assert told["boss"] == [
        f"{REMINDER}\n\n"
        "Có 1 bản ghi đang chờ đồng chí duyệt, bản ghi chờ lâu nhất từ ngày 13/01/2023. Gõ /duyet để duyệt "
        "trước ngày chốt."]  # the batch returned is no longer waiting; the manager's own waits for someone else
    assert told["limited"] == []  # limited to inspections: no batch is theirs to review, nothing returned


async def test_a_manager_who_may_approve_their_own_counts_them_and_a_long_list_is_cut(config, db):
    app, told, tech, boss = await remind(config, db, self_approve=True)
    assert told["boss"][0].endswith("\n\nCó 2 bản ghi đang chờ đồng chí duyệt, bản ghi chờ lâu nhất từ ngày "
                                    "13/01/2023. Gõ /duyet để duyệt trước ngày chốt.")
    for n in range(11):
        await send_back(app, boss, await submitted(app, tech, dt.date(2023, 2, 1 + n), verified=10 + n), f"Lỗi {n}")
    async with app.db.read() as session:
        [person] = [s for s in await people.list_staff(session) if s.id == tech.id]
        [returned] = await review_lines(session, person, app.config)
    lines = returned.splitlines()
    assert lines[0] == "Có 12 bản ghi của đồng chí cần bổ sung; gõ /suangay và số của bản ghi để sửa:"
    assert lines[1] == "/suangay 2 — kiểm định ngày 10/01/2023: Thiếu tên khách hàng"  # oldest return first
    assert len(lines) == 12 and lines[-1] == "… và 2 bản ghi khác (gõ /suangay để xem hết)."
