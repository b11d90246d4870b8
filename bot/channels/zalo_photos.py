"""Zalo photos arrive as URLs (they expire): fetched whole, or not at all, and kept private.

Read to the end under a cap, status 200, an image, as long as Content-Length said; written 0600
through a temporary file, so a kill leaves the whole photo or none. Photos go out (`photo_params`) as
sendPhoto of a signed link to the bot's own web server.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from pathlib import Path

import aiohttp

from bot.channels.zalo_client import Backoff
from bot.engine import PermanentFailure
from storage.files import private_dir, write_private

log = logging.getLogger(__name__)
PHOTO_TRIES = 3


class PhotoUnavailable(Exception):
    """A photo could not be had whole: an error status, not an image, cut short, unreachable."""

    def __init__(self, reason: str, *, transient: bool = True):
        super().__init__(reason)
        self.transient = transient


class PhotoTooLarge(PhotoUnavailable):
    def __init__(self, reason: str):
        super().__init__(reason, transient=False)


async def fetch_photo(session: aiohttp.ClientSession, url: str, cap: int) -> tuple[bytes, str]:
    """The whole body, read to its end: status 200, an image, at most the cap, as long as
    Content-Length says (a connection cut short is an error, never a shorter photo)."""
    timeout = aiohttp.ClientTimeout(total=120, sock_connect=10, sock_read=30)
    async with session.get(url, timeout=timeout) as response:
        if response.status != 200:
            raise PhotoUnavailable(f"HTTP {response.status}", transient=response.status >= 500)
        if not response.content_type.startswith("image/"):
            raise PhotoUnavailable(f"not an image ({response.content_type})", transient=False)
        announced = response.content_length
        if announced is not None and announced > cap:
            raise PhotoTooLarge(f"{announced} bytes announced, the cap is {cap}")
        body = bytearray()
        async for chunk in response.content.iter_chunked(256 * 1024):
            body += chunk
            if len(body) > cap:
                raise PhotoTooLarge(f"more than {cap} bytes")
    if announced is not None and len(body) != announced:
        raise PhotoUnavailable(f"{len(body)} of {announced} bytes arrived")
    if not body:
        raise PhotoUnavailable("empty body")
    return bytes(body), response.content_type


_SUFFIXES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif", "image/heic": ".heic"}


def save_photo(folder: Path, key: str, content: bytes, content_type: str, url: str) -> str:
    """Write a downloaded photo as zalo-<message id><suffix> (0600, through a temporary file, so a
    kill leaves the whole photo or none); a redelivery overwrites the same file."""
    suffix = _SUFFIXES.get(content_type) or (Path(url.split("?")[0]).suffix.lower()[:6] or ".jpg")
    name = re.sub(r"[^A-Za-z0-9_-]", "", key)[:64] or hashlib.sha256(key.encode()).hexdigest()[:32]
    return str(write_private(private_dir(folder) / f"zalo-{name}{suffix}", content))


async def download(session: aiohttp.ClientSession, url: str, folder: Path, key: str, cap: int,
                   retry_base: float = 1.0) -> str:
    """Fetch a photo into the media folder; a few quick tries for trouble that may pass."""
    backoff = Backoff(retry_base / 4, cap=2.0)
    for attempt in range(1, PHOTO_TRIES + 1):
        try:
            content, content_type = await fetch_photo(session, url, cap)
            return await asyncio.to_thread(save_photo, folder, key, content, content_type, url)
        except PhotoUnavailable as exc:
            if not exc.transient or attempt == PHOTO_TRIES:
                raise
            log.info("Zalo photo download failed (%s); trying again", exc)
        except (aiohttp.ClientError, TimeoutError) as exc:
            if attempt == PHOTO_TRIES:
                raise PhotoUnavailable(type(exc).__name__) from None
            log.info("Zalo photo download failed (%s); trying again", type(exc).__name__)
        await asyncio.sleep(backoff.next_delay())
    raise PhotoUnavailable("no tries")  # pragma: no cover - the loop returns or raises


async def photo_params(ctx, chat_id: str, reply) -> dict | None:
    """sendPhoto's parameters for a photo reply: a signed, expiring link to the file (bot/links.py).
    None without a public address (the message the photo goes with says how many there are)."""
    links = ctx.links
    if not ctx.public_url or links is None:
        return None
    if not await asyncio.to_thread(Path(reply.document_path).is_file):
        raise PermanentFailure("the photo file is missing")
    url = await links.issue(reply.document_path, Path(reply.document_path).name)
    return {"chat_id": chat_id, "photo": url, **({"caption": reply.text[:2000]} if reply.text else {})}
