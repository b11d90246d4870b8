"""Kit (no tests here): the real app on a frozen clock with its web server on a free port, the web view
mounted as app/wiring.py mounts it; people sign in through the link /web sends them in the chat.

- `web_app(config, db)`: (app, sender, base URL), the server running until the context ends;
- `sign_in_link(chat)`: the URL that /web brought to this person's chat;
- `Browser` (aiohttp, no JavaScript): `get`, `post` (a form, with the page's CSRF token unless told
  otherwise), cookies kept like a browser's. The browser tests (Selenium) are in tests/test_web_browser.py.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re

import aiohttp

from app import web_view
from bot.web import WebServer, make_app
from tests.channels_kit import free_port
from tests.kit import Chat
from tests.kit import make_app as make_bot_app

LINK = re.compile(r"https?://\S+/vao/[A-Za-z0-9_-]+")
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


@contextlib.asynccontextmanager
async def web_app(config, db, when: str = "2023-01-13 09:30", **settings):
    """The app and its web server at http://127.0.0.1:PORT (its public_url too)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = dataclasses.replace(config, web=dataclasses.replace(config.web, **{"public_url": base, "port": port, **settings}))
    app, sender = await make_bot_app(config, db, when)
    server_app = make_app(app.engine)
    web_view.install(app, server_app)
    server = WebServer(server_app, "127.0.0.1", port)
    await server.start()
    try:
        yield app, sender, base
    finally:
        await server.stop()


async def sign_in_link(chat: Chat) -> str:
    said = await chat.say("/web")
    found = LINK.search(said)
    assert found, said
    return found.group(0)


class Browser:
    """A cookie-keeping HTTP client standing in for a browser (no redirects followed unless asked)."""

    def __init__(self, base: str):
        self.base = base
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.csrf = ""

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.http.close()

    async def get(self, path: str, *, follow: bool = True) -> tuple[int, str, dict]:
        url = path if path.startswith("http") else self.base + path
        async with self.http.get(url, allow_redirects=follow) as response:
            body = await response.text(errors="replace")
            found = CSRF.search(body)
            self.csrf = found.group(1) if found else self.csrf
            return response.status, body, dict(response.headers)

    async def post(self, path: str, data: dict | None = None, *, csrf: bool = True,
                   follow: bool = True) -> tuple[int, str, dict]:
        url = path if path.startswith("http") else self.base + path
        form = {**({"csrf": self.csrf} if csrf and self.csrf else {}), **(data or {})}
        async with self.http.post(url, data=form, allow_redirects=follow) as response:
            body = await response.text(errors="replace")
            found = CSRF.search(body)
            self.csrf = found.group(1) if found else self.csrf
            return response.status, body, dict(response.headers)

    async def sign_in(self, link: str) -> tuple[int, str, dict]:
        """Open the link (the button page), press the button."""
        status, _, _ = await self.get(link)
        assert status == 200
        return await self.post(link)


async def link_for(app, staff, base: str) -> str:
    """A sign-in link made behind the chat's back (a person /web refuses: a technician whose roles were
    once enough, say), to show what such a session may open."""
    from storage import web_store

    token = web_store.new_token()
    async with app.db.unit_of_work() as session:
        await web_store.add_sign_in(session, staff.id, token, app.clock.now(), web_store.SIGN_IN_VALID)
    return f"{base}{web_store.SIGN_IN_PATH}{token}"
