"""/duyet (/review): a reviewer goes through the records waiting for review, one card at a time.

Managers review every kind of record; staff with the `reviewer` role the kinds an administrator
limited them to (/nhansu N duyet …; none: every kind). Nobody reviews their own records unless
`[review] self_approve` says so. In a text-only chat:

    /duyet        → the oldest waiting record: its summary as the author confirmed it, the author, when,
                    from which channel, earlier returns; its photos sent with it.
                    1. Duyệt 2. Trả lại 3. Bỏ qua 4. Dừng (5. Duyệt tất cả N lô … of one technician)
    1             → "Đã duyệt lô kiểm định #12." and the next card; the author is told
    2             → "Vui lòng nhập nội dung cần bổ sung…"; each message a line, until "Xong"
                    ("2 thiếu ảnh" or "Trả lại: thiếu ảnh" returns at once with that comment)
    Xong          → "Đã trả lại … để bổ sung." and the next card; the author gets the comment and "Sửa ngay"
    /duyet 12     → record 12's card (several kinds with that number: a list to pick from)

Every action checks again, in its own unit of work, that the person may still review that kind, and
moves the record only from the state the card showed (storage/review.py): a double tap, an old card or
a second reviewer acts once, and the second is told who acted first and when.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from typing import Any

import texts
from bot.engine import Unit
from bot.flow import split_choice
from bot.form import FlowContext
from bot.messages import Choice, Reply
from handlers import review_cards as cards
from handlers import review_notices as notices
from handlers.review_cards import Shown
from handlers.services import Services
from storage import engine_store
from storage import review as reviews
from storage.domain import RETURNED, WAITING, Staff
from storage.text import fold

KIND = "review"  # the conversation state's kind while /duyet is open
COMMAND = "duyet"
APPROVE, RETURN, SKIP, STOP, ALL, DONE, YES, NO = "a", "r", "s", "q", "all", "done", "y", "n"
_WORDS = {
    APPROVE: {"duyet", "approve", "ok", "dong y"},
    RETURN: {"tra lai", "return", "tra ve"},
    SKIP: {"bo qua", "skip", "de sau"},
    STOP: {"dung", "stop", "thoi", "huy", "cancel"},
    ALL: {"duyet tat ca", "approve all", "tat ca"},
}
_RETURN_WITH = ("tra lai", "2")  # "Trả lại: thiếu ảnh", "2 thiếu ảnh": a return with its comment


def _allowed(staff: Staff, scope: frozenset[str]) -> frozenset[str]:
    return reviews.reviewable_kinds(staff, scope)


async def _context(unit: Unit, staff: Staff, services: Services) -> tuple[FlowContext, frozenset[str]]:
    ctx = services.context(unit, staff)
    return ctx, _allowed(staff, await reviews.reviewer_kinds(unit.session, staff.id))


# --- entry points -------------------------------------------------------------------------------


async def command(unit: Unit, staff: Staff, services: Services) -> None:
    """/duyet: the queue from its oldest record; /duyet N: record N ("kind:N" from a button)."""
    ctx, kinds = await _context(unit, staff, services)
    text = unit.incoming.text.strip().lstrip("#")
    if not text:
        await _next(unit, ctx, kinds, {"skipped": []}, [], first=True)
        return
    kind, _, number = text.rpartition(":")
    if not number.isdecimal() or (kind and kind not in kinds):
        unit.reply(Reply(text=texts.review.BAD_NUMBER if not number.isdecimal() else
                         texts.review.NOT_FOUND.format(id=number, address=_address(services))))
        return
    found = await cards.find(ctx, int(number), {kind} if kind else kinds)
    waiting = [s for s in found if s.state.state == WAITING]
    found = waiting or found  # numbers are per kind: the one waiting for review is the one meant
    if not found:
        unit.reply(Reply(text=texts.review.NOT_FOUND.format(id=number, address=_address(services))))
    elif len(found) > 1:
        labels = [(f"p{n}", f"{texts.review.upper_first(s.noun)} #{s.state.record_id}: {s.what}")
                  for n, s in enumerate(found)]  # fmt: skip
        shown = _ask(unit, texts.review.PICK_WHICH.format(id=number), labels)
        await _save(unit, services, {**shown, "step": "pick", "skipped": [],
                                     "pick": [[s.state.kind, s.state.record_id] for s in found]})
    else:
        await _open(unit, ctx, kinds, {"skipped": []}, found[0], [])


async def answer(unit: Unit, staff: Staff, state: dict, services: Services) -> None:
    """A message while /duyet is open: a tap or a typed answer to the card, a comment line, "Xong"."""
    ctx, kinds = await _context(unit, staff, services)
    msg = unit.incoming
    if msg.kind == "choice":
        token, key = split_choice(msg.choice)
        if token != state.get("token"):
            unit.reply(Reply(text=texts.common.QUESTION_CLOSED))
            return
        label = state.get("labels", {}).get(key)
        if label:  # the tapped message shows the answer, its buttons gone (as a form's question does)
            unit.reply(Reply(kind="edit", text=f"{state.get('screen', '')}\n→ {label}", token=token))
        typed = ""
    elif msg.kind == "text":
        key, typed = "", msg.text.strip()
    else:
        unit.reply(Reply(text=texts.review.PHOTO_NOT_HERE))
        return
    step = state.get("step")
    if step == "pick":
        await _on_pick(unit, ctx, kinds, state, key, typed)
    elif step == "comment":
        await _on_comment(unit, ctx, kinds, state, key, typed)
    elif step == "all":
        await _on_all(unit, ctx, kinds, state, key, typed)
    else:
        await _on_card(unit, ctx, kinds, state, key, typed)


# --- the card -----------------------------------------------------------------------------------


async def _on_card(unit: Unit, ctx: FlowContext, kinds, state: dict, key: str, typed: str) -> None:
    if not key:
        msg = unit.incoming
        if not await engine_store.seen_before(unit.session, msg.channel, msg.chat_id, state["token"], msg.event_key):
            unit.reply(Reply(text=texts.review.NOT_SEEN_YET))  # typed before this card reached the chat
            return
        key, comment = _read_card(typed, state)
        if key == RETURN and comment:
            state = dict(state, comment=[comment])
            await _return(unit, ctx, kinds, state)
            return
    shown = await _current(unit, ctx, kinds, state)
    if shown is None:
        return
    if key == APPROVE:
        await _approve(unit, ctx, kinds, state, shown)
    elif key == RETURN:
        moved = _moved(shown, state)
        if moved is not None:  # somebody acted, or the author corrected it, since the card was made
            await _settled(unit, ctx, kinds, state, shown, moved)
        else:
            await _ask_comment(unit, ctx, dict(state, comment=[]))
    elif key == SKIP:
        line = texts.review.SKIPPED.format(noun=shown.noun, id=shown.state.record_id)
        skipped = [*state.get("skipped", []), f"{shown.state.kind}:{shown.state.record_id}"]
        await _next(unit, ctx, kinds, dict(state, skipped=skipped), [line])
    elif key == STOP:
        await _stop(unit, ctx, kinds)
    elif key == ALL and state.get("all"):
        await _ask_all(unit, ctx, state, shown)
    else:
        unit.reply(Reply(text=texts.review.ANSWER_CARD))


def _read_card(typed: str, state: dict) -> tuple[str, str]:
    """A typed answer to a card: (key, comment) — "1".."5", the choice's words, or a return with its comment."""
    word = fold(typed).strip(" .!")
    numbered = [APPROVE, RETURN, SKIP, STOP] + ([ALL] if state.get("all") else [])
    if word.isdecimal() and 1 <= int(word) <= len(numbered):
        return numbered[int(word) - 1], ""
    for key, words in _WORDS.items():
        if word in words:
            return key, ""
    for head in _RETURN_WITH:
        if word.startswith(head + " ") or word.startswith(head + ":"):
            return RETURN, typed[len(head):].lstrip(" :").strip()
    return "", ""


