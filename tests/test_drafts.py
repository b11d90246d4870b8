"""Drafts: a person who comes back before the idle limit resumes at the same question; past it, the
draft expires with a message, once, and nothing is saved."""

from __future__ import annotations

import dataclasses

import texts
from tests.conftest import frozen
from tests.kit import Chat, add_staff, make_app


async def test_a_draft_resumes_before_the_idle_limit_and_expires_after_it(config, db):
    config = dataclasses.replace(config, reporting={**config.reporting, "reminders": False})
    app, sender = await make_app(config, db, frozen("2023-01-13 06:30"), reminders=True)
    await add_staff(app, "Trần Kỹ Thuật", {"technician"}, "tech")
    chat = Chat(app, sender, "tech")
    await chat.many("/kiemdinh", "ok", "dong ho")
    app.clock.advance(minutes=config.general.draft_idle_minutes - 5)
    await app.engine.run_until_idle()
    assert (await chat.say("500")).startswith(texts.capture.CAL_REJECTED)  # back in time: the same form goes on

    app.clock.advance(minutes=config.general.draft_idle_minutes + 1)
    await app.engine.run_until_idle()
    expired = texts.people.DRAFT_EXPIRED.format(
        title=texts.capture.CAL_TITLE, minutes=config.general.draft_idle_minutes, command="kiemdinh")
    assert chat.new_messages() == [expired]
    await app.engine.run_until_idle()
    assert chat.new_messages() == []  # said once
    assert await chat.say("0") == texts.people.NO_FLOW_HINT  # the draft is gone, nothing saved
