"""Telegram Update → Incoming: what the inbox stores for each kind of message.

Only private chats are served. Updates from groups, supergroups and channels are dropped without a
reply (None): staff use the bot one-to-one, and answering in a group would show the bot's refusals
and questions to everyone there. Edited messages are not asked for and are dropped if they come: a
record is corrected through its form, not by editing a chat message.

A photo is downloaded here, before the update is committed, because Telegram's file links expire;
the largest size is kept (field photos are evidence; thumbnails are not).
"""

from __future__ import annotations

import asyncio
import unicodedata
from pathlib import Path
from typing import Any

from telegram import Bot, CallbackQuery, Message, PhotoSize, Update
from telegram.constants import ChatType, MessageEntityType

from bot.messages import Incoming, Location
from storage.files import write_private

CHANNEL = "telegram"
# Kinds of update the bot asks for; everything else (edits, reactions, polls…) stays at Telegram.
ALLOWED_UPDATES = ("message", "callback_query")


def command_of(message: Message) -> tuple[str, str] | None:
    """("start", "CODE") for "/start@dost_bot CODE": lower case, no slash, no @bot suffix."""
    entity = next(
        (e for e in message.entities if e.type == MessageEntityType.BOT_COMMAND and e.offset == 0), None
    )
    if entity is None or message.text is None:
        return None
    head = message.parse_entity(entity)
    name = head[1:].split("@", 1)[0].lower()
    return name, _nfc(message.text[len(head):].strip())


def _nfc(text: str) -> str:
    """Phones send Vietnamese decomposed or composed; the bot compares composed text."""
    return unicodedata.normalize("NFC", text)


def largest(photo: tuple[PhotoSize, ...]) -> PhotoSize:
    return max(photo, key=lambda p: (p.width * p.height, p.file_size or 0))


async def download_photo(bot: Bot, update_id: int, photo: PhotoSize, media_dir: Path) -> Path:
    """Fetch the photo into the media folder. The name carries the update id, so a redelivered
    update overwrites its own file instead of leaving a second copy."""
    file = await bot.get_file(photo.file_id)
    content = bytes(await file.download_as_bytearray())
    suffix = Path(file.file_path or "").suffix or ".jpg"
    path = media_dir / f"{CHANNEL}-{update_id}-{photo.file_unique_id}{suffix}"
    await asyncio.to_thread(write_private, path, content)  # 0600, whole or not at all
    return path


async def message_content(bot: Bot, update_id: int, message: Message, media_dir: Path) -> dict[str, Any]:
    """The kind-specific fields of an Incoming for one message."""
    if message.text is not None:
        command = command_of(message)
        if command is not None:
            return {"kind": "command", "command": command[0], "text": command[1]}
        return {"kind": "text", "text": _nfc(message.text)}
    if message.location is not None:
        where = Location(message.location.latitude, message.location.longitude)
        return {"kind": "location", "location": where}
    if message.photo:
        path = await download_photo(bot, update_id, largest(message.photo), media_dir)
        return {"kind": "photo", "photo_path": str(path), "text": _nfc(message.caption or "")}
    if message.sticker is not None:
        return {"kind": "sticker"}
    return {"kind": "unsupported"}  # voice, documents, polls, contacts…: the router explains


def from_message(update: Update, content: dict[str, Any]) -> Incoming:
    message = update.message
    assert message is not None and message.from_user is not None
    return Incoming(
        channel=CHANNEL,
        chat_id=str(message.chat.id),
        user_id=str(message.from_user.id),
        event_key=str(update.update_id),
        display_name=message.from_user.full_name,
        **content,
    )


def from_callback(update: Update) -> Incoming | None:
    """A tap on an inline button: the choice key, and the message whose question it answers."""
    query: CallbackQuery | None = update.callback_query
    if query is None or query.message is None or query.message.chat.type != ChatType.PRIVATE:
        return None  # inline-mode messages and group chats are not served
    return Incoming(
        channel=CHANNEL,
        chat_id=str(query.message.chat.id),
        user_id=str(query.from_user.id),
        event_key=str(update.update_id),
        kind="choice",
        choice=query.data or "",
        reply_to=str(query.message.message_id),
        callback_id=query.id,
        display_name=query.from_user.full_name,
    )


def private_message(update: Update) -> Message | None:
    """The update's new message when it is one the bot serves: in a private chat, from a person."""
    message = update.message
    if message is None or message.chat.type != ChatType.PRIVATE or message.from_user is None:
        return None
    return message
