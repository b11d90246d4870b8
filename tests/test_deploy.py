"""Every file in deploy/, checked as far as this machine allows.

- systemd units: `systemd-analyze verify` when it exists (it also checks that ExecStart's command
  exists), else parsed; the hardening the README promises is there either way.
- env.example: every environment variable the bot reads (recorded while loading the config), and
  no other; the README and config.toml list the same ones.
- Caddyfile: serves the web server's public routes (read from the routes the app registers: webhooks,
  document links, the web view's pages and files), nothing else, and never /metrics or /healthz; run
  for real by Caddy when it is installed (.ci/run installs it): the pages pass, /metrics does not, and
  the access log keeps no link's token.
- backup-nightly.sh: run for real; it writes a restorable backup and rotates only old backups; the
  names it writes are the README's.
- fieldbot (the wrapper): run for real with an env file; the walk of the whole guide, as a service
  user, is tests/test_production_guide.py.
"""

from __future__ import annotations

import asyncio
import configparser
import datetime as dt
import os
import pwd
import re
import shutil
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

import texts
from bot.config import load_config
from storage import backup as backups
from tests.conftest import REPO

DEPLOY = REPO / "deploy"
INSTALL = "/opt/dost-fieldbot"


def _install_tree(tmp_path: Path) -> Path:
    """A stand-in for /opt/dost-fieldbot: the repository and a venv python that exists."""
    root = tmp_path / "opt"
    (root / ".venv" / "bin").mkdir(parents=True)
    os.symlink(sys.executable, root / ".venv" / "bin" / "python")
    for name in ("main.py", "deploy"):
        os.symlink(REPO / name, root / name)
    return root


def _units(tmp_path: Path) -> list[Path]:
    root = _install_tree(tmp_path)
    out = tmp_path / "units"
    out.mkdir()
    for unit in sorted(DEPLOY.glob("*.service")) + sorted(DEPLOY.glob("*.timer")):
        (out / unit.name).write_text(unit.read_text().replace(INSTALL, str(root)))
    return sorted(out.iterdir())


def _parse(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, comment_prefixes=("#", ";"))
    parser.optionxform = str
    parser.read_string(path.read_text())
    return parser


def test_every_deploy_file_is_checked():
    checked = {"dost-fieldbot.service", "dost-fieldbot-backup.service", "dost-fieldbot-backup.timer",
               "env.example", "Caddyfile", "backup-nightly.sh", "fieldbot"}
    assert {p.name for p in DEPLOY.iterdir()} == checked
    assert not list(REPO.glob("Dockerfile*")), "no container file: this machine cannot build or run one"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_units_pass_systemd_analyze_verify(tmp_path):
    units = _units(tmp_path)
    done = subprocess.run(["systemd-analyze", "verify", *map(str, units)], capture_output=True, text=True)
    problems = [line for line in (done.stdout + done.stderr).splitlines() if str(tmp_path) in line or "unit" in line.lower()]
    assert done.returncode == 0, done.stderr
    assert not problems, problems


def test_units_name_commands_that_exist_and_are_hardened(tmp_path):
    units = {u.name: _parse(u) for u in _units(tmp_path)}
    bot = units["dost-fieldbot.service"]["Service"]
    for unit in ("dost-fieldbot.service", "dost-fieldbot-backup.service"):
        service = units[unit]["Service"]
        command = service["ExecStart"].split()
        assert Path(command[0]).exists() and os.access(command[0], os.X_OK), command
        assert service["User"] == "dost-fieldbot" and service["ProtectSystem"] == "strict"
        assert "/var/lib/dost-fieldbot" in service["ReadWritePaths"].split()
        assert service["EnvironmentFile"] == "/etc/dost-fieldbot/env"
    assert bot["ExecStart"].split()[1:] == ["main.py", "run"]
    assert bot["Restart"] == "on-failure" and bot["NoNewPrivileges"] == "yes"
    assert bot["StateDirectory"] == "dost-fieldbot" and bot["UMask"] == "0077"
    assert "run" in subprocess.run([sys.executable, "main.py", "--help"], cwd=REPO, capture_output=True,
                                   text=True).stdout
    assert units["dost-fieldbot-backup.timer"]["Timer"]["OnCalendar"]


