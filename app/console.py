"""`main.py console`: one person at the terminal, talking to the bot as Zalo users do.

The terminal is the conversation: a banner says who you are, your roles and any open draft; only your
own chat's replies are printed; log lines go to a file; Ctrl-C leaves at once.
"""

from __future__ import annotations

import sys
from pathlib import Path

import texts
from app import guard
from app.wiring import App, locked_app, writable_data_folder
from bot import console as console_channel
from bot.config import Config
from bot.logs import log_to_file
from storage import engine_store, people
from storage.domain import Identity
from storage.text import fold


async def console(config: Config, as_name: str, *, demo: bool = False) -> None:
    """`main.py console --as NAME` (or `--demo`): the person's chat until Ctrl-D or Ctrl-C."""
    writable_data_folder(config)
    guard.check_writable(config, [(config.general.data_dir / "console.log", False)])
    log_path = log_to_file(config.general.data_dir / "console.log")
    async with locked_app(config) as app:  # the lock, then the migration, then the app
        user_id = f"console:{fold(as_name)}"
        app.engine.senders[console_channel.CHANNEL] = console_channel.ConsoleSender(sys.stdout, user_id)
        print(await banner(app, as_name, user_id, log_path, demo=demo), flush=True)
        await console_channel.run_console(app.engine, user_id, as_name)


async def banner(app: App, name: str, user_id: str, log_path: Path, *, demo: bool = False) -> str:
    """Who you are and your roles (or how to register), your open draft, the keys, where the log is."""
    async with app.db.unit_of_work() as session:
        await _link_console(session, name, user_id, app.clock.now())
        staff = await people.staff_by_identity(session, console_channel.CHANNEL, user_id)
        conversation = await engine_store.get_conversation(session, console_channel.CHANNEL, user_id)
    if staff is None:
        lines = [texts.cli.BANNER_STRANGER.format(name=name)]
    elif not staff.active:
        lines = [texts.cli.BANNER_REVOKED.format(name=staff.name)]
    else:
        lines = [texts.cli.BANNER_WHO.format(name=staff.name, roles=texts.people.role_names(staff.roles))]
    if demo:
        lines.append(texts.cli.BANNER_DEMO.format(today=app.clock.today().strftime("%d/%m/%Y")))
    if title := _open_draft(app, conversation):
        lines.append(texts.cli.BANNER_DRAFT.format(title=title))
    lines.append(texts.cli.BANNER_KEYS.format(log=log_path))
    return "\n".join(lines)


def _open_draft(app: App, conversation: engine_store.Conversation | None) -> str:
    if conversation is None or (conversation.expires_at and conversation.expires_at <= app.clock.now()):
        return ""
    state = conversation.state
    flow = app.services.flows.get(state.get("flow", "")) if state.get("kind") == "flow" else None
    return flow.title if flow is not None else ""


async def _link_console(session, name: str, user_id: str, now) -> None:
    """The console is local: whoever runs it already holds the database. A staff member with this
    name gets the console identity; anyone else is a stranger who can /start with a code."""
    if await people.staff_by_identity(session, "console", user_id):
        return
    matches = [s for s in await people.list_staff(session) if s.name.casefold() == name.casefold()]
    if len(matches) == 1:
        await people.add_identity(session, matches[0].id, Identity("console", user_id, user_id, name), now)
