"""What people type on a phone keyboard, turned into values — or one sentence saying what is expected.

Pure functions: no I/O, no clock (today's date is passed in), so the same input always gives the
same answer and every rule is table-tested. Vietnamese keyboards send composed or decomposed
letters, users write "1.200" for a thousand two hundred and "0,3" for three tenths, and often type
without diacritics ("hom nay", "khong"); all of that is accepted here.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Sequence
from decimal import Decimal

import texts
from bot.messages import Choice, Location
from storage.text import clean_line, fold, nfc, strip_xml_forbidden

LOCAL_ZONE = "Asia/Ho_Chi_Minh"
NAME_MAX = 500
ADDRESS_MAX = 300
_MAX_DIGITS = 9  # a batch of a billion instruments is a typo, not a record
_MINUS_SIGNS = "−–—‐"  # unicode minus and the dashes phone keyboards substitute for it

_GROUPED = re.compile(r"\d{1,3}(?:([., ])\d{3})(?:\1\d{3})*")
_DECIMAL = re.compile(r"([+-]?)(\d+)(?:[.,](\d+))?\s*%?")
_DATE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2}|\d{4}))?")
_LETTER = re.compile(r"[^\W\d_]")
_LATLON = re.compile(r"(-?\d+\.\d+)\s*[,; ]\s*(-?\d+\.\d+)")  # "2065.5, 106.05": a typo, out of range


class ParseError(ValueError):
    """The input cannot be read; `message` is one Vietnamese sentence saying what is expected."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def local_today(now: dt.datetime, zone: str = LOCAL_ZONE) -> dt.date:
    """The business date: 06:30 in Hưng Yên is still yesterday in UTC, so convert before taking the date."""
    return now.astimezone(zoneinfo.ZoneInfo(zone)).date()


def _compact(text: str) -> str:
    """NFC, trimmed, with unicode minus signs made ASCII; empty input is an error everywhere."""
    value = nfc(text).strip()
    for sign in _MINUS_SIGNS:
        value = value.replace(sign, "-")
    if not value:
        raise ParseError(texts.common.EMPTY)
    return value


_UNITS = {"ty": 10**9, "trieu": 10**6, "tr": 10**6, "nghin": 10**3, "ngan": 10**3, "k": 10**3}
_AMOUNT_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*(ty|trieu|tr|nghin|ngan|k)\b")


def _amount(value: str) -> int | None:
    """Money as people type it: "7,5 triệu", "7 triệu 500 nghìn", "500k", "7.500.000 đồng"; None when
    the text is not such an amount."""
    folded = re.sub(r"\s*(dong|d|vnd)\.?$", "", fold(value)).strip()
    if _GROUPED.fullmatch(folded) or folded.isdecimal():
        return int(re.sub(r"\D", "", folded))
    parts = _AMOUNT_PART.findall(folded)
    if not parts or _AMOUNT_PART.sub("", folded).strip():
        return None
    total = sum(Decimal(number.replace(",", ".")) * _UNITS[unit] for number, unit in parts)
    return int(total) if total == int(total) else None


def parse_count(text: str) -> int:
    """A whole, non-negative count; "1.200", "1 200" and "1,200" all mean 1200; an amount of money may
    be written as people say it: "7,5 triệu", "500 nghìn", "7.500.000 đồng"."""
    value = _compact(text)
    if len(value) > 40:  # a long sentence of words is no number, a long run of digits too big a one
        raise ParseError(texts.common.COUNT_EXPECTED if _LETTER.search(value) else texts.common.COUNT_TOO_LONG)
    amount = _amount(value) if not value.isdecimal() and not _GROUPED.fullmatch(value) else None
    if amount is not None:
        if len(str(amount)) > _MAX_DIGITS:
            raise ParseError(texts.common.COUNT_TOO_LONG)
        return amount
    if _LETTER.search(value):  # words that are no amount
        raise ParseError(texts.common.COUNT_EXPECTED)
    if len(value) > _MAX_DIGITS + 3:
        raise ParseError(texts.common.COUNT_TOO_LONG)
    if value.isdecimal() or _GROUPED.fullmatch(value):
        digits = re.sub(r"\D", "", value)
        if len(digits) > _MAX_DIGITS:
            raise ParseError(texts.common.COUNT_TOO_LONG)
        return int(digits)
    if re.fullmatch(r"-\s*\d[\d., ]*", value):
        raise ParseError(texts.common.COUNT_NEGATIVE)
    if re.fullmatch(r"\d+[.,]\d+", value):
        raise ParseError(texts.common.COUNT_NOT_WHOLE)
    raise ParseError(texts.common.COUNT_EXPECTED)


def parse_money(text: str) -> int:
    """A sum in đồng as people type it ("7.500.000", "7,5 triệu", "500k"), with its sign: whether a
    negative or zero sum will do is the question's to say (a fine must be more than 0)."""
    value = _compact(text)
    negative = value.startswith("-")
    try:
        amount = parse_count(value[1:] if negative else value)
    except ParseError as error:
        too_long = error.message == texts.common.COUNT_TOO_LONG
        raise ParseError(error.message if too_long else texts.common.MONEY_EXPECTED) from error
    return -amount if negative else amount


