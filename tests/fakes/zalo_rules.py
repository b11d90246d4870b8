"""The Zalo Bot Platform's request rules, from docs/zalo-bot-api.md §1.4 and §1.8.

Zalo publishes no machine-readable description, so the methods are a table here. Each rule cites
the doc. Method names are case-sensitive (§1.2). Unknown parameters are reported too: the doc
warns of a real mistake (``sticker_id`` instead of ``sticker``) that Zalo would silently ignore.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Param:
    """One request parameter: its type (``str``, ``timeout`` or ``list``), size and extra rule."""

    name: str
    required: bool = False
    kind: str = "str"
    min_len: int | None = None
    max_len: int | None = None
    choices: tuple[str, ...] = ()
    rule: Callable[[str], str | None] | None = None


def http_url(value: str) -> str | None:
    """sendPhoto.photo: an absolute http(s) URL Zalo can fetch (§1.4, OC check)."""
    parts = urlsplit(value)
    return None if parts.scheme in ("http", "https") and parts.netloc else "must be an absolute http(s) URL"


def webhook_url(value: str) -> str | None:
    """setWebhook.url must be HTTPS (§1.6); plain http is let through for loopback test servers only."""
    parts = urlsplit(value)
    if parts.scheme == "https" and parts.netloc:
        return None
    if parts.scheme == "http" and parts.hostname in _LOOPBACK:
        return None
    return "must be an https:// URL"


def aac_url(value: str) -> str | None:
    """sendVoice.voice_url: a URL ending in .aac (§1.4, [M])."""
    return (
        None
        if http_url(value) is None and urlsplit(value).path.endswith(".aac")
        else "must be an http(s) URL ending in .aac"
    )


CHAT_ID = Param("chat_id", True)
METHODS: dict[str, tuple[Param, ...]] = {
    "getMe": (),
    "getUpdates": (Param("timeout", kind="timeout"),),
    "setWebhook": (Param("url", True, rule=webhook_url), Param("secret_token", True, min_len=8, max_len=256)),
    "deleteWebhook": (),
    "getWebhookInfo": (),
    "sendMessage": (
        CHAT_ID,
        Param("text", True, min_len=1, max_len=2000),
        Param("parse_mode", choices=("markdown", "html")),
        Param("text_styles", kind="list"),
    ),
    "sendPhoto": (CHAT_ID, Param("photo", True, rule=http_url), Param("caption", min_len=1, max_len=2000)),
    "sendSticker": (CHAT_ID, Param("sticker", True, min_len=1)),
    # "upload_photo" is documented as "coming soon": only typing works today.
    "sendChatAction": (CHAT_ID, Param("action", True, choices=("typing",))),
    "sendVoice": (CHAT_ID, Param("voice_url", True, rule=aac_url)),
}


def check_zalo_request(method: str, params: Mapping[str, Any]) -> list[str]:
    """Every way ``params`` break the documented rules of ``method``; ``[]`` when valid."""
    spec = METHODS.get(method)
    if spec is None:
        return [f"unknown method {method!r} (names are case-sensitive)"]
    known = {p.name for p in spec}
    problems = [f"{method}: unknown parameter {name!r}" for name in params if name not in known]
    for param in spec:
        if param.name in params:
            problems += _check_param(method, param, params[param.name])
        elif param.required:
            problems.append(f"{method}.{param.name}: required parameter is missing")
    return problems


def _check_param(method: str, param: Param, value: Any) -> list[str]:
    path = f"{method}.{param.name}"
    if param.kind == "timeout":
        # The docs type it as String but their example sends a number: accept both.
        ok = (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and value.isdigit()
        )
        return [] if ok else [f"{path}: expected seconds as a number or numeric string, got {value!r}"]
    if param.kind == "list":
        return (
            []
            if isinstance(value, list) and all(_is_text_style(s) for s in value)
            else [f"{path}: expected a list of {{start, len, st}} objects, got {value!r}"]
        )
    if not isinstance(value, str):
        return [f"{path}: expected a string, got {type(value).__name__} {value!r}"]
    return _check_text(path, param, value)


def _check_text(path: str, param: Param, value: str) -> list[str]:
    problems = []
    if (
        param.min_len is not None
        and len(value) < param.min_len
        or param.max_len is not None
        and len(value) > param.max_len
    ):
        problems.append(
            f"{path}: must be {param.min_len}-{param.max_len or '…'} characters, got {len(value)}"
        )
    if param.choices and value not in param.choices:
        problems.append(f"{path}: must be one of {list(param.choices)}, got {value!r}")
    if param.rule is not None and (reason := param.rule(value)):
        problems.append(f"{path}: {reason}, got {value!r}")
    return problems


def _is_text_style(value: Any) -> bool:
    """text_styles items (§1.4, D3): ``{start, len, st: [codes]}`` with UTF-16 offsets."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("start"), int)
        and isinstance(value.get("len"), int)
        and isinstance(value.get("st"), list)
        and all(isinstance(code, str) and re.fullmatch(r"[a-z0-9_]+", code) for code in value["st"])
    )
