"""The README's "Running in production", walked on this machine as far as it goes without systemd
(issue 19): a service user made here, the data folder made as step 2 says, the env file from
deploy/env.example, `migrate` and the first invitation through deploy/fieldbot, `run` as that user
against the Zalo fake, registration with that code, a record, backup and restore — then a console run as
root (refused), a root-owned folder left in the data folder (named by `run`, not a traceback), and the
bot still starting.

It needs root (to make the user and switch to it); elsewhere it is skipped with that reason. The user
and every file are removed at the end. The database is SQLite in the data folder (the guide's
PostgreSQL is the same path through the program; tests/test_backup.py covers pg_dump and pg_restore).
"""

# ruff: noqa: ASYNC109 — `timeout` below is a test deadline

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

import texts
from tests.channels_kit import free_port
from tests.conftest import REPO, filled_config_text
from tests.fakes import FakeZalo

WRAPPER = REPO / "deploy" / "fieldbot"
NEEDS = ("useradd", "userdel", "runuser")

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="walking the production guide makes a system user: needs root"),
    pytest.mark.skipif(not all(shutil.which(t) for t in NEEDS), reason=f"needs {', '.join(NEEDS)}"),
]


def readme_block(marker: str) -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split(f"<!-- {marker} -->", 1)[1].split(f"<!-- /{marker} -->", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip() and not line.startswith("```")]


def fast_config(path: Path) -> None:
    """The repository's config.toml with [organisation] and [privacy] filled in, quick engine loops, a
    short Zalo long poll, no reminders and the web server on a free port."""
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    for pattern, value in ((r"poll_interval_seconds = [\d.]+", "poll_interval_seconds = 0.2"),
                           (r"send_backoff_seconds = [\d.]+", "send_backoff_seconds = 0.2"),
                           (r"poll_timeout_seconds = \d+", "poll_timeout_seconds = 2"),
                           (r"reminders = true", "reminders = false"),
                           (r"port = 8080", f"port = {free_port()}")):  # not the machine's 8080
        text, found = re.subn(pattern, value, text, count=1)
        assert found == 1, pattern
    path.write_text(filled_config_text(text), encoding="utf-8")  # [organisation] edited, as step 2 says


