"""Chaos, the long version: the real `python main.py run` SIGKILLed at random moments while people record,
on each channel and mode; figures (kills, records, losses, duplicates) for docs/reliability.md.

    .venv/bin/python bench/bench_chaos.py                          # every channel and mode, 10 kills each
    .venv/bin/python bench/bench_chaos.py --only zalo:polling --kills 30 --people 40

Each person is a technician sending one calibration batch by shortcut and confirming it (see
tests/chaos_kit.py); "lost" counts batches whose person confirmed, or whose first message never got
an answer, and that left no record; "duplicates" records beyond one per batch.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.chaos_kit import Outcome, run_chaos  # noqa: E402

MODES = ["zalo:webhook", "zalo:polling", "telegram:polling", "telegram:webhook"]


async def main(args: argparse.Namespace) -> list[Outcome]:
    outcomes = []
    for spec in args.only or MODES:
        channel, mode = spec.split(":")
        for run in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                outcome = await run_chaos(channel, mode, Path(tmp), people_count=args.people, kills=args.kills,
                                          spread=args.spread, seed=args.seed + run)
            print(outcome.line(), flush=True)
            outcomes.append(outcome)
    return outcomes


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=MODES, help="channel:mode (repeatable)")
    parser.add_argument("--kills", type=int, default=10, help="SIGKILLs per run")
    parser.add_argument("--people", type=int, default=20, help="people (one batch each) per run")
    parser.add_argument("--spread", type=float, default=20.0, help="seconds over which people start")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    logging.basicConfig(level=logging.WARNING)
    results = asyncio.run(main(parser.parse_args()))
    total = {f: sum(getattr(o, f) for o in results) for f in ("kills", "people", "records", "lost", "duplicates")}
    print("total:", ", ".join(f"{k} {v}" for k, v in total.items()))
