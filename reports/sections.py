"""The report's sections that take narrative notes, in report order.

A note is stored with its section key ("A.IV.1"); the template reads a section's notes under the
key with dots turned into underscores (`notes.A_IV_1`). A template a department extends with new
sections can use any key: every key found in the notes reaches the template.

Notes with a negative position come before the section's figures, the rest after them, so the
figures sit at position 0 (the model report opens some sections with a general sentence).
"""

from __future__ import annotations

import texts

SECTIONS: tuple[tuple[str, str], ...] = texts.document.SECTION_TITLES  # (key, title)

SECTION_KEYS: tuple[str, ...] = tuple(key for key, _ in SECTIONS)


def template_name(section: str) -> str:
    """The name a section's notes have in the template: "A.IV.1" -> "A_IV_1"."""
    return section.strip().replace(".", "_").replace("-", "_").replace(" ", "_")
