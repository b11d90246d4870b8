"""/ghichu through the real router, flow runtime, engine and database; notes imported from files."""

from __future__ import annotations

import docx
import pytest

from app import import_notes
from handlers import notes_listing
from reports.periods import month_period
from storage import engine_store, records
from storage.domain import Note, RecordMeta
from tests.kit import Chat, add_staff, make_app

A_IV_1 = 9  # its number in the section list


@pytest.fixture
async def office(config, db):
    app, sender = await make_app(config, db)
    clerk = await add_staff(app, "Lê Thị Thư", ["clerk"], "u-clerk")
    await add_staff(app, "Trần Văn Giám", ["manager"], "u-manager")
    await add_staff(app, "Phạm Kiểm", ["inspector"], "u-inspector")
    return app, sender, clerk


async def month_notes(app, period: str = "2023-01", section: str | None = None) -> list[Note]:
    async with app.db.read() as session:
        return await records.list_notes(session, period, section)


async def add(app, period: str, section: str, text: str, by: int | None = None) -> Note:
    async with app.db.unit_of_work() as session:
        return await records.add_note(
            session,
            Note(0, period, section, text),
            RecordMeta(by, recorded_at=app.clock.now()),  # type: ignore[arg-type]
        )


async def test_a_note_in_several_messages_until_xong(office):
    app, sender, clerk = office
    chat = Chat(app, sender, "u-clerk")
    first = await chat.say("/ghichu")
    assert "Ghi chú cho kỳ báo cáo nào?" in first
    assert "Gõ “ok” để chọn: Kỳ tháng 01/2023 (15/12/2022–14/01/2023), kỳ hiện tại" in first
    sections = await chat.say("ok")
    assert "1. A.I (mục I) Xây dựng cơ chế, chính sách, pháp luật về KH&CN" in sections
    assert "19. B Phương hướng, nhiệm vụ trọng tâm kỳ sau" in sections
    assert "Gõ nội dung ghi chú" in await chat.say(str(A_IV_1))  # an empty section: straight to writing
    assert "Đã nhận 1 tin" in await chat.say("Đoạn một.\nĐoạn hai.")
    assert "Đã nhận 2 tin" in await chat.say("Đoạn ba.")
    assert await chat.say("Xong") == "Đã lưu ghi chú mục A.IV.1, kỳ tháng 01/2023 (15/12/2022–14/01/2023). Mục này có 1 ghi chú."
    [note] = await month_notes(app)
    assert (note.section, note.text, note.meta.recorded_by) == (
        "A.IV.1",
        "Đoạn một.\nĐoạn hai.\nĐoạn ba.",
        clerk.id,
    )


async def test_xong_first_is_not_a_note_and_cancel_keeps_nothing(office):
    app, sender, _ = office
    chat = Chat(app, sender, "u-clerk")
    await chat.many("/ghichu", "ok", str(A_IV_1))
    assert "Ghi chú chưa có nội dung" in await chat.say("xong")
    await chat.say("Một đoạn.")
    assert "Đã hủy" in await chat.say("hủy")
    assert await month_notes(app) == []


async def test_sections_show_their_counts_and_a_section_with_notes_offers_a_menu(office):
    app, sender, _ = office
    await add(app, "2023-01", "A.IV.1", "Trong tháng, Chi cục đã kiểm tra 09 cơ sở.")
    chat = Chat(app, sender, "u-manager")
    assert f"{A_IV_1}. A.IV.1 (mục III.1) Quản lý nhà nước về tiêu chuẩn, đo lường, chất lượng (1)" in await chat.many(
        "/ghichu", "ok"
    )
    menu = await chat.say(str(A_IV_1))
    assert "1. Viết ghi chú mới\n2. Sửa/xóa: Trong tháng, Chi cục đã kiểm tra 09 cơ sở." in menu
    await chat.many("1", "Ghi chú thứ hai.", "xong")
    assert [n.text for n in await month_notes(app, section="A.IV.1")] == [
        "Trong tháng, Chi cục đã kiểm tra 09 cơ sở.",
        "Ghi chú thứ hai.",
    ]


