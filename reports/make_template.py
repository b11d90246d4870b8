"""Build reports/templates/monthly_report.docx, the Word template of the monthly report.

The words are in texts/report_template.py (every heading and sentence, with its Jinja2 tags over
reports.aggregate.MonthlyReportData plus `org` (ReportSettings) and `doc` (number and date)); this
script lays them out and holds no sentence of its own. After changing a wording there, or the layout
here, run `python -m reports.make_template` and commit the rebuilt .docx beside it: the same script
and words always give the same bytes (tests/test_report_render.py), so the committed template is
the one they make. A department that edits its template in Word points [reporting] report_template at
its own copy instead.

Layout per Nghị định 30/2020, Phụ lục I and its Mẫu 1.4 (docs/domain-vn.md §1): A4; margins top and
bottom 20 mm, left 30 mm, right 15 mm; Times New Roman; body 14 pt justified, first line 1 cm, 6 pt
before; the borderless two-column header (Mẫu 1.4 has 3829 + 5670 twips; we use 4440 + 5300, indented
-390, so "SỞ KHOA HỌC VÀ CÔNG NGHỆ" and the quốc hiệu each fit one line at 12 pt, the low end of ND 30's
12-13 pt; cell margins 85 twips); title, trích yếu and a short rule;
the signature table (grid 2994 + 6290 twips) with "Nơi nhận" 12 pt bold italic and its list 11 pt;
page numbers centred in the header from page 2 on.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, Twips

import texts

T = texts.report_template  # the report's words; this script lays them out

OUT = Path(__file__).parent / "templates" / "monthly_report.docx"
FONT = "Times New Roman"
BODY_PT = 14
JUSTIFY, CENTER, LEFT = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT

# A run is (text, style letters): "b" bold, "i" italic, "s" superscript.
Run = tuple[str, str]


# --- low-level helpers --------------------------------------------------------------------------

# ECMA-376 Part 1, 17.3.1.26 (CT_PPr) and 17.4.60 (CT_TblPr): children in this order, or Word may
# refuse the file ("unreadable content") where LibreOffice forgives it.
PPR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
    "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
    "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
)  # fmt: skip
TBLPR_ORDER = (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
    "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
    "tblCaption", "tblDescription", "tblPrChange",
)  # fmt: skip


def _insert_ordered(parent, child, order: tuple[str, ...]) -> None:
    """Put child where the schema's sequence wants it: before the first sibling that comes after it."""
    rank = {qn(f"w:{name}"): i for i, name in enumerate(order)}
    mine = rank[child.tag]
    for sibling in parent:
        if rank.get(sibling.tag, -1) > mine:
            sibling.addprevious(child)
            return
    parent.append(child)



def _fonts(rpr) -> None:
    """Times New Roman for every script slot, so Vietnamese never falls back to another font."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    rpr.append(lang)


def _run(paragraph, text: str, style: str = "", size: float | None = None):
    run = paragraph.add_run(text)
    run.bold = "b" in style or None
    run.italic = "i" in style or None
    run.font.superscript = "s" in style or None
    if size:
        run.font.size = Pt(size)
    return run


def _para(container, runs: list[Run] | str, *, align=JUSTIFY, size: float | None = None, indent: bool = True,
          before: float = 6, after: float = 0, left: float = 0, keep: bool = False):  # fmt: skip
    """A paragraph of runs; body defaults (justified, first line 1 cm, 6 pt before)."""
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Cm(1) if indent and align == JUSTIFY else Cm(0)
    fmt.left_indent = Cm(left)
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.keep_with_next = keep or None
    for text, style in [(runs, "")] if isinstance(runs, str) else runs:
        _run(p, text, style, size)
    return p


def _tag(container, tag: str) -> None:
    """A docxtpl paragraph tag ({%p ... %}): the whole paragraph is replaced by the Jinja statement."""
    _para(container, f"{{%p {tag} %}}", before=0)


def _cell_para(cell, runs: list[Run] | str, *, align=CENTER, size: float = 13, first: bool = False):
    """A single-spaced line in a table cell; `first` reuses the cell's initial empty paragraph."""
    if first:
        p = cell.paragraphs[0]
        p.paragraph_format.alignment = align
        for text, style in [(runs, "")] if isinstance(runs, str) else runs:
            _run(p, text, style, size)
    else:
        p = _para(cell, runs, align=align, size=size, indent=False, before=0)
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.line_spacing = 1.0
    return p


