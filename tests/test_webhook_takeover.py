"""Polling never switches off a production webhook (issue 10, item 4).

A developer runs the bot on a laptop, in polling mode, with the production token: before polling
the bot asks getWebhookInfo and, finding a webhook, refuses with a sentence; `--take-over-webhook`
makes it take over on purpose. Zalo and Telegram.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import subprocess
import sys

import pytest

from app.wiring import build_app
from bot.channels.base import ChannelCannotStart, ChannelContext
from bot.channels.telegram import TelegramChannel
from bot.channels.zalo_client import ZaloApiError
from bot.clock import Clock
from bot.web import make_app
from tests.conftest import REPO, ZONE, filled_config_file
from tests.fakes import FakeTelegram, FakeZalo
from tests.test_telegram_adapter import bot_config
from tests.test_zalo_adapter import start_bot, stop_bot


async def test_zalo_polling_refuses_a_webhook_that_is_set(tmp_path):
    async with FakeZalo() as fake:
        fake.set_foreign_webhook()
        with pytest.raises(ChannelCannotStart, match="--take-over-webhook") as refused:
            await start_bot(fake, tmp_path)
        assert "https://bot.skhcn.example.gov.vn/zalo/webhook" in str(refused.value.code)
        assert fake.calls["getWebhookInfo"] == 1 and fake.calls["deleteWebhook"] == 0
        assert fake.webhook.url  # production still receives
        bot = await start_bot(fake, tmp_path / "2", zalo={"take_over_webhook": True})
        try:
            assert fake.calls["deleteWebhook"] == 1 and not fake.webhook.url
            await bot.register()
        finally:
            await stop_bot(bot)


async def test_zalo_polling_starts_when_no_webhook_is_set_even_if_info_is_404(tmp_path):
    async with FakeZalo() as fake:
        fake.webhook_info_404_when_unset = True
        bot = await start_bot(fake, tmp_path)
        try:
            assert fake.calls["getWebhookInfo"] == 1 and fake.calls["deleteWebhook"] == 1  # asked, found none
            with pytest.raises(ZaloApiError) as answered:  # what the bot was answered: the case of this test
                await bot.channel.client.call("getWebhookInfo")
            assert answered.value.code == 404
            await bot.register()  # and it polls: a person registers
            assert fake.calls["getUpdates"] >= 2
        finally:
            await stop_bot(bot)


async def test_telegram_polling_refuses_a_webhook_that_is_set(tmp_path):
    async with FakeTelegram() as fake:
        fake.set_foreign_webhook()
        config = bot_config(fake, tmp_path / "data")
        app = await build_app(config)
        ctx = ChannelContext(accept=app.engine.accept, media_dir=tmp_path / "media", web_app=make_app(),
                             public_url="", links=None, clock=Clock(ZONE))
        channel = TelegramChannel(config.telegram, ctx)
        try:
            with pytest.raises(ChannelCannotStart, match="Telegram: a webhook is set for this bot"):
                await channel.start()
            assert fake.calls["deleteWebhook"] == 0 and fake.webhook.state.url
            taking_over = TelegramChannel(dataclasses.replace(config.telegram, take_over_webhook=True), ctx)
            await taking_over.start()
            assert fake.calls["deleteWebhook"] == 1 and not fake.webhook.state.url
            await taking_over.stop()
            await taking_over.close()
        finally:
            await channel.close()
            await app.db.close()


async def test_run_refuses_in_one_sentence(tmp_path):
    """The real command: exit status 1, the sentence, no traceback; the webhook is still set."""
    async with FakeZalo() as fake:
        fake.set_foreign_webhook()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "FIELDBOT_"))}
        env.update(ZALO_BOT_TOKEN=fake.token, ZALO_BASE_URL=fake.url, FIELDBOT_DATA_DIR=str(tmp_path / "data"),
                   FIELDBOT_CONFIG=str(filled_config_file(tmp_path / "cfg")))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "main.py", "run", cwd=REPO, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 1, err.decode()
        assert "Zalo: a webhook is set for this bot" in err.decode() and "Traceback" not in err.decode()
        assert fake.webhook.url and fake.calls["deleteWebhook"] == 0


async def test_an_event_polled_but_not_stored_before_a_kill_is_stored_at_the_next_start(tmp_path):
    """Item 5: the spool. A process killed after getUpdates handed an event over (Zalo forgot it) and
    before the inbox commit leaves the event's spool file; the next start stores it, once."""
    from bot.channels.spool import Spool

    async with FakeZalo() as fake:
        event = fake.user_text("0abc", "/help")
        fake._events.clear()  # Zalo handed it over to the killed process: gone from Zalo's queue
        Spool(tmp_path / "data" / "spool").put(event)
        bot = await start_bot(fake, tmp_path)
        try:
            assert [row.event_key for row in await bot.inbox()] == [event["message"]["message_id"]]
            assert list((tmp_path / "data" / "spool").iterdir()) == []
        finally:
            await stop_bot(bot)
        Spool(tmp_path / "data" / "spool").put(event)  # a copy (killed after the commit, before the unlink)
        bot = await start_bot(fake, tmp_path)
        try:
            assert len(await bot.inbox()) == 1  # the inbox's unique key drops it
        finally:
            await stop_bot(bot)
