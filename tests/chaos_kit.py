"""Kit (no tests here): kill the real `python main.py run` at random points while people record, restart
it, and compare what they sent with the records and confirmations (issue 10, the chaos test).

Each person is a technician who sends one calibration batch as a shortcut
(`/kiemdinh điện N 0 N`, N unique per person), waits for the review, confirms it (types 1 on Zalo,
taps "Xác nhận" on Telegram) and waits for "Đã lưu". Meanwhile the bot is SIGKILLed at random moments
and started again at once. At the end, once the bot is quiet: a record per confirmed batch, none
twice, and every record's confirmation delivered (at least once).

Used by tests/test_chaos.py (small, CI) and bench/bench_chaos.py (long).
"""

# ruff: noqa: ASYNC109 — `timeout` below is a test deadline, as in tests/fakes.

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import os
import random
import re
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import aiohttp

from app.wiring import open_db
from bot.config import load_config
from storage import people
from storage.domain import Identity
from tests.channels_kit import free_port, spawn_main
from tests.conftest import filled_config_text
from tests.fakes import FakeTelegram, FakeZalo

REPO = Path(__file__).resolve().parents[1]
SECRET = "chaos-webhook-secret-123"
CONFIRM = "Xác nhận"



@dataclasses.dataclass
class Outcome:
    channel: str
    mode: str
    kills: int = 0
    people: int = 0
    messages: int = 0  # messages people sent
    confirmed: int = 0  # batches whose person sent the confirmation
    records: int = 0
    lost: int = 0  # messages people sent that never reached the inbox, and confirmed batches without a record
    unanswered: int = 0  # people who gave up waiting for the review (slow under fire, or their message lost)
    duplicates: int = 0  # records beyond one per batch
    unconfirmed_records: int = 0  # records whose "Đã lưu" never reached the person
    repeated_confirmations: int = 0  # "Đã lưu" delivered more than once (at-least-once delivery)
    seconds: float = 0.0

    def line(self) -> str:
        return (f"{self.channel} {self.mode}: {self.kills} kills, {self.people} people, {self.messages} messages, "
                f"{self.confirmed} confirmed, "
                f"{self.records} records, {self.lost} lost, {self.unanswered} unanswered, {self.duplicates} duplicates, "
                f"{self.unconfirmed_records} records without confirmation, {self.repeated_confirmations} repeated "
                f"confirmations, {self.seconds:.0f} s")


class Platform:
    """What differs between the fakes: how a person speaks and what the bot showed them."""

    def __init__(self, channel: str, mode: str):
        self.channel, self.mode = channel, mode
        if channel == "zalo":
            # Zalo retries a failed push (its policy is undocumented; modelled like Telegram's)
            self.fake = FakeZalo(webhook_attempts=600, webhook_max_delay=1.0)
        else:
            self.fake = FakeTelegram(webhook_attempts=600, webhook_retry_delay=0.05, webhook_max_delay=1.0)

    def chat(self, n: int):
        return f"c0ffee{n:04d}" if self.channel == "zalo" else 90000 + n

    def env(self) -> dict[str, str]:
        fake, prefix = self.fake, self.channel.upper()
        base = fake.url if self.channel == "zalo" else f"{fake.url}/bot"
        env = {f"{prefix}_BOT_TOKEN": fake.token, f"{prefix}_BASE_URL": base, f"{prefix}_WEBHOOK_SECRET": SECRET}
        if self.channel == "telegram":
            env["TELEGRAM_BASE_FILE_URL"] = f"{fake.url}/file/bot"
        return env

    def send_batch(self, chat, n: int) -> None:
        if self.channel == "zalo":
            self.fake.user_text(chat, f"/kiemdinh điện {n} 0 {n}")
        else:
            self.fake.user_command(chat, "kiemdinh", f"điện {n} 0 {n}")

    def texts(self, chat) -> list[str]:
        if self.channel == "zalo":
            return [s.text or "" for s in self.fake.sent(chat)]
        return [m.text or "" for m in self.fake.messages(chat)]

    def review(self, chat):
        """The review question, once it is there (Zalo: its text; Telegram: the message with the button)."""
        if self.channel == "zalo":
            return next((t for t in self.texts(chat) if f"1. {CONFIRM}" in t), None)
        for message in self.fake.messages(chat):
            for row in message.inline_keyboard:
                for button in row:
                    if button["text"] == CONFIRM:
                        return message.message_id, button["callback_data"]
        return None

    def confirm(self, chat, review) -> None:
        if self.channel == "zalo":
            self.fake.user_text(chat, "1")
        else:
            self.fake.tap(chat, *review)

    def drained(self) -> bool:
        """The platform has handed every message over (or, polling, had it confirmed)."""
        return self.fake.drained if self.channel == "zalo" else len(self.fake.updates) == 0

    def saved(self, chat) -> int:
        return sum(t.startswith("Đã lưu") for t in self.texts(chat))


