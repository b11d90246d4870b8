"""reports.aggregate on plain domain objects: no database, no template."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.aggregate import Count, aggregate, format_count, format_ratio
from reports.periods import month_period
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
from tests.test_report_support import catalogue

D = dt.date
PERIOD = month_period(2023, 1)
CAT = catalogue()


def fuel_visit(vid, facility_id, plan_id=1, failed=(), pumps=()):
    answers = tuple(
        ChecklistAnswer(c.key, "not_met" if c.key in failed else "met")
        for c in CAT.facility_kind("xang_dau").criteria
    )
    return InspectionVisit(vid, plan_id, facility_id, "xang_dau", D(2023, 1, 5), (1,), answers, pumps)


def plan(pid=1, kind="kiem_tra", number="3826/KH-TĐC"):
    return Plan(pid, number, D(2022, 12, 30), "Tổng cục", "Về việc kiểm tra dịp Tết", kind)


@pytest.mark.parametrize(
    ("n", "text"), [(0, "0"), (1, "01"), (9, "09"), (10, "10"), (781, "781"), (1200, "1.200")]
)
def test_counts_are_written_like_the_model(n, text):
    assert format_count(n) == text == str(Count(n))
    assert bool(Count(n)) is (n != 0)


def test_ratio():
    assert (format_ratio(9, 9), format_ratio(0, 3), format_ratio(12, 13)) == ("09/09", "00/03", "12/13")


def test_calibration_rows_follow_the_catalogue_and_leave_out_empty_fields():
    batches = (
        CalibrationBatch(1, D(2023, 1, 2), "dong_ho_nuoc", 300, 2, 298),
        CalibrationBatch(2, D(2023, 1, 3), "dien", 5, 0, 5),
        CalibrationBatch(3, D(2023, 1, 4), "dong_ho_nuoc", 200, 0, 200),
    )
    table = aggregate(PeriodRecords(calibration_batches=batches), CAT, PERIOD).calibration
    assert [
        (r.stt, r.label, r.unit, r.verified.value, r.rejected.value, r.certificates.value) for r in table.rows
    ] == [
        ("1", "Điện", "PTĐ", 5, 0, 5),
        ("2", "Đồng hồ đo nước", "PTĐ", 500, 2, 498),
    ]
    assert (table.verified.value, table.rejected.value, table.certificates.value) == (505, 2, 503)


def test_all_compliant_kind_is_one_clause_with_every_phrase():
    visits = tuple(fuel_visit(i, i) for i in range(1, 10))
    (result,) = aggregate(
        PeriodRecords(inspections=visits, plans=(plan(),)), CAT, PERIOD
    ).inspections.kiem_tra
    (kind,) = result.kinds
    assert kind.all_compliant and str(kind.facilities) == "09"
    assert [(c.ratio, c.noun, c.phrases) for c in kind.clauses] == [
        (
            "09/09",
            "cơ sở kinh doanh xăng dầu",
            "sử dụng phương tiện đo còn hiệu lực của giấy chứng nhận kiểm định, lưu giữ đầy đủ hồ sơ chất lượng, "
            "ghi nhãn đúng quy định",
        )
    ]
    assert result.doc_code == "KH" and result.subject == "kiểm tra dịp Tết"


def test_failed_facilities_are_counted_per_criterion_and_named():
    """The checklist says the instruments are certified; a pump's expired certificate decides."""
    bad_pump = PumpCheck("CD-7", False, False, 0.6, False)
    visits = (
        fuel_visit(1, 1),
        fuel_visit(2, 2, pumps=(bad_pump,)),
        fuel_visit(3, 3),
        fuel_visit(4, 1),  # a second visit to facility 1 still counts one facility
    )
    facilities = {i: Facility(i, "xang_dau", f"CHXD {i}") for i in (1, 2, 3)}
    records = PeriodRecords(inspections=visits, plans=(plan(),), facilities=facilities)
    (result,) = aggregate(records, CAT, PERIOD).inspections.kiem_tra
    (kind,) = result.kinds
    assert (str(result.facilities), str(kind.compliant), kind.all_compliant) == ("03", "02", False)
    assert [(c.ratio, c.phrases, c.failed) for c in kind.clauses] == [
        ("03/03", "lưu giữ đầy đủ hồ sơ chất lượng, ghi nhãn đúng quy định", False),
        ("01/03", "sử dụng phương tiện đo không còn hiệu lực của giấy chứng nhận kiểm định", True),
    ]
    (failed,) = result.failures
    # The criterion the pump decided is named, and the pump once.
    assert failed.name == "CHXD 2" and failed.criteria == ("phương tiện đo còn hiệu lực kiểm định",)
    assert [(p.serial, p.seal_broken, p.expired, p.error) for p in failed.pumps] == [
        ("CD-7", True, True, "+0,60")
    ]