def _rule(container, *, width_cm: float, box_cm: float) -> None:
    """A short solid line, centred: a 1 pt-high empty paragraph with a bottom border and indents."""
    p = _para(container, "", align=CENTER, indent=False, before=0)
    side = Cm(max(box_cm - width_cm, 0) / 2)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = side
    p.paragraph_format.line_spacing = Pt(2)
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    _insert_ordered(ppr, borders, PPR_ORDER)
    mark = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    mark.append(size)
    _insert_ordered(ppr, mark, PPR_ORDER)


def _widths(table, widths) -> None:
    """Column widths in both places: Word reads the cells' tcW, LibreOffice the table's tblGrid."""
    for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        col.w = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _table(doc, widths_twips: list[int], *, indent_twips: int = 0, rows: int = 1):
    """A borderless fixed-width table (header and signature blocks)."""
    table = doc.add_table(rows=rows, cols=len(widths_twips))
    table.autofit = False  # python-docx writes the one <w:tblLayout w:type="fixed"/>
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    _widths(table, [Twips(w) for w in widths_twips])
    tblpr = table._tbl.tblPr
    ind = OxmlElement("w:tblInd")
    ind.set(qn("w:w"), str(indent_twips))
    ind.set(qn("w:type"), "dxa")
    _insert_ordered(tblpr, ind, TBLPR_ORDER)
    margins = OxmlElement("w:tblCellMar")
    for side in ("w:left", "w:right"):
        margin = OxmlElement(side)
        margin.set(qn("w:w"), "85")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    _insert_ordered(tblpr, margins, TBLPR_ORDER)
    return table


def _page_number_header(section) -> None:
    """No number on page 1; from page 2 a centred PAGE field in the header, 14 pt upright."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        run = _run(p, "", size=BODY_PT)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text


def _preserve_spaces(doc) -> None:
    """Keep spaces at the ends of runs ("ngày      tháng"): Word drops them without xml:space."""
    for t in doc.element.body.iter(qn("w:t")):
        t.set(qn("xml:space"), "preserve")


# --- document parts -----------------------------------------------------------------------------


def _setup(doc) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    _fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.line_spacing = 1.15
    normal.paragraph_format.space_after = Pt(0)
    _page_number_header(section)


def _letterhead(doc) -> None:
    """Ô 1-4: issuing body, number and symbol | national motto, place and date."""
    left, right = _table(doc, [4440, 5300], indent_twips=-390).rows[0].cells
    _cell_para(left, "{{ org.parent_body }}", size=12, first=True)
    _cell_para(left, [("{{ org.department }}", "b")], size=12)
    _rule(left, width_cm=3.0, box_cm=7.83)
    p = _cell_para(left, T.NUMBER_LINE)
    p.paragraph_format.space_before = Pt(6)
    _cell_para(right, [(T.NATION, "b")], size=12, first=True)
    _cell_para(right, [(T.MOTTO, "b")], size=14)
    _rule(right, width_cm=6.2, box_cm=9.35)
    p = _cell_para(right, [(T.PLACE_AND_DATE, "i")], size=14)
    p.paragraph_format.space_before = Pt(6)


def _title(doc) -> None:
    _para(doc, [(T.TITLE, "b")], align=CENTER, before=18)
    _para(doc, [(T.SUBJECT, "b")], align=CENTER, before=0)
    _rule(doc, width_cm=4.5, box_cm=16.5)
    _para(doc, "{{ period.line }}", align=CENTER, before=6)
    _para(doc, [("{{ period.range_line }}", "i")], align=CENTER, before=0)


def _addressees(doc) -> None:
    """ "Kính gửi": one recipient on the same line; several one per line under the colon."""
    _tag(doc, "if org.recipients_to|length == 1")
    _para(doc, T.TO_ONE, align=CENTER, before=12)
    _tag(doc, "elif org.recipients_to")
    _para(doc, T.TO_MANY, align=LEFT, indent=False, left=3.0, before=12, keep=True)
    _tag(doc, "for r in org.recipients_to")
    _para(
        doc,
        "- {{ r }}{% if loop.last %}.{% else %};{% endif %}",
        align=LEFT,
        indent=False,
        left=5.3,
        before=0,
    )
    _tag(doc, "endfor")
    _tag(doc, "endif")


def _heading(doc, text: str, style: str = "b") -> None:
    _para(doc, [(text, style)], keep=True)


def PART(letter: str) -> str:  # noqa: N802  (A, B: unnumbered; the numbers under them start again)
    return f'{{{{ n.part("{letter}") }}}}' + T.HEADINGS[letter]


def H1(section: str) -> str:  # noqa: N802  (heading numbers counted at render time: see render.Numbering)
    """The heading of a section (its key in texts.report_template.HEADINGS), numbered as printed."""
    return "{{ n.h1() }}. " + T.HEADINGS[section]


def H2(section: str) -> str:  # noqa: N802
    return "{{ n.h2() }}. " + T.HEADINGS[section]


def H3(section: str) -> str:  # noqa: N802
    return "{{ n.h3() }}. " + T.HEADINGS[section]


def _notes(doc, section: str, part: str = "", loop: str = "") -> None:
    """A section's notes, one paragraph each: `part` "before"/"after" the figures, or both."""
    for which in [part] if part else ["before", "after"]:
        _tag(doc, f"for t in {loop or f'notes.{section}.{which}'}")
        _para(doc, "{{ t }}")
        _tag(doc, "endfor")