async def _current(unit: Unit, ctx: FlowContext, kinds, state: dict) -> Shown | None:
    """The card's record, if this person may still review it (a role taken away: the card does nothing)."""
    kind, record_id, _version = state["card"]
    shown = await cards.load(ctx, kind, record_id)
    if kind not in kinds or shown is None:
        noun = shown.noun if shown else texts.review.KIND_NAMES.get(kind, kind)
        unit.reply(Reply(text=texts.review.NOT_A_REVIEWER.format(address=_address(ctx.settings), noun=noun)))
        await _clear(unit)
        return None
    return shown


async def _approve(unit: Unit, ctx: FlowContext, kinds, state: dict, shown: Shown) -> None:
    kind, record_id, version = state["card"]
    if not _may(ctx, shown):
        await _next(unit, ctx, kinds, _skip(state, kind, record_id), [_own(ctx, record_id)])
        return
    moved = await reviews.approve(ctx.session, kind, record_id, by=ctx.staff.id, now=ctx.now, version=version)
    if not moved.ok:
        await _settled(unit, ctx, kinds, state, _with_state(shown, moved.state), moved)
        return
    await notices.approved(ctx, unit.notify, _with_state(shown, moved.state))
    await _next(unit, ctx, kinds, state, [texts.review.APPROVED.format(noun=shown.noun, id=record_id)])


