"""The chat's Vietnamese as a director would sign it off (issue 11): every form played on Zalo text (the
numbered rendering), no "bạn", no "Hãy…", no "Tôi"/"Bot" speaking for itself; the one form of address
from config.toml (the personal-data notice and the consent: tests/test_consent.py).

How the checkers were proven to catch a fault: with texts.common.COUNT_EXPECTED put back to "Hãy nhập…"
`test_no_sentence_in_texts_uses_ban_hay_toi` fails naming it; with "Bạn" added to /kehoach's "Trích
yếu?" prompt, `test_every_form_on_zalo_text_speaks_without_ban_hay_toi` fails naming /kehoach.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

import texts
from bot.config import LanguageConfig
from storage import people, records
from storage.domain import Facility, RecordMeta
from tests.kit import Chat, add_plan, add_staff, make_app

REPO = Path(__file__).resolve().parent.parent

# A word the chat must not use: the consumer-app "bạn", the order "Hãy…", the system calling itself
# "tôi" or "bot". Whole words, any case ("hãy" inside a sentence too).
FORBIDDEN = re.compile(r"\b(bạn|hãy|tôi|bot)\b", re.IGNORECASE)


def forbidden(text: str) -> list[str]:
    return [line for line in text.splitlines() if FORBIDDEN.search(line)]


# --- every sentence of the texts package ----------------------------------------------------------


JINJA_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}")


def _sentences(path: Path) -> list[tuple[int, str]]:
    """Every string literal of a module (f-string pieces too), docstrings left out; the Jinja2 tags of
    the report's sentences (texts/report_template.py: "{% if n > 1 %}", "{{ plan.number }}") are code
    and left out of the sentence."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, JINJA_TAG.sub("", node.value))
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


# The command line (cli, operations) names the platforms' products ("Tạo bot", @BotFather) and the process.
FORBIDDEN_CLI = re.compile(r"\b(bạn|hãy|tôi)\b", re.IGNORECASE)


def test_no_sentence_in_texts_uses_ban_hay_toi():
    found = [
        f"{path.name}:{line}: {text}"
        for path in sorted((REPO / "texts").glob("*.py"))
        for line, text in _sentences(path)
        if (FORBIDDEN_CLI if path.name in ("cli.py", "operations.py") else FORBIDDEN).search(text)
    ]
    assert found == []


def test_requests_say_vui_long():
    every = " ".join(text for path in (REPO / "texts").glob("*.py") for _, text in _sentences(path))
    assert every.count("Vui lòng") + every.count("vui lòng") >= 30


# --- every form, played on Zalo text ----------------------------------------------------------------

# The answers a person types on Zalo, form by form (a number picks from a list, “ok” the offered
# answer), with wrong answers on the way to read the refusals too.
FORMS = {
    "/kiemdinh": [" ", "???", "10/12/2022", "1", "-5", "67", "0", "ok", "bỏ qua", "1"],
    "/kiemtra": ["???", "32/13", "ok", "1", "m", "minh phat", "1", "không", "bỏ qua", "không", "abc", "2",
                 "Thiếu hồ sơ", "CD01 abc", "CD01 -0,6", "4", "0", "7.500.000",
                 "Cột CD01 sai số vượt giới hạn", "1"],
    "/giayphep": ["???", "1", "2", "GP-01/2023", "Bệnh viện Phố Nối", "bỏ qua", "ok", "13/01", "20/05/2024", "ok",
                  "1"],
    "/hoatdong": ["???", "1", "ok", "0", "5", "bỏ qua", "1"],
    "/kehoach": ["12/KH-SKHCN", "hôm kia", "ok", "Sở Khoa học và Công nghệ", "Kiểm tra đo lường", "1", "1"],
    "/ghichu": ["???", "ok", "1", "1", "Nội dung ghi chú thử.", "xong"],
    "/cuatoi": ["???", "1", "2", "1"],
    "/chotky": ["02/2023", "01/2023", "???", "1", "1"],
    "/gopcoso": ["minh", "1", "minh", "1", "1"],
}


