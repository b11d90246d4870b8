"""The sections of config.toml that may be left out, and each of their keys (a config.toml from before
they existed still loads, with the defaults): [retention], [language], [privacy], [notices], [review],
[invitations]. bot/config.py puts them in its Config."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
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


@dataclass(frozen=True)
class InvitationsConfig:
    """[invitations]: wrong invitation codes looked at before every code is refused for a while
    (handlers/people.CodeLimiter)."""

    wrong_codes_per_account: int = 5  # by one account within …
    wrong_codes_account_minutes: int = 15  # … this many minutes; the account then waits as long
    wrong_codes_per_channel: int = 20  # from one channel (Zalo, Telegram) within an hour
    wrong_codes_per_hour: int = 30  # from everyone within an hour


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


def invitations(raw, path: Path) -> InvitationsConfig:
    """[invitations] and each of its keys may be left out: 5 wrong codes per account in 15 minutes, 20 per
    channel and 30 in all per hour. Each a whole number above 0, and a limit above the next one (per
    account, per channel, in all) is refused: it could never be reached."""
    if "invitations" not in raw:
        return InvitationsConfig()
    r, default = Reader(raw, "invitations", path), InvitationsConfig()
    read = InvitationsConfig(**{f.name: r.optional(f.name, int, getattr(default, f.name)) for f in fields(default)})
    for small, large in (("wrong_codes_per_account", "wrong_codes_per_channel"),
                         ("wrong_codes_per_channel", "wrong_codes_per_hour")):
        if getattr(read, small) > getattr(read, large):
            raise ConfigError(texts.cli.CONFIG_LIMIT_ORDER.format(
                where=f"{path}: [invitations]", small=small, large=large, value=getattr(read, small),
                limit=getattr(read, large)))
    return read
