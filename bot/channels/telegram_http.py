"""python-telegram-bot's HTTP layer on aiohttp instead of httpx (issue 23: CPU per message).

PTB lets a bot bring its own networking (`telegram.request.BaseRequest`): everything above it — the
Bot methods, the rate limiter, turning Telegram's answers into RetryAfter / BadRequest / Forbidden /
InvalidToken — stays PTB's own (`BaseRequest._request_wrapper`). This class only moves bytes: a POST
with form fields (multipart when there are files), answered by (HTTP status, body). On the fake
Telegram, httpx + httpcore + anyio + h11 were ~90 % of the CPU of a Bot API call, and httpcore checks
every idle pooled connection (two system calls each) whenever a request starts or ends; aiohttp
(already the bot's web server and the Zalo client) does the same work in about a third of the time.

As HTTPXRequest does: PTB's default timeouts and pool size; a timeout is TimedOut, any other failure
to get an answer NetworkError (TimedOut is one too), so the sender's RetryLater covers both as before;
HTTP(S)_PROXY from the environment is honoured and certificates are checked against certifi's list.
Timeouts: connect, and read (between bytes of the answer; getUpdates adds its long-poll time). aiohttp
has no write timeout, so a POST has a bound on the whole call instead (pool + connect + write + read,
an upload also its size at 32 kB/s): a stalled Telegram can never hold the sender. A file download
has none (each read is bounded). The token is in every URL: it is cut out of error texts.
"""

from __future__ import annotations

import re
import ssl
from urllib.parse import urlencode

import aiohttp
import certifi
from aiohttp.helpers import get_env_proxy_for_url
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

# PTB's own HTTPXRequest defaults.
READ_TIMEOUT = WRITE_TIMEOUT = CONNECT_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
MEDIA_WRITE_TIMEOUT = 20.0
POOL_SIZE = 256
KEEPALIVE = 5.0  # seconds an idle connection is kept (httpx's keepalive_expiry)
SLOW_UPLINK = 32_000  # bytes/second an upload is allowed to crawl at before it counts as stalled
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
_TOKEN_IN_URL = re.compile(r"/bot[^/\s'\"]+")


def _total(*parts: float | None) -> float | None:
    return None if any(p is None for p in parts) else sum(parts)  # type: ignore[arg-type]


def _upload_seconds(files: dict) -> float:
    return sum(len(content) for _, content, _ in files.values() if isinstance(content, bytes)) / SLOW_UPLINK


def _redacted(text: str) -> str:
    return _TOKEN_IN_URL.sub("/bot***", text)


class AiohttpRequest(BaseRequest):
    __slots__ = ("_connect", "_media_write", "_pool", "_pool_size", "_proxies", "_read", "_session", "_write")

    def __init__(self, *, connection_pool_size: int = POOL_SIZE, read_timeout: float | None = READ_TIMEOUT,
                 write_timeout: float | None = WRITE_TIMEOUT, connect_timeout: float | None = CONNECT_TIMEOUT,
                 pool_timeout: float | None = POOL_TIMEOUT, media_write_timeout: float | None = MEDIA_WRITE_TIMEOUT):
        self._pool_size = connection_pool_size
        self._read, self._write, self._connect = read_timeout, write_timeout, connect_timeout
        self._pool, self._media_write = pool_timeout, media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str | None], tuple[URL | None, aiohttp.BasicAuth | None]] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            context = ssl.create_default_context(cafile=certifi.where())
            connector = aiohttp.TCPConnector(limit=self._pool_size, ssl=context, keepalive_timeout=KEEPALIVE)
            # not trust_env: that also looks for ~/.netrc in a worker thread at every request (0.7 ms)
            self._session = aiohttp.ClientSession(connector=connector, headers={"User-Agent": self.USER_AGENT})

    def _proxy(self, url: str) -> tuple[URL | None, aiohttp.BasicAuth | None]:
        """HTTP(S)_PROXY / NO_PROXY from the environment, as HTTPXRequest honours them; looked up once."""
        where = URL(url)
        key = (where.scheme, where.host)
        if key not in self._proxies:
            try:
                self._proxies[key] = get_env_proxy_for_url(where)
            except LookupError:
                self._proxies[key] = (None, None)
        return self._proxies[key]

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=BaseRequest.DEFAULT_NONE, write_timeout=BaseRequest.DEFAULT_NONE,
                         connect_timeout=BaseRequest.DEFAULT_NONE, pool_timeout=BaseRequest.DEFAULT_NONE,
                         ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        fields = request_data.json_parameters if request_data else None
        read = self._read if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = self._connect if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = self._pool if isinstance(pool_timeout, DefaultValue) else pool_timeout
        write = (self._media_write if files else self._write) if isinstance(write_timeout, DefaultValue) else write_timeout
        if method != "POST":  # a file download: bounded per read, as HTTPXRequest does, however long it is
            total = None
        elif files:  # an upload: its write time, plus what its size takes at a slow uplink's pace
            total = _total(pool, connect, write, read, _upload_seconds(files))
        else:  # form fields: written at once; this also bounds an answer that trickles in
            total = _total(pool, connect, write, read)
        timeout = aiohttp.ClientTimeout(total=total, connect=_total(pool, connect), sock_connect=connect, sock_read=read)
        body: aiohttp.FormData | bytes | None = None
        headers = None
        if files:
            body = aiohttp.FormData(quote_fields=False)
            for name, value in (fields or {}).items():
                body.add_field(name, value)
            for name, (filename, content, mimetype) in files.items():
                body.add_field(name, content, filename=filename, content_type=mimetype)
        elif fields:  # what aiohttp's FormData would send for plain fields, without its machinery
            body, headers = urlencode(fields).encode("ascii"), FORM
        proxy, proxy_auth = self._proxy(url)
        try:
            async with self._session.request(method, url, data=body, headers=headers, timeout=timeout,
                                             proxy=proxy, proxy_auth=proxy_auth) as response:
                return response.status, await response.read()
        except TimeoutError:
            raise TimedOut from None
        except aiohttp.ClientError as err:
            raise NetworkError(_redacted(f"aiohttp.{err.__class__.__name__}: {err}")) from None
