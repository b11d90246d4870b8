"""What every channel adapter gets and provides.

An adapter turns each platform update into an `Incoming` and hands it to `ctx.accept`, which commits
it to the inbox; only then does the adapter acknowledge the update to the platform (next getUpdates
offset, HTTP 200 to a webhook). It delivers `Reply`s through `send`, raising `RetryLater` for 429 /
5xx / network trouble and `PermanentFailure` for replies the platform will never take.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from aiohttp import web

from bot.clock import Clock
from bot.health import Health
from bot.messages import Incoming, Reply


class TokenRejected(Exception):
    """The platform refused the bot token (401). The message names the variable, never the token."""


class ChannelCannotStart(SystemExit):
    """The channel's configuration makes it impossible (a sentence for the operator, no traceback)."""


@dataclass
class ChannelContext:
    accept: Callable[[Incoming], Awaitable[bool]]  # commit to the inbox; False for a duplicate
    media_dir: Path  # photos are downloaded here at once (platform links expire)
    web_app: web.Application  # add webhook routes here before the server starts
    public_url: str  # where phones reach the web server ('' if none)
    links: Any  # bot.links.DocumentLinks: signed, expiring download links (Zalo has no file sending)
    clock: Clock
    commands_for: Callable[[str, str], Awaitable[list[tuple[str, str]]]] | None = None  # (channel, user) → menu
    accept_many: Callable[[list[Incoming]], Awaitable[list[bool]]] | None = None  # a batch in one transaction
    is_staff: Callable[[str, str], Awaitable[bool]] | None = None  # (channel, user) → keep their photos?
    health: Health = field(default_factory=Health)  # report "up" / trouble here (read by /healthz, /metrics)


class Channel(Protocol):
    name: str  # "telegram" | "zalo"

    async def start(self) -> None:
        """Begin receiving: start the polling loop, or register the webhook."""

    async def stop(self) -> None:
        """Stop receiving; the update in hand is committed or left unacknowledged."""

    async def send(self, chat_id: str, reply: Reply) -> str:
        """Deliver one reply; return the platform's message id ('' if none)."""


def webhook_in_the_way(channel: str, url: str) -> ChannelCannotStart:
    """Polling would switch off a webhook that is set — most likely production's. Refuse, saying so."""
    return ChannelCannotStart(
        f"{channel}: a webhook is set for this bot ({url}), probably the production bot's; polling from here "
        f"would switch it off. Use the webhook there, or run with --take-over-webhook if you mean to take over."
    )
