"""What bench/mutate.py found untested in reports/aggregate.py (issue 26): records whose field, kind or
action the catalogue no longer knows, the fixed order of licence actions, notes that continue a
figure's paragraph, acronyms kept in capitals. Kinds and fields are read from the catalogue.
"""

from __future__ import annotations

import datetime as dt

import pytest

from reports.aggregate import (
    Clause,
    Count,
    PumpFailure,
    SectionNotes,
    aggregate,
    applied_at,
    criterion_outcome,
    failed_at,
    failed_criteria,
    kind_result,
    section_notes,
    violations_text,
)
from reports.periods import month_period
from storage.catalogue import Criterion, FacilityKind
from storage.domain import (
    Activity,
    CalibrationBatch,
    ChecklistAnswer,
    InspectionVisit,
    Licence,
    Note,
    PeriodRecords,
    Plan,
    PumpCheck,
)
from tests.test_report_support import catalogue

D = dt.date
CAT = catalogue()
PERIOD = month_period(2023, 1)  # 15/12/2022–14/01/2023


def test_a_count_is_its_number():
    assert (int(Count(7)), int(Count(0)), int(Count())) == (7, 0, 0)


def test_batches_of_a_field_since_removed_are_counted_under_its_key_after_the_catalogues():
    first = CAT.calibration_fields[0]
    batches = (
        CalibrationBatch(1, D(2023, 1, 2), "can_cu", 4, 1, 3),
        CalibrationBatch(2, D(2023, 1, 3), first.key, 5, 0, 5),
        CalibrationBatch(3, D(2023, 1, 4), "can_cu", 6, 0, 6),
    )
    table = aggregate(PeriodRecords(calibration_batches=batches), CAT, PERIOD).calibration
    rows = [(r.stt, r.key, r.label, r.verified.value, r.rejected.value, r.certificates.value) for r in table.rows]
    assert rows == [("1", first.key, first.label, 5, 0, 5), ("2", "can_cu", "can_cu", 10, 1, 9)]
    assert (table.verified.value, table.rejected.value, table.certificates.value) == (15, 1, 14)


def test_licence_actions_in_their_fixed_order_whatever_the_order_entered():
    kind = CAT.licence_kinds[0].key
    entered = ["thu_hoi", "cap_lai", "sua_doi", "gia_han", "cap_moi"]  # the first one no longer known
    lic = tuple(Licence(i, kind, a, str(i), "Công ty A", "", D(2023, 1, 2)) for i, a in enumerate(entered, 1))
    licences = aggregate(PeriodRecords(licences=lic), CAT, PERIOD).licences
    assert [a.action for a in licences.actions] == ["cap_moi", "gia_han", "sua_doi", "cap_lai", "thu_hoi"]
    assert [(a.action, a.count.value) for a in licences.kinds[0].actions] == [(a, 1) for a in entered]
    assert licences.total.value == 5


def test_a_licence_of_a_kind_since_removed_comes_after_the_catalogues():
    known = CAT.licence_kinds[-1]
    lic = (
        Licence(1, "giay_phep_cu", "cap_moi", "1", "A", "", D(2023, 1, 2)),
        Licence(2, known.key, "gia_han", "2", "B", "", D(2023, 1, 3)),
    )
    licences = aggregate(PeriodRecords(licences=lic), CAT, PERIOD).licences
    assert [(k.key, k.label, k.count.value) for k in licences.kinds] == [
        (known.key, known.label, 1), ("giay_phep_cu", "giay_phep_cu", 1)
    ]
    assert [(a.action, [(k.key, k.label) for k in a.kinds]) for a in licences.actions] == [
        ("cap_moi", [("giay_phep_cu", "giay_phep_cu")]), ("gia_han", [(known.key, known.label)])
    ]


def test_notes_after_a_figure_continue_its_paragraph_until_an_item_starts():
    notes = SectionNotes(
        before=("Trước.",),
        after=("tiếp câu của số liệu", "Câu thứ hai.", "- một mục", "sau mục", "1. mục số", "a) mục chữ"),
    )
    assert notes.continuation == ("tiếp câu của số liệu", "Câu thứ hai.")
    assert notes.rest == ("- một mục", "sau mục", "1. mục số", "a) mục chữ")


def test_each_way_of_starting_an_item():
    for item in ("- gạch", "– gạch dài", "+ cộng", "• chấm", "1. số", "12) số ngoặc", "đ) chữ đ", "a) chữ"):
        assert SectionNotes(after=(item, "x")).continuation == (), item
    for text in ("-gạch liền", "1.5 kg", "a)b", "ab) hai chữ", "Điều 5. Quy định"):
        assert SectionNotes(after=(text,)).continuation == (text,), text


