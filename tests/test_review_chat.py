"""/duyet, the notices and the author's correction through the real router and engine (issue 24).

Chats render as numbered text (what a Zalo or console user reads); `tap` answers a button as on
Telegram. Messages are counted from the person's side: what they typed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

import texts
from storage import records
from storage import review as reviews
from storage.domain import Activity, Facility, InspectionVisit, Licence, Plan, RecordMeta
from tests.kit import Chat, add_staff, make_app
from tests.kit import add_plan as kit_add_plan


@pytest.fixture
async def env(config, db):
    app, sender = await make_app(config, db)
    tech = await add_staff(app, "Trần Kỹ Thuật", {"technician"}, "tech")
    boss = await add_staff(app, "Lê Lãnh Đạo", {"manager"}, "boss")
    return app, sender, tech, boss


def field_label(app) -> str:
    return app.config.catalogue.calibration_fields[0].label


def batch_line(app, verified: int, certificates: int) -> str:
    """The batch as the notices name it: its day, field (the catalogue's first) and figures."""
    field = texts.common.lower_label(field_label(app))
    return f"13/01/2023 Kiểm định {field}: {verified} PTĐ, loại bỏ 0, {certificates} GCN"


async def state(app, record_id: int, kind: str = "calibration_batch") -> reviews.ReviewState:
    async with app.db.read() as session:
        return await reviews.state_of(session, kind, record_id)


async def record_batch(app, chat: Chat, verified: int = 10) -> None:
    assert "#" in await chat.many(f"/kiemdinh {field_label(app)} {verified} 0 {verified}", "1")


async def test_return_with_a_comment_fix_one_figure_and_approve_within_the_message_budget(env):
    app, sender, tech, boss = env
    author, manager = Chat(app, sender, "tech"), Chat(app, sender, "boss")
    await record_batch(app, author)
    typed = []

    async def by_manager(line: str) -> str:
        typed.append(line)
        return await manager.say(line)

    card = await by_manager("/duyet")
    assert card.splitlines()[:2] == ["Lô kiểm định #1 · chờ duyệt (còn 1 bản ghi chờ duyệt)",
                                     "Người nhập: Trần Kỹ Thuật · 09:30 13/01/2023 · console"]
    assert "Số PTĐ kiểm định: 10" in card and "1. Duyệt\n2. Trả lại\n3. Bỏ qua\n4. Dừng" in card
    assert (await by_manager("2")).startswith("Vui lòng nhập nội dung cần bổ sung")
    assert (await by_manager("Số PTĐ kiểm định là 12, không phải 10")).startswith("Đã ghi.")
    done = await by_manager("xong")
    assert done == ("Đã trả lại lô kiểm định #1 cho Trần Kỹ Thuật để bổ sung.\n"
                    "Đã xem hết các bản ghi chờ duyệt.")
    assert len(typed) <= 4  # returning with a one-line comment

    [told] = author.new_messages()
    assert told == (f"Lô kiểm định #1 ({batch_line(app, 10, 10)}) cần bổ sung.\n"
                    "Ý kiến của Lê Lãnh Đạo:\nSố PTĐ kiểm định là 12, không phải 10\n1. Sửa ngay\nGõ số thứ tự để chọn.")
    returned = await state(app, 1)
    assert (returned.state, returned.comment, returned.by) == ("returned", "Số PTĐ kiểm định là 12, không phải 10", boss.id)
    assert "#1) · cần bổ sung: Số PTĐ kiểm định là 12, không phải 10" in await author.say("/cuatoi")
    await author.say("/huy")

    fixing = [await author.say("/suangay")]  # the offer went with /cuatoi; the one returned record opens
    assert fixing[0].startswith("Sửa lô kiểm định #1 theo ý kiến: Số PTĐ kiểm định là 12")
    assert "3. Số PTĐ kiểm định: 10" in fixing[0]
    fixing.append(await author.say("3"))
    fixing.append(await author.say("12"))
    assert "Số PTĐ kiểm định: 12" in fixing[-1]
    assert await author.say("1") == "Đã sửa lô kiểm định #1. Đã gửi duyệt lại."
    assert (await state(app, 1)).state == "waiting"
    async with app.db.read() as session:
        assert (await records.get_calibration_batch(session, 1)).verified == 12

    [news] = manager.new_messages()
    assert news == (f"Trần Kỹ Thuật đã sửa lô kiểm định #1 ({batch_line(app, 12, 10)}) "
                    "và gửi duyệt lại. Gõ /duyet 1 để duyệt.")
    typed.clear()
    card = await by_manager("/duyet 1")
    assert "Số PTĐ kiểm định: 12" in card and "Đã trả lại lúc 09:30 13/01/2023 (Lê Lãnh Đạo): Số PTĐ" in card
    assert (await by_manager("1")).startswith("Đã duyệt lô kiểm định #1.")
    assert len(typed) <= 2  # approving one record
    assert (await state(app, 1)).state == "approved"
    [approved] = author.new_messages()
    assert approved == f"Lô kiểm định #1 ({batch_line(app, 12, 10)}) đã được Lê Lãnh Đạo duyệt."
    async with app.db.read() as session:
        events = [(e.action, e.by_name) for e in await reviews.history(session, "calibration_batch", 1)]
    assert events == [("submitted", "Trần Kỹ Thuật"), ("returned", "Lê Lãnh Đạo"), ("corrected", "Trần Kỹ Thuật"),
                      ("resubmitted", "Trần Kỹ Thuật"), ("approved", "Lê Lãnh Đạo")]


async def test_the_sua_ngay_number_opens_the_correction_in_four_messages(env):
    app, sender, tech, boss = env
    author, manager = Chat(app, sender, "tech"), Chat(app, sender, "boss")
    await record_batch(app, author)
    assert "Đã trả lại" in await manager.many("/duyet", "Trả lại: số PTĐ sai")  # the comment on the same line
    author.new_messages()
    typed = ["1", "3", "11", "1"]
    replies = [await author.say(line) for line in typed]
    assert replies[0].startswith("Sửa lô kiểm định #1 theo ý kiến: số PTĐ sai")
    assert replies[-1] == "Đã sửa lô kiểm định #1. Đã gửi duyệt lại."
    assert len(typed) <= 4  # the author's correction of one figure
    assert (await state(app, 1)).state == "waiting"


async def test_an_author_in_another_form_keeps_the_draft_and_corrects_after(env):
    app, sender, tech, boss = env
    author, manager = Chat(app, sender, "tech"), Chat(app, sender, "boss")
    await record_batch(app, author)
    asked = await author.say("/kiemdinh")  # a second batch, half filled
    await manager.many("/duyet", "2", "Thiếu khách hàng", "xong")
    [told] = author.new_messages()
    assert "Thiếu khách hàng" in told and "Phần đang nhập vẫn được giữ" in told and "/suangay 1" in told
    assert "Sửa ngay" not in told  # "1" would answer the form on screen
    assert (await author.say("ok")).startswith("Lĩnh vực")  # the draft goes on: "ok" took today
    assert asked.splitlines()[0] in asked
    await author.many("1", "5", "0", "ok", "bỏ qua")
    assert (await author.say("1")).startswith("Đã lưu lô kiểm định #2")
    opened = await author.say("/suangay 1")
    assert opened.startswith("Sửa lô kiểm định #1 theo ý kiến: Thiếu khách hàng")


async def test_double_taps_old_cards_and_a_second_reviewer_act_once(env):
    app, sender, tech, boss = env
    await add_staff(app, "Phạm Phó Giám Đốc", {"manager"}, "other")
    author, first, second = Chat(app, sender, "tech"), Chat(app, sender, "boss"), Chat(app, sender, "other")
    await record_batch(app, author)
    await record_batch(app, author, 7)
    await first.say("/duyet")
    await second.say("/duyet")
    old_key = first.key_of("Duyệt")
    assert (await first.tap("Duyệt")).startswith("Đã duyệt lô kiểm định #1.")
    again = await first.other("choice", choice=old_key)  # the same button again: an old keyboard
    assert again == "Câu hỏi này đã đóng."
    lost = await second.tap("Trả lại")
    assert lost.startswith("Lô kiểm định #1 đã được Lê Lãnh Đạo duyệt lúc 09:30 13/01/2023; không cần thao tác nữa.")
    assert "Lô kiểm định #2 · chờ duyệt" in lost  # and the next card
    assert (await state(app, 1)).state == "approved"
    async with app.db.read() as session:
        assert [e.action for e in await reviews.history(session, "calibration_batch", 1)] == ["submitted", "approved"]


async def test_roles_a_technician_a_limited_reviewer_and_a_revoked_one(env):
    app, sender, tech, boss = env
    await add_staff(app, "Đỗ Quản Trị", {"admin"}, "it")
    await add_staff(app, "Vũ Người Duyệt", {"inspector"}, "checker")
    author, it, reviewer = Chat(app, sender, "tech"), Chat(app, sender, "it"), Chat(app, sender, "checker")
    await record_batch(app, author)
    assert (await author.say("/duyet")).startswith("Lệnh /duyet dành cho lãnh đạo, người duyệt")
    listing = await it.say("/nhansu")
    number = next(line.split(".")[0] for line in listing.splitlines() if "Vũ Người Duyệt" in line)
    assert await it.say(f"/nhansu {number} duyet kiem tra") == "Đã giao cho Vũ Người Duyệt duyệt: kiểm tra."
    assert await reviewer.say("/duyet") == "Không có bản ghi nào chờ duyệt."  # batches are not theirs
    assert f"{number}. Vũ Người Duyệt — công chức kiểm tra, người duyệt (kiểm tra)" in await it.say("/nhansu")
    assert (await it.say(f"/nhansu {number} duyet ke hoach, hoa chat")).startswith("Không rõ loại bản ghi: hoa chat.")
    assert await it.say(f"/nhansu {number} duyet tất cả") == "Đã giao cho Vũ Người Duyệt duyệt: mọi loại bản ghi."
    assert "Lô kiểm định #1 · chờ duyệt" in await reviewer.say("/duyet")
    await it.say(f"/nhansu {number} vaitro công chức kiểm tra")  # the reviewer role taken away
    gone = await reviewer.tap("Duyệt")
    assert gone == "Tài khoản của đồng chí không có quyền duyệt lô kiểm định; thẻ duyệt này không còn tác dụng."
    assert (await state(app, 1)).state == "waiting"


async def test_own_records_wait_for_someone_else_unless_configured(config, db):
    app, sender = await make_app(config, db)
    await add_staff(app, "Lê Lãnh Đạo", {"manager", "technician"}, "boss")
    boss = Chat(app, sender, "boss")
    await record_batch(app, boss)
    assert await boss.say("/duyet") == "Không có bản ghi nào chờ duyệt."
    assert (await boss.say("/duyet 1")).startswith("Lô kiểm định #1 · chờ duyệt")
    assert await boss.say("1") == ("Bản ghi #1 do chính đồng chí nhập; theo cấu hình, bản ghi này do người khác duyệt.\n"
                                   "Đã xem hết các bản ghi chờ duyệt.")
    assert (await state(app, 1)).state == "waiting"
    allowed = dataclasses.replace(config, review=dataclasses.replace(config.review, self_approve=True))
    app2, sender2 = await make_app(allowed, db)
    boss2 = Chat(app2, sender2, "boss")
    assert "Lô kiểm định #1" in await boss2.say("/duyet")
    assert (await boss2.say("1")).startswith("Đã duyệt lô kiểm định #1.")


async def test_approve_all_of_one_technicians_batches_with_a_count(env):
    app, sender, tech, boss = env
    other = await add_staff(app, "Ngô Kỹ Thuật", {"technician"}, "tech2")
    author, second, manager = Chat(app, sender, "tech"), Chat(app, sender, "tech2"), Chat(app, sender, "boss")
    for n in (3, 4, 5):
        await record_batch(app, author, n)
    await record_batch(app, second, 6)
    card = await manager.say("/duyet")
    assert "5. Duyệt tất cả 3 lô kiểm định chờ duyệt của Trần Kỹ Thuật" in card
    assert (await manager.say("5")).startswith("Duyệt tất cả 3 lô kiểm định chờ duyệt của Trần Kỹ Thuật? Vui lòng xác nhận.")
    done = await manager.say("1")
    assert done.startswith("Đã duyệt 3 lô kiểm định của Trần Kỹ Thuật.") and "Lô kiểm định #4 · chờ duyệt" in done
    assert "5. Duyệt tất cả" not in done  # one batch of Ngô Kỹ Thuật: nothing to do at once
    assert [(await state(app, i)).state for i in (1, 2, 3, 4)] == ["approved"] * 3 + ["waiting"]
    assert author.new_messages() == ["Lê Lãnh Đạo đã duyệt 3 lô kiểm định chờ duyệt."]
    assert (await manager.say("4")).startswith("Đã dừng duyệt. Còn 1 bản ghi chờ duyệt")
    assert other.id != tech.id


async def test_a_return_at_night_reaches_the_author_in_the_morning_with_the_command_to_type(config, db):
    app, sender = await make_app(config, db, "2023-01-13 22:00")
    await add_staff(app, "Trần Kỹ Thuật", {"technician"}, "tech")
    await add_staff(app, "Lê Lãnh Đạo", {"manager"}, "boss")
    author, manager = Chat(app, sender, "tech"), Chat(app, sender, "boss")
    await record_batch(app, author)  # a reply to the author's own message: never held
    await manager.many("/duyet", "Trả lại: thiếu khách hàng")
    assert author.new_messages() == []  # quiet hours: the notice waits in the outbox
    assert await author.say("1") == "Gõ /help để xem các lệnh được dùng."  # no "1" waits for a notice unseen
    app.clock.advance(hours=8, minutes=30)  # 06:30
    await app.engine.run_until_idle()
    [told] = author.new_messages()
    assert told == (f"Lô kiểm định #1 ({batch_line(app, 10, 10)}) cần bổ sung.\n"
                    "Ý kiến của Lê Lãnh Đạo:\nthiếu khách hàng\nGõ /suangay 1 để sửa bản ghi này.")
    assert (await author.say("/suangay 1")).startswith("Sửa lô kiểm định #1 theo ý kiến: thiếu khách hàng")


async def test_photos_on_a_zalo_card_without_a_public_web_address_are_counted(config, db, tmp_path):
    offline = dataclasses.replace(config, web=dataclasses.replace(config.web, public_url=""))
    app, sender = await make_app(offline, db)
    inspector = await add_staff(app, "Nguyễn Văn An", {"inspector"}, "an")
    await add_staff(app, "Lê Lãnh Đạo", {"manager"}, "boss", channel="zalo")
    plan = await kit_add_plan(app)
    kind = app.config.catalogue.facility_kinds[0].key
    photo = tmp_path / "p1.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 64)
    async with app.db.unit_of_work() as session:
        meta = RecordMeta(inspector.id, "telegram", "e1", app.clock.now(), form="inspection", review="waiting")
        place = await records.add_facility(session, Facility(0, kind, "Cửa hàng Minh Phát"), meta)
        await records.add_inspection(session, InspectionVisit(0, plan.id, place.id, kind, dt.date(2023, 1, 13),
                                                              (inspector.id,), photos=(str(photo),)), meta)
    card = await Chat(app, sender, "boss", channel="zalo").say("/duyet")
    assert "Ảnh: 1 ảnh (Zalo chỉ nhận ảnh qua đường dẫn; hệ thống chưa có địa chỉ web công khai" in card
    assert "đã có kết quả kiểm tra" not in card and "⚠" not in card  # the visit is not its own duplicate
    [sent] = [r for r in sender.sent["boss"] if r.kind == "photo"]  # the Zalo adapter sends nothing for it
    assert sent.document_path == str(photo) and sent.text == "Kết quả kiểm tra #1 · ảnh 1/1"


async def test_every_kind_of_record_comes_as_a_card_and_is_approved(env):
    app, sender, tech, boss = env
    catalogue, now = app.config.catalogue, app.clock.now()
    day = dt.date(2023, 1, 12)
    async with app.db.unit_of_work() as session:
        def meta(form):
            return RecordMeta(tech.id, "zalo", f"e-{form}", now, form=form, review="waiting")

        await records.add_licence(session, Licence(0, catalogue.licence_kinds[0].key, "cap_moi", "12/GP", "Bệnh viện A",
                                                   "", day, dt.date(2026, 1, 12)), meta("licence"))
        await records.add_activity(session, Activity(0, catalogue.activity_kinds[0].key, day, 3), meta("activity"))
        await records.add_plan(session, Plan(0, "05/KH", day, "Chi cục TĐC", "Kiểm tra", "kiem_tra"), meta("plan"))
    manager = Chat(app, sender, "boss")
    cards = [await manager.say("/duyet")]
    for _ in range(3):
        cards.append(await manager.say("1"))
    heads = [next(line for line in card.splitlines() if " · chờ duyệt" in line) for card in cards[:3]]
    assert [h.split(" · ")[0] for h in heads] == ["Giấy phép #1", "Hoạt động #1", "Kế hoạch #1"]
    assert "12/GP" in cards[0] and "05/KH" in cards[2]
    assert cards[3].endswith("Đã xem hết các bản ghi chờ duyệt.")
    for kind in ("licence", "activity", "plan"):
        assert (await state(app, 1, kind)).state == "approved"


async def test_a_second_number_typed_before_the_next_card_arrived_approves_nothing(env):
    app, sender, tech, boss = env
    author, manager = Chat(app, sender, "tech"), Chat(app, sender, "boss")
    await record_batch(app, author)
    await record_batch(app, author, 7)
    await manager.say("/duyet")
    for line in ("1", "1"):  # both sent at once, as a person typing "1" twice does
        await app.engine.accept(manager.incoming(line))
    app.clock.advance(seconds=2)  # the next card goes out after both arrived
    await app.engine.run_until_idle()
    shown = manager.new_messages()
    assert shown[0].startswith("Đã duyệt lô kiểm định #1.") and "Lô kiểm định #2 · chờ duyệt" in shown[0]
    assert shown[1] == ("Tin nhắn này đến trước bản ghi vừa gửi nên chưa được dùng; "
                        "vui lòng xem bản ghi ở trên rồi chọn.")
    assert [(await state(app, i)).state for i in (1, 2)] == ["approved", "waiting"]
    assert (await manager.say("1")).startswith("Đã duyệt lô kiểm định #2.")  # once seen, it counts
