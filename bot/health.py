"""Is the bot well? Channel states and engine liveness, kept in memory, read by /healthz and /metrics.

Channels (and whatever starts and restarts them) report their state here; the engine beats once per
loop pass. Nothing here touches the database or the network, so reading it never blocks.

States of a channel: "starting" (not yet receiving), "up" (receiving), "retrying" (trouble it retries
by itself: network, 5xx, a webhook not yet registered), "down" (it stopped trying: a rejected token,
a start that failed). Only "up" is healthy.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

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
class Health:
    channels: dict[str, ChannelState] = field(default_factory=dict)
    engine_beat: float | None = None  # time.monotonic() of the engine's last loop pass
    engine_stopped: bool = False

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
        }
