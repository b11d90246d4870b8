"""End to end: the real process (`python main.py run`) against FakeTelegram, by polling and by webhook.

Registration, a stranger refused and /help through the real wiring; a SIGKILL after an update is in
the inbox but before its reply reached Telegram, then a restart: the reply arrives exactly once;
SIGTERM stops the process cleanly (exit status 0).
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sqlite3
import sys
from pathlib import Path

import pytest

import texts
from tests.conftest import filled_config_file, filled_config_text
from tests.fakes import FakeTelegram
from tests.test_telegram_adapter import button, chat_menu, free_port

REPO = Path(__file__).resolve().parents[1]
CHAT, STRANGER = 7001, 7002
SECRET = "e2e-webhook-secret"


def webhook_config(tmp_path: Path) -> tuple[Path, int]:
    """A copy of config.toml with the web server on a free port and Telegram by webhook."""
    port = free_port()
    text = filled_config_text()  # run refuses the shipped placeholders
    text = re.sub(r"(\[web\][^\[]*?)enabled = false", r"\1enabled = true", text, count=1)
    text = re.sub(r"(\[web\][^\[]*?)port = \d+", rf"\g<1>port = {port}", text, count=1)
    text = re.sub(r'(\[web\][^\[]*?)public_url = ""', rf'\1public_url = "http://127.0.0.1:{port}"', text, count=1)
    text = re.sub(r'(\[telegram\][^\[]*?)mode = "polling"', r'\1mode = "webhook"', text, count=1)
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path, port


class BotProcess:
    """`python main.py …` with the environment pointing at the fake and a temporary data folder."""

    def __init__(self, fake: FakeTelegram, tmp_path: Path, config: Path):
        self.data_dir = tmp_path / "data"
        self.log = tmp_path / "bot.log"
        self.env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_BASE_URL": f"{fake.url}/bot",
            "TELEGRAM_BASE_FILE_URL": f"{fake.url}/file/bot",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "FIELDBOT_DATA_DIR": str(self.data_dir),
            "FIELDBOT_CONFIG": str(config),
        }
        for name in ("ZALO_BOT_TOKEN", "DATABASE_URL"):
            self.env.pop(name, None)
        self.process: asyncio.subprocess.Process | None = None

    async def cli(self, *args: str) -> str:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "main.py", *args, cwd=REPO, env=self.env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await process.communicate()
        assert process.returncode == 0, out.decode()
        return out.decode()

    async def invite(self, *roles: str) -> str:
        out = await self.cli("admin", "invite", "--name", "Trần Văn Bình", *[f"--role={r}" for r in roles])
        return re.search(r"/start (\S+)", out).group(1)

    async def start(self) -> None:
        log = await asyncio.to_thread(self.log.open, "ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "main.py", "run", cwd=REPO, env=self.env, stdout=log, stderr=log
        )
        log.close()

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        return await asyncio.wait_for(self.process.wait(), 20)

    def inbox_keys(self) -> list[str]:
        with sqlite3.connect(self.data_dir / "fieldbot.sqlite3") as db:
            return [row[0] for row in db.execute("SELECT event_key FROM inbox ORDER BY id")]


async def wait_ready(fake: FakeTelegram, mode: str, since: int) -> None:
    if mode == "webhook":
        await fake.wait_until(lambda: fake.webhook.state.url, 60, "setWebhook")
    else:
        await fake.wait_until(lambda: fake.calls["getUpdates"] > since, 60, "the first getUpdates")


async def wait_inbox(bot: BotProcess, key: str) -> None:
    for _ in range(400):
        if key in await asyncio.to_thread(bot.inbox_keys):
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"update {key} never reached the inbox")


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_real_process_registers_refuses_survives_kill_and_stops(tmp_path, mode) -> None:
    async with FakeTelegram() as fake:
        config = webhook_config(tmp_path)[0] if mode == "webhook" else filled_config_file(tmp_path / "cfg")
        bot = BotProcess(fake, tmp_path, config)
        code = await bot.invite("technician")
        await bot.start()
        try:
            await wait_ready(fake, mode, 0)
            await _register_refuse_help(fake, code)
            await _kill_after_commit_then_restart(fake, bot, mode)
            assert await bot.stop(signal.SIGTERM) == 0
        finally:
            if bot.process is not None and bot.process.returncode is None:
                bot.process.kill()
                await bot.process.wait()
        log = await asyncio.to_thread(bot.log.read_text, encoding="utf-8")
        assert fake.token not in log and fake.token.split(":")[1] not in log
        assert "Traceback" not in log, log
        assert fake.violations == []


async def _register_refuse_help(fake: FakeTelegram, code: str) -> None:
    fake.user_text(STRANGER, "cho tôi báo cáo")
    [refusal] = await fake.wait_for_messages(STRANGER, 1, 20)
    assert refusal.text == texts.people.refusal()

    fake.user_command(CHAT, "start", code)
    [question] = await fake.wait_for_messages(CHAT, 1, 20)
    fake.tap(CHAT, question.message_id, button(question, texts.privacy.AGREE_LABEL))
    assert (await fake.wait_for_messages(CHAT, 2, 20))[1].text.startswith("Đã đăng ký tài khoản")
    await fake.wait_until(lambda: chat_menu(fake, CHAT), 20, "the per-chat menu")
    assert fake.messages(CHAT)[0].text.endswith(f"→ {texts.privacy.AGREE_LABEL}")

    fake.user_command(CHAT, "help")
    help_text = (await fake.wait_for_messages(CHAT, 3, 20))[2].text
    assert help_text.startswith(texts.people.HELP_HEADER) and "/lienket" in help_text


async def _kill_after_commit_then_restart(fake: FakeTelegram, bot: BotProcess, mode: str) -> None:
    """The update is committed; its reply is held at the fake; kill -9; restart; exactly one reply."""
    before = len(fake.messages(CHAT))
    fake.duplicate_deliveries = True  # after the restart the update comes again too
    fake.slow("sendMessage", 30, count=1)
    update = fake.user_command(CHAT, "help")
    await wait_inbox(bot, str(update["update_id"]))
    await asyncio.sleep(0.3)  # the reply is queued and its sendMessage is waiting at the fake
    assert await bot.stop(signal.SIGKILL) == -signal.SIGKILL
    assert len(fake.messages(CHAT)) == before

    fake.faults.clear()
    polls = fake.calls["getUpdates"]
    if mode == "webhook":
        fake.webhook.set(type(fake.webhook.state)())  # the restarted process registers it again
    await bot.start()
    await wait_ready(fake, mode, polls)
    replies = await fake.wait_for_messages(CHAT, before + 1, 20)
    fake.duplicate_deliveries = False
    fake.user_text(STRANGER, "sau khi khởi động lại")  # a later message: everything before is done
    await fake.wait_for_messages(STRANGER, 2, 20)
    await asyncio.sleep(0.5)
    replies = fake.messages(CHAT)
    assert len(replies) == before + 1 and replies[-1].text.startswith(texts.people.HELP_HEADER)
    assert (await asyncio.to_thread(bot.inbox_keys)).count(str(update["update_id"])) == 1
