"""Reply → what the Bot API takes: text chunks, inline or reply keyboards, callback data, captions.

Pure functions without I/O, so the limits Telegram enforces (4096-character messages, 1024-character
captions, 1–64-byte callback data) are tested without a server. Telegram counts characters in
UTF-16 code units, so lengths here are measured that way (an emoji counts twice).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

import texts
from bot.messages import Choice

log = logging.getLogger(__name__)

# The one user-facing text of the adapter: the button that shares the phone's position.
LOCATION_BUTTON = texts.common.LOCATION_BUTTON

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64  # bytes
EMPTY_TEXT = "…"  # Telegram refuses an empty message; a keyboard still needs a line above it


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, limit: int) -> tuple[str, str]:
    """The longest head of `text` within `limit` UTF-16 units, and the rest."""
    size = 0
    for index, char in enumerate(text):
        size += 2 if ord(char) > 0xFFFF else 1
        if size > limit:
            return text[:index], text[index:]
    return text, ""


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split a long text into messages at line boundaries; a line longer than a message is cut."""
    if not text:
        return [EMPTY_TEXT]
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if utf16_len(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        while utf16_len(line) > limit:
            head, line = _cut(line, limit)
            chunks.append(head)
        current = line
    if current or not chunks:
        chunks.append(current or EMPTY_TEXT)
    return chunks


def caption(text: str) -> str | None:
    """A document's caption: the reply's text, shortened to Telegram's 1024 characters."""
    if not text:
        return None
    if utf16_len(text) <= CAPTION_LIMIT:
        return text
    return _cut(text, CAPTION_LIMIT - 1)[0] + "…"


def callback_data(key: str) -> str:
    """A choice key as callback data: 1–64 bytes of UTF-8. Keys are short by design ("token|key");
    an over-long one is cut at a character boundary (the flow then answers "no such choice")
    rather than making Telegram refuse the whole message."""
    if not key:
        raise ValueError("a choice needs a key to be a button")
    raw = key.encode("utf-8")
    if len(raw) <= CALLBACK_DATA_LIMIT:
        return key
    log.warning("choice key of %d bytes cut to %d for Telegram", len(raw), CALLBACK_DATA_LIMIT)
    return raw[:CALLBACK_DATA_LIMIT].decode("utf-8", "ignore")


def inline_keyboard(choices: Sequence[Choice]) -> InlineKeyboardMarkup:
    """One button per row: labels are whole phrases and stay readable on a phone."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(c.label, callback_data=callback_data(c.key))] for c in choices])


def location_keyboard(choices: Sequence[Choice]) -> ReplyKeyboardMarkup:
    """The "send my location" button, plus the other choices as buttons that send their label as text."""
    rows = [[KeyboardButton(LOCATION_BUTTON, request_location=True)]]
    rows += [[KeyboardButton(c.label)] for c in choices]
    return ReplyKeyboardMarkup(rows, one_time_keyboard=True, resize_keyboard=True)

