"""Every mistake a person can make at the command line ends in one sentence, not a traceback:
exit status 2 when what was typed is wrong, 1 when the run failed. Real `main.py` processes."""

from __future__ import annotations

import fcntl
import os
import pwd
import subprocess
import sys
from pathlib import Path

import pytest

import texts
from tests.conftest import filled_config_file

REPO = Path(__file__).resolve().parents[1]


def cli_env(tmp_path: Path, extra: dict | None = None) -> dict:
    """This machine's environment without any bot's settings, a data folder of the test's own, and the
    repository's config.toml with [organisation] and [privacy] filled in (`run` refuses the placeholders)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "ZALO_", "FIELDBOT_")) and k != "DATABASE_URL"}
    env.update({"FIELDBOT_DATA_DIR": str(tmp_path / "data"), "FIELDBOT_CONFIG": str(filled_config_file(tmp_path / "cfg"))})
    return {**env, **(extra or {})}


def run(tmp_path: Path, *args: str, env: dict | None = None, stdin: str = "",
        timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "main.py", *args], cwd=REPO, input=stdin, capture_output=True,
                          text=True, timeout=timeout, env=cli_env(tmp_path, env))


def one_sentence(result: subprocess.CompletedProcess, status: int, *parts: str) -> str:
    """The process ended with `status` and said one line on stderr containing every part."""
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for part in parts:
        assert part in lines[0], (part, lines[0])
    return lines[0]


@pytest.fixture
def unwritable(tmp_path) -> Path:
    """A folder this process cannot create files in. Root writes through permissions, so there /sys
    (a kernel filesystem where nobody creates files) stands in for a folder without write permission."""
    if os.geteuid() == 0:
        return Path("/sys")
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


# --- arguments --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("command", "month"), [("report", "2023-13"), ("export", "tháng một"), ("report", "00/2023")])
def test_a_month_that_is_not_one(tmp_path, command, month):
    result = run(tmp_path, command, "--month", month, "--out", str(tmp_path / "x.docx"))
    one_sentence(result, 2, "--month", month, "YYYY-MM")
    assert not (tmp_path / "x.docx").exists()


def test_a_month_for_notes_import(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("# A.IV.1\nMột ghi chú.\n", encoding="utf-8")
    one_sentence(run(tmp_path, "notes", "import", "--month", "2023-13", str(notes)), 2, "2023-13", "YYYY-MM")


def test_out_naming_a_folder(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    result = run(tmp_path, "report", "--month", "2023-01", "--out", str(folder))
    one_sentence(result, 2, str(folder), "--out")
    assert list(folder.iterdir()) == []


def test_out_under_a_file(tmp_path):
    (tmp_path / "a-file").write_text("x")
    result = run(tmp_path, "export", "--month", "2023-01", "--out", str(tmp_path / "a-file" / "x.xlsx"))
    one_sentence(result, 2, str(tmp_path / "a-file"), "--out")


def test_out_in_a_folder_that_cannot_be_written(tmp_path, unwritable):
    result = run(tmp_path, "report", "--month", "2023-01", "--out", str(unwritable / "BaoCao.docx"))
    one_sentence(result, 1, str(unwritable), "--out")


def test_a_data_folder_that_cannot_be_written(tmp_path, unwritable):
    data = unwritable / "fieldbot-data"
    result = run(tmp_path, "admin", "staff", env={"FIELDBOT_DATA_DIR": str(data)})
    one_sentence(result, 1, str(data), "FIELDBOT_DATA_DIR")


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_name_is_refused(tmp_path, name):
    result = run(tmp_path, "admin", "invite", "--role", "clerk", "--name", name)
    one_sentence(result, 2, "--name")
    assert "/start" not in result.stdout


@pytest.mark.parametrize("command", [["notes", "import", "--month", "2023-01"], ["facilities", "import"]])
def test_an_import_file_that_does_not_exist(tmp_path, command):
    missing = tmp_path / "khong-co.txt"
    line = one_sentence(run(tmp_path, *command, str(missing)), 2, str(missing), "Không tìm thấy")
    assert "FileNotFoundError" not in line and "line 1" not in line and "dòng" not in line


# --- configuration ----------------------------------------------------------------------------------

def test_a_missing_config_file(tmp_path):
    missing = tmp_path / "khong-co.toml"
    one_sentence(run(tmp_path, "--config", str(missing), "admin", "staff"), 2, str(missing), "--config")


@pytest.mark.parametrize("kind", ["folder", "binary"])
def test_an_unreadable_config_file(tmp_path, kind):
    path = tmp_path / "config.toml"
    if kind == "folder":
        path.mkdir()
    else:
        path.write_bytes(b"\xff\xfe\x00[general]\x81\x82")
    one_sentence(run(tmp_path, "admin", "staff", env={"FIELDBOT_CONFIG": str(path)}), 2, str(path))


@pytest.mark.parametrize("value", ["2023-13-01", "13/01/2023"])
def test_a_bad_clock_override(tmp_path, value):
    one_sentence(run(tmp_path, "admin", "staff", env={"FIELDBOT_TODAY": value}), 2, "FIELDBOT_TODAY", value)


def test_the_clock_override_is_used_and_logged(tmp_path):
    invite = run(tmp_path, "admin", "invite", "--role", "clerk", "--name", "Lê Văn An",
                 env={"FIELDBOT_TODAY": "2023-01-13"})
    assert invite.returncode == 0, invite.stderr
    assert "FIELDBOT_TODAY" in invite.stderr and "2023-01-13" in invite.stderr  # logged at start
    staff = run(tmp_path, "admin", "staff", env={"FIELDBOT_TODAY": "2023-01-13"})
    assert "20/01/2023" in staff.stdout, staff.stdout  # the invitation runs 7 days from the set day


# --- the database in use -----------------------------------------------------------------------------

def test_the_database_in_use_by_another_process(tmp_path):
    assert run(tmp_path, "migrate").returncode == 0
    database = tmp_path / "data" / "fieldbot.sqlite3"
    with open(f"{database}.lock", "a+") as held:  # what a running bot holds
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        console = run(tmp_path, "console", "--as", "An", stdin="/help\n")
        one_sentence(console, 1, str(database), "bot")
        assert "đang chạy" in console.stderr
        bot = run(tmp_path, "run", env={"ZALO_BOT_TOKEN": "1234567890:abcdefghijklmnop",
                                        "ZALO_BASE_URL": "http://127.0.0.1:9"})
        one_sentence(bot, 1, str(database), "đang chạy")


# --- start-up -------------------------------------------------------------------------------------------

def test_run_with_no_channel_explains_and_stops(tmp_path):
    result = run(tmp_path, "run")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "ZALO_BOT_TOKEN" in result.stderr and "TELEGRAM_BOT_TOKEN" in result.stderr
    assert ".venv/bin/python main.py run" in result.stderr


@pytest.mark.parametrize(("variable", "token"), [
    ("ZALO_BOT_TOKEN", "abcdefgh"), ("ZALO_BOT_TOKEN", "12345 :abc def"), ("TELEGRAM_BOT_TOKEN", "12345:"),
    ("TELEGRAM_BOT_TOKEN", "abc:12345"),
])
def test_a_token_not_shaped_like_one_is_refused(tmp_path, variable, token):
    nowhere = "http://127.0.0.1:9"  # should the check fail, no real platform is called
    result = run(tmp_path, "run", env={variable: token, "ZALO_BASE_URL": nowhere, "TELEGRAM_BASE_URL": nowhere},
                 timeout=30)
    line = one_sentence(result, 2, variable)
    assert token.strip() not in line


def test_a_bad_issue_date(tmp_path):
    result = run(tmp_path, "report", "--month", "2023-01", "--out", str(tmp_path / "r.docx"), "--date", "32/01/2023")
    one_sentence(result, 2, "--date", "32/01/2023", "dd/mm/yyyy")


def test_invitation_days_must_be_positive(tmp_path):
    one_sentence(run(tmp_path, "admin", "invite", "--role", "clerk", "--name", "An", "--days", "0"), 2, "--days")


def test_an_empty_console_name(tmp_path):
    one_sentence(run(tmp_path, "console", "--as", " "), 2, "--as")


def test_a_database_that_cannot_be_reached(tmp_path):
    url = "postgresql+asyncpg://fieldbot:mat-khau@127.0.0.1:9/fieldbot"
    line = one_sentence(run(tmp_path, "admin", "staff", env={"DATABASE_URL": url}), 1, "127.0.0.1:9", "DATABASE_URL")
    assert "mat-khau" not in line


# --- argparse's own mistakes, files of the wrong kind, outputs the system refuses (issue 19) ----------------

@pytest.mark.parametrize(("args", "parts"), [
    (["admin", "invite", "--role", "boss", "--name", "An"], ["--role", "boss", "công chức kiểm tra"]),
    (["report", "--out", "BaoCao.docx"], ["--month", "main.py report --help"]),
    (["export", "--month"], ["--month"]),
    (["admin", "invite", "--role", "clerk", "--name", "An", "--days", "bảy"], ["--days", "bảy"]),
    (["baocao"], ["baocao", "report"]),
    (["admin", "nhansu"], ["nhansu", "staff"]),
    (["admin", "staff", "--all"], ["--all"]),
    (["console", "--as", "An", "--demo"], ["--demo", "--as"]),
])
def test_argparse_mistakes_end_in_one_vietnamese_sentence(tmp_path, args, parts):
    line = one_sentence(run(tmp_path, *args), 2, *parts)
    assert "usage:" not in line and "error:" not in line and "invalid" not in line and "required" not in line


@pytest.mark.parametrize("content", [b"Ho ten,Vai tro\n", b"PK\x03\x04 not really a workbook"])
def test_a_facilities_file_that_is_not_an_xlsx(tmp_path, content):
    path = tmp_path / ("CoSo.csv" if content.startswith(b"Ho") else "CoSo.xlsx")
    path.write_bytes(content)
    line = one_sentence(run(tmp_path, "facilities", "import", str(path)), 2, str(path), ".xlsx")
    assert "Exception" not in line and "Error" not in line


def test_restore_of_a_file_that_does_not_exist(tmp_path):
    missing = tmp_path / "khong-co.sqlite3"
    one_sentence(run(tmp_path, "restore", str(missing)), 2, str(missing), "Không tìm thấy")


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs /proc, a folder that takes no new files")
@pytest.mark.parametrize("args", [["report", "--month", "2023-01", "--out", "/proc/x.docx"],
                                  ["export", "--month", "2023-01", "--out", "/proc/x.xlsx"],
                                  ["backup", "--out", "/proc/x.sqlite3"]])
def test_an_output_the_system_refuses(tmp_path, args):
    assert run(tmp_path, "migrate").returncode == 0
    line = one_sentence(run(tmp_path, *args), 1, "/proc", "--out")
    assert "Errno" not in line and "No such file" not in line  # the system's words, in Vietnamese


def test_every_command_that_opens_the_database_says_which_first(tmp_path):
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/other.sqlite3"}
    for args in (["migrate"], ["admin", "staff"], ["admin", "invite", "--role", "clerk", "--name", "An"],
                 ["backup", "--out", str(tmp_path / "b.sqlite3")], ["admin", "log"]):
        done = run(tmp_path, *args, env=env)
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[0] == texts.cli.WHERE.format(
            database=f"sqlite+aiosqlite:///{tmp_path}/other.sqlite3", folder=tmp_path / "data"), args


def test_the_password_is_hidden_in_the_first_line(tmp_path):
    url = "postgresql+asyncpg://fieldbot:mat-khau@127.0.0.1:9/fieldbot"
    done = run(tmp_path, "admin", "staff", env={"DATABASE_URL": url})
    assert done.returncode == 1
    assert "mat-khau" not in done.stdout + done.stderr and "fieldbot:***@127.0.0.1:9" in done.stdout.splitlines()[0]


@pytest.mark.skipif(os.geteuid() != 0, reason="the refusal is of root: run as root to check it")
@pytest.mark.parametrize("args", [["console", "--as", "An"], ["admin", "staff"], ["migrate"], ["run"]])
def test_root_on_a_data_folder_of_another_user_is_refused(tmp_path, args):
    """What took the bot down (issue 19): a console run as root leaves root-owned files in the service's
    data folder. Refused before anything is touched, naming the owner and the wrapper."""
    data = tmp_path / "data"
    assert run(tmp_path, "migrate").returncode == 0
    for path in [data, *data.rglob("*")]:
        os.chown(path, 65534, 65534)  # nobody: the service user stands in
    before = sorted((p.name, p.stat().st_uid) for p in data.rglob("*"))
    line = one_sentence(run(tmp_path, *args, stdin="/help\n", env={"ZALO_BOT_TOKEN": "1234567890:abcdefghijklmnop",
                                                                    "ZALO_BASE_URL": "http://127.0.0.1:9"}),
                        2, str(data), texts.cli.WRAPPER)
    assert pwd.getpwuid(65534).pw_name in line
    assert sorted((p.name, p.stat().st_uid) for p in data.rglob("*")) == before  # nothing made, nothing owned by root
