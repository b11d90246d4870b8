"""Faithful fake servers of the Telegram Bot API and the Zalo Bot Platform, for tests.

The real clients (python-telegram-bot's ``Bot``, our aiohttp Zalo client) talk real HTTP to these
fakes, which check every request against the published API descriptions and record what the bot
sent, so tests can play a user and assert on the bot's replies.

- :class:`FakeTelegram` (``telegram_server``) validates against ``api-10.0.json`` via
  :func:`check_request` (``telegram_spec``).
- :class:`FakeZalo` (``zalo_server``) follows ``docs/zalo-bot-api.md`` §1 and §5.
"""

from .telegram_server import FakeTelegram
from .telegram_spec import check_request, decode_request
from .wire import UploadedFile
from .zalo_server import FakeZalo

__all__ = ["FakeTelegram", "FakeZalo", "UploadedFile", "check_request", "decode_request"]
