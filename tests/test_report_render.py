"""The rendered .docx, read back with python-docx, against the model report of January 2023."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Pt
from docx.table import Table

import texts
from reports import make_template
from reports.aggregate import aggregate
from reports.demo import load_demo
from reports.periods import month_period
from reports.render import render_monthly_report
from reports.service import generate_report
from reports.settings import DEFAULT_TEMPLATE, ReportSettings, ReportSettingsError
from storage.domain import (
    Activity,
    CalibrationBatch,
    ChecklistAnswer,
    Facility,
    InspectionVisit,
    Licence,
    Note,
    PeriodRecords,
    Plan,
    PumpCheck,
)
from storage.text import fold
from tests.test_report_support import (
    MODEL,
    MODEL_ORGANISATION,
    MODEL_TYPOS,
    STAFF_ID,
    all_text,
    blocks,
    catalogue,
    model_settings,
    other_settings,
    paragraph_with,
    paragraphs,
    sqlite_database,
    tables,
)

D = dt.date
PERIOD = month_period(2023, 1)
CAT = catalogue()


async def _demo_report(tmp: Path, settings: ReportSettings, locality: str) -> Path:
    db = await sqlite_database(tmp)
    try:
        await load_demo(db, CAT, STAFF_ID, locality=locality)
        return (await generate_report(db, CAT, settings, PERIOD, tmp / "report.docx")).path
    finally:
        await db.close()


@pytest.fixture(scope="module")
def demo_docx(tmp_path_factory) -> Path:
    """The demo month through the database, aggregation and template, made once for the module."""
    return asyncio.run(_demo_report(tmp_path_factory.mktemp("demo"), model_settings(), "tỉnh Hưng Yên"))


def render(records: PeriodRecords, tmp_path: Path, settings: ReportSettings | None = None, **kw) -> Path:
    data = aggregate(records, CAT, PERIOD)
    return render_monthly_report(data, settings or model_settings(), tmp_path / "r.docx", **kw)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _corrected(text: str) -> str:
    for wrong, right in MODEL_TYPOS.items():
        text = text.replace(wrong, right)
    return text


def corrected_model() -> str:
    """The model's text with its typos corrected and the Markdown marks removed."""
    return re.sub(r"[*#]|<[^>]*>", "", _corrected(MODEL.read_text(encoding="utf-8")))


# --- the demo month against the model -----------------------------------------------------------


NOT_IN_THE_TRANSCRIPT = {  # the model's letterhead lines its Markdown transcript leaves out (tested below)
    "UBND TỈNH HƯNG YÊN", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
}  # fmt: skip


def model_paragraphs() -> list[str]:
    """The model's paragraphs in order (table rows as tab-joined cells), typos corrected."""
    return [_flat(ln) if "\t" not in ln else ln.strip("\n ") for ln in corrected_model().splitlines() if ln.strip()]


def demo_paragraphs(path: Path) -> list[str]:
    """The demo report's paragraphs in order: the letterhead, the body, the calibration table's rows,
    "Nơi nhận" and its lines, the signer's lines."""
    out: list[str] = []
    for block in blocks(path):
        if isinstance(block, Table) and len(block.columns) == 6:
            out += ["\t".join(c.text for c in row.cells) for row in block.rows]
        elif isinstance(block, Table):
            out += [_flat(p.text) for cell in block.rows[0].cells for p in cell.paragraphs if p.text.strip()]
        elif block.text.strip():
            out.append(_flat(block.text))
    return [p for p in out if p not in NOT_IN_THE_TRANSCRIPT]


def test_the_demo_report_is_the_model_paragraph_by_paragraph(demo_docx):
    """Every paragraph, in order, from "Số:" to the signer's name: the letterhead, the body, the
    table, "Nơi nhận" with its nine lines and the signature block (KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC)."""
    assert demo_paragraphs(demo_docx) == model_paragraphs()


def _is_heading(paragraph) -> bool:
    runs = [r for r in paragraph.runs if r.text.strip()]
    return bool(runs) and (all(r.bold for r in runs) or all(r.italic for r in runs))


def test_the_demo_reports_headings_are_the_models(demo_docx):
    """The text comparison above cannot tell a heading from a sentence: the model's headings (its "#"
    lines from "A." on) are exactly the demo's, in order; each keeps with what follows it, and is
    set as its level is (A./I. bold, 1. bold italic, 1.1. italic)."""
    model = [_flat(re.sub(r"[*#]", "", ln)) for ln in MODEL.read_text(encoding="utf-8").splitlines() if ln.startswith("#")]
    model = [_flat(_corrected(h)) for h in model]  # the model's typos corrected (MODEL_TYPOS)
    model = model[model.index("A. KẾT QUẢ HOẠT ĐỘNG QUẢN LÝ NHÀ NƯỚC VỀ KHOA HỌC VÀ CÔNG NGHỆ") :]
    body = [b for b in blocks(demo_docx) if not isinstance(b, Table) and b.text.strip()]
    body = body[next(i for i, b in enumerate(body) if b.text.startswith("A. KẾT QUẢ")) :]
    headings = [b for b in body if _is_heading(b)]
    assert [_flat(h.text) for h in headings] == model and len(model) == 28
    assert all(h.paragraph_format.keep_with_next for h in headings)
    for h in headings:
        run = next(r for r in h.runs if r.text.strip())
        level = re.match(r"[A-Z]+\.|\d+\.\d+\.|\d+\.", h.text).group()
        expected = (None, True) if "." in level[:-1] else (True, True) if level[0].isdigit() else (True, None)
        assert (run.bold, run.italic) == expected, h.text


