"""One declaration per form (handlers/forms.py): the command table, /help, the role checks and /cuatoi's
kinds come from handlers/registry.py's one list; a record remembers the form that made it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from sqlalchemy import text

import texts
from bot.config import load_config
from handlers import registry
from handlers.forms import Form, flows_of, record_forms
from handlers.services import Services
from reports.aggregate import aggregate
from reports.periods import period_of
from reports.service import load_period
from storage import records
from storage.db import open_database
from storage.migrate import upgrade
from tests.conftest import REPO
from tests.forms import letters, letters_texts
from tests.kit import Chat, add_staff, make_app
from tests.test_report_chat import docx_text

FORMS = Path(__file__).parent / "forms"


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
        assert form.answers_of is not None, f"{form.name}: every record kind is correctable in its own form"


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


# --- a new form, declared in one module of its own ---------------------------------------------------


def config_with(tmp_path, *extra: Path):
    """config.toml with more catalogue entries (a test catalogue), data under tmp_path."""
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    path = tmp_path / "config.toml"
    path.write_text("\n".join([text, *(p.read_text(encoding="utf-8") for p in extra)]), encoding="utf-8")
    return load_config(path, env={"FIELDBOT_DATA_DIR": str(tmp_path / "data")})


async def test_a_new_form_declared_in_one_module_is_played_end_to_end_on_zalo(tmp_path, db):
    """tests/forms/letters.py, its sentences and its catalogue entry are all it took: captured, corrected
    through /cuatoi → Sửa → its own question, nothing lost, and counted in the section its entry names."""
    config = config_with(tmp_path, FORMS / "letters.toml")
    entry = config.catalogue.activity_kind(letters.KIND)
    app, sender = await make_app(config, db, entries=(*registry.ENTRIES, letters.FORM))
    await add_staff(app, "Lê Văn Thư", {"clerk"}, "thu", channel="zalo")
    await add_staff(app, "Phạm Lãnh Đạo", {"manager"}, "boss")
    chat = Chat(app, sender, "thu", channel="zalo")
    assert f"/donthu — {letters_texts.DESCRIPTION}" in await chat.say("/help")
    review = await chat.many("/donthu", "ok", "3", "Phản ánh giá nước sạch")
    assert review.startswith(letters_texts.TITLE) and "Nội dung: Phản ánh giá nước sạch" in review
    assert await chat.say("1") == "Đã lưu đơn thư #1."

    listing = await chat.say("/cuatoi")
    assert "1. 13/01/2023 Đơn thư một cửa: 3 — Phản ánh giá nước sạch (#1)" in listing
    await chat.say("1")
    opened = await chat.say(texts.capture.MINE_EDIT)
    assert "Sửa đơn thư #1" in opened and "Nội dung: Phản ánh giá nước sạch" in opened  # its own form, not /hoatdong's
    edits = await chat.say("2")
    number = next(line.split(".")[0] for line in edits.splitlines() if line[:1].isdigit() and "Nội dung" in line)
    await chat.say(number)
    review = await chat.say("Phản ánh giá nước sạch và tiền điện")
    assert "Số đơn thư: 3" in review and "Nội dung: Phản ánh giá nước sạch và tiền điện" in review
    assert await chat.say("1") == "Đã sửa đơn thư #1."

    async with app.db.read() as session:
        stored = await records.get_activity(session, 1)
    assert (stored.kind, stored.count, stored.business_date, stored.detail, stored.meta.form, stored.meta.version) == (
        letters.KIND, 3, dt.date(2023, 1, 13), "Phản ánh giá nước sạch và tiền điện", "letters", 2)
    document = (await Chat(app, sender, "boss").replies("/baocao 01/2023"))[-1]
    counted = aggregate(await load_period(app.db, period_of(dt.date(2023, 1, 13), config.cut_off_day)),
                        config.catalogue, period_of(dt.date(2023, 1, 13), config.cut_off_day))
    assert counted.activities[entry.report_key].count.value == 3
    assert "nhận được 03 đơn thư" in docx_text(document.document_path)


async def test_a_kind_a_field_and_an_activity_added_to_the_catalogue_go_through_their_forms_and_the_report(tmp_path, db):
    """config.toml with one more facility kind, calibration field and activity (tests/data/extra-catalogue.toml):
    each is typed in its form on Zalo text and counted in the report, with no code changed."""
    config = config_with(tmp_path, REPO / "tests" / "data" / "extra-catalogue.toml")
    cat = config.catalogue
    kind, field, act = cat.facility_kinds[-1], cat.calibration_fields[-1], cat.activity_kinds[-1]
    assert (kind.key, field.key, act.key) == ("cho_can", "dong_ho_taxi", "hop_chuan_nong_san")
    app, sender = await make_app(config, db)
    for name, role, user in (("Nguyễn Văn An", "inspector", "an"), ("Trần Kỹ Thuật", "technician", "tech"),
                             ("Lê Văn Thư", "clerk", "thu"), ("Phạm Lãnh Đạo", "manager", "boss")):
        await add_staff(app, name, {role}, user, channel="zalo")
    from tests.kit import add_plan

    await add_plan(app)
    inspector = Chat(app, sender, "an", channel="zalo")
    await inspector.many("/kiemtra", "ok", kind.label, "pho noi", "1", "Chợ Phố Nối", "bỏ qua", "xã Phố Nối", "không",
                         "bỏ qua", "không", "2", "Không có cân đối chứng", "Nhắc nhở")
    review = await inspector.say("Chưa bố trí cân đối chứng")
    assert f"KẾT QUẢ KIỂM TRA — {kind.label.upper()}" in review and f"✗ {kind.criteria[1].label}" in review
    assert (await inspector.say("1")).startswith("Đã lưu kết quả kiểm tra #1")
    technician = Chat(app, sender, "tech", channel="zalo")
    assert (await technician.say("/kiemdinh đồng hồ tính tiền taxi 12 1 11")).startswith(texts.capture.CAL_TITLE)
    assert await technician.say("1") == "Đã lưu lô kiểm định #1."
    clerk = Chat(app, sender, "thu", channel="zalo")
    await clerk.many("/hoatdong", act.label, "ok", "4")
    assert "Số lượng: 4" in await clerk.say("bỏ qua")
    assert await clerk.say("1") == "Đã lưu hoạt động #1."

    document = (await Chat(app, sender, "boss", channel="zalo").replies("/baocao 01/2023"))[-1]
    report = docx_text(document.document_path)
    assert kind.report_noun in report and kind.criteria[1].failed_phrase in report
    assert "Ban hành 04 bản thông báo công bố hợp chuẩn" in report
    assert f"\n{field.label}\nPTĐ\n12\n01\n11\n" in report  # its row of the calibration table
    async with app.db.read() as session:
        batch = await records.get_calibration_batch(session, 1)
    assert (batch.field, batch.verified, batch.rejected, batch.certificates) == (field.key, 12, 1, 11)
