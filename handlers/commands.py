"""Every command the bot knows, in one ordered, commented list (the order /help shows them in)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.engine import Unit
from bot.form import StartForm
from storage.domain import Staff

# async (unit, staff, services): answers through the unit, or returns the form to open.
CommandHandler = Callable[[Unit, Staff, Any], Awaitable[StartForm | None]]


@dataclass(frozen=True)
class Command:
    name: str  # the Vietnamese command, e.g. "kiemdinh"
    aliases: tuple[str, ...]  # English and unaccented aliases, e.g. ("calibrate",)
    roles: frozenset[str]  # empty: every registered person
    description: str  # one line for /help and Telegram's command menu
    handler: CommandHandler
    keeps_draft: bool = False  # answers in the middle of a form without asking to drop its draft (/tracuu)

    def allowed(self, staff: Staff) -> bool:
        return staff.active and (not self.roles or bool(staff.roles & self.roles))


class CommandTable:
    def __init__(self, commands: list[Command]):
        self.commands = commands
        self._by_name = {}
        for command in commands:
            for name in (command.name, *command.aliases):
                if name in self._by_name:
                    raise ValueError(f"command /{name} registered twice")
                self._by_name[name] = command

    def find(self, name: str) -> Command | None:
        return self._by_name.get(name.lower())

    def for_staff(self, staff: Staff) -> list[Command]:
        return [c for c in self.commands if c.allowed(staff)]
