"""The command line's subcommands. Each parses its own options and calls into the app."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

import texts
from app import wiring as app_module
from bot.config import Config
from storage import people
from storage.domain import ROLES


def secrets_of(config: Config) -> list[str]:
    return [config.telegram.token, config.zalo.token, config.telegram.webhook_secret,
            config.zalo.webhook_secret, config.link_secret]


def add_commands(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("run", help="receive from the configured channels and answer (the bot itself)")
    p = sub.add_parser("console", help="talk to the bot in this terminal, as Zalo users see it")
    p.add_argument("--as", dest="as_name", required=True, metavar="NAME", help="your staff name")
    sub.add_parser("migrate", help="bring the database schema up to date")
    admin = sub.add_parser("admin", help="people: invite, list").add_subparsers(dest="admin_command", required=True)
    p = admin.add_parser("invite", help="print a one-time invitation code")
    p.add_argument("--role", action="append", required=True, choices=ROLES, help="repeat for several roles")
    p.add_argument("--name", required=True, help="the person's full name")
    p.add_argument("--days", type=int, default=None, help="days the code stays valid (default: config)")
    admin.add_parser("staff", help="list staff members, roles and linked channels")
    for name, what in (("report", "the monthly report as .docx"), ("export", "the period's records as .xlsx")):
        p = sub.add_parser(name, help=f"write {what}")
        p.add_argument("--month", required=True, help="YYYY-MM, e.g. 2023-01")
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
    p = facilities.add_parser("import", help="add or update facilities from an .xlsx, keyed by tax code")
    p.add_argument("file")
    p = sub.add_parser("demo", help="load the model month (01/2023) into a fresh database and write its report")
    p.add_argument("--out", default=None, help="where to write the .docx (default: <data_dir>/BaoCao_KHCN_2023-01.docx)")


async def dispatch(args: argparse.Namespace, config: Config) -> int:
    command = args.command
    if command is None:
        return await _default(config)
    handler = {
        "run": lambda: app_module.serve(config),
        "console": lambda: app_module.console(config, args.as_name),
        "migrate": lambda: _migrate(config),
        "admin": lambda: _admin(args, config),
        "report": lambda: _report(args, config),
        "export": lambda: _export(args, config),
        "demo": lambda: _demo(args, config),
        "notes": lambda: _notes_import(args, config),
        "facilities": lambda: _facilities_import(args, config),
    }[command]
    return await handler() or 0


async def _default(config: Config) -> int:
    """No subcommand: run the bot if a channel is configured; otherwise explain, show the demo report,
    and open the console when a person is at the terminal."""
    if config.telegram.enabled or config.zalo.enabled:
        await app_module.serve(config)
        return 0
    print(texts.cli.NO_TOKEN_HELP)
    from app import reporting

    status = await reporting.demo_command(config, argparse.Namespace(out=None))
    if sys.stdin.isatty():
        print(texts.cli.demo_console(reporting.DEMO_USER))
        await app_module.console(reporting.demo_config(config, fresh=False), reporting.DEMO_USER)
    return status


async def _migrate(config: Config) -> int:
    db = await app_module.open_db(config, migrate=True)
    await db.close()
    print(f"Database schema is up to date ({_safe_url(config)}).")
    return 0


def _safe_url(config: Config) -> str:
    from sqlalchemy.engine import make_url

    return make_url(config.database.url).render_as_string(hide_password=True)


async def _admin(args: argparse.Namespace, config: Config) -> int:
    db = await app_module.open_db(config)
    try:
        now = dt.datetime.now(dt.UTC)
        async with db.unit_of_work() as session:
            if args.admin_command == "invite":
                days = args.days or config.general.invite_days
                code, invite = await people.create_invite(
                    session, name=args.name, roles=args.role, now=now, valid_for=dt.timedelta(days=days)
                )
                print(f"Invitation for {invite.name} ({', '.join(sorted(invite.roles))}), valid {days} days:")
                print(f"    /start {code}")
                print("Send this line to the bot on Zalo or Telegram. The code works once.")
            else:
                for n, staff in enumerate(await people.list_staff(session), 1):
                    channels = ", ".join(f"{i.channel}:{i.user_id}" for i in staff.identities) or "-"
                    state = "" if staff.active else " (revoked)"
                    print(f"{n}. {staff.name}{state} — {', '.join(sorted(staff.roles))} — {channels}")
    finally:
        await db.close()
    return 0


async def _report(args, config: Config) -> int:
    from app import reporting

    return await reporting.report_command(config, args)


async def _export(args, config: Config) -> int:
    from app import reporting

    return await reporting.export_command(config, args)


async def _demo(args, config: Config) -> int:
    from app import reporting

    return await reporting.demo_command(config, args)


def _notes_format() -> str:
    from app.import_notes import IMPORT_FORMAT

    return IMPORT_FORMAT


async def _notes_import(args, config: Config) -> int:
    from app.import_notes import NotesFileError, import_notes
    from reports.periods import parse_period

    db = await app_module.open_db(config)
    try:
        added = await import_notes(db, parse_period(args.month, config.cut_off_day), args.file)
    except (NotesFileError, ValueError) as error:
        print(texts.cli.notes_not_imported(error), file=sys.stderr)
        return 1
    finally:
        await db.close()
    print(texts.cli.notes_imported(added, args.month))
    return 0


async def _facilities_import(args, config: Config) -> int:
    from app.import_facilities import import_facilities

    db = await app_module.open_db(config)
    try:
        result = await import_facilities(db, args.file, config.catalogue, dt.datetime.now(dt.UTC))
    finally:
        await db.close()
    print(result.summary())
    return 0 if result.ok else 1
