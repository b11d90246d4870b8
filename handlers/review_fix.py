"""The author's correction of a returned record (issue 24): "Sửa ngay" and /suangay [N].

The notice of a return (handlers/review_notices.py) offers "Sửa ngay": a button on Telegram, "1" in a
chat with no form open. Either opens the record in the form that made it, every answer filled in, at
the list of answers to change, with the reviewer's comment above; one answer changed, the form's
review, "Xác nhận": the correction is saved and the record waits for review again (handlers/capture.py
tells the reviewer). /suangay N does the same from any chat, later; /suangay alone lists what is
returned.
"""

from __future__ import annotations

import texts
from bot.engine import Unit
from bot.flow import split_choice
from bot.form import FlowContext, StartForm
from bot.messages import Reply
from handlers import capture
from handlers import review_cards as cards
from handlers import review_notices as notices
from handlers.forms import edit_answers, flow_for
from handlers.review_cards import Shown
from handlers.services import Services
from storage import engine_store
from storage import review as reviews
from storage.domain import RETURNED, Staff
from storage.text import fold

COMMAND = notices.FIX_COMMAND
_FIX_WORDS = {"1", "sua ngay", "suangay", "sua", "fix"}


async def command(unit: Unit, staff: Staff, services: Services) -> StartForm | None:
    """/suangay N ("kind:N" from a button): open the returned record N; /suangay: the returned records."""
    ctx = services.context(unit, staff)
    text = unit.incoming.text.strip().lstrip("#")
    address = services.config.language.address
    if not text:
        returned = await _returned(ctx)
        if not returned:
            unit.reply(Reply(text=texts.review.FIX_NONE.format(address=address)))
            return None
        if len(returned) == 1:
            return await opening(ctx, returned[0])
        lines = [texts.review.fix_list(len(returned))]
        lines += [f"/{notices.FIX_COMMAND} {s.state.record_id} — {texts.review.upper_first(s.noun)}: {s.what}"
                  for s in returned]  # fmt: skip
        unit.reply(Reply(text="\n".join(lines)))
        return None
    kind, _, number = text.rpartition(":")
    kinds = {kind} if kind in reviews.KINDS else set(reviews.KINDS)
    found = await cards.find(ctx, int(number), kinds, states=(RETURNED,), author=staff.id) if number.isdecimal() else []
    if not found:
        unit.reply(Reply(text=texts.review.FIX_NOT_FOUND.format(id=number or text, address=address)))
        return None
    return await opening(ctx, found[0])


async def _returned(ctx: FlowContext) -> list[Shown]:
    """The person's records returned to them, oldest return first."""
    found = []
    for state in await reviews.queue(ctx.session, state=RETURNED, author=ctx.staff.id):
        shown = await cards.load(ctx, state.kind, state.record_id)
        if shown is not None:
            found.append(shown)
    return found


async def opening(ctx: FlowContext, shown: Shown) -> StartForm | None:
    """The record's own form, filled in, at its list of answers to change, the comment above."""
    if shown.form.answers_of is None or not capture.may_change(ctx.staff, shown.record):
        return None
    filled = edit_answers(shown.store, shown.record, await cards.answers(ctx, shown))
    notice = texts.review.fix_opening(shown.noun, shown.state.record_id, shown.state.comment)
    return StartForm(flow_for(ctx.settings, shown.form.name, ctx.staff), answers=filled, notice=notice, edit=True)


async def answer_offer(unit: Unit, staff: Staff, state: dict, services: Services) -> StartForm | None:
    """A message while a "1. Sửa ngay" waits: "1" (or the words, or the tap) opens the record; anything
    else drops the offer and says how to open it later."""
    msg = unit.incoming
    await engine_store.clear_conversation(unit.session, msg.channel, msg.chat_id)
    kind, record_id = state["record"]
    if msg.kind == "choice":
        token, _ = split_choice(msg.choice)
        wanted = token == state.get("token")
    else:
        wanted = msg.kind == "text" and fold(msg.text).strip(" .!") in _FIX_WORDS
    if not wanted:
        unit.reply(Reply(text=texts.review.fix_later(notices.FIX_COMMAND, record_id)))
        return None
    return await open_record(unit, staff, services, kind, record_id)


async def open_record(unit: Unit, staff: Staff, services: Services, kind: str, record_id: int) -> StartForm | None:
    ctx = services.context(unit, staff)
    shown = await cards.load(ctx, kind, record_id)
    if shown is None or shown.state.state != RETURNED or not shown.state.active:
        unit.reply(Reply(text=texts.review.FIX_NOT_FOUND.format(id=record_id, address=services.config.language.address)))
        return None
    start = await opening(ctx, shown)
    if start is None:
        unit.reply(Reply(text=texts.capture.NOT_YOURS))
    return start