def _moved(shown: Shown, state: dict) -> reviews.Transition | None:
    """What already happened to the card's record, as a refused transition would say it; None: still as shown."""
    now = shown.state
    if not now.active:
        return reviews.Transition(False, now, reviews.GONE)
    if now.state != WAITING:
        return reviews.Transition(False, now, reviews.ACTED)
    return reviews.Transition(False, now, reviews.CHANGED) if now.version != state["card"][2] else None


async def _settled(unit: Unit, ctx: FlowContext, kinds, state: dict, shown: Shown, moved: reviews.Transition) -> None:
    """Nothing done: say why, then the same record again (changed) or the next one."""
    line = _lost(ctx, shown, moved)
    if moved.why == reviews.CHANGED:
        await _open(unit, ctx, kinds, state, shown, [line])
    else:
        await _next(unit, ctx, kinds, state, [line])


def _lost(ctx: FlowContext, shown: Shown, moved: reviews.Transition) -> str:
    """Why nothing happened: who acted first, the record changed, or it was deleted."""
    noun, record_id = texts.review.upper_first(shown.noun), shown.state.record_id
    if moved.why == reviews.GONE:
        return texts.review.GONE.format(noun=noun, id=record_id)
    if moved.why == reviews.CHANGED:
        return texts.review.CHANGED.format(noun=noun, id=record_id)
    return texts.review.acted_first(shown.noun, record_id, moved.state.state, moved.state.by_name,
                                    cards.local_time(ctx, moved.state.since))


def _may(ctx: FlowContext, shown: Shown) -> bool:
    return ctx.settings.config.review.self_approve or shown.state.author != ctx.staff.id


def _own(ctx: FlowContext, record_id: int) -> str:
    return texts.review.OWN_RECORD.format(id=record_id, address=_address(ctx.settings))


def _skip(state: dict, kind: str, record_id: int) -> dict:
    return dict(state, skipped=[*state.get("skipped", []), f"{kind}:{record_id}"])


def _with_state(shown: Shown, state: reviews.ReviewState) -> Shown:
    return dataclasses.replace(shown, state=state)


# --- returning with a comment -------------------------------------------------------------------


async def _ask_comment(unit: Unit, ctx: FlowContext, state: dict) -> None:
    await _save(unit, ctx.settings, {**state, **_ask(unit, texts.review.COMMENT_ASK, []), "step": "comment"})