@pytest.fixture
async def office(config, db):
    app, sender = await make_app(config, db)
    boss = await add_staff(app, "Phạm Lãnh Đạo", {"inspector", "technician", "licensing", "clerk", "manager", "admin"}, "boss")
    await add_plan(app)
    async with app.db.unit_of_work() as session:
        for name, tax in (("Cửa hàng xăng dầu Minh Phát", "0101234567"), ("Xăng dầu Minh Phat", "0101234568")):
            await records.add_facility(session, Facility(0, "xang_dau", name, tax, "xã Tân Dân", "Hưng Yên"),
                                       RecordMeta(boss.id, recorded_at=app.clock.now()))
    return app, sender


async def test_every_form_on_zalo_text_speaks_without_ban_hay_toi(office):
    app, sender = office
    chat = Chat(app, sender, "boss")
    seen: dict[str, list[str]] = {}
    for command, answers in FORMS.items():
        said = seen.setdefault(command, [])
        await chat.say("/huy")  # a script that went wrong does not leave its draft to the next form
        said.append(await chat.say(command))
        for answer in answers:
            said.append(await chat.say(answer))
    for command in ("/help", "/quyenriengtu", "/baocao 13/2022", "/xuat 02/2023", "/lienket", "/staff", "/khonglenh",
                    "/staff 9 thuhoi", "/staff 1 thuhoi", "/staff 1 vaitro abc", "/kehoach dong", "/kehoach dong 9",
                    "/chotky 12/2022", "/huy", "xin chào"):
        seen[command] = [await chat.say(command)]
    seen["sticker"] = [await chat.other("sticker")]
    # each form really ran to its end (otherwise this test reads nothing)
    ends = {command: said[-1] for command, said in seen.items() if command in FORMS}
    for command, end in ends.items():
        assert end.startswith("Đã "), (command, end)
    bad = {command: forbidden("\n".join(said)) for command, said in seen.items()}
    assert {command: lines for command, lines in bad.items() if lines} == {}
    everything = "\n".join("\n".join(said) for said in seen.values())
    assert "Gõ số thứ tự để chọn." in everything and "(gõ “quay lại” để sửa câu trước, “hủy” để dừng)" in everything
    assert "Trả lời bằng số hoặc chữ." not in everything
    transcript = "\n".join(seen["/kiemtra"])
    assert "⚠ Cột đo không đạt:\n  ✗ CD01: -0,60% — vượt giới hạn ±0,45%\nBiện pháp xử lý?" in transcript
    assert "4. Xử phạt vi phạm hành chính (phạt tiền)" in transcript and "✗ CD01: -0,60% — vượt giới hạn ±0,45%" in transcript
    assert "Đã lưu kết quả kiểm tra #1" in transcript and "biên bản kiểm tra" not in transcript.lower()


async def _stranger(app, sender, user: str) -> tuple[str, str]:
    """A stranger's hello, then an invited person's /start CODE: the refusal and the consent question."""
    async with app.db.unit_of_work() as session:
        code, _ = await people.create_invite(session, name="Trần Thị Bình", roles=("inspector",),
                                             now=app.clock.now(), valid_for=dt.timedelta(days=7))
    refusal = await Chat(app, sender, "stranger").say("xin chào")
    notice = await Chat(app, sender, user).say(f"/start {code}")
    return refusal, notice


@pytest.mark.parametrize(("address", "other"), [("đồng chí", "anh/chị"), ("anh/chị", "đồng chí")])
async def test_the_form_of_address_comes_from_config(config, db, address, other):
    config = dataclasses.replace(config, language=LanguageConfig(address))
    app, sender = await make_app(config, db)
    await add_staff(app, "Vũ Cấp Phép", {"licensing"}, "lic")
    refusal, notice = await _stranger(app, sender, "binh")
    assert refusal.startswith("Kính chào. ") and address not in refusal and other not in refusal  # a stranger
    assert f"Kính gửi {address} Trần Thị Bình." in notice and other not in notice
    assert f"{texts.people.capitalised(address)} có đồng ý?" in notice
    not_allowed = await Chat(app, sender, "lic").say("/chotky")
    assert not_allowed == f"Lệnh /chotky dành cho lãnh đạo; tài khoản của {address} không có quyền này."
    declined = await Chat(app, sender, "binh").say("2")
    assert declined.startswith(f"Chưa đăng ký vì {address} chưa đồng ý")
    for text in (refusal, notice, not_allowed, declined):
        assert forbidden(text) == []


