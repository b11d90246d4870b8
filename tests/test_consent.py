"""The personal-data notice under Luật 91/2025/QH15 and Nghị định 356/2025/NĐ-CP (issue 17).

- two layers: the short notice (one Zalo message: tests/test_zalo_adapter.py reads it as Zalo shows
  it) and the full notice with every element, which an element checker proves (and is proven to fail
  when any one element is taken out);
- strict answers: only "1", "có", "đồng ý" (with or without diacritics) agree; anything else repeats
  the question, not the notice; declining stores nothing but the refusal count;
- both notices and their versions are stored with the consent as shown;
- a data subject's request through /quyenriengtu reaches the administrators' chats with its due date
  (2 working days over a weekend and a catalogue holiday, on the injected clock), `admin person
  requests` lists it until the export, the erasure or `admin person done` closes it, and the person
  is told;
- `run` refuses the shipped placeholders of [organisation] and [privacy] (exit 2, one sentence naming
  each key); `report` writes but says which keys are unfilled;
- the repealed decree is cited nowhere in the repository.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

import texts
from app import person_commands
from bot.channels.numbered import render_numbered
from bot.clock import clock_for
from bot.config import PrivacyConfig, load_config
from bot.messages import Incoming
from handlers.registration import notice_facts
from storage import people
from storage.catalogue import Holiday
from storage.models import (
    AuditRow,
    ConsentRefusalRow,
    ConsentRow,
    ConversationRow,
    IdentityRow,
    InviteRow,
    PrivacyRequestRow,
    StaffRow,
)
from storage.workdays import add_working_days
from tests.conftest import REPO, filled, filled_config_file
from tests.kit import Chat, add_plan, add_staff, make_app

NAME = "Trần Thị Bình"

# --- the element checker ----------------------------------------------------------------------------

# What Luật 91/2025/QH15 (Điều 9: kinds, purposes, who processes, rights and obligations; transfer
# abroad) and Nghị định 356/2025/NĐ-CP ask the full notice to say, each as a pattern over its text.
# The facts are those of `_facts()` below.
FULL_ELEMENTS = {
    "current law": r"Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 và Nghị định số 356/2025/NĐ-CP",
    "controller": r"Bên kiểm soát dữ liệu cá nhân: Sở KH&CN tỉnh Thử Nghiệm",
    "processor": r"Bên xử lý dữ liệu cá nhân \(đơn vị vận hành hệ thống\): Trung tâm Thông tin Thử",
    "contact point": r"Đầu mối liên hệ về dữ liệu cá nhân: phòng CNTT, thư điện tử cntt@example\.gov\.vn",
    "one legal basis": r"Cơ sở xử lý: sự đồng ý của anh/chị\.",
    "what consent does not cover": r"bản ghi được giữ theo quy định về lưu trữ, không dựa vào sự đồng ý",
    "kinds: identity and accounts": r"họ tên, vai trò; tên hiển thị, mã tài khoản",
    "kinds: messages": r"nguyên văn tin nhắn",
    "kinds: photos of people": r"ảnh có thể có hình ảnh người",
    "sensitive data flagged": r"vị trí hiện tại nếu anh/chị chọn chia sẻ: là dữ liệu cá nhân nhạy cảm",
    "purposes": r"Mục đích: nhận diện người dùng; ghi nhận kết quả công tác chuyên môn; lập báo cáo định kỳ",
    "processing method": r"Cách xử lý: thu thập qua tin nhắn",
    "start and end": r"bắt đầu khi anh/chị đồng ý và kết thúc khi",
    "third parties": r"Bên thứ ba có liên quan: Zalo \(Công ty Cổ phần VNG\)",
    "transfer abroad": r"dữ liệu được chuyển ra nước ngoài",
    "messages kept": r"nội dung tin nhắn: 45 ngày",
    "strangers kept": r"tin nhắn của người chưa đăng ký: 12 giờ",
    "photos kept": r"ảnh không thuộc bản ghi nào: 5 ngày",
    "documents kept": r"tệp báo cáo, dữ liệu tạo trong cuộc trò chuyện: 6 giờ",
    "records kept, with their period": r"bản ghi công việc và nhật ký: 10 năm theo danh mục hồ sơ",
    "risks": r"Rủi ro có thể xảy ra: lộ nội dung tin nhắn",
    "rights": r"Quyền của anh/chị: được biết; đồng ý hoặc không đồng ý; truy cập, nhận bản sao dữ liệu; chỉnh sửa; "
              r"xóa; hạn chế xử lý; phản đối xử lý; rút lại sự đồng ý; khiếu nại, tố cáo, khởi kiện",
    "compensation": r"yêu cầu bồi thường thiệt hại",
    "how: /quyenriengtu": r"gõ /quyenriengtu để gửi yêu cầu",
    "answered in 2 working days": r"trả lời trong 02 ngày làm việc kể từ ngày nhận",
    "complaints": r"Khiếu nại, tố cáo gửi Sở KH&CN tỉnh Thử Nghiệm hoặc cơ quan chuyên trách",
    "obligations": r"Nghĩa vụ của anh/chị: cung cấp thông tin chính xác; tôn trọng dữ liệu cá nhân của người khác",
    "declining costs nothing": r"Không đồng ý chỉ có nghĩa là anh/chị không sử dụng hệ thống này",
    "withdrawal": r"Khi anh/chị rút lại sự đồng ý, tài khoản bị thu hồi",
}

# What the short notice keeps of them (who, what and why, who else, how long, rights, where to ask).
SHORT_ELEMENTS = {
    "current law": r"91/2025/QH15, Nghị định 356/2025/NĐ-CP",
    "controller": r"Bên kiểm soát dữ liệu cá nhân: Sở KH&CN tỉnh Thử Nghiệm",
    "processor": r"bên xử lý dữ liệu cá nhân: Trung tâm Thông tin Thử",
    "kinds, sensitive flagged": r"Dữ liệu: họ tên, .*vị trí nếu chia sẻ \(nhạy cảm, không bắt buộc\)",
    "purposes": r"Mục đích: ",
    "third parties, transfer abroad": r"Zalo \(Công ty CP VNG\); Telegram \(chuyển dữ liệu ra nước ngoài\)",
    "how long": r"Lưu: tin nhắn 45 ngày; bản ghi công việc 10 năm theo danh mục hồ sơ",
    "rights in one line": r"Quyền: .*rút lại đồng ý, khiếu nại, yêu cầu bồi thường: gõ /quyenriengtu",
    "where to ask": r"Đầu mối liên hệ: phòng CNTT, thư điện tử cntt@example\.gov\.vn",
    "declining costs nothing": r"Không đồng ý thì chỉ không dùng hệ thống này",
    "the question": r"Anh/chị có đồng ý\?$",
}


def missing(text: str, elements: dict[str, str]) -> list[str]:
    """The elements the text does not say (the checker)."""
    return [name for name, pattern in elements.items() if not re.search(pattern, text, re.MULTILINE)]


@dataclasses.dataclass(frozen=True)
class _Retention:
    message_days: int = 45
    stranger_hours: int = 12
    orphan_media_days: int = 5
    document_hours: int = 6


def _config(config, **privacy):
    values = {"operator": "Trung tâm Thông tin Thử", "contact": "phòng CNTT, thư điện tử cntt@example.gov.vn",
              "records_period": "10 năm theo danh mục hồ sơ của Sở", **privacy}
    config = dataclasses.replace(
        config, organisation={**config.organisation, "department_name": "Sở KH&CN", "locality": "tỉnh Thử Nghiệm"},
        privacy=PrivacyConfig(**values),
    )
    object.__setattr__(config, "retention", _Retention())
    return config


def _facts(config, **privacy):
    return notice_facts(_config(config, **privacy), "anh/chị")


def test_the_full_notice_says_every_element_and_the_checker_sees_any_one_taken_out(config):
    notice = texts.privacy.full(_facts(config))
    assert missing(notice, FULL_ELEMENTS) == []
    for name, pattern in FULL_ELEMENTS.items():  # each element taken out alone: the checker names it, only it
        cut = re.sub(pattern, "", notice, flags=re.MULTILINE)
        assert cut != notice and missing(cut, FULL_ELEMENTS) == [name], name
    assert notice.count("phòng CNTT, thư điện tử cntt@example.gov.vn") == 1  # the contact once, then "đầu mối"


def test_the_short_notice_keeps_the_essentials_in_one_message(config):
    facts = _facts(config)
    notice = texts.privacy.short(facts, NAME)
    assert missing(notice, SHORT_ELEMENTS) == []
    for name, pattern in SHORT_ELEMENTS.items():
        cut = re.sub(pattern, "", notice, flags=re.MULTILINE)
        assert missing(cut, SHORT_ELEMENTS) == [name], name
    assert "/quyenriengtu" in notice and notice.count("cntt@example.gov.vn") == 1
    shown = render_numbered(_question_reply(notice))
    assert len(shown) <= texts.privacy.SHORT_LIMIT == 1000
    assert shown.endswith("Anh/chị có đồng ý?\n1. Đồng ý\n2. Không đồng ý\n3. Xem toàn văn\nGõ số thứ tự để chọn.")


def _question_reply(text: str):
    from bot.messages import Reply
    from handlers.registration import _choices

    return Reply(text=text, choices=_choices("r1"))


def test_each_layer_has_its_version_from_its_text(config, monkeypatch):
    facts = _facts(config)
    short, full = texts.privacy.short_version(facts), texts.privacy.full_version(facts)
    assert short != full and short.startswith(f"{texts.privacy.TEMPLATE_VERSION}.")
    assert f"(phiên bản {short})" in texts.privacy.short(facts, NAME)
    assert f"(phiên bản {full})" in texts.privacy.full(facts)
    other = _facts(config, contact="phòng khác")  # another contact: both texts, both versions change
    assert texts.privacy.short_version(other) != short and texts.privacy.full_version(other) != full
    monkeypatch.setattr(texts.privacy, "SHORT_LAW", texts.privacy.SHORT_LAW + " ")  # a wording change alone
    assert texts.privacy.short_version(facts) != short and texts.privacy.full_version(facts) == full


# --- answering ----------------------------------------------------------------------------------------


async def _invited(app, sender, user: str = "binh") -> tuple[Chat, str]:
    async with app.db.unit_of_work() as session:
        code, _ = await people.create_invite(session, name=NAME, roles=("inspector",), now=app.clock.now(),
                                             valid_for=dt.timedelta(days=7))
    chat = Chat(app, sender, user)
    return chat, await chat.say(f"/start {code}")


QUESTION = ("Đồng chí có đồng ý?\n1. Đồng ý\n2. Không đồng ý\n3. Xem toàn văn\nGõ số thứ tự để chọn.")
AGAIN = f"Vui lòng chọn 1 (Đồng ý) hoặc 2 (Không đồng ý).\n{QUESTION}"


@pytest.mark.parametrize("answer", ["u", "c", "ok", "da", "dạ", "không", "", "uh", "y", "có chứ", "đồng ý không"])
async def test_a_loose_answer_gets_the_question_again_not_the_notice(config, db, answer):
    app, sender = await make_app(config, db)
    chat, notice = await _invited(app, sender)
    assert notice.endswith(QUESTION)
    assert await chat.say(answer) == AGAIN
    async with app.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(StaffRow)) == 0
    assert (await chat.say("1")).startswith("Đã đăng ký tài khoản cho ")  # the question is still open


@pytest.mark.parametrize("answer", ["1", "có", "co", "Có", "đồng ý", "dong y", "Đồng ý.", "ĐỒNG Ý"])
async def test_the_number_co_or_dong_y_registers(config, db, answer):
    app, sender = await make_app(config, db)
    chat, _ = await _invited(app, sender)
    assert (await chat.say(answer)).startswith(f"Đã đăng ký tài khoản cho đồng chí {NAME}; vai trò: công chức kiểm tra.")
    async with app.db.read() as session:
        assert [s.name for s in await people.list_staff(session)] == [NAME]


async def test_three_shows_the_full_notice_then_the_question_alone(config, db):
    app, sender = await make_app(config, db)
    chat, _ = await _invited(app, sender)
    full, question = (await chat.say("3")).split("\n---\n")
    assert full == texts.privacy.full(app.router.notice) and question == QUESTION


@pytest.mark.parametrize("answer", ["2", "không đồng ý", "khong dong y"])
async def test_declining_stores_nothing_but_the_refusal_count(config, db, answer):
    app, sender = await make_app(config, db)
    chat, _ = await _invited(app, sender)
    assert (await chat.say(answer)).startswith("Chưa đăng ký vì đồng chí chưa đồng ý")
    async with app.db.read() as session:
        for table in (StaffRow, IdentityRow, ConsentRow, ConversationRow, AuditRow):
            assert await session.scalar(select(func.count()).select_from(table)) == 0, table.__tablename__
        assert await session.scalar(select(InviteRow.used_by)) is None  # the invitation still works
        refusals = {r.notice_version: r.count for r in await session.scalars(select(ConsentRefusalRow))}
    assert refusals == {texts.privacy.short_version(app.router.notice): 1}
    assert (await chat.say("1")).startswith("Kính chào")  # nothing open any more: a stranger's refusal
    again, _ = await _invited(app, sender, "binh2")
    await again.say("2")
    async with app.db.read() as session:
        assert [r.count for r in await session.scalars(select(ConsentRefusalRow))] == [2]


async def test_the_consent_keeps_both_notices_as_shown_with_their_versions(config, db):
    app, sender = await make_app(config, db)
    chat, notice = await _invited(app, sender)
    assert (await chat.say("đồng ý")).startswith("Đã đăng ký tài khoản cho ")
    facts = app.router.notice
    async with app.db.read() as session:
        [consent] = (await session.scalars(select(ConsentRow))).all()
    assert consent.notice_version == texts.privacy.short_version(facts)
    assert consent.notice_text == notice.removesuffix("\nGõ số thứ tự để chọn.") + "\n→ Đồng ý"
    assert consent.full_version == texts.privacy.full_version(facts) and consent.full_text == texts.privacy.full(facts)
    assert consent.user_id == "binh" and consent.staff_id is not None


async def test_a_stranger_reads_the_full_notice(config, db):
    app, sender = await make_app(config, db)
    shown = await Chat(app, sender, "someone").send(
        Incoming("console", "someone", "someone", "e-privacy", "command", command="quyenriengtu"))
    full, footer = shown.split("\n---\n")
    assert full == texts.privacy.full(app.router.notice) and "/quyenriengtu" in footer


# --- requests -----------------------------------------------------------------------------------------

FRIDAY = "2026-04-24 15:00"  # Monday 27/04 is the test catalogue's holiday: due Wednesday 29/04
HOLIDAY = Holiday(dt.date(2026, 4, 27), "Ngày nghỉ thử")


def test_two_working_days_skip_weekends_and_holidays():
    friday = dt.date(2026, 4, 24)
    assert add_working_days(friday, 2) == dt.date(2026, 4, 28)
    assert add_working_days(friday, 2, {HOLIDAY.date}) == dt.date(2026, 4, 29)
    assert add_working_days(dt.date(2026, 4, 22), 2, {HOLIDAY.date}) == dt.date(2026, 4, 24)  # Wednesday → Friday
    assert add_working_days(dt.date(2026, 4, 25), 1) == dt.date(2026, 4, 27)  # received on Saturday


def test_the_shipped_holidays_are_read_from_the_catalogue():
    catalogue = load_config(REPO / "config.toml", env={}).catalogue
    assert catalogue.holidays and all(h.name for h in catalogue.holidays)
    assert dt.date(2026, 9, 2) in catalogue.holiday_dates


@pytest.fixture
async def office(config, db, tmp_path):
    config = dataclasses.replace(config, catalogue=dataclasses.replace(config.catalogue, holidays=(HOLIDAY,)))
    app, sender = await make_app(config, db, FRIDAY)
    admin = await add_staff(app, "Quản Trị Viên", {"admin"}, "adm", channel="zalo")
    binh = await add_staff(app, NAME, {"inspector"}, "binh")
    url = db.engine.url.render_as_string(hide_password=False)
    cli = dataclasses.replace(config, database=dataclasses.replace(config.database, url=url))
    return app, sender, admin, binh, cli


def _on(config, day: dt.date):
    """The command line's config with its clock on `day` (FIELDBOT_TODAY)."""
    return dataclasses.replace(config, general=dataclasses.replace(config.general, today=day))