def _if(doc, condition: str, *parts) -> None:
    """Parts (callables taking the document) inside {%p if condition %} … {%p endif %}: a section the
    template leaves out when there is nothing to say, its heading too, the numbers closing up."""
    _tag(doc, f"if {condition}")
    for part in parts:
        part(doc)
    _tag(doc, "endif")


def _notes_or(doc, section: str, sentence: str) -> None:
    """The section's notes, or its sentence for "nothing this period"."""
    _tag(doc, f"if notes.{section}")
    _notes(doc, section)
    _tag(doc, "else")
    _para(doc, sentence)
    _tag(doc, "endif")


def _with_figures(doc, section: str, *paragraphs: list[Run] | str, condition: str = "", otherwise: str = "") -> None:
    """Notes placed before the figures, the figure paragraphs (optionally conditional), the rest.

    A figure paragraph that is a list item ("- …") takes the notes that continue it (paragraphs after
    the figures that start no item of their own, SectionNotes.continuation) into its own paragraph, and
    ends as a list item does: ";" when another item of the section follows, "." when it is the last
    (or a continuing note follows it); `otherwise` is the sentence printed when neither the figures
    nor any note has something to say."""
    _notes(doc, section, "before")
    if condition:
        _tag(doc, f"if {condition}")
    dashed = False
    for runs in paragraphs:
        if isinstance(runs, str) and re.sub(r"^(\{%.*?%\})+", "", runs).startswith("- "):
            runs = runs.removesuffix(";").removesuffix(".") + _item_end(section)
            runs = runs + f"{{% for t in notes.{section}.continuation %}} {{{{ t }}}}{{% endfor %}}"
            dashed = True
        _para(doc, runs)
    if condition:
        if otherwise:
            _tag(doc, f"elif not notes.{section}")
            _para(doc, otherwise)
        _tag(doc, "endif")
    rest = f"notes.{section}.rest" if dashed else f"notes.{section}.after"
    if dashed and condition:
        rest = f"(notes.{section}.rest if {condition} else notes.{section}.after)"
    _notes(doc, section, "after", loop=rest)


def _item_end(section: str) -> str:
    """A figure's list item ends with ";" when another item of its section follows, else a full stop."""
    return f"{{% if notes.{section}.rest and not notes.{section}.continuation %}};{{% else %}}.{{% endif %}}"


def _failures(doc) -> None:
    _tag(doc, "if plan.failures")
    _para(doc, T.FAILURES, keep=True)
    _tag(doc, "for f in plan.failures")
    _para(doc, T.FAILURE)
    _tag(doc, "endfor")
    _tag(doc, "endif")


