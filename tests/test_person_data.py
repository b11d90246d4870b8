"""A person's data, through the running app (both real adapters, tests/channels_kit.py):

- export: everything held about them (staff row, accounts, roles, records, audit, messages) in JSON
  and .xlsx;
- erase: afterwards a full dump of the database and every file of the data folder holds neither
  their name (as typed, JSON-escaped or folded), nor their chat ids, nor their messages — and the
  month's report figures are exactly what they were;
- both are in the access log that `admin log` prints.

The checker is shown to catch a fault: before the erase, the same search finds every needle.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app import person_commands
from bot.config import load_config
from reports.aggregate import aggregate
from reports.periods import parse_period
from reports.service import load_period
from storage import people
from storage.text import fold
from tests.channels_kit import TelegramUser, ZaloUser, running_world
from tests.conftest import REPO

NAME = "Nguyễn Thị Riêng Tư"
ZL, TG_SELF, TG_ADMIN = "7f8e9d0c1b2a39485766", 918273645, 111222333
TYPED = "ghi chú riêng của chị Tư"


def _needles(staff_id: int) -> dict[str, str]:
    return {"name": NAME, "name as JSON": json.dumps(NAME)[1:-1], "folded name": fold(NAME),
            "zalo id": ZL, "telegram id": str(TG_SELF), "message": "dong ho nuoc 500 0 500",
            "typed text": TYPED, "typed text as JSON": json.dumps(TYPED)[1:-1]}


def _found(data_dir: Path, needles: dict[str, str]) -> dict[str, list[str]]:
    """Where each needle still is: a full SQL dump of the database, and every file of the data folder
    (zip members of .docx/.xlsx read one by one)."""
    with sqlite3.connect(data_dir / "fieldbot.sqlite3") as conn:
        dump = "\n".join(conn.iterdump()).encode()
    blobs = {"database dump": dump}
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                blobs.update({f"{path}:{m}": archive.read(m) for m in archive.namelist()})
        else:
            blobs[str(path)] = path.read_bytes()
    found = {}
    for what, needle in needles.items():
        where = [name for name, blob in blobs.items() if needle.encode().lower() in blob.lower()]
        if where:
            found[what] = where
    return found


async def _figures(world_or_db, config):
    period = parse_period("2023-01", config.cut_off_day)
    records = await load_period(world_or_db, period)
    return aggregate(records, config.catalogue, period)


async def test_export_then_erase_leaves_nothing_but_the_records_which_still_count(tmp_path, capsys):
    async with running_world(tmp_path) as world:
        async with world.app.db.unit_of_work() as session:
            code, _ = await people.create_invite(session, name=NAME, roles=["technician"],
                                                 now=world.app.clock.now(), valid_for=dt.timedelta(days=7))
        zalo = ZaloUser(world, ZL)
        await zalo.say(f"/start {code}")
        assert any("Đã đăng ký tài khoản" in t for t in await zalo.answer("Có"))
        await zalo.say("/kiemdinh dong ho nuoc 500 0 500")
        assert await zalo.say("1") == ["Đã lưu lô kiểm định #1."]
        await zalo.say("/kiemdinh")  # an unfinished form
        await zalo.say(TYPED)
        async with world.app.db.read() as session:
            [me] = [s for s in await people.list_staff(session) if s.name == NAME]
        async with world.app.db.unit_of_work() as session:  # the same person on Telegram too
            await people.add_identity(session, me.id, people.Identity("telegram", str(TG_SELF), str(TG_SELF), NAME),
                                      world.app.clock.now())
        await TelegramUser(world, TG_SELF).say("/help")
        await world.add_staff("Quản Trị Viên", {"admin"}, telegram=TG_ADMIN)
        listing = await TelegramUser(world, TG_ADMIN).say("/staff")  # the admin's chat now names her
        assert any(NAME in t for t in listing)
        config = world.app.config
        before = await _figures(world.app.db, config)
    data_dir = config.general.data_dir
    needles = _needles(me.id)
    # the checker finds every needle before the erase (typed text is only ever stored JSON-escaped)
    assert set(_found(data_dir, needles)) == set(needles) - {"typed text"}

    out = tmp_path / "export" / "nguoi.json"
    assert await person_commands.export_command(config, me.id, str(out)) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["staff"][0]["name"] == NAME and exported["staff"][0]["roles"] == "technician"
    assert {(a["channel"], a["user_id"]) for a in exported["accounts"]} == {("zalo", ZL), ("telegram", str(TG_SELF))}
    assert [r["kind"] for r in exported["records"]] == ["calibration_batch"]
    assert any(m["payload"]["text"] == TYPED for m in exported["messages_received"])
    assert exported["messages_sent"] and exported["audit"] and exported["unfinished_forms"]
    xlsx = tmp_path / "export" / "nguoi.xlsx"
    assert await person_commands.export_command(config, me.id, str(xlsx)) == 0
    book = load_workbook(xlsx)
    assert book.sheetnames[:3] == ["staff", "accounts", "records"] and book["staff"]["B2"].value == NAME
    assert oct(xlsx.stat().st_mode & 0o777) == "0o600"

    assert await person_commands.erase_command(config, me.id) == 0
    said = capsys.readouterr().out
    assert "1 bản ghi người này đã nhập vẫn được giữ và vẫn tính trong báo cáo" in said

    assert _found(data_dir, needles) == {}
    reopened = load_config(REPO / "config.toml", env={"FIELDBOT_DATA_DIR": str(data_dir)})
    from storage.db import open_database

    db = open_database(reopened.database.url)
    try:
        after = await _figures(db, reopened)
        async with db.read() as session:
            [erased] = [s for s in await people.list_staff(session) if s.id == me.id]
    finally:
        await db.close()
    assert after == before
    assert erased.name == f"Cán bộ đã xóa #{me.id}" and not erased.active and not erased.identities

    assert await person_commands.log_command(reopened, 1) == 0
    log = capsys.readouterr().out.splitlines()
    assert [line.split()[2] for line in log] == ["person_export", "person_export", "person_erase"]
    assert all(f"cán bộ #{me.id}" in line for line in log)


async def _dump(db, url: str, data_dir: Path) -> str:
    """Every row of every table, as text (SQLite: iterdump; PostgreSQL: pg_dump when installed, else SELECTs)."""
    import shutil
    import subprocess

    from sqlalchemy import text as sql

    if db.is_sqlite:
        from sqlalchemy.engine import make_url

        with sqlite3.connect(make_url(url).database) as conn:
            return "\n".join(conn.iterdump())
    if shutil.which("pg_dump"):
        from storage.backup import libpq_args

        uri, env = libpq_args(url)
        dump = (await asyncio.to_thread(subprocess.run, ["pg_dump", "--dbname", uri], env=env, capture_output=True,
                                        text=True, check=True)).stdout
        return dump.replace("\\\\", "\\")  # COPY doubles the backslashes of JSON's \\u escapes
    async with db.engine.connect() as conn:
        tables = (await conn.execute(sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))).scalars()
        return "\n".join(str((await conn.execute(sql(f'SELECT * FROM "{t}"'))).all()) for t in list(tables))


async def test_erase_on_each_backend(db, tmp_path, capsys):
    from storage import engine_store
    from storage.domain import Identity

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    url = db.engine.url.render_as_string(hide_password=False)
    config = load_config(REPO / "config.toml", env={"FIELDBOT_DATA_DIR": str(data_dir), "DATABASE_URL": url})
    now = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    async with db.unit_of_work() as session:
        me = await people.create_staff(session, NAME, {"clerk"}, now)
        admin = await people.create_staff(session, "Quản Trị", {"admin"}, now)
        await people.add_identity(session, me.id, Identity("zalo", ZL, ZL, NAME), now)
        await engine_store.add_to_inbox(session, channel="zalo", event_key="e1", chat_id=ZL, now=now,
                                        payload={"text": TYPED, "display_name": NAME})
        await engine_store.queue_reply(session, channel="telegram", chat_id=str(TG_ADMIN), now=now, inbox_id=None,
                                       payload={"kind": "text", "text": f"1. {NAME} — văn thư [Zalo]"})
        await engine_store.audit(session, staff_id=admin.id, action="register", entity="staff", entity_id=me.id,
                                 after={"name": NAME, "user": ZL}, now=now)
    before = await _dump(db, url, data_dir)
    assert NAME in before and json.dumps(NAME)[1:-1] in before and ZL in before  # the search finds them
    assert await person_commands.erase_command(config, me.id) == 0
    dump = (await _dump(db, url, data_dir)).lower()
    for needle in _needles(me.id).values():
        assert needle.lower() not in dump, needle
    assert f"Cán bộ đã xóa #{me.id}".lower() in dump


async def test_an_export_never_replaces_a_file_unless_forced(config, db, tmp_path, capsys):
    """`admin person export --out FILE` over an existing FILE: refused in one sentence (exit 2), the file
    untouched and nothing logged; with --force the file is replaced, owner-only whatever the old one was."""
    import dataclasses

    import texts
    from app import cli
    from main import build_parser

    url = db.engine.url.render_as_string(hide_password=False)
    config = dataclasses.replace(config, database=dataclasses.replace(config.database, url=url))
    async with db.unit_of_work() as session:
        me = await people.create_staff(session, NAME, ["clerk"], dt.datetime(2023, 1, 13, tzinfo=dt.UTC))
    out = tmp_path / "export" / "canbo.json"
    out.parent.mkdir()
    out.write_text("bản xuất cũ", encoding="utf-8")
    out.chmod(0o644)
    command = ["admin", "person", "export", "--staff", str(me.id), "--out", str(out)]

    assert await cli.dispatch(build_parser().parse_args(command), config) == 2
    said = capsys.readouterr()
    assert said.err.splitlines() == [texts.operations.PERSON_FILE_EXISTS.format(path=out)]
    assert "--force" in said.err and "Traceback" not in said.out + said.err
    assert out.read_text(encoding="utf-8") == "bản xuất cũ" and sorted(out.parent.iterdir()) == [out]

    assert await cli.dispatch(build_parser().parse_args([*command, "--force"]), config) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["staff"][0]["name"] == NAME
    assert oct(out.stat().st_mode & 0o777) == "0o600" and sorted(out.parent.iterdir()) == [out]
    assert str(out) in capsys.readouterr().out
    assert await person_commands.log_command(config, 1) == 0
    assert [line.split()[2] for line in capsys.readouterr().out.splitlines()] == ["person_export"]


def test_without_hard_links_an_existing_file_is_still_refused(tmp_path, monkeypatch):
    """Some network and FAT file systems have no hard links: the name is then reserved exclusively."""
    import errno
    import os

    def no_links(src, dst):
        raise OSError(errno.EPERM, "no hard links here")

    monkeypatch.setattr(os, "link", no_links)
    data = {"staff": [{"name": NAME}]}
    new = person_commands.write_person(data, tmp_path / "moi.json")
    assert json.loads(new.read_text(encoding="utf-8")) == data and oct(new.stat().st_mode & 0o777) == "0o600"
    taken = tmp_path / "cu.json"
    taken.write_text("cũ", encoding="utf-8")
    with pytest.raises(FileExistsError):
        person_commands.write_person(data, taken)
    assert taken.read_text(encoding="utf-8") == "cũ" and sorted(p.name for p in tmp_path.iterdir()) == ["cu.json", "moi.json"]
