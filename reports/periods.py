"""Reporting periods of Nghị định 09/2019/NĐ-CP: month, quarter, half-year and year.

Month M runs from the day after the cut-off day of M-1 to the cut-off day of M: with the default
cut-off 14, January 2023 is 15/12/2022 - 14/01/2023. A quarter, a half-year and the year are runs of
months (Q1 = 15/12 - 14/03, H1 = 15/12 - 14/06, the year = 15/12 - 14/12).

A cut-off day beyond a month's length is clamped to that month's last day (cut-off 31: February ends
on the 28th or 29th, March starts on the 1st). Each period starts the day after the previous one
ended, so the periods always tile the calendar: every business date belongs to exactly one month.

Dates in words follow Nghị định 30/2020: days below 10 and the months 1 and 2 take a leading zero
("ngày 05 tháng 01", "tháng 02", but "tháng 3" ... "tháng 12").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

import texts
from storage.text import fold

DEFAULT_CUT_OFF_DAY = 14
KINDS = ("month", "quarter", "half", "year")
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodError(ValueError):
    """A period was asked for in a form or with values that do not name one."""


@dataclass(frozen=True)
class Period:
    """One reporting period: its key ("2023-01", "2023-Q1", "2023-H1", "2023"), kind and dates."""

    key: str
    kind: str  # month | quarter | half | year
    year: int
    number: int  # month 1-12, quarter 1-4, half 1-2; 1 for a year
    start: dt.date
    end: dt.date
    cut_off_day: int = DEFAULT_CUT_OFF_DAY

    @property
    def label(self) -> str:
        """As the period line writes it: "Tháng 01 năm 2023", "Quý I năm 2023", "Năm 2023"."""
        return self.phrase[0].upper() + self.phrase[1:]

    @property
    def phrase(self) -> str:
        """As a sentence writes it: "trong tháng 01 năm 2023"."""
        if self.kind == "year":
            return texts.document.YEAR.format(year=self.year)
        return texts.document.WITH_YEAR.format(phrase=self.short_phrase, year=self.year)

    @property
    def short_phrase(self) -> str:
        """Without the year: "tháng 01", "quý I", "6 tháng đầu năm"; the year alone for a year."""
        if self.kind == "month":
            return texts.document.MONTH.format(month=month_word(self.number))
        if self.kind == "quarter":
            return texts.document.QUARTER.format(roman=_ROMAN[self.number])
        if self.kind == "half":
            return texts.document.FIRST_HALF if self.number == 1 else texts.document.SECOND_HALF
        return texts.document.YEAR.format(year=self.year)

    def months(self) -> tuple[Period, ...]:
        """The months the period is made of, in order (a month: itself)."""
        span = _MONTHS_OF[self.kind]
        last = self.number * span
        return tuple(_build("month", self.year, m, self.cut_off_day) for m in range(last - span + 1, last + 1))

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> Period:
        """The period of the same kind that follows this one."""
        return _build(self.kind, *_step(self.kind, self.year, self.number, 1), self.cut_off_day)

    def previous(self) -> Period:
        return _build(self.kind, *_step(self.kind, self.year, self.number, -1), self.cut_off_day)


def month_word(month: int) -> str:
    """A month number in words as ND 30 writes it: 01 and 02 padded, 3 to 12 not."""
    return f"{month:02d}" if month <= 2 else str(month)


def day_word(day: int) -> str:
    return f"{day:02d}"


def date_words(day: dt.date) -> str:
    """ "ngày 15 tháng 12 năm 2022" (ND 30 form for header dates and the period line)."""
    return texts.document.DATE_WORDS.format(day=day_word(day.day), month=month_word(day.month), year=day.year)


def short_date(day: dt.date) -> str:
    """Body dates as the department writes them: "13/01/2023"."""
    return day.strftime("%d/%m/%Y")


def month_end(year: int, month: int, cut_off_day: int = DEFAULT_CUT_OFF_DAY) -> dt.date:
    """The last day of month (year, month): its cut-off day, clamped to the month's length."""
    _check_cut_off(cut_off_day)
    return dt.date(year, month, min(cut_off_day, calendar.monthrange(year, month)[1]))


def month_period(year: int, month: int, cut_off_day: int = DEFAULT_CUT_OFF_DAY) -> Period:
    """Month `month` of `year`: from the day after the previous month's end to this month's end."""
    if not 1 <= month <= 12:
        raise PeriodError(f"month must be 1-12, not {month}")
    return _build("month", year, month, cut_off_day)


def quarter_period(year: int, quarter: int, cut_off_day: int = DEFAULT_CUT_OFF_DAY) -> Period:
    if not 1 <= quarter <= 4:
        raise PeriodError(f"quarter must be 1-4, not {quarter}")
    return _build("quarter", year, quarter, cut_off_day)


def half_period(year: int, half: int, cut_off_day: int = DEFAULT_CUT_OFF_DAY) -> Period:
    if half not in (1, 2):
        raise PeriodError(f"half must be 1 or 2, not {half}")
    return _build("half", year, half, cut_off_day)


def year_period(year: int, cut_off_day: int = DEFAULT_CUT_OFF_DAY) -> Period:
    return _build("year", year, 1, cut_off_day)


def period_of(day: dt.date, cut_off_day: int = DEFAULT_CUT_OFF_DAY) -> Period:
    """The month a business date belongs to: after the cut-off day it counts toward the next month."""
    if day <= month_end(day.year, day.month, cut_off_day):
        return month_period(day.year, day.month, cut_off_day)
    return month_period(day.year, day.month, cut_off_day).next()