def test_an_explicit_not_met_stands_against_pumps_in_order():
    """The inspector answered "không đạt"; pumps typed with valid certificates do not overturn it."""
    good_pump = PumpCheck("CD-1", True, True, 0.1, True)
    answers = (ChecklistAnswer("pt_do_hieu_luc", "not_met", "Tem kiểm định bồn chứa hết hạn"),)
    visits = (InspectionVisit(1, 1, 1, "xang_dau", D(2023, 1, 5), (1,), answers, (good_pump,)),)
    records = PeriodRecords(inspections=visits, plans=(plan(),), facilities={1: Facility(1, "xang_dau", "A")})
    (result,) = aggregate(records, CAT, PERIOD).inspections.kiem_tra
    assert not result.kinds[0].all_compliant
    assert [(c.ratio, c.failed) for c in result.kinds[0].clauses] == [("01/01", True)]
    (failed,) = result.failures
    assert failed.criteria == ("phương tiện đo còn hiệu lực kiểm định (tem kiểm định bồn chứa hết hạn)",)
    assert failed.pumps == ()


def test_a_failing_line_names_what_each_visit_found_once():
    """Day 1: pumps checked, one expired. Day 2: no pump, the criterion "không đạt" with a note. Day 3:
    the same pump still expired. The line names the criterion (with its note) and the pump, once each."""
    expired = PumpCheck("CD-7", False, True, 0.1, True)
    day2 = (ChecklistAnswer("pt_do_hieu_luc", "not_met", "Cột CD-9 quá hạn"),)
    visits = (
        InspectionVisit(1, 1, 1, "xang_dau", D(2023, 1, 3), (1,), (), (expired,)),
        InspectionVisit(2, 1, 1, "xang_dau", D(2023, 1, 5), (1,), day2, (), action="record"),
        InspectionVisit(3, 1, 1, "xang_dau", D(2023, 1, 9), (1,), (), (PumpCheck("cd 7", False, True, 0.6, False),)),
    )
    records = PeriodRecords(inspections=visits, plans=(plan(),), facilities={1: Facility(1, "xang_dau", "XD 1")})
    (result,) = aggregate(records, CAT, PERIOD).inspections.kiem_tra
    (failed,) = result.failures
    assert failed.criteria == ("phương tiện đo còn hiệu lực kiểm định (cột CD-9 quá hạn)",)
    assert [(p.serial, p.expired, p.seal_broken, p.error) for p in failed.pumps] == [("CD-7", True, False, "+0,60")]
    assert failed.action == "none"  # the last visit's


def test_a_criterion_no_visit_applied_is_in_neither_count():
    visits = (InspectionVisit(1, 1, 1, "xang_dau", D(2023, 1, 5), (1,), (ChecklistAnswer("ghi_nhan", "na"),)),
              fuel_visit(2, 2))  # fmt: skip
    records = PeriodRecords(inspections=visits, plans=(plan(),))
    (result,) = aggregate(records, CAT, PERIOD).inspections.kiem_tra
    assert {(c.key, c.met.value, c.answered.value) for c in result.kinds[0].criteria} == {
        ("pt_do_hieu_luc", 1, 1), ("ho_so_chat_luong", 1, 1), ("ghi_nhan", 1, 1)
    }


def test_thanh_tra_is_counted_from_its_plans():
    visits = (fuel_visit(1, 1, plan_id=1), fuel_visit(2, 2, plan_id=2))
    plans = (
        plan(1),
        plan(2, "thanh_tra", "12/QĐ-SKHCN"),
        plan(3, "thanh_tra", "13/QĐ-SKHCN"),
    )  # 3: no visits
    inspections = aggregate(PeriodRecords(inspections=visits, plans=plans), CAT, PERIOD).inspections
    assert [p.number for p in inspections.thanh_tra] == ["12/QĐ-SKHCN"]
    assert str(inspections.thanh_tra_count) == "01" and inspections.thanh_tra[0].doc_code == "QĐ"
    assert [p.number for p in inspections.kiem_tra] == ["3826/KH-TĐC"]


