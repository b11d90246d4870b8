"""A token the platform rejects never appears in any output: not on stdout, not on stderr, not in any
file the bot writes (logs, database). The real `main.py run` against the fake Telegram and Zalo."""

# ruff: noqa: ASYNC109 — `timeout` below is a test deadline, as in tests/fakes.

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import pytest

from tests.fakes import FakeTelegram, FakeZalo
from tests.test_cli_errors import REPO, cli_env

# Shaped like real tokens, so they pass the start-up check and reach the platform. The secret parts are
# short enough that the log filter's generic token pattern (30+ characters) does not mask them: only
# the filter's knowledge of the configured secrets, or never printing them, keeps them out of sight.
TOKENS = {"telegram": "987654321:RejectedSecret_42", "zalo": "5550001112:ZaloSecretDaReset99"}


def env_for(channel: str, fake, tmp_path: Path) -> dict:
    token = TOKENS[channel]
    if channel == "telegram":
        return cli_env(tmp_path, {"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_BASE_URL": f"{fake.url}/bot",
                                  "TELEGRAM_BASE_FILE_URL": f"{fake.url}/file/bot"})
    return cli_env(tmp_path, {"ZALO_BOT_TOKEN": token, "ZALO_BASE_URL": fake.url})


async def run_until_refused(env: dict, fake, timeout: float = 30, exits: float = 5) -> tuple[int, str, str]:
    """Start `main.py run`; let it exit on its own, or stop it `exits` seconds after the platform refused it."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "main.py", "run", cwd=REPO, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake.wait_until(lambda: fake.calls["<bad token>"] > 0, timeout, "the bad token's first call")
        try:
            out, err = await asyncio.wait_for(process.communicate(), exits)
        except TimeoutError:  # still running (a channel that keeps trying): stop it as an operator would
            process.send_signal(signal.SIGTERM)
            out, err = await asyncio.wait_for(process.communicate(), 20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    return process.returncode, out.decode(), err.decode()


@pytest.mark.parametrize("channel", ["telegram", "zalo"])
async def test_a_rejected_token_never_appears_in_any_output(tmp_path, channel):
    fake_class = FakeTelegram if channel == "telegram" else FakeZalo
    async with fake_class() as fake:
        # Telegram's rejected token stops the bot by itself (give a busy machine time); Zalo's is retried
        status, out, err = await run_until_refused(env_for(channel, fake, tmp_path), fake,
                                                   exits=30 if channel == "telegram" else 5)
    token = TOKENS[channel]
    secret = token.split(":")[1]
    written = "".join(p.read_bytes().decode("utf-8", "replace")
                      for p in (tmp_path / "data").rglob("*") if p.is_file())
    for stream, text in (("stdout", out), ("stderr", err), ("files", written)):
        assert secret not in text, f"the token's secret is in {stream}"
    assert "Traceback" not in out + err, err
    assert f"{channel.upper()}_BOT_TOKEN" in err  # says which setting to fix
    assert status != 0