def test_section_iii_3s_first_item_is_one_paragraph_with_its_dash(demo_docx):
    """A note continuing a list item prints in the item's paragraph, with its dash."""
    assert paragraph_with(demo_docx, "- Đã cấp 03 Giấy chứng nhận").endswith(
        "cho các tổ chức liên quan. Thường xuyên thống kê các nguồn dữ liệu vào cổng thông tin Thư viện Quốc gia "
        "(cập nhật kết quả các nhiệm vụ khoa học và công nghệ đã được đánh giá, nghiệm thu);"
    )
    assert not [p for p in paragraphs(demo_docx) if p.startswith("Thường xuyên thống kê")]


def test_figure_sentences_of_the_demo_month(demo_docx):
    assert paragraph_with(demo_docx, "- Ban hành") == (
        "- Ban hành 05 bản thông báo công bố hợp chuẩn, 10 bản thông báo công bố hợp quy, tiếp nhận 88 bản đăng ký "
        "kiểm tra chất lượng thép nhập khẩu đáp ứng yêu cầu chất lượng hàng hóa nhập khẩu cho 10 doanh nghiệp trên "
        "địa bàn tỉnh;"
    )
    assert "kiểm tra tại 13 cơ sở trên địa bàn tỉnh (09 cơ sở kinh doanh xăng dầu, 03 cơ sở kinh doanh thiết bị " \
        "điện - điện tử, 01 cơ sở kinh doanh gas). Kết quả: 09/09 cơ sở kinh doanh xăng dầu sử dụng" in paragraph_with(demo_docx, "Thực hiện Kế hoạch số 3826/KH-TĐC ngày 30/12/2022 của Tổng cục")  # fmt: skip
    assert paragraph_with(demo_docx, "- Trong tháng 01 năm 2023, Sở") == (
        "- Trong tháng 01 năm 2023, Sở đã thẩm định và cấp 04 giấy phép sử dụng thiết bị X-quang chẩn đoán trong y tế, "
        "03 chứng chỉ nhân viên bức xạ."
    )
    assert paragraph_with(demo_docx, "Trong tháng 01 năm 2023, Sở không tiến hành thanh tra")
    assert paragraph_with(demo_docx, "Trong tháng 01 năm 2023, Sở không nhận được đơn thư")
    assert paragraph_with(demo_docx, "B. PHƯƠNG HƯỚNG") == "B. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM THÁNG 02 NĂM 2023"


