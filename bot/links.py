"""Signed, expiring download links to documents, served by the bot's own web server.

Zalo cannot send files, so a report reaches a Zalo user as `{public_url}/d/{token}`. The token is
32 random bytes; only its SHA-256 hash is stored, with the file and the expiry. A link opens its
file until it expires (default 15 minutes, [web] link_minutes); an unknown or altered token is
404, an expired one 410 with a page saying to ask again — for [web] expired_link_days, after which
its row is forgotten. Each issued link schedules one "links.cleanup" job at its expiry, which
deletes the files of expired links — files under the documents folder only, and only once no live
link opens them any more (a file elsewhere, e.g. a report written with --out, is never ours to
delete).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import html
import logging
import mimetypes
import re
import secrets
import unicodedata
from pathlib import Path
from urllib.parse import quote

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

import texts
from bot.clock import Clock
from bot.messages import Reply
from storage import engine_store
from storage import links_store as store
from storage.db import Database

log = logging.getLogger(__name__)

JOB_KIND = "links.cleanup"
ROUTE = "/d/{token}"
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

def token_hash(token: str, key: str = "") -> str:
    """What is stored for a token: keyed by FIELDBOT_LINK_SECRET when set (HMAC-SHA256), so rows written
    into the table by anyone without the key open nothing."""
    if key:
        return hmac.new(key.encode("utf-8"), token.encode("ascii"), hashlib.sha256).hexdigest()
    return hashlib.sha256(token.encode("ascii")).hexdigest()


class DocumentLinks:
    def __init__(self, db: Database, clock: Clock, documents_dir: Path, public_url: str, ttl: dt.timedelta,
                 key: str = "", *, remember_expired: dt.timedelta = dt.timedelta(days=30)):
        self.db, self.clock, self.key = db, clock, key
        self.documents_dir = Path(documents_dir)
        self.public_url = public_url.rstrip("/")
        self.ttl = ttl
        self.remember_expired = remember_expired

    @property
    def minutes(self) -> int:
        """How long a link works, for the sentence that goes with it."""
        return max(1, round(self.ttl.total_seconds() / 60))

    async def issue(self, path: str | Path, filename: str) -> str:
        """Record a new link to `path` (offered for download as `filename`) and return its URL."""
        token = secrets.token_urlsafe(32)
        now = self.clock.now()
        expires = now + self.ttl
        async with self.db.unit_of_work() as session:
            link = await store.add_link(
                session, token_hash=token_hash(token, self.key), path=_absolute(path),
                filename=filename or Path(path).name, expires_at=expires, now=now,
            )
            await engine_store.schedule_once(session, key=f"{JOB_KIND}:{link.id}", kind=JOB_KIND, due_at=expires)
        return f"{self.public_url}/d/{token}"

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(ROUTE, self.download)

    async def download(self, request: web.Request) -> web.StreamResponse:
        """GET /d/{token}: the file as an attachment, or a short Vietnamese page saying why not."""
        token = request.match_info["token"]
        if not _TOKEN_SHAPE.match(token):
            return _page(404, *texts.common.PAGE_NOT_FOUND)
        async with self.db.read() as session:
            try:
                link = await store.link_by_hash(session, token_hash(token, self.key))
            except store.LinkNotFound:
                return _page(404, *texts.common.PAGE_NOT_FOUND)
        if link.expired(self.clock.now()):
            return _page(410, *texts.common.PAGE_EXPIRED)
        if not _is_file(link.path):
            log.warning("document link %s: file is gone", link.id)
            return _page(404, *texts.common.PAGE_NOT_FOUND)
        return web.FileResponse(link.path, headers=_attachment_headers(link.filename))

    async def cleanup_job(
        self, session: AsyncSession, job: engine_store.Job, now: dt.datetime
    ) -> list[tuple[str, str, Reply]]:
        """Engine job "links.cleanup": delete the files nobody can open any more; an expired link is
        remembered (410) for `remember_expired`, then forgotten (404)."""
        expired = await store.expired_links(session, now)
        for path in sorted({link.path for link in expired}):
            if self._owns(path) and not await store.live_links_to(session, path, now):
                _remove(path)
        forgotten = await store.forget_links(session, now - self.remember_expired)
        if expired:
            log.info("document links: %d expired, %d forgotten", len(expired), forgotten)
        return []

    def _owns(self, path: str) -> bool:
        return Path(path).resolve().is_relative_to(self.documents_dir.resolve())


# Local file-system metadata calls: microseconds, not worth a thread.
def _absolute(path: str | Path) -> str:
    return str(Path(path).resolve())


def _is_file(path: str) -> bool:
    return Path(path).is_file()


def _remove(path: str) -> None:
    Path(path).unlink(missing_ok=True)



def _attachment_headers(filename: str) -> dict[str, str]:
    """Content-Disposition with an ASCII fallback and the real (Vietnamese) name per RFC 5987/6266."""
    fallback = _ascii_name(filename)
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
    return {
        "Content-Disposition": disposition,
        "Content-Type": _content_type(filename),
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


def _ascii_name(filename: str) -> str:
    decomposed = unicodedata.normalize("NFD", filename.replace("đ", "d").replace("Đ", "D"))  # not a sentence
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^A-Za-z0-9._ -]", "_", plain) or "document"


def _content_type(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    known = {".docx": _DOCX, ".xlsx": _XLSX}
    return known.get(suffix) or mimetypes.guess_type(filename)[0] or "application/octet-stream"


def _page(status: int, title: str, body: str) -> web.Response:
    page = (
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(body)}</p></body></html>"
    )
    return web.Response(status=status, text=page, content_type="text/html", headers={"Cache-Control": "no-store"})
