"""A separate process that dies by SIGKILL at a chosen point, for the crash tests.

    python -m tests.crash_harness URL MODE OUT

MODE: `accept` — commit one message to the inbox, then die before handling it;
      `handle` — handle it (unit of work committed), then die as the reply is about to be sent;
      `resume` — process and send whatever is pending, appending each sent reply to OUT.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.engine import Engine
from storage.db import open_database
from storage.migrate import upgrade
from tests.kit import echo_handler, message


class DieOnSend:
    async def send(self, chat_id, reply):
        os.kill(os.getpid(), signal.SIGKILL)


class AppendToFile:
    def __init__(self, path):
        self.path = path

    async def send(self, chat_id, reply):
        _append(self.path, f"{chat_id}\t{reply.text}\n")
        return "1"


def _append(path: str, line: str) -> None:
    with open(path, "a", encoding="utf-8") as out:
        out.write(line)


async def main(url: str, mode: str, out: str) -> None:
    db = open_database(url)
    await upgrade(db.engine)
    engine = Engine(db, echo_handler, Clock(ZoneInfo("Asia/Ho_Chi_Minh")))
    if mode == "accept":
        await engine.accept(message("c1", "đo cột bơm số 1", key="evt-1"))
        os.kill(os.getpid(), signal.SIGKILL)
    engine.senders["console"] = DieOnSend() if mode == "handle" else AppendToFile(out)
    if mode == "handle":
        await engine.accept(message("c1", "đo cột bơm số 2", key="evt-2"))
    await engine.run_until_idle()
    await db.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
