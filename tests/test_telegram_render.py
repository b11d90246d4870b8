"""Reply rendering for Telegram: message and caption limits, callback data, keyboards, tapped labels."""

from __future__ import annotations

import pytest

from bot.channels import telegram_render as render
from bot.messages import Choice


def test_short_text_is_one_message_and_empty_text_is_not_empty() -> None:
    assert render.split_text("Xin chào") == ["Xin chào"]
    assert render.split_text("") == [render.EMPTY_TEXT]


def test_long_text_splits_at_line_boundaries_within_the_limit() -> None:
    lines = [f"dòng {n:04d} " + "x" * 40 for n in range(400)]
    chunks = render.split_text("\n".join(lines), limit=1000)
    assert all(render.utf16_len(c) <= 1000 for c in chunks)
    assert [line for chunk in chunks for line in chunk.split("\n")] == lines


def test_a_line_longer_than_a_message_is_cut_counting_utf16_units() -> None:
    line = "😀" * 10  # 20 UTF-16 units
    chunks = render.split_text(line, limit=7)
    assert "".join(chunks) == line and all(render.utf16_len(c) <= 7 for c in chunks)
    assert render.split_text("ab\n" + "c" * 12, limit=5) == ["ab", "ccccc", "ccccc", "cc"]


def test_caption_is_cut_to_1024() -> None:
    assert render.caption("") is None
    assert render.caption("Báo cáo") == "Báo cáo"
    long = render.caption("ầ" * 2000)
    assert render.utf16_len(long) == 1024 and long.endswith("…")


def test_callback_data_is_1_to_64_bytes() -> None:
    assert render.callback_data("a1b2c3|y") == "a1b2c3|y"
    cut = render.callback_data("t|" + "đ" * 40)  # 82 bytes; 'đ' is two
    assert len(cut.encode()) <= 64 and cut.startswith("t|đ") and "\ufffd" not in cut
    with pytest.raises(ValueError):
        render.callback_data("")


def test_keyboards() -> None:
    choices = (Choice("t|y", "Có"), Choice("t|n", "Không"))
    inline = render.inline_keyboard(choices)
    assert [[b.callback_data for b in row] for row in inline.inline_keyboard] == [["t|y"], ["t|n"]]
    reply = render.location_keyboard(choices)
    assert reply.keyboard[0][0].request_location and reply.keyboard[0][0].text == render.LOCATION_BUTTON
    assert [row[0].text for row in reply.keyboard[1:]] == ["Có", "Không"]
    assert reply.one_time_keyboard and reply.resize_keyboard

