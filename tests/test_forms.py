"""One declaration per form (handlers/forms.py): the command table, /help, the role checks and /cuatoi's
kinds come from handlers/registry.py's one list; a record remembers the form that made it."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import text

import texts
from handlers import registry
from handlers.forms import Form, flows_of, record_forms
from handlers.services import Services
from storage import records
from storage.db import open_database
from storage.migrate import upgrade
from tests.kit import Chat, add_staff, make_app


def _with_roles(name: str, roles: set[str]) -> tuple:
    """The registry's list with one form's roles changed, as a department would change its declaration."""
    return tuple(dataclasses.replace(e, roles=frozenset(roles)) if isinstance(e, Form) and e.name == name else e
                 for e in registry.ENTRIES)


def test_the_command_table_is_the_list_of_declarations():
    table = registry.build_commands()
    for entry in registry.ENTRIES:
        command = table.find(entry.command if isinstance(entry, Form) else entry.name)
        assert command is not None
        if isinstance(entry, Form):
            assert command.roles == entry.roles and command.description == entry.description
            assert all(table.find(alias) is command for alias in entry.aliases)
    names = [e.command if isinstance(e, Form) else e.name for e in registry.ENTRIES]
    assert [c.name for c in table.commands] == names  # /help's order is the list's


def test_every_record_form_has_its_managers_twin_and_its_record_kind(config):
    forms = registry.build_forms()
    assert record_forms(forms), "the registry declares record forms"
    flows = flows_of(registry.ENTRIES, Services(config=config, catalogue=config.catalogue))
    for form in record_forms(forms):
        assert {form.name, f"{form.name}.manager"} <= set(flows)
        assert flows[form.name].form == flows[f"{form.name}.manager"].form == form.name


async def test_a_role_removed_from_a_declaration_removes_its_command(config, db):
    shipped, _ = await make_app(config, db)
    await add_staff(shipped, "Phạm Lãnh Đạo", {"manager"}, "boss")
    assert "/hoatdong" in shipped.router.help_text(await _staff(shipped, "boss"))

    app, sender = await make_app(config, db, entries=_with_roles("activity", {"clerk"}))
    await add_staff(app, "Lê Văn Thư", {"clerk"}, "clerk")
    boss, clerk = Chat(app, sender, "boss"), Chat(app, sender, "clerk")
    refused = await boss.say("/hoatdong")
    assert refused == texts.people.not_allowed("hoatdong", texts.people.role_names({"clerk"}), "đồng chí")
    assert "/hoatdong" not in await boss.say("/help")
    assert ("hoatdong", texts.capture.ACT_DESCRIPTION) not in app.router.menu(await _staff(app, "boss"))
    assert texts.capture.ACT_KIND in await clerk.say("/hoatdong")


async def _staff(app, user: str):
    from storage import people

    async with app.db.read() as session:
        return await people.staff_by_identity(session, "console", user)


async def test_a_record_remembers_the_form_that_made_it(config, db):
    app, sender = await make_app(config, db)
    await add_staff(app, "Trần Kỹ Thuật", {"technician"}, "tech")
    await Chat(app, sender, "tech").many("/kiemdinh dien 5 0 5", "1")
    async with app.db.read() as session:
        batch = await records.get_calibration_batch(session, 1)
    assert batch.meta.form == "calibration"


async def test_the_migration_gives_existing_records_their_form(tmp_path):
    """Rows written before records remembered their form get the one form that stored in their table."""
    db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}")
    await upgrade(db.engine, "0003")
    now = dt.datetime(2023, 1, 10, 2, 0)
    async with db.engine.begin() as conn:
        await conn.execute(text(
            "INSERT INTO activities (business_date, status, version, recorded_at, updated_at, channel, source_event,"
            " kind, count, detail, authors, decision) VALUES (:day, 'active', 1, :now, :now, 'zalo', 'e1',"
            " 'hop_chuan', 2, '', 0, '')"), {"day": dt.date(2023, 1, 9), "now": now})
        await conn.execute(text(
            "INSERT INTO calibration_batches (business_date, status, version, recorded_at, updated_at, channel,"
            " source_event, field, verified, rejected, certificates, customer) VALUES (:day, 'active', 1, :now,"
            " :now, 'zalo', 'e2', 'dien', 5, 0, 5, '')"), {"day": dt.date(2023, 1, 9), "now": now})
    await upgrade(db.engine)
    async with db.read() as session:
        assert (await records.get_activity(session, 1)).meta.form == "activity"
        assert (await records.get_calibration_batch(session, 1)).meta.form == "calibration"
    await db.close()