class Server:
    """The machine of the guide: /opt/dost-fieldbot is this repository, /etc/dost-fieldbot and
    /var/lib/dost-fieldbot live under one temporary folder, the service user is made for the test."""

    def __init__(self, base: Path, user: str, zalo: FakeZalo):
        self.base, self.user, self.zalo = base, user, zalo
        self.etc, self.data, self.backups = base / "etc", base / "var-lib", base / "backups"
        self.env_file = self.etc / "env"
        self.log_path = base / "bot.log"
        self.proc: subprocess.Popen | None = None
        self.uid = 0
        self.python = sys.executable

    def sh(self, *command: str) -> subprocess.CompletedProcess:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        return done

    def install(self) -> None:
        """Steps 2 and 3: the user, the data folder, /etc/dost-fieldbot with the config and the env file —
        the guide's own lines, with this machine's paths."""
        step2 = readme_block("guide-step-2")
        assert step2[0].startswith("useradd --system") and "install -d -m 0700 -o dost-fieldbot -g dost-fieldbot " \
            "/var/lib/dost-fieldbot" in step2
        assert step2.index("install -d -m 0700 -o dost-fieldbot -g dost-fieldbot /var/lib/dost-fieldbot") < len(step2)
        self.sh("useradd", "--system", "--home-dir", str(self.data), "--shell", "/usr/sbin/nologin", self.user)
        self.uid = pwd.getpwnam(self.user).pw_uid
        config = self.base / "config.toml"
        fast_config(config)
        env = (REPO / "deploy" / "env.example").read_text(encoding="utf-8")
        values = {"FIELDBOT_CONFIG": str(self.etc / "config.toml"), "FIELDBOT_DATA_DIR": str(self.data),
                  "DATABASE_URL": "", "ZALO_BOT_TOKEN": self.zalo.token, "ZALO_BASE_URL": self.zalo.url}
        for name, value in values.items():
            env, found = re.subn(rf"^{name}=.*$", f"{name}={value}", env, count=1, flags=re.M)
            assert found == 1, name
        (self.base / "env").write_text(env, encoding="utf-8")
        here = {"/var/lib/dost-fieldbot": self.data, "/etc/dost-fieldbot": self.etc, "dost-fieldbot": self.user,
                "/etc/dost-fieldbot/config.toml": self.etc / "config.toml", "/etc/dost-fieldbot/env": self.env_file,
                "config.toml": config, "deploy/env.example": self.base / "env"}
        for line in step2:
            if line.startswith("install"):
                self.sh(*[str(here.get(word, word)) for word in shlex.split(line)])
        self.sh("install", "-d", "-m", "0700", "-o", self.user, "-g", self.user, str(self.backups))
        self.python = self.service_python()
        assert (self.data.stat().st_uid, self.data.stat().st_mode & 0o777) == (self.uid, 0o700)
        assert (self.env_file.stat().st_mode & 0o777) == 0o640

    def service_python(self) -> str:
        """The interpreter the service user runs: this test's, or — when that lives where other users
        cannot enter (a pyenv under /root) — a venv of the system's python3 of the same version that
        sees this project's packages, as `python3 -m venv` on a server would."""
        if subprocess.run(["runuser", "-u", self.user, "--", sys.executable, "-c", "import app.cli"], cwd=REPO,
                          capture_output=True).returncode == 0:
            return sys.executable
        system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
        if not system.exists():
            pytest.skip(f"{sys.executable} cannot be run by another user and there is no {system}")
        venv = self.base / "venv"
        self.sh(str(system), "-m", "venv", "--without-pip", str(venv))
        site = subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True).stdout.strip()
        ours = next(p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())
        Path(site, "fieldbot-test.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
        return str(venv / "bin" / "python")

    def wrapper_env(self) -> dict[str, str]:
        return {"PATH": os.environ["PATH"], "FIELDBOT_HOME": str(REPO), "FIELDBOT_ENV_FILE": str(self.env_file),
                "FIELDBOT_USER": self.user, "FIELDBOT_PYTHON": self.python,
                # the caller's shell points elsewhere: the env file must win
                "DATABASE_URL": f"sqlite+aiosqlite:///{self.base}/wrong.sqlite3", "FIELDBOT_DATA_DIR": "/nonexistent"}

    def fieldbot(self, *args: str, status: int = 0) -> subprocess.CompletedProcess:
        """`/opt/dost-fieldbot/deploy/fieldbot ARGS`, typed as root."""
        done = subprocess.run([str(WRAPPER), *args], capture_output=True, text=True, timeout=120,
                              env=self.wrapper_env(), cwd=self.base)
        assert done.returncode == status, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stdout + done.stderr, done.stderr
        return done

    def where_line(self, done: subprocess.CompletedProcess) -> None:
        """The first line names the service's database and data folder."""
        first = done.stdout.splitlines()[0]
        assert first == texts.cli.WHERE.format(database=f"sqlite+aiosqlite:///{self.data}/fieldbot.sqlite3",
                                               folder=self.data), first

    def owned_by_service(self) -> None:
        strays = [p for p in [self.data, *self.data.rglob("*")] if p.stat().st_uid != self.uid]
        assert strays == [], strays

    async def start(self) -> None:
        """What the unit's ExecStart runs, as the unit's user: `main.py run` (through the wrapper)."""
        before = self.zalo.calls["getUpdates"]
        self.proc = await asyncio.to_thread(self._spawn)
        deadline = time.monotonic() + 30
        while self.zalo.calls["getUpdates"] <= before:
            assert self.proc.poll() is None, f"the bot exited:\n{self.log()}"
            assert time.monotonic() < deadline, f"the bot did not start polling:\n{self.log()}"
            await asyncio.sleep(0.05)

    def _spawn(self) -> subprocess.Popen:
        with open(self.log_path, "a", encoding="utf-8") as log:
            return subprocess.Popen([str(WRAPPER), "run"], env=self.wrapper_env(), stdout=log,
                                    stderr=subprocess.STDOUT, cwd=self.base, start_new_session=True)

    def _bot_pid(self) -> int:
        """The python process under runuser (the wrapper execs into it)."""
        pid = self.proc.pid
        [bot] = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return int(bot)

    def clean_up(self) -> None:
        """Stop whatever still runs as the user (runuser gives the bot a session of its own, so the bot is
        killed by its pid), then remove the user — userdel refuses while one of its processes lives."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ValueError, OSError):
                os.kill(self._bot_pid(), signal.SIGKILL)
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        deadline = time.monotonic() + 20
        while subprocess.run(["userdel", self.user], capture_output=True).returncode not in (0, 6):  # 6: no such user
            assert time.monotonic() < deadline, f"userdel {self.user} kept failing"
            time.sleep(0.2)
        shutil.rmtree(self.base, ignore_errors=True)

    def slip(self) -> subprocess.CompletedProcess:
        """A console typed as root, without the wrapper, with the service's env file."""
        return subprocess.run([sys.executable, "main.py", "--env-file", str(self.env_file), "console", "--as", "X"],
                              cwd=REPO, capture_output=True, text=True, timeout=60, input="/help\n",
                              env={"PATH": os.environ["PATH"]})

    async def stop(self) -> None:
        """SIGTERM to the bot, as systemd sends it (runuser, between, would kill the bot's session)."""
        os.kill(self._bot_pid(), signal.SIGTERM)
        assert await asyncio.to_thread(self.proc.wait, 30) == 0, self.log()
        self.proc = None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8") if self.log_path.exists() else ""

    def records(self) -> int:
        """Calibration batches in the database, read as the service user (a root reader of an SQLite
        file could leave root-owned -shm behind)."""
        script = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                  "print(c.execute('SELECT count(*) FROM calibration_batches').fetchone()[0])")
        done = self.sh("runuser", "-u", self.user, "--", self.python, "-c", script, str(self.data / "fieldbot.sqlite3"))
        return int(done.stdout)