def test_notes_with_nothing_after_the_figures():
    assert SectionNotes(before=("Trước.",)).continuation == () == SectionNotes().rest
    assert bool(SectionNotes(before=("Trước.",))) and bool(SectionNotes(after=("Sau.",))) and not SectionNotes()


def _approved_subject(subject: str) -> tuple[str, str]:
    plan = Plan(7, "07/KH-CCTĐC", D(2023, 1, 2), "Chi cục Tiêu chuẩn Đo lường Chất lượng", subject, "kiem_tra")
    (result,) = aggregate(PeriodRecords(plans=(plan,)), CAT, PERIOD).inspections.approved
    return result.about, result.subject


def test_a_plans_subject_as_it_follows_ve_in_a_sentence():
    assert _approved_subject("Kiểm tra đo lường xăng dầu.") == ("về", "kiểm tra đo lường xăng dầu")
    assert _approved_subject("V/v kiểm tra hàng đóng gói sẵn") == ("về việc", "kiểm tra hàng đóng gói sẵn")
    assert _approved_subject("Về việc Kiểm tra cân") == ("về việc", "kiểm tra cân")
    assert _approved_subject("về kiểm tra cân") == ("về", "kiểm tra cân")
    assert _approved_subject("Kiểm tra về đo lường") == ("về việc", "kiểm tra về đo lường")
    assert _approved_subject("TCVN 5945 tại các cơ sở") == ("về", "TCVN 5945 tại các cơ sở")  # an acronym stays
    assert _approved_subject("KH&CN cơ sở") == ("về", "KH&CN cơ sở")
    assert _approved_subject("A cơ sở") == ("về", "a cơ sở")  # one capital letter is no acronym
    assert _approved_subject("") == ("về", "")


# Criteria that cover the pumps' seals or error (config.toml allows them; the shipped catalogue has
# only the certificate's): each is failed by that fault alone, and only by it.
SEALS = Criterion("niem_phong", "Niêm phong còn nguyên vẹn", "giữ nguyên niêm phong", pumps="seals")
ERROR = Criterion("sai_so", "Sai số trong giới hạn", "bảo đảm sai số cho phép", pumps="error")
CERT = Criterion("hieu_luc", "Còn hiệu lực kiểm định", "sử dụng phương tiện đo còn hiệu lực", pumps="certificate")
PLAIN = Criterion("ho_so", "Hồ sơ chất lượng", "lưu giữ hồ sơ chất lượng")
GOOD = PumpCheck("CD01", True, True, 0.1, True)


@pytest.mark.parametrize(
    ("pump", "failed"),
    [
        (PumpCheck("CD02", True, False, 0.1, True), {"niem_phong"}),
        (PumpCheck("CD02", True, True, 0.6, False), {"sai_so"}),
        (PumpCheck("CD02", False, True, 0.1, True), {"hieu_luc"}),
        (GOOD, set()),
    ],
    ids=["seal", "error", "certificate", "none"],
)
def test_each_pump_aspect_fails_its_own_criterion(pump, failed):
    visit = InspectionVisit(1, 1, 1, "tram", D(2023, 1, 5), pumps=(GOOD, pump))
    outcomes = {c.key: criterion_outcome(c, [visit]) for c in (SEALS, ERROR, CERT, PLAIN)}
    assert outcomes == {"niem_phong": "met", "sai_so": "met", "hieu_luc": "met", "ho_so": "na"} | {
        key: "not_met" for key in failed
    }
    assert {c.key for c in (SEALS, ERROR, CERT, PLAIN) if failed_at(c, visit)} == failed


def test_a_kind_with_pumps_where_no_criterion_applied_but_a_pump_failed():
    kind = FacilityKind("tram", "trạm", "cơ sở trạm cân", (PLAIN,), has_pumps=True)  # no criterion covers pumps
    bad = InspectionVisit(1, 1, 1, "tram", D(2023, 1, 5), checklist=(ChecklistAnswer("ho_so", "na"),),
                          pumps=(PumpCheck("CD02", True, False, 0.1, True),))  # fmt: skip
    good = InspectionVisit(2, 1, 2, "tram", D(2023, 1, 6), checklist=(ChecklistAnswer("ho_so", "na"),), pumps=(GOOD,))
    result = kind_result(kind, {1: [bad], 2: [good]})
    assert (result.facilities.value, result.compliant.value, result.all_compliant, result.criteria) == (2, 1, False, ())
    assert result.clauses == (Clause("01/02", "cơ sở trạm cân", "", failed=True),)  # "01/02 … chưa đạt yêu cầu"
    assert kind_result(kind, {2: [good]}).clauses == (Clause("01/01", "cơ sở trạm cân", ""),)


