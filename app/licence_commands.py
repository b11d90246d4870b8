"""`main.py licences import | expiring | export`: the licence register on the command line."""

from __future__ import annotations

import argparse

import texts
from app import wiring as app_module
from app.errors import USAGE, CliError, input_file, not_writable, output_file
from bot.config import Config
from handlers.licence_digest import settings_of
from reports import licence_files

DAYS_MAX = 3650


def add_commands(sub: argparse._SubParsersAction) -> None:
    licences = sub.add_parser("licences", help="the licence register: import, expiring, export").add_subparsers(
        dest="licences_command", required=True)
    p = licences.add_parser("import", help="load the licences issued before the bot from an .xlsx",
                            description=texts.licences.IMPORT_FORMAT, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file")
    p = licences.add_parser("expiring", help="the licences expiring within --days, and those expired without a "
                                             "renewal, as .xlsx")
    p.add_argument("--days", type=int, default=None, help="days ahead (default: the longest of [reporting] licence_horizons)")
    p.add_argument("--out", required=True, help="output file (.xlsx)")
    p = licences.add_parser("export", help="the whole register as .xlsx, one row per licence with its status today")
    p.add_argument("--out", required=True, help="output file (.xlsx)")


async def dispatch(args: argparse.Namespace, config: Config) -> int:
    if args.licences_command == "import":
        return await _import(args, config)
    settings = settings_of(_Services(config))
    kind = licence_files.EXPIRING if args.licences_command == "expiring" else licence_files.REGISTER
    days = settings.soon_days if getattr(args, "days", None) is None else args.days
    if not 1 <= days <= DAYS_MAX:
        raise CliError(texts.licences.CLI_DAYS, USAGE)
    name = "GiayPhep_SapHetHan.xlsx" if kind == licence_files.EXPIRING else "SoGiayPhep.xlsx"
    out = output_file(args.out, name)
    db = await app_module.open_db(config)
    today = app_module.clock_of(config).today()
    try:
        made = await licence_files.generate(db, config.catalogue, kind, today, days, settings, out)
    except PermissionError as error:
        raise not_writable(out.parent, error) from None
    finally:
        await db.close()
    where = str(made.path)
    if made.path != out:
        where += " " + texts.cli.NAME_TAKEN.format(name=out.name, new=made.path.name)
    print(texts.licences.cli_written(kind, made.rows, where))
    return 0


class _Services:
    """What settings_of reads: the configuration."""

    def __init__(self, config: Config):
        self.config = config


async def _import(args: argparse.Namespace, config: Config) -> int:
    from app.import_licences import import_licences

    path = input_file(args.file)
    db = await app_module.open_db(config)
    try:
        clock = app_module.clock_of(config)
        result = await import_licences(db, path, config.catalogue, clock.now(), config.general.zone)
    finally:
        await db.close()
    print(result.summary())
    return 0 if result.ok else 1
