"""Wrong invitation codes are limited per account and across accounts, and the count survives a
restart (issue 20, item 6: eight accounts × three tries were all evaluated, and a restart reset it)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

import texts
from app.wiring import build_app
from handlers.people import CodeLimiter
from storage import people
from storage.models import CodeTryRow
from tests.kit import Chat, make_app


def refused(reply: str) -> bool:
    return reply.startswith(texts.people.TOO_MANY_TRIES.split("{")[0])


async def test_wrong_codes_are_limited_per_account_per_channel_and_in_all(config, db):
    app, sender = await make_app(config, db)
    limits = CodeLimiter()
    async with db.unit_of_work() as session:
        code, _ = await people.create_invite(session, name="Nguyễn Văn An", roles=("inspector",), now=app.clock.now(),
                                             valid_for=dt.timedelta(days=7))
    one = Chat(app, sender, "z-one", "zalo")
    answers = [await one.say(f"/start SAIMA{n:07d}") for n in range(limits.per_account + 1)]
    assert answers[:-1] == [texts.people.BAD_CODE] * limits.per_account and refused(answers[-1])
    assert refused(await one.say(f"/start {code}"))  # blocked: not even a right code is looked at

    evaluated = limits.per_account
    for account in range(20):  # many accounts, three tries each: the channel's limit holds
        for n in range(3):
            if refused(await Chat(app, sender, f"z{account}", "zalo").say(f"/start SAI{account:03d}{n:05d}")):
                break
            evaluated += 1
    assert evaluated == limits.per_channel
    assert await Chat(app, sender, "t1", "telegram").say("/start SAIMA0000001") == texts.people.BAD_CODE

    app.clock.advance(minutes=61)  # an hour on, codes are looked at again
    assert (await Chat(app, sender, "z-new", "zalo").say(f"/start {code}")) != texts.people.BAD_CODE
    async with db.read() as session:
        accounts = (await session.scalars(select(CodeTryRow.account))).all()
    assert accounts and not any("z-one" in a or "zalo" in a for a in accounts)  # hashes, not ids


async def test_the_count_survives_a_restart(config, db):
    app, sender = await make_app(config, db)
    limits = CodeLimiter()
    for n in range(limits.per_account):
        await Chat(app, sender, "z-one", "zalo").say(f"/start SAIMA{n:07d}")
    restarted = await build_app(config, clock=app.clock, db=db)  # a new process: nothing kept in memory
    restarted.engine.senders.update(app.engine.senders)
    assert refused(await Chat(restarted, sender, "z-one", "zalo").say("/start SAIMA9999999"))


async def test_the_total_holds_across_channels(config, db):
    app, sender = await make_app(config, db)
    limits = CodeLimiter(per_account=100, per_channel=100, total=7)
    app.router.limiter = limits
    answers = [await Chat(app, sender, f"u{n}", ("zalo", "telegram")[n % 2]).say(f"/start SAI{n:09d}")
               for n in range(9)]
    assert answers[:7] == [texts.people.BAD_CODE] * 7 and all(refused(a) for a in answers[7:])


async def test_the_limits_come_from_the_config(config, db):
    """[invitations] wrong_codes_per_account = 2: the third wrong code of an account is refused."""
    import dataclasses

    config = dataclasses.replace(config, invitations=dataclasses.replace(config.invitations, wrong_codes_per_account=2))
    app, sender = await make_app(config, db)
    one = Chat(app, sender, "z-one", "zalo")
    answers = [await one.say(f"/start SAIMA{n:07d}") for n in range(3)]
    assert answers[:2] == [texts.people.BAD_CODE] * 2 and refused(answers[2])
    assert await Chat(app, sender, "z-two", "zalo").say("/start SAIMA0000009") == texts.people.BAD_CODE
