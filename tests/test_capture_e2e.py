"""/kiemdinh end to end: the real `python main.py run` process, killed with SIGKILL in the middle of a form.

A technician on Zalo (typing numbers and words) and one on Telegram (tapping the inline buttons the
form offers) each answer the first three questions; once the reply to the third has arrived and is
marked sent, the process is killed -9 and started again. The next answer continues the form at the
question it was on, the form is confirmed, and the SQLite file holds exactly one calibration batch
with those values: no message, inbox event or record doubled. On Telegram, keyboards sent before
the kill still work when they belong to the current question; an older one is answered
"Câu hỏi này đã đóng." and changes nothing.

On Zalo also: a manager closes last month with /chotky through the process; a technician who types
a date in that month hears why it is refused and gets the date question again.

Everything goes through the real wiring: invitations by `main.py admin invite`, registration by
/start CODE, the real clock (today in Asia/Ho_Chi_Minh), the fakes of tests/fakes.
"""

# ruff: noqa: ASYNC109 — `timeout` below is a test deadline, as in tests/fakes.

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import texts
from bot.config import load_config
from handlers.capture import period_label
from reports.periods import period_of
from tests.channels_kit import free_port, spawn_main
from tests.conftest import REPO, filled_config_text
from tests.fakes import FakeTelegram, FakeZalo

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
ZL_TECH, ZL_MANAGER = "0a1b2c3d4e5f60718293", "1b2c3d4e5f6071829304"
TG_TECH = 7101
DEADLINE = 20.0


def local_today() -> dt.date:
    return dt.datetime.now(ZONE).date()


def write_config(path: Path) -> None:
    """The repository's config.toml with quick engine loops, a short Zalo long poll and no reminders
    (the day before the cut-off a reminder would add a message to the technicians' chats)."""
    text = filled_config_text()  # run refuses the shipped placeholders
    for pattern, value in (
        (r"poll_interval_seconds = [\d.]+", "poll_interval_seconds = 0.2"),
        (r"send_backoff_seconds = [\d.]+", "send_backoff_seconds = 0.2"),
        (r"poll_timeout_seconds = \d+", "poll_timeout_seconds = 2"),
        (r"reminders = true", "reminders = false"),
        (r"(\[web\][^\[]*?)port = \d+", rf"\g<1>port = {free_port()}"),  # tests run side by side
    ):
        text, found = re.subn(pattern, value, text, count=1)
        assert found == 1, pattern
    path.write_text(text, encoding="utf-8")