def test_a_criterion_since_removed_failed_where_no_other_applied():
    kind = next(k for k in CAT.facility_kinds if not k.has_pumps)
    answers = (*(ChecklistAnswer(c.key, "na") for c in kind.criteria), ChecklistAnswer("tieu_chi_cu", "not_met"))
    visit = InspectionVisit(1, 1, 1, kind.key, D(2023, 1, 5), checklist=answers)
    result = kind_result(kind, {1: [visit]})
    assert result.clauses == (Clause("01/01", kind.report_noun, "", failed=True),) and not result.all_compliant


def test_a_quarters_notes_read_its_months_and_only_its_own_section_b():
    periods = ("2023-01", "2023-02", "2023-03", "2023-Q1")
    notes = (
        Note(1, "2023-Q1", "A.I", "Của quý.", 0),
        Note(2, "2023-02", "A.I", "tháng hai", 0),
        Note(3, "2023-01", "A.I", "Tháng một.", 5),
        Note(4, "2023-01", "A.I", "Tháng  Hai", 0),  # the same words as note 2: said once, the first time
        Note(5, "2023-01", "B", "Nhiệm vụ tháng 02.", 0),
        Note(6, "2023-Q1", "B", "Nhiệm vụ quý II.", 0),
    )
    by_section = section_notes(notes, periods)
    assert by_section["A_I"].after == ("Tháng  Hai", "Tháng một.", "Của quý.")
    assert by_section["B"].after == ("Nhiệm vụ quý II.",)


def test_a_months_section_b_without_periods_named():
    assert section_notes((Note(1, "2023-01", "B", "Nhiệm vụ tháng 02.", 0),))["B"].after == ("Nhiệm vụ tháng 02.",)


def test_line_breaks_of_every_kind_split_paragraphs():
    note = Note(1, "2023-01", "A.I", "Kỷ niệm lần thứ XX\r\nđã tổ chức\rxong\n\nhết\vý", 0)
    assert section_notes((note,), ("2023-01",))["A_I"].after == ("Kỷ niệm lần thứ XX", "đã tổ chức", "xong", "hết\vý")


def test_the_document_type_of_a_plans_number():
    for number, code in (("05", ""), ("05/kh-cctđc", "KH"), ("307/QĐ-SKH&CN", "QĐ"), ("12/UBND", "UBND")):
        plan = Plan(7, number, D(2023, 1, 2), "Chi cục", "kiểm tra", "kiem_tra")
        (result,) = aggregate(PeriodRecords(plans=(plan,)), CAT, PERIOD).inspections.approved
        assert (result.number, result.doc_code) == (number, code)


def test_vii_1_with_only_visited_plans_names_them_unless_a_note_says_it_all():
    plan = Plan(7, "07/KH-CCTĐC", D(2023, 1, 2), "Chi cục", "kiểm tra", "kiem_tra")
    kind = CAT.facility_kinds[0]
    visit = InspectionVisit(1, 7, 1, kind.key, D(2023, 1, 5))
    records = PeriodRecords(plans=(plan,), inspections=(visit,))
    assert [p.number for p in aggregate(records, CAT, PERIOD).inspections.approved] == ["07/KH-CCTĐC"]
    noted = PeriodRecords(plans=(plan,), inspections=(visit,), notes=(Note(1, "2023-01", "A.VII.1", "Đã phê duyệt."),))
    assert aggregate(noted, CAT, PERIOD).inspections.approved == ()
    blank = PeriodRecords(plans=(plan,), inspections=(visit,), notes=(Note(1, "2023-01", "A.VII.1", "  "),))
    assert [p.number for p in aggregate(blank, CAT, PERIOD).inspections.approved] == ["07/KH-CCTĐC"]


def test_a_failed_facility_no_longer_on_file_is_named_by_its_number():
    plan = Plan(7, "07/KH-CCTĐC", D(2023, 1, 2), "Chi cục", "kiểm tra", "kiem_tra")
    kind = CAT.facility_kinds[0]
    visit = InspectionVisit(1, 7, 42, kind.key, D(2023, 1, 5), checklist=(ChecklistAnswer(kind.criteria[0].key, "not_met"),))
    (result,) = aggregate(PeriodRecords(plans=(plan,), inspections=(visit,)), CAT, PERIOD).inspections.kiem_tra
    assert [f.name for f in result.failures] == ["#42"]


def test_one_paragraph_continues_the_figure_before_an_item():
    assert SectionNotes(after=("tiếp", "- mục")).continuation == ("tiếp",)
    assert SectionNotes(after=("tiếp", "- mục")).rest == ("- mục",)
    assert SectionNotes(after=("một", "hai", "ba")).continuation == ("một", "hai", "ba")


def test_subjects_typed_with_two_prefixes_or_ending_in_a_roman_numeral():
    assert _approved_subject("V/v Về việc kiểm tra cân") == ("về việc", "kiểm tra cân")
    assert _approved_subject("Kiểm tra đo lường đợt IX.") == ("về", "kiểm tra đo lường đợt IX")


