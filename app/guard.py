"""Who may touch the data, and where it is: the checks that keep an administrator's slip from taking
the bot down.

- Every command that touches data says first which database (password hidden) and data folder it uses.
- A command run as root on a data folder that belongs to another user (the service's) is refused in one
  sentence naming the owner and the wrapper that runs commands as that user (deploy/fieldbot): files a
  root process leaves there (console.log, documents/, an SQLite -wal) would stop the bot from starting.
- `run` checks at start that it can write every folder and file it needs, and names the one it cannot.
"""

from __future__ import annotations

import os
import pwd
import shlex
from pathlib import Path

from sqlalchemy.engine import make_url

import texts
from app.errors import USAGE, CliError
from bot.config import Config
from storage.backup import sqlite_path


def safe_url(config: Config) -> str:
    return make_url(config.database.url).render_as_string(hide_password=True)


def where(config: Config) -> str:
    return texts.cli.WHERE.format(database=safe_url(config), folder=config.general.data_dir)


def user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def not_root_on_service_data(config: Config, argv: list[str]) -> None:
    """Root, and the data folder (or the SQLite file) is another user's: refuse before touching anything."""
    if os.geteuid() != 0:
        return
    database = sqlite_path(config.database.url)
    for path in (config.general.data_dir, database):
        try:
            owner = path.stat().st_uid if path is not None else 0
        except OSError:
            continue
        if owner != 0:
            example = shlex.join(a for a in argv if not a.startswith("--env-file")) or "admin staff"
            raise CliError(texts.cli.ROOT_ON_SERVICE_DATA.format(
                folder=config.general.data_dir, owner=user_name(owner), wrapper=texts.cli.WRAPPER,
                example=example), USAGE)


def _owner(path: Path) -> str:
    try:
        return user_name(path.stat().st_uid)
    except OSError:
        return "?"


def _usable(path: Path, *, folder: bool) -> bool:
    """This process can write `path` and make it private (chmod needs the owner, or root)."""
    me = os.geteuid()
    try:
        owned = path.stat().st_uid == me or me == 0
    except FileNotFoundError:
        return True
    wanted = os.W_OK | (os.X_OK if folder else 0)
    return owned and os.access(path, wanted)


def data_paths(config: Config) -> list[tuple[Path, bool]]:
    """The folders (True) and files (False) every command that opens the database writes: the data
    folder; the SQLite database with its companions."""
    found = [(config.general.data_dir, True)]
    database = sqlite_path(config.database.url)
    if database is not None:
        found += [(database.parent, True)] + [(Path(f"{database}{end}"), False) for end in ("", "-wal", "-shm", ".lock")]
    return found


def run_paths(config: Config) -> list[tuple[Path, bool]]:
    """What `run` writes besides: the media, documents and spool folders."""
    data = config.general.data_dir
    return [*data_paths(config), *((data / name, True) for name in ("media", "documents", "spool"))]


def check_writable(config: Config, paths: list[tuple[Path, bool]] | None = None) -> None:
    """One sentence naming the first folder or file this process cannot write, never a traceback later."""
    data = config.general.data_dir
    me = user_name(os.geteuid())
    if not data.exists():
        parent = next((p for p in data.parents if p.exists()), Path("/"))
        if not os.access(parent, os.W_OK | os.X_OK):
            raise CliError(texts.cli.DATA_MISSING.format(folder=data, me=me))
    for path, folder in paths if paths is not None else run_paths(config):
        if not _usable(path, folder=folder):
            raise CliError(texts.cli.PATH_NOT_WRITABLE.format(path=path, owner=_owner(path), me=me,
                                                              folder=path if folder else path.parent))
