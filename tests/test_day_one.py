"""Day one in production (issue 19, items 3–8): what a second department meets when it follows the README.

3. "A new department" names the plan step (/kehoach) before inspectors use /kiemtra.
4. staff.csv takes the glossary's Vietnamese role names and common variants, with or without
   diacritics; the README lists them; every bad row is reported in one run.
5. The facilities import writes nothing while any row is bad (tests/test_facilities.py checks the
   importer; here the command).
6. `backup` never overwrites; the README and the nightly script agree (tests/test_deploy.py).
7. Command-line mistakes end in one sentence with exit status 2 or 1 (tests/test_cli_errors.py).
8. The chat's examples come from no other province: no "minh phat", no Hưng Yên coordinates; the
   sample facilities sheet carries a placeholder province.
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

import texts
from app.invites import InviteFileError, read_people, role_key
from bot.config import load_config
from storage import records
from storage.domain import ROLES, Facility, RecordMeta
from storage.text import fold
from tests.conftest import REPO
from tests.kit import Chat, add_plan, add_staff, make_app
from tests.test_cli_errors import one_sentence, run

README = (REPO / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    return README[start:README.index("\n## ", start + 1)]


# --- 3. the plan step ---------------------------------------------------------------------------------

def test_a_new_department_names_the_plan_step_before_the_first_inspection():
    steps = section("A new department")
    assert "/kehoach" in steps, "an inspector's /kiemtra needs an open plan: the steps must say who makes it"
    assert steps.index("/kehoach") < steps.index("/kiemtra")
    numbered = re.findall(r"^(\d+)\. ", steps, re.M)
    assert numbered == [str(n) for n in range(1, len(numbered) + 1)]
    plan_step = next(line for line in steps.split("\n") if "/kehoach" in line)
    invite_step = next(line for line in steps.split("\n") if "admin invite --role admin" in line)
    assert steps.index(invite_step) < steps.index(plan_step), "people are invited before the plan is recorded"
    assert "/kehoach" in texts.inspection.NO_OPEN_PLAN  # and /kiemtra without a plan says the same


# --- 4. role names ------------------------------------------------------------------------------------

def _strip(text: str) -> str:
    """Without diacritics, as people type on a phone with no Vietnamese keyboard."""
    return fold(text)


@pytest.mark.parametrize(("written", "key"), [
    ("kiểm tra viên", "inspector"), ("Kiem tra vien", "inspector"), ("công chức kiểm tra", "inspector"),
    ("kỹ thuật viên", "technician"), ("KY THUAT VIEN", "technician"), ("kỹ thuật viên kiểm định", "technician"),
    ("văn thư", "clerk"), ("van thu", "clerk"), ("chuyên viên", "clerk"), ("  cán bộ   cấp phép ", "licensing"),
    ("lãnh đạo", "manager"), ("giam doc", "manager"), ("quản trị hệ thống", "admin"), ("admin", "admin"),
])
def test_role_words_people_write(written, key):
    assert role_key(written) == key


def test_every_glossary_name_and_variant_is_accepted_and_listed_in_the_readme():
    listed = README.split("<!-- role-words -->", 1)[1].split("<!-- /role-words -->", 1)[0]
    rows = dict(re.findall(r"^\| `(\w+)` \| (.+) \|$", listed, re.M))
    assert set(rows) == set(ROLES)
    glossary = (REPO / "docs" / "glossary.md").read_text(encoding="utf-8")
    for key in ROLES:
        words = [texts.people.ROLE_NAMES[key], *texts.people.ROLE_SYNONYMS[key]]
        assert [w.strip() for w in rows[key].split(",")] == words, key
        assert f"**{texts.people.ROLE_NAMES[key]}**" in glossary
        for word in words:
            assert role_key(word) == key and role_key(_strip(word)) == key and role_key(word.upper()) == key


def test_no_role_word_means_two_roles():
    seen: dict[str, str] = {}
    for key in ROLES:
        for word in [key, texts.people.ROLE_NAMES[key], *texts.people.ROLE_SYNONYMS[key]]:
            assert seen.setdefault(fold(word), key) == key, word


def test_staff_csv_in_vietnamese_and_every_bad_row_at_once(tmp_path):
    good = tmp_path / "staff.csv"
    good.write_text("Họ tên,Vai trò\nNguyễn Văn A,kiểm tra viên\nTrần Thị B,\"ky thuat vien, van thu\"\n"
                    "Lê Văn C,Văn thư\n", encoding="utf-8")
    assert read_people(good) == [("Nguyễn Văn A", ["inspector"]), ("Trần Thị B", ["technician", "clerk"]),
                                 ("Lê Văn C", ["clerk"])]
    bad = tmp_path / "bad.csv"
    bad.write_text("Họ tên;Vai trò\nA;bảo vệ\nB;chuyên viên\n;clerk\nD;lái xe, văn thư\n", encoding="utf-8")
    with pytest.raises(InviteFileError) as refused:
        read_people(bad)
    lines = str(refused.value).splitlines()
    assert lines[0] == texts.operations.invite_bad_rows(bad, 3)
    assert [line.split(":")[0] for line in lines[1:]] == ["Dòng 2", "Dòng 4", "Dòng 5"]
    assert "công chức kiểm tra" in lines[1] and "văn thư" in lines[1]  # the Vietnamese names, not only the keys


def test_admin_invite_takes_a_vietnamese_role(tmp_path):
    done = run(tmp_path, "admin", "invite", "--role", "kiểm tra viên", "--role", "van thu", "--name", "Ngô Thị D")
    assert done.returncode == 0, done.stderr
    assert texts.cli.INVITE_MADE.format(name="Ngô Thị D", roles="công chức kiểm tra, chuyên viên", days=7) in done.stdout
    one_sentence(run(tmp_path, "admin", "invite", "--role", "bảo vệ", "--name", "X"), 2, "--role", "bảo vệ",
                 "công chức kiểm tra")


# --- 5. facilities: all or nothing, from the command line ---------------------------------------------

def _sheet(path: Path, rows: list[tuple]) -> Path:
    book = Workbook()
    book.active.append(["Tên cơ sở", "Loại", "Mã số thuế", "Địa chỉ", "Tỉnh"])
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return path


def test_a_facilities_file_with_bad_rows_writes_nothing(tmp_path):
    path = _sheet(tmp_path / "CoSo.xlsx", [
        ("Cửa hàng xăng dầu Số 1", "xăng dầu", "0101234567", "", ""),
        ("Không mã số thuế", "gas", "", "", ""),
        ("Đại lý gas Số 2", "gas", "0107654321", "", ""),
        ("Sai loại", "thực phẩm", "0106666666", "", ""),
    ])
    done = run(tmp_path, "facilities", "import", str(path))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "Chưa ghi gì: tệp có 2 dòng lỗi" in done.stdout and "dòng 3:" in done.stdout and "dòng 5:" in done.stdout
    with sqlite3.connect(tmp_path / "data" / "fieldbot.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM facilities").fetchone() == (0,)


# --- 6. backups never overwrite -------------------------------------------------------------------------

def test_backup_never_overwrites(tmp_path):
    assert run(tmp_path, "migrate").returncode == 0
    out = tmp_path / "b" / "fieldbot.sqlite3"
    first = run(tmp_path, "backup", "--out", str(out))
    assert first.returncode == 0, first.stderr
    before = out.read_bytes()
    second = run(tmp_path, "backup", "--out", str(out))
    assert second.returncode == 0, second.stderr
    assert out.read_bytes() == before
    taken = out.with_name("fieldbot_2.sqlite3")
    assert taken.exists() and texts.cli.NAME_TAKEN.format(name=out.name, new=taken.name) in second.stdout
    assert sorted(p.name for p in out.parent.iterdir()) == ["fieldbot.sqlite3", "fieldbot_2.sqlite3"]


# --- 8. examples of no other province ---------------------------------------------------------------------

HUNG_YEN = ("minh phat", "20.65", "106.05", "hung yen")


@pytest.fixture
async def ninh_binh(tmp_path, db):
    config = load_config(REPO / "config.toml", env={"FIELDBOT_DATA_DIR": str(tmp_path / "data")})
    config = dataclasses.replace(config, organisation={**config.organisation, "province": "Ninh Bình"})
    app, sender = await make_app(config, db)
    staff = await add_staff(app, "Đinh Kiểm Tra", {"inspector"}, "kt")
    await add_plan(app)
    async with app.db.unit_of_work() as session:
        await records.add_facility(session, Facility(0, "xang_dau", "Cửa hàng xăng dầu Tràng An", "0201234567",
                                                     "phường Hoa Lư", "Ninh Bình"),
                                   RecordMeta(staff.id, recorded_at=app.clock.now()))
    return app, sender


async def test_the_inspection_form_shows_no_other_provinces_examples(ninh_binh):
    app, sender = ninh_binh
    chat = Chat(app, sender, "kt")
    said = [await chat.say(line) for line in ("/kiemtra", "ok", "1", "trang an", "2", "Cửa hàng xăng dầu Mới",
                                              "0209999999", "phường Nam Bình", "không")]
    transcript = fold("\n".join(said))
    assert "trang an" in transcript and "toa do" in transcript  # the form really ran to the position
    assert [word for word in HUNG_YEN if word in transcript] == []


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.items() for s in _strings(item)]
    if isinstance(value, list | tuple | set | frozenset):
        return [s for item in value for s in _strings(item)]
    return []


def test_no_sentence_of_texts_carries_the_model_months_examples():
    """Every sentence constant (the correction for coordinates out of range, the search example…)."""
    assert texts.__all__
    for module in texts.__all__:
        for name, value in vars(getattr(texts, module)).items():
            if name.startswith("_"):
                continue
            for text in _strings(value):
                assert [word for word in HUNG_YEN if word in fold(text)] == [], (module, name)


def test_the_sample_facilities_sheet_has_a_placeholder_province():
    config_province = load_config(REPO / "config.toml", env={}).organisation["province"]
    rows = list(load_workbook(REPO / "docs" / "sample-facilities.xlsx").active.iter_rows(values_only=True))
    provinces = {row[rows[0].index("Tỉnh")] for row in rows[1:]} - {None, ""}
    assert provinces == {config_province} and config_province.startswith("[")
    everything = fold(" ".join(str(cell) for row in rows for cell in row if cell))
    assert [word for word in HUNG_YEN if word in everything] == []


# --- the README's troubleshooting table quotes what the program says ------------------------------------------

# The channel adapters' own log lines (bot/channels), quoted by the table too: not the command line's.
CHANNEL_LOG_LINES = {"Zalo rejected the bot token", "Telegram rejected the bot token"}


def test_every_message_the_troubleshooting_table_quotes_is_one_the_program_says():
    """The table's first column quotes message beginnings; each piece between the blanks (…, N, a
    variable's name) is in a sentence of texts/ (the command line speaks Vietnamese: issue 18)."""
    sources = [re.sub(r"\{[^}]*\}", "…", (REPO / "texts" / f"{module}.py").read_text(encoding="utf-8"))
               for module in texts.__all__]
    table = section("Troubleshooting").split("| message begins | what to do |", 1)[1].split("\n\n", 1)[0]
    firsts = [re.findall(r"`([^`]+)`", row.split(" | ")[0])[0] for row in table.splitlines()[2:]]
    assert len(firsts) > 15
    missing = []
    for quote in firsts:
        if quote in CHANNEL_LOG_LINES:
            continue
        pieces = [p.strip(" /") for p in re.split(r"…|\bN\b|[A-Z][A-Z_]{3,}=?", quote) if p.strip(" /()")]
        if not all(any(piece in source for source in sources) for piece in pieces):
            missing.append(quote)
    assert missing == [], missing