III = "notes.A_III_1 or notes.A_III_2_1 or notes.A_III_2_2 or notes.A_III_3 or act.gcn_ket_qua_nhiem_vu.count"


def _part_a_i_to_iii(doc) -> None:
    """Per section, what an empty period prints: its sentence for "nothing", or nothing at all (the
    section and its heading left out, numbers closing up). Sections with figures always speak."""
    _heading(doc, PART("A"))
    _heading(doc, H1("A.I"))
    _notes_or(doc, "A_I", T.NO_POLICY)
    _heading(doc, H1("A.II"))
    _part_a_ii_1(doc)
    _heading(doc, H2("A.II.2"), "bi")
    _with_figures(doc, "A_II_2", T.TECH_OPINIONS, condition="act.y_kien_cong_nghe.count",
                  otherwise=T.NO_TECH_OPINIONS)  # fmt: skip
    _if(doc, III, _part_a_iii)


II_1_1 = "notes.A_II_1_1"


def _part_a_ii_1(doc) -> None:
    """II.1: its sub-headings (1.1, 1.2) only when 1.1 has notes, never a lone "1.1."; 1.2 always speaks."""
    _heading(doc, H2("A.II.1"), "bi")
    _if(doc, II_1_1, lambda d: _heading(d, H3("A.II.1.1"), "i"), lambda d: _notes(d, "A_II_1_1"),
        lambda d: _heading(d, H3("A.II.1.2"), "i"))  # fmt: skip
    _a_ii_1_2(doc)


def _a_ii_1_2(doc) -> None:
    """The month's notes with the figure; without a note, the configured default paragraph ([reporting]
    section_defaults, "A.II.1.2") with the figure in its sentence; without either, the figure alone, or
    the sentence for "nothing this period"."""
    _tag(doc, "if notes.A_II_1_2")
    _with_figures(doc, "A_II_1_2", T.NGHIEM_THU_SENTENCE, condition="act.nghiem_thu_nhiem_vu.count")
    _tag(doc, "elif defaults.A_II_1_2")
    _para(doc, T.WITH_NGHIEM_THU)
    _tag(doc, "elif act.nghiem_thu_nhiem_vu.count")
    _para(doc, T.NGHIEM_THU_SENTENCE)
    _tag(doc, "else")
    _para(doc, T.NO_NGHIEM_THU)
    _tag(doc, "endif")


def _part_a_iii(doc) -> None:
    _heading(doc, H1("A.III"))
    _if(doc, "notes.A_III_1", lambda d: _heading(d, H2("A.III.1"), "bi"), lambda d: _notes(d, "A_III_1"))
    _if(doc, "notes.A_III_2_1 or notes.A_III_2_2", _part_a_iii_2)
    _if(doc, "notes.A_III_3 or act.gcn_ket_qua_nhiem_vu.count",
        lambda d: _heading(d, H2("A.III.3"), "bi"),
        lambda d: _with_figures(d, "A_III_3", T.TASK_RESULT_CERTIFICATES,
                                condition="act.gcn_ket_qua_nhiem_vu.count"))  # fmt: skip


def _part_a_iii_2(doc) -> None:
    _heading(doc, H2("A.III.2"), "bi")
    _if(doc, "notes.A_III_2_1", lambda d: _heading(d, H3("A.III.2.1"), "i"), lambda d: _notes(d, "A_III_2_1"))
    _if(doc, "notes.A_III_2_2", lambda d: _heading(d, H3("A.III.2.2"), "i"), lambda d: _notes(d, "A_III_2_2"))


CONFORMITY_ANY = "act.hop_chuan.count or act.hop_quy.count or act.thep_nhap_khau.count"


def _calibration(doc) -> None:
    """IV.2: the sentence with the totals, the table by field with its bold total row, the closing line."""
    _notes(doc, "A_IV_2", "before")
    _tag(doc, "if calibration.rows")
    _para(doc, list(T.CALIBRATION), keep=True)
    _calibration_table(doc)
    _para(doc, T.CALIBRATION_PURPOSE, before=12)
    _tag(doc, "elif not notes.A_IV_2")
    _para(doc, T.NO_CALIBRATION)
    _tag(doc, "endif")
    _notes(doc, "A_IV_2", "after")


