"""Small helpers for driving the engine directly: messages, a recording sender, an echo handler."""

from __future__ import annotations

import asyncio
import itertools

from bot.engine import PermanentFailure, RetryLater, Unit
from bot.messages import Incoming, Reply
from storage import engine_store

_keys = itertools.count(1)


def message(chat: str, text: str, *, channel: str = "console", key: str | None = None, user: str | None = None):
    kind, command = ("command", text[1:].split()[0]) if text.startswith("/") else ("text", "")
    body = text.partition(" ")[2] if command else text
    return Incoming(channel, chat, user or chat, key or f"k{next(_keys)}", kind, text=body, command=command)


class RecordingSender:
    """Collects what would reach each chat; can fail on demand like a platform would."""

    def __init__(self):
        self.sent: dict[str, list[Reply]] = {}
        self.failures: list[Exception] = []

    async def send(self, chat_id: str, reply: Reply) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.setdefault(chat_id, []).append(reply)
        await asyncio.sleep(0)
        return str(sum(len(v) for v in self.sent.values()))

    def texts(self, chat_id: str) -> list[str]:
        return [r.text for r in self.sent.get(chat_id, [])]


async def echo_handler(unit: Unit) -> None:
    """Answers 'echo: TEXT' and writes one audit row per message (a stand-in for a record)."""
    msg = unit.incoming
    await engine_store.audit(
        unit.session, staff_id=None, action="echo", entity="chat", entity_id=msg.chat_id,
        after={"text": msg.text, "key": msg.event_key}, now=unit.now,
    )
    unit.reply(Reply(text=f"echo: {msg.text}"))


__all__ = ["PermanentFailure", "RecordingSender", "RetryLater", "echo_handler", "message"]
