"""Reading request parameters off the wire, the way the real servers accept them.

Both platforms take parameters as a query string, a JSON body, a form-urlencoded body or a
multipart body; this module turns any of those into one plain dict, so the checkers see the same
thing whatever the client library chose to send.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request: what the bot uploaded, kept whole for assertions."""

    field: str
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"

    def __len__(self) -> int:
        return len(self.content)


class BodyError(ValueError):
    """The body cannot be parsed at all (bad JSON, JSON that is not an object)."""


async def read_params(request: web.Request) -> dict[str, Any]:
    """Merge query-string and body parameters; files become :class:`UploadedFile`.

    Form values stay strings (the checkers know which declared types to parse them as);
    a JSON body keeps its native JSON values.
    """
    params: dict[str, Any] = dict(request.query)
    if not request.can_read_body:
        return params
    if request.content_type == "application/json":
        params.update(await _read_json(request))
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        params.update(await _read_form(request))
    else:
        body = await request.read()
        if body.strip():
            raise BodyError(f"unsupported Content-Type {request.content_type!r}")
    return params


async def _read_json(request: web.Request) -> dict[str, Any]:
    """Parse a JSON object body; an empty body counts as no parameters."""
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise BodyError(f"can't parse JSON body: {exc}") from None
    if not isinstance(value, dict):
        raise BodyError("JSON body must be an object")
    return value


async def _read_form(request: web.Request) -> dict[str, Any]:
    """Parse urlencoded or multipart fields; file parts keep their name, filename and bytes."""
    form = await request.post()
    params: dict[str, Any] = {}
    for name, value in form.items():
        if isinstance(value, web.FileField):
            params[name] = UploadedFile(
                field=name,
                filename=value.filename,
                content=value.file.read(),
                content_type=value.content_type,
            )
        else:
            params[name] = value
    return params