async def _on_comment(unit: Unit, ctx: FlowContext, kinds, state: dict, key: str, typed: str) -> None:
    word = fold(typed).strip(" .!")
    if key == DONE or word in texts.review.DONE_WORDS or (word == "1" and state.get("comment")):
        if not state.get("comment"):
            unit.reply(Reply(text=texts.review.COMMENT_EMPTY))
            return
        await _return(unit, ctx, kinds, state)
    elif word in ("huy", "cancel", "quay lai"):
        shown = await _current(unit, ctx, kinds, state)
        if shown is not None:
            await _open(unit, ctx, kinds, dict(state, comment=[]), shown, [])
    elif typed:
        shown = _ask(unit, texts.review.COMMENT_NOTED, [(DONE, texts.review.DONE_WORD)])
        await _save(unit, ctx.settings, {**state, **shown, "comment": [*state.get("comment", []), typed]})


async def _return(unit: Unit, ctx: FlowContext, kinds, state: dict) -> None:
    shown = await _current(unit, ctx, kinds, state)
    if shown is None:
        return
    kind, record_id, version = state["card"]
    state = dict(state, step="card")
    if not _may(ctx, shown):
        await _next(unit, ctx, kinds, _skip(state, kind, record_id), [_own(ctx, record_id)])
        return
    comment = "\n".join(state.get("comment", []))
    moved = await reviews.return_(ctx.session, kind, record_id, by=ctx.staff.id, now=ctx.now, comment=comment,
                                  version=version)  # fmt: skip
    if not moved.ok:
        await _settled(unit, ctx, kinds, state, _with_state(shown, moved.state), moved)
        return
    expires = ctx.now + idle(ctx.settings)
    await notices.returned(ctx, unit.notify, _with_state(shown, moved.state), expires=expires)
    line = texts.review.RETURNED.format(noun=shown.noun, id=record_id, author=moved.state.author_name)
    await _next(unit, ctx, kinds, dict(state, comment=[]), [line])


# --- one technician's batches at once -----------------------------------------------------------


async def _ask_all(unit: Unit, ctx: FlowContext, state: dict, shown: Shown) -> None:
    text = texts.review.approve_all_confirm(len(state["all"]), shown.noun, shown.state.author_name)
    asked = _ask(unit, text, [(YES, texts.review.YES), (NO, texts.review.NO)])
    await _save(unit, ctx.settings, {**state, **asked, "step": "all"})


async def _on_all(unit: Unit, ctx: FlowContext, kinds, state: dict, key: str, typed: str) -> None:
    word = fold(typed).strip(" .!")
    yes = key == YES or word in ("1", "co", "yes", "dong y")
    no = key == NO or word in ("2", "khong", "no", "huy")
    if not yes and not no:
        unit.reply(Reply(text=texts.common.CHOICE_EXPECTED))
        return
    shown = await _current(unit, ctx, kinds, state)
    if shown is None:
        return
    state = dict(state, step="card")
    if no:
        await _open(unit, ctx, kinds, state, shown, [texts.review.ALL_CANCELLED])
        return
    kind = state["card"][0]
    moved = await reviews.approve_many(ctx.session, kind, state["all"], by=ctx.staff.id, now=ctx.now)
    done = sum(1 for m in moved if m.ok)
    if done:
        await notices.approved_many(ctx, unit.notify, shown.state.author, done, shown.noun)
    line = texts.review.approved_many(done, shown.noun, shown.state.author_name, len(moved) - done)
    await _next(unit, ctx, kinds, dict(state, all=[]), [line])


# --- showing cards ------------------------------------------------------------------------------


async def _on_pick(unit: Unit, ctx: FlowContext, kinds, state: dict, key: str, typed: str) -> None:
    picks = state.get("pick", [])
    index = int(key[1:]) if key.startswith("p") and key[1:].isdecimal() else (
        int(typed) - 1 if typed.isdecimal() else -1)
    if not 0 <= index < len(picks):
        unit.reply(Reply(text=texts.common.CHOICE_EXPECTED))
        return
    shown = await cards.load(ctx, *picks[index])
    if shown is None or shown.state.kind not in kinds:
        unit.reply(Reply(text=texts.review.NOT_FOUND.format(id=picks[index][1], address=_address(ctx.settings))))
        await _clear(unit)
        return
    await _open(unit, ctx, kinds, {"skipped": []}, shown, [])