async def _deliver(app, cli) -> None:
    """The running bot, a moment after the command line queued its message, sends it."""
    app.clock.at = clock_for(cli.general.zone, cli.general.today).now() + dt.timedelta(minutes=1)
    await app.engine.run_until_idle()


async def test_a_copy_request_reaches_the_admins_with_its_due_date_and_is_closed_by_the_export(office, capsys, tmp_path):
    app, sender, admin, binh, cli = office
    chat = Chat(app, sender, "binh")
    shown = (await chat.say("/quyenriengtu")).split("\n---\n")
    assert shown[0] == texts.privacy.full(app.router.notice)
    assert shown[1].startswith("Gửi yêu cầu về dữ liệu cá nhân của đồng chí?") and "\n1. Nhận bản sao dữ liệu\n" in shown[1]
    again = await chat.say("9")  # not a choice: asked again
    assert again.startswith(texts.privacy.REQUEST_PICK) and "\n1. Nhận bản sao dữ liệu\n" in again
    received = await chat.say("1")
    assert "chậm nhất ngày 29/04/2026 (02 ngày làm việc)" in received  # Fri → (weekend, holiday Mon) → Wed
    [notice] = sender.texts("adm")
    assert f"của {NAME} (cán bộ số {binh.id})" in notice and "Nhận lúc 15:00 24/04/2026; hạn trả lời: 29/04/2026" in notice
    assert f"admin person export --staff {binh.id}" in notice
    async with app.db.read() as session:
        [row] = (await session.scalars(select(PrivacyRequestRow))).all()
    assert (row.kind, row.due, row.closed_at) == ("copy", dt.date(2026, 4, 29), None)

    capsys.readouterr()
    assert await person_commands.requests_command(_on(cli, dt.date(2026, 4, 28)), None) == 0
    listed = capsys.readouterr().out
    assert f"số {row.id}" in listed and "hạn 29/04/2026" in listed and NAME in listed and "QUÁ HẠN" not in listed
    assert await person_commands.requests_command(_on(cli, dt.date(2026, 4, 30)), None) == 0
    assert "hạn 29/04/2026 — QUÁ HẠN" in capsys.readouterr().out

    day = _on(cli, dt.date(2026, 4, 28))
    assert await person_commands.export_command(day, binh.id, str(tmp_path / "binh.json")) == 0
    await _deliver(app, day)
    assert sender.texts("binh")[-1] == texts.privacy.request_done(row.id, "copy", "đồng chí")
    assert await person_commands.requests_command(day, None) == 0
    assert texts.privacy.REQUESTS_NONE in capsys.readouterr().out
    assert '"privacy_requests"' in (tmp_path / "binh.json").read_text(encoding="utf-8")


