"""The sections of config.toml that may be left out, and each of their keys (a config.toml from before
they existed still loads, with the defaults): [retention], [language], [privacy], [notices], [review].
bot/config.py puts them in its Config."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import texts
from bot.config_reader import ConfigError, Reader
from bot.quiet import QuietHours, parse_time
from storage.retention import Retention


@dataclass(frozen=True)
class LanguageConfig:
    """How the chat addresses people where a sentence needs a pronoun (greeting, consent, refusals)."""

    address: str = texts.people.DEFAULT_ADDRESS
    system_name: str = texts.people.DEFAULT_SYSTEM_NAME  # how a sentence names the bot itself


@dataclass(frozen=True)
class PrivacyConfig:
    """What the personal-data notice names besides the department: who runs the system, whom to ask,
    how long work records are kept."""

    operator: str = ""
    contact: str = ""
    records_period: str = ""


@dataclass(frozen=True)
class NoticesConfig:
    """[notices]: the quiet hours of the notices the bot sends on its own (bot/quiet.py)."""

    quiet_hours: bool = True
    quiet_from: dt.time = dt.time(21, 0)
    quiet_until: dt.time = dt.time(6, 30)

    def quiet(self, zone: ZoneInfo) -> QuietHours | None:
        return QuietHours(self.quiet_from, self.quiet_until, zone) if self.quiet_hours else None


@dataclass(frozen=True)
class ReviewConfig:
    """[review]: who may approve what (issue 24)."""

    self_approve: bool = False  # a manager or reviewer may approve or return their own records


def retention(raw, path: Path) -> Retention:
    """[retention] and each of its keys may be left out (a config.toml from before they existed):
    the defaults apply."""
    if "retention" not in raw:
        return Retention()
    r = Reader(raw, "retention", path)
    keys = ("message_days", "stranger_hours", "orphan_media_days", "document_hours")
    return Retention(**{key: r.positive(key) for key in keys if key in r.table})


ADDRESSES = texts.people.ADDRESSES


def language(raw, path: Path) -> LanguageConfig:
    if "language" not in raw:
        return LanguageConfig()
    reader = Reader(raw, "language", path)
    address = reader.get("address", str, choices=ADDRESSES)
    if "system_name" not in reader.table:
        return LanguageConfig(address)
    name = reader.get("system_name", str).strip()
    if not name:
        raise ConfigError(f"{path}: [language] system_name must not be empty")
    return LanguageConfig(address, name)


def privacy(raw, path: Path) -> PrivacyConfig:
    if "privacy" not in raw:
        return PrivacyConfig()
    r = Reader(raw, "privacy", path)
    return PrivacyConfig(*(str(r.table.get(key, "")).strip() for key in ("operator", "contact", "records_period")))


def notices(raw, path: Path) -> NoticesConfig:
    """[notices] and each of its keys may be left out: quiet hours 21:00–06:30."""
    if "notices" not in raw:
        return NoticesConfig()
    r, default = Reader(raw, "notices", path), NoticesConfig()
    on = r.get("quiet_hours", bool) if "quiet_hours" in r.table else True
    times = []
    for key in ("quiet_from", "quiet_until"):
        if key not in r.table:
            times.append(getattr(default, key))
            continue
        value = parse_time(r.get(key, str))
        if value is None:
            raise ConfigError(texts.cli.CONFIG_TIME_OF_DAY.format(where=f"{path}: [notices] {key}",
                                                                  value=repr(r.table[key])))
        times.append(value)
    if on and times[0] == times[1]:
        raise ConfigError(texts.cli.CONFIG_QUIET_EMPTY.format(path=path))
    return NoticesConfig(on, *times)


def review(raw, path: Path) -> ReviewConfig:
    """[review] and its key may be left out: nobody approves their own records."""
    if "review" not in raw:
        return ReviewConfig()
    r = Reader(raw, "review", path)
    return ReviewConfig(r.get("self_approve", bool) if "self_approve" in r.table else False)
