"""Registration: an invited person reads the short personal-data notice (texts/privacy.py) and agrees.

`/start CODE` (handlers/people.py) checks the code, then the router calls `ask`: the short notice, one
message, its question last with three numbered choices — 1 agree, 2 decline, 3 the full notice. The
answer is strict (Nghị định 356/2025/NĐ-CP: no default, nothing that blurs agreeing and declining):
"1", "có", "đồng ý" (with or without diacritics) or a tap agree; "2", "không đồng ý" or a tap decline;
"3" shows the full notice and asks again; anything else repeats only the question. Agreeing creates the
staff member with the invitation's roles and this channel account, uses up the code and stores the
consent with both notices as shown and their versions (table `consents`); declining keeps nothing but
the count of refusals of that version. /quyenriengtu shows the full notice at any time.
"""

from __future__ import annotations

import secrets

import texts
from bot.engine import Unit
from bot.flow import split_choice
from bot.messages import Choice, Reply
from storage import engine_store, people, privacy_requests
from storage.domain import Identity
from storage.models import ConsentRow
from storage.text import fold
from texts.privacy import NoticeFacts

FLOW = "register"  # the conversation's flow while an invited person reads the notice

# The storage periods the notice states when config.toml has no [retention] (the same defaults).
RETENTION_DEFAULTS = {"message_days": 30, "stranger_hours": 24, "orphan_media_days": 7, "document_hours": 24}

# Typed answers, folded (lower case, no diacritics): nothing looser ("u", "c", "ok", "dạ", "không"…).
AGREE_WORDS = frozenset({"1", "co", "dong y"})
DECLINE_WORDS = frozenset({"2", "khong dong y"})
FULL_WORDS = frozenset({"3", "xem toan van"})


def notice_facts(config, address: str = texts.people.DEFAULT_ADDRESS) -> NoticeFacts:
    """The notice's blanks from config.toml: [organisation], [privacy], [retention], [language]."""
    org = config.organisation if config is not None else {}
    name = org.get("department_name") or texts.privacy.DEFAULT_DEPARTMENT
    locality = org.get("locality") or (texts.privacy.province(org["province"]) if org.get("province") else "")
    department = f"{name} {locality}".strip()
    privacy = getattr(config, "privacy", None)
    retention = getattr(config, "retention", None)
    periods = {key: int(getattr(retention, key, default)) for key, default in RETENTION_DEFAULTS.items()}
    return NoticeFacts(
        department=department, operator=getattr(privacy, "operator", ""),
        contact=getattr(privacy, "contact", "") or texts.privacy.DEFAULT_CONTACT, address=address, **periods,
        records_period=getattr(privacy, "records_period", ""),
    )


def notice_problems(config) -> list[str]:
    """`run` refuses a short notice longer than one Zalo message (as shown, with a long name)."""
    from bot.channels.numbered import render_numbered

    facts = notice_facts(config, config.language.address)
    shown = render_numbered(Reply(text=texts.privacy.short(facts, texts.privacy.LONG_NAME), choices=_choices("r")))
    return [texts.privacy.short_too_long(len(shown))] if len(shown) > texts.privacy.SHORT_LIMIT else []


def _choices(token: str) -> tuple[Choice, ...]:
    return (Choice(f"{token}|agree", texts.privacy.AGREE_LABEL), Choice(f"{token}|decline", texts.privacy.DECLINE_LABEL),
            Choice(f"{token}|full", texts.privacy.FULL_LABEL))


async def ask(unit: Unit, facts: NoticeFacts, invite_id: int, name: str, save_state) -> None:
    """The short notice with its question; the conversation waits for the answer."""
    token = f"r{secrets.token_hex(3)}"
    unit.reply(Reply(text=texts.privacy.short(facts, name), choices=_choices(token), token=token))
    await save_state(unit, {"kind": "flow", "flow": FLOW, "invite_id": invite_id, "name": name, "token": token,
                            "asked": "notice"})


def _reading(unit: Unit, token: str) -> str:
    """agree | decline | full | "" (not an answer) | "old" (a tap on an earlier copy of the question)."""
    msg = unit.incoming
    if msg.kind == "choice":
        tapped, key = split_choice(msg.choice)
        if tapped and tapped != token:
            return "old"
        return key if key in ("agree", "decline", "full") else ""
    if msg.kind != "text":
        return ""
    said = fold(msg.text).strip(" .!")
    return ("agree" if said in AGREE_WORDS else "decline" if said in DECLINE_WORDS
            else "full" if said in FULL_WORDS else "")


async def answer(unit: Unit, facts: NoticeFacts, state: dict, save_state) -> None:
    """The invited person's answer to the notice's question."""
    token = state.get("token", "")
    name = state["name"]
    reading = _reading(unit, token)
    if reading == "old":
        unit.reply(Reply(text=texts.common.QUESTION_CLOSED))
        return
    if reading in ("agree", "decline") and unit.incoming.kind == "choice":  # the answer under the question
        label = texts.privacy.AGREE_LABEL if reading == "agree" else texts.privacy.DECLINE_LABEL
        asked = texts.privacy.short(facts, name) if state.get("asked", "notice") == "notice" else state["asked"]
        unit.reply(Reply(kind="edit", text=f"{asked}\n→ {label}", token=token))
    if reading == "full":
        unit.reply(Reply(text=texts.privacy.full(facts)))
    if reading in ("full", ""):  # the question again (the same token: the first copy's buttons still work)
        text = texts.privacy.question(facts) if reading == "full" else texts.privacy.again(facts)
        unit.reply(Reply(text=text, choices=_choices(token), token=token))
        await save_state(unit, dict(state, asked=text))
        return
    msg = unit.incoming
    await engine_store.clear_conversation(unit.session, msg.channel, msg.chat_id)
    if reading == "decline":
        await privacy_requests.count_refusal(unit.session, texts.privacy.short_version(facts))
        unit.reply(Reply(text=texts.people.registration_declined(facts.address)))
        return
    unit.reply(Reply(text=await _register(unit, facts, state["invite_id"])))


async def _register(unit: Unit, facts: NoticeFacts, invite_id: int) -> str:
    """Creates the staff member, attaches this account, uses up the invitation, stores the consent
    (both notices with their versions), audits it."""
    session, msg, now = unit.session, unit.incoming, unit.now
    invite = await people.usable_invite_by_id(session, invite_id, now)
    if invite is None:
        return texts.people.BAD_CODE
    staff = await people.create_staff(session, invite.name, invite.roles, now)
    identity = Identity(msg.channel, msg.user_id, msg.chat_id, msg.display_name)
    await people.add_identity(session, staff.id, identity, now)
    await people.mark_invite_used(session, invite.id, staff.id, now)
    version = texts.privacy.short_version(facts)
    session.add(ConsentRow(
        staff_id=staff.id, channel=msg.channel, user_id=msg.user_id, at=now,
        notice_version=version, notice_text=texts.privacy.consent_record(facts, invite.name),
        full_version=texts.privacy.full_version(facts), full_text=texts.privacy.full(facts),
    ))
    await engine_store.audit(
        session, staff_id=staff.id, action="register", entity="staff", entity_id=staff.id,
        after={"name": staff.name, "roles": sorted(staff.roles), "channel": msg.channel,
               "notice_version": version, "full_version": texts.privacy.full_version(facts)}, now=now,
    )
    return texts.people.registered(facts.address, staff.name, texts.people.role_names(staff.roles))
