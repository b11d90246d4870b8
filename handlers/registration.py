"""Registration: an invited person reads what personal data the bot keeps and why, and agrees.

`/start CODE` (handlers/people.py) checks the code, then opens this one-question form. Agreeing
creates the staff member with the invitation's roles and this channel account, and uses up the
code; declining keeps nothing. The invitation rides in the form's context (`ctx.settings`).
"""

from __future__ import annotations

import texts
from bot.form import Flow, FlowContext, Question
from storage import engine_store, people
from storage.domain import Identity


def agreement_question(name: str) -> Question:
    return Question("agree", "yesno", texts.people.PRIVACY_NOTICE.format(name=name), label=texts.people.AGREE_LABEL)


async def save(ctx: FlowContext, answers: dict) -> str:
    """Creates the staff member, attaches this account, uses up the invitation, audits it."""
    if not answers["agree"]:
        return texts.people.REGISTRATION_DECLINED
    session, msg = ctx.session, ctx.incoming
    invite = await people.usable_invite_by_id(session, ctx.settings["invite_id"], ctx.now)
    if invite is None:
        return texts.people.BAD_CODE
    staff = await people.create_staff(session, invite.name, invite.roles, ctx.now)
    identity = Identity(msg.channel, msg.user_id, msg.chat_id, msg.display_name)
    await people.add_identity(session, staff.id, identity, ctx.now)
    await people.mark_invite_used(session, invite.id, staff.id, ctx.now)
    await engine_store.audit(
        session, staff_id=staff.id, action="register", entity="staff", entity_id=staff.id,
        after={"name": staff.name, "roles": sorted(staff.roles), "channel": msg.channel}, now=ctx.now,
    )
    return texts.people.REGISTERED.format(roles=texts.people.role_names(staff.roles))


def registration_flow(name: str) -> Flow:
    return Flow(
        name="register",
        title=texts.people.REGISTRATION_TITLE,
        roles=(),
        questions=(agreement_question(name),),
        save=save,
        command="start",
        review=False,
    )
