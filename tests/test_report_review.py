"""The report and review (issue 24): `[reporting] count = "all" | "approved"`, the /baocao status that
always says how many records of the period wait or were returned, a report made with records not yet
approved saying so in the chat and never in the document, the export's review column, the command line."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import io
import os
import subprocess
import sys

import docx
import openpyxl
import pytest

import texts
from bot.config import ConfigError, load_config
from reports.aggregate import aggregate
from reports.periods import month_period
from reports.service import load_period
from storage import records, review
from storage.db import open_database
from storage.domain import WAITING, CalibrationBatch, RecordMeta
from storage.migrate import upgrade
from tests.channels_kit import TelegramUser, ZaloUser, running_world
from tests.conftest import REPO, filled_config_text
from tests.kit import Chat, add_staff, make_app
from tests.test_report_chat import docx_text

JANUARY = month_period(2023, 1)
TG_MANAGER, ZL_TECH = 6201, "7c3d4e5f60718293a4b5"
VERIFIED = 777  # a figure no other record of the test has: found in the document only when counted


def counting(config, count: str):
    return dataclasses.replace(config, reporting={**config.reporting, "count": count})


async def office(config, db, count: str = "all"):
    app, sender = await make_app(counting(config, count), db)
    boss = await add_staff(app, "Trần Văn Giám", ["manager"], "u-manager")
    tech = await add_staff(app, "Phạm Văn Đo", ["technician"], "u-tech")
    return app, sender, boss, tech


async def submit(app, tech, verified: int = VERIFIED, day: dt.date = dt.date(2023, 1, 10)) -> int:
    """A batch as a capture form saves it: waiting for review."""
    field = app.config.catalogue.calibration_fields[0].key
    meta = RecordMeta(tech.id, "zalo", f"e{verified}", app.clock.now(), review=WAITING)
    async with app.db.unit_of_work() as session:
        return (await records.add_calibration_batch(
            session, CalibrationBatch(0, day, field, verified, 0, verified), meta)).id


async def decide(app, boss, batch: int, *, comment: str = "") -> None:
    async with app.db.unit_of_work() as session:
        if comment:
            moved = await review.return_(session, "calibration_batch", batch, by=boss.id, now=app.clock.now(),
                                         comment=comment)
        else:
            moved = await review.approve(session, "calibration_batch", batch, by=boss.id, now=app.clock.now())
    assert moved.ok


async def baocao(app, sender) -> tuple[str, str, str]:
    """/baocao: the status as first sent, the finished message (its edit), the document's text."""
    status, _, edit, document = await Chat(app, sender, "u-manager").replies("/baocao")
    assert edit.kind == "edit" and edit.token == status.token
    return status.text, edit.text, docx_text(document.document_path)


def verified_total(app, loaded) -> int:
    return int(aggregate(loaded, app.config.catalogue, JANUARY).calibration.verified)


async def test_with_count_approved_a_record_is_counted_only_after_approval(config, db):
    app, sender, boss, tech = await office(config, db, "approved")
    batch = await submit(app, tech)
    status, done, document = await baocao(app, sender)
    assert status == ("Đang lập báo cáo tháng 01/2023 (15/12/2022–14/01/2023)…\n"
                      "Kỳ này có 1 bản ghi chờ duyệt (xem: /duyet).")
    assert done == ("Đã lập xong báo cáo tháng 01/2023 từ 0 bản ghi. Tệp Word ở tin nhắn tiếp theo.\n"
                    "Kỳ này có 1 bản ghi chờ duyệt (xem: /duyet).\n"
                    "Báo cáo chỉ tính bản ghi đã duyệt: 1 bản ghi chưa duyệt không được tính.")
    assert str(VERIFIED) not in document
    assert verified_total(app, await load_period(app.db, JANUARY, "approved")) == 0
    assert verified_total(app, await load_period(app.db, JANUARY)) == VERIFIED  # "all" counts it

    await decide(app, boss, batch, comment="Thiếu số giấy chứng nhận")
    status, done, document = await baocao(app, sender)
    assert status.endswith("\nKỳ này có 1 bản ghi cần bổ sung (xem: /duyet).") and str(VERIFIED) not in document
    assert done.endswith("Báo cáo chỉ tính bản ghi đã duyệt: 1 bản ghi chưa duyệt không được tính.")

    async with app.db.unit_of_work() as session:
        await review.resubmit(session, "calibration_batch", batch, by=tech.id, now=app.clock.now())
    await decide(app, boss, batch)
    status, done, document = await baocao(app, sender)
    assert status.endswith("\nKỳ này không có bản ghi nào chờ duyệt hoặc cần bổ sung.")
    assert done == ("Đã lập xong báo cáo tháng 01/2023 từ 1 bản ghi. Tệp Word ở tin nhắn tiếp theo.\n"
                    "Kỳ này không có bản ghi nào chờ duyệt hoặc cần bổ sung.")
    assert str(VERIFIED) in document
    assert verified_total(app, await load_period(app.db, JANUARY, "approved")) == VERIFIED


