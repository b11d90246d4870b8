"""SIGKILL between receiving and handling, and between handling and replying: nothing lost or doubled."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from storage.models import AuditRow, InboxRow, OutboxRow

REPO = Path(__file__).resolve().parents[1]


def harness(url: str, mode: str, out: Path) -> int:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.crash_harness", url, mode, str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode in (0, -signal.SIGKILL), proc.stderr
    return proc.returncode


async def table(db, column):
    async with db.read() as session:
        return (await session.scalars(select(column).order_by(column))).all()


async def test_kill_after_inbox_commit_then_after_unit_of_work(db, tmp_path):
    url = db.engine.url.render_as_string(hide_password=False)
    out = tmp_path / "sent.txt"

    assert harness(url, "accept", out) == -signal.SIGKILL
    assert await table(db, InboxRow.status) == ["pending"]  # received, committed, not handled

    assert harness(url, "handle", out) == -signal.SIGKILL
    # evt-1 and evt-2 handled (records written), both replies queued, none sent
    assert await table(db, InboxRow.status) == ["done", "done"]
    assert await table(db, OutboxRow.status) == ["pending", "pending"]
    assert not out.exists()

    assert harness(url, "resume", out) == 0
    assert out.read_text(encoding="utf-8").splitlines() == [
        "c1\techo: đo cột bơm số 1",
        "c1\techo: đo cột bơm số 2",
    ]
    async with db.read() as session:
        assert await session.scalar(select(func.count(AuditRow.id))) == 2  # one record each, none doubled

    assert harness(url, "resume", out) == 0  # a further restart sends nothing again
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