def _calibration_table(doc) -> None:
    widths = [1.4, 4.3, 1.9, 3.3, 2.4, 2.9]
    table = doc.add_table(rows=5, cols=6)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _widths(table, [Cm(w) for w in widths])
    cells = (
        [(h, "b") for h in T.CALIBRATION_HEADERS],
        [("{%tr for row in calibration.rows %}", "")] + [("", "")] * 5,
        [("{{ row.stt }}", ""), ("{{ row.label }}", ""), ("{{ row.unit }}", ""), ("{{ row.verified }}", ""),
         ("{{ row.rejected }}", ""), ("{{ row.certificates }}", "")],
        [("{%tr endfor %}", "")] + [("", "")] * 5,
        [("", ""), (T.CALIBRATION_TOTAL, "b"), ("", ""), ("{{ calibration.verified }}", "b"),
         ("{{ calibration.rejected }}", "b"), ("{{ calibration.certificates }}", "b")],
    )  # fmt: skip
    for row, values in zip(table.rows, cells, strict=True):
        for i, (cell, (text, style)) in enumerate(zip(row.cells, values, strict=True)):
            _cell_para(cell, [(text, style)], align=LEFT if i == 1 and row is not table.rows[0] else CENTER,
                       first=True)  # fmt: skip
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))


def _part_a_iv_to_vi(doc) -> None:
    _heading(doc, H1("A.IV"))
    _heading(doc, H2("A.IV.1"), "bi")
    _with_figures(doc, "A_IV_1", T.CONFORMITY, condition=CONFORMITY_ANY, otherwise=T.NO_CONFORMITY)
    _heading(doc, H2("A.IV.2"), "bi")
    _calibration(doc)
    _if(doc, "notes.A_V_1 or notes.A_V_2 or act.sang_kien.count", _part_a_v)
    _heading(doc, H1("A.VI"))
    _if(doc, "notes.A_VI_1", lambda d: _heading(d, H2("A.VI.1"), "bi"), lambda d: _notes(d, "A_VI_1"))
    _heading(doc, H2("A.VI.2"), "bi")
    _with_figures(doc, "A_VI_2", T.LICENCES, condition="licences.total", otherwise=T.NO_LICENCES)


def _part_a_v(doc) -> None:
    _heading(doc, H1("A.V"))
    _if(doc, "notes.A_V_1", lambda d: _heading(d, H2("A.V.1"), "bi"), lambda d: _notes(d, "A_V_1"))
    _if(doc, "notes.A_V_2 or act.sang_kien.count", lambda d: _heading(d, H2("A.V.2"), "bi"),
        lambda d: _with_figures(d, "A_V_2", T.INITIATIVES, condition="act.sang_kien.count"))  # fmt: skip


def _part_a_vii(doc) -> None:
    _heading(doc, H1("A.VII"))
    _heading(doc, H2("A.VII.1"), "bi")
    _notes(doc, "A_VII_1", "before")
    _notes(doc, "A_VII_1", "after")
    _tag(doc, "for plan in inspections.approved")
    _para(doc, T.APPROVED)
    _tag(doc, "endfor")
    _tag(doc, "if not (notes.A_VII_1 or inspections.approved)")
    _para(doc, T.NO_APPROVED)
    _tag(doc, "endif")
    _heading(doc, H2("A.VII.2"), "bi")
    _notes(doc, "A_VII_2", "before")
    _tag(doc, "if inspections.thanh_tra")
    _para(doc, T.AUDITS)
    _tag(doc, "for plan in inspections.thanh_tra")
    _para(doc, T.AUDIT_PLAN)
    _failures(doc)
    _tag(doc, "endfor")
    _tag(doc, "elif not notes.A_VII_2")
    _para(doc, T.NO_AUDITS)
    _tag(doc, "endif")
    _notes(doc, "A_VII_2", "after")
    _heading(doc, H2("A.VII.3"), "bi")
    _notes(doc, "A_VII_3", "before")
    _tag(doc, "for plan in inspections.kiem_tra")
    _para(doc, T.INSPECTION_PLAN)
    _failures(doc)
    _tag(doc, "endfor")
    _tag(doc, "if not (inspections.kiem_tra or notes.A_VII_3)")
    _para(doc, T.NO_INSPECTIONS)
    _tag(doc, "endif")
    _notes(doc, "A_VII_3", "after")
    _heading(doc, H2("A.VII.4"), "bi")
    _with_figures(doc, "A_VII_4", T.COMPLAINTS, condition="act.khieu_nai.count", otherwise=T.NO_COMPLAINTS)


