"""Zalo photos arrive whole or not at all (issue 10, item 1).

The fake CDN sends bodies in pieces, cuts them short, answers errors and non-images; the bot must
keep exactly the bytes that were sent, or nothing, and tell the sender why.
"""

# ruff: noqa: ASYNC109 — `timeout` below is a test deadline, as in tests/fakes.

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import pytest

import texts
from tests.channels_kit import zalo_fake  # noqa: F401 (the `fake` fixture)
from tests.test_zalo_adapter import CHAT, STRANGER, start_bot, stop_bot

MiB = 1024 * 1024


def jpeg(size: int) -> bytes:
    """A JPEG-looking body of `size` bytes whose every 4 KiB differs (a cut-off copy cannot pass)."""
    head, tail = b"\xff\xd8\xff\xe0", b"\xff\xd9"
    filler = b"".join(i.to_bytes(4, "big") * 1024 for i in range(size // 4096 + 1))
    return head + filler[: size - len(head) - len(tail)] + tail


@pytest.fixture
async def bot(fake, tmp_path):
    running = await start_bot(fake, tmp_path, zalo={"max_photo_bytes": 8 * MiB})
    await running.register()
    yield running
    await stop_bot(running)


def media_files(bot) -> list[Path]:
    folder = bot.channel.ctx.media_dir
    return sorted(folder.iterdir()) if folder.exists() else []


async def send_photo(bot, content: bytes, chat: str = CHAT, **kwargs) -> tuple[list[str], dict]:
    before = len(bot.fake.sent(chat))
    bot.fake.user_image(chat, content, **kwargs)
    answers = await bot.answers(chat, before, timeout=20)
    return answers, (await bot.inbox())[-1].payload


@pytest.mark.parametrize("size", [1 * MiB, 2 * MiB, 5 * MiB], ids=["1MiB", "2MiB", "5MiB"])
async def test_a_large_photo_is_saved_whole(bot, size):
    content = jpeg(size)
    _, payload = await send_photo(bot, content, media_faults={"chunk": 16 * 1024, "chunk_delay": 0.0005})
    assert payload["kind"] == "photo"
    saved = Path(payload["photo_path"])
    assert (await asyncio.to_thread(saved.read_bytes)) == content
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600
    assert media_files(bot) == [saved]  # no temporary file left beside it


async def test_a_photo_over_the_cap_is_refused_with_a_sentence(bot):
    answers, payload = await send_photo(bot, jpeg(9 * MiB))
    assert payload["kind"] == "unsupported" and payload["photo_path"] == ""
    assert answers == [texts.common.photo_too_large(8)]
    assert media_files(bot) == []


async def test_a_photo_over_the_cap_without_content_length_is_refused_too(bot):
    """A chunked body announces no length: the cap is counted while reading."""
    answers, _ = await send_photo(bot, jpeg(9 * MiB), media_faults={"announce_length": False})
    assert answers == [texts.common.photo_too_large(8)] and media_files(bot) == []


async def test_a_body_cut_short_is_not_kept(bot):
    answers, payload = await send_photo(bot, jpeg(3 * MiB), media_faults={"truncate_at": 200_000})
    assert payload["kind"] == "unsupported" and answers == [texts.common.PHOTO_FAILED]
    assert media_files(bot) == []


@pytest.mark.parametrize("faults,content_type", [({"status": 404}, "image/jpeg"), ({"status": 502}, "image/jpeg"),
                                                 ({}, "application/json"), ({}, "text/html")])
async def test_an_error_body_is_never_saved_as_a_photo(bot, faults, content_type):
    answers, payload = await send_photo(bot, b'{"error": 404, "message": "expired"}',
                                        content_type=content_type, media_faults=faults)
    assert payload["kind"] == "unsupported" and answers == [texts.common.PHOTO_FAILED]
    assert media_files(bot) == []


async def test_a_strangers_photo_is_not_kept(bot):
    answers, payload = await send_photo(bot, jpeg(100_000), chat=STRANGER)
    assert answers == [texts.people.refusal()]
    assert payload["photo_path"] == "" and media_files(bot) == []


async def test_a_photo_in_a_form_that_failed_is_asked_again(bot):
    """Inside a form the sentence replaces the generic 'cannot read this' and the draft goes on."""
    await bot.say("/kiemdinh")
    answers, _ = await send_photo(bot, b"<html>502</html>", content_type="text/html")
    assert answers[0] == texts.common.PHOTO_FAILED
