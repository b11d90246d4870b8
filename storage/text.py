"""Text normalisation shared by storage, flows and reports."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Characters XML 1.0 forbids (text pasted from Word carries some), except tab, newline, carriage return.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


# Emoji and other pictographs, and the joiners and selectors that build emoji sequences (ZWJ,
# variation selectors, keycaps, tags, skin tones): a records office's fonts have no glyphs for them,
# so they never reach the official document (reports/render.py), and the author is told at review.
_PICTOGRAPHS = re.compile(
    "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u231A\u231B\u2328\u23CF\u23E9-\u23FA"
    "\u200D\u20E3\uFE00-\uFE0F\U000E0020-\U000E007F\u3030\u303D\u3297\u3299]"
)


def has_pictographs(text: str) -> bool:
    return bool(_PICTOGRAPHS.search(text))


def strip_pictographs(text: str) -> str:
    """Text without emoji or pictographs, and without the spaces one leaves (between words, before a
    full stop)."""
    if not _PICTOGRAPHS.search(text):
        return text
    return re.sub(r" +(?=[.,;:!?)])", "", re.sub(r"  +", " ", _PICTOGRAPHS.sub("", text))).strip()


def nfc(text: str) -> str:
    """Normalise to NFC: Vietnamese typed on different keyboards arrives composed or decomposed."""
    return unicodedata.normalize("NFC", text)


def clean_line(text: str) -> str:
    """NFC, XML-safe, with runs of whitespace collapsed and the ends trimmed. Composed after the
    forbidden characters are gone: "e", NUL, U+0301 is "é"."""
    return _SPACES.sub(" ", nfc(strip_xml_forbidden(text))).strip()


def strip_xml_forbidden(text: str) -> str:
    return _XML_FORBIDDEN.sub("", text)


def fold(text: str) -> str:
    """The search form of a name: lower case, no diacritics, đ → d, single spaces.

    SQLite's LIKE folds ASCII only, so names are stored with this folded twin and searched by it.
    """
    decomposed = unicodedata.normalize("NFD", nfc(text).lower().replace("đ", "d"))  # not a sentence
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip()
