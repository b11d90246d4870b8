"""/baocao and /xuat through the real router, engine, jobs and database (console channel)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import openpyxl
import pytest

from handlers import report
from reports.periods import month_period
from storage import engine_store, records
from storage.report_log import report_log
from tests.kit import Chat, add_staff, make_app, message


def docx_text(path: str) -> str:
    document = docx.Document(path)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


async def logged(app) -> list[dict]:
    async with app.db.read() as session:
        return await report_log(session)


@pytest.fixture
async def office(config, db):
    app, sender = await make_app(config, db)
    manager = await add_staff(app, "Trần Văn Giám", ["manager"], "u-manager")
    clerk = await add_staff(app, "Lê Thị Thư", ["clerk"], "u-clerk")
    return app, sender, manager, clerk


async def test_report_by_a_manager_status_edit_then_the_docx(office):
    app, sender, manager, _ = office
    replies = await Chat(app, sender, "u-manager").replies("/baocao")
    kinds = [r.kind for r in replies]
    assert kinds == ["text", "typing", "edit", "document"]
    status, _, edit, document = replies
    assert status.text == "Đang lập báo cáo tháng 01/2023 (15/12/2022–14/01/2023)…\nKỳ này không có bản ghi nào chờ duyệt hoặc cần bổ sung."
    assert edit.token == status.token and edit.token
    assert "Đã lập xong báo cáo tháng 01/2023 từ 0 bản ghi" in edit.text  # the default B notes are no records
    assert document.document_name == "BaoCao_KHCN_2023-01.docx"
    path = Path(document.document_path)
    assert path.parent == app.config.general.data_dir / "documents"
    text = docx_text(document.document_path)
    assert "Kỳ báo cáo: Tháng 01 năm 2023" in text
    assert "Thực hiện nhiệm vụ khác theo sự chỉ đạo của Bộ KH&CN" in text  # section B from b_default
    [row] = await logged(app)
    assert (row["kind"], row["period"], row["staff_id"], row["channel"]) == (
        "report",
        "2023-01",
        manager.id,
        "console",
    )


async def test_report_of_a_typed_month(office):
    app, sender, _, _ = office
    replies = await Chat(app, sender, "u-manager").replies("/report 12/2022")
    assert replies[0].text.startswith("Đang lập báo cáo tháng 12/2022 (15/11–14/12/2022)")
    assert replies[-1].document_name == "BaoCao_KHCN_2022-12.docx"
    assert "Kỳ báo cáo: Tháng 12 năm 2022" in docx_text(replies[-1].document_path)
    assert [r["period"] for r in await logged(app)] == ["2022-12"]


async def test_section_b_starts_from_the_default_list_once(office):
    app, sender, _, _ = office
    chat = Chat(app, sender, "u-manager")
    await chat.replies("/baocao")
    async with app.db.read() as session:
        b = await records.list_notes(session, "2023-01", "B")
    assert [n.text for n in b] == list(report.b_defaults(app.config))
    async with app.db.unit_of_work() as session:  # a clerk empties B on purpose
        for note in b:
            await records.delete_note(session, note.id, records.RecordMeta(None, recorded_at=app.clock.now()))
    await chat.replies("/baocao")
    async with app.db.read() as session:
        assert await records.list_notes(session, "2023-01", "B") == []


async def test_others_are_refused_and_nothing_is_made(office):
    app, sender, _, _ = office
    answer = await Chat(app, sender, "u-clerk").say("/baocao")
    assert answer == "Lệnh /baocao dành cho lãnh đạo; tài khoản của đồng chí không có quyền này."
    assert "không có quyền" in await Chat(app, sender, "u-clerk").say("/xuat")
    assert "chỉ dành cho cán bộ được mời" in await Chat(app, sender, "stranger").say("/baocao")
    assert await logged(app) == []
    async with app.db.read() as session:
        assert await engine_store.due_jobs(session, app.clock.now()) == []


WHICH = "Vui lòng gõ tháng/năm (01/2023), quý (Q1/2023), 6 tháng (6T/2023) hoặc năm (2023)."


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("13/2022", "Kỳ báo cáo “13/2022” không hợp lệ. " + WHICH),
        ("hôm qua", "Kỳ báo cáo “hôm qua” không hợp lệ. " + WHICH),
        ("Q2/2023", "Kỳ quý II/2023 (15/03–14/06/2023) chưa bắt đầu, chưa có gì để báo cáo."),
        ("03/2023", "Kỳ tháng 03/2023 (15/02–14/03/2023) chưa bắt đầu, chưa có gì để báo cáo."),
    ],
)
async def test_a_bad_month_is_one_clear_answer(office, typed, answer):
    app, sender, _, _ = office
    assert await Chat(app, sender, "u-manager").say(f"/baocao {typed}") == answer
    assert await logged(app) == []


async def test_in_the_days_after_the_cut_off_the_report_is_of_the_month_that_ended(config, db):
    """15/02: the month 02/2023 ended yesterday and its report is due on the 20th; the period that
    started this morning has nothing in it yet."""
    app, sender = await make_app(config, db, when="2023-02-15 08:00")
    await add_staff(app, "Trần Văn Giám", ["manager"], "u-manager")
    replies = await Chat(app, sender, "u-manager").replies("/baocao")
    assert replies[0].text == (
        "Kỳ tháng 02/2023 đã kết thúc ngày 14/02/2023, đang trong thời hạn báo cáo, nên lập báo cáo kỳ này. "
        "Để lập kỳ hiện tại, vui lòng gõ /baocao 03/2023."
    )
    assert replies[1].text == "Đang lập báo cáo tháng 02/2023 (15/01–14/02/2023)…\nKỳ này không có bản ghi nào chờ duyệt hoặc cần bổ sung."
    assert replies[-1].document_name == "BaoCao_KHCN_2023-02.docx"
    typed = await Chat(app, sender, "u-manager").replies("/baocao 03/2023")  # the current one, when asked
    assert typed[-1].document_name == "BaoCao_KHCN_2023-03.docx"
    exported = await Chat(app, sender, "u-manager").replies("/xuat")
    assert exported[0].text.endswith("vui lòng gõ /xuat 03/2023.") and exported[-1].document_name == "DuLieu_KHCN_2023-02.xlsx"


@pytest.mark.parametrize(("when", "key"), [("2023-02-20 16:00", "2023-02"), ("2023-02-21 08:00", "2023-03"),
                                           ("2023-02-14 08:00", "2023-02")])  # fmt: skip
async def test_after_the_due_day_the_report_is_of_the_current_month(config, db, when, key):
    app, sender = await make_app(config, db, when=when)
    await add_staff(app, "Trần Văn Giám", ["manager"], "u-manager")
    replies = await Chat(app, sender, "u-manager").replies("/baocao")
    assert replies[-1].document_name == f"BaoCao_KHCN_{key}.docx"


def test_the_due_day_is_configurable():
    day = dt.date
    assert report.default_period(day(2023, 2, 17), 14, 16) == (month_period(2023, 3), False)
    assert report.default_period(day(2023, 2, 16), 14, 16) == (month_period(2023, 2), True)
    assert report.default_period(day(2023, 2, 15), 14, 14) == (month_period(2023, 3), False)  # no window
    assert report.default_period(day(2023, 2, 21), 20, 25) == (month_period(2023, 2, 20), True)


async def test_export_is_an_xlsx_and_is_logged(office):
    app, sender, manager, _ = office
    replies = await Chat(app, sender, "u-manager").replies("/xuat 01/2023")
    assert [r.kind for r in replies] == ["text", "typing", "edit", "document"]
    assert replies[0].text == "Đang xuất dữ liệu kỳ tháng 01/2023 (15/12/2022–14/01/2023)…\nKỳ này không có bản ghi nào chờ duyệt hoặc cần bổ sung."
    document = replies[-1]
    assert document.document_name == "DuLieu_KHCN_2023-01.xlsx"
    workbook = openpyxl.load_workbook(document.document_path, read_only=True)
    assert workbook.sheetnames
    workbook.close()
    [row] = await logged(app)
    assert (row["kind"], row["period"], row["staff_id"]) == ("export", "2023-01", manager.id)


async def test_two_requests_never_share_a_file(office):
    app, sender, _, _ = office
    chat = Chat(app, sender, "u-manager")
    first = (await chat.replies("/baocao"))[-1]
    second = (await chat.replies("/baocao"))[-1]
    assert first.document_name == second.document_name
    assert first.document_path != second.document_path
    assert len(await logged(app)) == 2


async def test_the_job_runs_once_across_two_engines_and_a_crash(office):
    app, sender, manager, _ = office
    await app.engine.accept(message("u-manager", "/baocao"))
    assert await app.engine.process_chat_once("console", "u-manager")  # the message's unit of work only
    original = app.engine.job_handlers["report"]

    async def killed_after_the_work(session, job, now):
        await original(session, job, now)
        raise RuntimeError("killed before the commit")

    app.engine.job_handlers["report"] = killed_after_the_work
    with pytest.raises(RuntimeError):
        await app.engine.run_jobs_once()
    assert await logged(app) == []  # rolled back with the job's "done" mark

    restarted, sender2 = await make_app(app.config, app.db)
    assert await restarted.engine.run_jobs_once() == 1
    assert await restarted.engine.run_jobs_once() == 0
    app.engine.job_handlers["report"] = original
    assert await app.engine.run_jobs_once() == 0
    await restarted.engine.send_due_once()
    kinds = [r.kind for r in sender2.sent["u-manager"]]
    assert kinds == ["text", "typing", "edit", "document"]
    assert len(await logged(app)) == 1


async def test_a_failing_job_tells_the_manager_once(office, monkeypatch):
    app, sender, _, _ = office

    async def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(report, "generate_report", broken)
    replies = await Chat(app, sender, "u-manager").replies("/baocao")
    assert [r.kind for r in replies] == ["text", "typing", "edit"]
    assert replies[-1].text.startswith("Xin lỗi, không lập được báo cáo tháng 01/2023")
    assert await app.engine.run_jobs_once() == 0  # done: not retried forever
    assert await logged(app) == []


async def test_a_bad_default_list_fails_at_start(config, db):
    import dataclasses

    from bot.config import ConfigError

    broken = dataclasses.replace(config, reporting={**config.reporting, "b_default": "not a list"})
    with pytest.raises(ConfigError, match=r"\[reporting\] b_default phải là một danh sách chữ"):
        await make_app(broken, db)