class BotProcess:
    """`python main.py …` pointed at the fakes, with its own config, data folder and log file."""

    def __init__(self, tmp: Path, *, zalo: FakeZalo | None = None, telegram: FakeTelegram | None = None):
        self.zalo, self.telegram = zalo, telegram
        self.config_path, self.data_dir, self.log_path = tmp / "config.toml", tmp / "data", tmp / "bot.log"
        write_config(self.config_path)
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("TELEGRAM_", "ZALO_", "FIELDBOT_")) and k != "DATABASE_URL"}
        self.env.update(FIELDBOT_DATA_DIR=str(self.data_dir), FIELDBOT_CONFIG=str(self.config_path),
                        PYTHONUNBUFFERED="1")
        if zalo is not None:
            self.env.update(ZALO_BOT_TOKEN=zalo.token, ZALO_BASE_URL=zalo.url)
        if telegram is not None:
            self.env.update(TELEGRAM_BOT_TOKEN=telegram.token, TELEGRAM_BASE_URL=f"{telegram.url}/bot",
                            TELEGRAM_BASE_FILE_URL=f"{telegram.url}/file/bot")
        self.proc: subprocess.Popen | None = None

    @property
    def db_path(self) -> Path:
        return self.data_dir / "fieldbot.sqlite3"

    async def invite(self, *roles: str, name: str) -> str:
        """`main.py admin invite`; the one-time code it prints."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, "main.py", "admin", "invite", "--name", name, *[f"--role={r}" for r in roles],
            cwd=REPO, env=self.env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await process.communicate()
        assert process.returncode == 0, out.decode()
        return re.search(r"/start (\S+)", out.decode()).group(1)

    async def start(self) -> None:
        """Start `main.py run` and wait until every channel polls its fake."""
        polls = {fake: fake.calls["getUpdates"] for fake in (self.zalo, self.telegram) if fake is not None}
        self.proc = await asyncio.to_thread(self._spawn)
        deadline = time.monotonic() + DEADLINE
        while not all(fake.calls["getUpdates"] > before for fake, before in polls.items()):
            assert self.proc.poll() is None, f"the bot exited early:\n{self.log()}"
            assert time.monotonic() < deadline, f"the bot did not start polling:\n{self.log()}"
            await asyncio.sleep(0.05)

    def _spawn(self) -> subprocess.Popen:
        return spawn_main(self.env, self.log_path)

    async def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        assert await asyncio.to_thread(self.proc.wait, 10) == -signal.SIGKILL

    async def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(self.proc.wait, 20) == 0, self.log()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8") if self.log_path.exists() else ""

    def rows(self, sql: str, *params) -> list[tuple]:
        with sqlite3.connect(self.db_path, timeout=10) as conn:
            return conn.execute(sql, params).fetchall()

    def _progress(self, channel: str, key: str) -> tuple[str | None, int]:
        status = self.rows("SELECT status FROM inbox WHERE channel = ? AND event_key = ?", channel, key)
        pending = self.rows("SELECT count(*) FROM outbox WHERE status = 'pending'")[0][0]
        return (status[0][0] if status else None), pending

    async def handled(self, channel: str, key: str) -> None:
        """The event is processed and every reply queued for it has been sent (and marked so)."""
        deadline = time.monotonic() + DEADLINE
        while True:
            status, pending = await asyncio.to_thread(self._progress, channel, key)
            if status not in (None, "pending") and not pending:
                assert status == "done", f"{channel} event {key} ended {status!r}:\n{self.log()}"
                return
            assert time.monotonic() < deadline, f"{channel} event {key}: {status=}, {pending=}\n{self.log()}"
            await asyncio.sleep(0.02)


@pytest.fixture
async def processes(tmp_path):
    """Started processes are killed at the end whatever happened."""
    started: list[BotProcess] = []

    def make(**fakes) -> BotProcess:
        bot = BotProcess(tmp_path, **fakes)
        started.append(bot)
        return bot

    yield make
    for bot in started:
        if bot.proc is not None and bot.proc.poll() is None:
            bot.proc.kill()
            bot.proc.wait(10)


# --- people on the two channels ----------------------------------------------------------------------


class ZaloPerson:
    def __init__(self, bot: BotProcess, fake: FakeZalo, chat: str):
        self.bot, self.fake, self.chat = bot, fake, chat
        self.events: list[str] = []

    @property
    def seen(self) -> list[str]:
        return [s.text or "" for s in self.fake.sent(self.chat)]

    async def say(self, text: str) -> str:
        """Type a line; the one bot message it brings."""
        before = len(self.seen)
        key = self.fake.user_text(self.chat, text)["message"]["message_id"]
        self.events.append(key)
        await self.bot.handled("zalo", key)
        new = self.seen[before:]
        assert len(new) == 1, new  # one message per answer; the short personal-data notice is one Zalo message too
        return "\n".join(new)


class TelegramPerson:
    def __init__(self, bot: BotProcess, fake: FakeTelegram, chat: int):
        self.bot, self.fake, self.chat = bot, fake, chat
        self.events: list[str] = []

    @property
    def messages(self) -> list:
        return self.fake.messages(self.chat)

    async def _handled(self, update: dict, before: int) -> str:
        self.events.append(str(update["update_id"]))
        await self.bot.handled("telegram", str(update["update_id"]))
        new = [m.text for m in self.messages[before:]]
        assert len(new) == 1, new
        return new[0]

    async def say(self, text: str) -> str:
        before = len(self.messages)
        if text.startswith("/"):
            command, _, args = text[1:].partition(" ")
            return await self._handled(self.fake.user_command(self.chat, command, args), before)
        return await self._handled(self.fake.user_text(self.chat, text), before)

    async def tap(self, label: str, message=None, shown: bool = True) -> str:
        """Tap the button labelled `label` under `message` (the last by default); the bot message it brings.
        An accepted tap is shown under its question (`shown`); a refused one changes nothing there."""
        message = message or self.messages[-1]
        [data] = [b["callback_data"] for row in message.inline_keyboard for b in row if b["text"] == label]
        before = len(self.messages)
        update = self.fake.tap(self.chat, message.message_id, data)
        reply = await self._handled(update, before)
        await self.fake.wait_for_answer(update, DEADLINE)
        if shown:
            await self.fake.wait_until(lambda: message.text.endswith(f"\n→ {label}"), DEADLINE, f"“→ {label}” shown")
        return reply


def labels(message) -> list[str]:
    return [b["text"] for row in message.inline_keyboard for b in row]


def batches(bot: BotProcess) -> list[tuple]:
    return bot.rows("SELECT business_date, field, verified, rejected, certificates, customer, status, channel"
                    " FROM calibration_batches ORDER BY id")


def assert_nothing_doubled(bot: BotProcess, events: list[str], sent: int) -> None:
    """One inbox row per event, all done; one sent outbox row per bot message (the per-person command
    menu and the edits that show a tapped answer are outbox rows too, but no new message); no draft left."""
    inbox = bot.rows("SELECT event_key, status FROM inbox ORDER BY id")
    assert sorted(key for key, _ in inbox) == sorted(events) and {s for _, s in inbox} == {"done"}
    assert bot.rows("SELECT DISTINCT status FROM outbox") == [("sent",)]
    assert bot.rows(
        "SELECT count(*) FROM outbox WHERE json_extract(payload, '$.kind') NOT IN ('menu', 'edit')"
    ) == [(sent,)]
    assert bot.rows("SELECT count(*) FROM conversations") == [(0,)]


# --- the tests ---------------------------------------------------------------------------------------


async def test_zalo_form_survives_sigkill_between_questions(processes):
    async with FakeZalo() as fake:
        bot = processes(zalo=fake)
        code = await bot.invite("technician", name="Lê Kỹ Thuật")
        await bot.start()
        today = local_today()
        tech = ZaloPerson(bot, fake, ZL_TECH)
        assert "1. Đồng ý\n2. Không đồng ý" in await tech.say(f"/start {code}")
        assert await tech.say("1") == texts.people.registered("đồng chí", "Lê Kỹ Thuật", "kỹ thuật viên kiểm định")

        today_label = texts.common.today_label(today)
        assert await tech.say("/kiemdinh") == f"{texts.capture.CAL_DATE}\nGõ “ok” để chọn: {today_label}\n(gõ “hủy” để dừng)"
        assert (await tech.say("ok")).startswith(f"{texts.capture.CAL_FIELD}\n1. Điện\n")
        assert (await tech.say("7")).startswith(texts.capture.CAL_VERIFIED)
        asked = await tech.say("500")  # the third answer; its reply is sent and marked sent
        assert asked.startswith(texts.capture.CAL_REJECTED) and f"Gõ “ok” để chọn: {texts.capture.CAL_NONE_REJECTED}" in asked

        assert bot.rows("SELECT count(*) FROM conversations") == [(1,)]  # the draft is in the file
        await bot.kill()
        await bot.start()
        certificates = await tech.say("0")  # the same question: how many were rejected
        assert certificates.startswith(texts.capture.CAL_CERTIFICATES + "\n")
        assert "Gõ “ok” để chọn: " + texts.capture.certificates_for_passed(500) in certificates
        assert (await tech.say("ok")).startswith(texts.capture.CAL_CUSTOMER)
        review = await tech.say("bỏ qua")
        assert review.splitlines()[:7] == [
            texts.capture.CAL_TITLE, f"Ngày: {today:%d/%m/%Y}", "Lĩnh vực: Đồng hồ đo nước", "Số PTĐ kiểm định: 500",
            "Số PTĐ loại bỏ: 0", "Giấy chứng nhận: 500", "Khách hàng: —",
        ]
        assert await tech.say("1") == "Đã lưu lô kiểm định #1."
        await bot.stop()

        assert batches(bot) == [(today.isoformat(), "dong_ho_nuoc", 500, 0, 500, "", "active", "zalo")]
        # one reply per message, none sent twice; the short personal-data notice is one Zalo message
        assert len(tech.events) == 10 and len(tech.seen) == len(tech.events)
        assert len(set(tech.seen)) == len(tech.seen)
        assert_nothing_doubled(bot, tech.events, sent=10)
        assert "Traceback" not in bot.log(), bot.log()
    assert fake.violations == []


async def test_telegram_form_survives_sigkill_and_old_keyboards_after_restart(processes):
    async with FakeTelegram() as fake:
        bot = processes(telegram=fake)
        code = await bot.invite("technician", name="Trần Kỹ Thuật")
        await bot.start()
        today = local_today()
        tech = TelegramPerson(bot, fake, TG_TECH)
        await tech.say(f"/start {code}")
        assert (await tech.tap(texts.privacy.AGREE_LABEL)).startswith("Đã đăng ký tài khoản")

        assert await tech.say("/kiemdinh") == texts.capture.CAL_DATE
        date_question = tech.messages[-1]
        assert labels(date_question) == [texts.common.today_label(today), texts.common.CANCEL]
        assert await tech.tap(texts.common.today_label(today)) == texts.capture.CAL_FIELD
        field_question = tech.messages[-1]
        assert await tech.tap("Đồng hồ đo nước") == texts.capture.CAL_VERIFIED
        verified_question = tech.messages[-1]
        assert await tech.say("500") == texts.capture.CAL_REJECTED  # the third answer, typed: the keyboard stays
        rejected_question = tech.messages[-1]
        assert labels(rejected_question)[0] == texts.capture.CAL_NONE_REJECTED
        assert texts.common.CANCEL in labels(verified_question)
        before_kill = len(tech.messages)

        assert bot.rows("SELECT count(*) FROM conversations") == [(1,)]  # the draft is in the file
        await bot.kill()
        await bot.start()
        # a keyboard of a question answered before the kill: closed, and the draft is untouched
        closed = await tech.tap(texts.common.CANCEL, verified_question, shown=False)
        assert closed == texts.common.QUESTION_CLOSED
        # the refused tap edits nothing: the closed question does not pretend it was answered "Hủy"
        assert verified_question.text == texts.capture.CAL_VERIFIED and not verified_question.edits
        # the keyboard of the current question, sent before the kill, still answers it
        certificates = await tech.tap(texts.capture.CAL_NONE_REJECTED, rejected_question)
        assert certificates == texts.capture.CAL_CERTIFICATES
        assert labels(tech.messages[-1])[0] == texts.capture.certificates_for_passed(500)
        assert await tech.tap(texts.capture.certificates_for_passed(500)) == texts.capture.CAL_CUSTOMER
        review = await tech.tap(texts.common.SKIP)
        assert review.splitlines()[:7] == [
            texts.capture.CAL_TITLE, f"Ngày: {today:%d/%m/%Y}", "Lĩnh vực: Đồng hồ đo nước", "Số PTĐ kiểm định: 500",
            "Số PTĐ loại bỏ: 0", "Giấy chứng nhận: 500", "Khách hàng: —",
        ]
        assert await tech.tap(texts.common.CONFIRM) == "Đã lưu lô kiểm định #1."
        # every tapped question shows its answer without buttons
        assert date_question.text == f"{texts.capture.CAL_DATE}\n→ {texts.common.today_label(today)}"
        assert field_question.text == f"{texts.capture.CAL_FIELD}\n→ Đồng hồ đo nước"
        assert rejected_question.text == f"{texts.capture.CAL_REJECTED}\n→ {texts.capture.CAL_NONE_REJECTED}"
        assert all(m.inline_keyboard == [] for m in (date_question, field_question, rejected_question))
        await bot.stop()

        assert batches(bot) == [(today.isoformat(), "dong_ho_nuoc", 500, 0, 500, "", "active", "telegram")]
        texts_seen = [m.text for m in tech.messages]
        assert len(texts_seen) == before_kill + 5, texts_seen  # closed, 3 questions, the confirmation
        assert_nothing_doubled(bot, tech.events, sent=len(texts_seen))
        assert "Traceback" not in bot.log(), bot.log()
    assert fake.violations == []


async def test_zalo_date_in_a_month_closed_by_chotky_is_refused_and_asked_again(processes):
    async with FakeZalo() as fake:
        bot = processes(zalo=fake)
        manager_code = await bot.invite("manager", name="Phạm Lãnh Đạo")
        tech_code = await bot.invite("technician", name="Lê Kỹ Thuật")
        await bot.start()
        today = local_today()
        cut_off_day = load_config(bot.config_path, env=bot.env).cut_off_day
        last_month = period_of(today, cut_off_day).previous()
        label = period_label(last_month)

        manager = ZaloPerson(bot, fake, ZL_MANAGER)
        await manager.say(f"/start {manager_code}")
        assert (await manager.say("1")).startswith("Đã đăng ký tài khoản")
        review = await manager.say(f"/chotky {last_month.number:02d}/{last_month.year}")
        assert review.startswith(texts.capture.close_review(label))
        assert await manager.say("1") == texts.capture.closed_done(label)
        [(closed_by,)] = bot.rows("SELECT closed_by FROM closed_periods WHERE period = ?", last_month.key)
        assert bot.rows("SELECT staff_id FROM identities WHERE user_id = ?", ZL_MANAGER) == [(closed_by,)]

        tech = ZaloPerson(bot, fake, ZL_TECH)
        await tech.say(f"/start {tech_code}")
        assert (await tech.say("1")).startswith("Đã đăng ký tài khoản")
        question = await tech.say("/kiemdinh")
        assert question.startswith(texts.capture.CAL_DATE)
        refused = await tech.say(f"{last_month.end:%d/%m/%Y}")
        refusal = texts.capture.period_closed(label)
        assert refused == f"{refusal}\n{question}"
        assert (await tech.say("ok")).startswith(texts.capture.CAL_FIELD)  # today is in the open month: the form goes on
        assert await tech.say("hủy") == texts.people.CANCELLED
        await bot.stop()

        assert batches(bot) == []
        # the short personal-data notice is one reply and one Zalo message (at most 1,000 characters)
        assert_nothing_doubled(bot, manager.events + tech.events, sent=len(manager.seen) + len(tech.seen))
        assert "Traceback" not in bot.log(), bot.log()
    assert fake.violations == []
