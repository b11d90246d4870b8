"""A spool on disk for events the platform has already forgotten.

Zalo's getUpdates removes an event from Zalo's queue when it hands it over (docs/zalo-bot-api.md
§1.7): from then on the bot is the only keeper. The polling loop writes each event here — a small
file, fsynced, written synchronously, before anything else awaits — then stores it in the inbox and
deletes the file. A process killed in between finds the file at the next start and stores the event
then (the inbox's unique key drops a copy). What remains lost is only an event killed in the
microseconds between the end of the HTTP answer and this write.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from storage.files import private_dir, write_private


class Spool:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def put(self, event: Any) -> Path:
        """Write one event (synchronously: no other task runs before it is on disk)."""
        private_dir(self.folder)
        path = self.folder / f"{time.time_ns():020d}-{os.getpid()}.json"
        # ASCII JSON: a lone surrogate in the event is written as "\ud800", never an encoding error.
        return write_private(path, json.dumps(event).encode())

    def pending(self) -> list[tuple[Path, Any]]:
        """Events left by a process that stopped before storing them, oldest first."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                found.append((path, json.loads(path.read_bytes())))
            except ValueError:  # cannot happen (written whole), but a bad file must not block the rest
                path.unlink(missing_ok=True)
        return found

    @staticmethod
    def done(path: Path) -> None:
        path.unlink(missing_ok=True)
