"""The month page's figures (issue 25), made from the report's own aggregation. Pure: no IO, no clock.

`month_view` takes a period's records and the previous period's (the same length, just before) and
returns what the web view's month page shows: every figure the report's sections print, taken from
`reports.aggregate.aggregate` — the very `MonthlyReportData` the .docx is rendered from, so a figure
on the page is the report's figure, worded as the report words it ("05", "09/09"); the calibration
table as the report prints it; the records per week and kind; this period against the previous one.

Which section of the bundled template prints an activity's figure is `ACTIVITY_SECTIONS` (a test
reads the template to keep the two agreeing); a report key the template does not place (an entry a
department added to its catalogue) is listed under `OTHER_SECTION`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import texts
from reports.aggregate import ActivityFigure, Count, MonthlyReportData, PlanResult, aggregate, format_count
from reports.periods import Period
from reports.sections import SECTIONS, template_name
from storage.catalogue import Catalogue
from storage.domain import PeriodRecords
from storage.review import StateCounts

RECORD_KINDS = ("calibration", "inspection", "licence", "activity")

# report key → the section whose paragraph prints it in the bundled template (reports/make_template.py)
ACTIVITY_SECTIONS = {
    "nghiem_thu_nhiem_vu": "A.II.1.2",
    "y_kien_cong_nghe": "A.II.2",
    "gcn_ket_qua_nhiem_vu": "A.III.3",
    "hop_chuan": "A.IV.1",
    "hop_quy": "A.IV.1",
    "thep_nhap_khau": "A.IV.1",
    "sang_kien": "A.V.2",
    "khieu_nai": "A.VII.4",
}
OTHER_SECTION = ""


@dataclass(frozen=True)
class Figure:
    key: str  # a stable name: "calibration.verified", "act.hop_chuan", "licence.cap_moi.xquang_y_te"
    label: str
    value: str  # as the report prints it: "781", "05", "09/09"
    detail: str = ""  # the words the report adds to it: the enterprises, the sectors


@dataclass(frozen=True)
class SectionFigures:
    key: str  # "A.IV.2"; OTHER_SECTION for activities the template does not place
    title: str
    figures: tuple[Figure, ...] = ()
    notes: int = 0  # paragraphs of notes the report prints in the section

    def __bool__(self) -> bool:
        return bool(self.figures or self.notes)


@dataclass(frozen=True)
class PlanLine:
    """A plan's paragraph of VII.2/VII.3 as figures: the facilities per kind, the "Kết quả:" clauses, the
    facilities that failed."""

    kind: str  # kiem_tra | thanh_tra
    heading: str  # "3826/KH-TĐC ngày 30/12/2022 của Tổng cục …"
    facilities: str
    kinds: tuple[str, ...]  # "09 cơ sở kinh doanh xăng dầu"
    results: tuple[str, ...]  # "09/09 cơ sở kinh doanh xăng dầu sử dụng …"
    failed: tuple[str, ...]  # the failed facilities' names


@dataclass(frozen=True)
class Week:
    start: dt.date  # its first day inside the period (a week runs Monday to Sunday)
    end: dt.date
    counts: Mapping[str, int]  # by RECORD_KINDS

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Comparison:
    key: str
    label: str
    current: int
    previous: int

    @property
    def current_text(self) -> str:
        return format_count(self.current)

    @property
    def previous_text(self) -> str:
        return format_count(self.previous)


@dataclass(frozen=True)
class ReviewLine:
    kind: str  # storage.review's kind: "inspection", "calibration_batch", "licence", "activity", "plan"
    label: str
    waiting: int
    returned: int
    approved: int


@dataclass(frozen=True)
class MonthView:
    period: Period
    previous: Period
    data: MonthlyReportData  # the report's aggregation of the period, as the .docx gets it
    sections: tuple[SectionFigures, ...]
    plans: tuple[PlanLine, ...]
    weeks: tuple[Week, ...]
    records: Mapping[str, int]  # the period's records by kind
    comparison: tuple[Comparison, ...]
    review: tuple[ReviewLine, ...] = ()  # the period's records by review state, per kind

    @property
    def waiting(self) -> int:
        """Records of the period waiting for review (returned ones wait for their author)."""
        return sum(line.waiting for line in self.review)

    @property
    def total(self) -> int:
        return sum(self.records.values())

    def figure(self, key: str) -> Figure:
        """One figure by its key (tests and the page's data attributes name figures so)."""
        for section in self.sections:
            for f in section.figures:
                if f.key == key:
                    return f
        raise KeyError(key)


# --- building it ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodFigures:
    """What the page needs of one period's records: the report's aggregation and the records' dates
    (reports/month_cache.py keeps these, not the records)."""

    period: Period
    data: MonthlyReportData
    dates: Mapping[str, tuple[dt.date, ...]]  # by RECORD_KINDS

    @property
    def counts(self) -> dict[str, int]:
        return {kind: len(days) for kind, days in self.dates.items()}


def period_figures(records: PeriodRecords, catalogue: Catalogue, period: Period) -> PeriodFigures:
    dates = {kind: tuple(days) for kind, days in record_dates(records).items()}
    return PeriodFigures(period, aggregate(records, catalogue, period), dates)


def month_view(
    records: PeriodRecords,
    previous_records: PeriodRecords,
    catalogue: Catalogue,
    period: Period,
    review: Mapping[str, StateCounts] | None = None,
) -> MonthView:
    """The month page of `period` from its records and those of `period.previous()`; `review`: the
    period's records by review state per kind (storage.review.counts)."""
    current = period_figures(records, catalogue, period)
    return month_view_of(current, period_figures(previous_records, catalogue, period.previous()), catalogue, review)


def month_view_of(
    current: PeriodFigures,
    previous: PeriodFigures,
    catalogue: Catalogue,
    review: Mapping[str, StateCounts] | None = None,
) -> MonthView:
    data, counts = current.data, current.counts
    return MonthView(
        period=current.period,
        previous=previous.period,
        data=data,
        sections=section_figures(data, catalogue),
        plans=tuple(plan_line(p) for p in (*data.inspections.thanh_tra, *data.inspections.kiem_tra)),
        weeks=weeks_of(current.dates, current.period),
        records=counts,
        comparison=comparison(data, previous.data, counts, previous.counts, catalogue),
        review=review_lines(review or {}),
    )


def review_lines(counts: Mapping[str, StateCounts]) -> tuple[ReviewLine, ...]:
    """One line per kind that has records in the period, in storage.review's order."""
    return tuple(
        ReviewLine(kind, texts.month.REVIEW_KINDS.get(kind, kind), c.waiting, c.returned, c.approved)
        for kind, c in counts.items()
        if c.total
    )


def record_dates(records: PeriodRecords) -> dict[str, list[dt.date]]:
    """The business dates of the period's records, by kind (what the report is made of; plans and notes
    are not counted, as `reports.service` counts them)."""
    return {
        "calibration": [b.business_date for b in records.calibration_batches],
        "inspection": [v.visit_date for v in records.inspections],
        "licence": [lic.issue_date for lic in records.licences],
        "activity": [a.business_date for a in records.activities],
    }


def record_counts(records: PeriodRecords) -> dict[str, int]:
    return {kind: len(days) for kind, days in record_dates(records).items()}


def weeks(records: PeriodRecords, period: Period) -> tuple[Week, ...]:
    """The period cut into weeks (Monday to Sunday; the first and the last clipped to the period), with
    each week's records by kind. A record dated outside the period is not counted."""
    return weeks_of(record_dates(records), period)


def weeks_of(dates: Mapping[str, Iterable[dt.date]], period: Period) -> tuple[Week, ...]:
    starts = [period.start]
    day = period.start + dt.timedelta(days=7 - period.start.weekday())
    while day <= period.end:
        starts.append(day)
        day += dt.timedelta(days=7)
    ends = [s - dt.timedelta(days=1) for s in starts[1:]] + [period.end]
    counts = [dict.fromkeys(RECORD_KINDS, 0) for _ in starts]
    for kind, days in dates.items():
        for d in days:
            if period.contains(d):
                counts[_week_index(period.start, starts[1] if len(starts) > 1 else None, d)][kind] += 1
    return tuple(Week(s, e, c) for s, e, c in zip(starts, ends, counts, strict=True))


def _week_index(start: dt.date, second: dt.date | None, day: dt.date) -> int:
    if second is None or day < second:
        return 0
    return 1 + (day - second).days // 7


def _activity_label(catalogue: Catalogue, report_key: str) -> str:
    return next((k.label for k in catalogue.activity_kinds if k.report_key == report_key), report_key)


def _activity_figures(key: str, label: str, figure: ActivityFigure) -> list[Figure]:
    detail = figure.details_text if key != "thep_nhap_khau" else ""
    out = [Figure(f"act.{key}", label, str(figure.count), detail)]
    if figure.enterprises and key == "thep_nhap_khau":
        out.append(Figure(f"act.{key}.enterprises", texts.month.ENTERPRISES, str(figure.enterprises)))
    if figure.authors:
        out.append(Figure(f"act.{key}.authors", texts.month.AUTHORS, str(figure.authors)))
    return out


def section_figures(data: MonthlyReportData, catalogue: Catalogue) -> tuple[SectionFigures, ...]:
    """Every section of the report in its order, with the figures its paragraphs print and how many
    paragraphs of notes it carries; then the activities the template places nowhere."""
    figures: dict[str, list[Figure]] = {key: [] for key, _ in SECTIONS}
    figures[OTHER_SECTION] = []
    for key, figure in data.activities.items():
        if figure.count or figure.records:
            section = ACTIVITY_SECTIONS.get(key, OTHER_SECTION)
            figures[section] += _activity_figures(key, _activity_label(catalogue, key), figure)
    cal = data.calibration
    if cal.rows:
        figures["A.IV.2"] += [
            Figure("calibration.verified", texts.month.CAL_VERIFIED, str(cal.verified)),
            Figure("calibration.rejected", texts.month.CAL_REJECTED, str(cal.rejected)),
            Figure("calibration.certificates", texts.month.CAL_CERTIFICATES, str(cal.certificates)),
        ]
    figures["A.VI.2"] += _licence_figures(data)
    figures["A.VII.1"] += _plan_figures(data)
    figures["A.VII.2"] += _inspection_figures(data.inspections.thanh_tra, "audit")
    figures["A.VII.3"] += _inspection_figures(data.inspections.kiem_tra, "inspection")
    titles = dict(SECTIONS)
    out = [
        SectionFigures(key, titles[key], tuple(figures[key]), _note_paragraphs(data, key)) for key, _ in SECTIONS
    ]
    if figures[OTHER_SECTION]:
        out.append(SectionFigures(OTHER_SECTION, texts.month.RECORD_KINDS["activity"], tuple(figures[OTHER_SECTION])))
    return tuple(out)


def _note_paragraphs(data: MonthlyReportData, key: str) -> int:
    notes = data.notes.get(template_name(key))
    return len(notes.before) + len(notes.after) if notes else 0


def _licence_figures(data: MonthlyReportData) -> list[Figure]:
    lic = data.licences
    if not lic.total:
        return []
    actions = dict(texts.capture.LIC_ACTIONS)
    out = [Figure("licence.total", texts.month.LICENCES_TOTAL, str(lic.total))]
    for a in lic.actions:
        for k in a.kinds:
            label = texts.month.LICENCE_LINE.format(action=actions.get(a.action, a.action), kind=k.label)
            out.append(Figure(f"licence.{a.action}.{k.key}", label, str(k.count)))
    return out


def _plan_figures(data: MonthlyReportData) -> list[Figure]:
    approved = data.inspections.approved
    if not approved:
        return []
    out = [Figure("plans.approved", texts.month.PLANS_APPROVED, str(Count(len(approved))))]
    out += [Figure(f"plans.approved.{p.id}", _plan_heading(p), str(p.facilities)) for p in approved]
    return out


def _inspection_figures(plans: tuple[PlanResult, ...], kind: str) -> list[Figure]:
    if not plans:
        return []
    facilities = sum(p.facilities.value for p in plans)
    failed = sum(len(p.failures) for p in plans)
    label = texts.month.AUDITS if kind == "audit" else texts.month.INSPECTION_PLANS
    where = texts.month.FACILITIES_AUDITED if kind == "audit" else texts.month.FACILITIES_INSPECTED
    return [
        Figure(f"{kind}.plans", label, str(Count(len(plans)))),
        Figure(f"{kind}.facilities", where, str(Count(facilities))),
        Figure(f"{kind}.failed", texts.month.FACILITIES_FAILED, str(Count(failed))),
    ]


def _plan_heading(plan: PlanResult) -> str:
    return texts.month.PLAN_HEADING.format(number=plan.number, date=plan.date, issuer=plan.issuer)


def plan_line(plan: PlanResult) -> PlanLine:
    """The plan's paragraph in figures, its clauses worded as the template's "Kết quả:" words them."""
    results = []
    for k in plan.kinds:
        for c in k.clauses:
            words = c.phrases or (texts.month.FAILS if c.failed else texts.month.MEETS)
            results.append(f"{c.ratio} {c.noun} {words}")
    return PlanLine(
        plan.kind, _plan_heading(plan), str(plan.facilities), tuple(f"{k.facilities} {k.noun}" for k in plan.kinds),
        tuple(results), tuple(f.name for f in plan.failures),
    )  # fmt: skip


def comparison(
    data: MonthlyReportData,
    before: MonthlyReportData,
    counts: Mapping[str, int],
    previous_counts: Mapping[str, int],
    catalogue: Catalogue,
) -> tuple[Comparison, ...]:
    """This period against the previous one: the records by kind, then the report's headline figures,
    then each activity either period counted."""
    rows = [
        Comparison(f"records.{k}", texts.month.RECORDS_OF_KIND.format(kind=texts.month.RECORD_KINDS[k]),
                   counts.get(k, 0), previous_counts.get(k, 0))
        for k in RECORD_KINDS
    ]  # fmt: skip
    rows += [
        Comparison("calibration.verified", texts.month.COMPARE_VERIFIED,
                   data.calibration.verified.value, before.calibration.verified.value),
        Comparison("inspections.facilities", texts.month.COMPARE_FACILITIES,
                   _facilities(data), _facilities(before)),
        Comparison("inspections.failed", texts.month.COMPARE_FAILED, _failed(data), _failed(before)),
        Comparison("licences.total", texts.month.COMPARE_LICENCES, data.licences.total.value,
                   before.licences.total.value),
    ]  # fmt: skip
    keys = dict.fromkeys([*data.activities, *before.activities])
    for key in keys:
        now, then = _activity_count(data, key), _activity_count(before, key)
        if now or then:
            rows.append(Comparison(f"act.{key}", _activity_label(catalogue, key), now, then))
    return tuple(rows)


def _plans(data: MonthlyReportData) -> Iterable[PlanResult]:
    return (*data.inspections.kiem_tra, *data.inspections.thanh_tra)


def _facilities(data: MonthlyReportData) -> int:
    return sum(p.facilities.value for p in _plans(data))


def _failed(data: MonthlyReportData) -> int:
    return sum(len(p.failures) for p in _plans(data))


def _activity_count(data: MonthlyReportData, key: str) -> int:
    figure = data.activities.get(key)
    return figure.count.value if figure else 0