def test_the_form_of_address_is_checked_when_the_config_is_read(tmp_path):
    from bot.config import ConfigError, load_config

    text = (REPO / "config.toml").read_text(encoding="utf-8").replace('address = "đồng chí"', 'address = "bạn"')
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="address"):
        load_config(tmp_path / "config.toml", env={})
    assert load_config(REPO / "config.toml", env={}).language.address == "đồng chí"


# --- the personal-data notice: tests/test_consent.py ----------------------------------------------------


# --- the corrections of issue 11, one by one -----------------------------------------------------------


def test_roles_and_the_invitation_are_named_as_an_agency_names_them():
    assert texts.people.role_names({"inspector", "clerk", "admin"}) == "công chức kiểm tra, chuyên viên, quản trị hệ thống"
    assert "/start kèm mã mời, ví dụ /start AB12CD34EF56" in texts.people.START_NEEDS_CODE
    assert "MÃ_MỜI" not in " ".join(text for _, text in _sentences(REPO / "texts" / "people.py"))


def test_the_apology_says_the_earlier_answers_are_kept():
    assert "Các câu trả lời trước đó vẫn được giữ nguyên" in texts.people.ERROR
    assert "Tin nhắn trước đó" not in texts.people.ERROR


def test_one_spelling_for_done_delete_percent_and_x_ray():
    every = [text for path in (REPO / "texts").glob("*.py") for _, text in _sentences(path)]
    assert not [t for t in every if "xoá" in t.lower() or "“Xong”" in t]  # “xong” typed, “xóa”
    assert texts.inspection.pct("0.45") == "0,45%" and texts.inspection.signed_pct("-0.3") == "-0,30%"
    catalogue = (REPO / "config.toml").read_text(encoding="utf-8")
    assert "X-Quang" not in catalogue and "giấy phép sử dụng thiết bị X-quang chẩn đoán trong y tế" in catalogue
    assert not [t for t in every if re.search(r"x-quang|x quang|xquang", t, re.IGNORECASE) and "X-quang" not in t]
    assert not [t for t in every if re.search(r"\d %|\d\.\d+%", t)]  # "0,45%": comma, no space
    assert texts.common.lower_label("Điện") == "điện" and texts.common.lower_label("X-quang") == "X-quang"


def test_every_activity_kind_asks_its_count_with_its_unit():
    """/hoatdong asks "Số bản thông báo đã ban hành?" and the like, never the bare "Số lượng?"."""
    from bot.config import load_config

    kinds = load_config(REPO / "config.toml", env={}).catalogue.activity_kinds
    assert kinds and all(k.count_question.startswith("Số ") and k.count_question.endswith("?") for k in kinds)
    assert texts.capture.ACT_COUNT not in {k.count_question for k in kinds}


async def test_hoatdong_asks_each_kinds_count_on_zalo(office):
    app, sender = office
    chat = Chat(app, sender, "boss")
    for number, kind in enumerate(app.config.catalogue.activity_kinds, start=1):
        await chat.say("/huy")
        await chat.say("/hoatdong")
        asked = await chat.many(str(number), "ok")
        assert asked.startswith(kind.count_question + "\n"), (kind.key, asked)


