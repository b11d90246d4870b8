"""Fuel pumps in /kiemtra: the one-line list of serials and measured errors, and the error's range."""

from __future__ import annotations

import re
from decimal import Decimal

import texts
from bot.parsing import ParseError, parse_decimal

ERROR_RANGE = Decimal(100)  # a typed error beyond ±100 % is a typing slip, not a measurement
MAX_PUMPS = 30


def parse_pump_list(text: str) -> list[tuple[str, Decimal]]:
    """ "CD01 -0,2; CD02 +0,1" → [("CD01", -0.2), ("CD02", 0.1)]; the serial may be left out."""
    items = [item.strip() for item in re.split(r"[;\n]+", text) if item.strip()]
    if not items:
        raise ParseError(texts.inspection.PUMPS_EMPTY)
    if len(items) > MAX_PUMPS:
        raise ParseError(texts.inspection.PUMPS_TOO_MANY.format(limit=MAX_PUMPS))
    pumps = []
    for position, item in enumerate(items, start=1):
        match = re.fullmatch(r"(?:(.*?\S)[\s:=]+)?([+\-−–]?\s?\d+(?:[.,]\d+)?)\s*%?", item)
        if match is None:
            raise ParseError(texts.inspection.pump_serial_bad(position, item))
        try:
            error = parse_decimal(match[2].replace(" ", ""))
        except ParseError:
            raise ParseError(texts.inspection.pump_serial_bad(position, item)) from None
        if abs(error) > ERROR_RANGE:
            raise ParseError(texts.inspection.PUMP_ERROR_RANGE)
        pumps.append(((match[1] or "")[:50], error))
    return pumps


def check_pump_list(value: str, _answers) -> str | None:
    try:
        parse_pump_list(value)
    except ParseError as error:
        return error.message
    return None


def check_error(value: Decimal, _answers) -> str | None:
    return texts.inspection.PUMP_ERROR_RANGE if abs(value) > ERROR_RANGE else None
