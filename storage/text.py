"""Text normalisation shared by storage, flows and reports."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Characters XML 1.0 forbids (text pasted from Word carries some), except tab, newline, carriage return.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def nfc(text: str) -> str:
    """Normalise to NFC: Vietnamese typed on different keyboards arrives composed or decomposed."""
    return unicodedata.normalize("NFC", text)


def clean_line(text: str) -> str:
    """NFC, XML-safe, with runs of whitespace collapsed and the ends trimmed."""
    return _SPACES.sub(" ", strip_xml_forbidden(nfc(text))).strip()


def strip_xml_forbidden(text: str) -> str:
    return _XML_FORBIDDEN.sub("", text)


def fold(text: str) -> str:
    """The search form of a name: lower case, no diacritics, đ → d, single spaces.

    SQLite's LIKE folds ASCII only, so names are stored with this folded twin and searched by it.
    """
    decomposed = unicodedata.normalize("NFD", nfc(text).lower().replace("đ", "d"))  # not a sentence
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip()