class BotUnderFire:
    """`python main.py run` on its own config, data folder and log; killed and restarted on demand."""

    def __init__(self, platform: Platform, tmp: Path):
        self.platform, self.port = platform, free_port()
        self.data_dir, self.log_path, self.config_path = tmp / "data", tmp / "bot.log", tmp / "config.toml"
        text = filled_config_text()  # run refuses the shipped placeholders
        text = re.sub(r"(\[web\][^\[]*?)enabled = false", r"\1enabled = true", text, count=1)
        text = re.sub(r"(\[web\][^\[]*?)port = \d+", rf"\g<1>port = {self.port}", text, count=1)
        text = re.sub(r'(\[web\][^\[]*?)public_url = ""', rf'\1public_url = "http://127.0.0.1:{self.port}"', text, count=1)
        text = re.sub(rf'(\[{platform.channel}\][^\[]*?)mode = "polling"', rf'\1mode = "{platform.mode}"', text, count=1)
        text = re.sub(r"poll_timeout_seconds = \d+", "poll_timeout_seconds = 5", text)
        text = re.sub(r"poll_interval_seconds = [\d.]+", "poll_interval_seconds = 0.2", text)
        text = re.sub(r"send_backoff_seconds = [\d.]+", "send_backoff_seconds = 0.2", text)
        text = text.replace("reminders = true", "reminders = false")
        self.config_path.write_text(text, encoding="utf-8")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "FIELDBOT_"))}
        self.env.pop("DATABASE_URL", None)
        self.env.update(platform.env(), FIELDBOT_DATA_DIR=str(self.data_dir), FIELDBOT_CONFIG=str(self.config_path),
                        FIELDBOT_LINK_SECRET="chaos-link-secret-0123456789abcdef",
                        PYTHONUNBUFFERED="1")
        self.proc: subprocess.Popen | None = None

    async def add_people(self, count: int) -> dict:
        """Technicians already registered on this channel (registration is tested elsewhere)."""
        config = load_config(self.config_path, env=self.env)
        db = await open_db(config)
        ids = {}
        try:
            async with db.unit_of_work() as session:
                now = dt.datetime.now(dt.UTC)
                for n in range(count):
                    chat = self.platform.chat(n)
                    staff = await people.create_staff(session, f"Kỹ thuật viên {n}", ["technician"], now)
                    await people.add_identity(session, staff.id, Identity(self.platform.channel, str(chat), str(chat)), now)
                    ids[chat] = staff.id
        finally:
            await db.close()
        return ids

    def start(self) -> None:
        self.proc = spawn_main(self.env, self.log_path)

    async def ready(self, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"the bot exited:\n{self.log()[-3000:]}"
            with contextlib.suppress(aiohttp.ClientError, ValueError):
                async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{self.port}/healthz") as r:
                    state = (await r.json())["channels"].get(self.platform.channel, {}).get("state")
                    if state == "up":
                        return
            await asyncio.sleep(0.1)
        raise AssertionError(f"the bot did not get ready:\n{self.log()[-3000:]}")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    async def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return await asyncio.to_thread(self.proc.wait, 30)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8") if self.log_path.exists() else ""

    def query(self, sql: str, *args) -> list[tuple]:
        with sqlite3.connect(self.data_dir / "fieldbot.sqlite3", timeout=10) as conn:
            return conn.execute(sql, args).fetchall()

    async def quiet(self, timeout: float = 60.0) -> None:
        """Every message handled and every reply delivered."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            busy = self.query("SELECT (SELECT count(*) FROM inbox WHERE status = 'pending') + "
                              "(SELECT count(*) FROM outbox WHERE status = 'pending')")[0][0]
            if not busy:
                return
            await asyncio.sleep(0.2)
        raise AssertionError(f"the bot never got quiet:\n{self.log()[-3000:]}")


async def person(platform: Platform, chat, n: int, start_after: float, wait: float, log: dict) -> None:
    await asyncio.sleep(start_after)
    platform.send_batch(chat, n)
    log["sent"] = 1
    review = await within(platform, lambda: platform.review(chat), wait)
    if review is None:
        return  # the message never got an answer: counted as unanswered
    log["reviewed"] = True
    platform.confirm(chat, review)
    log["sent"], log["confirmed"] = 2, True
    await within(platform, lambda: platform.saved(chat), wait)


async def within(platform: Platform, probe, seconds: float):
    """probe() once it is truthy, or None after `seconds` (a person who gives up waiting)."""
    try:
        return await platform.fake.wait_until(probe, seconds, "an answer")
    except AssertionError:
        return None


async def drained(platform: Platform, bot: BotUnderFire, seconds: float = 120.0) -> None:
    """Wait until the platform has handed every message over (a push still retrying is not done)."""
    for _ in range(int(seconds * 10)):
        if platform.drained():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the platform still holds messages:\n{bot.log()[-3000:]}")


async def killer(bot: BotUnderFire, kills: int, rng: random.Random, outcome: Outcome) -> None:
    for _ in range(kills):
        await asyncio.sleep(rng.uniform(0.5, 4.0))
        await asyncio.to_thread(bot.kill)
        outcome.kills += 1
        bot.start()
        await bot.ready()


async def run_chaos(channel: str, mode: str, tmp: Path, *, people_count: int = 6, kills: int = 3,
                    spread: float = 8.0, wait: float = 90.0, seed: int = 0) -> Outcome:
    """One run: `people_count` people start within `spread` seconds; `kills` SIGKILLs at random moments."""
    rng = random.Random(seed)
    platform = Platform(channel, mode)
    outcome = Outcome(channel, mode, people=people_count)
    began = time.monotonic()
    await platform.fake.start()
    try:
        bot = BotUnderFire(platform, tmp)
        staff_ids = await bot.add_people(people_count)
        bot.start()
        await bot.ready()
        logs = {chat: {} for chat in staff_ids}
        batches = {chat: 1000 + i for i, chat in enumerate(staff_ids)}
        people_tasks = [person(platform, chat, batches[chat], rng.uniform(0, spread), wait, logs[chat])
                        for chat in staff_ids]
        try:
            await asyncio.gather(killer(bot, kills, rng, outcome), *people_tasks)
            await drained(platform, bot)
            await bot.quiet()
            await asyncio.sleep(1.0)  # the last replies reach the fake
            assert await bot.stop() == 0, bot.log()[-3000:]
        finally:
            if bot.proc.poll() is None:
                bot.proc.kill()
        for chat, staff_id in staff_ids.items():
            found = bot.query("SELECT count(*) FROM calibration_batches WHERE recorded_by = ? AND verified = ?",
                              staff_id, batches[chat])[0][0]
            saved = platform.saved(chat)
            sent = logs[chat].get("sent", 0)
            arrived = bot.query("SELECT count(*) FROM inbox WHERE channel = ? AND chat_id = ?", channel, str(chat))[0][0]
            outcome.messages += sent
            outcome.confirmed += bool(logs[chat].get("confirmed"))
            outcome.records += found
            outcome.unanswered += not logs[chat].get("reviewed")
            outcome.lost += max(0, sent - arrived)  # a message that never reached the inbox
            outcome.lost += arrived == sent == 2 and found == 0  # confirmed, arrived, yet no record
            outcome.duplicates += max(0, found - 1)
            outcome.unconfirmed_records += found > 0 and saved == 0
            outcome.repeated_confirmations += max(0, saved - 1)
    finally:
        await platform.fake.close()
    outcome.seconds = time.monotonic() - began
    return outcome
