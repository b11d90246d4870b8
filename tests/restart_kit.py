"""Kit (no tests here): the real `python main.py run` in Zalo polling mode, stopped with SIGTERM while
people type, or starved of disk (issue 20). Used by tests/test_reliability.py (CI sizes) and
bench/bench_restarts.py (20 restarts, the figure in docs/reliability.md).

The fake Zalo, like a plain HTTP server, does not notice that a getUpdates connection was closed: an
event that arrives while the poll is open is handed to it and forgotten, whether the bot still reads
or not (docs/zalo-bot-api.md §1.7 says Zalo forgets an event once getUpdates returns it).
"""

# ruff: noqa: ASYNC109 — `timeout` below is a test deadline, as in tests/fakes.

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import re
import time
from pathlib import Path

import aiohttp

from tests.chaos_kit import BotUnderFire, Platform


@dataclasses.dataclass
class Restarts:
    restarts: int = 0
    sent: int = 0
    arrived: int = 0
    seconds: float = 0.0

    @property
    def lost(self) -> int:
        return self.sent - self.arrived

    def line(self) -> str:
        return (f"zalo polling: {self.restarts} SIGTERM restarts, {self.sent} messages sent during the open poll, "
                f"{self.arrived} in the inbox, {self.lost} lost, {self.seconds:.0f} s")


def bot_config(bot: BotUnderFire, **settings: str) -> None:
    """Change keys of the bot's config.toml (`key = value` lines, wherever they are)."""
    text = bot.config_path.read_text(encoding="utf-8")
    for key, value in settings.items():
        text, found = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
        if not found:
            text = text.replace("[engine]\n", f"[engine]\n{key} = {value}\n", 1)
    bot.config_path.write_text(text, encoding="utf-8")


async def healthz(bot: BotUnderFire) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{bot.port}/healthz") as response:
        return response.status, await response.json()


async def poll_open(platform: Platform, before: int, timeout: float = 30.0) -> None:
    """Wait until the bot has opened a getUpdates after `before` calls (it is then waiting in it)."""
    deadline = time.monotonic() + timeout
    while platform.fake.calls["getUpdates"] <= before:
        assert time.monotonic() < deadline, "the bot opened no getUpdates"
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.2)  # the request has reached the long wait


async def sigterm_restarts(tmp: Path, restarts: int, per_restart: int = 2) -> Restarts:
    """`restarts` times: while a getUpdates is open, SIGTERM the bot and have a person send
    `per_restart` messages in the next second; start it again. Then count what reached the inbox."""
    platform = Platform("zalo", "polling")
    platform.fake.blind_to_closed_connections = True
    outcome = Restarts()
    began = time.monotonic()
    await platform.fake.start()
    try:
        bot = BotUnderFire(platform, tmp)
        bot_config(bot, poll_timeout_seconds="3")
        [chat] = await bot.add_people(1)
        before = platform.fake.calls["getUpdates"]
        bot.start()
        try:
            for n in range(restarts):
                await bot.ready()
                await poll_open(platform, before)
                bot.proc.send_signal(15)
                await asyncio.sleep(0.3)  # the bot has begun to stop
                for k in range(per_restart):
                    platform.fake.user_text(chat, f"tin nhắn {n}-{k}")
                    outcome.sent += 1
                    await asyncio.sleep(0.5)
                assert await asyncio.to_thread(bot.proc.wait, 60) == 0, bot.log()[-3000:]
                outcome.restarts += 1
                before = platform.fake.calls["getUpdates"]
                bot.start()
            await bot.ready()
            await platform.fake.wait_until(lambda: platform.drained or None, 30, "every event handed over")
            await bot.quiet()
            outcome.arrived = bot.query("SELECT count(*) FROM inbox WHERE chat_id = ?", str(chat))[0][0]
            assert await bot.stop() == 0, bot.log()[-3000:]
        finally:
            if bot.proc.poll() is None:
                bot.proc.kill()
    finally:
        await platform.fake.close()
    outcome.seconds = time.monotonic() - began
    return outcome


@contextlib.contextmanager
def small_filesystem(folder: Path, megabytes: int):
    """A tmpfs of `megabytes` mounted on `folder` (root only: raises PermissionError otherwise)."""
    import subprocess

    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m,mode=0700", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode:
        raise PermissionError(done.stderr.strip() or "mount failed")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path) -> Path:
    """Fill the filesystem of `folder` to the last byte; returns the filler file."""
    filler = folder / "filler.bin"
    with open(filler, "wb", buffering=0) as out:
        with contextlib.suppress(OSError):
            while True:
                out.write(b"\0" * 65536)
        with contextlib.suppress(OSError):
            while True:
                out.write(b"\0" * 512)
    return filler