def parse_decimal(text: str) -> Decimal:
    """A signed decimal with comma or point: "-0,3", "+0.25", "−0,3" (a trailing % is allowed)."""
    value = _compact(text).replace(" ", "")
    match = _DECIMAL.fullmatch(value)
    if not match or len(value) > 24:
        raise ParseError(texts.common.DECIMAL_EXPECTED)
    sign, whole, fraction = match.groups()  # digits of any script: Decimal() reads them all
    return Decimal(f"{sign}{whole}" + (f".{fraction}" if fraction else ""))


def parse_date(text: str, today: dt.date) -> dt.date:
    """A past or present date; "13/1" means the most recent 13 January that is not in the future."""
    value = fold(_compact(text))
    if value in texts.common.TODAY_WORDS:
        return today
    if value in texts.common.YESTERDAY_WORDS:
        return today - dt.timedelta(days=1)
    match = _DATE.fullmatch(value)
    if not match:
        raise ParseError(texts.common.DATE_EXPECTED)
    day, month = int(match[1]), int(match[2])
    if match[3] is None:
        return _recent_date(day, month, today)
    year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
    return _not_future(_real_date(year, month, day), today)


def _real_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as error:  # 31/02 and friends: say which date does not exist
        raise ParseError(texts.common.date_impossible(day, month, year)) from error


def _not_future(day: dt.date, today: dt.date) -> dt.date:
    if day > today:
        raise ParseError(texts.common.date_in_future(day, today))
    return day


def _recent_date(day: int, month: int, today: dt.date) -> dt.date:
    """Walk back from this year; 29/2 may need up to eight years to find a leap year (2096 to 2104).
    A day or month that never exists (0/5, 32/1, 5/13, 30/2) fails every year and ends as one."""
    for year in range(today.year, today.year - 9, -1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:  # 31/4 never exists; 29/2 only in leap years
            continue
        if candidate <= today:
            return candidate
    raise ParseError(texts.common.date_impossible(day, month, None))


def parse_yes_no(text: str) -> bool:
    """Yes or no, with or without diacritics: "có", "co", "ok", "đồng ý", "không", "khong", "k"."""
    value = fold(_compact(text)).strip(" .!")
    if value in texts.common.YES_WORDS:
        return True
    if value in texts.common.NO_WORDS:
        return False
    raise ParseError(texts.common.YESNO_EXPECTED)


def is_yes(text: str) -> bool:
    """True when the text is a yes-word; never raises (used to accept a suggested answer with "ok")."""
    try:
        return parse_yes_no(text)
    except ParseError:
        return False


def parse_text(text: str, max_length: int = NAME_MAX, multiline: bool = False) -> str:
    """Free text: NFC, XML-safe, trimmed; one line for names, paragraphs kept for notes."""
    if multiline:
        lines = [clean_line(line) for line in strip_xml_forbidden(nfc(text)).splitlines()]
        value = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    else:
        value = clean_line(text)
    if not value:
        raise ParseError(texts.common.EMPTY)
    if len(value) > max_length:
        raise ParseError(texts.common.text_too_long(max_length))
    return value


def parse_location(text: str, max_length: int = ADDRESS_MAX) -> Location | str:
    """A place typed by hand: coordinates ("20.65, 106.05", the whole message, decimal points) are a
    `Location`; anything else is an address, kept as typed (NFC, one line). Zalo and the console
    cannot send a pin, and an inspector often knows the address better than the coordinates."""
    match = _LATLON.fullmatch(_compact(text))
    if match is None:
        return parse_text(text, max_length)
    latitude, longitude = float(match[1]), float(match[2])
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ParseError(texts.common.COORDINATES_OUT_OF_RANGE)  # a typo in coordinates, not an address
    return Location(latitude, longitude)


def match_choice(text: str, choices: Sequence[Choice]) -> Choice:
    """The choice a typed answer names: its number, its label, or a unique folded part of the label."""
    value = _compact(text)
    if value.isdecimal():
        index = int(value) - 1
        if 0 <= index < len(choices):
            return choices[index]
        raise ParseError(texts.common.CHOICE_EXPECTED)
    wanted = fold(value)
    for finder in (_exact, _prefix, _substring):
        found = finder(wanted, choices)
        if found:  # none: the next, looser way of matching
            if len(found) > 1:
                raise ParseError(texts.common.CHOICE_AMBIGUOUS)
            return found[0]
    raise ParseError(texts.common.CHOICE_EXPECTED)


def _exact(wanted: str, choices: Sequence[Choice]) -> list[Choice]:
    return [c for c in choices if any(fold(name) == wanted for name in (c.label, *c.aliases))]


def _prefix(wanted: str, choices: Sequence[Choice]) -> list[Choice]:
    return [c for c in choices if any(fold(name).startswith(wanted) for name in (c.label, *c.aliases))]


def _substring(wanted: str, choices: Sequence[Choice]) -> list[Choice]:
    return [c for c in choices if wanted in fold(c.label)]
