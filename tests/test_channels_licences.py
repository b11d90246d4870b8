"""/tracuu through BOTH real adapters (tests/channels_kit.py): python-telegram-bot against FakeTelegram
and the Zalo client against FakeZalo, the real engine, router, jobs and web server. A licensing officer
looks a licence up on each channel; a manager gets the register's files — a document on Telegram, a
working download link on Zalo.
"""

from __future__ import annotations

import datetime as dt
import io

import aiohttp
import openpyxl
import pytest

import texts
from storage import records
from storage.domain import Licence, RecordMeta
from tests.channels_kit import TelegramUser, ZaloUser, running_world

TG_LICENSING, TG_MANAGER = 6001, 6002
ZL_LICENSING, ZL_MANAGER = "5f6071829304152637a8", "60718293041526374a8b"
D = dt.date


@pytest.fixture
async def world(tmp_path):
    async with running_world(tmp_path) as running:
        xq = next(k for k in running.app.config.catalogue.licence_kinds if k.validity_years)
        async with running.app.db.unit_of_work() as session:
            meta = RecordMeta(None, recorded_at=running.app.clock.now())  # type: ignore[arg-type]
            for number, holder, issued, expiry in (
                ("12/GP-SKHCN", "Phòng khám Đa khoa An Bình", D(2020, 3, 1), D(2023, 3, 1)),
                ("3/GP-SKHCN", "Phòng khám Tâm Đức", D(2019, 12, 31), D(2022, 12, 31)),
                ("40/GP-SKHCN", "Bệnh viện Phố Nối", D(2022, 6, 1), D(2025, 6, 1)),
            ):
                await records.add_licence(session, Licence(0, xq.key, "cap_moi", number, holder, "", issued, expiry),
                                          meta)
        yield running


EXPECTED = "\n\n".join([
    texts.licences.found_header("an binh", 1, typo=False),
    "1. Số 12/GP-SKHCN — Giấy phép sử dụng thiết bị X-quang chẩn đoán trong y tế\n"
    "   Được cấp cho: Phòng khám Đa khoa An Bình\n"
    "   Ngày cấp 01/03/2020; thời hạn đến 01/03/2023\n"
    "   Tình trạng: sắp hết hạn (còn 47 ngày)",
])


async def test_lookup_on_telegram_and_on_zalo_text(world):
    await world.add_staff("Lê Cấp Phép", {"licensing"}, telegram=TG_LICENSING, zalo=ZL_LICENSING)
    assert await TelegramUser(world, TG_LICENSING).say("/tracuu an binh") == [EXPECTED]
    assert await ZaloUser(world, ZL_LICENSING).say("/tracuu an binh") == [EXPECTED]
    assert await ZaloUser(world, ZL_LICENSING).say("/lookup tam dux") == [
        "\n\n".join([texts.licences.found_header("tam dux", 1, typo=True),
                     "1. Số 3/GP-SKHCN — Giấy phép sử dụng thiết bị X-quang chẩn đoán trong y tế\n"
                     "   Được cấp cho: Phòng khám Tâm Đức\n"
                     "   Ngày cấp 31/12/2019; thời hạn đến 31/12/2022\n"
                     "   Tình trạng: hết hạn"])]
    # a licensing officer asking for the expiring list gets it as text, not a file
    [listed] = await TelegramUser(world, TG_LICENSING).say("/tracuu sắp hết hạn 90")
    assert "3/GP-SKHCN" in listed and "12/GP-SKHCN" in listed and "40/GP-SKHCN" not in listed


def rows_of(content: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [tuple(c.value for c in row) for row in sheet.iter_rows()]


async def test_the_register_files_are_a_document_on_telegram_and_a_link_on_zalo(world):
    await world.add_staff("Phạm Lãnh Đạo", {"manager"}, telegram=TG_MANAGER, zalo=ZL_MANAGER)
    telegram = TelegramUser(world, TG_MANAGER)
    assert await telegram.say("/tracuu") == [f"{texts.licences.USAGE}\n{texts.licences.MANAGER_FILES}"]
    before = telegram.bot_messages
    await telegram.say("/tracuu toàn bộ")
    status = telegram.messages[before]
    first = status.edits[0]["text"] if status.edits else status.text
    assert first == texts.licences.making(texts.licences.REGISTER, 90)
    document = await world.telegram.wait_for(lambda m: m.chat_id == TG_MANAGER and m.kind == "document", 30)
    assert document.upload.filename == "SoGiayPhep_2023-01-13.xlsx"
    assert document.caption == texts.licences.caption(texts.licences.REGISTER, D(2023, 1, 13), 90)
    header, *rows = rows_of(document.upload.content)
    assert header == texts.licences.COLUMNS and sorted(r[0] for r in rows) == ["12/GP-SKHCN", "3/GP-SKHCN", "40/GP-SKHCN"]
    await world.telegram.wait_until(lambda: status.text == texts.licences.ready(texts.licences.REGISTER, 3), 10,
                                    "the status edited")

    zalo = ZaloUser(world, ZL_MANAGER)
    await zalo.say("/tracuu sap het han 90")
    await world.zalo.wait_until(lambda: zalo.bot_messages >= 3, 30, "the expiring list's link on Zalo")
    making, ready, link = zalo.texts
    assert making == texts.licences.making(texts.licences.EXPIRING, 90)
    assert ready == texts.licences.ready(texts.licences.EXPIRING, 2)
    caption, url, _validity = link.split("\n")
    assert caption == texts.licences.caption(texts.licences.EXPIRING, D(2023, 1, 13), 90)
    assert url.startswith(world.app.config.web.public_url + "/d/")
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200
        assert "GiayPhep_SapHetHan_2023-01-13.xlsx" in response.headers["Content-Disposition"]
        downloaded = await response.read()
    assert [(r[0], r[8]) for r in rows_of(downloaded)[1:]] == [("3/GP-SKHCN", "hết hạn"), ("12/GP-SKHCN", "sắp hết hạn")]