def test_licences_by_kind_and_action():
    lic = (
        Licence(1, "chung_chi_nvbx", "cap_moi", "1", "A", "", D(2023, 1, 2)),
        Licence(2, "xquang_y_te", "cap_moi", "2", "B", "", D(2023, 1, 2)),
        Licence(3, "xquang_y_te", "gia_han", "3", "C", "", D(2023, 1, 3)),
    )
    licences = aggregate(PeriodRecords(licences=lic), CAT, PERIOD).licences
    assert [(k.key, str(k.count)) for k in licences.kinds] == [
        ("xquang_y_te", "02"),
        ("chung_chi_nvbx", "01"),
    ]
    assert [(a.action, a.count.value) for a in licences.kinds[0].actions] == [("cap_moi", 1), ("gia_han", 1)]
    assert str(licences.total) == "03"
    assert [(a.action, [(k.key, k.count.value) for k in a.kinds], str(a.count)) for a in licences.actions] == [
        ("cap_moi", [("xquang_y_te", 1), ("chung_chi_nvbx", 1)], "02"),
        ("gia_han", [("xquang_y_te", 1)], "01"),
    ]


def test_activity_details_distinct_enterprises_authors_and_decisions():
    acts = (
        Activity(1, "thep_nhap_khau", D(2023, 1, 2), 50, "Công ty Thép A"),
        Activity(
            2, "thep_nhap_khau", D(2023, 1, 3), 38, "công ty thép a "
        ),  # the same enterprise, typed again
        Activity(3, "thep_nhap_khau", D(2023, 1, 4), 1, "Công ty Thép B"),
        Activity(4, "sang_kien", D(2023, 1, 4), 10, "đợt 2", 20, "QĐ 84"),
        Activity(5, "sang_kien", D(2023, 1, 5), 11, "đợt 2", 23, "QĐ 84"),
    )
    act = aggregate(PeriodRecords(activities=acts), CAT, PERIOD).activities
    assert (act["thep_nhap_khau"].count.value, str(act["thep_nhap_khau"].enterprises)) == (89, "02")
    assert (str(act["sang_kien"].count), str(act["sang_kien"].authors)) == ("21", "43")
    assert act["sang_kien"].details_text == "đợt 2" and act["sang_kien"].decisions == ("QĐ 84",)
    assert not act["khieu_nai"].count and set(act) >= {k.report_key for k in CAT.activity_kinds}


def test_notes_become_paragraphs_around_the_figures():
    notes = (
        Note(1, "2023-01", "A.IV.1", "sau 2", 2),
        Note(2, "2023-01", "A.IV.1", "trước", -1),
        Note(3, "2023-01", "A.IV.1", "sau 1\n\n  dòng hai  ", 1),
        Note(4, "2023-01", "A.VIII", "mục mới của Sở hợp nhất", 0),
    )
    by_section = aggregate(PeriodRecords(notes=notes), CAT, PERIOD).notes
    assert by_section["A_IV_1"].before == ("trước",)
    assert by_section["A_IV_1"].after == ("sau 1", "dòng hai", "sau 2")
    assert by_section["A_VIII"].after == ("mục mới của Sở hợp nhất",)
    assert not by_section["B"]


def test_period_labels_for_the_template():
    p = aggregate(PeriodRecords(), CAT, PERIOD).period
    assert (p.next_label, p.plan_year, p.short_phrase) == ("tháng 02 năm 2023", 2023, "tháng 01")  # B names its year
    assert aggregate(PeriodRecords(), CAT, month_period(2023, 12)).period.next_label == "tháng 01 năm 2024"


def test_an_empty_month_is_all_zeros():
    data = aggregate(PeriodRecords(), CAT, PERIOD)
    assert data.calibration.rows == () and not data.calibration.verified
    assert data.inspections.kiem_tra == data.inspections.thanh_tra == () and not data.licences.total
    assert not any(f.count for f in data.activities.values())


def test_violations_are_written_once_each_in_sentence_case():
    from reports.aggregate import PumpFailure, violations_text

    visits = (
        InspectionVisit(1, 1, 1, "xang_dau", D(2023, 1, 5), violations="Không niêm yết giá. Ống dẫn hở\nCột CD-02 sai số lớn"),
        InspectionVisit(2, 1, 1, "xang_dau", D(2023, 1, 6),
                        violations="không niêm yết giá; Ghi nhãn đúng quy định; cân 3.5 kg. sai lệch"),
    )  # fmt: skip
    pumps = (PumpFailure("CD02", False, False, "+0,60"),)
    assert violations_text(visits, pumps, ("ghi nhãn đúng quy định",)) == (
        "không niêm yết giá; ống dẫn hở; cân 3.5 kg. sai lệch"
    )