async def test_an_erasure_request_is_closed_by_the_erasure_and_its_chat_forgotten(office, capsys):
    app, sender, admin, binh, cli = office
    chat = Chat(app, sender, "binh")
    await chat.say("/quyenriengtu")
    assert "Đã ghi nhận yêu cầu số" in await chat.say("xóa dữ liệu")  # by its name, too
    assert "admin person erase --staff" in sender.texts("adm")[-1]
    day = _on(cli, dt.date(2026, 4, 27))
    assert await person_commands.erase_command(day, binh.id) == 0
    await _deliver(app, day)
    assert sender.texts("binh")[-1].endswith("(xóa dữ liệu) đã được thực hiện xong.")
    async with app.db.read() as session:
        [row] = (await session.scalars(select(PrivacyRequestRow))).all()
    assert row.closed_with == "erase" and (row.channel, row.chat_id, row.detail) == ("", "", "")
    capsys.readouterr()
    await person_commands.requests_command(day, None)
    assert texts.privacy.REQUESTS_NONE in capsys.readouterr().out


async def test_a_correction_is_described_and_closed_by_done_a_copy_is_not(office, capsys):
    app, sender, admin, binh, cli = office
    chat = Chat(app, sender, "binh")
    await chat.say("/quyenriengtu")
    asked = await chat.say("2")
    assert asked.startswith("Vui lòng ghi rõ dữ liệu cần sửa")
    assert await chat.say("  ") == texts.privacy.REQUEST_DETAIL_EMPTY
    assert "Đã ghi nhận yêu cầu số" in await chat.say("Họ tên đúng là Trần Thị Bính")
    assert "Nội dung: Họ tên đúng là Trần Thị Bính" in sender.texts("adm")[-1]
    await chat.say("/quyenriengtu")
    await chat.say("1")
    async with app.db.read() as session:
        correction, copy = (await session.scalars(select(PrivacyRequestRow).order_by(PrivacyRequestRow.id))).all()
    day = _on(cli, dt.date(2026, 4, 28))
    capsys.readouterr()
    assert await person_commands.requests_command(day, copy.id) == 2  # closed by the export only
    assert f"admin person export --staff {binh.id}" in capsys.readouterr().err
    assert await person_commands.requests_command(day, 999) == 1
    assert await person_commands.requests_command(day, correction.id) == 0
    await _deliver(app, day)
    assert sender.texts("binh")[-1] == texts.privacy.request_done(correction.id, "correct", "đồng chí")
    assert f"Đã đóng yêu cầu số {correction.id}" in capsys.readouterr().out
    await person_commands.requests_command(day, None)
    listed = capsys.readouterr().out
    assert f"số {copy.id}" in listed and f"số {correction.id} " not in listed