def test_periods_are_named_one_way_with_their_year():
    assert texts.common.period_name(12, 2026, dt.date(2026, 11, 15), dt.date(2026, 12, 14)) == (
        "tháng 12/2026 (15/11–14/12/2026)")
    assert texts.common.period_name(1, 2023, dt.date(2022, 12, 15), dt.date(2023, 1, 14)) == (
        "tháng 01/2023 (15/12/2022–14/01/2023)")
    # the notes and the export name a period the same way inside a sentence ("tháng 01/2023" alone did)
    from reports.periods import month_period

    january = month_period(2023, 1)
    assert texts.report.note_saved("A.I", january, 1) == (
        "Đã lưu ghi chú mục A.I, kỳ tháng 01/2023 (15/12/2022–14/01/2023). Mục này có 1 ghi chú.")
    assert "của kỳ tháng 01/2023 (15/12/2022–14/01/2023)." in texts.report.export_ready(january, 3)
    assert texts.report.notes_header(january, 0).startswith("Kỳ tháng 01/2023 (15/12/2022–14/01/2023) chưa có")


async def test_field_corrections_as_read_on_zalo(office):
    app, sender = office
    chat = Chat(app, sender, "boss")
    # /giayphep: a renewal counts from the old expiry, said in full; a certificate is saved as one
    await chat.say("/giayphep")
    await chat.many("1", "2", "GP-01/2023", "Bệnh viện Phố Nối", "bỏ qua", "ok")
    asked = await chat.say("20/05/2024")
    assert "Gõ “ok” để chọn: 20/05/2027 (3 năm kể từ ngày hết hạn cũ)" in asked
    await chat.say("/huy")
    await chat.say("/giayphep")
    review = await chat.many("2", "1", "CC-01/2023", "Nguyễn Văn Bức Xạ", "bỏ qua", "ok")
    assert "Thời hạn: không thời hạn" in review.splitlines()
    assert await chat.say("1") == "Đã lưu chứng chỉ #1."
    # /hoatdong asks the count with its unit, from the catalogue
    await chat.say("/hoatdong")
    assert (await chat.many("2", "ok")).startswith("Số bản thông báo đã ban hành?")
    await chat.say("/huy")
    # /kiemtra (played in full above): a pump's line, the actions, a result rather than a "biên bản"
    assert texts.inspection.pump_line(2, "CD02", Decimal("0.6"), False, True, True, Decimal("0.45")) == (
        "  ✗ CD02: +0,60% — vượt giới hạn ±0,45%")
    assert dict(texts.inspection.ACTIONS)["record"] == "Lập biên bản vi phạm hành chính"
    assert dict(texts.inspection.ACTIONS)["fine"] == "Xử phạt vi phạm hành chính (phạt tiền)"
    assert texts.inspection.TITLE == "Kết quả kiểm tra cơ sở"
    # /kiemdinh: the suggested certificates say what they are, the list shows dates with their year
    await chat.say("/kiemdinh")
    asked = await chat.many("ok", "1", "67", "0")
    assert "Gõ “ok” để chọn: Cấp 67 giấy chứng nhận (số kiểm định trừ số loại bỏ)" in asked
    await chat.many("ok", "bỏ qua", "1")
    listing = await chat.say("/cuatoi")
    assert "13/01/2023 Kiểm định điện: 67 PTĐ, loại bỏ 0, 67 GCN (#1)" in listing


async def test_a_director_on_zalo_without_a_link_is_told_to_ask_it_and_the_admins_why(config, db):
    app, sender = await make_app(config, db)  # config.toml: no [web] public_url
    await add_staff(app, "Nguyễn Giám Đốc", {"manager"}, "director", channel="zalo")
    await add_staff(app, "Lê Quản Trị", {"admin"}, "it", channel="telegram")
    await Chat(app, sender, "director", channel="zalo").say("/baocao")
    told = [r.text for r in sender.sent.get("it", [])]
    assert told == [texts.common.ADMIN_NO_DOCUMENT_LINK.format(name="Nguyễn Giám Đốc", document="BaoCao_KHCN_2023-01.docx")]
    assert "public_url" in told[0]
    assert "python main.py" not in texts.common.NO_DOCUMENT_LINK and "liên hệ bộ phận CNTT" in texts.common.NO_DOCUMENT_LINK