async def test_sections_show_the_number_the_report_prints_beside_their_key(office):
    """The report leaves out a section with nothing to say and numbers the rest as it prints them: in
    January with one complaint note, no section III or V, so A.VII.4 prints as V.4 (tests/
    test_report_numbering.py checks the numbers against rendered reports)."""
    app, sender, _ = office
    await add(app, "2023-01", "A.VII.4", "Một đơn thư đã được chuyển cơ quan có thẩm quyền.")
    chat = Chat(app, sender, "u-clerk")
    sections = await chat.many("/ghichu", "ok")
    assert "“(mục …)” là số mục trong báo cáo kỳ này" in sections
    assert "18. A.VII.4 (mục V.4) Tiếp công dân, giải quyết khiếu nại, tố cáo (1)" in sections
    assert f"{A_IV_1}. A.IV.1 (mục III.1) Quản lý nhà nước về tiêu chuẩn, đo lường, chất lượng\n" in sections
    assert "5. A.III.1 (mục III.1) Phát triển nhân lực KH&CN" in sections  # where its first note will print
    assert "19. B Phương hướng, nhiệm vụ trọng tâm kỳ sau" in sections  # B is B
    await chat.many("5", "Đào tạo 20 cán bộ.", "Xong")
    sections = await chat.many("/ghichu", "ok")
    assert "18. A.VII.4 (mục VI.4) Tiếp công dân" in sections and "5. A.III.1 (mục III.1) Phát triển" in sections
    assert f"{A_IV_1}. A.IV.1 (mục IV.1)" in sections
    await chat.say("/huy")
    listed = await chat.say("/ghichu xem")
    assert "■ A.III.1 (mục III.1) Phát triển nhân lực KH&CN" in listed and "■ A.VII.4 (mục VI.4) Tiếp công dân" in listed


async def test_edit_replaces_or_keeps_and_adds(office):
    app, sender, _ = office
    note = await add(app, "2023-01", "A.I", "Cũ.")
    chat = Chat(app, sender, "u-clerk")
    await chat.many("/ghichu", "ok", "1", "2")  # section A.I, the note
    prompt = await chat.say("1")  # change it
    assert "Gõ “ok” để chọn: Giữ nội dung cũ, viết thêm" in prompt
    await chat.many("Mới.", "Xong")
    changed = await records_get(app, note.id)
    assert (changed.text, changed.meta.version) == ("Mới.", 2)
    await chat.many("/ghichu", "ok", "1", "2", "1", "ok", "Thêm.")
    assert await chat.say("xong") == "Đã sửa ghi chú mục A.I, kỳ tháng 01/2023 (15/12/2022–14/01/2023)."
    assert (await records_get(app, note.id)).text == "Mới.\nThêm."
    async with app.db.read() as session:
        audits = [e for e in await engine_store.audit_entries(session, "note") if e["action"] == "update"]
    assert len(audits) == 2


async def records_get(app, note_id: int) -> Note:
    async with app.db.read() as session:
        return await records.get_note(session, note_id, include_deleted=True)


async def test_delete_asks_first(office):
    app, sender, _ = office
    note = await add(app, "2023-01", "A.I", "Sẽ xóa.")
    chat = Chat(app, sender, "u-clerk")
    assert "Xóa hẳn ghi chú này khỏi báo cáo?" in await chat.many("/ghichu", "ok", "1", "2", "2")
    assert await chat.say("không") == "Đã giữ nguyên ghi chú, không xóa."
    assert [n.id for n in await month_notes(app)] == [note.id]
    await chat.many("/ghichu", "ok", "1", "2", "2")
    assert await chat.say("có") == "Đã xóa ghi chú mục A.I, kỳ tháng 01/2023 (15/12/2022–14/01/2023). Mục này còn 0 ghi chú."
    assert await month_notes(app) == []
    assert (await records_get(app, note.id)).meta.status == "deleted"


async def test_a_note_changed_by_someone_else_meanwhile_is_not_overwritten(office):
    app, sender, _ = office
    note = await add(app, "2023-01", "A.I", "Gốc.")
    chat = Chat(app, sender, "u-clerk")
    await chat.many("/ghichu", "ok", "1", "2", "1", "Của tôi.")
    async with app.db.unit_of_work() as session:
        other = RecordMeta(None, recorded_at=app.clock.now())  # type: ignore[arg-type]
        await records.update_note(session, Note(note.id, "2023-01", "A.I", "Của người khác."), other)
    assert "vừa được người khác sửa hoặc xóa" in await chat.say("xong")
    assert (await records_get(app, note.id)).text == "Của người khác."


