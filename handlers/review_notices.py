"""Notices of review (issue 24): the author told a record was returned (with the comment and one
"Sửa ngay" choice) or approved, the reviewer told a returned record came back corrected.

Every review notice leaves through `notify` — one place, for quiet hours and whatever else a notice
needs: it goes to each linked chat of the person (Zalo and Telegram), marked `polite`, so the engine
holds it in the outbox during quiet hours (bot/quiet.py). `send` is `Unit.notify` in the chat; any
other caller (the web pages) passes a function that queues (channel, chat id, reply) in its own
transaction.

"Sửa ngay": on Telegram a button whose key names the record (`FIX` + kind + id), taken by the router
in any state; in a chat with no form open, the chat also waits for "1" (a small conversation state,
`OFFER`), so on Zalo the author types one number. In a chat where another form is half filled the
state is left alone — the draft is kept — and the notice says to type /suangay N once it is done.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable

import texts
from bot.form import FlowContext
from bot.messages import Choice, Reply
from handlers import review_cards
from handlers.notify import to_chats
from storage import engine_store, people
from storage import review as reviews
from storage.domain import NotFound

Send = Callable[[str, str, Reply], None]  # (channel, chat id, reply)
Adapt = Callable[[str, str, Reply], Awaitable[Reply]]  # the notice as one chat gets it
BUTTONS = "telegram"  # the channel whose choices are buttons a tap answers in any state

FIX = "rvfix"  # the "Sửa ngay" token: "rvfix.<kind>.<id>"; its choice "rvfix.<kind>.<id>|fix"
OPEN = "rvopen"  # the reviewer's "Mở để duyệt": "rvopen.<kind>.<id>|open"
OFFER = "review_offer"  # a chat's state while its "1. Sửa ngay" waits
FIX_COMMAND = "suangay"


async def notify(session, send: Send | None, staff_id: int | None, reply: Reply,
                 adapt: Adapt | None = None) -> list[tuple[str, str]]:
    """Queue `reply` to every chat of an active person, as a polite notice (`adapt` may word it per
    chat); the chats it went to."""
    if send is None or staff_id is None:
        return []
    try:
        person = await people.get_staff(session, staff_id)
    except NotFound:
        return []
    if not person.active:
        return []
    chats = [(channel, chat_id) for channel, chat_id, _ in to_chats([person], reply)]
    for channel, chat_id in chats:
        worded = await adapt(channel, chat_id, reply) if adapt else reply
        send(channel, chat_id, dataclasses.replace(worded, polite=True))
    return chats


def token(prefix: str, kind: str, record_id: int) -> str:
    return f"{prefix}.{kind}.{record_id}"


def parse_token(key: str) -> tuple[str, str, int] | None:
    """(prefix, kind, id) of a "rvfix.<kind>.<id>|…" choice; None for any other key."""
    head = key.split("|", 1)[0]
    parts = head.split(".")
    if len(parts) != 3 or parts[0] not in (FIX, OPEN) or not parts[2].isdecimal():
        return None
    return parts[0], parts[1], int(parts[2])


async def returned(ctx: FlowContext, send: Send | None, shown: review_cards.Shown, *, expires: dt.datetime) -> None:
    """Tell the author their record was returned: what, the comment, "Sửa ngay"."""
    state = shown.state
    key = token(FIX, state.kind, state.record_id)
    text = texts.review.returned_notice(shown.noun, state.record_id, shown.what, state.by_name, state.comment)
    fix = (Choice(f"{key}|fix", texts.review.FIX_NOW),)

    held = _held(ctx)

    async def per_chat(channel: str, chat_id: str, reply: Reply) -> Reply:
        current = await engine_store.get_conversation(ctx.session, channel, chat_id)
        busy = current is not None and current.state.get("kind") != OFFER
        offer = {"kind": OFFER, "token": key, "record": [state.kind, state.record_id]}
        if not busy and not held:  # only if the chat is still as read (its owner may write meanwhile)
            busy = not await engine_store.offer_conversation(
                ctx.session, channel, chat_id, offer, ctx.now, expires,
                replaces_version=current.version if current else None)
        if busy or held:  # a form half filled (keep it), or a notice for the morning (a form may be open by then)
            how = texts.review.fix_later if busy else texts.review.fix_by_command
            later = f"{reply.text}\n{how(FIX_COMMAND, state.record_id)}"
            return dataclasses.replace(reply, text=later, choices=fix if channel == BUTTONS else ())
        return dataclasses.replace(reply, choices=fix)

    await notify(ctx.session, send, state.author, Reply(text=text, token=key), per_chat)


def _held(ctx: FlowContext) -> bool:
    """Whether a notice queued now waits for the end of the quiet hours ([notices], bot/quiet.py)."""
    config = ctx.settings.config
    quiet = config.notices.quiet(config.general.zone)
    return quiet is not None and quiet.release_at(ctx.now) is not None


async def approved(ctx: FlowContext, send: Send | None, shown: review_cards.Shown) -> None:
    state = shown.state
    await notify(ctx.session, send, state.author,
                 Reply(text=texts.review.approved_notice(shown.noun, state.record_id, shown.what, state.by_name)))


async def approved_many(ctx: FlowContext, send: Send | None, author: int | None, count: int, noun: str) -> None:
    await notify(ctx.session, send, author, Reply(text=texts.review.approved_many_notice(count, noun, ctx.staff.name)))


async def resubmitted(ctx: FlowContext, send: Send | None, shown: review_cards.Shown, reviewer: int | None) -> None:
    """Tell the reviewer who returned the record that it is back, corrected: "/duyet N" or one tap."""
    state = shown.state
    key = token(OPEN, state.kind, state.record_id)
    text = texts.review.resubmitted_notice(state.author_name, shown.noun, state.record_id, shown.what)
    button = (Choice(f"{key}|open", texts.review.OPEN_CARD),)

    async def per_chat(channel: str, chat_id: str, reply: Reply) -> Reply:  # typed: the notice says /duyet N
        return dataclasses.replace(reply, choices=button) if channel == BUTTONS else reply

    await notify(ctx.session, send, reviewer, Reply(text=text, token=key), per_chat)


async def corrected(ctx: FlowContext, kind: str, record_id: int) -> str:
    """After a correction is saved (handlers/capture.py): a returned or approved record waits for review
    again, and whoever returned or approved it is told. What to add to the author's confirmation."""
    before = await reviews.state_of(ctx.session, kind, record_id)
    moved = await reviews.resubmit(ctx.session, kind, record_id, by=ctx.staff.id, now=ctx.now)
    if not moved.ok:
        return ""
    if before.by is not None and before.by != ctx.staff.id:
        shown = await review_cards.load(ctx, kind, record_id)
        if shown is not None:
            await resubmitted(ctx, ctx.notify, shown, before.by)
    return texts.review.SENT_BACK