async def say(zalo: FakeZalo, chat: str, text: str, expect: str, timeout: float = 20) -> str:
    """Type a line in a Zalo chat; the bot's messages since, once one of them contains `expect`."""
    before = len(zalo.sent(chat))
    zalo.user_text(chat, text)
    deadline = time.monotonic() + timeout
    while True:
        new = [s.text or "" for s in zalo.sent(chat)[before:]]
        if any(expect in m for m in new):
            return "\n".join(new)
        assert time.monotonic() < deadline, (text, expect, new)
        await asyncio.sleep(0.05)


def _base() -> Path:
    base = Path(tempfile.mkdtemp(prefix="fieldbot-guide-"))
    base.chmod(0o755)  # the service user reaches its folders inside
    return base


@contextlib.contextmanager
def _traversable(path: Path):
    """On a server the program lies in /opt, which every user may enter; a clone may lie in a folder
    only root enters (CI's `mktemp -d`, 0700). For the test's length, its ancestors get the search bit
    for others (enter, not list), as /opt has; their modes are put back afterwards."""
    changed = []
    for folder in (path, *path.parents):
        mode = folder.stat().st_mode & 0o7777
        if not mode & 0o001:
            folder.chmod(mode | 0o001)
            changed.append((folder, mode))
    try:
        yield
    finally:
        for folder, mode in changed:
            folder.chmod(mode)


@pytest.fixture
async def server():
    user = f"fbguide{secrets.token_hex(3)}"
    async with FakeZalo() as zalo:
        with _traversable(REPO):
            machine = Server(_base(), user, zalo)
            try:
                yield machine
            finally:
                await asyncio.to_thread(machine.clean_up)
    assert zalo.violations == []