def test_the_unit_gives_a_graceful_stop_the_time_of_the_open_poll(tmp_path):
    """Issue 20: on SIGTERM the Zalo poller waits for the open getUpdates (its timeout plus a margin)
    before the messages in hand are finished; systemd must not SIGKILL it before."""
    from bot.channels.zalo import POLL_MARGIN

    bot = {u.name: _parse(u) for u in _units(tmp_path)}["dost-fieldbot.service"]["Service"]
    config = load_config(REPO / "config.toml", env={})
    longest_poll = max(config.zalo.poll_timeout_seconds, config.telegram.poll_timeout_seconds) + POLL_MARGIN
    assert bot["KillSignal"] == "SIGTERM"
    assert int(bot["TimeoutStopSec"]) >= longest_poll + 30, (bot["TimeoutStopSec"], longest_poll)


class RecordingEnv(dict):
    """An environment that remembers every variable the config asked for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.read: set[str] = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)


def _variables_read() -> set[str]:
    env = RecordingEnv(FIELDBOT_CONFIG=str(REPO / "config.toml"))
    load_config(env=env)
    return env.read


def test_env_template_readme_and_config_list_every_variable_the_bot_reads():
    read = _variables_read()
    assert {"DATABASE_URL", "ZALO_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "FIELDBOT_LINK_SECRET"} <= read
    template = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (DEPLOY / "env.example").read_text(), re.M))
    assert template == read
    readme = (REPO / "README.md").read_text()
    table = readme[readme.index("| variable | meaning |"):]
    table = table[:table.index("\n\n")]
    assert set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table)) == read
    header = "\n".join(line for line in (REPO / "config.toml").read_text().splitlines() if line.startswith("#"))
    assert {name for name in read if name not in header} == set()


def _routes(tmp_path: Path) -> set[str]:
    """The paths the bot's web server answers when both channels use webhooks."""
    from app import wiring as app_module
    from bot.channels.base import ChannelContext
    from bot.clock import Clock
    from bot.links import DocumentLinks
    from bot.web import make_app

    toml = (REPO / "config.toml").read_text().replace('mode = "polling"', 'mode = "webhook"')
    (tmp_path / "config.toml").write_text(toml)
    config = load_config(tmp_path / "config.toml", env={
        "FIELDBOT_DATA_DIR": str(tmp_path / "data"), "ZALO_BOT_TOKEN": "1:x", "TELEGRAM_BOT_TOKEN": "123:ABC"})
    web_app = make_app(engine=object())  # with an engine: /metrics too
    clock = Clock(config.general.zone)
    links = DocumentLinks(None, clock, tmp_path, "https://x", dt.timedelta(minutes=1))
    links.add_routes(web_app)
    ctx = ChannelContext(accept=None, media_dir=tmp_path, web_app=web_app, public_url="https://x", links=links,
                         clock=clock)
    for cls, channel_config in app_module._channel_classes(config):
        cls(channel_config, ctx)
    from app import web_view

    web_view.install(types.SimpleNamespace(config=config, db=None, clock=clock), web_app)  # the web view's pages
    return {r.resource.canonical for r in web_app.router.routes() if r.resource is not None}


def caddy_passes(patterns: list[str], path: str) -> bool:
    """Caddy's path matcher: a pattern ending in * takes every path it begins, any other only itself."""
    return any(path.startswith(p[:-1]) if p.endswith("*") else path == p for p in patterns)


def _examples(route: str) -> list[str]:
    """Paths a route answers: its variable parts filled in (a static folder: a file in it)."""
    filled = re.sub(r"\{[^}]+\}", "x1", route)
    return [filled.rstrip("/") + "/web.css"] if route.endswith("/static") else [filled]


def test_caddy_serves_the_public_routes_and_keeps_metrics_private(tmp_path):
    routes = _routes(tmp_path)
    private = {"/healthz", "/metrics"}
    assert private <= routes and {"/", "/vao/{token}", "/d/{token}"} <= routes
    caddy = (DEPLOY / "Caddyfile").read_text()
    matcher = re.search(r"@bot path (.+)", caddy).group(1).split()
    assert [p for r in sorted(routes - private) for p in _examples(r) if not caddy_passes(matcher, p)] == []
    assert [p for p in sorted(private) if caddy_passes(matcher, p) or caddy_passes(matcher, p + "/x")] == []
    # nothing passed on that the server does not answer: each pattern is one of its routes
    assert [p for p in matcher if not any(caddy_passes([p], e) for r in routes - private for e in _examples(r))] == []
    assert re.search(r"handle @bot \{\s*reverse_proxy 127\.0\.0\.1:8080", caddy)
    assert re.search(r"handle \{\s*respond 404", caddy), "everything else must be refused"
    directives = [line for line in caddy.splitlines() if not line.strip().startswith("#")]
    assert not [line for line in directives for path in private if path in line]


