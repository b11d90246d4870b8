"""A thin client of the Zalo Bot Platform API (docs/zalo-bot-api.md §1) on an injected aiohttp session.

Every method is `POST {base}/bot{token}/{method}` with a JSON body, answered by the envelope
`{"ok": true, "result": …}` or `{"ok": false, "error_code": n, "description": …}` — checked even on
HTTP 200. Errors are sorted the way callers act on them: the token was refused (401), nothing arrived
during a long poll (408), try again later (429, 5xx, network), or never (400, 403, 404 …).

The token sits in the URL path, so it appears in no error text this module produces.
"""

from __future__ import annotations

import json
import random
from typing import Any

import aiohttp

DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com"

# §1.10: aiohttp 3.13.4's response parser rejected the two Server headers Zalo's edge sends;
# 3.13.5 and later accept them (lax parsing is the default for responses again).
if aiohttp.__version__ == "3.13.4":  # pragma: no cover - depends on the installed version
    raise ImportError("aiohttp 3.13.4 rejects Zalo's duplicated Server header; install aiohttp>=3.13.5")


class ZaloApiError(Exception):
    """Zalo answered `ok: false` (or something that is not the envelope)."""

    def __init__(self, code: int, description: str = ""):
        super().__init__(f"Zalo error {code}: {description}" if description else f"Zalo error {code}")
        self.code = code
        self.description = description

    @property
    def transient(self) -> bool:
        """Worth trying again later: quota (429), a timeout (408) or the platform's own trouble (5xx)."""
        return self.code in (408, 429) or self.code >= 500


class ZaloUnauthorized(ZaloApiError):
    """401: the bot token is expired or invalid (reset in Zalo Bot Creator?)."""


class ZaloNoUpdate(ZaloApiError):
    """408 from getUpdates: no event arrived during the long poll. Normal; poll again."""


class ZaloNetworkError(ZaloApiError):
    """No answer: connection refused or reset, DNS, or our read timeout."""

    def __init__(self, description: str):
        super().__init__(0, description)

    @property
    def transient(self) -> bool:
        return True


class ZaloClient:
    def __init__(self, session: aiohttp.ClientSession, token: str, base_url: str = ""):
        self.session = session
        self._token = token
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")

    async def call(self, method: str, params: dict[str, Any] | None = None, *, read_timeout: float = 30.0) -> Any:
        """One API call; returns `result` (None when the envelope has none) or raises a ZaloApiError."""
        url = f"{self.base_url}/bot{self._token}/{method}"
        try:
            async with self.session.post(
                url, json=params or {}, timeout=aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=read_timeout)
            ) as response:
                status, body = response.status, await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise ZaloNetworkError(self._redact(f"{method}: {type(exc).__name__} {exc}")) from None
        return self._result(method, status, body)

    def _result(self, method: str, status: int, body: bytes) -> Any:
        try:
            envelope = json.loads(body)
        except ValueError:
            envelope = None
        if not isinstance(envelope, dict) or "ok" not in envelope:
            # An edge proxy's HTML page (502/504 outages, §1.3) or something worse.
            raise ZaloApiError(status if status >= 400 else 502, f"{method}: HTTP {status}, not a Zalo answer")
        if envelope["ok"]:
            return envelope.get("result")
        code = int(envelope.get("error_code") or status or 0)
        description = self._redact(f"{method}: {envelope.get('description', '')}")
        if code == 401:
            raise ZaloUnauthorized(code, description)
        if code == 408 and method == "getUpdates":
            raise ZaloNoUpdate(code, description)
        raise ZaloApiError(code, description)

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text


class Backoff:
    """Exponential back-off with jitter: base, 2·base, 4·base … up to cap, each shortened by up to a half
    at random so many clients recovering from one outage do not come back in step."""

    def __init__(self, base: float = 1.0, cap: float = 60.0):
        self.base, self.cap = base, cap
        self.failures = 0

    def next_delay(self) -> float:
        delay = min(self.cap, self.base * 2**self.failures)
        self.failures += 1
        return delay * random.uniform(0.5, 1.0)

    def reset(self) -> None:
        self.failures = 0