async def test_with_count_all_the_chat_says_the_report_counted_records_not_yet_approved(config, db):
    app, sender, boss, tech = await office(config, db)
    await submit(app, tech)
    returned = await submit(app, tech, 12, dt.date(2023, 1, 11))
    await decide(app, boss, returned, comment="Sai ngày")
    await submit(app, tech, 5, dt.date(2023, 1, 20))  # the next period: not this one's
    status, done, document = await baocao(app, sender)
    assert status.endswith("\nKỳ này có 1 bản ghi chờ duyệt và 1 bản ghi cần bổ sung (xem: /duyet).")
    assert done == ("Đã lập xong báo cáo tháng 01/2023 từ 2 bản ghi. Tệp Word ở tin nhắn tiếp theo.\n"
                    "Kỳ này có 1 bản ghi chờ duyệt và 1 bản ghi cần bổ sung (xem: /duyet).\n"
                    "Báo cáo có tính cả 2 bản ghi chưa được duyệt.")
    assert str(VERIFIED + 12) in document  # the total row counts both
    for words in ("chờ duyệt", "chưa được duyệt", "chưa duyệt", "cần bổ sung", "/duyet", "bản ghi"):
        assert words not in document.lower()  # the document never says it


async def test_the_export_lists_every_record_with_its_review_state(config, db):
    app, sender, boss, tech = await office(config, db, "approved")
    _, returned, approved = [await submit(app, tech, n) for n in (1, 2, 3)]
    await decide(app, boss, returned, comment="Thiếu khách hàng")
    await decide(app, boss, approved)
    replies = await Chat(app, sender, "u-manager").replies("/xuat 01/2023")
    assert replies[0].text.endswith("\nKỳ này có 1 bản ghi chờ duyệt và 1 bản ghi cần bổ sung (xem: /duyet).")
    assert replies[2].text == ("Đã xuất 3 bản ghi của kỳ tháng 01/2023 (15/12/2022–14/01/2023). Tệp Excel ở tin nhắn "
                               "tiếp theo.\nKỳ này có 1 bản ghi chờ duyệt và 1 bản ghi cần bổ sung (xem: /duyet).\n"
                               "Cột “Trạng thái duyệt” ghi trạng thái của từng bản ghi.")
    workbook = openpyxl.load_workbook(replies[-1].document_path, read_only=True)
    sheet = workbook.worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows[0]
    assert header[-2:] == ["Trạng thái duyệt", "Người nhập"]
    states = {row[1 + 1]: row[-2] for row in rows[1:]}  # verified → state
    assert states == {1: "chờ duyệt", 2: "cần bổ sung", 3: "đã duyệt"}
    notes = workbook[workbook.sheetnames[-1]]
    assert "Trạng thái duyệt" not in [c.value for c in next(notes.iter_rows())]  # notes are not reviewed
    workbook.close()


