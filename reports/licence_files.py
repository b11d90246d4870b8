"""The licence register as .xlsx: the licences expiring within some days (and those expired without a
renewal), or the whole register, one row per licence with its status today. Written the way the
period export is (reports/export.py): real dates, text that never becomes a formula, atomically.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

import texts
from reports.export import _fill, _label
from reports.files import write_atomically
from storage import licence_register
from storage.catalogue import Catalogue
from storage.domain import Licence
from storage.record_models import FacilityRow

EXPIRING, REGISTER = texts.licences.EXPIRING, texts.licences.REGISTER


@dataclass(frozen=True)
class Settings:
    """[reporting] licence_horizons and licence_expired_days of config.toml."""

    horizons: tuple[int, ...] = (90, 30, 7)
    expired_days: int = 365

    @property
    def soon_days(self) -> int:
        return max(self.horizons)

    @classmethod
    def from_config(cls, reporting: dict) -> Settings:
        horizons = reporting.get("licence_horizons", [90, 30, 7])
        expired = reporting.get("licence_expired_days", 365)
        if (not isinstance(horizons, list) or not horizons
                or not all(isinstance(h, int) and not isinstance(h, bool) and 0 < h <= 3650 for h in horizons)):
            raise ValueError("[reporting] licence_horizons must be a list of whole numbers of days, 1 to 3650")
        if not isinstance(expired, int) or isinstance(expired, bool) or expired < 0:
            raise ValueError("[reporting] licence_expired_days must be a whole number of days, 0 or more")
        return cls(tuple(sorted(set(horizons), reverse=True)), expired)


@dataclass(frozen=True)
class Row:
    licence: Licence
    status: str
    tax_code: str
    replaces: str  # the number of the licence it replaces


@dataclass(frozen=True)
class Written:
    path: Path
    rows: int


async def load(session, kind: str, today: dt.date, days: int, settings: Settings) -> list[Row]:
    """The rows of one file: EXPIRING within `days` (and expired in the last expired_days), or the REGISTER."""
    if kind == EXPIRING:
        since = today - dt.timedelta(days=settings.expired_days)
        licences = await licence_register.expiring(session, today, days, since)
        replaced: set[int] = set()
    else:
        licences = await licence_register.all_licences(session)
        replaced = await licence_register.replaced_ids(session)
    numbers = {lic.id: lic.number for lic in licences}
    missing = {lic.replaces_id for lic in licences if lic.replaces_id and lic.replaces_id not in numbers}
    numbers.update({i: lic.number for i, lic in (await licence_register.licences_by_id(session, missing)).items()})
    facility_ids = {lic.facility_id for lic in licences if lic.facility_id}
    taxes = {}
    if facility_ids:
        rows = await session.execute(select(FacilityRow.id, FacilityRow.tax_code).where(FacilityRow.id.in_(facility_ids)))
        taxes = {i: code or "" for i, code in rows}
    return [
        Row(lic, licence_register.status_of(lic, today, settings.soon_days, lic.id in replaced),
            taxes.get(lic.facility_id, ""), numbers.get(lic.replaces_id, "") if lic.replaces_id else "")
        for lic in licences
    ]


def write(rows: list[Row], kind: str, catalogue: Catalogue, today: dt.date, out_path: Path | str) -> Written:
    lkind = _label(catalogue.licence_kinds)
    actions = dict(texts.capture.LIC_ACTIONS)
    t = texts.licences
    values = (
        lambda r: r.licence.number, lambda r: lkind(r.licence.kind)[:1].upper() + lkind(r.licence.kind)[1:],
        lambda r: actions.get(r.licence.action, r.licence.action), lambda r: r.licence.holder,
        lambda r: r.licence.facility, lambda r: r.tax_code, lambda r: r.licence.issue_date,
        lambda r: r.licence.expiry_date, lambda r: t.STATUS[r.status],
        lambda r: (r.licence.expiry_date - today).days if r.licence.expiry_date and r.status != "replaced" else None,
        lambda r: r.replaces, lambda r: t.SOURCE_IMPORTED if r.licence.imported else t.SOURCE_CHAT,
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = t.SHEET_EXPIRING if kind == EXPIRING else t.SHEET_REGISTER
    _fill(sheet, rows, list(zip(t.COLUMNS, values, strict=True)))
    return Written(write_atomically(out_path, workbook.save, ".xlsx"), len(rows))


async def generate(db, catalogue: Catalogue, kind: str, today: dt.date, days: int, settings: Settings,
                   out_path: Path | str) -> Written:
    async with db.read() as session:
        rows = await load(session, kind, today, days, settings)
    return write(rows, kind, catalogue, today, out_path)
