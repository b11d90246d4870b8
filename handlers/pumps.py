"""Fuel pumps in /kiemtra: the one-line list of serials, measured errors and what else is wrong with a
pump ("hết hạn", "mất niêm phong"), in both branches of the form; the error's range."""

from __future__ import annotations

import re
from decimal import Decimal

import texts
from bot.parsing import ParseError, parse_decimal
from storage.text import fold

ERROR_RANGE = Decimal(100)  # a typed error beyond ±100 % is a typing slip, not a measurement
MAX_PUMPS = 30


_PUMP = re.compile(r"(?:(.*?\S)[\s:=]+)?([+\-−–]?\s?\d+(?:[.,]\d+)?)\s*%?(?:\s+([^\d+\-−–\s].*))?")
_EXPIRED = ("het han", "het hieu luc", "qua han", "hh")  # folded: "hết hạn", "hết hiệu lực", "quá hạn"
_SEALS = ("niem phong", "kep chi", "np")  # "mất niêm phong", "đứt kẹp chì"
_FLAG_WORDS = re.compile(r"\b(mat|dut|bi|va|het|han|hieu|luc|qua|niem|phong|kep|chi|hh|np)\b|[,;.]")


def _pump_flags(text: str) -> tuple[bool, bool] | None:
    """ "hết hạn" / "mất niêm phong" after a pump's error → (certificate valid, seals intact); None
    when the words are neither."""
    words = fold(text)
    expired = any(re.search(rf"\b{w}\b", words) for w in _EXPIRED)
    broken = any(re.search(rf"\b{w}\b", words) for w in _SEALS)
    if not (expired or broken) or _FLAG_WORDS.sub("", words).strip():
        return None
    return not expired, not broken


def parse_pump_list(text: str) -> list[tuple[str, Decimal, bool, bool]]:
    """ "CD01 -0,2; CD02 +0,6 hết hạn" → [("CD01", -0.2, True, True), ("CD02", 0.6, False, True)]: the
    one format of both branches (all criteria met or not); the serial may be left out, "hết hạn" /
    "mất niêm phong" follow the error."""
    items = [item.strip() for item in re.split(r"[;\n]+", text) if item.strip()]
    if not items:
        raise ParseError(texts.inspection.PUMPS_EMPTY)
    if len(items) > MAX_PUMPS:
        raise ParseError(texts.inspection.PUMPS_TOO_MANY.format(limit=MAX_PUMPS))
    pumps = []
    for position, item in enumerate(items, start=1):
        match = _PUMP.fullmatch(item)
        flags = _pump_flags(match[3]) if match and match[3] else (True, True)
        if match is None or flags is None:
            raise ParseError(texts.inspection.pump_serial_bad(position, item))
        try:
            error = parse_decimal(match[2].replace(" ", ""))
        except ParseError:
            raise ParseError(texts.inspection.pump_serial_bad(position, item)) from None
        if abs(error) > ERROR_RANGE:
            raise ParseError(texts.inspection.PUMP_ERROR_RANGE)
        pumps.append(((match[1] or "")[:50], error, *flags))
    return pumps


def check_pump_list(value: str, _answers) -> str | None:
    try:
        parse_pump_list(value)
    except ParseError as error:
        return error.message
    return None



def pump_list_of(pumps) -> str:
    """Stored pump checks as the one line the form reads ("CD01 -0,2; CD02 +0,6 hết hạn"): what a
    correction shows and `parse_pump_list` reads back to the same checks."""
    return "; ".join(_pump_text(p) for p in pumps)


def _pump_text(pump) -> str:
    error = Decimal(str(pump.error_percent)).normalize()
    number = f"{'+' if error > 0 else ''}{error:f}".replace(".", ",")
    flags = [texts.inspection.PUMP_EXPIRED_WORDS] * (not pump.certificate_valid)
    flags += [texts.inspection.PUMP_UNSEALED_WORDS] * (not pump.seals_intact)
    return " ".join(part for part in (pump.serial, number, *flags) if part)