async def test_carry_forward_in_one_answer_and_only_once(office):
    app, sender, _ = office
    await add(app, "2022-12", "A.I", "Tháng trước, mục A.I.")
    await add(app, "2022-12", "B", "1. Nhiệm vụ kỳ sau.")
    chat = Chat(app, sender, "u-clerk")
    assert await chat.say("/ghichu chep") == "Đã chép 2 ghi chú từ kỳ tháng 12/2022 (15/11–14/12/2022) sang kỳ tháng 01/2023 (15/12/2022–14/01/2023)."
    assert await chat.say("/ghichu chep") == (
        "Đã chép 0 ghi chú từ kỳ tháng 12/2022 (15/11–14/12/2022) sang kỳ tháng 01/2023 (15/12/2022–14/01/2023). Bỏ qua 2 ghi chú đã có sẵn."
    )
    assert [(n.section, n.text) for n in await month_notes(app)] == [
        ("A.I", "Tháng trước, mục A.I."),
        ("B", "1. Nhiệm vụ kỳ sau."),
    ]


async def test_carry_forward_from_the_form(office):
    app, sender, _ = office
    await add(app, "2022-12", "A.I", "Mục A.I kỳ trước.")
    await add(app, "2022-12", "A.II.2", "Mục A.II.2 kỳ trước.")
    chat = Chat(app, sender, "u-clerk")
    sections = await chat.many("/ghichu", "ok")
    assert "20. Chép tất cả 2 ghi chú từ kỳ tháng 12/2022 (15/11–14/12/2022) sang kỳ này" in sections
    menu = await chat.say("1")
    assert "2. Chép 1 ghi chú của mục này từ kỳ tháng 12/2022 (15/11–14/12/2022)" in menu
    assert await chat.say("2") == "Đã chép 1 ghi chú từ kỳ tháng 12/2022 (15/11–14/12/2022) sang kỳ tháng 01/2023 (15/12/2022–14/01/2023)."
    assert (
        await chat.many("/ghichu", "ok", "20")
        == "Đã chép 1 ghi chú từ kỳ tháng 12/2022 (15/11–14/12/2022) sang kỳ tháng 01/2023 (15/12/2022–14/01/2023). Bỏ qua 1 ghi chú đã có sẵn."
    )
    assert len(await month_notes(app)) == 2


async def test_section_b_offers_the_default_list(office):
    app, sender, _ = office
    chat = Chat(app, sender, "u-clerk")
    menu = await chat.many("/ghichu", "ok", "19")
    assert "2. Dùng danh sách mặc định (7 nhiệm vụ)" in menu
    assert await chat.say("2") == (
        "Đã đưa 7 nhiệm vụ mặc định vào mục B, kỳ tháng 01/2023 (15/12/2022–14/01/2023). Gõ /ghichu để sửa từng mục."
    )
    b = await month_notes(app, section="B")
    assert [n.position for n in b] == list(range(7)) and b[-1].text.startswith("6. Thực hiện nhiệm vụ khác")
    assert "Dùng danh sách mặc định" not in await chat.many("/ghichu", "ok", "19")


async def test_listing_shows_every_note_in_full(office):
    app, sender, _ = office
    await add(app, "2023-01", "A.IV.1", "Đoạn một.\nĐoạn hai.")
    await add(app, "2023-01", "A.I", "Về cơ chế.")
    listed = await Chat(app, sender, "u-manager").say("/ghichu xem")
    assert listed.startswith("Ghi chú kỳ tháng 01/2023 (15/12/2022–14/01/2023), 2 ghi chú:")
    assert listed.index("■ A.I (mục I) Xây dựng") < listed.index("• Về cơ chế.") < listed.index("■ A.IV.1")
    assert "• Đoạn một.\nĐoạn hai." in listed
    assert await Chat(app, sender, "u-clerk").say("/ghichu xem 12/2022") == (
        "Kỳ tháng 12/2022 (15/11–14/12/2022) chưa có ghi chú nào. Gõ /ghichu để viết."
    )


def test_a_long_listing_is_cut_into_phone_sized_messages():
    blocks = ["Header"] + [f"■ {i}\n" + "\n".join("x" * 900 for _ in range(5)) for i in range(3)]
    messages = notes_listing.messages(blocks, limit=3000)
    assert all(len(m) <= 3000 for m in messages) and len(messages) >= 5
    assert "".join(messages).count("x" * 900) == 15


