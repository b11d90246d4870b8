"""Reading config.toml's tables: the one error type, and a reader of typed keys that names
`[section] key` and the file in every error (bot/config.py and bot/config_sections.py use it)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import texts


class ConfigError(Exception):
    """A key is missing or has a bad value. The message names the key and the file."""


class Reader:
    """Reads typed keys from one table of the file, naming `section.key` and the file in every error."""

    def __init__(self, raw: Mapping[str, Any], section: str, path: Path):
        self.section, self.path = section, path
        table = raw.get(section)
        if not isinstance(table, Mapping):
            raise ConfigError(texts.cli.CONFIG_SECTION_MISSING.format(path=path, section=section))
        self.table = table

    def get(self, key: str, kind: type, *, choices: tuple = ()) -> Any:
        where = f"{self.path}: [{self.section}] {key}"
        if key not in self.table:
            raise ConfigError(texts.cli.CONFIG_KEY_MISSING.format(where=where))
        value = self.table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ConfigError(texts.cli.CONFIG_KEY_KIND.format(
                where=where, kind=texts.cli.CONFIG_KINDS.get(kind.__name__, kind.__name__), value=repr(value)))
        if choices and value not in choices:
            raise ConfigError(texts.cli.CONFIG_KEY_CHOICE.format(
                where=where, choices=", ".join(map(str, choices)), value=repr(value)))
        return value

    def optional(self, key: str, kind: type, default: Any) -> Any:
        """A positive value that may be left out (then `default`)."""
        return self.positive(key, kind) if key in self.table else default

    def positive(self, key: str, kind: type = int) -> Any:
        value = self.get(key, kind)
        if value <= 0:
            raise ConfigError(texts.cli.CONFIG_KEY_POSITIVE.format(
                where=f"{self.path}: [{self.section}] {key}", value=repr(value)))
        return value
