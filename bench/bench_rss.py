"""The memory of `python main.py run` after a report (issue 23: under 150 MB).

The real process against the fake Telegram (polling): technicians record calibration batches, then
a manager asks for the month's report (`/baocao`) and receives the .docx (the time it took is
printed); the process's resident memory (VmRSS, and its peak VmHWM) is read from /proc before and after.

    .venv/bin/python bench/bench_rss.py                  # 20 technicians, one batch each
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.wiring import open_db  # noqa: E402
from bot.config import load_config  # noqa: E402
from storage import people  # noqa: E402
from storage.domain import Identity  # noqa: E402
from tests.chaos_kit import BotUnderFire, Platform, within  # noqa: E402

MANAGER_CHAT = 99_999


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {k: int(fields[k].split()[0]) // 1024 for k in ("VmRSS", "VmHWM")}


async def add_manager(bot: BotUnderFire) -> None:
    config = load_config(bot.config_path, env=bot.env)
    db = await open_db(config)
    try:
        async with db.unit_of_work() as session:
            now = dt.datetime.now(dt.UTC)
            staff = await people.create_staff(session, "Trưởng phòng", ["manager"], now)
            await people.add_identity(session, staff.id, Identity("telegram", str(MANAGER_CHAT), str(MANAGER_CHAT)), now)
    finally:
        await db.close()


async def main(count: int) -> None:
    platform = Platform("telegram", "polling")
    async with platform.fake:
        platform.fake.add_chat(MANAGER_CHAT)
        with tempfile.TemporaryDirectory() as tmp:
            bot = BotUnderFire(platform, Path(tmp))
            chats = list(await bot.add_people(count))
            for chat in chats:
                platform.fake.add_chat(chat)
            await add_manager(bot)
            bot.start()
            try:
                await bot.ready()
                print(f"started: {memory(bot.proc.pid)}", flush=True)
                for n, chat in enumerate(chats):
                    platform.send_batch(chat, 100 + n)
                for chat in chats:
                    review = await within(platform, lambda c=chat: platform.review(c), 60)
                    platform.confirm(chat, review)
                for chat in chats:
                    assert await within(platform, lambda c=chat: platform.saved(c), 60), "a batch was not saved"
                print(f"after {count} records: {memory(bot.proc.pid)}", flush=True)
                asked = time.perf_counter()
                platform.fake.user_command(MANAGER_CHAT, "baocao")
                document = await within(platform, lambda: next(
                    (m for m in platform.fake.messages(MANAGER_CHAT) if m.document), None), 120)
                assert document is not None, f"no report came: {platform.texts(MANAGER_CHAT)}\n{bot.log()[-2000:]}"
                print(f"/baocao answered with the .docx in {time.perf_counter() - asked:.2f} s", flush=True)
                await asyncio.sleep(1)
                print(f"after the report: {memory(bot.proc.pid)}", flush=True)
            finally:
                await bot.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20)
    asyncio.run(main(parser.parse_args().people))
