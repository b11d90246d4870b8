"""Zalo events as data: their shape, their key, text → Incoming, and long replies cut into pieces."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from bot.messages import LONE_SURROGATE, Incoming
from storage.text import nfc


def unwrap(data: Any) -> Any:
    """Webhook bodies come wrapped `{ok, result: event}` (the docs) or bare (real traffic, §1.6)."""
    if isinstance(data, dict) and "event_name" not in data and isinstance(data.get("result"), dict):
        return data["result"]
    return data


_TEXT_FIELDS = ("text", "caption", "photo_url", "photo", "url", "message_type")
_NAME_FIELDS = ("display_name", "first_name")


def _is_id(value: Any) -> bool:
    """A string of Unicode text (no lone surrogate: it could never be stored) or a whole number."""
    if isinstance(value, str):
        return not LONE_SURROGATE.search(value)
    return isinstance(value, int) and not isinstance(value, bool)


def well_formed(event: Any) -> bool:
    """The shape of a Zalo event (§1.5) as far as we read it: anything else is bad data (400 on the
    webhook, dropped with a log line when polled), never a crash further in."""
    if not isinstance(event, dict) or not isinstance(event.get("event_name"), str):
        return False
    message = event.get("message")
    if not isinstance(message, dict):
        return False
    chat, sender = message.get("chat"), message.get("from")
    if not isinstance(chat, dict) or not _is_id(chat.get("id")):
        return False
    if "message_id" in message and message["message_id"] is not None and not _is_id(message["message_id"]):
        return False
    if sender is not None and not (
        isinstance(sender, dict) and (sender.get("id") is None or _is_id(sender["id"]))
        and all(sender.get(k) is None or isinstance(sender[k], str) for k in _NAME_FIELDS)
    ):
        return False
    return all(message.get(k) is None or isinstance(message[k], str) for k in _TEXT_FIELDS)


def event_key(event: dict) -> str:
    """Zalo's message id; a hash of the event if it ever lacks one, so redeliveries still collide."""
    message_id = event["message"].get("message_id")
    if message_id:
        return str(message_id)
    return "h" + hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()[:40]


def text_incoming(base: dict, raw: str) -> Incoming:
    """A leading "/cmd args" is a command (lower case, no @suffix); anything else is text."""
    text = nfc(raw).strip()
    if text.startswith("/") and len(text) > 1 and not text[1].isspace():
        head, _, rest = text[1:].partition(" ")
        return Incoming(**base, kind="command", command=head.split("@")[0].lower(), text=rest.strip())
    return Incoming(**base, kind="text", text=text)


def split_text(text: str, limit: int) -> list[str]:
    """Cut a message into pieces of at most `limit` characters, at line ends where possible."""
    pieces: list[str] = []
    current = ""
    for line in _short_lines(text, limit):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
            continue
        pieces.append(current)
        current = line
    if current.strip():
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def _short_lines(text: str, limit: int) -> list[str]:
    """The text's lines, a line longer than `limit` cut at spaces (or hard, if it has none)."""
    lines = []
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit + 1)
            cut = cut if cut > 0 else limit
            lines.append(line[:cut])
            line = line[cut:].lstrip(" ")
        lines.append(line)
    return lines