async def test_the_production_guide_followed_to_the_letter(server):
    await asyncio.to_thread(server.install)
    step5 = readme_block("guide-step-5")
    assert step5[0] == "/opt/dost-fieldbot/deploy/fieldbot migrate"
    assert any(line.startswith("/opt/dost-fieldbot/deploy/fieldbot admin invite --role admin") for line in step5)
    assert not any(re.match(r"(\S*/)?\.venv/bin/python|sudo ", line) for line in step5), "every step through the wrapper"

    migrated = await asyncio.to_thread(server.fieldbot, "migrate")  # as root: the wrapper switches to the service user
    server.where_line(migrated)
    assert migrated.stdout.splitlines()[1].startswith("Lược đồ cơ sở dữ liệu đã được cập nhật")
    assert not (server.base / "wrong.sqlite3").exists()
    server.owned_by_service()
    invited = await asyncio.to_thread(server.fieldbot, "admin", "invite", "--role", "admin", "--name", "Nguyễn Văn Quản")
    server.where_line(invited)
    code = re.search(r"/start (\S+)", invited.stdout).group(1)

    await server.start()
    zalo = server.zalo
    await say(zalo, "admin-chat", f"/start {code}", "1. Đồng ý")
    await say(zalo, "admin-chat", "1", "Đã đăng ký")
    reply = await say(zalo, "admin-chat", "/moi technician Lê Kỹ Thuật", "/start ")
    tech_code = re.search(r"/start ([A-Z0-9]+)", reply).group(1)
    await say(zalo, "tech-chat", f"/start {tech_code}", "1. Đồng ý")
    await say(zalo, "tech-chat", "1", "Đã đăng ký")
    await say(zalo, "tech-chat", "/kiemdinh dong ho nuoc 500 0 500", "Xác nhận")
    await say(zalo, "tech-chat", "1", "Đã lưu lô kiểm định #1.")

    backed = await asyncio.to_thread(server.fieldbot, "backup", "--out", str(server.backups / "fieldbot.sqlite3"))
    server.where_line(backed)
    assert (server.backups / "fieldbot.sqlite3").stat().st_uid == server.uid
    await say(zalo, "tech-chat", "/kiemdinh can 20 1 19", "Xác nhận")
    await say(zalo, "tech-chat", "1", "Đã lưu lô kiểm định #2.")
    await server.stop()
    assert await asyncio.to_thread(server.records) == 2
    restored = await asyncio.to_thread(server.fieldbot, "restore", str(server.backups / "fieldbot.sqlite3"))
    server.where_line(restored)
    assert await asyncio.to_thread(server.records) == 1  # the state of the backup
    server.owned_by_service()

    # an IT officer's slip: a console typed as root, without the wrapper — refused before touching anything
    slip = await asyncio.to_thread(server.slip)
    assert slip.returncode == 2 and "Traceback" not in slip.stderr, slip.stderr
    [sentence] = slip.stderr.strip().splitlines()
    assert server.user in sentence and str(WRAPPER.relative_to(REPO)) in sentence and str(server.data) in sentence
    assert not (server.data / "console.log").exists()
    server.owned_by_service()

    # what an older version's root run left behind: `run` names it in one sentence, no traceback
    (server.data / "documents").mkdir(mode=0o700, exist_ok=True)
    os.chown(server.data / "documents", 0, 0)
    refused = await asyncio.to_thread(server.fieldbot, "run", status=1)
    [sentence] = refused.stderr.strip().splitlines()
    assert str(server.data / "documents") in sentence and "root" in sentence and "chown" in sentence
    await asyncio.to_thread(server.sh, "chown", "-R", f"{server.user}:", str(server.data))

    await server.start()  # the bot starts, on the restored database, and serves
    await say(zalo, "tech-chat", "/kiemdinh can 5 0 5", "Xác nhận")
    await say(zalo, "tech-chat", "1", "Đã lưu lô kiểm định #2.")
    await server.stop()
    server.owned_by_service()
    assert "Traceback" not in server.log(), server.log()
