"""Table tests for what people type: counts, signed decimals, dates, yes/no, free text, choices."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

import pytest

import texts
from bot.messages import Choice, Location
from bot.parsing import (
    ParseError,
    local_today,
    match_choice,
    parse_count,
    parse_date,
    parse_decimal,
    parse_location,
    parse_money,
    parse_text,
    parse_yes_no,
)

UTC = dt.UTC


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1200", 1200),
        ("1.200", 1200),
        ("1 200", 1200),
        ("1,200", 1200),
        ("1.200.000", 1_200_000),
        ("0", 0),
        (" 67 ", 67),
        ("007", 7),
    ],
)
def test_counts_read_with_any_thousands_separator(typed, expected):
    assert parse_count(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", texts.common.COUNT_EXPECTED),
        ("-3", texts.common.COUNT_NEGATIVE),
        ("−3", texts.common.COUNT_NEGATIVE),
        ("1.5", texts.common.COUNT_NOT_WHOLE),
        ("1,5", texts.common.COUNT_NOT_WHOLE),
        ("1.20", texts.common.COUNT_NOT_WHOLE),
        ("", texts.common.EMPTY),
        ("   ", texts.common.EMPTY),
        ("1234567890", texts.common.COUNT_TOO_LONG),
        ("9" * 400, texts.common.COUNT_TOO_LONG),
        ("1.200,5", texts.common.COUNT_EXPECTED),
        ("12 cái", texts.common.COUNT_EXPECTED),
    ],
)
def test_counts_rejected_with_one_clear_sentence(typed, message):
    with pytest.raises(ParseError) as caught:
        parse_count(typed)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("7.500.000", 7_500_000), ("7,5 triệu", 7_500_000), ("500k", 500_000), ("7 triệu 500 nghìn", 7_500_000),
     ("7.500.000 đồng", 7_500_000), ("0", 0), ("-5", -5), ("−7,5 triệu", -7_500_000), ("- 200.000", -200_000)],
)
def test_money_keeps_its_sign_for_the_question_to_judge(typed, expected):
    assert parse_money(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [("abc", "Vui lòng nhập số tiền (đồng), ví dụ 7.500.000 hoặc 7,5 triệu."),
     ("7,5", "Vui lòng nhập số tiền (đồng), ví dụ 7.500.000 hoặc 7,5 triệu."),
     ("-", "Vui lòng nhập số tiền (đồng), ví dụ 7.500.000 hoặc 7,5 triệu."),
     ("--5", "Vui lòng nhập số tiền (đồng), ví dụ 7.500.000 hoặc 7,5 triệu."),
     ("12345678901", "Số này quá lớn, vui lòng kiểm tra lại và nhập tối đa 9 chữ số.")],
)
def test_money_rejected_in_the_words_of_money(typed, message):
    with pytest.raises(ParseError) as caught:
        parse_money(typed)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0,3", Decimal("0.3")),
        ("-0.3", Decimal("-0.3")),
        ("+0,25", Decimal("0.25")),
        ("−0,3", Decimal("-0.3")),
        ("- 0,3", Decimal("-0.3")),
        ("-0,3%", Decimal("-0.3")),
        ("2", Decimal("2")),
    ],
)
def test_decimals_accept_sign_and_decimal_comma(typed, expected):
    assert parse_decimal(typed) == expected


@pytest.mark.parametrize("typed", ["abc", "0,3,4", "--1", "1e5", "", "0." + "1" * 40])
def test_decimals_rejected(typed):
    with pytest.raises(ParseError):
        parse_decimal(typed)


TODAY = dt.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("13/1", dt.date(2026, 1, 13)),
        ("26/11", dt.date(2026, 11, 26)),
        ("27/11", dt.date(2025, 11, 27)),  # not yet this year: last year's
        ("13/01/2023", dt.date(2023, 1, 13)),
        ("13-01-2023", dt.date(2023, 1, 13)),
        ("13.1.2023", dt.date(2023, 1, 13)),
        ("13/1/23", dt.date(2023, 1, 13)),
        ("29/2", dt.date(2024, 2, 29)),  # the most recent leap year
        ("hôm nay", TODAY),
        ("hom nay", TODAY),
        ("Hôm Nay", TODAY),
        (unicodedata.normalize("NFD", "hôm qua"), dt.date(2026, 11, 25)),
        ("hom qua", dt.date(2026, 11, 25)),
    ],
)
def test_dates(typed, expected):
    assert parse_date(typed, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/2023", texts.common.date_impossible(31, 2, 2023)),
        ("29/02/2023", texts.common.date_impossible(29, 2, 2023)),
        ("31/4", texts.common.date_impossible(31, 4, None)),
        ("0/1", texts.common.date_impossible(0, 1, None)),
        ("13/13", texts.common.date_impossible(13, 13, None)),
        ("27/11/2026", texts.common.date_in_future(dt.date(2026, 11, 27), TODAY)),
        ("1/1/2030", texts.common.date_in_future(dt.date(2030, 1, 1), TODAY)),
        ("mai", texts.common.DATE_EXPECTED),
        ("13", texts.common.DATE_EXPECTED),
        ("", texts.common.EMPTY),
    ],
)
def test_dates_rejected_with_distinct_reasons(typed, message):
    with pytest.raises(ParseError) as caught:
        parse_date(typed, TODAY)
    assert caught.value.message == message


def test_impossible_and_future_dates_give_different_messages():
    assert texts.common.date_impossible(31, 2, 2023) != texts.common.date_in_future(dt.date(2027, 1, 1), TODAY)


@pytest.mark.parametrize(
    ("now", "today", "yesterday"),
    [
        # 06:30 local on New Year's day is 23:30 UTC on 31 December: still the new year locally.
        (dt.datetime(2025, 12, 31, 23, 30, tzinfo=UTC), dt.date(2026, 1, 1), dt.date(2025, 12, 31)),
        # 23:30 local on 31 December is 16:30 UTC the same day.
        (dt.datetime(2025, 12, 31, 16, 30, tzinfo=UTC), dt.date(2025, 12, 31), dt.date(2025, 12, 30)),
    ],
    ids=["06:30 local", "23:30 local"],
)
def test_local_today_and_inference_around_midnight(now, today, yesterday):
    local = local_today(now)
    assert local == today
    assert parse_date("hôm nay", local) == today
    assert parse_date("hôm qua", local) == yesterday
    assert parse_date("1/1", local) == dt.date(today.year, 1, 1)  # never next year's 1 January
    assert parse_date("31/12", local) == dt.date(2025, 12, 31)


@pytest.mark.parametrize(
    "typed", ["có", "co", "Có", "ok", "OK", "đồng ý", "dong y", "ừ", "vâng", "yes", "y", "đúng"]
)
def test_yes_words(typed):
    assert parse_yes_no(typed) is True


@pytest.mark.parametrize("typed", ["không", "khong", "k", "ko", "KHÔNG", "no", "chưa", "sai"])
def test_no_words(typed):
    assert parse_yes_no(typed) is False


@pytest.mark.parametrize("typed", ["có lẽ", "maybe", "2", ""])
def test_yes_no_rejected(typed):
    with pytest.raises(ParseError):
        parse_yes_no(typed)


def test_text_is_nfc_and_trimmed():
    decomposed = unicodedata.normalize("NFD", "  Công ty  Xăng dầu  ")
    assert parse_text(decomposed) == "Công ty Xăng dầu"


@pytest.mark.parametrize(("typed", "limit"), [("a" * 501, 500), ("a" * 2001, 2000)])
def test_text_too_long(typed, limit):
    with pytest.raises(ParseError) as caught:
        parse_text(typed, max_length=limit)
    assert caught.value.message == texts.common.text_too_long(limit)


def test_text_empty_rejected():
    with pytest.raises(ParseError) as caught:
        parse_text(" \n\t ")
    assert caught.value.message == texts.common.EMPTY


def test_notes_keep_paragraphs():
    assert parse_text("Dòng một.\n\n\n\nDòng  hai.\x01", 2000, multiline=True) == "Dòng một.\n\nDòng hai."


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("20.65, 106.05", Location(20.65, 106.05)),
        (" 20.6461 106.0511 ", Location(20.6461, 106.0511)),
        ("−20.65; −106.05", Location(-20.65, -106.05)),
        ("ở gần chợ", "ở gần chợ"),
        ("Số 12, 34 đường Lê Lợi", "Số 12, 34 đường Lê Lợi"),
        ("20, 106", "20, 106"),  # coordinates have decimals; two whole numbers are not a position
        ("Km 20.5, QL5", "Km 20.5, QL5"),
        ("xa\u0303  Tân Dân", "xã Tân Dân"),
    ],
)
def test_typed_coordinates_or_an_address(typed, expected):
    assert parse_location(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("120.0, 10.0", texts.common.COORDINATES_OUT_OF_RANGE),
        ("20.0, 180.5", texts.common.COORDINATES_OUT_OF_RANGE),
        (" ", texts.common.EMPTY),
        ("x" * 301, texts.common.text_too_long(300)),
    ],
)
def test_typed_location_errors(typed, message):
    with pytest.raises(ParseError) as caught:
        parse_location(typed)
    assert caught.value.message == message


FIELDS = [
    Choice("dien", "Điện"),
    Choice("kl", "Khối lượng"),
    Choice("dt", "Dung tích"),
    Choice("dtnd", "Điện trở nối đất"),
]


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("1", "dien"),
        ("4", "dtnd"),
        ("Điện", "dien"),  # exact label wins over the prefix it shares with "Điện trở nối đất"
        ("dien", "dien"),
        ("khoi", "kl"),
        ("KHỐI LƯỢNG", "kl"),
        ("tro noi", "dtnd"),
        ("dung", "dt"),
    ],
)
def test_choice_by_number_label_or_folded_part(typed, key):
    assert match_choice(typed, FIELDS).key == key


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", texts.common.CHOICE_EXPECTED),
        ("5", texts.common.CHOICE_EXPECTED),
        ("áp suất", texts.common.CHOICE_EXPECTED),
        ("d", texts.common.CHOICE_AMBIGUOUS),
    ],
)
def test_choice_rejected(typed, message):
    with pytest.raises(ParseError) as caught:
        match_choice(typed, FIELDS)
    assert caught.value.message == message


@pytest.mark.parametrize("text", ["²", "1²", "³", "⁴2"])
def test_superscript_digits_are_not_numbers(text):
    """str.isdigit() accepts '²' but int() does not: such input must be a clear error, not a crash."""
    with pytest.raises(ParseError):
        parse_count(text)
    with pytest.raises(ParseError):
        match_choice(text, [Choice("a", "Điện"), Choice("b", "Khối lượng")])


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("7,5 triệu", 7_500_000), ("7.500.000", 7_500_000), ("7.500.000 đồng", 7_500_000), ("7,5tr", 7_500_000),
     ("7 triệu 500 nghìn", 7_500_000), ("500k", 500_000), ("2 trieu", 2_000_000), ("0,5 nghìn đ", 500)],
)  # fmt: skip
def test_amounts_of_money_as_people_type_them(typed, amount):
    assert parse_count(typed) == amount


@pytest.mark.parametrize("typed", ["triệu", "7,5 triệu abc", "1,2345 k", "7,5", "mười"])
def test_what_is_not_an_amount_is_refused_in_one_sentence(typed):
    with pytest.raises(ParseError):
        parse_count(typed)
