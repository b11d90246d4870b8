"""What FakeTelegram remembers (chats, bot messages, files) and the Bot API objects it builds from it.

The JSON builders return exactly the fields Telegram returns for these objects, so PTB's
``de_json`` sees realistic data (required fields such as ``is_bot``, ``date`` and ``chat.type``).
"""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from .telegram_spec import visible_text
from .wire import UploadedFile

_unique = itertools.count(1)


def now() -> int:
    """Unix time in seconds, as Telegram's ``date`` fields."""
    return int(time.time())


@dataclass
class StoredFile:
    """A file the fake can serve via getFile: uploaded by the bot or sent by a played user."""

    file_id: str
    file_unique_id: str
    content: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None

    @classmethod
    def new(cls, content: bytes, folder: str, suffix: str, **names: Any) -> StoredFile:
        """A file with fresh ids; ``folder``/``suffix`` shape its file_path like Telegram's."""
        n = next(_unique)
        file_id = f"{folder[:3].upper()}{n}-{secrets.token_hex(8)}"
        return cls(file_id, f"u{n}{secrets.token_hex(3)}", content, f"{folder}/file_{n}{suffix}", **names)

    def as_file(self) -> dict[str, Any]:
        """The ``File`` object getFile returns."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
            "file_path": self.file_path,
        }


@dataclass
class BotMessage:
    """A message the bot sent, as it stands now; ``edits`` keeps the earlier versions.

    ``text``/``caption`` are as the bot sent them (with markup); ``reply_markup`` is whatever
    keyboard the bot attached (inline or reply keyboard) as a decoded dict.
    """

    chat_id: int
    message_id: int
    date: int
    kind: str = "text"
    text: str | None = None
    caption: str | None = None
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    document: StoredFile | None = None
    photo: StoredFile | None = None
    source_url: str | None = None
    edit_date: int | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        """Rows of the inline keyboard, ``[]`` when there is none."""
        return (self.reply_markup or {}).get("inline_keyboard", [])

    def button_data(self) -> list[str]:
        """All callback_data values a user could tap right now."""
        return [b["callback_data"] for row in self.inline_keyboard for b in row if "callback_data" in b]

    @property
    def upload(self) -> UploadedFile | None:
        """The bot's upload as a file with filename and bytes (for document/photo messages)."""
        stored = self.document or self.photo
        if stored is None:
            return None
        return UploadedFile(self.kind, stored.file_name or "", stored.content, stored.mime_type or "")


@dataclass
class Chat:
    """A private chat between one played user and the bot."""

    id: int
    user: dict[str, Any]
    next_message_id: int = 1
    messages: dict[int, BotMessage] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)
    blocked: bool = False

    def take_message_id(self) -> int:
        """Message ids are per chat in private chats, shared by the user's and the bot's messages."""
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def as_chat(self) -> dict[str, Any]:
        names = {k: self.user[k] for k in ("first_name", "last_name", "username") if k in self.user}
        return {"id": self.id, "type": "private", **names}


def user_json(
    user_id: int, first_name: str, last_name: str | None = None, username: str | None = None
) -> dict[str, Any]:
    """A ``User`` as Telegram sends it for a person."""
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "vi"}
    if last_name:
        user["last_name"] = last_name
    if username:
        user["username"] = username
    return user


def bot_user_json(bot_id: int, username: str) -> dict[str, Any]:
    """The ``User`` getMe returns for the bot."""
    return {
        "id": bot_id,
        "is_bot": True,
        "first_name": "DOST Field Bot",
        "username": username,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def message_json(chat: Chat, message: BotMessage, bot: dict[str, Any]) -> dict[str, Any]:
    """The ``Message`` Telegram returns for a bot message; only inline keyboards are echoed back."""
    result: dict[str, Any] = {
        "message_id": message.message_id,
        "from": bot,
        "chat": chat.as_chat(),
        "date": message.date,
    }
    if message.edit_date:
        result["edit_date"] = message.edit_date
    if message.text is not None:
        result["text"] = visible_text(message.text, message.parse_mode)
    if message.caption is not None:
        result["caption"] = visible_text(message.caption, message.parse_mode)
    if message.document is not None:
        result["document"] = _document_json(message.document)
    if message.photo is not None:
        result["photo"] = [photo_size_json(message.photo, 1280, 960)]
    if message.inline_keyboard:
        result["reply_markup"] = {"inline_keyboard": message.inline_keyboard}
    return result


def _document_json(stored: StoredFile) -> dict[str, Any]:
    document = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
    }
    if stored.file_name:
        document["file_name"] = stored.file_name
    if stored.mime_type:
        document["mime_type"] = stored.mime_type
    return document


def photo_size_json(stored: StoredFile, width: int, height: int) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "width": width,
        "height": height,
    }


def fake_jpeg(width: int, height: int) -> bytes:
    """Bytes that start like a JPEG and grow with the pixel count, so sizes differ realistically."""
    return b"\xff\xd8\xff\xe0" + f"{width}x{height}".encode() + b"\0" * (width * height // 40) + b"\xff\xd9"