def _part_b(doc) -> None:
    _heading(doc, PART("B"))
    # B's last paragraph keeps with the closing sentence: the signature's page never holds that line alone.
    _tag(doc, "if notes.B")
    _tag(doc, "for t in notes.B.before + notes.B.after")
    _tag(doc, "if loop.last")
    _para(doc, "{{ t }}", keep=True)
    _tag(doc, "else")
    _para(doc, "{{ t }}")
    _tag(doc, "endif")
    _tag(doc, "endfor")
    _tag(doc, "else")
    _para(doc, T.B_OTHERWISE, keep=True)
    _tag(doc, "endif")
    _para(doc, T.CLOSING, before=6, keep=True)


def _signature(doc) -> None:
    """ "Nơi nhận" (12 bold italic) and its list (11) beside the signer's title and name (14 bold)."""
    _para(doc, "", before=0, keep=True)  # the closing sentence stays on the signature's page
    table = _table(doc, [2994, 6290])
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # one page, never split
    left, right = table.rows[0].cells
    _cell_para(left, [(T.RECIPIENTS_COPY, "bi")], align=LEFT, size=12, first=True)
    _tag(left, "for r in org.recipients_copy")
    _cell_para(left, [("- {{ r }}", ""), ("{% if loop.last %}{{ org.drafter_initials }}{% endif %}", "s"),
                      ("{% if loop.last %}.{% else %};{% endif %}", "")], align=LEFT, size=11)  # fmt: skip
    _tag(left, "endfor")
    _tag(right, "if org.signer_authority")
    _cell_para(right, [("{{ org.signer_authority }}", "b")], size=14)
    _tag(right, "endif")
    _cell_para(right, [("{{ org.signer_title }}", "b")], size=14)
    for _ in range(4):
        _cell_para(right, "", size=14)
    _cell_para(right, [("{{ org.signer_name }}", "b")], size=14)
    # The signature cell starts with the "if" paragraph; its first (empty) paragraph is dropped.
    first = right.paragraphs[0]
    first._p.getparent().remove(first._p)


def _zoom_percent(doc) -> None:
    """python-docx's default settings have <w:zoom w:val="bestFit"/> without the required w:percent."""
    zoom = doc.settings.element.find(qn("w:zoom"))
    if zoom is not None:
        zoom.set(qn("w:percent"), "100")


def build(out: Path = OUT) -> Path:
    doc = Document()
    _setup(doc)
    _letterhead(doc)
    _title(doc)
    _addressees(doc)
    _part_a_i_to_iii(doc)
    _part_a_iv_to_vi(doc)
    _part_a_vii(doc)
    _part_b(doc)
    _signature(doc)
    _preserve_spaces(doc)
    _zoom_percent(doc)
    # Neutral properties in the template; reports.render names the department and the time of making.
    props = doc.core_properties
    props.title = T.DOCUMENT_TITLE
    props.author = props.last_modified_by = ""
    props.comments = ""  # python-docx's default template says "generated by python-docx"
    props.created = props.modified = _FIXED_TIME
    props.revision = 1
    out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    doc.save(buffer)
    out.write_bytes(_with_fixed_zip_times(buffer.getvalue()))
    return out


_FIXED_TIME = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)


def _with_fixed_zip_times(blob: bytes) -> bytes:
    """The same script gives the same bytes: zip entries carry a fixed time instead of now."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2023, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info.filename)
            if info.filename == "docProps/app.xml":
                data = data.replace(b"Microsoft Macintosh Word", b"dost-fieldbot")
            dst.writestr(fixed, data)
    return out.getvalue()


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
