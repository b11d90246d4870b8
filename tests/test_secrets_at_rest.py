"""Secrets at rest (issue 10, item 6): invitation and link codes never stay in the database in clear.

A person registers with `/start CODE`, asks `/lienket` for a link code and uses it on the other
channel; then every row of every table is dumped and searched for both codes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from sqlalchemy import select

from app.wiring import build_app
from bot.messages import MASK_DOTS, Incoming
from storage import people
from storage.models import Base
from tests.conftest import frozen
from tests.kit import RecordingSender


async def dump(db) -> str:
    """Every row of every table, as text (what a copy of the database gives away)."""
    lines = []
    async with db.read() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                lines.append(f"{table.name}: {tuple(row)!r}")
    return "\n".join(lines)


def command(channel: str, user: str, text: str, key: str) -> Incoming:
    head, _, rest = text[1:].partition(" ")
    return Incoming(channel, user, user, key, "command", text=rest, command=head)


async def test_invitation_and_link_codes_are_not_in_a_dump(config, db):
    config = dataclasses.replace(config, reporting={**config.reporting, "reminders": False})
    app = await build_app(config, clock=frozen("2023-01-13 09:30"), db=db)
    zalo, telegram = RecordingSender(), RecordingSender()
    app.engine.senders.update(zalo=zalo, telegram=telegram)
    async with db.unit_of_work() as session:
        invite_code, _ = await people.create_invite(session, name="Nguyễn Văn An", roles=["inspector"],
                                                    now=app.clock.now(), valid_for=dt.timedelta(days=7))
    await app.engine.accept(command("zalo", "z1", f"/start {invite_code.lower()}", "e1"))  # typed in lower case
    await app.engine.run_until_idle()
    await app.engine.accept(Incoming("zalo", "z1", "z1", "e2", "text", text="1"))
    await app.engine.accept(command("zalo", "z1", "/lienket", "e3"))
    await app.engine.run_until_idle()
    link_text = zalo.texts("z1")[-1]
    link_code = re.search(r"/start (\w+)", link_text).group(1)
    assert link_code != invite_code and "Mã liên kết: " in link_text  # the person got the real code
    await app.engine.accept(command("telegram", "t1", f"/start {link_code}", "e4"))
    await app.engine.run_until_idle()
    assert telegram.texts("t1")[0].startswith("Đã liên kết tài khoản Telegram này với Nguyễn Văn An")
    text = await dump(db)
    for code in (invite_code, link_code):
        assert code not in text.upper() and code.lower() not in text
    assert people.code_hash(invite_code) in text  # what is kept instead: enough to check a code
    assert f"Mã liên kết: {MASK_DOTS}" in text


async def test_a_masked_code_still_registers_only_with_the_right_code(config, db):
    app = await build_app(config, clock=frozen("2023-01-13 09:30"), db=db)
    sender = RecordingSender()
    app.engine.senders["zalo"] = sender
    async with db.unit_of_work() as session:
        code, _ = await people.create_invite(session, name="Lê Thị Hoa", roles=["clerk"], now=app.clock.now(),
                                             valid_for=dt.timedelta(days=7))
    await app.engine.accept(command("zalo", "z9", "/start ABCDEFGHJKLM", "w1"))
    await app.engine.accept(command("zalo", "z9", f"/start {code}", "w2"))
    await app.engine.run_until_idle()
    wrong, right = sender.texts("z9")[:2]
    assert wrong.startswith("Mã mời không đúng") and right.startswith("Kính gửi đồng chí Lê Thị Hoa.")


def test_the_sheet_of_invitation_codes_is_owner_only_while_it_is_written(tmp_path, monkeypatch):
    """`admin invite --from … --out codes.xlsx`: the codes are readable by their owner only from the
    sheet's first byte, whatever the umask (it was written with the umask's mode, then made 0600)."""
    import os

    from openpyxl import Workbook

    from app.invites import write_codes

    seen, save = [], Workbook.save

    def watching(book, filename):
        save(book, filename)
        seen.append(oct(os.stat(filename).st_mode & 0o777))

    monkeypatch.setattr(Workbook, "save", watching)
    umask = os.umask(0o022)
    try:
        out = write_codes(tmp_path / "ma_moi.xlsx", [("Nguyễn Văn An", ["clerk"], "AB12CD34EF56",
                                                      dt.datetime(2023, 1, 20, tzinfo=dt.UTC))], dt.UTC)
    finally:
        os.umask(umask)
    assert seen == ["0o600"] and oct(out.stat().st_mode & 0o777) == "0o600"
    assert sorted(tmp_path.iterdir()) == [out]
