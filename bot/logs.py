"""Logging: secrets never reach a log line. httpx logs request URLs, which carry the Telegram token,
so its logger is quieted and every handler gets a filter that masks the configured secrets."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
from collections.abc import Iterable
from pathlib import Path

# Telegram tokens look like 123456789:AA...; mask any such shape even if not configured.
_TOKEN_SHAPE = re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}\b")


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str] = ()):
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return _TOKEN_SHAPE.sub("***", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (journald, Loki, Elasticsearch read it as is). The redacting filter
    has already masked secrets in the message and the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(level: str = "INFO", secrets: Iterable[str] = (), *, json_lines: bool = False) -> RedactingFilter:
    redactor = RedactingFilter(secrets)
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if json_lines else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(redactor)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "aiosqlite", "telegram.ext", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return redactor


def log_to_file(path: Path) -> Path:
    """Move log lines off the terminal into a private file, same format and redaction: at the console
    the terminal is the conversation."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    handler = logging.FileHandler(path, encoding="utf-8")
    root = logging.getLogger()
    for old in root.handlers[:1]:
        handler.setFormatter(old.formatter)
        for log_filter in old.filters:
            handler.addFilter(log_filter)
    root.handlers[:] = [handler]
    return path
