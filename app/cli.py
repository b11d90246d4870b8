"""The command line's subcommands. Each parses its own options and calls into the app."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import re
import sys
import zipfile
from pathlib import Path

import texts
from app import backups, guard, licence_commands
from app import console as console_app
from app import wiring as app_module
from app.errors import USAGE, CliError, input_file, reason
from app.invites import role_key
from bot.config import Config, ConfigError
from storage import engine_store, people
from storage.domain import ROLES
from storage.lock import AlreadyRunning

log = logging.getLogger(__name__)


class HouseParser(argparse.ArgumentParser):
    """argparse, whose own mistakes (a missing option, an unknown choice…) end in the house's one
    sentence and exit status 2 instead of the usage block."""

    def error(self, message: str):
        raise CliError(usage_sentence(self.prog, message), USAGE)


def usage_sentence(prog: str, message: str) -> str:
    t = texts.cli
    help_ = t.HELP.format(command=prog)
    patterns = (
        (r"the following arguments are required: (.+)", lambda m: t.USAGE_REQUIRED.format(args=m[1], help=help_)),
        (r"one of the arguments (.+) is required", lambda m: t.USAGE_ONE_OF.format(args=m[1], help=help_)),
        (r"argument (\S*command): invalid choice: '(.*)' \(choose from (.+)\)",
         lambda m: t.USAGE_COMMAND.format(value=m[2], choices=m[3].replace("'", ""))),
        (r"argument (\S+): invalid choice: '(.*)' \(choose from (.+)\)",
         lambda m: t.USAGE_CHOICE.format(arg=m[1], value=m[2], choices=m[3].replace("'", ""))),
        (r"argument (\S+): invalid int value: '(.*)'", lambda m: t.USAGE_NUMBER.format(arg=m[1], value=m[2])),
        (r"argument (\S+): expected one argument", lambda m: t.USAGE_VALUE.format(arg=m[1], help=help_)),
        (r"argument (\S+): not allowed with argument (\S+)", lambda m: t.USAGE_TOGETHER.format(arg=m[1], other=m[2])),
        (r"unrecognized arguments: (.+)", lambda m: t.USAGE_UNKNOWN.format(args=m[1], help=help_)),
        (r"argument (\S+): (\1.*)", lambda m: m[2]),  # a sentence of ours, from an option's type
    )
    for pattern, sentence in patterns:
        if found := re.fullmatch(pattern, message.strip(), re.S):
            return sentence(found)
    return t.USAGE_OTHER.format(detail=message.strip(), help=help_)


def _role(text: str) -> str:
    key = role_key(text)
    if key is None:
        raise argparse.ArgumentTypeError(texts.cli.USAGE_ROLE.format(value=text, roles=texts.people.role_choices()))
    return key


def read_env_file(path: str) -> dict[str, str]:
    """VARIABLE=value lines as systemd's EnvironmentFile= reads them: # and ; comments, blank lines,
    values optionally in quotes. The file's values win over the caller's environment."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        why = reason(error) if isinstance(error, OSError) else "UTF-8"
        raise CliError(texts.cli.ENV_FILE_UNREADABLE.format(path=path, reason=why), USAGE) from None
    found = {}
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        name, equals, value = line.removeprefix("export ").partition("=")
        if not equals or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name.strip()):
            raise CliError(texts.cli.ENV_FILE_BAD_LINE.format(path=path, line=number), USAGE)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        found[name.strip()] = value
    return found


