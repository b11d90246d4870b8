"""The report is valid Office Open XML (ECMA-376 transitional schemas), and the checker catches faults.

Word refuses files LibreOffice forgives ("unreadable content"): children of <w:pPr> / <w:tblPr> out of
the schema's order, a property repeated, a required attribute missing. Every report the tests render is
validated by tests/conftest.py as it is written; the files made here are checked explicitly as well.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from reports.aggregate import aggregate
from reports.periods import month_period
from reports.render import render_monthly_report
from reports.settings import DEFAULT_TEMPLATE
from storage.domain import ChecklistAnswer, Facility, InspectionVisit, Note, PeriodRecords, Plan
from tests.ooxml import assert_valid_docx, docx_errors, rewrite_part
from tests.test_report_render import HOSTILE, _demo_report
from tests.test_report_support import catalogue, model_settings, other_settings

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PERIOD = month_period(2023, 1)
CAT = catalogue()
MADE_AT = dt.datetime(2023, 1, 16, 2, 30, tzinfo=dt.UTC)


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _render(records: PeriodRecords, out: Path, settings=None) -> Path:
    data = aggregate(records, CAT, PERIOD)
    return render_monthly_report(data, settings or model_settings(), out, made_at=MADE_AT)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return asyncio.run(_demo_report(tmp_path_factory.mktemp("demo"), model_settings(), "tỉnh Hưng Yên"))


def test_the_template_and_the_demo_report_are_valid(demo):
    assert_valid_docx(DEFAULT_TEMPLATE)
    assert_valid_docx(demo)


def test_an_empty_month_and_another_province_are_valid(tmp_path):
    assert_valid_docx(_render(PeriodRecords(), tmp_path / "empty.docx"))
    assert_valid_docx(asyncio.run(_demo_report(tmp_path, other_settings(), "tỉnh Nam Định")))


def test_notes_with_hostile_text_are_valid(tmp_path):
    records = PeriodRecords(
        notes=tuple(Note(i, "2023-01", s, HOSTILE + "\n" + HOSTILE) for i, s in enumerate(("A.I", "A.III.3", "B"))),
        inspections=(InspectionVisit(1, 1, 1, "gas", dt.date(2023, 1, 5), (),
                                     (ChecklistAnswer("do_luong", "not_met", HOSTILE),), violations=HOSTILE),),
        plans=(Plan(1, "1/KH", dt.date(2023, 1, 1), HOSTILE, HOSTILE, "kiem_tra"),),
        facilities={1: Facility(1, "gas", HOSTILE)},
    )  # fmt: skip
    assert_valid_docx(_render(records, tmp_path / "hostile.docx"))


# --- the checker catches the faults the template used to have --------------------------------------


def _first(root, path: str):
    return root.find(path, {"w": W})


def _pbdr_after_jc(root) -> None:
    ppr = next(p for p in root.iter(w("pPr")) if p.find(w("pBdr")) is not None)
    border = ppr.find(w("pBdr"))
    ppr.remove(border)
    ppr.find(w("jc")).addnext(border)


def _repeated_layout(root) -> None:
    tblpr = _first(root, ".//w:tbl/w:tblPr")
    layout = tblpr.find(w("tblLayout"))
    layout.addnext(etree.fromstring(etree.tostring(layout)))


def _indent_after_look(root) -> None:
    tblpr = _first(root, ".//w:tbl/w:tblPr")
    for tag in ("tblInd", "tblCellMar"):
        element = tblpr.find(w(tag))
        tblpr.remove(element)
        tblpr.append(element)  # after tblLook, where the old template put them


def _zoom_without_percent(root) -> None:
    del root.find(w("zoom")).attrib[w("percent")]


@pytest.mark.parametrize(
    ("part", "fault", "message"),
    [
        ("word/document.xml", _pbdr_after_jc, "w:pBdr': This element is not expected"),
        ("word/document.xml", _repeated_layout, "w:tblLayout': This element is not expected"),
        ("word/document.xml", _indent_after_look, "w:tblInd': This element is not expected"),
        ("word/settings.xml", _zoom_without_percent, "'w:percent' is required"),
    ],
)
def test_the_checker_catches_each_old_fault(demo, tmp_path, part, fault, message):
    broken = rewrite_part(demo, tmp_path / "broken.docx", part, fault)
    errors = docx_errors(broken)
    assert errors and any(message in e for e in errors), errors
    with pytest.raises(AssertionError, match="not valid WordprocessingML"):
        assert_valid_docx(broken)


def test_a_report_from_a_faulty_template_fails_the_test_that_renders_it(tmp_path):
    """The conftest hook: rendering through a template with a fault is an assertion error."""
    template = rewrite_part(DEFAULT_TEMPLATE, tmp_path / "t.docx", "word/document.xml", _pbdr_after_jc)
    settings = dataclasses.replace(model_settings(), template=template)
    with pytest.raises(AssertionError, match="w:pBdr"):
        _render(PeriodRecords(), tmp_path / "r.docx", settings)


# --- core properties ----------------------------------------------------------------------------


def test_core_properties_name_the_department_and_the_time_of_making(tmp_path):
    path = _render(PeriodRecords(), tmp_path / "r.docx")
    props = Document(str(path)).core_properties
    assert props.author == "Sở Khoa học và Công nghệ tỉnh Hưng Yên" == props.last_modified_by
    assert props.created == props.modified == MADE_AT
    assert props.title.endswith("Tháng 01 năm 2023") and props.comments == ""
    with zipfile.ZipFile(path) as z:
        meta = z.read("docProps/core.xml").decode() + z.read("docProps/app.xml").decode()
    assert "python-docx" not in meta and "2013" not in meta and "Macintosh" not in meta


def test_without_a_time_the_report_is_stamped_now(tmp_path):
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    path = render_monthly_report(aggregate(PeriodRecords(), CAT, PERIOD), other_settings(), tmp_path / "r.docx")
    props = Document(str(path)).core_properties
    assert before <= props.created <= dt.datetime.now(dt.UTC)
    assert props.author == "Sở Khoa học và Công nghệ tỉnh Nam Định"
