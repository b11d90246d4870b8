"""The rows that bench/mutate.py found missing from the tables of bot/parsing.py (issue 26): each tells
the parser apart from a small change of it that the other tables let through (a limit's default, a
digit count in a pattern, a power of an amount's unit). Sentences written out, as in
tests/test_parsing_limits.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bot.messages import Choice, Location
from bot.parsing import match_choice, parse_count, parse_date, parse_decimal, parse_location, parse_text
from tests.test_parsing_limits import (
    CHOICE_AMBIGUOUS,
    CHOICE_EXPECTED,
    COORDINATES,
    COUNT_EXPECTED,
    COUNT_NOT_WHOLE,
    DATE_EXPECTED,
    DECIMAL_EXPECTED,
    TOO_BIG,
    refused,
)

# --- a name at the default limit (no limit passed: the one every name question uses) --------------


def test_a_name_up_to_the_default_limit():
    assert parse_text("Ư" * 500) == "Ư" * 500
    assert refused(parse_text, "Ư" * 501) == "Nội dung quá dài, vui lòng viết gọn trong 500 ký tự."


def test_a_name_typed_on_two_lines_is_one_line():
    assert parse_text("Cửa hàng xăng dầu\nMinh Phát") == "Cửa hàng xăng dầu Minh Phát"


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("a\n\n\nb", "a\n\nb"),  # three line breaks: one empty line kept
        ("Mục XX\n\n\nĐã xong.", "Mục XX\n\nĐã xong."),  # a Roman numeral before them
        ("a\n\nb", "a\n\nb"),
    ],
)
def test_a_note_keeps_at_most_one_empty_line(typed, value):
    assert parse_text(typed, 2000, multiline=True) == value


# --- amounts in words: each unit's power ----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("0,5 tỷ", 500_000_000),
        ("0.5 ty", 500_000_000),
        ("0,999999999 tỷ", 999_999_999),
        ("1,5 triệu", 1_500_000),
        ("2 tr", 2_000_000),
        ("2,5 nghìn", 2_500),
        ("3 ngan", 3_000),
        ("4k", 4_000),
    ],
)
def test_each_unit_of_an_amount(typed, value):
    assert parse_count(typed) == value


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("7 triệu rưỡi", COUNT_EXPECTED),  # an amount with words left over is no amount
        ("7 trieu ruoi", COUNT_EXPECTED),
        ("500 nghìn một cái", COUNT_EXPECTED),
        ("1,5 tỷ", TOO_BIG),
        ("X3", COUNT_EXPECTED),  # a letter before the number is no minus sign
        ("x3", COUNT_EXPECTED),
        ("1234.567", COUNT_NOT_WHOLE),  # four digits before the dot: no thousands separator, a fraction
        ("1.200.0000", COUNT_EXPECTED),  # a group of four digits: not thousands
        ("1.200.00", COUNT_EXPECTED),
        ("12.00", COUNT_NOT_WHOLE),
    ],
)
def test_amounts_and_groups_refused(typed, message):
    assert refused(parse_count, typed) == message


@pytest.mark.parametrize(
    ("typed", "value"), [("1.234.567", 1_234_567), ("12 345", 12_345), ("123,456,789", 123_456_789)]
)
def test_thousands_groups_of_three(typed, value):
    assert parse_count(typed) == value


@pytest.mark.parametrize("typed", ["X0,3", "x0,3", "0,3X"])
def test_a_letter_is_no_sign_of_a_decimal(typed):
    assert refused(parse_decimal, typed) == DECIMAL_EXPECTED


def test_a_decimal_with_a_plain_hyphen():
    assert parse_decimal("-0,3") == Decimal("-0.3")


# --- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "today", "value"),
    [
        # 2100 is no leap year: eight years back from 28/02/2104 to the last 29 February
        ("29/2", dt.date(2104, 2, 28), dt.date(2096, 2, 29)),
        ("29/2", dt.date(2104, 2, 29), dt.date(2104, 2, 29)),
        ("29/2", dt.date(2103, 12, 31), dt.date(2096, 2, 29)),
        ("05/01", dt.date(2026, 1, 5), dt.date(2026, 1, 5)),
    ],
)
def test_a_date_without_its_year_is_the_last_one(typed, today, value):
    assert parse_date(typed, today) == value


@pytest.mark.parametrize("typed", ["5/123", "5/100/2023", "100/1"])
def test_a_month_or_day_of_three_digits_is_no_date(typed):
    assert refused(parse_date, typed, dt.date(2026, 11, 26)) == DATE_EXPECTED


# --- places ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1.29, 103.85", Location(1.29, 103.85)),  # one digit before the point
        ("20.65, 6.05", Location(20.65, 6.05)),
        ("-0.5, -0.5", Location(-0.5, -0.5)),
    ],
)
def test_coordinates_with_few_digits(typed, value):
    assert parse_location(typed) == value


@pytest.mark.parametrize("typed", ["2065.5, 106.05", "20.65, 1060.5", "-2065.5, 106.05"])
def test_coordinates_with_a_digit_too_many_are_refused_not_kept_as_an_address(typed):
    assert refused(parse_location, typed) == COORDINATES


# --- choices: exactly two that match ----------------------------------------------------------------

FIELDS = [Choice("dien", "Điện"), Choice("kl", "Khối lượng", aliases=("cân",)), Choice("dtnd", "Điện trở nối đất")]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("di", CHOICE_AMBIGUOUS),  # "Điện" and "Điện trở nối đất" both start so
        ("Đi", CHOICE_AMBIGUOUS),
        ("ien", CHOICE_AMBIGUOUS),  # inside both
        ("luong dien", CHOICE_EXPECTED),
    ],
)
def test_two_choices_that_match_are_ambiguous(typed, message):
    assert refused(match_choice, typed, FIELDS) == message


@pytest.mark.parametrize(
    ("typed", "key"),
    [("khoi", "kl"), ("luong", "kl"), ("dien tro", "dtnd"), ("Điện", "dien"), ("ca", "kl"), ("Câ", "kl")],
)
def test_one_choice_that_matches(typed, key):  # "ca": the start of the alias "cân", in no label
    assert match_choice(typed, FIELDS).key == key