async def test_a_withdrawal_closed_by_done_revokes_the_account(office, capsys):
    app, sender, admin, binh, cli = office
    chat = Chat(app, sender, "binh")
    await chat.say("/quyenriengtu")
    await chat.say("5")
    async with app.db.read() as session:
        [row] = (await session.scalars(select(PrivacyRequestRow))).all()
    assert row.kind == "withdraw"
    assert await person_commands.requests_command(_on(cli, dt.date(2026, 4, 28)), row.id) == 0
    async with app.db.read() as session:
        assert not (await people.get_staff(session, binh.id)).active


async def test_a_draft_is_kept_and_the_request_waits_for_it(office):
    app, sender, admin, binh, cli = office
    chat = Chat(app, sender, "binh")
    await add_plan(app)
    await chat.say("/kiemtra")  # a form open (its draft)
    full, after = (await chat.say("/quyenriengtu")).split("\n---\n")
    assert full == texts.privacy.full(app.router.notice) and after == texts.privacy.REQUEST_AFTER_DRAFT
    async with app.db.read() as session:
        [conversation] = (await session.scalars(select(ConversationRow))).all()
    assert conversation.state["kind"] == "flow" and conversation.state["flow"] != "privacy"


async def test_another_command_or_cancel_drops_an_unsent_request(office):
    app, sender, admin, binh, cli = office
    chat = Chat(app, sender, "binh")
    await chat.say("/quyenriengtu")
    await chat.say("/help")
    assert await chat.say("1") == texts.people.NO_FLOW_HINT  # not taken as a request any more
    await chat.say("/quyenriengtu")
    assert await chat.say("hủy") == texts.privacy.REQUEST_CANCELLED
    async with app.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(PrivacyRequestRow)) == 0
    assert sender.texts("adm") == []