def secrets_of(config: Config) -> list[str]:
    return [config.telegram.token, config.zalo.token, config.telegram.webhook_secret,
            config.zalo.webhook_secret, config.link_secret]


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="receive from the configured channels and answer (the bot itself)")
    p.add_argument("--take-over-webhook", action="store_true",
                   help="in polling mode, switch off a webhook that is set for the bot (normally refused)")
    p = sub.add_parser("console", help="talk to the bot in this terminal, as Zalo users see it")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--as", dest="as_name", metavar="NAME", help="your staff name")
    who.add_argument("--demo", action="store_true", help="the model month's data, as its demo user, on 13/01/2023")
    sub.add_parser("migrate", help="bring the database schema up to date")
    admin = sub.add_parser("admin", help="people: invite, list").add_subparsers(dest="admin_command", required=True)
    p = admin.add_parser("invite", help="print a one-time invitation code (or many, from a CSV, into a sheet)")
    p.add_argument("--role", action="append", type=_role, metavar="ROLE",
                   help=f"repeat for several roles: {', '.join(ROLES)} or their Vietnamese names (README)")
    p.add_argument("--name", help="the person's full name")
    p.add_argument("--days", type=int, default=None, help="days the code stays valid (default: config)")
    p.add_argument("--from", dest="from_csv", metavar="STAFF.csv",
                   help="one invitation per row of a CSV with a name and a roles column (README); needs --out")
    p.add_argument("--out", help="with --from: the .xlsx the codes are written to")
    admin.add_parser("staff", help="list staff members, roles and linked channels")
    p = admin.add_parser("reviewer", help="make a staff member a reviewer (/duyet) of some kinds of record")
    p.add_argument("--staff", type=int, required=True, metavar="ID", help="the number shown by `admin staff`")
    p.add_argument("--kind", action="append", metavar="KIND",
                   help=f"repeat for several: {texts.review.known_kinds()} (none: every kind)")
    person = admin.add_parser("person", help="a person's data: a copy of everything held, or erasure").add_subparsers(
        dest="person_command", required=True)
    p = person.add_parser("export", help="write everything the bot holds about one person (.xlsx or .json)")
    p.add_argument("--staff", type=int, required=True, metavar="ID", help="the number shown by `admin staff`")
    p.add_argument("--out", required=True, help="output file, .xlsx or .json (an existing file is refused)")
    p.add_argument("--force", action="store_true", help="replace the --out file if it exists")
    p = person.add_parser("erase", help="remove a person's accounts and messages and their name; records stay")
    p.add_argument("--staff", type=int, required=True, metavar="ID", help="the number shown by `admin staff`")
    person.add_parser("requests", help="open requests made through /quyenriengtu, with their due dates")
    p = person.add_parser("done", help="close a correction, restriction or withdrawal request once it is done")
    p.add_argument("--request", type=int, required=True, metavar="N", help="the number shown by `admin person requests`")
    p = admin.add_parser("log", help="the access log: backups, restores, person exports and erasures, reports")
    p.add_argument("--days", type=int, default=30, help="how far back (default 30)")
    p = admin.add_parser("outbox", help="replies not delivered yet (chat, age, error); 'retry' sends them again")
    p.add_argument("action", nargs="?", choices=["retry"], help="queue every undelivered reply again")
    for name, what in (("report", "the monthly report as .docx"), ("export", "the period's records as .xlsx")):
        p = sub.add_parser(name, help=f"write {what}")
        p.add_argument("--month", required=True, help=texts.cli.PERIOD_HELP.replace("%", "%%"))
        p.add_argument("--out", required=True, help="output file")
        if name == "report":
            p.add_argument("--number", default=None, help="document number, if the records office gave one")
            p.add_argument("--date", default=None, help="issue date dd/mm/yyyy, if known")
    notes = sub.add_parser("notes", help="report notes").add_subparsers(dest="notes_command", required=True)
    p = notes.add_parser("import", help="add notes of a month from a .txt or .docx file",
                         description=_notes_format(), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--month", required=True, help="YYYY-MM, e.g. 2023-01")
    p.add_argument("file")
    facilities = sub.add_parser("facilities", help="facilities (master data)").add_subparsers(
        dest="facilities_command", required=True)
    p = facilities.add_parser("import", help="add or update facilities from an .xlsx, keyed by tax code",
                              description=_facilities_format(), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file")
    licence_commands.add_commands(sub)  # licences import | expiring | export
    p = sub.add_parser("backup", help="copy the database to a file, safely while the bot runs")
    p.add_argument("--out", required=True, help="the backup file (SQLite: a database file; PostgreSQL: pg_dump custom format)")
    p = sub.add_parser("restore", help="replace the database with a backup (the bot must be stopped), then migrate")
    p.add_argument("file", help="a file written by `main.py backup`")
    p = sub.add_parser("demo", help="load the model month (01/2023) into a fresh database and write its report")
    p.add_argument("--out", default=None,
                   help="where to write the .docx (default: <data_dir>/demo/BaoCao_KHCN_2023-01.docx)")


async def dispatch(args: argparse.Namespace, config: Config) -> int:
    """Run one subcommand; a mistake ends in one sentence on stderr and its exit status."""
    try:
        return await _dispatch(args, config)
    except CliError as error:
        print(error, file=sys.stderr)
        return error.status
    except ConfigError as error:
        print(texts.cli.CONFIG_ERROR.format(error=error), file=sys.stderr)
        return USAGE
    except AlreadyRunning as error:
        print(texts.cli.IN_USE.format(where=error.where, holder=error.holder or "?"), file=sys.stderr)
        return 1
    except OSError as error:  # a file the system refused, wherever it was met: one sentence, not a traceback
        log.debug("file error", exc_info=True)
        print(texts.cli.FILE_ERROR.format(path=error.filename or "?", reason=reason(error)), file=sys.stderr)
        return 1


async def _dispatch(args: argparse.Namespace, config: Config) -> int:
    if config.general.today:
        log.info("FIELDBOT_TODAY=%s: the program's clock is set to this day", config.general.today.isoformat())
    command = args.command
    guard.not_root_on_service_data(config, sys.argv[1:])
    if command is None:
        return await _default(config)
    if command != "demo":
        print(guard.where(config), flush=True)
    handler = {
        "run": lambda: app_module.serve(_take_over(config) if args.take_over_webhook else config),
        "console": lambda: _console(args, config),
        "migrate": lambda: _migrate(config),
        "admin": lambda: _admin(args, config),
        "report": lambda: _report(args, config),
        "export": lambda: _export(args, config),
        "demo": lambda: _demo(args, config),
        "notes": lambda: _notes_import(args, config),
        "facilities": lambda: _facilities_import(args, config),
        "licences": lambda: licence_commands.dispatch(args, config),
        "backup": lambda: backups.backup_command(config, args.out),
        "restore": lambda: backups.restore_command(config, str(input_file(args.file))),
    }[command]
    return await handler() or 0


def _take_over(config: Config) -> Config:
    import dataclasses

    return dataclasses.replace(
        config, telegram=dataclasses.replace(config.telegram, take_over_webhook=True),
        zalo=dataclasses.replace(config.zalo, take_over_webhook=True),
    )


async def _default(config: Config) -> int:
    """No subcommand: run the bot if a channel is configured; otherwise explain, show the demo report,
    and open the demo's console when a person is at the terminal."""
    if config.telegram.enabled or config.zalo.enabled:
        await app_module.serve(config)
        return 0
    from app import reporting

    print(texts.cli.HOW_TO_CONFIGURE, end="\n\n")
    status = await reporting.demo_command(config, argparse.Namespace(out=None))
    if sys.stdin.isatty():
        print(texts.cli.DEMO_CONSOLE.format(name=reporting.DEMO_USER))
        await console_app.console(reporting.demo_config(config, fresh=False), reporting.DEMO_USER, demo=True)
    else:
        print(texts.cli.TRY_THE_DEMO)
    return status


async def _console(args: argparse.Namespace, config: Config) -> int:
    if not args.demo:
        if not args.as_name.strip():
            raise CliError(texts.cli.AS_EMPTY, USAGE)
        await console_app.console(config, args.as_name.strip())
        return 0
    from app import reporting

    demo = reporting.demo_config(config, fresh=False)
    if not reporting.demo_loaded(demo):
        await reporting.demo_command(config, argparse.Namespace(out=None))
    await console_app.console(demo, reporting.DEMO_USER, demo=True)
    return 0


async def _migrate(config: Config) -> int:
    db = await app_module.open_db(config, migrate=True)
    await db.close()
    print(texts.cli.MIGRATED.format(database=guard.safe_url(config)))
    return 0


async def _admin(args: argparse.Namespace, config: Config) -> int:
    from app import person_commands

    if args.admin_command == "person" and args.person_command == "export":
        return await person_commands.export_command(config, args.staff, args.out, args.force)
    if args.admin_command == "person" and args.person_command in ("requests", "done"):
        return await person_commands.requests_command(config, getattr(args, "request", None))
    if args.admin_command == "person":
        return await person_commands.erase_command(config, args.staff)
    if args.admin_command == "log":
        return await person_commands.log_command(config, args.days)
    if args.admin_command == "reviewer":
        from app.review_commands import reviewer_command

        return await reviewer_command(config, args.staff, args.kind or [])
    if args.admin_command == "invite" and args.from_csv:
        from app.invites import invite_from_file

        return await invite_from_file(config, args.from_csv, args.out, args.days)
    if args.admin_command == "invite" and not (args.role and args.name):
        raise CliError(texts.operations.INVITE_NEEDS, USAGE)
    if args.admin_command == "invite" and not args.name.strip():
        raise CliError(texts.cli.NAME_EMPTY, USAGE)
    if args.admin_command == "invite" and args.days is not None and args.days < 1:
        raise CliError(texts.cli.DAYS_POSITIVE, USAGE)
    db = await app_module.open_db(config)
    try:
        now = app_module.clock_of(config).now()
        async with db.unit_of_work() as session:
            if args.admin_command == "invite":
                await _invite(session, args, config, now)
            elif args.admin_command == "outbox":
                await _outbox(session, args, now)
            else:
                await _staff(session, config, now)
    finally:
        await db.close()
    return 0


async def _invite(session, args: argparse.Namespace, config: Config, now: dt.datetime) -> None:
    days = args.days or config.general.invite_days
    code, invite = await people.create_invite(
        session, name=args.name, roles=args.role, now=now, valid_for=dt.timedelta(days=days)
    )
    print(texts.cli.INVITE_MADE.format(name=invite.name, roles=texts.people.role_names(invite.roles), days=days))
    print(f"    /start {code}")
    print(texts.cli.INVITE_SEND)


async def _staff(session, config: Config, now: dt.datetime) -> None:
    """Staff with their roles and channels, then the invitations nobody has used yet."""
    print(texts.cli.STAFF_HEADER)
    staff = await people.list_staff(session)
    for member in staff:
        channels = ", ".join(f"{i.channel}:{i.user_id}" for i in member.identities) or "-"
        state = "" if member.active else texts.cli.STAFF_REVOKED
        print(texts.cli.STAFF_LINE.format(n=member.id, name=member.name, state=state, channels=channels,
                                          roles=", ".join(sorted(member.roles))))
    if not staff:
        print(texts.cli.STAFF_NONE)
    invites = await people.pending_invites(session, now)
    if invites:
        print(texts.cli.INVITES_HEADER)
    for invite in invites:
        expires = invite.expires_at.astimezone(config.general.zone).strftime("%H:%M %d/%m/%Y")
        print(texts.cli.INVITE_LINE.format(name=invite.name, roles=", ".join(sorted(invite.roles)), expires=expires))


async def _outbox(session, args: argparse.Namespace, now: dt.datetime) -> None:
    from handlers import outbox

    if args.action == "retry":
        count = await engine_store.retry_undelivered(session, now)
        print(texts.outbox.OUTBOX_RETRIED.format(count=count))
    else:
        print(await outbox.listing(session, now))


async def _report(args, config: Config) -> int:
    from app import reporting

    return await reporting.report_command(config, args)


async def _export(args, config: Config) -> int:
    from app import reporting

    return await reporting.export_command(config, args)


async def _demo(args, config: Config) -> int:
    from app import reporting

    return await reporting.demo_command(config, args)


def _facilities_format() -> str:
    from app.import_facilities import IMPORT_FORMAT

    return IMPORT_FORMAT


def _notes_format() -> str:
    from app.import_notes import IMPORT_FORMAT

    return IMPORT_FORMAT


async def _notes_import(args, config: Config) -> int:
    from app.import_notes import NotesFileError, import_notes
    from app.reporting import month_of

    period = month_of(config, args.month)
    if period.kind != "month":
        raise CliError(texts.cli.NOTES_MONTH_ONLY.format(text=args.month), USAGE)
    path = input_file(args.file)
    db = await app_module.open_db(config)
    try:
        added = await import_notes(db, period, path)
    except (NotesFileError, ValueError) as error:
        raise CliError(texts.cli.NOTES_IMPORT_FAILED.format(error=error)) from None
    finally:
        await db.close()
    print(texts.cli.NOTES_ADDED.format(added=added, period=period.key))
    return 0


async def _facilities_import(args, config: Config) -> int:
    from app.import_facilities import import_facilities

    path = input_file(args.file)
    if path.suffix.lower() != ".xlsx" or not zipfile.is_zipfile(path):
        raise CliError(texts.cli.NOT_XLSX.format(path=path), USAGE)
    db = await app_module.open_db(config)
    try:
        result = await import_facilities(db, path, config.catalogue, app_module.clock_of(config).now())
    finally:
        await db.close()
    print(result.summary())
    return 0 if result.ok else 1