async def test_shortcut_opens_a_month_and_a_section(office):
    app, sender, _ = office
    chat = Chat(app, sender, "u-clerk")
    assert "Gõ nội dung ghi chú" in await chat.say("/ghichu 12/2022 A.IV.1")
    assert (
        await chat.many("Kỳ trước.", "xong")
        == "Đã lưu ghi chú mục A.IV.1, kỳ tháng 12/2022 (15/11–14/12/2022). Mục này có 1 ghi chú."
    )
    assert [n.text for n in await month_notes(app, "2022-12")] == ["Kỳ trước."]
    answer = await chat.say("/ghichu 13/2022")
    assert answer.startswith("Kỳ báo cáo “13/2022” không hợp lệ") and "Ghi chú cho kỳ báo cáo nào?" in answer
    assert "không hợp lệ" in await chat.say("14/2023")
    assert "Ghi chú được lưu theo tháng" in await chat.say("2023-Q1")


async def test_who_may_write_notes(office):
    app, sender, _ = office
    assert "Ghi chú cho kỳ báo cáo nào?" in await Chat(app, sender, "u-manager").say("/note")
    refused = await Chat(app, sender, "u-inspector").say("/ghichu")
    assert refused == "Lệnh /ghichu dành cho chuyên viên, lãnh đạo; tài khoản của đồng chí không có quyền này."


# --- import --------------------------------------------------------------------------------------------

TXT = """\
# A.IV.1 Quản lý nhà nước về tiêu chuẩn, đo lường, chất lượng
Đoạn một của ghi chú thứ nhất.
Đoạn hai của ghi chú thứ nhất.

Ghi chú thứ hai.

#  Phương hướng, nhiệm vụ trọng tâm kỳ sau
1. Nhiệm vụ một.
"""


async def test_import_from_text_twice_adds_once(office, tmp_path):
    app, _, clerk = office
    path = tmp_path / "notes.txt"
    path.write_text(TXT, encoding="utf-8")
    assert await import_notes.import_notes(app.db, month_period(2023, 1), path, recorded_by=clerk.id) == 3
    assert await import_notes.import_notes(app.db, month_period(2023, 1), path) == 0
    assert [(n.section, n.text) for n in await month_notes(app)] == [
        ("A.IV.1", "Đoạn một của ghi chú thứ nhất.\nĐoạn hai của ghi chú thứ nhất."),
        ("A.IV.1", "Ghi chú thứ hai."),
        ("B", "1. Nhiệm vụ một."),
    ]


async def test_import_from_docx_with_heading_styles(office, tmp_path):
    app, _, _ = office
    document = docx.Document()
    document.add_heading("A.I", level=1)
    document.add_paragraph("Về cơ chế, chính sách.")
    document.add_paragraph("Đoạn thứ hai.")
    document.add_paragraph("")
    document.add_paragraph("Ghi chú khác.")
    document.add_paragraph("# B")
    document.add_paragraph("1. Nhiệm vụ.")
    path = tmp_path / "notes.docx"
    document.save(path)
    assert await import_notes.import_notes(app.db, "2023-01", path) == 3
    assert [(n.section, n.text) for n in await month_notes(app)] == [
        ("A.I", "Về cơ chế, chính sách.\nĐoạn thứ hai."),
        ("A.I", "Ghi chú khác."),
        ("B", "1. Nhiệm vụ."),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Chữ trước tiêu đề.\n# A.I\nx\n", "line 1: text before the first section heading"),
        ("# A.IX\nx\n", "line 1: “A.IX” names no report section"),
        ("# A.I\n\n", "no notes found"),
    ],
)
def test_import_rejects_a_file_not_in_the_format(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(import_notes.NotesFileError, match=message):
        import_notes.read_notes_file(path)


def test_import_rejects_missing_binary_and_broken_docx(tmp_path):
    with pytest.raises(import_notes.NotesFileError, match="no such file"):
        import_notes.read_notes_file(tmp_path / "missing.txt")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("# A.I\nqu\xe9".encode("latin-1"))
    with pytest.raises(import_notes.NotesFileError, match="not UTF-8"):
        import_notes.read_notes_file(latin)
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(import_notes.NotesFileError, match="not a readable .docx"):
        import_notes.read_notes_file(broken)


def test_the_format_is_documented_with_every_section_key():
    assert all(key in import_notes.IMPORT_FORMAT for key in ("A.IV.1", "B", "# A.I"))
