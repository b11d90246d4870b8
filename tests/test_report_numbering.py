"""The number /ghichu shows beside a section's key is the number the .docx prints above that section's
notes (reports/numbering.py): read back from rendered reports, the model month and sparse months
where sections are left out and the numbers close up."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import shutil
from pathlib import Path

from docx.text.paragraph import Paragraph

import texts
from reports import numbering
from reports.aggregate import aggregate
from reports.demo import load_demo
from reports.periods import month_period
from reports.render import render_monthly_report
from reports.sections import SECTION_KEYS
from reports.service import generate_report
from storage import records
from storage.domain import Activity, Note, PeriodRecords, RecordMeta
from tests.test_report_support import STAFF_ID, blocks, catalogue, model_settings, sqlite_database

PERIOD = month_period(2023, 1)
CAT = catalogue()
HEADINGS = texts.report_template.HEADINGS
_LEVEL = {title: key.count(".") for key, title in HEADINGS.items() if key not in ("A", "B")}  # 1: I., 2: 1., 3: 1.1.


def printed_numbers(path: Path, marks: dict[str, str]) -> dict[str, str]:
    """For each mark (a piece of a note's text, by the note's section), the number of the heading printed
    above the paragraph that holds it, as the reader of the .docx sees it: "V.4" under "V." then "4."."""
    roman = current = ""
    found: dict[str, str] = {}
    for block in blocks(path):
        if not isinstance(block, Paragraph) or not block.text.strip():
            continue
        text = block.text.strip()
        if text == HEADINGS["A"] or text.startswith("B. PHƯƠNG HƯỚNG"):
            roman, current = "", text[0]
            continue
        heading = re.fullmatch(r"([IVX]+|\d+|\d+\.\d+)\. (.+)", text)
        if heading and _LEVEL.get(heading[2]) == (1 if heading[1].isalpha() else 2 + heading[1].count(".")):
            roman = heading[1] if heading[1].isalpha() else roman
            current = roman if heading[1].isalpha() else f"{roman}.{heading[1]}"
            continue
        for section, mark in marks.items():
            if mark in text:
                assert section not in found, f"{mark!r} printed twice"
                found[section] = current
    return found


def render(records: PeriodRecords, path: Path) -> tuple[Path, dict[str, str]]:
    """The report of the records, and the numbers /ghichu would show for them."""
    data = aggregate(records, CAT, PERIOD)
    return render_monthly_report(data, model_settings(), path), numbering.section_numbers(data, model_settings())


def note(section: str, *, position: int = 0) -> Note:
    return Note(0, PERIOD.key, section, f"Ghi chú thử của mục {section}.", position)


def mark(section: str) -> str:
    return f"Ghi chú thử của mục {section}."


# --- the model month ----------------------------------------------------------------------------------


async def _model_month(tmp: Path) -> tuple[Path, dict[str, str], list[Note]]:
    db = await sqlite_database(tmp)
    try:
        await load_demo(db, CAT, STAFF_ID)
        made = await generate_report(db, CAT, model_settings(), PERIOD, tmp / "report.docx")
        async with db.read() as session:
            numbers = await numbering.month_section_numbers(session, CAT, model_settings(), PERIOD)
            notes = (await numbering.period_records(session, PERIOD)).notes
        return made.path, numbers, list(notes)
    finally:
        await db.close()


def test_the_model_month_prints_each_note_under_the_number_ghichu_shows(tmp_path):
    path, numbers, notes = asyncio.run(_model_month(tmp_path))
    sections = {n.section for n in notes}
    assert len(sections) >= 12  # the model writes in most sections
    # one mark per section: a piece of its first note's first paragraph (from its middle, past any "- ")
    marks = {}
    for n in sorted(notes, key=lambda n: n.position):
        first = n.text.split("\n")[0].strip()
        marks.setdefault(n.section, first[len(first) // 3 : len(first) // 3 + 40])
    printed = printed_numbers(path, marks)
    assert printed.keys() == sections
    assert {s: numbers[s] for s in sections} == printed
    assert (printed["A.III.2.2"], printed["A.VI.2"], printed["B"]) == ("III.2.2", "VI.2", "B")


# --- months where sections are left out ------------------------------------------------------------------


def test_a_sparse_month_closes_the_numbers_up_and_ghichu_says_so(tmp_path):
    """No section III or V: IV prints as III, VII as V; VI.2 as IV.1 (VI.1 has nothing to say); II.1.2's
    note stands under II.1 (no lone 1.1)."""
    present = ("A.I", "A.II.1.2", "A.IV.1", "A.VI.2", "A.VII.1", "A.VII.4", "B")
    path, numbers = render(PeriodRecords(notes=tuple(note(s) for s in present)), tmp_path / "r.docx")
    printed = printed_numbers(path, {s: mark(s) for s in present})
    assert printed == {s: numbers[s] for s in present}
    assert printed == {"A.I": "I", "A.II.1.2": "II.1", "A.IV.1": "III.1", "A.VI.2": "IV.1", "A.VII.1": "V.1",
                       "A.VII.4": "V.4", "B": "B"}  # fmt: skip
    assert set(numbers) == set(SECTION_KEYS)  # the others: where a note would put them


def test_a_section_without_notes_is_shown_where_its_first_note_will_print(tmp_path):
    """Each section left out of a sparse month, written into: its note prints under the number /ghichu
    showed before it was written (and the figures' sections speak as they did)."""
    base = (note("A.VII.4"), note("B"))
    activity = Activity(0, "khieu_nai", PERIOD.start, 2)
    records = PeriodRecords(notes=base, activities=(activity,))
    _, before = render(records, tmp_path / "base.docx")
    absent = ["A.II.1.1", "A.III.1", "A.III.2.2", "A.V.1", "A.VI.1"]
    assert [before[s] for s in absent] == ["II.1.1", "III.1", "III.1.1", "IV.1", "IV.1"]
    for section in absent:
        path, _ = render(PeriodRecords(notes=(*base, note(section)), activities=(activity,)), tmp_path / "w.docx")
        assert printed_numbers(path, {section: mark(section)}) == {section: before[section]}, section


def test_figures_alone_bring_a_section_in(tmp_path):
    """An initiative recognised brings section V in with no note: VI and VII move on by one."""
    records = PeriodRecords(notes=(note("A.VII.4"),), activities=(Activity(0, "sang_kien", PERIOD.start, 1, "", 2),))
    path, numbers = render(records, tmp_path / "r.docx")
    assert printed_numbers(path, {"A.VII.4": mark("A.VII.4")}) == {"A.VII.4": "VI.4"} and numbers["A.VII.4"] == "VI.4"
    assert (numbers["A.V.2"], numbers["A.V.1"]) == ("IV.1", "IV.1")  # V.1, empty, would come before it


def test_the_skeleton_is_read_once_per_template_file(tmp_path):
    template = Path(model_settings().template)
    assert numbering.skeleton(template) is numbering.skeleton(template)
    copy = tmp_path / "t.docx"
    shutil.copyfile(template, copy)
    first = numbering.skeleton(copy)
    os.utime(copy, ns=(1, 1))  # a department's edited template: read again
    assert numbering.skeleton(copy) is not first


def test_the_skeleton_keeps_statements_and_heading_numbers_only():
    xml = (
        '<w:p><w:t>{{ n.h1() }}. Heading</w:t></w:p>{% if notes.A_I %}{% for t in notes.A_I.before %}'
        "<w:p><w:t>{{ t }}</w:t></w:p>{% endfor %}{% endif %}"
        "<w:p><w:t>- {{ act.x.count }} items{% for t in notes.A_II.continuation %} {{ t }}{% endfor %}</w:t></w:p>"
    )
    assert numbering.skeleton_source(xml) == (
        '{{ n.h1() }}{% if notes.A_I %}{{ n.here("A_I") }}{% for t in notes.A_I.before %}{% endfor %}{% endif %}'
        '{{ n.here("A_II") }}{% for t in notes.A_II.continuation %}{% endfor %}'
    )


async def _asked_three_times(tmp: Path) -> tuple[list[dict[str, str]], int]:
    db = await sqlite_database(tmp)
    try:
        await load_demo(db, CAT, STAFF_ID)
        seen, loads = [], numbering.KEPT.loads

        async def ask() -> None:
            async with db.read() as session:
                seen.append(await numbering.month_section_numbers(session, CAT, model_settings(), PERIOD))

        await ask()
        await ask()  # nothing changed: kept
        async with db.unit_of_work() as session:  # VI.1's notes go: its heading leaves, VI.2 prints as 1.
            for n in (await numbering.period_records(session, PERIOD)).notes:
                if n.section == "A.VI.1":
                    await records.delete_note(session, n.id, RecordMeta(STAFF_ID))
        await ask()
        return seen, numbering.KEPT.loads - loads
    finally:
        await db.close()


def test_a_months_numbers_are_kept_until_the_month_changes(tmp_path):
    """The form asks for its section list twice per step: the second time costs the stamp only; a
    deleted note (the month's stamp moves) is seen at once."""
    seen, loads = asyncio.run(_asked_three_times(tmp_path))
    assert loads == 2 and seen[0] == seen[1]
    assert (seen[0]["A.VI.2"], seen[2]["A.VI.2"]) == ("VI.2", "VI.1")


def test_a_template_made_before_the_parts_were_marked_still_numbers_b_as_b(tmp_path):
    """A department's copy of the template from before `n.part` (its B heading unmarked): B is B, not
    the last number of part A."""
    import zipfile

    old = tmp_path / "old.docx"
    with zipfile.ZipFile(model_settings().template) as src, zipfile.ZipFile(old, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                assert data.count(b'{{ n.part(&quot;B&quot;) }}') + data.count(b'{{ n.part("B") }}') == 1
                data = data.replace(b'{{ n.part(&quot;B&quot;) }}', b"").replace(b'{{ n.part("B") }}', b"")
            dst.writestr(item, data)
    settings = dataclasses.replace(model_settings(), template=old)
    data = aggregate(PeriodRecords(notes=(note("A.VII.4"), note("B"))), CAT, PERIOD)
    numbers = numbering.section_numbers(data, settings)
    assert (numbers["B"], numbers["A.VII.4"]) == ("B", "V.4")
