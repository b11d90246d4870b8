"""/baocao for a quarter, a half-year and a year, through both real adapters against the fakes
(Telegram: the document; Zalo: numbered text and a download link), on the frozen 13/01/2023 of
tests/channels_kit.py: Q1, the first half and the year 2023 all started on 15/12/2022."""

from __future__ import annotations

import io

import aiohttp
import docx
import pytest

from tests.channels_kit import TelegramUser, ZaloUser, running_world

TG_MANAGER, ZL_MANAGER = 5003, "2c3d4e5f607182930415"

CASES = [
    ("Q1/2023", "quý I/2023", "Quý I năm 2023", "2023-Q1", "(15/12/2022–14/03/2023)"),
    ("6T/2023", "6 tháng đầu năm 2023", "6 tháng đầu năm 2023", "2023-H1", "(15/12/2022–14/06/2023)"),
    ("2023", "năm 2023", "Năm 2023", "2023", "(15/12/2022–14/12/2023)"),
]


@pytest.fixture
async def world(tmp_path):
    async with running_world(tmp_path) as running:
        await running.add_staff("Phạm Lãnh Đạo", {"manager"}, telegram=TG_MANAGER, zalo=ZL_MANAGER)
        yield running


def period_line(content: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(content)).paragraphs if p.text.startswith("Kỳ báo cáo")]


@pytest.mark.parametrize(("typed", "name", "label", "key", "span"), CASES)
async def test_a_longer_period_on_telegram_and_on_zalo(world, typed, name, label, key, span):
    telegram = TelegramUser(world, TG_MANAGER)
    before = telegram.bot_messages
    await telegram.say(f"/baocao {typed}")
    status = telegram.messages[before]
    making = status.edits[0]["text"] if status.edits else status.text  # as first sent
    assert making == f"Đang lập báo cáo {name} {span}…\nKỳ này không có bản ghi nào chờ duyệt hoặc cần bổ sung."
    document = await world.telegram.wait_for(lambda m: m.chat_id == TG_MANAGER and m.kind == "document", 30)
    assert document.upload.filename == f"BaoCao_KHCN_{key}.docx"
    assert period_line(document.upload.content) == [f"Kỳ báo cáo: {label}"]

    zalo = ZaloUser(world, ZL_MANAGER)
    await zalo.say(f"/baocao {typed.lower()}")
    await world.zalo.wait_until(lambda: zalo.bot_messages >= 3, 30, "the report link on Zalo")
    making, ready, link = zalo.texts
    assert making == f"Đang lập báo cáo {name} {span}…\nKỳ này không có bản ghi nào chờ duyệt hoặc cần bổ sung." and ready.startswith(f"Đã lập xong báo cáo {name}")
    url = link.split("\n")[1]
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200 and f"BaoCao_KHCN_{key}.docx" in response.headers["Content-Disposition"]
        assert period_line(await response.read()) == [f"Kỳ báo cáo: {label}"]


async def test_typed_without_diacritics_on_zalo(world):
    zalo = ZaloUser(world, ZL_MANAGER)
    [making, *_] = await zalo.say("/baocao quy I nam 2023")
    assert making == "Đang lập báo cáo quý I/2023 (15/12/2022–14/03/2023)…\nKỳ này không có bản ghi nào chờ duyệt hoặc cần bổ sung."
    await world.zalo.wait_until(lambda: zalo.bot_messages >= 3, 30, "the report link on Zalo")
    [refused] = await zalo.say("/baocao quý 5/2023")
    assert refused.startswith("Kỳ báo cáo “quý 5/2023” không hợp lệ. Vui lòng gõ tháng/năm (01/2023), quý (Q1/2023)")
