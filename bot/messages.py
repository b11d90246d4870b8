"""Channel-neutral messages: what adapters put in the inbox and what the engine queues in the outbox.

Adapters turn platform updates into `Incoming` and `Reply` into platform calls; nothing else in the
bot knows which channel a message came from or goes to.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any, Literal

MASK_DOTS = "••••••"
IncomingKind = Literal["text", "command", "choice", "location", "photo", "sticker", "unsupported"]
# text: a message (with choices: buttons or a numbered list); document: a file (Telegram) or a
# signed link (Zalo); typing: "typing…" before slow work; edit: replace the text of an earlier
# message that carried the same token (Telegram; a new message where editing is impossible);
# menu: the person's command menu (choices = command, description; Telegram's per-chat commands);
# photo: an image file (`document_path`) with `text` as its caption (Telegram: sendPhoto; Zalo: sendPhoto
# of a signed link, nothing when the web server has no public address; console: the file's path).
ReplyKind = Literal["text", "document", "typing", "edit", "menu", "photo"]

# Choice keys the form runtime adds around a question (after the "token|" prefix): back, skip, cancel,
# done (photos), the suggested answer. Buttons show their labels; numbered text shows them as words.
BACK, SKIP, CANCEL, DONE, SUGGESTED = "<", ">", "x", ".", "="


# A lone surrogate (U+D800–U+DFFF) is not a Unicode scalar value: JSON can carry it ("\ud800"), but
# no database can store it as text. Valid pairs are joined by the JSON decoder, so any left is lone.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_ID_FIELDS = ("chat_id", "user_id", "event_key", "reply_to", "callback_id")


class NotStorable(ValueError):
    """An id of the message is not Unicode text: the body is bad data (400), never "try again"."""


def storable(incoming: Incoming) -> Incoming:
    """The message as the inbox can keep it: a lone surrogate in an id raises NotStorable; in any other
    text it becomes U+FFFD (the person's words stay; the bad code unit cannot be kept anyway)."""
    if any(LONE_SURROGATE.search(getattr(incoming, name)) for name in _ID_FIELDS):
        raise NotStorable("a lone surrogate in an id")
    changes = {f.name: LONE_SURROGATE.sub("\ufffd", value) for f in dataclasses.fields(incoming)
               if isinstance(value := getattr(incoming, f.name), str) and LONE_SURROGATE.search(value)}
    return dataclasses.replace(incoming, **changes) if changes else incoming


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Incoming:
    """One message from a person, as every channel delivers it."""

    channel: str  # "telegram" | "zalo" | "console"
    chat_id: str
    user_id: str
    event_key: str  # the platform's id for this delivery; unique per channel
    kind: IncomingKind
    text: str = ""  # text, or the command's argument string
    command: str = ""  # "start" for "/start ABC" (lower case, no slash, no @bot suffix)
    choice: str = ""  # the key of a tapped choice (Telegram callback data)
    location: Location | None = None
    photo_path: str = ""  # file already downloaded into the media folder
    display_name: str = ""
    reply_to: str = ""  # platform message id of the question a tap answered (Telegram)
    callback_id: str = ""  # Telegram callback query id, answered by the adapter
    problem: str = ""  # kind "unsupported": the sentence that says why (a photo too large, not downloaded)

    def to_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)  # flat but for the location (dataclasses.asdict deep-copies: slow)
        if self.location is not None:
            data["location"] = dataclasses.asdict(self.location)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Incoming:
        data = dict(data)
        if data.get("location"):
            data["location"] = Location(**data["location"])
        return cls(**data)


@dataclass(frozen=True)
class Choice:
    key: str  # short, stable; used as Telegram callback data (well under 64 bytes)
    label: str
    aliases: tuple[str, ...] = ()  # other names a typed answer may use ("cân" for "Khối lượng")


@dataclass(frozen=True)
class Reply:
    """One thing to show a person. Choices render as buttons (Telegram) or a numbered list (Zalo, console)."""

    kind: ReplyKind = "text"
    text: str = ""
    choices: tuple[Choice, ...] = ()
    ask_location: bool = False  # Telegram shows the "send my location" reply keyboard
    document_path: str = ""
    document_name: str = ""
    token: str = ""  # identifies a question so a tap on an old keyboard can be recognised
    edit_message_id: str = ""  # for kind "edit": filled in by the engine from the outbox just before sending
    secret: str = ""  # a one-time code inside `text`: masked in the outbox once the reply is delivered or given up
    polite: bool = False  # a notice the bot sends on its own: held in the outbox during quiet hours (bot/quiet.py)

    def scrubbed(self) -> Reply:
        """This reply as the outbox keeps it after delivery: the secret replaced by dots."""
        if not self.secret:
            return self
        return dataclasses.replace(self, text=self.text.replace(self.secret, MASK_DOTS), secret="")

    def to_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)  # as dataclasses.asdict, without its deep copy of every value
        data["choices"] = tuple(dict(c.__dict__) for c in self.choices)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        data = dict(data)
        data["choices"] = tuple(Choice(**{**c, "aliases": tuple(c.get("aliases", ()))}) for c in data.get("choices", ()))
        return cls(**data)