def test_the_caddy_check_sees_metrics_passed_on_and_a_page_left_out():
    assert caddy_passes(["/d/*", "/"], "/d/abc") and not caddy_passes(["/d/*", "/"], "/metrics")
    assert caddy_passes(["/*"], "/metrics") and not caddy_passes(["/ban-ghi"], "/ban-ghi/inspection/1")


def test_nightly_backup_writes_a_restorable_copy_and_rotates_only_old_backups(tmp_path):
    data, out = tmp_path / "data", tmp_path / "backups"
    (data / "media").mkdir(parents=True)
    (data / "media" / "photo.jpg").write_bytes(b"\xff\xd8photo")
    out.mkdir()
    old, recent, foreign = out / "fieldbot-2020-01-01_0215.sqlite3", out / "fieldbot-keep.sqlite3", out / "notes.txt"
    for path in (old, recent, foreign):
        path.write_text("x")
    month_ago = time.time() - 30 * 86400
    os.utime(old, (month_ago, month_ago))
    os.utime(foreign, (month_ago, month_ago))
    env = {"PATH": os.environ["PATH"], "FIELDBOT_HOME": str(REPO), "FIELDBOT_PYTHON": sys.executable,
           "FIELDBOT_BACKUP_DIR": str(out), "FIELDBOT_KEEP_DAYS": "14", "FIELDBOT_DATA_DIR": str(data),
           "FIELDBOT_CONFIG": str(REPO / "config.toml")}
    subprocess.run([sys.executable, "main.py", "migrate"], cwd=REPO, env=env, check=True, capture_output=True)
    done = subprocess.run(["sh", str(DEPLOY / "backup-nightly.sh")], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Đã sao lưu" in done.stdout
    made = [p for p in out.glob("fieldbot-*.sqlite3") if p not in (old, recent)]
    assert len(made) == 1
    backups.check_sqlite_backup(made[0])
    assert len(list(out.glob("media-*.tar.gz"))) == 1
    assert not old.exists() and recent.exists() and foreign.exists()


def _readme_nightly_patterns() -> list[str]:
    """The file names the README promises for the nightly backup, as regular expressions."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    said = readme.split("<!-- nightly-names -->", 1)[1].split("<!-- /nightly-names -->", 1)[0]
    names = re.findall(r"`([^`]+)`", said)
    assert names, said
    return [re.escape(n).replace("YYYY\\-MM\\-DD_HHMM", r"\d{4}-\d{2}-\d{2}_\d{4}") for n in names]


def test_the_readme_names_the_files_the_nightly_backup_writes(tmp_path):
    """Issue 19: the README said fieldbot-<date>.sqlite3 while the script wrote <date>_<HHMM>."""
    data, out = tmp_path / "data", tmp_path / "backups"
    (data / "media").mkdir(parents=True)
    (data / "media" / "p.jpg").write_bytes(b"\xff\xd8")
    env_file = tmp_path / "env"  # read by the script itself, as from cron (no EnvironmentFile there)
    env_file.write_text(f"FIELDBOT_DATA_DIR={data}\nFIELDBOT_CONFIG={REPO / 'config.toml'}\nDATABASE_URL=\n")
    env = {"PATH": os.environ["PATH"], "FIELDBOT_HOME": str(REPO), "FIELDBOT_PYTHON": sys.executable,
           "FIELDBOT_BACKUP_DIR": str(out), "FIELDBOT_ENV_FILE": str(env_file)}
    subprocess.run([sys.executable, "main.py", "--env-file", str(env_file), "migrate"], cwd=REPO, env=env,
                   check=True, capture_output=True)
    done = subprocess.run(["sh", str(DEPLOY / "backup-nightly.sh")], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    made = sorted(p.name for p in out.iterdir())
    patterns = _readme_nightly_patterns()
    assert len(made) == 2, made
    for name in made:
        assert any(re.fullmatch(p, name) for p in patterns if not p.endswith("dump")), (name, patterns)
    assert any(p.endswith("dump") for p in patterns), "the PostgreSQL name is documented too"


def _wrapper(tmp_path: Path, *args: str, env_file: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "FIELDBOT_HOME": str(REPO), "FIELDBOT_PYTHON": sys.executable,
           "FIELDBOT_ENV_FILE": str(env_file), "FIELDBOT_USER": pwd.getpwuid(os.geteuid()).pw_name, **extra}
    return subprocess.run([str(DEPLOY / "fieldbot"), *args], env=env, capture_output=True, text=True, cwd=tmp_path,
                          timeout=120)


def test_the_wrapper_runs_with_the_env_file_not_the_callers_shell(tmp_path):
    """deploy/fieldbot: the service's env file wins over whatever the caller's shell holds; the first
    line says which database and data folder; a relative --out is the caller's folder. (Switching to
    the service user is walked in tests/test_production_guide.py, which makes one.)"""
    data = tmp_path / "data"
    env_file = tmp_path / "env"
    env_file.write_text(f"# comment\nFIELDBOT_DATA_DIR={data}\nFIELDBOT_CONFIG=\"{REPO / 'config.toml'}\"\n"
                        "DATABASE_URL=\nZALO_BOT_TOKEN=\n")
    elsewhere = f"sqlite+aiosqlite:///{tmp_path}/wrong.sqlite3"
    done = _wrapper(tmp_path, "migrate", env_file=env_file, DATABASE_URL=elsewhere, FIELDBOT_DATA_DIR=str(tmp_path / "x"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == texts.cli.WHERE.format(
        database=f"sqlite+aiosqlite:///{data}/fieldbot.sqlite3", folder=data)
    assert (data / "fieldbot.sqlite3").exists() and not (tmp_path / "wrong.sqlite3").exists()
    backup = _wrapper(tmp_path, "backup", "--out", "b.sqlite3", env_file=env_file)
    assert backup.returncode == 0 and (tmp_path / "b.sqlite3").exists(), backup.stderr
    missing = _wrapper(tmp_path, "admin", "staff", env_file=tmp_path / "nope")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    [line] = missing.stderr.strip().splitlines()
    assert str(tmp_path / "nope") in line
    bad = tmp_path / "bad-env"
    bad.write_text("FIELDBOT_DATA_DIR /tmp\n")
    wrong = _wrapper(tmp_path, "admin", "staff", env_file=bad)
    assert wrong.returncode == 2 and wrong.stderr.strip() == texts.cli.ENV_FILE_BAD_LINE.format(path=bad, line=1)


@pytest.mark.skipif(shutil.which("caddy") is None, reason="caddy is not installed (.ci/run installs it)")
async def test_caddy_run_with_the_deploy_file_passes_the_pages_hides_metrics_and_logs_no_token(tmp_path):
    """deploy/Caddyfile run for real: its site on a local http port, its proxy pointed at a stand-in for the
    bot that answers every path; the web view's pages pass, /metrics and /healthz do not, and the access
    log keeps no sign-in or document token."""
    import aiohttp
    from aiohttp import web

    from tests.channels_kit import free_port

    seen: list[str] = []

    async def anything(request: web.Request) -> web.Response:
        seen.append(request.path)
        return web.Response(text="bot")

    bot = web.Application()
    bot.router.add_route("*", "/{tail:.*}", anything)
    runner = web.AppRunner(bot, access_log=None)
    await runner.setup()
    bot_port, port = free_port(), free_port()
    await web.TCPSite(runner, "127.0.0.1", bot_port).start()
    log = tmp_path / "access.log"
    text = (DEPLOY / "Caddyfile").read_text()
    text = text.replace("bot.skhcn.example.gov.vn {", f"{{\n\tadmin off\n\tauto_https off\n}}\nhttp://127.0.0.1:{port} {{")
    text = text.replace("127.0.0.1:8080", f"127.0.0.1:{bot_port}")
    text = re.sub(r"output file /var/log/caddy/dost-fieldbot.log \{[^}]*\}", f"output file {log}", text)
    (tmp_path / "Caddyfile").write_text(text)
    caddy = await asyncio.create_subprocess_exec("caddy", "run", "--config", str(tmp_path / "Caddyfile"), "--adapter",
                                                 "caddyfile", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    token = "Zq3" + "x" * 40
    try:
        answers = {}
        async with aiohttp.ClientSession() as http:
            for _ in range(100):  # until Caddy listens
                try:
                    async with http.get(f"http://127.0.0.1:{port}/co-so") as response:
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            for path in ("/", f"/vao/{token}", f"/d/{token}", "/ban-ghi/inspection/1/anh/a.jpg", "/co-so/3",
                         "/static/web.css", "/metrics", "/healthz", "/metrics/x", "/other"):
                async with http.get(f"http://127.0.0.1:{port}{path}") as response:
                    answers[path] = response.status
    finally:
        caddy.terminate()
        await asyncio.wait_for(caddy.wait(), 10)
        await runner.cleanup()
    assert [p for p, status in answers.items() if status == 200] == [
        "/", f"/vao/{token}", f"/d/{token}", "/ban-ghi/inspection/1/anh/a.jpg", "/co-so/3", "/static/web.css"]
    assert {answers[p] for p in ("/metrics", "/healthz", "/metrics/x", "/other")} == {404}
    assert "/metrics" not in seen and "/healthz" not in seen
    written = log.read_text()
    assert "/vao/…" in written and "/d/…" in written and token not in written
