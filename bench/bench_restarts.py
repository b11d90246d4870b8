"""Graceful restarts, the long version (issue 20): the real `python main.py run` polling Zalo, stopped with
SIGTERM while a getUpdates is open, two messages sent in the second that follows, started again — 20
times by default. The fake Zalo hands events to a connection the bot closed (as a plain HTTP server
would); a bot that abandoned its poll lost them. The figure goes to docs/reliability.md.

    .venv/bin/python bench/bench_restarts.py                # 20 restarts
    .venv/bin/python bench/bench_restarts.py --restarts 50
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.restart_kit import sigterm_restarts  # noqa: E402


async def main(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        outcome = await sigterm_restarts(Path(tmp), args.restarts, per_restart=args.messages)
    print(outcome.line(), flush=True)
    return 1 if outcome.lost else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--restarts", type=int, default=20)
    parser.add_argument("--messages", type=int, default=2, help="messages sent after each SIGTERM")
    sys.exit(asyncio.run(main(parser.parse_args())))
