"""Registration: an invited person reads the personal-data notice (texts/privacy.py) and agrees.

`/start CODE` (handlers/people.py) checks the code, then opens this one-question form. Agreeing
creates the staff member with the invitation's roles and this channel account, uses up the code and
stores the consent with the notice's version and the text shown (table `consents`); declining keeps
nothing. The invitation and the notice's facts ride in the form's context (`ctx.settings`).
/quyenriengtu shows the notice again at any time.
"""

from __future__ import annotations

import texts
from bot.form import Flow, FlowContext, Question
from storage import engine_store, people
from storage.domain import Identity
from storage.models import ConsentRow
from texts.privacy import NoticeFacts

# The storage periods the notice states when config.toml has no [retention] (the same defaults).
RETENTION_DEFAULTS = {"message_days": 30, "stranger_hours": 24, "orphan_media_days": 7, "document_hours": 24}


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
    )


def agreement_question(facts: NoticeFacts, name: str) -> Question:
    return Question("agree", "yesno", texts.privacy.consent_question(facts, name), label=texts.privacy.AGREE_LABEL)


async def save(ctx: FlowContext, answers: dict) -> str:
    """Creates the staff member, attaches this account, uses up the invitation, stores the consent
    (notice version and text), audits it."""
    facts: NoticeFacts = ctx.settings["notice"]
    if not answers["agree"]:
        return texts.people.registration_declined(facts.address)
    session, msg = ctx.session, ctx.incoming
    invite = await people.usable_invite_by_id(session, ctx.settings["invite_id"], ctx.now)
    if invite is None:
        return texts.people.BAD_CODE
    staff = await people.create_staff(session, invite.name, invite.roles, ctx.now)
    identity = Identity(msg.channel, msg.user_id, msg.chat_id, msg.display_name)
    await people.add_identity(session, staff.id, identity, ctx.now)
    await people.mark_invite_used(session, invite.id, staff.id, ctx.now)
    session.add(ConsentRow(
        staff_id=staff.id, channel=msg.channel, user_id=msg.user_id, at=ctx.now,
        notice_version=texts.privacy.version(facts), notice_text=texts.privacy.consent_record(facts, invite.name),
    ))
    await engine_store.audit(
        session, staff_id=staff.id, action="register", entity="staff", entity_id=staff.id,
        after={"name": staff.name, "roles": sorted(staff.roles), "channel": msg.channel,
               "notice_version": texts.privacy.version(facts)}, now=ctx.now,
    )
    return texts.people.REGISTERED.format(roles=texts.people.role_names(staff.roles))


def registration_flow(facts: NoticeFacts, name: str) -> Flow:
    return Flow(
        name="register",
        title=texts.people.REGISTRATION_TITLE,
        questions=(agreement_question(facts, name),),
        save=save,
        command="start",
        review=False,
    )
