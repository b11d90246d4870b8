"""Approve or return a record from the web view's record page (webview/review_actions.py), as /duyet
does in the chat (handlers/review_chat.py): the same checks (the role, the reviewer's kinds, one's own
records only with `[review] self_approve`), the same transitions (storage/review.py: a double click, a
page opened before a correction or a second reviewer changes nothing) and the same notice to the author
in every linked chat (handlers/review_notices.py, polite: quiet hours hold it). The transition and the
notices commit in one unit of work; the engine sends the notices from the outbox.

The answer is a word the page turns into a sentence: approved, returned, acted (someone acted first),
changed (corrected since the page was opened), gone (deleted), own, forbidden.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable

from bot.form import FlowContext
from bot.messages import Incoming, Reply
from handlers import review_cards, review_chat, review_notices
from storage import review as reviews
from storage.domain import Staff

# (session, [(channel, chat id, reply)], now): queue notices in the caller's unit of work (the engine's)
Queue = Callable[[object, list[tuple[str, str, Reply]], object], Awaitable[object]]


async def act(services, db, clock, queue: Queue, staff: Staff, kind: str, record_id: int, version: int,
              action: str, comment: str) -> str:
    now = clock.now()
    notices: list[tuple[str, str, Reply]] = []

    def send(channel: str, chat_id: str, reply: Reply) -> None:
        notices.append((channel, chat_id, reply))

    async with db.unit_of_work() as session:
        ctx = FlowContext(session=session, staff=staff, today=now.astimezone(services.config.general.zone).date(),
                          now=now, incoming=Incoming("web", "", "", "", "text"), settings=services,
                          catalogue=services.catalogue)  # fmt: skip
        shown = await review_cards.load(ctx, kind, record_id)
        if shown is None or not shown.state.active:
            return reviews.GONE
        scope = await reviews.reviewer_kinds(session, staff.id)
        if kind not in reviews.reviewable_kinds(staff, scope):
            return "forbidden"
        if not reviews.may_review(staff, scope, shown.state, self_approve=services.config.review.self_approve):
            return "own"
        if action == "approve":
            moved = await reviews.approve(session, kind, record_id, by=staff.id, now=now, version=version)
        else:
            moved = await reviews.return_(session, kind, record_id, by=staff.id, now=now, comment=comment,
                                          version=version)  # fmt: skip
        if not moved.ok:
            return moved.why
        shown = dataclasses.replace(shown, state=moved.state)
        if action == "approve":
            await review_notices.approved(ctx, send, shown)
        else:
            await review_notices.returned(ctx, send, shown, expires=now + review_chat.idle(services))
        await queue(session, notices, now)
    return "approved" if action == "approve" else "returned"
