"""The month page's figures of a period, kept while the period's records stay the same.

A page shows two periods: the one asked for and the one before it, which rarely changes. Each is
aggregated once and kept (`PeriodFigures`: the report's aggregation and the records' dates, not the
records) with the period's stamp (storage/period_stamp.py), read before the records: when anything the
report of that period reads has changed since, the stamp differs and the period is loaded again. A
write that lands between the stamp and the load leaves an older stamp beside newer figures, so the
next view loads again: never stale, sometimes loaded twice. The .docx and .xlsx are never made from it.
"""

from __future__ import annotations

from collections import OrderedDict

from reports.month import PeriodFigures, period_figures
from reports.periods import Period, note_periods
from storage import review
from storage.catalogue import Catalogue
from storage.db import Database
from storage.period_stamp import period_stamp
from storage.records import load_period_records

SIZE = 24  # periods kept: two years of months, or months, quarters and years mixed


class MonthCache:
    def __init__(self, size: int = SIZE):
        self.size = size
        self._kept: OrderedDict[tuple, tuple[tuple, PeriodFigures]] = OrderedDict()
        self.loads = 0  # periods loaded from the database (the tests count them)

    async def figures(
        self, db: Database, catalogue: Catalogue, period: Period, *, approved_only: bool = False
    ) -> PeriodFigures:
        """The period's figures; `approved_only`: of its approved records only ([reporting] count)."""
        async with db.read() as session:
            stamp = await period_stamp(session, period.start, period.end, note_periods(period))
        key = (id(db), id(catalogue), period.key, period.cut_off_day, approved_only)
        kept = self._kept.get(key)
        if kept is not None and kept[0] == stamp:
            self._kept.move_to_end(key)
            return kept[1]
        async with db.read() as session:
            records = await load_period_records(session, period.start, period.end, notes_period=note_periods(period))
        if approved_only:
            records = review.approved_only(records)
        self.loads += 1
        figures = period_figures(records, catalogue, period)
        self._kept[key] = (stamp, figures)
        self._kept.move_to_end(key)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return figures
