"""The report on the command line: `report`, `export`, `demo`, and the newcomer's first look."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from pathlib import Path

import texts
from app import wiring as app_module
from app.errors import USAGE, CliError, data_folder, not_writable, output_file
from bot.config import Config, unfilled_keys
from handlers.report import b_defaults, report_count, seed_default_b
from reports.demo import demo_organisation, demo_reporting, load_demo
from reports.periods import Period, PeriodError, parse_period
from reports.service import GeneratedFile, generate_export, generate_report
from reports.settings import ReportSettings
from storage import people
from storage.db import Database
from storage.domain import RecordMeta
from storage.report_log import log_report

DEMO_MONTH = "2023-01"
DEMO_TODAY = dt.date(2023, 1, 13)  # inside the model month (15/12/2022 – 14/01/2023), as the README shows
DEMO_USER = texts.cli.DEMO_USER
DEMO_DATABASE = "fieldbot-demo.sqlite3"


def report_settings(config: Config) -> ReportSettings:
    return ReportSettings.from_config(config.organisation, config.reporting, base_dir=config.path.parent)


def month_of(config: Config, text: str) -> Period:
    """--month as typed: YYYY-MM (or MM/YYYY, a quarter 2023-Q1 …), or one sentence and exit status 2."""
    try:
        return parse_period(text, config.cut_off_day)
    except PeriodError:
        raise CliError(texts.cli.BAD_MONTH.format(text=text), USAGE) from None


def _issue_date(text: str | None) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None
    except ValueError:
        raise CliError(texts.cli.BAD_DATE.format(text=text), USAGE) from None


async def _log(db: Database, kind: str, period: Period, now: dt.datetime) -> None:
    async with db.unit_of_work() as session:
        await log_report(session, kind=kind, period=period.key, staff_id=None, channel="cli", now=now)


def _written(made: GeneratedFile, asked: Path) -> str:
    """Where the file went, and why not where asked when that name was taken."""
    where = str(made.path)
    if made.path != asked:
        where += " " + texts.cli.NAME_TAKEN.format(name=asked.name, new=made.path.name)
    return where


async def _write(make, out: Path) -> GeneratedFile:
    try:
        return await make(out)
    except OSError as error:  # PermissionError, or a folder that takes no files (/proc, a full disk)
        raise not_writable(out.parent, error) from None


async def report_command(config: Config, args: argparse.Namespace) -> int:
    period = month_of(config, args.month)
    out = output_file(args.out, f"BaoCao_KHCN_{period.key}.docx")
    issued_on = _issue_date(args.date)
    db = await app_module.open_db(config)
    now = app_module.clock_of(config).now()
    try:
        if period.kind == "month":  # as in the chat: section B starts from the configured list
            async with db.unit_of_work() as session:
                await seed_default_b(session, period.key, b_defaults(config), RecordMeta(None, "cli", "report", now))
        made = await _write(lambda path: generate_report(db, config.catalogue, report_settings(config), period, path,
                                                         args.number, issued_on, count=report_count(config)), out)
        await _log(db, "report", period, now)
    finally:
        await db.close()
    print(texts.cli.REPORT_WRITTEN.format(period=period.key, records=made.records, path=_written(made, out)))
    _under_review(made, texts.report.counted(made.count, made.review.waiting + made.review.returned))
    unfilled = unfilled_keys(config, privacy=False)
    if unfilled:  # written all the same: a draft to look at; the keys to fill before sending it
        print(texts.privacy.placeholders_in_report(unfilled), file=sys.stderr)
    return 0


def _under_review(made: GeneratedFile, said: str) -> None:
    """As in the chat (issue 24): the period's records waiting or returned, and what the file made of them."""
    print(" ".join(line for line in (texts.report.under_review(made.review.waiting, made.review.returned, chat=False),
                                     said) if line))


async def export_command(config: Config, args: argparse.Namespace) -> int:
    period = month_of(config, args.month)
    out = output_file(args.out, f"DuLieu_KHCN_{period.key}.xlsx")
    db = await app_module.open_db(config)
    try:
        made = await _write(lambda path: generate_export(db, config.catalogue, period, path), out)
        await _log(db, "export", period, app_module.clock_of(config).now())
    finally:
        await db.close()
    print(texts.cli.EXPORT_WRITTEN.format(period=period.key, records=made.records, path=_written(made, out)))
    _under_review(made, texts.report.EXPORT_REVIEW)
    return 0


def demo_config(config: Config, fresh: bool = True) -> Config:
    """The demo lives in <data_dir>/demo: its own database (made fresh each time), documents, photos and
    log, never the real ones; its clock stands on a day of the model month. It prints the model's
    organisation block (reports/demo.toml), not the deployment's."""
    folder = data_folder(config.general.data_dir / "demo")
    for leftover in folder.glob(f"{DEMO_DATABASE}*") if fresh else ():
        leftover.unlink()
    url = f"sqlite+aiosqlite:///{folder / DEMO_DATABASE}"
    return dataclasses.replace(
        config,
        general=dataclasses.replace(config.general, data_dir=folder, today=DEMO_TODAY),
        database=dataclasses.replace(config.database, url=url),
        organisation=demo_organisation(),
        reporting={**config.reporting, **demo_reporting()},
    )


def demo_loaded(demo: Config) -> bool:
    return (demo.general.data_dir / DEMO_DATABASE).exists()


async def demo_command(config: Config, args: argparse.Namespace) -> int:
    """A fresh database with the model month's records, and its report written to disk."""
    demo = demo_config(config)
    period = month_of(demo, DEMO_MONTH)
    default = demo.general.data_dir / f"BaoCao_KHCN_{DEMO_MONTH}.docx"  # documents/ is for the chat's files
    out = output_file(args.out, default.name) if getattr(args, "out", None) else default
    db = await app_module.open_db(demo)
    now = app_module.clock_of(demo).now()
    try:
        async with db.unit_of_work() as session:
            staff = await people.create_staff(session, DEMO_USER, ["manager", "clerk", "inspector", "technician",
                                                                   "licensing", "admin"], now)
        await load_demo(db, demo.catalogue, staff.id, locality=report_settings(demo).locality)
        made = await _write(lambda path: generate_report(db, demo.catalogue, report_settings(demo), period, path),
                            out)
        await _log(db, "report", made.period, now)
    finally:
        await db.close()
    print(texts.cli.DEMO_LOADED.format(path=demo.general.data_dir / DEMO_DATABASE))
    print(texts.cli.DEMO_REPORT.format(path=_written(made, out)))
    return 0
