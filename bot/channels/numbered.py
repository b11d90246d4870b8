"""The numbered-text rendering of a reply, for channels without buttons (Zalo, the console).

Choices become "1. …", "2. …"; the form runtime's own keys (back, skip, cancel, done, the suggested
answer) become words to type, which the runtime reads back (texts.common's *_WORDS).
"""

from __future__ import annotations

import texts
from bot.messages import BACK, CANCEL, DONE, SKIP, SUGGESTED, Reply

WORDS = {BACK: texts.common.WORD_BACK, SKIP: texts.common.WORD_SKIP, CANCEL: texts.common.WORD_CANCEL,
         DONE: texts.common.WORD_DONE, SUGGESTED: texts.common.WORD_OK}


def render_numbered(reply: Reply) -> str:
    """A reply for channels without buttons (Zalo, console): the prompt, numbered choices, words to type."""
    lines = [reply.text] if reply.text else []
    number, words, meanings = 0, [], {}
    for choice in reply.choices:
        key = choice.key.split("|", 1)[-1]
        if key == SUGGESTED:
            lines.append(texts.common.type_word(WORDS[key], choice.label))
        elif key in WORDS:
            words.append(WORDS[key])
            if choice.label == texts.common.BACK_TO_REVIEW:  # from the edit menu: back to the review
                meanings[WORDS[key]] = texts.common.TO_REVIEW_MEANING
        else:
            number += 1
            lines.append(f"{number}. {choice.label}")
    if number:
        lines.append(texts.common.NUMBERED_HINT)
    if words:
        lines.append(texts.common.nav_hint(words, meanings))
    return "\n".join(lines)
