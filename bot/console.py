"""The console channel: the same engine through the inbox, choices as a numbered list — exactly how
Zalo users see them. For local use, demos and debugging."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import itertools
import os
import sys
import threading
import time
from collections.abc import AsyncIterator
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
    """Prints the replies of one chat — the person at the terminal. Other console chats' replies
    (another person's reminder, a notice after an admin's change) wait in the outbox for their owner."""

    def __init__(self, out: TextIO, chat_id: str):
        self.out, self.chat_id = out, chat_id
        self.sent = 0

    def reaches(self, chat_id: str) -> bool:
        return chat_id == self.chat_id

    async def send(self, chat_id: str, reply: Reply) -> str:
        if reply.kind in ("typing", "menu"):
            return ""
        if reply.kind in ("document", "photo"):
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
    seq = itertools.count()
    await _prompt(engine, interactive)
    async for line in _lines(stdin):
        if line.strip():
            await engine.accept(parse_line(line, chat_id, user_id, next(seq), name))
            if not interactive:
                await engine.run_until_idle()
        await _prompt(engine, interactive)
    await engine.run_until_idle()


async def _prompt(engine: Engine, interactive: bool) -> None:
    """Let the replies to the last line print before the next prompt."""
    if interactive:
        await engine.run_until_idle()
        sys.stdout.write("> ")
        sys.stdout.flush()


async def _lines(stdin: TextIO) -> AsyncIterator[str]:
    """Typed lines, read by a daemon thread straight from the file descriptor: nothing waits for it
    when the person presses Ctrl-C (an executor thread blocked in readline would hold the exit)."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def put(line: str | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop has closed: the program is leaving
            loop.call_soon_threadsafe(queue.put_nowait, line)

    threading.Thread(target=_pump, args=(stdin.fileno(), put), name="console input", daemon=True).start()
    while (line := await queue.get()) is not None:
        yield line


def _pump(fd: int, put) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    pending = ""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            chunk = b""
        pending += decoder.decode(chunk, final=not chunk)
        *lines, pending = pending.split("\n")
        for line in lines:
            put(line + "\n")
        if not chunk:
            if pending:
                put(pending)
            put(None)
            return
