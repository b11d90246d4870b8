"""PTB's HTTP layer on aiohttp (bot/channels/telegram_http): what the sender relies on when Telegram
cannot be reached — every failure a NetworkError (a timeout a TimedOut), so `send` turns it into
RetryLater and the outbox tries again — and the token never in an error's text. The happy paths
(forms, taps, photos, documents, 429s, 5xx) run through it in the Telegram tests against the fake."""

from __future__ import annotations

import asyncio
import socket

import pytest
from telegram.error import NetworkError, TimedOut

from bot.channels.telegram_http import AiohttpRequest

TOKEN = "123456:SECRET-token"


@pytest.fixture
async def request_layer():
    layer = AiohttpRequest(read_timeout=0.2, connect_timeout=2.0)
    await layer.initialize()
    yield layer
    await layer.shutdown()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_nobody_listening_is_a_network_error_without_the_token(request_layer) -> None:
    with pytest.raises(NetworkError) as caught:
        await request_layer.post(f"http://127.0.0.1:{free_port()}/bot{TOKEN}/getMe")
    assert "SECRET" not in str(caught.value)


async def test_a_url_aiohttp_refuses_names_no_token(request_layer) -> None:
    with pytest.raises(NetworkError) as caught:
        await request_layer.post(f"ftp://127.0.0.1/bot{TOKEN}/getMe")
    assert "SECRET" not in str(caught.value) and "/bot***" in str(caught.value)


async def _post_to_server(request_layer, serve, error: type[Exception], release=lambda: None) -> None:
    """POST to a local server that answers as `serve` does; the request layer must raise `error`.
    `release` lets a handler that is still waiting finish before the server closes."""
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(error):
            await request_layer.post(f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage")
    finally:
        release()
        server.close()
        await server.wait_closed()


async def test_a_server_that_never_answers_is_a_timeout(request_layer) -> None:
    done = asyncio.Event()

    async def silent(reader, writer):
        await reader.read(100)
        await done.wait()
        writer.close()

    await _post_to_server(request_layer, silent, TimedOut, release=done.set)


async def test_a_connection_cut_mid_answer_is_a_network_error(request_layer) -> None:
    async def cut(reader, writer):
        await reader.read(100)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"ok\"")
        await writer.drain()
        writer.transport.abort()

    await _post_to_server(request_layer, cut, NetworkError)


def test_proxies_come_from_the_environment_as_httpx_takes_them(monkeypatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://user:pw@127.0.0.1:3128")
    monkeypatch.setenv("NO_PROXY", "local.example")
    layer = AiohttpRequest()
    proxy, auth = layer._proxy("https://api.telegram.org/botX/getMe")
    assert str(proxy) == "http://127.0.0.1:3128" and auth.login == "user"
    assert layer._proxy("https://local.example/botX/getMe") == (None, None)
