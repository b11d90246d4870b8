"""The console as a person meets it: a banner saying who they are, only their own messages, no log
lines in the conversation, Ctrl-C leaves at once. Real `main.py console` processes on SQLite files."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import texts
from bot.messages import Reply
from storage import engine_store
from storage.db import open_database
from tests.test_cli_errors import REPO, cli_env, run


def invite(tmp_path: Path, name: str, *roles: str) -> str:
    result = run(tmp_path, "admin", "invite", "--name", name, *[f"--role={r}" for r in roles])
    assert result.returncode == 0, result.stderr
    return re.search(r"/start (\S+)", result.stdout).group(1)


def register(tmp_path: Path, name: str, *roles: str) -> None:
    code = invite(tmp_path, name, *roles)
    session = run(tmp_path, "console", "--as", name, stdin=f"/start {code}\n1\n")
    assert "Đã đăng ký tài khoản" in session.stdout, session.stdout + session.stderr


def test_the_banner_says_who_you_are_your_roles_and_your_open_draft(tmp_path):
    register(tmp_path, "Lê Thị Hoa", "technician", "admin")
    first = run(tmp_path, "console", "--as", "Lê Thị Hoa", stdin="/kiemdinh\n")
    banner = first.stdout.split("🤖", 1)[0]
    assert "Lê Thị Hoa" in banner and "kỹ thuật viên kiểm định, quản trị" in banner
    assert "Đang dở" not in banner
    again = run(tmp_path, "console", "--as", "Lê Thị Hoa", stdin="")
    assert "Đang dở: Kiểm định, hiệu chuẩn phương tiện đo" in again.stdout, again.stdout


def test_the_banner_of_a_stranger_says_how_to_register(tmp_path):
    result = run(tmp_path, "console", "--as", "Người Lạ", stdin="")
    assert result.returncode == 0, result.stderr
    assert "Người Lạ" in result.stdout and "/start" in result.stdout
    assert ".venv/bin/python main.py admin invite" in result.stdout


def test_log_lines_stay_out_of_the_conversation(tmp_path):
    result = run(tmp_path, "--log-level", "INFO", "console", "--as", "Người Lạ", stdin="xin chào\n")
    assert "chỉ dành cho cán bộ được mời" in result.stdout
    terminal = result.stdout + result.stderr  # at a terminal both streams are the conversation's screen
    assert "refused console user" not in terminal and " INFO " not in terminal
    log = tmp_path / "data" / "console.log"
    assert "refused console user" in log.read_text(encoding="utf-8")  # the log line went to the file
    assert str(log) in result.stdout  # and the banner says where


async def _queue(data: Path, chat_id: str, text: str) -> None:
    db = open_database(f"sqlite+aiosqlite:///{data / 'fieldbot.sqlite3'}")
    try:
        async with db.unit_of_work() as session:
            await engine_store.queue_reply(session, channel="console", chat_id=chat_id, inbox_id=None,
                                           payload=Reply(text=text).to_json(), now=dt.datetime.now(dt.UTC))
    finally:
        await db.close()


def test_only_this_persons_messages_are_printed(tmp_path):
    register(tmp_path, "An", "clerk")
    register(tmp_path, "Bình", "clerk")
    asyncio.run(_queue(tmp_path / "data", "console:binh", "Tin nhắn riêng cho Bình"))
    an = run(tmp_path, "console", "--as", "An", stdin="/help\n")
    assert texts.people.HELP_HEADER in an.stdout
    assert "Tin nhắn riêng cho Bình" not in an.stdout
    binh = run(tmp_path, "console", "--as", "Bình", stdin="")
    assert "Tin nhắn riêng cho Bình" in binh.stdout  # kept for Bình, not dropped


def test_ctrl_c_leaves_at_once(tmp_path):
    assert run(tmp_path, "migrate").returncode == 0
    process = subprocess.Popen(
        [sys.executable, "main.py", "console", "--as", "An"], cwd=REPO, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=cli_env(tmp_path),
    )
    try:
        seen, deadline = b"", time.monotonic() + 60  # the where-line, then the banner, whose last line names the keys
        while b"Ctrl-D" not in seen:  # raw reads: a buffered readline would hide lines already read from select
            ready, _, _ = select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(process.stdout.fileno(), 4096) if ready else b""
            if not chunk:
                process.kill()
                raise AssertionError(f"no banner: the console never said it was ready\n{seen!r}")
            seen += chunk
        time.sleep(0.5)  # the console is waiting for input
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
        assert time.monotonic() - started < 6  # at once: not after a poll, a timeout or the 10 s above
        assert "Traceback" not in out + err and "KeyboardInterrupt" not in err
        assert process.returncode in (0, 130)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()



def test_admin_staff_lists_pending_invitations(tmp_path):
    register(tmp_path, "An", "clerk")
    invite(tmp_path, "Trần Văn Cường", "inspector", "manager")
    staff = run(tmp_path, "admin", "staff")
    assert staff.returncode == 0, staff.stderr
    pending = [line for line in staff.stdout.splitlines() if "Trần Văn Cường" in line]
    assert len(pending) == 1 and "inspector, manager" in pending[0]
    assert re.search(r"\d\d/\d\d/\d{4}", pending[0])  # until when the code works
    assert "An" in staff.stdout and "An" not in pending[0]
