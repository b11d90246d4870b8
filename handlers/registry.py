"""Every command and form of the bot, registered in one place, in the order /help lists them.

A command's handler is `async (unit, staff, router)`. Forms are declared in their own modules
(handlers/<form>.py) and started by their command.
"""

from __future__ import annotations

from handlers import people
from handlers.commands import Command, CommandTable

EVERYONE: frozenset[str] = frozenset()
ADMIN = frozenset({"admin"})


async def _staff(unit, staff, router) -> None:
    await people.staff_command(unit, staff, router.menu_reply)


async def _link(unit, staff, router) -> None:
    await people.link_code(unit, staff)


def build_flows(services) -> dict:
    """The forms, by name. Each is declared as data in its own module."""
    return {}


def build_commands(services) -> CommandTable:
    return CommandTable([
        # Linking the same person's Zalo and Telegram accounts.
        Command("lienket", ("link",), EVERYONE, "lấy mã liên kết tài khoản Zalo/Telegram còn lại", _link),
        # Administration: the staff list, roles, revoking access.
        Command("staff", ("nhansu", "canbo"), ADMIN, "danh sách cán bộ, đổi vai trò, thu hồi quyền", _staff),
    ])