async def _next(unit: Unit, ctx: FlowContext, kinds, state: dict, lines: list[str], first: bool = False) -> None:
    """The oldest waiting record not skipped, or the end of the queue."""
    skipped = set(state.get("skipped", []))
    own = None if ctx.settings.config.review.self_approve else ctx.staff.id
    waiting = [w for w in await reviews.queue(ctx.session, kinds, exclude_author=own)
               if f"{w.kind}:{w.record_id}" not in skipped]
    for item in waiting:
        shown = await cards.load(ctx, item.kind, item.record_id)
        if shown is not None:
            await _open(unit, ctx, kinds, state, shown, lines, remaining=len(waiting))
            return
    unit.reply(Reply(text="\n".join([*lines, texts.review.EMPTY if first else texts.review.QUEUE_DONE])))
    await _clear(unit)


async def _open(unit: Unit, ctx: FlowContext, kinds, state: dict, shown: Shown, lines: list[str],
                remaining: int = 0) -> None:
    """Show one record's card (what happened before it first); a record not waiting is only described."""
    record = shown.state
    if record.state != WAITING:
        said = texts.review.already_state(shown.noun, record.record_id, record.state)
        if record.state == RETURNED and record.comment:
            said += "\n" + texts.review.earlier_return(record.by_name, cards.local_time(ctx, record.since), record.comment)
        unit.reply(Reply(text="\n".join([*lines, said])))
        await _clear(unit)
        return
    batches: list[Any] = []
    if record.kind == "calibration_batch" and record.author is not None:
        batches = [w.record_id for w in await reviews.queue(ctx.session, [record.kind], author=record.author)]
    choices = [(APPROVE, texts.review.APPROVE), (RETURN, texts.review.RETURN), (SKIP, texts.review.SKIP),
               (STOP, texts.review.STOP)]
    many = len(batches) > 1 and _may(ctx, shown)
    if many:
        choices.append((ALL, texts.review.approve_all(len(batches), shown.noun, record.author_name)))
    text = await cards.card_text(ctx, shown, remaining)
    if lines and shown.photos:  # what happened, then the photos, then the card they go with
        unit.reply(Reply(text="\n".join(lines)))
    elif lines:  # one message fewer (a Zalo message is quota)
        text = "\n".join([*lines, "", text])
    unit.replies.extend(cards.photo_replies(shown))
    await _save(unit, ctx.settings, {**_ask(unit, text, choices), "step": "card",
                                     "card": [record.kind, record.record_id, record.version],
                                     "skipped": state.get("skipped", []), "all": batches if many else []})


async def _stop(unit: Unit, ctx: FlowContext, kinds) -> None:
    own = None if ctx.settings.config.review.self_approve else ctx.staff.id
    left = len(await reviews.queue(ctx.session, kinds, exclude_author=own))
    unit.reply(Reply(text=texts.review.STOPPED.format(count=left)))
    await _clear(unit)


# --- state --------------------------------------------------------------------------------------


def _token() -> str:
    return "rv" + secrets.token_hex(4)


def _ask(unit: Unit, text: str, choices: list[tuple[str, str]]) -> dict:
    """Put a question on screen with a fresh token; what the state keeps of it (a tap's answer is
    shown under it)."""
    token = _token()
    unit.reply(Reply(text=text, choices=tuple(Choice(f"{token}|{key}", label) for key, label in choices), token=token))
    return {"token": token, "screen": text, "labels": dict(choices)}


def _address(services) -> str:
    return services.config.language.address


def idle(services: Services) -> dt.timedelta:
    """How long an open card or an offer waits: as long as a draft ([general] draft_idle_minutes)."""
    return dt.timedelta(minutes=services.config.general.draft_idle_minutes)


async def _save(unit: Unit, services: Services, state: dict) -> None:
    expires = unit.now + idle(services)
    await engine_store.put_conversation(unit.session, unit.incoming.channel, unit.incoming.chat_id,
                                        dict(state, kind=KIND), unit.now, expires)  # fmt: skip


async def _clear(unit: Unit) -> None:
    await engine_store.clear_conversation(unit.session, unit.incoming.channel, unit.incoming.chat_id)