def test_the_setting_is_checked_when_the_config_loads(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(filled_config_text().replace('count = "all"', 'count = "duyet"'), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path, env={})
    assert str(error.value) == f"{path}: [reporting] count phải là một trong all, approved, không phải 'duyet'"
    path.write_text(filled_config_text().replace('count = "all"', 'count = "approved"'), encoding="utf-8")
    assert load_config(path, env={}).reporting["count"] == "approved"


async def _waiting_batch(url: str, field: str) -> None:
    db = open_database(url)
    await upgrade(db.engine)
    async with db.unit_of_work() as session:
        await records.add_calibration_batch(session, CalibrationBatch(0, dt.date(2023, 1, 10), field, VERIFIED, 0, 1),
                                            RecordMeta(None, "zalo", "e1", review=WAITING))
    await db.close()


def test_the_command_line_says_it_too(tmp_path):
    """`main.py report` with count = "approved": one line after the file's says what was left out."""
    data = tmp_path / "data"
    data.mkdir()
    config = tmp_path / "config.toml"
    config.write_text(filled_config_text().replace('count = "all"', 'count = "approved"'), encoding="utf-8")
    field = load_config(config, env={}).catalogue.calibration_fields[0].key
    asyncio.run(_waiting_batch(f"sqlite+aiosqlite:///{data / 'fieldbot.sqlite3'}", field))
    env = {k: v for k, v in os.environ.items() if not k.endswith("_BOT_TOKEN") and k != "DATABASE_URL"}
    env.update({"FIELDBOT_DATA_DIR": str(data), "FIELDBOT_CONFIG": str(config)})
    out = tmp_path / "r.docx"
    made = subprocess.run([sys.executable, "main.py", "report", "--month", "2023-01", "--out", str(out)], cwd=REPO,
                          capture_output=True, text=True, timeout=120, env=env)
    assert made.returncode == 0, made.stderr
    lines = made.stdout.splitlines()
    assert lines[0].startswith("Cơ sở dữ liệu: ")
    assert lines[-2:] == [f"Báo cáo 2023-01 (0 bản ghi): {out}",
                          "Kỳ này có 1 bản ghi chờ duyệt. "
                          "Báo cáo chỉ tính bản ghi đã duyệt: 1 bản ghi chưa duyệt không được tính."]
    assert str(VERIFIED) not in docx_text(str(out))
    xlsx = tmp_path / "e.xlsx"
    exported = subprocess.run([sys.executable, "main.py", "export", "--month", "2023-01", "--out", str(xlsx)],
                              cwd=REPO, capture_output=True, text=True, timeout=120, env=env)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.splitlines()[-2:] == [
        f"Dữ liệu 2023-01 (1 bản ghi): {xlsx}",
        "Kỳ này có 1 bản ghi chờ duyệt. Cột “Trạng thái duyệt” ghi trạng thái của từng bản ghi."]


# --- end to end: Zalo and Telegram through the real adapters and the fakes ------------------------------


def _document_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


async def test_a_batch_from_zalo_is_counted_after_a_manager_on_telegram_approves_it(tmp_path):
    """count = "approved": the batch a technician recorded on Zalo is left out of the manager's /baocao on
    Telegram (and the finished message says so) until the manager approves it with /duyet."""
    async with running_world(tmp_path, reporting={"count": "approved"}) as world:
        await world.add_staff("Trần Kỹ Thuật", {"technician"}, zalo=ZL_TECH)
        await world.add_staff("Lê Lãnh Đạo", {"manager"}, telegram=TG_MANAGER)
        tech, manager = ZaloUser(world, ZL_TECH), TelegramUser(world, TG_MANAGER)
        field = world.app.config.catalogue.calibration_fields[0]
        await tech.say(f"/kiemdinh {field.label} {VERIFIED} 0 {VERIFIED}")
        [saved] = await tech.answer(texts.common.CONFIRM)
        assert saved == "Đã lưu lô kiểm định #1."
        seen: set[int] = set()

        async def baocao() -> tuple[str, str, str]:
            before = manager.bot_messages
            await manager.say("/baocao")
            status = manager.messages[before]
            document = await world.telegram.wait_for(
                lambda m: m.chat_id == TG_MANAGER and m.kind == "document" and m.message_id not in seen, 30)
            seen.add(document.message_id)
            making = status.edits[0]["text"] if status.edits else status.text  # as first sent
            return making, status.text, _document_text(document.upload.content)

        making, done, document = await baocao()
        assert making.endswith("\nKỳ này có 1 bản ghi chờ duyệt (xem: /duyet).")
        assert done.endswith("\nKỳ này có 1 bản ghi chờ duyệt (xem: /duyet).\n"
                             "Báo cáo chỉ tính bản ghi đã duyệt: 1 bản ghi chưa duyệt không được tính.")
        assert str(VERIFIED) not in document

        await manager.say("/duyet")
        approved = await manager.tap("Duyệt")
        assert approved[-1].startswith("Đã duyệt lô kiểm định #1.")
        making, done, document = await baocao()
        assert making.endswith("\nKỳ này không có bản ghi nào chờ duyệt hoặc cần bổ sung.")
        assert done.startswith("Đã lập xong báo cáo tháng 01/2023 từ 1 bản ghi.")
        assert str(VERIFIED) in document
