"""The console channel: the same engine through the inbox, choices as a numbered list — exactly how
Zalo users see them. For local use, demos and debugging."""

from __future__ import annotations

import asyncio
import itertools
import sys
import time
from typing import TextIO

import texts
from bot.channels.numbered import render_numbered
from bot.engine import Engine
from bot.messages import Incoming, Reply

CHANNEL = "console"


def parse_line(line: str, chat_id: str, user_id: str, seq: int, name: str) -> Incoming:
    """A typed line: '/cmd args' is a command, anything else is text."""
    line = line.strip()
    key = f"{time.time_ns()}-{seq}"
    if line.startswith("/") and len(line) > 1:
        head, _, rest = line[1:].partition(" ")
        return Incoming(CHANNEL, chat_id, user_id, key, "command", text=rest.strip(),
                        command=head.split("@")[0].lower(), display_name=name)
    return Incoming(CHANNEL, chat_id, user_id, key, "text", text=line, display_name=name)


class ConsoleSender:
    def __init__(self, out: TextIO):
        self.out = out
        self.sent = 0

    async def send(self, chat_id: str, reply: Reply) -> str:
        if reply.kind in ("typing", "menu"):
            return ""
        if reply.kind == "document":
            body = f"📄 {reply.text}\n   {texts.common.FILE}: {reply.document_path}".strip()
        else:
            body = render_numbered(reply)
        self.out.write(f"\n🤖 {body}\n")
        self.out.flush()
        self.sent += 1
        return str(self.sent)


async def run_console(engine: Engine, user_id: str, name: str, stdin: TextIO = sys.stdin) -> None:
    """Read lines until EOF or Ctrl-D, each one an incoming message; replies print as they are sent."""
    chat_id = user_id
    interactive = stdin.isatty()
    loop = asyncio.get_running_loop()
    for seq in itertools.count():
        if interactive:
            await _wait_quiet(engine)
            sys.stdout.write("> ")
            sys.stdout.flush()
        line = await loop.run_in_executor(None, stdin.readline)
        if not line:
            break
        if line.strip():
            await engine.accept(parse_line(line, chat_id, user_id, seq, name))
            if not interactive:
                await engine.run_until_idle()
    await engine.run_until_idle()


async def _wait_quiet(engine: Engine) -> None:
    """Let the replies to the last line print before the next prompt."""
    await engine.run_until_idle()
