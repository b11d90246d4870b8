"""The report on the command line: `report`, `export`, `demo`, and the newcomer's first look."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
from pathlib import Path

import texts
from app import wiring as app_module
from bot.config import Config
from handlers.report import b_defaults, seed_default_b
from reports.demo import load_demo
from reports.periods import Period, parse_period
from reports.service import generate_export, generate_report
from reports.settings import ReportSettings
from storage import people
from storage.db import Database
from storage.domain import RecordMeta
from storage.report_log import log_report

DEMO_MONTH = "2023-01"
DEMO_USER = texts.cli.DEMO_USER


def report_settings(config: Config) -> ReportSettings:
    return ReportSettings.from_config(config.organisation, config.reporting, base_dir=config.path.parent)


def _period(config: Config, month: str) -> Period:
    return parse_period(month, config.cut_off_day)


def _issue_date(text: str | None) -> dt.date | None:
    return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None


async def _log(db: Database, kind: str, period: Period) -> None:
    async with db.unit_of_work() as session:
        await log_report(session, kind=kind, period=period.key, staff_id=None, channel="cli",
                         now=dt.datetime.now(dt.UTC))


async def report_command(config: Config, args: argparse.Namespace) -> int:
    period = _period(config, args.month)
    db = await app_module.open_db(config)
    try:
        if period.kind == "month":  # as in the chat: section B starts from the configured list
            async with db.unit_of_work() as session:
                await seed_default_b(session, period.key, b_defaults(config), RecordMeta(None, "cli", "report", dt.datetime.now(dt.UTC)))
        made = await generate_report(db, config.catalogue, report_settings(config), period, Path(args.out),
                                     args.number, _issue_date(args.date))
        await _log(db, "report", period)
    finally:
        await db.close()
    print(texts.cli.report_written(period.key, made.records, made.path))
    return 0


async def export_command(config: Config, args: argparse.Namespace) -> int:
    period = _period(config, args.month)
    db = await app_module.open_db(config)
    try:
        made = await generate_export(db, config.catalogue, period, Path(args.out))
        await _log(db, "export", period)
    finally:
        await db.close()
    print(texts.cli.export_written(period.key, made.records, made.path))
    return 0


def demo_config(config: Config, fresh: bool = True) -> Config:
    """The demo runs on a database of its own, made fresh each time, never the real one."""
    folder = config.general.data_dir / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "fieldbot-demo.sqlite3"
    for leftover in folder.glob("fieldbot-demo.sqlite3*") if fresh else ():
        leftover.unlink()
    url = f"sqlite+aiosqlite:///{path}"
    return dataclasses.replace(config, database=dataclasses.replace(config.database, url=url))


async def demo_command(config: Config, args: argparse.Namespace) -> int:
    """A fresh database with the model month's records, and its report written to disk."""
    demo = demo_config(config)
    out = Path(args.out) if getattr(args, "out", None) else config.general.data_dir / f"BaoCao_KHCN_{DEMO_MONTH}.docx"
    db = await app_module.open_db(demo)
    try:
        async with db.unit_of_work() as session:
            staff = await people.create_staff(session, DEMO_USER, ["manager", "clerk", "inspector", "technician",
                                                                   "licensing", "admin"], dt.datetime.now(dt.UTC))
        await load_demo(db, demo.catalogue, staff.id, locality=report_settings(demo).locality)
        made = await generate_report(db, demo.catalogue, report_settings(demo), _period(demo, DEMO_MONTH), out)
        await _log(db, "report", made.period)
    finally:
        await db.close()
    print(texts.cli.demo_loaded(demo.database.url.split('///')[-1]))
    print(texts.cli.demo_written(made.path.resolve()))
    return 0
