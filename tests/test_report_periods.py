"""Reporting periods of Nghị định 09/2019: the 15th-14th months, quarters, halves, the year."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.periods import (
    PeriodError,
    date_words,
    half_period,
    month_period,
    note_periods,
    parse_period,
    period_line,
    period_of,
    quarter_period,
    year_period,
)

D = dt.date


def test_january_2023_is_the_model_period():
    p = month_period(2023, 1)
    assert (p.key, p.kind, p.start, p.end) == ("2023-01", "month", D(2022, 12, 15), D(2023, 1, 14))
    assert period_line(p) == (
        "Kỳ báo cáo: Tháng 01 năm 2023",
        "(Từ ngày 15 tháng 12 năm 2022 đến ngày 14 tháng 01 năm 2023)",
    )
    assert (p.label, p.phrase, p.short_phrase) == ("Tháng 01 năm 2023", "tháng 01 năm 2023", "tháng 01")


def test_the_14th_is_in_and_the_15th_is_out():
    assert period_of(D(2023, 1, 14)).key == "2023-01"
    assert period_of(D(2023, 1, 15)).key == "2023-02"
    assert period_of(D(2022, 12, 15)).key == "2023-01"  # crosses the year
    assert period_of(D(2022, 12, 14)).key == "2022-12"


def test_months_after_february_are_not_padded_in_words():
    """ND 30: "tháng 01", "tháng 02" but "tháng 3" … "tháng 12"; days below 10 padded."""
    assert period_line(month_period(2023, 4))[0] == "Kỳ báo cáo: Tháng 4 năm 2023"
    assert date_words(D(2023, 3, 5)) == "ngày 05 tháng 3 năm 2023"
    assert month_period(2023, 2).label == "Tháng 02 năm 2023"


def test_leap_year_with_cut_off_31_clamps_to_the_month_end():
    feb = month_period(2024, 2, cut_off_day=31)
    assert (feb.start, feb.end) == (D(2024, 2, 1), D(2024, 2, 29))
    assert month_period(2023, 2, cut_off_day=31).end == D(2023, 2, 28)
    march = month_period(2024, 3, cut_off_day=30)
    assert (march.start, march.end) == (D(2024, 3, 1), D(2024, 3, 30))
    assert month_period(2024, 4, cut_off_day=30).start == D(2024, 3, 31)


def test_configurable_cut_off_day():
    p = month_period(2023, 1, cut_off_day=20)
    assert (p.start, p.end) == (D(2022, 12, 21), D(2023, 1, 20))
    assert period_of(D(2023, 1, 21), cut_off_day=20).key == "2023-02"


def test_quarter_half_year_and_year():
    assert (quarter_period(2023, 1).start, quarter_period(2023, 1).end) == (D(2022, 12, 15), D(2023, 3, 14))
    assert quarter_period(2023, 2).label == "Quý II năm 2023"
    assert (half_period(2023, 1).start, half_period(2023, 1).end) == (D(2022, 12, 15), D(2023, 6, 14))
    assert (half_period(2023, 2).start, half_period(2023, 2).end) == (D(2023, 6, 15), D(2023, 12, 14))
    assert half_period(2023, 2).phrase == "6 tháng cuối năm 2023"
    y = year_period(2023)
    assert (y.start, y.end, y.label) == (D(2022, 12, 15), D(2023, 12, 14), "Năm 2023")


def test_next_and_previous_cross_the_year():
    assert month_period(2023, 12).next().key == "2024-01"
    assert month_period(2023, 1).previous().key == "2022-12"
    assert quarter_period(2023, 4).next().key == "2024-Q1"
    assert half_period(2023, 1).previous().key == "2022-H2"


@pytest.mark.parametrize(
    ("text", "key"),
    [("01/2023", "2023-01"), ("1/2023", "2023-01"), (" 12/2022 ", "2022-12"), ("2023-01", "2023-01"),
     ("2023-Q3", "2023-Q3"), ("2023-h1", "2023-H1"), ("2023", "2023"), ("tháng 1/2023", "2023-01"),
     ("tháng 01 năm 2023", "2023-01"), ("Q1/2023", "2023-Q1"), ("quý 1/2023", "2023-Q1"), ("quy I 2023", "2023-Q1"),
     ("Quý IV năm 2023", "2023-Q4"), ("q2-2023", "2023-Q2"), ("6T/2023", "2023-H1"), ("6t 2023", "2023-H1"),
     ("6 tháng đầu năm 2023", "2023-H1"), ("6 thang cuoi nam 2023", "2023-H2"), ("H2/2023", "2023-H2"),
     ("năm 2023", "2023"), ("Năm  2023", "2023")],
)  # fmt: skip
def test_parse(text, key):
    assert parse_period(text).key == key


@pytest.mark.parametrize("text", ["13/2022", "00/2023", "2023-13", "tháng 1", "", "1/23", "2023-Q5", "Q5/2023",
                                  "quý V 2023", "quý 1", "6T3/2023", "6 tháng giữa năm 2023", "năm 23"])
def test_parse_rejects(text):
    with pytest.raises(PeriodError):
        parse_period(text)


def test_cut_off_day_out_of_range():
    with pytest.raises(PeriodError):
        month_period(2023, 1, cut_off_day=0)
    with pytest.raises(PeriodError):
        month_period(2023, 1, cut_off_day=32)


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31)), st.integers(min_value=1, max_value=31))
def test_every_day_belongs_to_exactly_the_month_period_of_it(day, cut_off):
    """The months tile the calendar: the period of a day contains it, and the next starts the day after."""
    p = period_of(day, cut_off)
    assert p.contains(day)
    assert p.next().start == p.end + dt.timedelta(days=1)
    assert parse_period(p.key, cut_off) == p


def test_a_longer_period_is_its_months_and_reads_their_notes():
    q1 = quarter_period(2023, 1)
    assert [m.key for m in q1.months()] == ["2023-01", "2023-02", "2023-03"]
    assert (q1.months()[0].start, q1.months()[-1].end) == (q1.start, q1.end)
    assert [m.key for m in year_period(2023, cut_off_day=20).months()][-1] == "2023-12"
    assert note_periods(half_period(2023, 2)) == ("2023-07", "2023-08", "2023-09", "2023-10", "2023-11", "2023-12",
                                                  "2023-H2")  # fmt: skip
    assert note_periods(month_period(2023, 1)) == ("2023-01",)
