"""Pushing updates to a bot's webhook the way the platforms do: one POST per update, with retries."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import aiohttp


@dataclass(frozen=True)
class DeliveryResult:
    """How one update's delivery ended: the last HTTP status (0 = no answer) and the error text."""

    ok: bool
    status: int
    error: str = ""


async def post_update(
    session: aiohttp.ClientSession,
    url: str,
    body: bytes | str,
    headers: dict[str, str],
    *,
    attempts: int,
    retry_delay: float,
    max_delay: float | None = None,
) -> list[DeliveryResult]:
    """POST ``body`` until the receiver answers 2xx, at most ``attempts`` times, doubling the delay
    (up to ``max_delay`` when given).

    Returns every attempt, so the caller can report the errors of attempts that were retried.
    """
    results: list[DeliveryResult] = []
    for attempt in range(max(attempts, 1)):
        if attempt:
            delay = retry_delay * 2 ** min(attempt - 1, 30)
            await asyncio.sleep(delay if max_delay is None else min(delay, max_delay))
        results.append(await _post_once(session, url, body, headers))
        if results[-1].ok:
            break
    return results


async def _post_once(
    session: aiohttp.ClientSession, url: str, body: bytes | str, headers: dict[str, str]
) -> DeliveryResult:
    try:
        async with session.post(url, data=body, headers=headers) as response:
            await response.read()
            if 200 <= response.status < 300:
                return DeliveryResult(True, response.status)
            return DeliveryResult(
                False,
                response.status,
                f"Wrong response from the webhook: {response.status} {response.reason}",
            )
    except (aiohttp.ClientError, TimeoutError) as exc:
        return DeliveryResult(False, 0, f"Connection failed: {exc!r}")