def test_calibration_table_rows_and_bold_total(demo_docx):
    table = tables(demo_docx)[1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows == [
        ["STT", "Lĩnh vực kiểm định", "Đơn vị tính", "Số PTĐ kiểm định, hiệu chuẩn", "Số PTĐ loại bỏ", "Cấp giấy chứng nhận"],
        ["1", "Điện", "PTĐ", "67", "0", "67"], ["2", "Khối lượng", "PTĐ", "67", "0", "67"],
        ["3", "Dung tích", "PTĐ", "119", "0", "119"], ["4", "Áp suất", "PTĐ", "20", "0", "20"],
        ["5", "Điện trở nối đất", "PTĐ", "07", "0", "07"], ["6", "X-quang", "PTĐ", "01", "0", "01"],
        ["7", "Đồng hồ đo nước", "PTĐ", "500", "0", "500"], ["", "Tổng", "", "781", "0", "781"],
    ]  # fmt: skip
    total = table.rows[-1].cells
    assert all(run.bold for cell in total[1:] for p in cell.paragraphs for run in p.runs if run.text)
    bold = [r.text for r in paragraph_runs(demo_docx, "Trong tháng 01 năm 2023, Trung tâm") if r.bold]
    assert bold == ["781"]  # the total once: every instrument got its certificate ("toàn bộ số PTĐ này")


def paragraph_runs(path: Path, start: str):
    doc = Document(str(path))
    (p,) = [p for p in doc.paragraphs if p.text.startswith(start)]
    return p.runs


# --- the layout of Nghị định 30 -----------------------------------------------------------------


def test_page_margins_font_and_page_numbers(demo_docx):
    doc = Document(str(demo_docx))
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    mm = {k: round(getattr(s, f"{k}_margin").mm) for k in ("top", "bottom", "left", "right")}
    assert (
        20 <= mm["top"] <= 25
        and 20 <= mm["bottom"] <= 25
        and 30 <= mm["left"] <= 35
        and 15 <= mm["right"] <= 20
    )
    normal = doc.styles["Normal"]
    assert (normal.font.name, normal.font.size) == ("Times New Roman", Pt(14))
    fonts = normal.element.rPr.rFonts
    assert {fonts.get(f"{{{fonts.nsmap['w']}}}{k}") for k in ("ascii", "hAnsi", "eastAsia", "cs")} == {
        "Times New Roman"
    }
    assert s.different_first_page_header_footer
    assert all(not p.text.strip() for p in s.first_page_header.paragraphs)
    header_xml = s.header._element.xml
    assert "PAGE" in header_xml and 'w:fldCharType="begin"' in header_xml
    assert s.header.paragraphs[0].alignment == 1  # centred
    body = paragraph_with(demo_docx, "Trong tháng 01 năm 2023, Sở Khoa học")
    assert body  # the body paragraph exists; its format:
    p = next(p for p in doc.paragraphs if p.text.startswith("Trong tháng 01 năm 2023, Sở Khoa học"))
    assert p.alignment == 3 and p.paragraph_format.first_line_indent is not None
    assert p.paragraph_format.space_before >= Pt(6)


def test_header_table_is_borderless_and_has_both_columns(demo_docx):
    doc = Document(str(demo_docx))
    header = tables(demo_docx)[0]
    assert "w:tblBorders" not in header._tbl.xml and header.style.name in ("Normal Table", None)
    left, right = header.rows[0].cells
    texts = [p.text for p in left.paragraphs if p.text.strip()]
    assert texts == ["UBND TỈNH HƯNG YÊN", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Số:       /BC-SKHCN"]
    assert left.paragraphs[1].runs[0].bold and not left.paragraphs[0].runs[0].bold
    assert any(p._p.pPr is not None and "w:pBdr" in p._p.pPr.xml for p in left.paragraphs)  # the short rule
    rtexts = [p.text for p in right.paragraphs if p.text.strip()]
    assert rtexts[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert _flat(rtexts[2]) == "Hưng Yên, ngày tháng 01 năm 2023"
    date_run = next(p for p in right.paragraphs if p.text.startswith("Hưng Yên")).runs[0]
    assert date_run.italic and date_run.font.size == Pt(14)
    title = next(p for p in doc.paragraphs if p.text == "BÁO CÁO")
    assert title.alignment == 1 and title.runs[0].bold


def test_signature_block(demo_docx):
    signature = tables(demo_docx)[-1]
    left, right = signature.rows[0].cells
    heading = left.paragraphs[0].runs[0]
    assert (heading.text, heading.bold, heading.italic, heading.font.size) == (
        "Nơi nhận:",
        True,
        True,
        Pt(12),
    )
    lines = [p for p in left.paragraphs[1:] if p.text]
    assert lines[0].text == "- Vụ phát triển KH&CN địa phương;" and lines[-1].text == "- Lưu: VT, VPTr."
    assert [r.text for r in lines[-1].runs if r.font.superscript] == ["Tr"]  # the drafter, raised
    assert all(r.font.size == Pt(11) for p in lines for r in p.runs if r.text)
    signer = [p for p in right.paragraphs if p.text.strip()]
    assert [p.text for p in signer] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Xuân Hải"]
    assert all(r.bold and r.font.size == Pt(14) for p in signer for r in p.runs if r.text)
    assert "w:tblBorders" not in signature._tbl.xml


def test_number_and_date_when_given(tmp_path):
    path = render(PeriodRecords(), tmp_path, number=5, issued_on=D(2023, 1, 16))
    assert "Số: 05/BC-SKHCN" in all_text(path)
    assert "Hưng Yên, ngày 16 tháng 01 năm 2023" in all_text(path)


# --- other departments, other months ------------------------------------------------------------


def test_another_departments_report_has_none_of_the_models_names(tmp_path):
    path = asyncio.run(_demo_report(tmp_path, other_settings(), "tỉnh Nam Định"))
    text = all_text(path)
    folded = fold(text)
    for name in ("hung yen", "hungyen", "nguyen xuan hai", "skhcn"):
        assert name not in folded.replace("bc-skhcn", "x"), name
    assert "UBND TỈNH NAM ĐỊNH" in text and "Trần Thị Bích" in text and "Số:       /BC-KHCN" in text
    assert "Nam Định, ngày" in text and "Kính gửi: Bộ Khoa học và Công nghệ." in paragraphs(path)
    assert "Sở Khoa học và Công nghệ tỉnh Nam Định trân trọng báo cáo./." in paragraphs(path)
    assert "KT." not in text


def test_no_province_in_code_or_template():
    """Names come from config: only the demo data (the model's own month) names its province."""
    sources = [p for p in Path(make_template.__file__).parent.glob("*.py") if p.name != "demo.py"]
    sources += [Path(texts.__file__).parent / "report_template.py", Path(texts.__file__).parent / "document.py"]
    with zipfile.ZipFile(DEFAULT_TEMPLATE) as z:
        template_xml = " ".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    for text in [p.read_text(encoding="utf-8") for p in sources] + [template_xml]:
        assert "hung yen" not in fold(text) and "hungyen" not in fold(text)


def test_the_models_typos_do_not_appear(demo_docx):
    text = all_text(demo_docx)
    for typo in ("Hung Yên", "đượctham", "UBNDngày", "trênđịa", "phong phồng", "phần đầu"):
        assert typo not in text


def test_template_script_is_reproducible(tmp_path):
    assert make_template.build(tmp_path / "t.docx").read_bytes() == DEFAULT_TEMPLATE.read_bytes()


def test_an_empty_month_reads_as_a_document(tmp_path):
    """Each section has content, its sentence for "nothing this period", or is left out with the
    numbering closed up (the template chooses per section); no heading stands empty."""
    path = render(PeriodRecords(), tmp_path)
    text = paragraphs(path)
    assert text[text.index("A. KẾT QUẢ HOẠT ĐỘNG QUẢN LÝ NHÀ NƯỚC VỀ KHOA HỌC VÀ CÔNG NGHỆ"):] == [
        "A. KẾT QUẢ HOẠT ĐỘNG QUẢN LÝ NHÀ NƯỚC VỀ KHOA HỌC VÀ CÔNG NGHỆ",
        "I. Xây dựng cơ chế, chính sách, pháp luật về khoa học và công nghệ",
        "Trong tháng 01 năm 2023, Sở không tham mưu ban hành văn bản về cơ chế, chính sách, pháp luật về khoa học "
        "và công nghệ.",
        "II. Hoạt động khoa học và công nghệ",
        "1. Hoạt động nghiên cứu khoa học và phát triển công nghệ",  # 1.1 left out: 1.2 has no lone "1.1."
        "Tiếp tục triển khai các nhiệm vụ trong Kế hoạch khoa học và công nghệ năm 2022; tổ chức triển khai nhiệm "
        "vụ trong Kế hoạch khoa học và công nghệ năm 2023.",
        "2. Hoạt động đánh giá, thẩm định, giám định, chuyển giao công nghệ",
        "Trong tháng 01 năm 2023, Sở không tham gia ý kiến, thẩm định công nghệ đối với dự án đầu tư.",
        "III. Hoạt động tiêu chuẩn đo lường chất lượng",  # III (tiềm lực) left out: IV becomes III
        "1. Công tác quản lý nhà nước về tiêu chuẩn, đo lường, chất lượng",
        "Trong tháng 01 năm 2023, Sở không ban hành thông báo công bố hợp chuẩn, hợp quy, không tiếp nhận đăng ký "
        "kiểm tra chất lượng thép nhập khẩu.",  # a sentence like the other sections' "nothing", not a list item
        "2. Công tác dịch vụ tiêu chuẩn, đo lường, chất lượng",
        "Trong tháng 01 năm 2023, Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng không thực hiện kiểm định, "
        "hiệu chuẩn phương tiện đo.",
        "IV. Hoạt động phát triển ứng dụng năng lượng nguyên tử, an toàn bức xạ và hạt nhân",  # V left out
        "1. Tình hình, kết quả quản lý về an toàn bức xạ và hạt nhân",
        "Trong tháng 01 năm 2023, Sở không cấp giấy phép, chứng chỉ về an toàn bức xạ.",
        "V. Công tác thanh tra, kiểm tra trong lĩnh vực KH&CN",
        "1. Tóm tắt chương trình, kế hoạch thanh tra, kiểm tra đã được phê duyệt",
        "Trong tháng 01 năm 2023, Sở không có chương trình, kế hoạch thanh tra, kiểm tra mới được phê duyệt.",
        "2. Tình hình, kết quả công tác thanh tra trong lĩnh vực KH&CN",
        "Trong tháng 01 năm 2023, Sở không tiến hành thanh tra trong lĩnh vực KH&CN.",
        "3. Tình hình, kết quả công tác kiểm tra",
        "Trong tháng 01 năm 2023, Sở không tổ chức kiểm tra trong lĩnh vực KH&CN.",
        "4. Công tác tiếp công dân, giải quyết khiếu nại, tố cáo",
        "Trong tháng 01 năm 2023, Sở không nhận được đơn thư phản ánh, kiến nghị, khiếu nại, tố cáo thuộc lĩnh vực "
        "quản lý.",
        "B. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM THÁNG 02 NĂM 2023",
        "Tiếp tục triển khai các nhiệm vụ theo chương trình, kế hoạch công tác năm 2023 và nhiệm vụ khác theo sự chỉ "
        "đạo của Bộ KH&CN, UBND tỉnh.",
        "Sở Khoa học và Công nghệ tỉnh Hưng Yên trân trọng báo cáo./.",
    ]
    assert len(tables(path)) == 2  # no calibration table, only header and signature
    assert "{{" not in all_text(path) and "{%" not in all_text(path)


def test_a_note_brings_back_its_section_and_the_numbers_follow(tmp_path):
    records = PeriodRecords(notes=(Note(1, "2023-01", "A.III.2.2", "Hỗ trợ 02 dự án khởi nghiệp."),
                                   Note(2, "2023-01", "A.V.1", "Hướng dẫn 03 doanh nghiệp đăng ký nhãn hiệu.")))  # fmt: skip
    text = paragraphs(render(records, tmp_path))
    at = text.index("III. Phát triển tiềm lực khoa học và công nghệ")
    assert text[at : at + 4] == [
        "III. Phát triển tiềm lực khoa học và công nghệ",
        "1. Phát triển thị trường khoa học và công nghệ",
        "1.1. Hoạt động hỗ trợ khởi nghiệp, đổi mới sáng tạo (ĐMST)",
        "Hỗ trợ 02 dự án khởi nghiệp.",
    ]
    assert text[text.index("IV. Hoạt động tiêu chuẩn đo lường chất lượng") :].index(
        "V. Hoạt động sở hữu trí tuệ, hoạt động sáng kiến"
    )
    at = text.index("V. Hoạt động sở hữu trí tuệ, hoạt động sáng kiến")
    assert text[at + 1 : at + 3] == ["1. Tình hình, kết quả quản lý về sở hữu trí tuệ",
                                     "Hướng dẫn 03 doanh nghiệp đăng ký nhãn hiệu."]  # fmt: skip
    assert "VII. Công tác thanh tra, kiểm tra trong lĩnh vực KH&CN" in text


def test_a_month_where_some_facilities_failed(tmp_path):
    criteria = CAT.facility_kind("xang_dau").criteria
    answers = tuple(ChecklistAnswer(c.key, "met") for c in criteria)
    failed = tuple(ChecklistAnswer(c.key, *(("not_met", "Nhãn thiếu xuất xứ") if c.key == "ghi_nhan" else ("met",)))
                   for c in criteria)  # fmt: skip
    violations = "Không niêm yết giá.\nCột CD02 sai số vượt giới hạn; không niêm yết giá"  # the pump, a repeat
    visits = (
        InspectionVisit(1, 1, 1, "xang_dau", D(2023, 1, 5), (1,), answers),
        InspectionVisit(2, 1, 2, "xang_dau", D(2023, 1, 6), (1,), failed,
                        (PumpCheck("CD-02", False, True, -0.8, False),), "", violations, "fine", 7_500_000),
        InspectionVisit(3, 1, 3, "gas", D(2023, 1, 6), (1,), (ChecklistAnswer("do_luong", "met"),)),
    )  # fmt: skip
    facilities = {1: Facility(1, "xang_dau", "CHXD Bình Minh"), 2: Facility(2, "xang_dau", "CHXD Hoàng Long"),
                  3: Facility(3, "gas", "Gas An Phú")}  # fmt: skip
    plans = (Plan(1, "05/KH-CCTĐC", D(2023, 1, 2), "Chi cục Tiêu chuẩn Đo lường Chất lượng", "kiểm tra xăng dầu", "kiem_tra"),)  # fmt: skip
    path = render(PeriodRecords(inspections=visits, plans=plans, facilities=facilities), tmp_path)
    main = paragraph_with(path, "Thực hiện Kế hoạch số 05/KH-CCTĐC ngày 02/01/2023")
    assert "tại 03 cơ sở trên địa bàn tỉnh (02 cơ sở kinh doanh xăng dầu, 01 cơ sở kinh doanh gas)" in main
    # The checklist said "certified"; the expired pump decides (it used to count 02/02 here).
    # What every station met, then the failures stated as such (not "01/02 … ghi nhãn đúng quy định").
    assert main.endswith(
        "Kết quả: 02/02 cơ sở kinh doanh xăng dầu lưu giữ đầy đủ hồ sơ chất lượng; 01/02 cơ sở kinh doanh xăng dầu "
        "sử dụng phương tiện đo không còn hiệu lực của giấy chứng nhận kiểm định, ghi nhãn chưa đúng quy định; "
        "01/01 cơ sở kinh doanh gas đảm bảo yêu cầu về đo lường."
    )
    assert paragraph_with(path, "- CHXD Hoàng Long") == (
        "- CHXD Hoàng Long (cơ sở kinh doanh xăng dầu): không đạt tiêu chí phương tiện đo còn hiệu lực kiểm định, "
        "ghi nhãn đúng quy định (nhãn thiếu xuất xứ); cột đo CD-02 hết hiệu lực kiểm định, có sai số -0,80% vượt giới hạn cho phép; không niêm yết giá; đã "
        "xử phạt vi phạm hành chính với số tiền 7.500.000 đồng."
    )
    assert "Cơ sở chưa đạt yêu cầu:" in paragraphs(path)  # one facility: not "Các cơ sở"


def _conformity(tmp_path: Path, hop_chuan: int, hop_quy: int, steel: int) -> str:
    acts = tuple(
        Activity(i, kind, D(2023, 1, 3), n, "Công ty A" if kind == "thep_nhap_khau" else "")
        for i, (kind, n) in enumerate(
            (("hop_chuan", hop_chuan), ("hop_quy", hop_quy), ("thep_nhap_khau", steel))
        )
        if n
    )
    path = render(PeriodRecords(activities=acts), tmp_path)
    (found,) = [p for p in paragraphs(path) if "thông báo công bố" in p or "thép nhập khẩu" in p]
    return found


@pytest.mark.parametrize(
    ("counts", "sentence"),
    [
        ((0, 10, 88), "- Ban hành 10 bản thông báo công bố hợp quy, tiếp nhận 88 bản đăng ký kiểm tra chất lượng thép "
                      "nhập khẩu đáp ứng yêu cầu chất lượng hàng hóa nhập khẩu cho 01 doanh nghiệp trên địa bàn tỉnh."),
        ((5, 0, 0), "- Ban hành 05 bản thông báo công bố hợp chuẩn."),
        ((5, 10, 0), "- Ban hành 05 bản thông báo công bố hợp chuẩn, 10 bản thông báo công bố hợp quy."),
        ((0, 0, 88), "- Tiếp nhận 88 bản đăng ký kiểm tra chất lượng thép nhập khẩu đáp ứng yêu cầu chất lượng hàng "
                     "hóa nhập khẩu cho 01 doanh nghiệp trên địa bàn tỉnh."),
    ],
)  # fmt: skip
def test_a_zero_drops_its_clause_from_the_combined_sentence(tmp_path, counts, sentence):
    assert _conformity(tmp_path, *counts) == sentence


IV_1 = "1. Công tác quản lý nhà nước về tiêu chuẩn, đo lường, chất lượng"
IV_2 = "2. Công tác dịch vụ tiêu chuẩn, đo lường, chất lượng"
ITEM = "- Phổ biến, hướng dẫn 03 doanh nghiệp áp dụng tiêu chuẩn"


def _section(path: Path, heading: str, next_heading: str) -> list[str]:
    text = paragraphs(path)
    return text[text.index(heading) + 1 : text.index(next_heading)]


@pytest.mark.parametrize(
    ("notes", "expected"),
    [
        ((), ["- Ban hành 05 bản thông báo công bố hợp chuẩn."]),
        ((Note(1, "2023-01", "A.IV.1", ITEM + "."),), ["- Ban hành 05 bản thông báo công bố hợp chuẩn;", ITEM + "."]),
        ((Note(1, "2023-01", "A.IV.1", ITEM + ".", -1),), [ITEM + ".", "- Ban hành 05 bản thông báo công bố hợp chuẩn."]),
        ((Note(1, "2023-01", "A.IV.1", "Các thông báo được đăng trên Cổng TTĐT Sở;\n" + ITEM + "."),),
         ["- Ban hành 05 bản thông báo công bố hợp chuẩn. Các thông báo được đăng trên Cổng TTĐT Sở;", ITEM + "."]),
    ],
)  # fmt: skip
def test_a_figures_list_item_ends_as_its_place_in_the_list_wants(tmp_path, notes, expected):
    """ ";" when another item of the section follows it, a full stop when it is the last, and a full
    stop before a note that continues it (that note is a new sentence)."""
    records = PeriodRecords(activities=(Activity(1, "hop_chuan", D(2023, 1, 3), 5),), notes=notes)
    assert _section(render(records, tmp_path), IV_1, IV_2) == expected


def test_a_licence_item_followed_by_a_note_ends_with_a_semicolon(tmp_path):
    records = PeriodRecords(
        licences=(Licence(1, "xquang_y_te", "cap_moi", "1", "A", "", D(2023, 1, 3)),),
        notes=(Note(1, "2023-01", "A.VI.2", "- Kiểm tra an toàn bức xạ tại 02 cơ sở X-quang."),),
    )
    path = render(records, tmp_path)
    assert _section(path, "1. Tình hình, kết quả quản lý về an toàn bức xạ và hạt nhân", "V. Công tác thanh tra, "
                    "kiểm tra trong lĩnh vực KH&CN") == [f"- Trong tháng 01 năm 2023, Sở đã thẩm định và cấp 01 {XQ};",
                                                         "- Kiểm tra an toàn bức xạ tại 02 cơ sở X-quang."]  # fmt: skip


def test_a_section_with_notes_and_no_figures_says_no_nothing_sentence(tmp_path):
    """The notes speak for the section; no "Sở không ban hành …" beside what the Sở did do."""
    records = PeriodRecords(notes=(Note(1, "2023-01", "A.IV.1", ITEM + "."),))
    assert _section(render(records, tmp_path), IV_1, IV_2) == [ITEM + "."]


def _licence_sentence(tmp_path: Path, *docs: tuple[str, str]) -> str:
    lic = tuple(Licence(i, kind, action, str(i), "A", "", D(2023, 1, 3)) for i, (kind, action) in enumerate(docs, 1))
    return paragraph_with(render(PeriodRecords(licences=lic), tmp_path), "- Trong tháng 01 năm 2023, Sở")


XQ, NVBX = "giấy phép sử dụng thiết bị X-quang chẩn đoán trong y tế", "chứng chỉ nhân viên bức xạ"


@pytest.mark.parametrize(
    ("docs", "sentence"),
    [
        ((("xquang_y_te", "gia_han"),), f"đã thẩm định và gia hạn 01 {XQ}."),
        ((("xquang_y_te", "sua_doi"),), f"đã thẩm định và sửa đổi, bổ sung 01 {XQ}."),
        ((("chung_chi_nvbx", "cap_lai"),), f"đã thẩm định và cấp lại 01 {NVBX}."),
        ((("xquang_y_te", "cap_moi"), ("chung_chi_nvbx", "cap_moi")), f"đã thẩm định và cấp 01 {XQ}, 01 {NVBX}."),
        ((("chung_chi_nvbx", "cap_lai"), ("xquang_y_te", "gia_han"), ("xquang_y_te", "cap_moi"),
          ("xquang_y_te", "cap_moi"), ("chung_chi_nvbx", "gia_han"), ("xquang_y_te", "sua_doi")),
         f"đã thẩm định và cấp 02 {XQ}; gia hạn 01 {XQ}, 01 {NVBX}; sửa đổi, bổ sung 01 {XQ}; cấp lại 01 {NVBX}."),
    ],
)  # fmt: skip
def test_every_licence_action_is_named(tmp_path, docs, sentence):
    """A renewal is never printed as "cấp 01 giấy phép": each action is named once before its kinds."""
    assert _licence_sentence(tmp_path, *docs) == "- Trong tháng 01 năm 2023, Sở " + sentence


@pytest.mark.parametrize(
    ("action", "fine", "ending"),
    [
        ("fine", 7_500_000, "; đã xử phạt vi phạm hành chính với số tiền 7.500.000 đồng."),
        ("record", 0, "; đã lập biên bản vi phạm hành chính."),
        ("reminder", 0, "; đã nhắc nhở."),
    ],
)
def test_what_was_done_about_a_failed_facility(tmp_path, action, fine, ending):
    answers = (ChecklistAnswer("do_luong", "not_met"),)
    visits = (InspectionVisit(1, 1, 1, "gas", D(2023, 1, 6), (1,), answers, (), "", "", action, fine),)
    plans = (Plan(1, "05/KH-CCTĐC", D(2023, 1, 2), "Chi cục", "kiểm tra gas", "kiem_tra"),)
    path = render(PeriodRecords(inspections=visits, plans=plans, facilities={1: Facility(1, "gas", "Gas An")}), tmp_path)
    assert paragraph_with(path, "- Gas An") == (
        "- Gas An (cơ sở kinh doanh gas): không đạt tiêu chí đảm bảo yêu cầu về đo lường" + ending
    )


def test_the_plans_of_vii_1_are_a_list(tmp_path):
    """Two plans with no visit yet: the first item ends with ";", the last with a full stop."""
    plans = (Plan(1, "05/KH-CCTĐC", D(2023, 1, 2), "Chi cục", "V/v kiểm tra xăng dầu", "kiem_tra"),
             Plan(2, "07/QĐ-SKHCN", D(2023, 1, 9), "Sở Khoa học và Công nghệ", "thanh tra đo lường", "thanh_tra"))  # fmt: skip
    path = render(PeriodRecords(plans=plans), tmp_path)
    assert _section(path, "1. Tóm tắt chương trình, kế hoạch thanh tra, kiểm tra đã được phê duyệt",
                    "2. Tình hình, kết quả công tác thanh tra trong lĩnh vực KH&CN") == [
        "- Thực hiện Kế hoạch số 05/KH-CCTĐC ngày 02/01/2023 của Chi cục về việc kiểm tra xăng dầu: trong tháng 01 "
        "năm 2023 chưa tiến hành kiểm tra tại cơ sở;",  # typed "V/v": "về việc"
        "- Thực hiện Quyết định số 07/QĐ-SKHCN ngày 09/01/2023 của Sở Khoa học và Công nghệ về thanh tra đo lường: "
        "trong tháng 01 năm 2023 chưa tiến hành thanh tra tại cơ sở.",
    ]  # fmt: skip


def test_a_plan_the_inspection_unit_issued_is_not_planned_again(tmp_path):
    """ "Thực hiện Kế hoạch … của Chi cục …, Sở đã chỉ đạo Chi cục … xây dựng kế hoạch" plans a plan: when
    the plan is the inspection unit's own, the unit is directed to carry it out."""
    unit = model_settings().inspection_unit
    visits = (InspectionVisit(1, 1, 1, "gas", D(2023, 1, 6), (1,), (ChecklistAnswer("do_luong", "met"),)),
              InspectionVisit(2, 2, 1, "gas", D(2023, 1, 7), (1,), (ChecklistAnswer("do_luong", "met"),)))  # fmt: skip
    plans = (Plan(1, "05/KH-CCTĐC", D(2023, 1, 2), unit.upper(), "kiểm tra gas", "kiem_tra"),
             Plan(2, "3826/KH-TĐC", D(2023, 1, 2), "Tổng cục", "kiểm tra gas", "kiem_tra"))  # fmt: skip
    path = render(PeriodRecords(inspections=visits, plans=plans, facilities={1: Facility(1, "gas", "Gas An")}), tmp_path)
    own = paragraph_with(path, "Thực hiện Kế hoạch số 05/KH-CCTĐC")
    assert f"Sở đã chỉ đạo {unit} tổ chức kiểm tra tại 01 cơ sở" in own
    other = paragraph_with(path, "Thực hiện Kế hoạch số 3826/KH-TĐC")
    assert f"Sở đã chỉ đạo {unit} xây dựng kế hoạch và tổ chức kiểm tra tại 01 cơ sở" in other


def _paragraph(path: Path, start: str):
    (found,) = [b for b in blocks(path) if not isinstance(b, Table) and b.text.startswith(start)]
    return found


def test_two_failed_facilities_are_introduced_in_the_plural_and_the_lead_in_keeps_with_them(tmp_path):
    answers = (ChecklistAnswer("do_luong", "not_met"),)
    visits = tuple(InspectionVisit(i, 1, i, "gas", D(2023, 1, 6), (1,), answers, action="reminder") for i in (1, 2))
    plans = (Plan(1, "05/KH-CCTĐC", D(2023, 1, 2), "Chi cục", "kiểm tra gas", "kiem_tra"),)
    facilities = {1: Facility(1, "gas", "Gas An"), 2: Facility(2, "gas", "Gas Bình")}
    path = render(PeriodRecords(inspections=visits, plans=plans, facilities=facilities), tmp_path)
    text = paragraphs(path)
    at = text.index("Các cơ sở chưa đạt yêu cầu:")
    assert [t[:8] for t in text[at + 1 : at + 3]] == ["- Gas An", "- Gas Bì"]
    assert _paragraph(path, "Các cơ sở chưa đạt yêu cầu:").paragraph_format.keep_with_next


def test_lead_ins_keep_with_what_they_introduce(demo_docx):
    """A paragraph ending in ":" never ends a page: "Kính gửi:" and the calibration table's lead-in."""
    assert _paragraph(demo_docx, "Kính gửi:").paragraph_format.keep_with_next
    assert _paragraph(demo_docx, "Trong tháng 01 năm 2023, Trung tâm").paragraph_format.keep_with_next


def test_the_signature_page_carries_the_last_paragraph_of_b(demo_docx, tmp_path):
    """The closing sentence is never alone above the signature: B's last paragraph keeps with it (and
    B's heading with its sentence when B is that one sentence); the paragraphs before it do not."""
    assert _paragraph(demo_docx, "12. Thực hiện nhiệm vụ khác").paragraph_format.keep_with_next
    assert not _paragraph(demo_docx, "11. Tiếp tục tăng cường").paragraph_format.keep_with_next
    empty = render(PeriodRecords(), tmp_path)
    assert _paragraph(empty, "B. PHƯƠNG HƯỚNG").paragraph_format.keep_with_next
    assert _paragraph(empty, "Tiếp tục triển khai các nhiệm vụ theo chương trình").paragraph_format.keep_with_next


HOSTILE = "A & B <b>đậm</b> \"nháy\" 'đơn' 🚀 tab\x0bdọc =SUM(A1)"


def test_hostile_text_is_escaped_and_xml_safe(tmp_path):
    records = PeriodRecords(
        notes=(Note(1, "2023-01", "A.I", HOSTILE),),
        licences=(Licence(1, "xquang_y_te", "cap_moi", "1", HOSTILE, HOSTILE, D(2023, 1, 3)),),
        inspections=(InspectionVisit(1, 1, 1, "gas", D(2023, 1, 5), (), (ChecklistAnswer("do_luong", "not_met"),),
                                     violations=HOSTILE),),
        plans=(Plan(1, "1/KH", D(2023, 1, 1), HOSTILE, HOSTILE, "kiem_tra"),),
        facilities={1: Facility(1, "gas", HOSTILE)},
    )  # fmt: skip
    settings = ReportSettings.from_config({**model_settings_dict(), "signer_name": HOSTILE})
    path = render(records, tmp_path, settings)
    expected = HOSTILE.replace("\x0b", "").replace(" 🚀", "")  # no pictograph reaches the document
    text = all_text(path)  # python-docx parsed it: the XML is well-formed
    assert expected in paragraphs(path)
    assert text.count(expected) >= 4 and "\x0b" not in text and "🚀" not in text
    assert "<b>" in text and "&amp;" not in text


def model_settings_dict() -> dict:
    from tests.test_report_support import MODEL_ORGANISATION

    return dict(MODEL_ORGANISATION)


def test_settings_name_the_missing_key():
    from reports.settings import ReportSettingsError

    with pytest.raises(ReportSettingsError, match="organisation.signer_name"):
        ReportSettings.from_config({k: v for k, v in model_settings_dict().items() if k != "signer_name"})
    with pytest.raises(ReportSettingsError, match="cut_off_day"):
        ReportSettings.from_config(model_settings_dict(), {"cut_off_day": 40})


def test_libreoffice_converts_the_demo_report_to_pdf(demo_docx, tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if not office:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    subprocess.run(
        [office, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(demo_docx)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    pdf = tmp_path / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        assert "781" in text and "09/09" in text and "Nguyễn Xuân Hải" in text


def test_settings_from_the_projects_config(tmp_path):
    from tests.test_report_support import config

    raw = config()
    settings = ReportSettings.from_config(raw["organisation"], raw["reporting"], base_dir=tmp_path)
    assert settings.template == DEFAULT_TEMPLATE and settings.cut_off_day == 14
    assert settings.locality.startswith("tỉnh ") and settings.recipients_copy
    custom = ReportSettings.from_config(
        raw["organisation"], {"report_template": "mine.docx"}, base_dir=tmp_path
    )
    assert custom.template == tmp_path / "mine.docx"
    path = render(PeriodRecords(), tmp_path, settings)
    assert "{{" not in all_text(path)


def test_the_closing_sentence_stays_with_the_signature(demo_docx):
    """A signature block never stands alone on the last page: the closing sentence and the spacer keep
    with it, and its row does not split across pages."""
    body = blocks(demo_docx)
    closing = next(i for i, b in enumerate(body) if not isinstance(b, Table) and "trân trọng báo cáo" in b.text)
    assert isinstance(body[closing + 2], Table) and body[closing + 2] is not None
    assert body[closing].paragraph_format.keep_with_next and body[closing + 1].paragraph_format.keep_with_next
    assert "w:cantSplit" in body[closing + 2].rows[0]._tr.xml


# --- words a records office would correct (issue 18) ----------------------------------------------------


def test_the_calibration_sentence_introduces_ptd_and_says_each_figure_once(tmp_path):
    batches = (CalibrationBatch(1, D(2023, 1, 5), "dien", 12, 2, 10),)
    path = render(PeriodRecords(calibration_batches=batches), tmp_path)
    sentence = paragraph_with(path, "Trong tháng 01 năm 2023, Trung tâm")
    assert sentence == (
        "Trong tháng 01 năm 2023, Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng đã kiểm định, hiệu chuẩn 12 "
        "phương tiện đo (PTĐ) các loại, cấp giấy chứng nhận kiểm định, tem kiểm định cho 10 PTĐ, cụ thể như sau:"
    )
    text = all_text(path)
    assert "hiệu chỉnh" not in text and text.index("phương tiện đo (PTĐ)") < text.index(" PTĐ")
    assert "Số PTĐ kiểm định, hiệu chuẩn" in text


@pytest.mark.parametrize(("subject", "about"), [
    ("kiểm tra về đo lường, chất lượng dịp Tết", "về việc kiểm tra về đo lường"),  # never "về kiểm tra về"
    ("Về việc kiểm tra xăng dầu", "về việc kiểm tra xăng dầu"),
    ("Về kiểm tra xăng dầu", "về kiểm tra xăng dầu"),
    ("kiểm tra chất lượng xăng dầu", "về kiểm tra chất lượng xăng dầu"),
    ("kiểm tra bảo vệ người tiêu dùng", "về kiểm tra bảo vệ người tiêu dùng"),  # "vệ" is not "về"
])  # fmt: skip
def test_a_plans_subject_never_doubles_ve(tmp_path, subject, about):
    plans = (Plan(1, "05/KH-CCTĐC", D(2023, 1, 2), "Chi cục", subject, "kiem_tra"),)
    path = render(PeriodRecords(plans=plans), tmp_path)
    assert f"của Chi cục {about}" in paragraph_with(path, "- Thực hiện Kế hoạch số 05/KH-CCTĐC")


def test_no_default_paragraph_unless_configured_and_a_note_replaces_it(tmp_path):
    """II.1.2's "Tiếp tục triển khai …" comes only from [reporting] section_defaults; a month's own note
    replaces it; with neither and no figure, II.1 says so in its sentence for "nothing" — never a lone "1.1."."""
    bare = ReportSettings.from_config(MODEL_ORGANISATION, {"cut_off_day": 14})
    text = paragraphs(render(PeriodRecords(), tmp_path, bare))
    assert not [p for p in text if p.startswith("Tiếp tục triển khai các nhiệm vụ trong Kế hoạch")]
    at = text.index("II. Hoạt động khoa học và công nghệ")
    assert text[at + 1 : at + 4] == ["1. Hoạt động nghiên cứu khoa học và phát triển công nghệ",
                                     "Trong tháng 01 năm 2023, Sở không tổ chức đánh giá, nghiệm thu nhiệm vụ KH&CN cấp tỉnh.",
                                     "2. Hoạt động đánh giá, thẩm định, giám định, chuyển giao công nghệ"]  # fmt: skip
    assert not [p for p in text if p.startswith("1.1.")]
    note = (Note(1, "2023-01", "A.II.1.2", "Triển khai 05 nhiệm vụ cấp tỉnh."),)
    acts = (Activity(1, "nghiem_thu_nhiem_vu", D(2023, 1, 5), 2),)
    text = paragraphs(render(PeriodRecords(notes=note, activities=acts), tmp_path))  # the demo's default configured
    at = text.index("1. Hoạt động nghiên cứu khoa học và phát triển công nghệ")
    assert text[at + 1 : at + 3] == ["Tổ chức đánh giá, nghiệm thu 02 nhiệm vụ KH&CN cấp tỉnh sử dụng ngân sách nhà nước.",
                                     "Triển khai 05 nhiệm vụ cấp tỉnh."]  # a note at position 0 follows the figures  # fmt: skip
    assert not [p for p in text if p.startswith(("Tiếp tục triển khai các nhiệm vụ trong", "1.1."))]


def test_a_default_for_an_unknown_section_is_refused():
    with pytest.raises(ReportSettingsError, match="section_defaults"):
        ReportSettings.from_config(MODEL_ORGANISATION, {"section_defaults": {"A.IX": "…"}})


def test_the_template_takes_its_words_from_texts(tmp_path, monkeypatch):
    """A wording changed in texts/report_template.py is what the rebuilt template prints: the builder
    holds none of its own (and the committed template is the one the unchanged words make, above)."""
    monkeypatch.setattr(texts.report_template, "CLOSING", "{{ org.department_name }} kính báo cáo./.")
    monkeypatch.setitem(texts.report_template.HEADINGS, "A.IV", "Tiêu chuẩn, đo lường, chất lượng")
    built = make_template.build(tmp_path / "t.docx")
    with zipfile.ZipFile(built) as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert "kính báo cáo./." in body and "trân trọng báo cáo" not in body
    assert ". Tiêu chuẩn, đo lường, chất lượng" in body and "Hoạt động tiêu chuẩn đo lường chất lượng" not in body
