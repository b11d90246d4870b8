"""/web: a one-time link to the managers' web view (webview/), valid 10 minutes.

The link carries a random token whose hash only is stored (storage/web_store.py); the reply marks the
token as its secret, so the outbox keeps it masked once delivered. Without [web] public_url there is
no address to send: one sentence says so.
"""

from __future__ import annotations

import texts
from bot.messages import Reply
from storage import web_store
from storage.domain import Staff

ROLES = frozenset({"manager", "reviewer", "admin"})


async def command(unit, staff: Staff, services) -> None:
    public_url = services.config.web.public_url
    if not public_url:
        unit.reply(Reply(text=texts.web.NOT_SET_UP))
        return
    token = web_store.new_token()
    await web_store.add_sign_in(unit.session, staff.id, token, unit.now, web_store.SIGN_IN_VALID)
    minutes = int(web_store.SIGN_IN_VALID.total_seconds() // 60)
    url = f"{public_url}{web_store.SIGN_IN_PATH}{token}"
    unit.reply(Reply(text=texts.web.sign_in_link(url, minutes), secret=token))
