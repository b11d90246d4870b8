"""Getting a department started from the README alone.

- the facilities import's columns are in `--help` and the README; the shipped sample is what the
  script makes, and it imports;
- every subcommand of main.py is listed in the README's commands;
- every [organisation] key has its own comment; the README has a new-department checklist;
- `admin invite --from staff.csv` writes one working code per row to a private sheet; /moi in the chat;
- `run` refuses webhook mode without public_url or a webhook secret, and Zalo links without a link
  secret, naming the key.
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
from openpyxl import load_workbook

from app import import_facilities as facilities_module
from app.import_facilities import import_facilities
from bot.config import load_config, run_problems
from storage import people
from tests.conftest import REPO, filled, filled_config_text

SAMPLE = REPO / "docs" / "sample-facilities.xlsx"


def _main(*args: str, env: dict | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("TELEGRAM_", "ZALO_", "FIELDBOT_")) and k != "DATABASE_URL"}
    return subprocess.run([sys.executable, str(REPO / "main.py"), *args], cwd=cwd, env={**base, **(env or {})},
                          capture_output=True, text=True, timeout=120)


def _values(path: Path) -> list[tuple]:
    return [tuple(row) for row in load_workbook(path).active.iter_rows(values_only=True)]


async def test_the_sample_facilities_sheet_is_the_documented_format_and_imports(tmp_path, sqlite_db, config):
    sys.path.insert(0, str(REPO / "docs"))
    try:
        import make_sample_facilities
    finally:
        sys.path.remove(str(REPO / "docs"))
    fresh = make_sample_facilities.make(tmp_path / "sample.xlsx")
    assert _values(fresh) == _values(SAMPLE), "docs/sample-facilities.xlsx is stale: run docs/make_sample_facilities.py"
    result = await import_facilities(sqlite_db, SAMPLE, config.catalogue, dt.datetime.now(dt.UTC))
    assert result.ok and result.created == len(make_sample_facilities.ROWS)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    helped = _main("facilities", "import", "--help").stdout
    for column in facilities_module._COLUMN_NAMES.values():
        assert column in readme and column in helped, column
    assert "docs/sample-facilities.xlsx" in readme and "docs/sample-facilities.xlsx" in helped


def _subcommands() -> list[str]:
    sys.path.insert(0, str(REPO))
    import main

    parser = main.build_parser()
    [sub] = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    names = []
    for name, subparser in sub.choices.items():
        inner = [a for a in subparser._actions if a.__class__.__name__ == "_SubParsersAction"]
        names += [f"{name} {child}" for child in inner[0].choices] if inner else [name]
    return names


def test_every_command_is_listed_in_the_readme():
    block = (REPO / "README.md").read_text(encoding="utf-8").split("## Commands", 1)[1].split("\n## ", 1)[0]
    listed = {" ".join(m.split()[:2]) for m in re.findall(r"python main\.py ([a-z-]+(?: [a-z][a-z-]*)?)", block)}
    missing = [c for c in _subcommands() if c not in listed and c.split()[0] not in listed]
    assert not missing, f"README's Commands do not list: {missing}"
    for command in ("facilities import", "notes import", "backup", "restore", "admin person", "admin log"):
        assert f"python main.py {command}" in block, command


def test_each_organisation_key_has_its_comment_and_the_readme_a_checklist():
    lines = (REPO / "config.toml").read_text(encoding="utf-8").split("\n[organisation]\n", 1)[1].split("\n[", 1)[0]
    lines = lines.strip().splitlines()
    keys = [(i, line.split("=")[0].strip()) for i, line in enumerate(lines) if re.match(r"^[a-z_]+ =", line)]
    assert len(keys) >= 15
    for i, key in keys:
        assert lines[i - 1].startswith("#"), f"[organisation] {key} has no comment of its own"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    checklist = readme.split("## A new department", 1)[1].split("\n## ", 1)[0]
    for step in ("[organisation]", "facilities import", "admin invite --from", "PostgreSQL", "/moi"):
        assert step in checklist, step


async def test_invitations_from_a_csv_land_in_a_private_sheet_and_work(tmp_path):
    csv = tmp_path / "staff.csv"
    csv.write_text("Họ tên;Vai trò\nNguyễn Văn Bình;công chức kiểm tra\nTrần Thị Chi;technician, clerk\n\n",
                   encoding="utf-8-sig")
    env = {"FIELDBOT_DATA_DIR": str(tmp_path / "data"), "FIELDBOT_CONFIG": str(REPO / "config.toml")}
    out = tmp_path / "ma_moi.xlsx"
    done = _main("admin", "invite", "--from", str(csv), "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert "Đã tạo 2 mã mời" in done.stdout and oct(out.stat().st_mode & 0o777) == "0o600"
    rows = _values(out)
    assert rows[0][:3] == ("Họ tên", "Vai trò", "Gửi cho hệ thống (Zalo hoặc Telegram)")
    assert [(r[0], r[1]) for r in rows[1:]] == [("Nguyễn Văn Bình", "công chức kiểm tra"),
                                                ("Trần Thị Chi", "kỹ thuật viên kiểm định, chuyên viên")]
    config = load_config(REPO / "config.toml", env=env)
    from storage.db import open_database

    db = open_database(config.database.url)
    try:
        async with db.read() as session:
            for name, _, line, _ in rows[1:]:
                invite = await people.find_usable_invite(session, line.split()[1], dt.datetime.now(dt.UTC))
                assert invite is not None and invite.name == name
    finally:
        await db.close()

    bad = tmp_path / "bad.csv"
    bad.write_text("Họ tên,Vai trò\nLê Văn D,bảo vệ\nLê Văn E,văn thư\n,clerk\nLê Văn G,lái xe\n", encoding="utf-8")
    done = _main("admin", "invite", "--from", str(bad), "--out", str(tmp_path / "x.xlsx"), env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "Dòng 2" in done.stderr and "Dòng 4" in done.stderr and "Dòng 5" in done.stderr  # every bad row at once
    assert "Dòng 3" not in done.stderr
    assert not (tmp_path / "x.xlsx").exists()
    done = _main("admin", "invite", "--from", str(csv), env=env)
    assert done.returncode == 2 and "--out" in done.stderr


async def test_an_admin_invites_in_the_chat(tmp_path):
    from tests.channels_kit import TelegramUser, ZaloUser, running_world

    async with running_world(tmp_path) as world:
        await world.add_staff("Quản Trị", {"admin"}, telegram=4242)
        await world.add_staff("Kỹ Thuật", {"technician"}, telegram=4343)
        [usage] = await TelegramUser(world, 4242).say("/moi")
        assert usage.startswith("Tạo mã mời: /moi kèm vai trò và họ tên")
        [made] = await TelegramUser(world, 4242).say("/moi inspector Phạm Văn Em")
        code = re.search(r"/start (\S+)", made).group(1)
        assert "Phạm Văn Em (công chức kiểm tra)" in made
        newcomer = ZaloUser(world, "9a8b7c6d5e4f30211203")
        await newcomer.say(f"/start {code}")
        assert any("Đã đăng ký tài khoản" in t for t in await newcomer.answer("Có"))
        refused = await TelegramUser(world, 4343).say("/moi inspector Ai Đó")  # not an admin
        assert not any("/start" in t for t in refused)


def _webhook_config(tmp_path: Path, **env):
    config = filled(load_config(REPO / "config.toml", env={"FIELDBOT_DATA_DIR": str(tmp_path), **env}))
    return dataclasses.replace(config, zalo=dataclasses.replace(config.zalo, mode="webhook"))


def test_run_refuses_webhooks_and_links_without_their_keys(tmp_path):
    config = _webhook_config(tmp_path, ZALO_BOT_TOKEN="1:x")
    problems = run_problems(config)
    assert any("[web] public_url" in p for p in problems) and any("ZALO_WEBHOOK_SECRET" in p for p in problems)
    web = dataclasses.replace(config.web, public_url="https://bot.example.gov.vn")
    config = dataclasses.replace(config, web=web)
    assert [p for p in run_problems(config) if "FIELDBOT_LINK_SECRET" in p]
    ready = _webhook_config(tmp_path, ZALO_BOT_TOKEN="1:x", ZALO_WEBHOOK_SECRET="s" * 20,
                            FIELDBOT_LINK_SECRET="k" * 32)
    assert run_problems(dataclasses.replace(ready, web=web)) == []
    polling = filled(load_config(REPO / "config.toml", env={"FIELDBOT_DATA_DIR": str(tmp_path), "TELEGRAM_BOT_TOKEN": "1:x"}))
    assert run_problems(polling) == []


@pytest.mark.parametrize("mode", ["zalo", "telegram"])
def test_run_in_webhook_mode_without_public_url_says_which_key(tmp_path, mode):
    text = filled_config_text()
    text = re.sub(rf'(\[{mode}\][^\[]*?)mode = "polling"', r'\1mode = "webhook"', text, count=1)
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    env = {"FIELDBOT_CONFIG": str(tmp_path / "config.toml"), "FIELDBOT_DATA_DIR": str(tmp_path / "data"),
           f"{mode.upper()}_BOT_TOKEN": "123456:" + "A" * 35}
    done = _main("run", env=env)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "[web] public_url" in done.stderr and f"{mode.upper()}_WEBHOOK_SECRET" in done.stderr