# --- start-up and the report --------------------------------------------------------------------------


def _main(tmp_path: Path, *args: str, config: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "ZALO_", "FIELDBOT_")) and k != "DATABASE_URL"}
    env.update(FIELDBOT_CONFIG=str(config), FIELDBOT_DATA_DIR=str(tmp_path / "data"),
               ZALO_BOT_TOKEN="1234567890:abcdefghijklmnop", ZALO_BASE_URL="http://127.0.0.1:9")
    return subprocess.run([sys.executable, "main.py", *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)


def test_run_with_the_shipped_placeholders_exits_2_naming_each_key(tmp_path):
    result = _main(tmp_path, "run", config=REPO / "config.toml")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    for key in ("[organisation] parent_body", "[organisation] province", "[organisation] place",
                "[organisation] signer_name", "[organisation] recipients_to", "[organisation] recipients_copy",
                "[privacy] operator", "[privacy] contact"):
        assert key in line, key
    assert "[organisation] department_name" not in line and "[privacy] records_period" not in line
    assert not (tmp_path / "data" / "fieldbot.sqlite3").exists()  # refused before anything was opened


def test_the_shipped_contact_is_an_obvious_placeholder_and_no_value_looks_like_a_phone_number():
    config = load_config(REPO / "config.toml", env={})
    contact = config.privacy.contact
    assert contact.startswith("[") and contact.endswith("]") and not re.search(r"\d", contact)
    values = [*vars(config.privacy).values(), *config.organisation.values()]
    texts_shipped = [v for value in values for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
    assert [v for v in texts_shipped if re.search(r"\d{3}", v)] == []


def test_an_empty_contact_is_refused_too(tmp_path):
    from bot.config import unfilled_keys

    config = filled(load_config(REPO / "config.toml", env={}))
    assert unfilled_keys(config, privacy=True) == []
    empty = dataclasses.replace(config, privacy=PrivacyConfig("Trung tâm", ""))
    assert unfilled_keys(empty, privacy=True) == ["[privacy] contact"]


def test_a_short_notice_too_long_for_one_message_is_refused_at_start():
    from handlers.registration import notice_problems

    config = filled(load_config(REPO / "config.toml", env={}))
    assert notice_problems(config) == []
    long = dataclasses.replace(config, privacy=PrivacyConfig("Trung tâm " * 20, "phòng CNTT"))
    [problem] = notice_problems(long)
    assert "[privacy] operator" in problem and "1000" in problem


def test_report_writes_and_names_the_unfilled_keys(tmp_path):
    out = tmp_path / "r.docx"
    shipped = _main(tmp_path, "report", "--month", "2023-01", "--out", str(out), config=REPO / "config.toml")
    assert shipped.returncode == 0 and out.exists()
    assert "[organisation] province" in shipped.stderr and "[privacy]" not in shipped.stderr
    ready = _main(tmp_path / "b", "report", "--month", "2023-01", "--out", str(tmp_path / "b.docx"),
                  config=filled_config_file(tmp_path / "cfg"))
    assert ready.returncode == 0 and ready.stderr.strip() == ""


# --- the law cited ------------------------------------------------------------------------------------

REPEALED = "13/" + "2023"  # the decree of 2023 (NĐ 13), replaced by Nghị định 356/2025/NĐ-CP from 01/01/2026


def test_the_repealed_decree_is_cited_nowhere_and_the_current_one_is():
    # every file of the project, read from the folder (CI's copy is no git checkout): hidden folders
    # (.git, .venv), caches and build records aside
    files = [p.relative_to(REPO).as_posix() for p in REPO.rglob("*")
             if not any(part.startswith(".") or part == "__pycache__" or part.endswith(".egg-info")
                        for part in p.relative_to(REPO).parts)]
    found = []
    for name in files:
        path = REPO / name
        if path.suffix in (".py", ".md", ".toml", ".txt", ".cfg", ".ini", ".yml", ".yaml", ".sh", ".example") \
                and path.is_file() and REPEALED in path.read_text(encoding="utf-8", errors="replace"):
            found.append(name)
    assert found == []
    for name in ("texts/privacy.py", "README.md", "docs/design.md", "docs/glossary.md", "config.toml"):
        assert "356/2025" in (REPO / name).read_text(encoding="utf-8"), name
