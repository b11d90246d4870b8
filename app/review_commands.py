"""`main.py admin reviewer --staff N [--kind KIND …]`: make a staff member a reviewer of some kinds of
record (issue 24), as `/nhansu N duyet …` does in the chat. No --kind: every kind. Audited."""

from __future__ import annotations

import texts
from app import wiring as app_module
from app.errors import USAGE, CliError
from bot.config import Config
from handlers.people import review_kinds
from storage import engine_store, people
from storage import review as reviews
from storage.domain import NotFound


async def reviewer_command(config: Config, staff_id: int, typed: list[str]) -> int:
    kinds, unknown = review_kinds(", ".join(typed))
    if unknown:
        raise CliError(texts.review.SCOPE_BAD.format(words=", ".join(unknown), known=texts.review.known_kinds()), USAGE)
    db = await app_module.open_db(config)
    try:
        now = app_module.clock_of(config).now()
        async with db.unit_of_work() as session:
            try:
                person = await people.get_staff(session, staff_id)
            except NotFound:
                raise CliError(texts.operations.NO_SUCH_STAFF.format(id=staff_id), USAGE) from None
            if "reviewer" not in person.roles:
                updated = await people.set_roles(session, person.id, {*person.roles, "reviewer"})
                await engine_store.audit(session, staff_id=None, action="roles", entity="staff", entity_id=person.id,
                                         before={"roles": sorted(person.roles)}, after={"roles": sorted(updated.roles)},
                                         now=now)  # fmt: skip
            kept = await reviews.set_reviewer_kinds(session, person.id, kinds, by=None, now=now)
    finally:
        await db.close()
    print(texts.review.SCOPE_SET.format(name=person.name, kinds=texts.review.kinds_phrase(kept)))
    return 0
