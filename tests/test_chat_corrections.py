"""Issue 18, the chat: what a native reader in a Sở corrected (the language review of 2026-12-07), played
as conversations. Expected sentences are written out here in Vietnamese, not built by texts/."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

import texts
from storage import engine_store, people, records
from storage.domain import Facility, RecordMeta
from storage.record_models import InspectionRow
from tests.conftest import REPO, frozen
from tests.kit import Chat, add_plan, add_staff, close, make_app

HINT_FIRST = "(gõ “hủy” để dừng)"
HINT = "(gõ “quay lại” để sửa câu trước, “hủy” để dừng)"
HINT_SKIP = "(gõ “bỏ qua” để bỏ qua câu này, “quay lại” để sửa câu trước, “hủy” để dừng)"


@pytest.fixture
async def field(config, db):
    """13/01/2023: inspector An on the console (Zalo's numbered text), Chi on Telegram, one open plan,
    one remembered fuel station without a position."""
    app, sender = await make_app(config, db)
    an = await add_staff(app, "Nguyễn Văn An", {"inspector"}, "an")
    await add_staff(app, "Lê Văn Chi", {"inspector"}, "chi", channel="telegram")
    await add_plan(app)
    async with app.db.unit_of_work() as session:
        await records.add_facility(
            session, Facility(0, "xang_dau", "Cửa hàng xăng dầu Minh Phát", "0101234567", "xã Tân Dân", "Hưng Yên"),
            RecordMeta(an.id, recorded_at=app.clock.now()),
        )
    return app, sender


async def visits(app) -> list:
    async with app.db.read() as session:
        ids = (await session.scalars(select(InspectionRow.id).order_by(InspectionRow.id))).all()
        return [await records.get_inspection(session, i) for i in ids]


# --- a new facility's address is asked once -----------------------------------------------------------

NEW_SHOP = ["/kiemtra", "ok", "2", "hoàng gia", "1", "Điện máy Hoàng Gia", "bỏ qua", "Số 5 đường Lê Lợi, phường Hiến Nam"]
POSITION_ONLY = (
    "Tọa độ cơ sở (không bắt buộc, địa chỉ đã ghi ở câu trước): gõ tọa độ (vĩ độ, kinh độ như bản đồ trên điện thoại hiện, cách nhau dấu phẩy), "
    "hoặc bấm “📍 Gửi vị trí hiện tại” nếu có nút này; gõ “bỏ qua” nếu không cần. "
    "Vị trí được lưu cho cơ sở, không theo dõi người."
)


async def test_a_new_facility_is_asked_its_position_only_once_its_address_is_typed(field):
    app, sender = field
    chat = Chat(app, sender, "an")
    await chat.many(*NEW_SHOP)
    asked = await chat.say("không")  # nobody else came
    assert asked == f"{POSITION_ONLY}\n{HINT_SKIP}"
    assert "gõ địa chỉ" not in asked
    refused = await chat.say("cạnh chợ Hiến Nam")  # an address again: said why, asked again
    assert refused == (
        "Địa chỉ đã ghi ở câu trước; ở đây vui lòng gõ tọa độ (vĩ độ, kinh độ như bản đồ trên điện thoại hiện, cách nhau dấu phẩy), hoặc gõ “bỏ qua”.\n"
        f"{POSITION_ONLY}\n{HINT_SKIP}"
    )
    assert (await chat.say("20.6461, 106.0511")).startswith("Cơ sở đạt tất cả các tiêu chí sau?")
    await chat.many("có", "1")
    review = await chat.say("bỏ qua")
    assert "Vị trí: 20.64610, 106.05110" in review.splitlines()
    await chat.say("1")
    [visit] = await visits(app)
    assert visit.location_text == ""
    async with app.db.read() as session:
        shop = await records.get_facility(session, visit.facility_id)
    assert (shop.address, shop.latitude, shop.longitude) == ("Số 5 đường Lê Lợi, phường Hiến Nam", 20.6461, 106.0511)


async def test_the_position_of_a_new_facility_may_be_skipped(field):
    app, sender = field
    chat = Chat(app, sender, "an")
    await chat.many(*NEW_SHOP, "không")
    assert (await chat.say("bỏ qua")).startswith("Cơ sở đạt tất cả các tiêu chí sau?")


async def test_telegram_keeps_the_location_button_for_a_new_facility(field):
    app, sender = field
    chat = Chat(app, sender, "chi", channel="telegram")
    await chat.many(*NEW_SHOP)
    asked = await chat.say("không")
    assert asked.startswith(POSITION_ONLY)
    assert chat.last.ask_location  # Telegram shows "📍 Gửi vị trí hiện tại" under it
    assert (await chat.pin(20.65, 106.05)).startswith("Cơ sở đạt tất cả các tiêu chí sau?")


async def test_a_known_facility_without_position_may_still_get_an_address_or_a_pin(field):
    app, sender = field
    chat = Chat(app, sender, "an")
    asked = await chat.many("/kiemtra", "ok", "1", "minh phat", "1", "không")
    assert asked.startswith("Vị trí cơ sở: gõ địa chỉ hoặc tọa độ (vĩ độ, kinh độ như bản đồ trên điện thoại hiện, cách nhau dấu phẩy)")  # no other province's example
    assert (await chat.say("Thôn Đông, xã Tân Dân")).startswith("Cơ sở đạt tất cả các tiêu chí sau?")


# --- a fine is more than 0 ------------------------------------------------------------------------------

AT_FINE = ["/kiemtra", "ok", "1", "minh phat", "1", "không", "bỏ qua", "có", "CD01 -0,2", "4"]


async def test_a_negative_fine_is_refused_with_the_words_of_money(field):
    app, sender = field
    chat = Chat(app, sender, "an")
    asked = await chat.many(*AT_FINE)
    assert asked == f"Số tiền phạt (đồng), ví dụ 7.500.000 hoặc 7,5 triệu?\n{HINT}"
    assert await chat.say("-5") == f"Số tiền phạt phải lớn hơn 0, ví dụ 7.500.000 hoặc 7,5 triệu.\n{asked}"
    assert await chat.say("-7,5 triệu") == f"Số tiền phạt phải lớn hơn 0, ví dụ 7.500.000 hoặc 7,5 triệu.\n{asked}"
    # 0 is no fine: refused the same way, and the way to another action is named
    assert await chat.say("0") == (
        "Số tiền phạt phải lớn hơn 0, ví dụ 7.500.000 hoặc 7,5 triệu; "
        f"không phạt tiền thì gõ “quay lại” để chọn biện pháp xử lý khác.\n{asked}"
    )
    assert await chat.say("abc") == f"Vui lòng nhập số tiền (đồng), ví dụ 7.500.000 hoặc 7,5 triệu.\n{asked}"
    assert await chat.say("7,5") == f"Vui lòng nhập số tiền (đồng), ví dụ 7.500.000 hoặc 7,5 triệu.\n{asked}"
    assert (await chat.say("quay lại")).startswith("Biện pháp xử lý?")
    await chat.say("4")
    review = await chat.say("7,5 triệu")
    assert review.startswith("Nội dung vi phạm hoặc nhắc nhở")
    review = await chat.say("Cột đo CD01 chưa niêm yết")
    assert "Xử lý: Xử phạt vi phạm hành chính (phạt tiền) 7.500.000 đồng" in review.splitlines()
    await chat.say("1")
    [visit] = await visits(app)
    assert (visit.action, visit.fine_amount) == ("fine", 7_500_000)


async def test_the_fine_in_the_edit_list_is_a_sum_of_money(field):
    app, sender = field
    chat = Chat(app, sender, "an")
    await chat.many(*AT_FINE, "500k", "bỏ qua")
    edit = await chat.say("2")
    assert "Xử lý: Xử phạt vi phạm hành chính (phạt tiền) · 500.000 đồng" in edit


# --- /chotky with nothing left to close -----------------------------------------------------------------

NOTHING_LEFT = (
    "Không còn kỳ nào đã kết thúc mà chưa chốt; "
    "kỳ tháng 02/2023 (15/01–14/02/2023) chốt được sau ngày 14/02/2023."
)


@pytest.fixture
async def office(config, db):
    """16/01/2023 (the 02/2023 period has begun); a manager and a technician who recorded a batch in
    January, so only 01/2023 can be closed."""
    app, sender = await make_app(config, db, "2023-01-16 09:00")
    await add_staff(app, "Phạm Lãnh Đạo", {"manager"}, "boss")
    await add_staff(app, "Trần Kỹ Thuật", {"technician"}, "tech")
    await Chat(app, sender, "tech").many("/kiemdinh", "10/01/2023", "1", "5", "0", "ok", "bỏ qua", "1")
    return app, sender


async def open_draft(app, user: str):
    async with app.db.read() as session:
        return await engine_store.get_conversation(session, "console", user)


async def test_close_with_nothing_left_ends_at_once_and_leaves_no_draft(office):
    app, sender = office
    boss = Chat(app, sender, "boss")
    assert await boss.many("/chotky", "1", "1") == "Đã chốt kỳ tháng 01/2023 (15/12/2022–14/01/2023). Số liệu của kỳ này đã cố định để lập báo cáo."
    assert await boss.say("/chotky") == NOTHING_LEFT
    assert await open_draft(app, "boss") is None
    # the month typed: why it cannot be, then the same end; "rồi" is gone
    assert await boss.say("/chotky 01/2023") == f"Kỳ tháng 01/2023 (15/12/2022–14/01/2023) đã được chốt.\n{NOTHING_LEFT}"
    assert await boss.say("/chotky 02/2023") == (
        f"Kỳ tháng 02/2023 (15/01–14/02/2023) chưa kết thúc nên chưa chốt được.\n{NOTHING_LEFT}"
    )
    assert await boss.say("/chotky abc") == NOTHING_LEFT
    assert await open_draft(app, "boss") is None
    # nothing blocks the next command
    report = await boss.say("/baocao 01/2023")
    assert "Đang lập báo cáo tháng 01/2023" in report and "Bỏ bản nháp" not in report


async def test_close_a_closed_month_while_another_is_left_asks_for_that_one(office):
    app, sender = office
    boss = Chat(app, sender, "boss")
    await close(app, "2022-12")
    asked = await boss.say("/chotky 12/2022")
    assert asked.startswith(
        "Kỳ tháng 12/2022 (15/11–14/12/2022) đã được chốt; vui lòng chọn một kỳ khác.\n"
        "Chốt kỳ nào? Gõ số thứ tự, hoặc tháng/năm, ví dụ 01/2023.\n"
        "1. Kỳ tháng 01/2023 (15/12/2022–14/01/2023)"
    )


# --- a stranger is greeted neutrally ----------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["zalo", "telegram"])
async def test_a_stranger_is_greeted_without_being_called_comrade(config, db, channel):
    app, sender = await make_app(config, db)
    said = await Chat(app, sender, "someone", channel=channel).say("xin chào")
    assert said == (
        "Kính chào. Đây là hệ thống nội bộ của Sở Khoa học và Công nghệ, chỉ dành cho cán bộ được mời. "
        "Cán bộ của Sở vui lòng xin mã mời từ bộ phận CNTT rồi gửi /start kèm mã mời, ví dụ /start AB12CD34EF56."
    )


# --- the bot has one name, from config ------------------------------------------------------------------


@pytest.mark.parametrize("name", [None, "tài khoản Trợ lý Sở KH&CN"])
async def test_the_bot_names_itself_one_way_from_config(config, db, name):
    if name is not None:
        config = dataclasses.replace(config, language=dataclasses.replace(config.language, system_name=name))
    called = name or "hệ thống"
    app, sender = await make_app(config, db)
    await add_staff(app, "Đỗ Quản Trị", {"admin"}, "it", channel="zalo")
    it = Chat(app, sender, "it", channel="zalo")
    invited = await it.say("/moi inspector Nguyễn Văn Bảy")
    assert invited.endswith(
        f"Gửi nguyên dòng trên cho người được mời; người đó gửi lại dòng này cho {called} trên Zalo hoặc Telegram."
    )
    linked = await it.say("/lienket")
    assert f"\nMở {called} trên Telegram và gửi /start " in linked
    for said in (invited, linked):
        assert "trợ lý" not in said and " bot " not in said


def test_the_name_is_read_from_config_toml(tmp_path):
    from bot.config import ConfigError, load_config

    source = (REPO / "config.toml").read_text(encoding="utf-8")
    assert load_config(REPO / "config.toml", env={}).language.system_name == "hệ thống"
    (tmp_path / "config.toml").write_text(source.replace('system_name = "hệ thống"\n', ""), encoding="utf-8")
    assert load_config(tmp_path / "config.toml", env={}).language.system_name == "hệ thống"  # the default
    named = source.replace('system_name = "hệ thống"', 'system_name = "tài khoản Trợ lý Sở"')
    (tmp_path / "config.toml").write_text(named, encoding="utf-8")
    assert load_config(tmp_path / "config.toml", env={}).language.system_name == "tài khoản Trợ lý Sở"
    (tmp_path / "config.toml").write_text(source.replace('system_name = "hệ thống"', 'system_name = " "'), encoding="utf-8")
    with pytest.raises(ConfigError, match="system_name"):
        load_config(tmp_path / "config.toml", env={})


# --- the abandon-draft question says why it comes back; back goes back ---------------------------------

ABANDON = (
    "Biểu mẫu “Kiểm định, hiệu chuẩn phương tiện đo” đang nhập dở. Bỏ bản nháp đó để chuyển sang /kiemdinh?\n"
    "1. Bỏ bản nháp\n2. Tiếp tục nhập\nGõ số thứ tự để chọn."
)
WHY = (
    "Lệnh /kiemdinh chỉ chạy sau khi bỏ bản nháp; vui lòng trả lời câu hỏi này trước: "
    "1 (Bỏ bản nháp) hoặc 2 (Tiếp tục nhập)."
)


@pytest.fixture
async def lab(config, db):
    app, sender = await make_app(config, db)
    await add_staff(app, "Trần Kỹ Thuật", {"technician"}, "tech", channel="zalo")
    await add_staff(app, "Hà Kỹ Thuật", {"technician"}, "tg", channel="telegram")
    return app, sender


async def test_a_command_typed_at_the_abandon_question_is_told_why(lab):
    app, sender = lab
    chat = Chat(app, sender, "tech", channel="zalo")
    await chat.say("/kiemdinh dien")
    assert await chat.say("/kiemdinh điện 5 0 5") == ABANDON
    assert await chat.say("/kiemdinh điện 5 0 5") == f"{WHY}\n{ABANDON}"
    assert await chat.say("abc") == "Vui lòng trả lời 1 (Bỏ bản nháp) hoặc 2 (Tiếp tục nhập)."
    assert (await chat.say("1")).startswith("Kiểm định, hiệu chuẩn phương tiện đo\nNgày: 13/01/2023\nLĩnh vực: Điện\n")


async def test_telegram_abandon_question_after_a_command_still_has_its_buttons(lab):
    app, sender = lab
    chat = Chat(app, sender, "tg", channel="telegram")
    await chat.say("/kiemdinh dien")
    await chat.say("/kiemdinh điện 5 0 5")
    again = await chat.say("/kiemdinh điện 5 0 5")
    assert again.startswith(f"{WHY}\n")
    assert [c.label for c in chat.last.choices] == ["Bỏ bản nháp", "Tiếp tục nhập"]
    assert (await chat.tap("Tiếp tục nhập")).startswith("Số phương tiện đo đã kiểm định, hiệu chuẩn?")


async def test_back_after_a_shortcut_goes_to_the_question_it_answered(lab):
    app, sender = lab
    chat = Chat(app, sender, "tech", channel="zalo")
    assert (await chat.say("/kiemdinh dien")).startswith("Số phương tiện đo đã kiểm định, hiệu chuẩn?")
    back = await chat.say("quay lại")  # not the same question again, silently
    assert back.startswith("Lĩnh vực?\n1. Điện\n")
    assert (await chat.say("quay lại")).startswith("Ngày kiểm định, hiệu chuẩn?")


# --- roles in Vietnamese; /nhansu leads -------------------------------------------------------------------

KNOWN_ROLES = (
    "công chức kiểm tra (inspector), kỹ thuật viên kiểm định (technician), cán bộ cấp phép (licensing), "
    "chuyên viên (clerk), lãnh đạo (manager), người duyệt (reviewer), quản trị hệ thống (admin)"
)


async def test_roles_are_typed_and_shown_in_vietnamese(config, db):
    app, sender = await make_app(config, db)
    await add_staff(app, "Đỗ Quản Trị", {"admin"}, "it", channel="zalo")
    await add_staff(app, "Phạm Văn Bảy", {"clerk"}, "bay", channel="zalo")
    it = Chat(app, sender, "it", channel="zalo")
    assert "\n/nhansu (/staff) — " in await it.say("/help")
    listed = await it.say("/nhansu")
    assert "2. Phạm Văn Bảy — chuyên viên [Zalo]" in listed
    assert listed.endswith(
        "Quản lý cán bộ: /nhansu kèm số thứ tự trong danh sách và việc cần làm, ví dụ /nhansu 2 vaitro công chức "
        "kiểm tra, chuyên viên (đặt vai trò), /nhansu 2 thuhoi (thu hồi quyền), /nhansu 2 khoiphuc (khôi phục), "
        "/nhansu 2 duyet kiểm tra, kiểm định (giao duyệt các loại bản ghi này; “tất cả”: mọi loại)."
    )
    assert await it.say("/nhansu 2 vaitro cong chuc kiem tra, chuyên viên") == (
        "Đã cập nhật vai trò của Phạm Văn Bảy: công chức kiểm tra, chuyên viên."
    )
    assert await it.say("/staff 2 vaitro inspector,manager") == (
        "Đã cập nhật vai trò của Phạm Văn Bảy: công chức kiểm tra, lãnh đạo."
    )
    assert await it.say("/nhansu 2 vaitro boss") == f"Vai trò không hợp lệ: boss. Các vai trò: {KNOWN_ROLES}."
    invited = await it.say("/moi kỹ thuật viên kiểm định, lãnh đạo Lê Văn Tám")
    assert invited.startswith("Mã mời cho Lê Văn Tám (kỹ thuật viên kiểm định, lãnh đạo), dùng một lần")
    assert await it.say("/moi Lê Văn Tám") == (
        "“Lê Văn Tám” không bắt đầu bằng một vai trò: vui lòng ghi vai trò trước họ tên, ví dụ /moi công chức "
        "kiểm tra, chuyên viên Nguyễn Văn B. Các vai trò, mỗi vai trò kèm những cách ghi khác cũng được nhận (có "
        "dấu hoặc không dấu): công chức kiểm tra (inspector, "
        "kiểm tra viên, cán bộ kiểm tra, kiểm tra); kỹ thuật viên kiểm định (technician, kỹ thuật viên, kiểm định "
        "viên, kiểm định); cán bộ cấp phép (licensing, cấp phép, cán bộ cấp giấy phép, chuyên viên cấp phép); "
        "chuyên viên (clerk, văn thư, nhân viên, cán bộ văn thư); lãnh đạo (manager, quản lý, giám đốc, phó giám "
        "đốc, trưởng phòng, phó trưởng phòng, chi cục trưởng); người duyệt (reviewer, người kiểm duyệt, cán bộ "
        "duyệt, duyệt); quản trị hệ thống (admin, quản trị, quản trị viên, cntt, cán bộ cntt)."
    )
    assert (await it.say("/moi boss Lê Văn Tám")).startswith("“boss Lê Văn Tám” không bắt đầu bằng một vai trò")
    assert (await it.say("/moi inspector, boss Lê Văn Tám")).startswith("“boss Lê Văn Tám” không bắt đầu bằng")
    assert (await it.say("/moi inspector")).startswith("Tạo mã mời: /moi kèm vai trò và họ tên")


async def test_moi_takes_every_word_the_command_line_takes_for_a_role(config, db):
    """/moi reads a role as `admin invite --role` and staff.csv do (app/invites.role_key): its key, its
    name or any of texts.people.ROLE_SYNONYMS, with or without diacritics, in any case."""
    from app.invites import role_key
    from storage.text import fold

    app, sender = await make_app(config, db)
    await add_staff(app, "Đỗ Quản Trị", {"admin"}, "it", channel="zalo")
    it = Chat(app, sender, "it", channel="zalo")
    for key, words in texts.people.ROLE_SYNONYMS.items():
        for word in words:
            for typed in (word, fold(word), word.upper()):
                assert role_key(typed) == key
                invited = await it.say(f"/moi {typed} Lê Văn Tám")
                assert invited.startswith(f"Mã mời cho Lê Văn Tám ({texts.people.ROLE_NAMES[key]}), dùng một lần"), typed
    invited = await it.say("/moi kiem tra vien, VĂN THƯ; giam doc Lê Văn Chín")
    assert invited.startswith("Mã mời cho Lê Văn Chín (công chức kiểm tra, chuyên viên, lãnh đạo), dùng một lần")
    await add_staff(app, "Phạm Văn Bảy", {"clerk"}, "bay", channel="zalo")  # /nhansu reads them alike
    assert await it.say("/nhansu 2 vaitro kiem dinh vien, cán bộ duyệt") == (
        "Đã cập nhật vai trò của Phạm Văn Bảy: kỹ thuật viên kiểm định, người duyệt."
    )


# --- the inspection's words -------------------------------------------------------------------------------


async def test_the_inspection_reads_as_a_records_office_writes(field):
    app, sender = field
    chat = Chat(app, sender, "an")
    asked = await chat.many("/kiemtra", "ok", "1", "minh phat", "1")
    assert asked.startswith("Có công chức khác cùng tham gia kiểm tra không?\n")
    checklist = await chat.many("không", "bỏ qua")
    assert "\nChọn 1 (Có) nếu đạt tất cả; 2 (Không) để chọn tiêu chí không đạt.\n1. Có\n2. Không\n" in checklist
    said = await chat.many("có", "CD01 -0,2; CD02 +0,6; CD03 +0,1 mất niêm phong")
    assert said.startswith(
        "⚠ Cột đo không đạt:\n  ✗ CD02: +0,60% — vượt giới hạn ±0,45%\n"
        "  ✗ CD03: +0,10% — trong giới hạn, mất niêm phong\n"
    )
    review = (await chat.many("2", "bỏ qua")).splitlines()
    assert "Người kiểm tra: Nguyễn Văn An" in review  # alone
    assert "  ✓ CD01: -0,20% — trong giới hạn" in review
    assert "  ✗ CD03: +0,10% — trong giới hạn, mất niêm phong" in review
    with_chi = await Chat(app, sender, "an").many("hủy", "/kiemtra", "ok", "1", "minh phat", "1", "có", "1", "không",
                                                  "bỏ qua", "có", "CD01 -0,2", "1")
    assert "Đoàn kiểm tra: Nguyễn Văn An, Lê Văn Chi" in with_chi.splitlines()


async def test_the_reminder_names_inspections_by_their_noun(config, db):
    clock = frozen("2023-01-12 07:00")
    app, sender = await make_app(config, db, clock, reminders=True)
    await add_staff(app, "Lê Kiểm Tra", {"inspector"}, "insp")
    await app.engine.run_until_idle()
    inspector = Chat(app, sender, "insp")
    clock.advance(days=1, hours=1, minutes=1)  # 13/01 08:01, the day before the cut-off
    await app.engine.run_until_idle()
    assert inspector.new_messages() == [
        "Nhắc việc: ngày mai (14/01/2023) là ngày chốt số liệu kỳ tháng 01/2023 (15/12/2022–14/01/2023). "
        "Vui lòng nhập đủ các lô kiểm định và kết quả kiểm tra đã thực hiện trong kỳ; gõ /cuatoi để xem lại."
    ]


# --- calibration, licences, notes, the edit menu ---------------------------------------------------------


async def test_calibration_words_and_the_edit_menu(lab):
    app, sender = lab
    chat = Chat(app, sender, "tech", channel="zalo")
    ambiguous = await chat.say("/kiemdinh d 1 0 1")
    assert ambiguous.startswith(
        "“d” khớp với nhiều lĩnh vực: Điện, Dung tích, Điện trở nối đất, Đồng hồ đo nước, Độ dài, Nhiệt độ. "
        "Vui lòng chọn lĩnh vực ở câu hỏi tiếp theo.\nNgày kiểm định, hiệu chuẩn?"
    )
    certificates = await chat.many("ok", "1", "5", "1")
    assert certificates.startswith(
        "Số giấy chứng nhận (kiểm định, hiệu chuẩn) đã cấp?\n"
        "Gõ “ok” để chọn: Cấp 4 giấy chứng nhận (số kiểm định trừ số loại bỏ)\n"
    )
    await chat.many("ok", "bỏ qua")
    menu = await chat.say("2")
    assert "\n6. Khách hàng: —\n" in menu  # as in the review, not "(bỏ qua)"
    assert menu.endswith("(gõ “quay lại” để về màn hình kiểm tra, “hủy” để dừng)")
    again = await chat.say("4")
    assert again.startswith("Số phương tiện đo bị loại bỏ (không đạt)?\nGiá trị hiện tại: 1\n")
    assert again.endswith("(gõ “quay lại” để về màn hình kiểm tra, “hủy” để dừng)")
    assert (await chat.say("quay lại")).startswith("Kiểm định, hiệu chuẩn phương tiện đo\n")


async def test_telegram_edit_menu_button_says_where_back_leads(lab):
    app, sender = lab
    chat = Chat(app, sender, "tg", channel="telegram")
    await chat.say("/kiemdinh điện 5 0 5")
    await chat.tap("Sửa")
    assert "Về màn hình kiểm tra" in [c.label for c in chat.last.choices]
    assert (await chat.tap("Về màn hình kiểm tra")).startswith("Kiểm định, hiệu chuẩn phương tiện đo\n")


async def test_a_renewed_licence_review_shows_dates_one_way(config, db):
    app, sender = await make_app(config, db)
    await add_staff(app, "Vũ Cấp Phép", {"licensing"}, "lic", channel="zalo")
    chat = Chat(app, sender, "lic", channel="zalo")
    review = await chat.many("/giayphep", "1", "2", "GP-7/2023", "Bệnh viện Phố Nối", "bỏ qua", "ok", "5/1/2023", "ok")
    lines = review.splitlines()
    assert "Hạn giấy phép cũ: 05/01/2023" in lines and "Có hiệu lực đến: 05/01/2026" in lines
    certificate = await chat.many("hủy", "/giayphep", "2", "1", "CC-1", "Trần Văn Mười", "bỏ qua", "ok")
    assert "Thời hạn: không thời hạn" in certificate.splitlines()


async def test_notes_export_and_reopening_speak_of_messages_and_periods(config, db):
    app, sender = await make_app(config, db, "2023-01-16 09:00")
    await add_staff(app, "Phạm Lãnh Đạo", {"manager", "clerk"}, "boss", channel="zalo")
    boss = Chat(app, sender, "boss", channel="zalo")
    await boss.say("/ghichu 01/2023 A.I")
    assert (await boss.say("- Phổ biến Luật Khoa học, công nghệ và đổi mới sáng tạo")).startswith(
        "Đã nhận 1 tin nhắn. Gõ tiếp, hoặc gõ “xong” để lưu ghi chú."
    )
    await boss.say("xong")
    listed = await boss.say("/ghichu xem 01/2023")
    assert "\n• Phổ biến Luật Khoa học, công nghệ và đổi mới sáng tạo" in listed and "• -" not in listed
    exported = (await boss.say("/xuat 01/2023")).split("\n---\n")
    assert exported[0] == "Đang xuất dữ liệu kỳ tháng 01/2023 (15/12/2022–14/01/2023)…\nKỳ này không có bản ghi nào chờ duyệt hoặc cần bổ sung."
    assert "Dữ liệu kỳ tháng 01/2023: mỗi loại bản ghi một trang tính." in exported
    await close(app, "2023-01")
    assert await boss.say("/mochot 01/2023") == (
        "Đã mở lại kỳ tháng 01/2023 (15/12/2022–14/01/2023): cán bộ có thể tiếp tục nhập, sửa, xóa số liệu của "
        "kỳ này. Khi xong, vui lòng chốt lại bằng lệnh /chotky 01/2023."
    )


async def test_registration_names_the_person_it_registered(config, db):
    app, sender = await make_app(config, db)
    async with app.db.unit_of_work() as session:
        code, _ = await people.create_invite(session, name="Lê Văn Giám", roles=("manager",), now=app.clock.now(),
                                             valid_for=dt.timedelta(days=7))
    chat = Chat(app, sender, "giam", channel="zalo")
    await chat.say(f"/start {code}")
    assert await chat.say("1") == (
        "Đã đăng ký tài khoản cho đồng chí Lê Văn Giám; vai trò: lãnh đạo.\nGõ /help để xem các lệnh được dùng."
    )
