"""Is the bot well? Channel states, receiving tasks, named problems and engine liveness, kept in memory,
read by /healthz and /metrics.

Channels (and whatever starts and restarts them) report their state here; receiving tasks (bot.supervisor
`supervised`) say whether they run and how often they were restarted; a component in trouble it works
around by itself (a spool that cannot be written) names the problem and clears it when it passes; the
engine beats once per loop pass; the data folder's free space is read against a floor. Nothing here
touches the database or the network, so reading it never blocks.

States of a channel: "starting" (not yet receiving), "up" (receiving), "retrying" (trouble it retries
by itself: network, 5xx, a webhook not yet registered), "down" (it stopped trying: a rejected token,
a start that failed). Only "up" is healthy.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

STARTING, UP, RETRYING, DOWN = "starting", "up", "retrying", "down"
STATES = (STARTING, UP, RETRYING, DOWN)


@dataclass
class ChannelState:
    state: str
    since: dt.datetime
    error: str = ""

    def to_json(self) -> dict:
        return {"state": self.state, "since": self.since.isoformat(), "error": self.error}


@dataclass
class TaskState:
    running: bool = True
    error: str = ""  # why it last ended
    restarts: int = 0


@dataclass
class Health:
    channels: dict[str, ChannelState] = field(default_factory=dict)
    engine_beat: float | None = None  # time.monotonic() of the engine's last loop pass
    engine_stopped: bool = False
    tasks: dict[str, TaskState] = field(default_factory=dict)  # receiving tasks, by name
    issues: dict[str, str] = field(default_factory=dict)  # named problems a component reports and clears
    data_dir: Path | None = None  # its free space is watched …
    min_free_bytes: int = 0  # … against this floor
    outbox_alert: float = 900.0  # seconds a reply may wait undelivered before /healthz names it

    def task(self, name: str, *, running: bool, error: str = "", restarted: bool = False) -> None:
        state = self.tasks.setdefault(name, TaskState())
        state.running, state.error = running, error or ("" if running else state.error)
        state.restarts += restarted

    def task_done(self, name: str) -> None:
        """The task ended because the process stops: nothing to report."""
        self.tasks.pop(name, None)

    def problem(self, name: str, description: str | None) -> None:
        """Name a problem (None clears it)."""
        if description is None:
            self.issues.pop(name, None)
        else:
            self.issues[name] = description

    def free_bytes(self) -> int | None:
        """Free space in the data folder (None when unknown)."""
        if self.data_dir is None:
            return None
        try:
            return shutil.disk_usage(self.data_dir).free
        except OSError:
            return None

    def channel(self, name: str, state: str, error: str = "") -> None:
        """Record a channel's state; the time it changed is kept until it changes again."""
        assert state in STATES, state
        current = self.channels.get(name)
        if current is None or current.state != state:
            self.channels[name] = ChannelState(state, dt.datetime.now(dt.UTC), error)
        elif error:
            current.error = error

    def up(self, name: str) -> None:
        self.channel(name, UP)

    def trouble(self, name: str, error: str, *, down: bool = False) -> None:
        self.channel(name, DOWN if down else RETRYING, error)

    def beat(self) -> None:
        self.engine_beat = time.monotonic()

    def problems(self, engine_silence: float) -> list[str]:
        """What is wrong, one short English line each (operators read this); empty when healthy."""
        found = [f"channel {name} is {s.state}" + (f": {s.error}" if s.error else "")
                 for name, s in sorted(self.channels.items()) if s.state != UP]
        found += [f"receiving task {name} is not running" + (f": {t.error}" if t.error else "")
                  for name, t in sorted(self.tasks.items()) if not t.running]
        found += [f"{name}: {text}" for name, text in sorted(self.issues.items())]
        free = self.free_bytes()
        if free is not None and free < self.min_free_bytes:
            found.append(f"disk: {free // 2**20} MB free in the data folder {self.data_dir}, "
                         f"below the floor of {self.min_free_bytes // 2**20} MB")
        if self.engine_stopped:
            found.append("engine stopped")
        elif self.engine_beat is None:
            found.append("engine not started")
        elif time.monotonic() - self.engine_beat > engine_silence:
            found.append(f"engine silent for {time.monotonic() - self.engine_beat:.0f}s")
        return found

    def report(self, engine_silence: float) -> tuple[bool, dict]:
        problems = self.problems(engine_silence)
        return not problems, {
            "ok": not problems,
            "problems": problems,
            "channels": {name: s.to_json() for name, s in sorted(self.channels.items())},
            "engine": {"running": self.engine_beat is not None and not self.engine_stopped},
            "tasks": {name: {"running": t.running, "error": t.error, "restarts": t.restarts}
                      for name, t in sorted(self.tasks.items())},
        }
