"""Configuration: config.toml loaded once into frozen dataclasses; the environment overrides deployment bits.

Nothing reads the file or the environment at import time: `load_config()` is called once by main.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import texts
from bot import config_sections as sections
from bot.config_reader import ConfigError, Reader
from bot.config_sections import InvitationsConfig, LanguageConfig, NoticesConfig, PrivacyConfig, ReviewConfig
from storage.catalogue import Catalogue, CatalogueError, catalogue_from_dict
from storage.retention import Retention


@dataclass(frozen=True)
class GeneralConfig:
    time_zone: str
    data_dir: Path
    draft_idle_minutes: int
    invite_days: int
    today: dt.date | None = None  # FIELDBOT_TODAY: the whole program's clock set to this day
    log_format: str = "text"  # text | json (one JSON object per line)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


@dataclass(frozen=True)
class DatabaseConfig:
    url: str
    sqlite_busy_timeout_ms: int


@dataclass(frozen=True)
class EngineConfig:
    concurrency: int
    poll_interval_seconds: float
    send_horizon_hours: float
    send_backoff_seconds: float
    send_backoff_cap_seconds: float
    channel_retry_seconds: float = 5.0  # a channel that cannot start is tried again after this, doubled …
    channel_retry_cap_seconds: float = 300.0  # … up to this
    send_probe_seconds: float = 5.0  # a failing channel's oldest reply is tried this often
    outbox_alert_minutes: float = 15.0  # /healthz: a reply undelivered this long is a problem
    min_free_mb: int = 200  # /healthz: less free space than this in the data folder is a problem


@dataclass(frozen=True)
class WebConfig:
    enabled: bool
    host: str
    port: int
    public_url: str
    link_minutes: int
    expired_link_days: int = 30
    session_idle_minutes: int = 60  # the web view: a session unused this long ends (webview/)
    tiles_url: str = ""  # the web view's map tiles, "https://…/{z}/{x}/{y}.png"; empty: coordinates only
    tiles_attribution: str = ""


@dataclass(frozen=True)
class ChannelConfig:
    mode: str  # polling | webhook
    webhook_path: str
    token: str = field(default="", repr=False)  # from the environment only
    base_url: str = ""
    base_file_url: str = ""
    webhook_secret: str = field(default="", repr=False)
    poll_timeout_seconds: int = 30
    max_photo_bytes: int = 20 * 1024 * 1024
    take_over_webhook: bool = False  # polling may switch off a webhook that is set (`run --take-over-webhook`)

    @property
    def enabled(self) -> bool:
        return bool(self.token)


@dataclass(frozen=True)
class Config:
    path: Path
    general: GeneralConfig
    database: DatabaseConfig
    engine: EngineConfig
    web: WebConfig
    telegram: ChannelConfig
    zalo: ChannelConfig
    organisation: Mapping[str, Any]
    reporting: Mapping[str, Any]
    catalogue: Catalogue
    link_secret: str = field(default="", repr=False)
    retention: Retention = field(default_factory=Retention)
    language: LanguageConfig = LanguageConfig()
    privacy: PrivacyConfig = PrivacyConfig()
    notices: NoticesConfig = NoticesConfig()
    review: ReviewConfig = ReviewConfig()
    invitations: InvitationsConfig = InvitationsConfig()

    @property
    def cut_off_day(self) -> int:
        return int(self.reporting["cut_off_day"])


def config_path(cli_path: str | None = None, env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(cli_path or env.get("FIELDBOT_CONFIG") or "config.toml").resolve()


def load_config(path: str | os.PathLike | None = None, env: Mapping[str, str] | None = None) -> Config:
    env = os.environ if env is None else env
    path = config_path(str(path) if path else None, env)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(texts.cli.CONFIG_NOT_FOUND.format(path=path)) from None
    except IsADirectoryError:
        raise ConfigError(texts.cli.CONFIG_IS_FOLDER.format(path=path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else texts.cli.CONFIG_NOT_UTF8
        raise ConfigError(texts.cli.CONFIG_UNREADABLE.format(path=path, reason=reason)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(texts.cli.CONFIG_NOT_TOML.format(path=path, error=exc)) from None
    general = _general(raw, path, env)
    return Config(
        path=path,
        general=general,
        database=_database(raw, path, env, general.data_dir),
        engine=_engine(raw, path),
        web=_web(raw, path),
        telegram=_channel(raw, path, env, "telegram"),
        zalo=_channel(raw, path, env, "zalo"),
        organisation=_table(raw, path, "organisation"),
        reporting=_reporting(raw, path),
        catalogue=_catalogue(raw, path),
        link_secret=env.get("FIELDBOT_LINK_SECRET", ""),
        retention=sections.retention(raw, path),
        language=sections.language(raw, path),
        privacy=sections.privacy(raw, path),
        notices=sections.notices(raw, path),
        review=sections.review(raw, path),
        invitations=sections.invitations(raw, path),
    )


def run_problems(config: Config) -> list[str]:
    """What `run` cannot do without, one sentence each naming the missing key (empty when all is set)."""
    problems = []
    for name, channel in (("zalo", config.zalo), ("telegram", config.telegram)):
        if not (channel.enabled and channel.mode == "webhook"):
            continue
        if not config.web.public_url:
            problems.append(texts.cli.RUN_NEEDS_PUBLIC_URL.format(name=name, path=config.path,
                                                                  platform=name.capitalize()))
        if not channel.webhook_secret:
            problems.append(texts.cli.RUN_NEEDS_SECRET.format(name=name, variable=f"{_ENV_PREFIX[name]}_WEBHOOK_SECRET"))
    if config.zalo.enabled and config.web.public_url and not config.link_secret:
        problems.append(texts.cli.RUN_NEEDS_LINK_SECRET)
    unfilled = unfilled_keys(config, privacy=True)
    if unfilled:
        problems.append(texts.privacy.placeholders_left(unfilled, str(config.path)))
    return problems


# A value still in the shipped form: "[tên tỉnh]", "UBND TỈNH [TÊN TỈNH]", "[bộ phận, điện thoại, …]".
_PLACEHOLDER = re.compile(r"\[[^\]]*\]")


def unfilled_keys(config: Config, *, privacy: bool) -> list[str]:
    """The keys of [organisation] (and of [privacy] when asked) that still hold a bracketed
    placeholder, one of them per list; [privacy] contact also when empty (the notice needs a place to ask)."""
    keys = []
    for key, value in config.organisation.items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and _PLACEHOLDER.search(v) for v in values):
            keys.append(f"[organisation] {key}")
    if privacy:
        for key, value in vars(config.privacy).items():
            if _PLACEHOLDER.search(value) or (key == "contact" and not value):
                keys.append(f"[privacy] {key}")
    return keys


def _general(raw, path: Path, env) -> GeneralConfig:
    r = Reader(raw, "general", path)
    zone = r.get("time_zone", str)
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(texts.cli.CONFIG_TIME_ZONE.format(path=path, zone=repr(zone))) from None
    data_dir = Path(env.get("FIELDBOT_DATA_DIR") or r.get("data_dir", str))
    if not data_dir.is_absolute():
        data_dir = path.parent / data_dir
    log_format = r.get("log_format", str, choices=("text", "json")) if "log_format" in r.table else "text"
    return GeneralConfig(zone, data_dir, r.positive("draft_idle_minutes"), r.positive("invite_days"),
                         _today(env.get("FIELDBOT_TODAY", "").strip()), log_format)


def _today(text: str) -> dt.date | None:
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(text)
    raise ConfigError(texts.cli.CONFIG_TODAY.format(text=repr(text)))


def _database(raw, path: Path, env, data_dir: Path) -> DatabaseConfig:
    r = Reader(raw, "database", path)
    url = env.get("DATABASE_URL") or r.get("url", str) or f"sqlite+aiosqlite:///{data_dir / 'fieldbot.sqlite3'}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+asyncpg://" + url.split("://", 1)[1]
    if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise ConfigError(texts.cli.CONFIG_DATABASE_URL.format(path=path))
    return DatabaseConfig(url, r.positive("sqlite_busy_timeout_ms"))


def _engine(raw, path: Path) -> EngineConfig:
    r = Reader(raw, "engine", path)
    return EngineConfig(
        r.positive("concurrency"),
        r.positive("poll_interval_seconds", float),
        r.positive("send_horizon_hours", float),
        r.positive("send_backoff_seconds", float),
        r.positive("send_backoff_cap_seconds", float),
        r.positive("channel_retry_seconds", float),
        r.positive("channel_retry_cap_seconds", float),
        r.optional("send_probe_seconds", float, 5.0),
        r.optional("outbox_alert_minutes", float, 15.0),
        r.optional("min_free_mb", int, 200),
    )


def _web(raw, path: Path) -> WebConfig:
    r = Reader(raw, "web", path)
    public_url = r.get("public_url", str).rstrip("/")
    if public_url and not public_url.startswith(("http://", "https://")):
        raise ConfigError(texts.cli.CONFIG_PUBLIC_URL.format(path=path))
    tiles_url = str(r.table.get("tiles_url", "")).strip()
    if tiles_url and not (tiles_url.startswith(("https://", "http://")) and all(k in tiles_url for k in ("{z}", "{x}", "{y}"))):
        raise ConfigError(texts.cli.CONFIG_TILES_URL.format(path=path))
    return WebConfig(r.get("enabled", bool), r.get("host", str), r.positive("port"), public_url, r.positive("link_minutes"),
                     r.positive("expired_link_days"), r.optional("session_idle_minutes", int, 60), tiles_url,
                     str(r.table.get("tiles_attribution", "")).strip())


_ENV_PREFIX = {"telegram": "TELEGRAM", "zalo": "ZALO"}


def _channel(raw, path: Path, env, name: str) -> ChannelConfig:
    r = Reader(raw, name, path)
    prefix = _ENV_PREFIX[name]
    return ChannelConfig(
        mode=r.get("mode", str, choices=("polling", "webhook")),
        webhook_path=r.get("webhook_path", str),
        token=env.get(f"{prefix}_BOT_TOKEN", "").strip(),
        base_url=env.get(f"{prefix}_BASE_URL", "").strip(),
        base_file_url=env.get("TELEGRAM_BASE_FILE_URL", "").strip() if name == "telegram" else "",
        webhook_secret=env.get(f"{prefix}_WEBHOOK_SECRET", "").strip(),
        poll_timeout_seconds=int(r.table.get("poll_timeout_seconds", 30)),
        max_photo_bytes=_megabytes(r, "max_photo_mb", 20),
    )


def _megabytes(r: Reader, key: str, default: int) -> int:
    value = r.table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(texts.cli.CONFIG_MEGABYTES.format(where=f"{r.path}: [{r.section}] {key}", value=repr(value)))
    return value * 1024 * 1024


def _table(raw, path: Path, section: str) -> Mapping[str, Any]:
    return dict(Reader(raw, section, path).table)


def _reporting(raw, path: Path) -> Mapping[str, Any]:
    r = Reader(raw, "reporting", path)
    day = r.get("cut_off_day", int)
    if not 1 <= day <= 28:
        raise ConfigError(texts.cli.CONFIG_CUT_OFF.format(path=path, day=day))
    if "count" in r.table:  # what the report counts (issue 24): every record, or the approved ones only
        r.get("count", str, choices=("all", "approved"))
    return dict(r.table)


def _catalogue(raw, path: Path) -> Catalogue:
    try:
        return catalogue_from_dict(raw.get("catalogue") or {}, where=f"{path}: catalogue")
    except CatalogueError as exc:
        raise ConfigError(str(exc)) from None


# A bot token is "<digits>:<secret>" (Telegram and Zalo alike); it goes into URL paths, so no spaces or slashes.
_TOKEN_SHAPE = re.compile(r"\d+:[^\s/?#:]+")


def check_tokens(config: Config) -> None:
    """Refuse at start a token that cannot be one, naming its variable (never echoing the value)."""
    for variable, channel in (("ZALO_BOT_TOKEN", config.zalo), ("TELEGRAM_BOT_TOKEN", config.telegram)):
        if channel.token and not _TOKEN_SHAPE.fullmatch(channel.token):
            raise ConfigError(texts.cli.CONFIG_TOKEN_SHAPE.format(variable=variable))
