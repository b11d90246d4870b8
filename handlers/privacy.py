"""/quyenriengtu: the full personal-data notice, and a data subject's request.

Anyone gets the full notice (texts/privacy.py). A registered person then picks a request — a copy of
their data, a correction, erasure, restriction of processing, withdrawal of consent — and, for a
correction or a restriction, says what it is about. The request is recorded with its time and due
date (2 working days from the local date of receipt, over weekends and the catalogue's holidays:
Nghị định 356/2025/NĐ-CP), the administrators are told at once in their chats, and the person gets
its number and due date. `main.py admin person requests` lists the open ones; the command that
answers one closes it and tells the person (app/person_commands.py).
"""

from __future__ import annotations

import secrets
from typing import Any

import texts
from bot.engine import Unit
from bot.flow import split_choice
from bot.messages import Choice, Reply
from storage import engine_store, people, privacy_requests
from storage.domain import Staff
from storage.text import fold
from storage.workdays import add_working_days
from texts.privacy import NoticeFacts

KIND = "privacy"  # the conversation's kind while a request is being made
DUE_WORKING_DAYS = 2
DETAIL_LIMIT = 1000
CANCEL_WORDS = {"huy", "/huy", "cancel", "/cancel", "thoi"}
_KINDS = list(texts.privacy.REQUEST_KINDS)


def _choices(token: str) -> tuple[Choice, ...]:
    return tuple(Choice(f"{token}|{key}", label) for key, label in texts.privacy.REQUEST_KINDS.items())


async def show(unit: Unit, staff: Staff | None, state: dict | None, facts: NoticeFacts, save_state) -> None:
    """The full notice; to a registered person with no form open, the request question after it."""
    unit.reply(Reply(text=texts.privacy.full(facts)))
    if staff is None:
        unit.reply(Reply(text=texts.privacy.stranger_notice_footer(facts.contact)))
        return
    if state is not None and state.get("kind") == "flow":  # a draft stays as it is
        unit.reply(Reply(text=texts.privacy.REQUEST_AFTER_DRAFT))
        return
    token = f"q{secrets.token_hex(3)}"
    unit.reply(Reply(text=texts.privacy.REQUEST_QUESTION.format(address=facts.address), choices=_choices(token),
                     token=token))
    await save_state(unit, {"kind": KIND, "step": "kind", "token": token})


def _picked(unit: Unit, token: str) -> str:
    """The request kind chosen, by tap, number or its name; "" when none."""
    msg = unit.incoming
    if msg.kind == "choice":
        tapped, key = split_choice(msg.choice)
        return key if key in texts.privacy.REQUEST_KINDS and tapped in ("", token) else ""
    said = fold(msg.text).strip(" .")
    if said.isdecimal() and 1 <= int(said) <= len(_KINDS):
        return _KINDS[int(said) - 1]
    names = {fold(label): key for key, label in texts.privacy.REQUEST_KINDS.items()}
    return names.get(said, "")


async def answer(unit: Unit, staff: Staff, state: dict, facts: NoticeFacts, settings: Any, save_state) -> None:
    """The person's answer while a request is being made: its kind, then (correction, restriction) what it is."""
    msg = unit.incoming
    if msg.kind == "text" and fold(msg.text) in CANCEL_WORDS:
        await engine_store.clear_conversation(unit.session, msg.channel, msg.chat_id)
        unit.reply(Reply(text=texts.privacy.REQUEST_CANCELLED))
        return
    if state.get("step") == "kind":
        kind = _picked(unit, state.get("token", ""))
        if not kind:
            unit.reply(Reply(text=texts.privacy.REQUEST_PICK, choices=_choices(state["token"]), token=state["token"]))
            return
        if kind in texts.privacy.REQUEST_DETAIL:
            unit.reply(Reply(text=texts.privacy.REQUEST_DETAIL[kind].format(address=facts.address)))
            await save_state(unit, dict(state, step="detail", request=kind))
            return
        await _record(unit, staff, kind, "", facts, settings)
        return
    detail = " ".join(msg.text.split()) if msg.kind == "text" else ""
    if not detail:
        unit.reply(Reply(text=texts.privacy.REQUEST_DETAIL_EMPTY))
        return
    await _record(unit, staff, state["request"], detail[:DETAIL_LIMIT], facts, settings)


async def _record(unit: Unit, staff: Staff, kind: str, detail: str, facts: NoticeFacts, settings: Any) -> None:
    msg, zone = unit.incoming, settings.zone
    catalogue = getattr(settings.services, "catalogue", None)
    holidays = catalogue.holiday_dates if catalogue is not None else frozenset()
    due = add_working_days(unit.now.astimezone(zone).date(), DUE_WORKING_DAYS, holidays)
    number = await privacy_requests.add(unit.session, staff_id=staff.id, kind=kind, detail=detail,
                                        channel=msg.channel, chat_id=msg.chat_id, now=unit.now, due=due)
    await engine_store.audit(unit.session, staff_id=staff.id, action="privacy_request", entity="privacy_request",
                             entity_id=number, after={"kind": kind, "due": due.isoformat()}, now=unit.now)
    await engine_store.clear_conversation(unit.session, msg.channel, msg.chat_id)
    due_text = f"{due:%d/%m/%Y}"
    notice = Reply(text=texts.privacy.admin_notice(
        number, kind, staff.name, staff.id, f"{unit.now.astimezone(zone):%H:%M %d/%m/%Y}", due_text, detail))
    for member in await people.list_staff(unit.session):
        if member.active and "admin" in member.roles:
            for identity in member.identities:
                if identity.channel != "console":
                    unit.notify(identity.channel, identity.chat_id, notice)
    unit.reply(Reply(text=texts.privacy.request_received(number, kind, due_text, facts.address)))