def default_period(today: dt.date, cut_off_day: int, due_day: int) -> tuple[Period, bool]:
    """The period a report asked for without one is of (/baocao, /xuat, the web view's month page): the
    current month, or during the first days after a cut-off (from the day after it to `due_day`), the
    month that just ended (True)."""
    current = period_of(today, cut_off_day)
    due = current.start.replace(day=min(due_day, calendar.monthrange(current.start.year, current.start.month)[1]))
    if current.start <= today <= due:
        return current.previous(), True
    return current, False


def note_periods(period: Period) -> tuple[str, ...]:
    """The keys of the notes a period's report reads, in date order: a month's own; a longer period's
    months', then its own (notes are written per month; section B of a longer period is its own)."""
    if period.kind == "month":
        return (period.key,)
    return (*(m.key for m in period.months()), period.key)


def period_line(period: Period) -> tuple[str, str]:
    """The two lines under the title: "Kỳ báo cáo: Tháng 01 năm 2023" and "(Từ ngày … đến ngày …)"."""
    return (
        texts.document.PERIOD_LINE.format(label=period.label),
        texts.document.PERIOD_SPAN.format(start=date_words(period.start), end=date_words(period.end)),
    )


_SEP = r"\s*(?:[/.-]|\s|\bnam\b)\s*"  # between a period and its year: "/", ".", "-", a space, "năm"
_YEAR_AT_END = r"(?:nam\s*)?(\d{4})"
_MONTH_TYPED = re.compile(rf"^(?:thang\s*|t\s*)?(\d{{1,2}}){_SEP}{_YEAR_AT_END}$")  # 01/2023, tháng 1 năm 2023
_MONTH_ISO = re.compile(r"^(\d{4})-(\d{1,2})$")  # 2023-01
_QUARTER_TYPED = re.compile(rf"^(?:quy|q)\s*([1-4]|iv|i{{1,3}}){_SEP}{_YEAR_AT_END}$")  # Q1/2023, quý I năm 2023
_QUARTER_ISO = re.compile(r"^(\d{4})-q([1-4])$")
# 6T/2023, "6 tháng đầu năm 2023", "6 tháng cuối năm 2023", H1/2023
_HALF_TYPED = re.compile(rf"^(?:6\s*t(?:hang)?\s*(dau|cuoi|[12])?|h([12])){_SEP}{_YEAR_AT_END}$")
_HALF_ISO = re.compile(r"^(\d{4})-h([12])$")
_YEAR = re.compile(r"^(?:nam\s*)?(\d{4})$")
_QUARTER_NUMBER = {"1": 1, "2": 2, "3": 3, "4": 4, "i": 1, "ii": 2, "iii": 3, "iv": 4}
_HALF_NUMBER = {None: 1, "dau": 1, "1": 1, "cuoi": 2, "2": 2}


def parse_period(text: str, cut_off_day: int = DEFAULT_CUT_OFF_DAY) -> Period:
    """A period as people type it, with or without diacritics: a month ("01/2023", "tháng 1 năm 2023",
    "2023-01"), a quarter ("Q1/2023", "quý 1/2023", "quy I 2023", "2023-Q1"), a half-year ("6T/2023",
    "6 tháng đầu năm 2023", "6 tháng cuối năm 2023", "2023-H2") or a year ("2023", "năm 2023")."""
    folded = re.sub(r"\s+", " ", fold(text)).strip()
    if m := _MONTH_TYPED.match(folded):
        return month_period(int(m[2]), int(m[1]), cut_off_day)
    if m := _MONTH_ISO.match(folded):
        return month_period(int(m[1]), int(m[2]), cut_off_day)
    if m := _QUARTER_TYPED.match(folded):
        return quarter_period(int(m[2]), _QUARTER_NUMBER[m[1]], cut_off_day)
    if m := _QUARTER_ISO.match(folded):
        return quarter_period(int(m[1]), int(m[2]), cut_off_day)
    if m := _HALF_TYPED.match(folded):
        return half_period(int(m[3]), _HALF_NUMBER[m[1] or m[2]], cut_off_day)
    if m := _HALF_ISO.match(folded):
        return half_period(int(m[1]), int(m[2]), cut_off_day)
    if m := _YEAR.match(folded):
        return year_period(int(m[1]), cut_off_day)
    raise PeriodError(f"not a period: {text!r} (expected MM/YYYY, Q1/YYYY, 6T/YYYY or YYYY)")


# --- construction -------------------------------------------------------------------------------

_MONTHS_OF = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_PER_YEAR = {"month": 12, "quarter": 4, "half": 2, "year": 1}


def _check_cut_off(cut_off_day: int) -> None:
    if not 1 <= cut_off_day <= 31:
        raise PeriodError(f"cut-off day must be 1-31, not {cut_off_day}")


def _key(kind: str, year: int, number: int) -> str:
    return {
        "month": f"{year}-{number:02d}",
        "quarter": f"{year}-Q{number}",
        "half": f"{year}-H{number}",
        "year": f"{year}",
    }[kind]


def _build(kind: str, year: int, number: int, cut_off_day: int) -> Period:
    """A period is its months: from the day after the month before its first month ended, to its last."""
    span = _MONTHS_OF[kind]
    last_month = number * span
    first_month = last_month - span + 1
    before_year, before_month = (year - 1, 12) if first_month == 1 else (year, first_month - 1)
    start = month_end(before_year, before_month, cut_off_day) + dt.timedelta(days=1)
    end = month_end(year, last_month, cut_off_day)
    return Period(_key(kind, year, number), kind, year, number, start, end, cut_off_day)


def _step(kind: str, year: int, number: int, by: int) -> tuple[int, int]:
    index = year * _PER_YEAR[kind] + (number - 1) + by
    return index // _PER_YEAR[kind], index % _PER_YEAR[kind] + 1
