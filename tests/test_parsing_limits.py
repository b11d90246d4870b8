"""Every limit of bot/parsing.py from both sides, with what people type on a phone (issue 26).

Each table row is an input and what must come of it: the value, or the very sentence the person
reads, written out here (not taken from texts.common, so that a changed sentence fails a test). Phone
keyboards add an en dash for a minus, a full stop or "!" after a word, spaces, or no diacritics.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bot.messages import Choice, Location
from bot.parsing import (
    ParseError,
    is_yes,
    local_today,
    match_choice,
    parse_count,
    parse_date,
    parse_decimal,
    parse_location,
    parse_text,
    parse_yes_no,
)

EMPTY = "Chưa có nội dung trả lời, vui lòng trả lời câu hỏi bên dưới."
COUNT_EXPECTED = "Vui lòng nhập một số nguyên không âm, ví dụ 12 hoặc 1.200."
COUNT_NEGATIVE = "Số lượng không thể âm, vui lòng nhập 0 hoặc một số lớn hơn."
COUNT_NOT_WHOLE = "Số lượng phải là số nguyên, ví dụ 12 (không có phần lẻ)."
TOO_BIG = "Số này quá lớn, vui lòng kiểm tra lại và nhập tối đa 9 chữ số."
DECIMAL_EXPECTED = "Vui lòng nhập một số, có thể có phần thập phân, số âm ghi dấu trừ, ví dụ -0,3 hoặc 0,25."
DATE_EXPECTED = (
    "Vui lòng nhập ngày dạng ngày/tháng hoặc ngày/tháng/năm, ví dụ 13/1 hoặc 13/01/2023, hoặc “hôm nay”."
)
YESNO_EXPECTED = "Vui lòng trả lời “có” hoặc “không”."
CHOICE_EXPECTED = "Không có lựa chọn này trong danh sách, vui lòng gõ số thứ tự hoặc tên lựa chọn."
CHOICE_AMBIGUOUS = "Câu trả lời khớp với nhiều lựa chọn, vui lòng gõ số thứ tự trong danh sách."
COORDINATES = (
    "Tọa độ không hợp lệ: vĩ độ từ -90 đến 90, kinh độ từ -180 đến 180 (vĩ độ trước, kinh độ sau, cách nhau dấu "
    "phẩy); hoặc gõ địa chỉ."
)


def refused(parse, *args) -> str:
    with pytest.raises(ParseError) as caught:
        parse(*args)
    return caught.value.message


# --- counts -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("999999999", 999_999_999),  # nine digits: the most there is
        ("999.999.999", 999_999_999),
        ("999 999 999", 999_999_999),
        ("999,999,999", 999_999_999),
        ("000000012", 12),
        ("999 triệu", 999_000_000),
        ("999 trieu", 999_000_000),
        ("999tr", 999_000_000),
        ("999.999.999 đồng", 999_999_999),
        ("7,5 triệu", 7_500_000),
        ("7 triệu 500 nghìn", 7_500_000),
        ("500k", 500_000),
        ("500 ngàn", 500_000),
        ("0,5 nghìn", 500),
        ("1.200 đồng", 1200),
        ("1200 VND", 1200),
        ("1 200", 1200),
        (" 12 ", 12),
        ("0", 0),
        ("1 triệu" + " " * 26 + "5 nghìn", 1_005_000),  # 40 characters
    ],
)
def test_counts_up_to_each_limit(typed, value):
    assert parse_count(typed) == value


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1000000000", TOO_BIG),  # ten digits
        ("1.000.000.000", TOO_BIG),
        ("1 000 000 000", TOO_BIG),
        ("0000000012", TOO_BIG),  # ten characters of digits: a typo, whatever they add up to
        ("1 tỷ", TOO_BIG),
        ("1000 triệu", TOO_BIG),
        ("1.000.000.000 đồng", TOO_BIG),
        ("1 triệu" + " " * 27 + "5 nghìn", COUNT_EXPECTED),  # 41 characters with words: "a number, please"
        ("9" * 41, TOO_BIG),
        ("-12345678901", COUNT_NEGATIVE),  # 12 characters: still read as a negative number
        ("-123456789012", TOO_BIG),  # 13
        ("-3", COUNT_NEGATIVE),
        ("–3", COUNT_NEGATIVE),  # en dash, as a phone keyboard types it
        ("—3", COUNT_NEGATIVE),  # em dash
        ("‐3", COUNT_NEGATIVE),  # U+2010 hyphen
        ("−3", COUNT_NEGATIVE),  # minus sign
        ("- 3", COUNT_NEGATIVE),
        ("-1.200", COUNT_NEGATIVE),
        ("1,5", COUNT_NOT_WHOLE),
        ("1.5", COUNT_NOT_WHOLE),
        ("1,2345", COUNT_NOT_WHOLE),
        ("0,0005 nghìn", COUNT_EXPECTED),  # half a đồng is no count
        ("không biết chính xác", COUNT_EXPECTED),  # words at a number question
        ("khong biet chinh xac", COUNT_EXPECTED),
        ("không biết chính xác, để hỏi lại đơn vị đã", COUNT_EXPECTED),  # 42 characters of words
        ("mười hai", COUNT_EXPECTED),
        ("12 cái", COUNT_EXPECTED),
        ("1.200,5", COUNT_EXPECTED),
        ("12.", COUNT_EXPECTED),
        ("", EMPTY),
        (" \n ", EMPTY),
    ],
)
def test_counts_past_each_limit(typed, message):
    assert refused(parse_count, typed) == message


# --- signed decimals ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("–0,3", Decimal("-0.3")),  # en dash
        ("— 0,3", Decimal("-0.3")),
        ("+0,25", Decimal("0.25")),
        ("0,3 %", Decimal("0.3")),
        ("0." + "1" * 22, Decimal("0." + "1" * 22)),  # 24 characters
        ("- 0, 3", Decimal("-0.3")),  # spaces anywhere
        ("0", Decimal("0")),
    ],
)
def test_decimals_up_to_the_limit(typed, value):
    assert parse_decimal(typed) == value


@pytest.mark.parametrize("typed", ["0." + "1" * 23, "1.000,5", "0,3,4", "--1", "+-1", "1e5", "abc", "0,3%%", ","])
def test_decimals_past_the_limit(typed):
    assert refused(parse_decimal, typed) == DECIMAL_EXPECTED


def test_an_empty_decimal_says_so():
    assert refused(parse_decimal, "  ") == EMPTY


# --- dates ----------------------------------------------------------------------------------------

TODAY = dt.date(2026, 11, 26)
LEAP_EVE = dt.date(2028, 2, 28)  # the day before 29 February of a leap year


@pytest.mark.parametrize(
    ("typed", "today", "value"),
    [
        ("26/11/2026", TODAY, TODAY),  # today typed with its year
        ("26/11/26", TODAY, TODAY),
        ("26/11", TODAY, TODAY),
        ("25/11/2026", TODAY, dt.date(2026, 11, 25)),
        ("27/11", TODAY, dt.date(2025, 11, 27)),
        ("31/12", TODAY, dt.date(2025, 12, 31)),
        ("1/1", TODAY, dt.date(2026, 1, 1)),
        ("31/1", TODAY, dt.date(2026, 1, 31)),
        ("29/2", LEAP_EVE, dt.date(2024, 2, 29)),  # not yet this year: the leap year before
        ("29/2", dt.date(2028, 2, 29), dt.date(2028, 2, 29)),
        ("29/2", dt.date(2031, 1, 5), dt.date(2028, 2, 29)),
        ("28/2", LEAP_EVE, LEAP_EVE),
        ("29/02/2024", LEAP_EVE, dt.date(2024, 2, 29)),
        ("13 / 1 / 2023", TODAY, dt.date(2023, 1, 13)),
        ("13-01-2023", TODAY, dt.date(2023, 1, 13)),
        ("hôm nay", TODAY, TODAY),
        ("Hôm Nay", TODAY, TODAY),
        ("homnay", TODAY, TODAY),
        ("nay", TODAY, TODAY),
        ("hôm qua", TODAY, dt.date(2026, 11, 25)),
        ("qua", dt.date(2026, 1, 1), dt.date(2025, 12, 31)),
    ],
)
def test_dates_up_to_today(typed, today, value):
    assert parse_date(typed, today) == value


@pytest.mark.parametrize(
    ("typed", "today", "message"),
    [
        ("27/11/2026", TODAY, "Ngày 27/11/2026 chưa đến (hôm nay là 26/11/2026), vui lòng nhập một ngày đã qua."),
        ("27/11/26", TODAY, "Ngày 27/11/2026 chưa đến (hôm nay là 26/11/2026), vui lòng nhập một ngày đã qua."),
        ("1/1/2027", TODAY, "Ngày 01/01/2027 chưa đến (hôm nay là 26/11/2026), vui lòng nhập một ngày đã qua."),
        ("29/02/2028", LEAP_EVE, "Ngày 29/02/2028 chưa đến (hôm nay là 28/02/2028), vui lòng nhập một ngày đã qua."),
        ("29/02/2023", TODAY, "Không có ngày 29/02/2023, vui lòng kiểm tra lại ngày và tháng."),
        ("31/02/2023", TODAY, "Không có ngày 31/02/2023, vui lòng kiểm tra lại ngày và tháng."),
        ("30/2", TODAY, "Không có ngày 30/02, vui lòng kiểm tra lại ngày và tháng."),
        ("31/2", TODAY, "Không có ngày 31/02, vui lòng kiểm tra lại ngày và tháng."),
        ("31/4", TODAY, "Không có ngày 31/04, vui lòng kiểm tra lại ngày và tháng."),
        ("32/1", TODAY, "Không có ngày 32/01, vui lòng kiểm tra lại ngày và tháng."),
        ("0/1", TODAY, "Không có ngày 00/01, vui lòng kiểm tra lại ngày và tháng."),
        ("1/0", TODAY, "Không có ngày 01/00, vui lòng kiểm tra lại ngày và tháng."),
        ("1/13", TODAY, "Không có ngày 01/13, vui lòng kiểm tra lại ngày và tháng."),
        ("5/13/2022", TODAY, "Không có ngày 05/13/2022, vui lòng kiểm tra lại ngày và tháng."),
        ("13/1/203", TODAY, DATE_EXPECTED),
        ("13/1/20233", TODAY, DATE_EXPECTED),
        ("123/1", TODAY, DATE_EXPECTED),
        ("mai", TODAY, DATE_EXPECTED),
        ("hôm nay.", TODAY, DATE_EXPECTED),
        ("", TODAY, EMPTY),
    ],
)
def test_dates_refused(typed, today, message):
    assert refused(parse_date, typed, today) == message


@pytest.mark.parametrize(
    ("utc", "local"),
    [
        (dt.datetime(2026, 11, 25, 16, 59, 59, tzinfo=dt.UTC), dt.date(2026, 11, 25)),  # 23:59:59 in Hưng Yên
        (dt.datetime(2026, 11, 25, 17, 0, tzinfo=dt.UTC), dt.date(2026, 11, 26)),  # midnight there
    ],
)
def test_the_business_day_turns_at_local_midnight(utc, local):
    assert local_today(utc) == local


# --- yes and no -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("có.", True), ("Có!", True), ("ok!", True), ("OK.", True), ("ok !!", True), ("co", True),
        ("ừ", True), ("dạ", True), ("vâng", True), ("đồng ý.", True), ("có ạ", True), ("yes", True),
        ("không.", False), ("Không!", False), ("khong", False), ("k", False), ("ko", False),
        ("chưa", False), ("không có", False), ("sai.", False),
    ],
)
def test_yes_and_no_with_the_punctuation_a_phone_adds(typed, value):
    assert parse_yes_no(typed) is value
    assert is_yes(typed) is value


@pytest.mark.parametrize("typed", ["có?", "có lẽ", "okela", "không biết", ".", "!"])
def test_neither_yes_nor_no(typed):
    assert refused(parse_yes_no, typed) == YESNO_EXPECTED
    assert is_yes(typed) is False


def test_is_yes_never_raises_on_nothing():
    assert is_yes("") is False and is_yes("   ") is False


# --- free text ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("typed", "limit", "value"),
    [
        ("a" * 500, 500, "a" * 500),  # the name limit
        ("  " + "ă" * 500 + "  ", 500, "ă" * 500),  # spaces around do not count
        ("x" * 300, 300, "x" * 300),  # the address limit
    ],
)
def test_text_up_to_the_limit(typed, limit, value):
    assert parse_text(typed, limit) == value


@pytest.mark.parametrize(
    ("typed", "limit", "message"),
    [
        ("a" * 501, 500, "Nội dung quá dài, vui lòng viết gọn trong 500 ký tự."),
        ("x" * 301, 300, "Nội dung quá dài, vui lòng viết gọn trong 300 ký tự."),
        ("\x00\x0c ", 500, EMPTY),
    ],
)
def test_text_past_the_limit(typed, limit, message):
    assert refused(parse_text, typed, limit) == message


def test_notes_up_to_and_past_their_limit():
    assert parse_text("đ" * 2000, 2000, multiline=True) == "đ" * 2000
    assert refused(parse_text, "đ" * 2001, 2000, True) == "Nội dung quá dài, vui lòng viết gọn trong 2000 ký tự."
    assert parse_text(" Một\x00 \n\n\n\n  hai  \n", 2000, multiline=True) == "Một\n\nhai"
    assert parse_text("a\n\nb", 2000, multiline=True) == "a\n\nb"


# --- places ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("90.0, 180.0", Location(90.0, 180.0)),
        ("-90.0, -180.0", Location(-90.0, -180.0)),
        ("–20.65, 106.05", Location(-20.65, 106.05)),  # en dash
        ("20.65,106.05", Location(20.65, 106.05)),
        ("20.65; 106.05", Location(20.65, 106.05)),
        ("20.65 106.05", Location(20.65, 106.05)),
        ("20,65, 106,05", "20,65, 106,05"),  # decimal commas: not coordinates, kept as an address
        ("Thôn Đông, xã Tân Dân", "Thôn Đông, xã Tân Dân"),
        ("x" * 300, "x" * 300),
    ],
)
def test_places_up_to_each_limit(typed, value):
    assert parse_location(typed) == value


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("90.1, 106.05", COORDINATES),
        ("-90.1, 106.05", COORDINATES),
        ("20.65, 180.1", COORDINATES),
        ("20.65, -180.1", COORDINATES),
        ("x" * 301, "Nội dung quá dài, vui lòng viết gọn trong 300 ký tự."),
        ("", EMPTY),
    ],
)
def test_places_past_each_limit(typed, message):
    assert refused(parse_location, typed) == message


# --- choices --------------------------------------------------------------------------------------

FIELDS = [
    Choice("dien", "Điện"),
    Choice("kl", "Khối lượng", aliases=("cân",)),
    Choice("dt", "Dung tích"),
    Choice("dtnd", "Điện trở nối đất"),
]


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("1", "dien"), ("4", "dtnd"), (" 2 ", "kl"),  # the first and the last number
        ("dien", "dien"),  # the exact label wins over "Điện trở nối đất", which starts with it
        ("ĐIỆN.", None), ("khoi", "kl"), ("can", "kl"), ("Cân", "kl"), ("dung", "dt"), ("noi dat", "dtnd"),
        ("tro", "dtnd"),
    ],
)
def test_choices_by_number_or_name(typed, key):
    if key is None:
        assert refused(match_choice, typed, FIELDS) == CHOICE_EXPECTED
    else:
        assert match_choice(typed, FIELDS).key == key


@pytest.mark.parametrize(
    ("typed", "message"),
    [("0", CHOICE_EXPECTED), ("5", CHOICE_EXPECTED), ("d", CHOICE_AMBIGUOUS), ("luong x", CHOICE_EXPECTED),
     ("an", CHOICE_EXPECTED), ("", EMPTY)],
)
def test_choices_refused(typed, message):
    assert refused(match_choice, typed, FIELDS) == message