def test_visits_of_a_kind_since_removed_keep_their_facilities():
    plan = Plan(7, "07/KH-CCTĐC", D(2023, 1, 2), "Chi cục", "kiểm tra", "kiem_tra")
    visit = InspectionVisit(1, 7, 1, "loai_cu", D(2023, 1, 5), checklist=(ChecklistAnswer("tieu_chi", "not_met"),))
    (result,) = aggregate(PeriodRecords(plans=(plan,), inspections=(visit,)), CAT, PERIOD).inspections.kiem_tra
    (kind,) = result.kinds
    assert (kind.key, kind.noun, kind.facilities.value, kind.compliant.value) == ("loai_cu", "cơ sở loai_cu", 1, 0)
    assert [(f.name, f.noun, f.criteria) for f in result.failures] == [("#1", "cơ sở loai_cu", ("tieu_chi",))]


def test_a_months_section_b_is_its_own():
    notes = (Note(1, "2022-12", "B", "Của tháng trước.", 0), Note(2, "2023-01", "B", "Nhiệm vụ tháng 02.", 0))
    assert section_notes(notes, ("2023-01",))["B"].after == ("Nhiệm vụ tháng 02.",)


def test_vii_1_is_said_by_a_note_of_its_own_section_only():
    plan = Plan(7, "07/KH-CCTĐC", D(2023, 1, 2), "Chi cục", "kiểm tra", "kiem_tra")
    visit = InspectionVisit(1, 7, 1, CAT.facility_kinds[0].key, D(2023, 1, 5))
    other = PeriodRecords(plans=(plan,), inspections=(visit,), notes=(Note(1, "2023-01", "A.VII.2", "Đã kiểm tra."),))
    assert [p.number for p in aggregate(other, CAT, PERIOD).inspections.approved] == ["07/KH-CCTĐC"]


def test_a_criterion_answered_is_applied_whatever_the_answer():
    for result, applied in (("met", True), ("not_met", True), ("na", False)):
        visit = InspectionVisit(1, 1, 1, "tram", D(2023, 1, 5), checklist=(ChecklistAnswer("ho_so", result),))
        assert applied_at(PLAIN, visit) is applied, result


def test_a_removed_criterion_is_named_only_when_failed():
    kind = next(k for k in CAT.facility_kinds if not k.has_pumps)
    answers = (ChecklistAnswer(kind.criteria[0].key, "not_met"), ChecklistAnswer("cu_dat", "met"),
               ChecklistAnswer("cu_na", "na"), ChecklistAnswer("cu_khong_dat", "not_met"))  # fmt: skip
    visit = InspectionVisit(1, 1, 1, kind.key, D(2023, 1, 5), checklist=answers)
    label = kind.criteria[0].label
    assert failed_criteria(kind, [visit]) == (label[:1].lower() + label[1:], "cu_khong_dat")


@pytest.mark.parametrize(
    ("typed", "serial", "said"),
    [
        ("Thiếu sổ. Ống hở 2 cm. và không có tem", "ZZ9", "thiếu sổ; ống hở 2 cm. và không có tem"),
        ("Vi phạm khoản IX.", "ZZ9", "vi phạm khoản IX"),
        ("Cột CD2 sai số lớn; Thiếu sổ", "CD2", "thiếu sổ"),  # three characters: the pump's line says it
        ("Cột C1 sai số lớn; Thiếu sổ", "C1", "cột C1 sai số lớn; thiếu sổ"),  # two: too short to look for
    ],
)
def test_violations_as_items(typed, serial, said):
    visit = InspectionVisit(1, 1, 1, "tram", D(2023, 1, 5), violations=typed)
    assert violations_text([visit], [PumpFailure(serial, False, True, "")], ()) == said


def test_details_and_decisions_of_activities_in_one_line():
    kind = CAT.activity_kinds[0].key
    acts = (Activity(1, kind, D(2023, 1, 2), 1, "Công ty A", decision="QĐ 1"),
            Activity(2, kind, D(2023, 1, 3), 2, "Công ty B", decision="QĐ 2"))  # fmt: skip
    figure = aggregate(PeriodRecords(activities=acts), CAT, PERIOD).activities[CAT.activity_kinds[0].report_key]
    assert (figure.details_text, figure.decisions_text) == ("Công ty A, Công ty B", "QĐ 1; QĐ 2")


def test_a_two_letter_acronym_and_a_decisions_number_with_its_year():
    assert _approved_subject("CR của hàng hóa") == ("về", "CR của hàng hóa")
    plan = Plan(7, "123/2023/QĐ-UBND", D(2023, 1, 2), "UBND tỉnh", "kiểm tra", "thanh_tra")
    (result,) = aggregate(PeriodRecords(plans=(plan,)), CAT, PERIOD).inspections.approved
    assert result.doc_code == "QĐ"
