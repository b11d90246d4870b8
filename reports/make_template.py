"""Build reports/templates/monthly_report.docx, the Word template of the monthly report.

Run `python -m reports.make_template` after changing this file and commit both. The .docx is the
thing a clerk edits in Word: every heading and sentence is text in it, and the figures are Jinja2
tags (docxtpl) over reports.aggregate.MonthlyReportData plus `org` (ReportSettings) and `doc`
(number and date). This script only makes that file reproducible.

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
    p = _cell_para(left, "Số: {{ doc.number }}/{{ org.symbol }}")
    p.paragraph_format.space_before = Pt(6)
    _cell_para(right, [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "b")], size=12, first=True)
    _cell_para(right, [("Độc lập - Tự do - Hạnh phúc", "b")], size=14)
    _rule(right, width_cm=6.2, box_cm=9.35)
    p = _cell_para(right, [("{{ org.place }}, ngày {{ doc.day }} tháng {{ doc.month }} năm {{ doc.year }}", "i")], size=14)  # fmt: skip
    p.paragraph_format.space_before = Pt(6)


def _title(doc) -> None:
    _para(doc, [("BÁO CÁO", "b")], align=CENTER, before=18)
    _para(doc, [("Kết quả hoạt động quản lý nhà nước về khoa học và công nghệ", "b")], align=CENTER, before=0)
    _rule(doc, width_cm=4.5, box_cm=16.5)
    _para(doc, "{{ period.line }}", align=CENTER, before=6)
    _para(doc, [("{{ period.range_line }}", "i")], align=CENTER, before=0)


def _addressees(doc) -> None:
    """ "Kính gửi": one recipient on the same line; several one per line under the colon."""
    _tag(doc, "if org.recipients_to|length == 1")
    _para(doc, "Kính gửi: {{ org.recipients_to[0] }}.", align=CENTER, before=12)
    _tag(doc, "elif org.recipients_to")
    _para(doc, "Kính gửi:", align=LEFT, indent=False, left=3.0, before=12, keep=True)
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


def H1(title: str) -> str:  # noqa: N802  (heading numbers counted at render time: see render.Numbering)
    return "{{ n.h1() }}. " + title


def H2(title: str) -> str:  # noqa: N802
    return "{{ n.h2() }}. " + title


def H3(title: str) -> str:  # noqa: N802
    return "{{ n.h3() }}. " + title


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


SO = "{{ org.department_short }}"
DOC_TYPE = (
    '{% if plan.doc_code == "QĐ" %}Quyết định{% elif plan.doc_code == "KH" %}Kế hoạch'
    '{% elif plan.doc_code == "CV" %}Công văn{% elif plan.doc_code == "TB" %}Thông báo'
    "{% else %}văn bản{% endif %}"
)
PLAN_REF = DOC_TYPE + " số {{ plan.number }} ngày {{ plan.date }} của {{ plan.issuer }}{% if plan.subject %} {{ plan.about }} {{ plan.subject }}{% endif %}"  # fmt: skip
KINDS = (
    "{% for k in plan.kinds %}{{ k.facilities }} {{ k.noun }}{% if not loop.last %}, {% endif %}{% endfor %}"
)
RESULTS = (
    "Kết quả: {% for k in plan.kinds %}{% for c in k.clauses %}{{ c.ratio }} {{ c.noun }}"
    "{% if c.phrases %} {{ c.phrases }}{% elif c.failed %} chưa đạt yêu cầu{% else %} đạt yêu cầu{% endif %}"
    "{% if not loop.last %}; {% endif %}"
    "{% endfor %}{% if not loop.last %}; {% endif %}{% endfor %}."
)
FAILURE = (
    "- {{ f.name }} ({{ f.noun }}): "
    "{% if f.criteria %}không đạt tiêu chí {% for c in f.criteria %}{{ c }}{% if not loop.last %}, {% endif %}"
    "{% endfor %}{% endif %}"
    "{% for p in f.pumps %}{% if f.criteria or not loop.first %}; {% endif %}cột đo {{ p.serial }}"
    "{% if p.expired %} hết hiệu lực kiểm định{% endif %}"
    "{% if p.seal_broken %}{% if p.expired %},{% endif %} mất niêm phong{% endif %}"
    "{% if p.error %}{% if p.expired or p.seal_broken %},{% endif %} có sai số {{ p.error }}% vượt giới hạn "
    "cho phép{% endif %}{% endfor %}"
    "{% if f.violations %}{% if f.criteria or f.pumps %}; {% endif %}{{ f.violations }}{% endif %}"
    '{% if f.action == "fine" %}; đã xử phạt vi phạm hành chính với số tiền {{ f.fine }} đồng'
    '{% elif f.action == "record" %}; đã lập biên bản vi phạm hành chính{% elif f.action == "reminder" %}; đã nhắc nhở'
    "{% endif %}."
)


def _failures(doc) -> None:
    _tag(doc, "if plan.failures")
    _para(doc, "{% if plan.failures|length > 1 %}Các cơ sở{% else %}Cơ sở{% endif %} chưa đạt yêu cầu:", keep=True)
    _tag(doc, "for f in plan.failures")
    _para(doc, FAILURE)
    _tag(doc, "endfor")
    _tag(doc, "endif")


NOTHING = "Trong {{ period.phrase }}, " + "{{ org.department_short }}"
III = "notes.A_III_1 or notes.A_III_2_1 or notes.A_III_2_2 or notes.A_III_3 or act.gcn_ket_qua_nhiem_vu.count"


def _part_a_i_to_iii(doc) -> None:
    """Per section, what an empty period prints: its sentence for "nothing", or nothing at all (the
    section and its heading left out, numbers closing up). Sections with figures always speak."""
    _heading(doc, "A. KẾT QUẢ HOẠT ĐỘNG QUẢN LÝ NHÀ NƯỚC VỀ KHOA HỌC VÀ CÔNG NGHỆ")
    _heading(doc, H1("Xây dựng cơ chế, chính sách, pháp luật về khoa học và công nghệ"))
    _notes_or(doc, "A_I", NOTHING + " không tham mưu ban hành văn bản về cơ chế, chính sách, pháp luật về "
                                   "khoa học và công nghệ.")  # fmt: skip
    _heading(doc, H1("Hoạt động khoa học và công nghệ"))
    _part_a_ii_1(doc)
    _heading(doc, H2("Hoạt động đánh giá, thẩm định, giám định, chuyển giao công nghệ"), "bi")
    _with_figures(
        doc,
        "A_II_2",
        "- Tham gia ý kiến về công nghệ đối với {{ act.y_kien_cong_nghe.count }} dự án đầu tư vào địa bàn tỉnh"
        "{% if act.y_kien_cong_nghe.details %} thuộc {% if act.y_kien_cong_nghe.details|length > 1 %}các "
        "{% endif %}lĩnh vực {{ act.y_kien_cong_nghe.details_text }}{% endif %}.",
        condition="act.y_kien_cong_nghe.count",
        otherwise=NOTHING + " không tham gia ý kiến, thẩm định công nghệ đối với dự án đầu tư.",
    )
    _if(doc, III, _part_a_iii)


II_1_1 = "notes.A_II_1_1"
NGHIEM_THU = "tổ chức đánh giá, nghiệm thu {{ act.nghiem_thu_nhiem_vu.count }} nhiệm vụ KH&CN cấp tỉnh sử dụng ngân sách nhà nước"


def _part_a_ii_1(doc) -> None:
    """II.1: its sub-headings (1.1, 1.2) only when 1.1 has notes, never a lone "1.1."; 1.2 always speaks."""
    _heading(doc, H2("Hoạt động nghiên cứu khoa học và phát triển công nghệ"), "bi")
    _if(doc, II_1_1, lambda d: _heading(d, H3("Công tác xây dựng kế hoạch khoa học và công nghệ"), "i"),
        lambda d: _notes(d, "A_II_1_1"), lambda d: _heading(d, H3("Công tác triển khai nhiệm vụ KH&CN"), "i"))  # fmt: skip
    _a_ii_1_2(doc)


def _a_ii_1_2(doc) -> None:
    """The month's notes with the figure; without a note, the configured default paragraph ([reporting]
    section_defaults, "A.II.1.2") with the figure in its sentence; without either, the figure alone, or
    the sentence for "nothing this period"."""
    _tag(doc, "if notes.A_II_1_2")
    _with_figures(doc, "A_II_1_2", NGHIEM_THU[0].upper() + NGHIEM_THU[1:] + ".",
                  condition="act.nghiem_thu_nhiem_vu.count")  # fmt: skip
    _tag(doc, "elif defaults.A_II_1_2")
    _para(doc, "{{ defaults.A_II_1_2 }}{% if act.nghiem_thu_nhiem_vu.count %}; " + NGHIEM_THU + "{% endif %}.")
    _tag(doc, "elif act.nghiem_thu_nhiem_vu.count")
    _para(doc, NGHIEM_THU[0].upper() + NGHIEM_THU[1:] + ".")
    _tag(doc, "else")
    _para(doc, NOTHING + " không tổ chức đánh giá, nghiệm thu nhiệm vụ KH&CN cấp tỉnh.")
    _tag(doc, "endif")


def _part_a_iii(doc) -> None:
    _heading(doc, H1("Phát triển tiềm lực khoa học và công nghệ"))
    _if(doc, "notes.A_III_1", lambda d: _heading(d, H2("Phát triển nhân lực khoa học và công nghệ"), "bi"),
        lambda d: _notes(d, "A_III_1"))  # fmt: skip
    _if(doc, "notes.A_III_2_1 or notes.A_III_2_2", _part_a_iii_2)
    _if(doc, "notes.A_III_3 or act.gcn_ket_qua_nhiem_vu.count",
        lambda d: _heading(d, H2("Hoạt động thông tin khoa học và công nghệ"), "bi"),
        lambda d: _with_figures(
            d,
            "A_III_3",
            "- Đã cấp {{ act.gcn_ket_qua_nhiem_vu.count }} Giấy chứng nhận đăng ký kết quả thực hiện nhiệm vụ "
            "KH&CN theo dịch vụ hành chính công cho các tổ chức liên quan.",
            condition="act.gcn_ket_qua_nhiem_vu.count",
        ))  # fmt: skip


def _part_a_iii_2(doc) -> None:
    _heading(doc, H2("Phát triển thị trường khoa học và công nghệ"), "bi")
    _if(doc, "notes.A_III_2_1", lambda d: _heading(d, H3("Hoạt động hỗ trợ doanh nghiệp, phát triển thị trường "
                                                          "KH&CN"), "i"), lambda d: _notes(d, "A_III_2_1"))  # fmt: skip
    _if(doc, "notes.A_III_2_2", lambda d: _heading(d, H3("Hoạt động hỗ trợ khởi nghiệp, đổi mới sáng tạo (ĐMST)"), "i"),
        lambda d: _notes(d, "A_III_2_2"))  # fmt: skip


CONFORMITY = (
    "{% set hc = act.hop_chuan.count %}{% set hq = act.hop_quy.count %}{% set st = act.thep_nhap_khau %}"
    "- {% if hc or hq %}Ban hành {% if hc %}{{ hc }} bản thông báo công bố hợp chuẩn{% endif %}"
    "{% if hc and hq %}, {% endif %}{% if hq %}{{ hq }} bản thông báo công bố hợp quy{% endif %}"
    "{% if st.count %}, tiếp nhận{% endif %}{% elif st.count %}Tiếp nhận{% endif %}"
    "{% if st.count %} {{ st.count }} bản đăng ký kiểm tra chất lượng thép nhập khẩu đáp ứng yêu cầu chất lượng "
    "hàng hóa nhập khẩu{% if st.enterprises %} cho {{ st.enterprises }} doanh nghiệp{% endif %} trên địa bàn tỉnh"
    "{% endif %};"
)
CONFORMITY_ANY = "act.hop_chuan.count or act.hop_quy.count or act.thep_nhap_khau.count"
NO_CONFORMITY = (
    "Trong {{ period.phrase }}, " + SO + " không ban hành thông báo công bố hợp chuẩn, hợp quy, không tiếp nhận "
    "đăng ký kiểm tra chất lượng thép nhập khẩu."
)


def _calibration(doc) -> None:
    """IV.2: the sentence with the totals, the table by field with its bold total row, the closing line."""
    _notes(doc, "A_IV_2", "before")
    _tag(doc, "if calibration.rows")
    _para(doc, [
        ("Trong {{ period.phrase }}, {{ org.calibration_centre }} đã kiểm định, hiệu chuẩn ", ""),
        ("{{ calibration.verified }}", "b"),
        (" phương tiện đo (PTĐ) các loại, cấp giấy chứng nhận kiểm định, tem kiểm định cho ", ""),
        ("{% if calibration.certificates.value == calibration.verified.value %}", ""),
        ("toàn bộ số PTĐ này", ""),
        ("{% else %}", ""),
        ("{{ calibration.certificates }}", "b"),
        (" PTĐ", ""),
        ("{% endif %}", ""),
        (", cụ thể như sau:", ""),
    ], keep=True)  # fmt: skip
    _calibration_table(doc)
    _para(doc, "{{ org.calibration_centre }} kiểm định, hiệu chuẩn đảm bảo đo lường phục vụ sản xuất, giao nhận, "
               "thanh toán, an toàn trong sản xuất và khám, chữa bệnh cho nhân dân.", before=12)  # fmt: skip
    _tag(doc, "elif not notes.A_IV_2")
    _para(doc, "Trong {{ period.phrase }}, {{ org.calibration_centre }} không thực hiện kiểm định, hiệu chuẩn "
               "phương tiện đo.")  # fmt: skip
    _tag(doc, "endif")
    _notes(doc, "A_IV_2", "after")


def _calibration_table(doc) -> None:
    headers = ["STT", "Lĩnh vực kiểm định", "Đơn vị tính", "Số PTĐ kiểm định, hiệu chuẩn", "Số PTĐ loại bỏ",
               "Cấp giấy chứng nhận"]  # fmt: skip
    widths = [1.4, 4.3, 1.9, 3.3, 2.4, 2.9]
    table = doc.add_table(rows=5, cols=6)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _widths(table, [Cm(w) for w in widths])
    cells = (
        [(h, "b") for h in headers],
        [("{%tr for row in calibration.rows %}", "")] + [("", "")] * 5,
        [("{{ row.stt }}", ""), ("{{ row.label }}", ""), ("{{ row.unit }}", ""), ("{{ row.verified }}", ""),
         ("{{ row.rejected }}", ""), ("{{ row.certificates }}", "")],
        [("{%tr endfor %}", "")] + [("", "")] * 5,
        [("", ""), ("Tổng", "b"), ("", ""), ("{{ calibration.verified }}", "b"),
         ("{{ calibration.rejected }}", "b"), ("{{ calibration.certificates }}", "b")],
    )  # fmt: skip
    for row, values in zip(table.rows, cells, strict=True):
        for i, (cell, (text, style)) in enumerate(zip(row.cells, values, strict=True)):
            _cell_para(cell, [(text, style)], align=LEFT if i == 1 and row is not table.rows[0] else CENTER,
                       first=True)  # fmt: skip
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))


def _part_a_iv_to_vi(doc) -> None:
    _heading(doc, H1("Hoạt động tiêu chuẩn đo lường chất lượng"))
    _heading(doc, H2("Công tác quản lý nhà nước về tiêu chuẩn, đo lường, chất lượng"), "bi")
    _with_figures(doc, "A_IV_1", CONFORMITY, condition=CONFORMITY_ANY, otherwise=NO_CONFORMITY)
    _heading(doc, H2("Công tác dịch vụ tiêu chuẩn, đo lường, chất lượng"), "bi")
    _calibration(doc)
    _if(doc, "notes.A_V_1 or notes.A_V_2 or act.sang_kien.count", _part_a_v)
    _heading(doc, H1("Hoạt động phát triển ứng dụng năng lượng nguyên tử, an toàn bức xạ và hạt nhân"))
    _if(doc, "notes.A_VI_1", lambda d: _heading(d, H2("Tình hình, kết quả phát triển ứng dụng năng lượng nguyên tử"),
                                                 "bi"), lambda d: _notes(d, "A_VI_1"))  # fmt: skip
    _heading(doc, H2("Tình hình, kết quả quản lý về an toàn bức xạ và hạt nhân"), "bi")
    _with_figures(
        doc,
        "A_VI_2",
        "- Trong {{ period.phrase }}, " + SO + " đã thẩm định và "
        "{% for a in licences.actions %}"
        '{% if a.action == "cap_moi" %}cấp{% elif a.action == "gia_han" %}gia hạn'
        '{% elif a.action == "sua_doi" %}sửa đổi, bổ sung{% elif a.action == "cap_lai" %}cấp lại'
        "{% else %}{{ a.action }}{% endif %} "
        "{% for k in a.kinds %}{{ k.count }} {{ k.label }}{% if not loop.last %}, {% endif %}{% endfor %}"
        "{% if not loop.last %}; {% endif %}{% endfor %}.",
        condition="licences.total",
        otherwise=NOTHING + " không cấp giấy phép, chứng chỉ về an toàn bức xạ.",
    )


def _part_a_v(doc) -> None:
    _heading(doc, H1("Hoạt động sở hữu trí tuệ, hoạt động sáng kiến"))
    _if(doc, "notes.A_V_1", lambda d: _heading(d, H2("Tình hình, kết quả quản lý về sở hữu trí tuệ"), "bi"),
        lambda d: _notes(d, "A_V_1"))  # fmt: skip
    _if(doc, "notes.A_V_2 or act.sang_kien.count",
        lambda d: _heading(d, H2("Tình hình, kết quả triển khai biện pháp thúc đẩy hoạt động sáng kiến"), "bi"),
        lambda d: _with_figures(
            d,
            "A_V_2",
            "{% set sk = act.sang_kien %}- Trình Hội đồng sáng kiến tỉnh công nhận {{ sk.count }} sáng kiến cấp "
            "tỉnh{% if sk.details %}, {{ sk.details_text }}{% endif %}{% if sk.authors %} cho {{ sk.authors }} "
            "tác giả{% endif %}{% if sk.decisions %} ({{ sk.decisions_text }}){% endif %};",
            condition="act.sang_kien.count",
        ))  # fmt: skip


APPROVED = (
    "- Thực hiện " + "{PLAN_REF}" + "{% if plan.facilities %}: đã tổ chức "
    '{% if plan.kind == "thanh_tra" %}thanh tra{% else %}kiểm tra{% endif %} tại {{ plan.facilities }} cơ sở'
    "{% else %}: trong {{ period.phrase }} chưa tiến hành "
    '{% if plan.kind == "thanh_tra" %}thanh tra{% else %}kiểm tra{% endif %} tại cơ sở{% endif %}'
    "{% if loop.last %}.{% else %};{% endif %}"  # a list: each plan but the last ends with ";"
)


def _part_a_vii(doc) -> None:
    _heading(doc, H1("Công tác thanh tra, kiểm tra trong lĩnh vực KH&CN"))
    _heading(doc, H2("Tóm tắt chương trình, kế hoạch thanh tra, kiểm tra đã được phê duyệt"), "bi")
    _notes(doc, "A_VII_1", "before")
    _notes(doc, "A_VII_1", "after")
    _tag(doc, "for plan in inspections.approved")
    _para(doc, APPROVED.replace("{PLAN_REF}", PLAN_REF))
    _tag(doc, "endfor")
    _tag(doc, "if not (notes.A_VII_1 or inspections.approved)")
    _para(doc, NOTHING + " không có chương trình, kế hoạch thanh tra, kiểm tra mới được phê duyệt.")
    _tag(doc, "endif")
    _heading(doc, H2("Tình hình, kết quả công tác thanh tra trong lĩnh vực KH&CN"), "bi")
    _notes(doc, "A_VII_2", "before")
    _tag(doc, "if inspections.thanh_tra")
    _para(doc, "Trong {{ period.phrase }}, " + SO + " đã tiến hành {{ inspections.thanh_tra_count }} cuộc thanh tra "
               "trong lĩnh vực KH&CN.")  # fmt: skip
    _tag(doc, "for plan in inspections.thanh_tra")
    _para(
        doc, "- Theo " + PLAN_REF + ": thanh tra tại {{ plan.facilities }} cơ sở (" + KINDS + "). " + RESULTS
    )
    _failures(doc)
    _tag(doc, "endfor")
    _tag(doc, "elif not notes.A_VII_2")
    _para(doc, "Trong {{ period.phrase }}, " + SO + " không tiến hành thanh tra trong lĩnh vực KH&CN.")
    _tag(doc, "endif")
    _notes(doc, "A_VII_2", "after")
    _heading(doc, H2("Tình hình, kết quả công tác kiểm tra"), "bi")
    _notes(doc, "A_VII_3", "before")
    _tag(doc, "for plan in inspections.kiem_tra")
    # The unit builds its plan for another body's; a plan the unit issued itself is that plan already.
    _para(doc, "Thực hiện " + PLAN_REF + ", " + SO + " đã chỉ đạo {{ org.inspection_unit }} "
               "{% if plan.issuer|trim|lower != org.inspection_unit|trim|lower %}xây dựng kế hoạch và {% endif %}"
               "tổ chức kiểm tra tại {{ plan.facilities }} cơ sở trên địa bàn tỉnh (" + KINDS + "). " + RESULTS)  # fmt: skip
    _failures(doc)
    _tag(doc, "endfor")
    _tag(doc, "if not (inspections.kiem_tra or notes.A_VII_3)")
    _para(doc, "Trong {{ period.phrase }}, " + SO + " không tổ chức kiểm tra trong lĩnh vực KH&CN.")
    _tag(doc, "endif")
    _notes(doc, "A_VII_3", "after")
    _heading(doc, H2("Công tác tiếp công dân, giải quyết khiếu nại, tố cáo"), "bi")
    _with_figures(
        doc,
        "A_VII_4",
        "Trong {{ period.phrase }}, " + SO + " nhận được {{ act.khieu_nai.count }} đơn thư phản ánh, kiến nghị, "
        "khiếu nại, tố cáo thuộc lĩnh vực quản lý.",
        condition="act.khieu_nai.count",
        otherwise="Trong {{ period.phrase }}, " + SO + " không nhận được đơn thư phản ánh, kiến nghị, khiếu nại, tố "
        "cáo thuộc lĩnh vực quản lý.",
    )


def _part_b(doc) -> None:
    _heading(doc, "B. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM {{ period.next_label|upper }}")
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
    _para(doc, "Tiếp tục triển khai các nhiệm vụ theo chương trình, kế hoạch công tác năm {{ period.plan_year }} và "
               "nhiệm vụ khác theo sự chỉ đạo của Bộ KH&CN, UBND tỉnh.", keep=True)  # fmt: skip
    _tag(doc, "endif")
    _para(doc, "{{ org.department_name }} {{ org.locality }} trân trọng báo cáo./.", before=6, keep=True)


def _signature(doc) -> None:
    """ "Nơi nhận" (12 bold italic) and its list (11) beside the signer's title and name (14 bold)."""
    _para(doc, "", before=0, keep=True)  # the closing sentence stays on the signature's page
    table = _table(doc, [2994, 6290])
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # one page, never split
    left, right = table.rows[0].cells
    _cell_para(left, [("Nơi nhận:", "bi")], align=LEFT, size=12, first=True)
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
    props.title = "Báo cáo kết quả hoạt động quản lý nhà nước về khoa học và công nghệ"
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
