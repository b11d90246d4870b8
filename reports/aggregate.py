"""From one period's records to the figures of the monthly report. Pure: no IO, no clock.

`aggregate` returns plain frozen dataclasses; the Word template (reports/templates) holds every
sentence and decides how a figure is worded, so a zero can drop a clause or select the negative
sentence. Counts are `Count` values: they print the way the model report writes them ("05", "781",
"1.200") and are false when zero, so the template can write `{% if act.hop_chuan %}`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import texts
from reports.periods import Period, note_periods, period_line, short_date
from reports.sections import SECTION_KEYS, template_name
from storage.catalogue import CalibrationField, Catalogue, Criterion, FacilityKind
from storage.domain import Activity, Facility, InspectionVisit, Note, PeriodRecords, Plan, PumpCheck
from storage.text import fold


def format_count(n: int) -> str:
    """Counts as the model writes them: 0, 01-09 padded, 10-999 as is, thousands with a dot."""
    if 0 < n < 10:
        return f"{n:02d}"
    return f"{n:,}".replace(",", ".")


def format_ratio(part: int, whole: int) -> str:
    """ "09/09", "08/09": both sides two-digit, as the model's inspection results."""
    return f"{part:02d}/{whole:02d}"


def format_decimal(x: float, places: int = 2) -> str:
    """Signed decimal with a comma: -0.3 -> "-0,30", 0.5 -> "+0,50" (a pump's error keeps its sign)."""
    return f"{x:+.{places}f}".replace(".", ",")


@dataclass(frozen=True)
class Count:
    """A count that prints in report style and is false when zero."""

    value: int = 0

    def __str__(self) -> str:
        return format_count(self.value)

    def __bool__(self) -> bool:
        return self.value != 0

    def __int__(self) -> int:
        return self.value


# --- the data the template sees -----------------------------------------------------------------


@dataclass(frozen=True)
class ReportPeriod:
    key: str
    kind: str
    year: int
    start: dt.date
    end: dt.date
    label: str  # "Tháng 01 năm 2023"
    phrase: str  # "tháng 01 năm 2023"
    short_phrase: str  # "tháng 01"
    line: str  # "Kỳ báo cáo: Tháng 01 năm 2023"
    range_line: str  # "(Từ ngày 15 tháng 12 năm 2022 đến ngày 14 tháng 01 năm 2023)"
    next_label: str  # "tháng 02 năm 2023", "quý II năm 2023", "năm 2024"
    plan_year: int  # the year whose S&T plan is being carried out: the year the period ends in


@dataclass(frozen=True)
class CalibrationRow:
    stt: str
    key: str
    label: str
    unit: str
    verified: Count
    rejected: Count
    certificates: Count


@dataclass(frozen=True)
class CalibrationTable:
    rows: tuple[CalibrationRow, ...] = ()
    verified: Count = Count()
    rejected: Count = Count()
    certificates: Count = Count()


@dataclass(frozen=True)
class Clause:
    """ "09/09 cơ sở kinh doanh xăng dầu <phrases>": facilities of a kind that met these criteria, or,
    when `failed`, "01/09 cơ sở kinh doanh xăng dầu chưa …": those that failed them, out of those the
    criteria applied to. `phrases` is "" when no criterion applied: the template says "(chưa) đạt
    yêu cầu" of the whole facility."""

    ratio: str
    noun: str
    phrases: str
    failed: bool = False


@dataclass(frozen=True)
class CriterionResult:
    key: str
    label: str
    phrase: str
    met: Count
    answered: Count  # facilities for which the criterion applied
    failed_phrase: str = ""  # what the report says of the facilities that failed it

    @property
    def failed(self) -> Count:
        return Count(self.answered.value - self.met.value)


@dataclass(frozen=True)
class KindResult:
    key: str
    noun: str  # "cơ sở kinh doanh xăng dầu"
    facilities: Count
    compliant: Count
    all_compliant: bool
    criteria: tuple[CriterionResult, ...]
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class PumpFailure:
    serial: str
    expired: bool  # certificate no longer valid
    seal_broken: bool
    error: str  # "+0,60" when outside the limit, else ""


@dataclass(frozen=True)
class FailedFacility:
    name: str
    noun: str
    criteria: tuple[str, ...]  # labels of the criteria not met, first letter lower-cased
    pumps: tuple[PumpFailure, ...]
    violations: str
    action: str  # none | reminder | record | fine
    fine: str  # "5.000.000" when fined


@dataclass(frozen=True)
class PlanResult:
    id: int
    number: str  # "3826/KH-TĐC"
    doc_code: str  # "KH", "QĐ": the template names the document type from it
    date: str  # "30/12/2022"
    issuer: str
    subject: str  # trích yếu without a leading "về"/"V/v"
    kind: str
    facilities: Count
    kinds: tuple[KindResult, ...]
    failures: tuple[FailedFacility, ...]
    about: str = texts.document.ABOUT  # "về", or "về việc" when the subject has its own (see `_about`)


@dataclass(frozen=True)
class Inspections:
    kiem_tra: tuple[PlanResult, ...] = ()
    thanh_tra: tuple[PlanResult, ...] = ()
    kiem_tra_count: Count = Count()
    thanh_tra_count: Count = Count()
    approved: tuple[PlanResult, ...] = ()  # VII.1: the plans it names (see `approved_plans`)


@dataclass(frozen=True)
class ActionCount:
    action: str  # cap_moi | gia_han | sua_doi | cap_lai
    count: Count


@dataclass(frozen=True)
class LicenceFigure:
    key: str
    label: str
    count: Count
    actions: tuple[ActionCount, ...]


@dataclass(frozen=True)
class KindCount:
    key: str
    label: str
    count: Count


@dataclass(frozen=True)
class LicenceAction:
    """The documents of one action, by kind: the template names the action once before its kinds
    ("gia hạn 01 giấy phép …, 02 chứng chỉ …"), so no renewal reads as "cấp"."""

    action: str  # cap_moi | gia_han | sua_doi | cap_lai (or a key no longer known)
    kinds: tuple[KindCount, ...]
    count: Count


ACTION_ORDER = ("cap_moi", "gia_han", "sua_doi", "cap_lai")


@dataclass(frozen=True)
class Licences:
    kinds: tuple[LicenceFigure, ...] = ()  # only kinds with documents, in catalogue order
    total: Count = Count()
    actions: tuple[LicenceAction, ...] = ()  # only actions with documents: new, renewal, amendment, re-issue


@dataclass(frozen=True)
class ActivityFigure:
    count: Count = Count()
    records: Count = Count()  # how many records were entered
    details: tuple[str, ...] = ()  # distinct enterprises / sectors / rounds, in entry order
    details_text: str = ""  # "may mặc, dây và cáp điện"
    enterprises: Count = Count()  # distinct details, folded (an enterprise typed twice counts once)
    authors: Count = Count()
    decisions: tuple[str, ...] = ()
    decisions_text: str = ""


_ITEM = re.compile(r"^\s*(?:[-–+•]\s|\d+[.)]\s|[a-zđ]\)\s)")  # "- …", "+ …", "1. …", "a) …"  # not a sentence


@dataclass(frozen=True)
class SectionNotes:
    before: tuple[str, ...] = ()  # paragraphs of notes placed before the section's figures
    after: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.before or self.after)

    @property
    def continuation(self) -> tuple[str, ...]:
        """The first paragraphs after the figures that start no item of their own ("- …", "1. …"):
        they continue the figure's list item and print in its paragraph, with its dash."""
        n = 0
        while n < len(self.after) and not _ITEM.match(self.after[n]):
            n += 1
        return self.after[:n]

    @property
    def rest(self) -> tuple[str, ...]:
        """The paragraphs after the figures that are not `continuation`."""
        return self.after[len(self.continuation) :]


@dataclass(frozen=True)
class MonthlyReportData:
    period: ReportPeriod
    calibration: CalibrationTable = CalibrationTable()
    inspections: Inspections = Inspections()
    licences: Licences = Licences()
    activities: Mapping[str, ActivityFigure] = field(default_factory=dict)  # by report_key
    notes: Mapping[str, SectionNotes] = field(default_factory=dict)  # by template name "A_IV_1"


# --- aggregation --------------------------------------------------------------------------------


def aggregate(records: PeriodRecords, catalogue: Catalogue, period: Period) -> MonthlyReportData:
    """Every figure of the report of `period`, computed from `records` alone."""
    return MonthlyReportData(
        period=report_period(period),
        calibration=calibration_table(records, catalogue),
        inspections=inspections(records, catalogue, period),
        licences=licences(records, catalogue),
        activities=activities(records.activities, catalogue),
        notes=section_notes(records.notes, note_periods(period)),
    )


def report_period(period: Period) -> ReportPeriod:
    line, range_line = period_line(period)
    following = period.next()
    next_label = following.phrase  # "tháng 02 năm 2023": a heading names its year
    return ReportPeriod(
        period.key, period.kind, period.year, period.start, period.end, period.label, period.phrase,
        period.short_phrase, line, range_line, next_label, period.end.year,
    )  # fmt: skip


def calibration_table(records: PeriodRecords, catalogue: Catalogue) -> CalibrationTable:
    """One row per catalogue field that has batches, in catalogue order, numbered 1..n; then totals."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for b in records.calibration_batches:
        s = sums[b.field]
        s[0], s[1], s[2] = s[0] + b.verified, s[1] + b.rejected, s[2] + b.certificates
    fields = [f for f in catalogue.calibration_fields if f.key in sums]
    fields += [
        _unknown_field(key) for key in sums if key not in {f.key for f in catalogue.calibration_fields}
    ]
    rows = tuple(
        CalibrationRow(str(i), f.key, f.label, f.unit, *(Count(v) for v in sums[f.key]))
        for i, f in enumerate(fields, start=1)
    )
    totals = [sum(sums[f.key][i] for f in fields) for i in range(3)]
    return CalibrationTable(rows, *(Count(t) for t in totals))


def _unknown_field(key: str) -> CalibrationField:
    """A field removed from the catalogue still has its batches counted, under its key."""
    return CalibrationField(key=key, label=key)


def inspections(records: PeriodRecords, catalogue: Catalogue, period: Period) -> Inspections:
    """Visits grouped by plan; kiểm tra and thanh tra apart (thanh tra is counted from its plans)."""
    by_plan: dict[int, list[InspectionVisit]] = defaultdict(list)
    for visit in records.inspections:
        by_plan[visit.plan_id].append(visit)
    plans = [p for p in records.plans if p.id in by_plan]
    results = [plan_result(p, by_plan[p.id], records.facilities, catalogue) for p in plans]
    kiem_tra = tuple(r for r in results if r.kind != "thanh_tra")
    thanh_tra = tuple(r for r in results if r.kind == "thanh_tra")
    approved = approved_plans(records, catalogue, period)
    return Inspections(kiem_tra, thanh_tra, Count(len(kiem_tra)), Count(len(thanh_tra)), approved)


def approved_plans(records: PeriodRecords, catalogue: Catalogue, period: Period) -> tuple[PlanResult, ...]:
    """VII.1: the plans dated in the period that had no visit yet (they appear nowhere else); when
    VII.1 would otherwise be empty (no such plan, no note), the period's plans that had visits too
    (their results are in VII.2/VII.3)."""
    dated = [p for p in records.plans if period.start <= p.plan_date <= period.end]
    visited = {v.plan_id for v in records.inspections}
    waiting = [p for p in dated if p.id not in visited]
    notes = any(n.section == "A.VII.1" and n.text.strip() for n in records.notes)
    chosen = waiting or ([] if notes else dated)
    by_plan: dict[int, list[InspectionVisit]] = defaultdict(list)
    for visit in records.inspections:
        by_plan[visit.plan_id].append(visit)
    return tuple(plan_result(p, by_plan[p.id], records.facilities, catalogue) for p in chosen)


def plan_result(
    plan: Plan, visits: list[InspectionVisit], facilities: Mapping[int, Facility], catalogue: Catalogue
) -> PlanResult:
    """One plan's paragraph: distinct facilities per kind, criteria met, the facilities that failed."""
    per_facility: dict[int, list[InspectionVisit]] = defaultdict(list)
    for v in sorted(visits, key=lambda v: (v.visit_date, v.id)):
        per_facility[v.facility_id].append(v)
    per_kind: dict[str, dict[int, list[InspectionVisit]]] = defaultdict(dict)
    for facility_id, its_visits in per_facility.items():
        per_kind[its_visits[0].facility_kind][facility_id] = its_visits
    kinds = tuple(kind_result(_kind(catalogue, k), per_kind[k]) for k in _kind_order(catalogue, per_kind))
    failures = tuple(
        failed_facility(facilities.get(fid), vs, _kind(catalogue, vs[0].facility_kind))
        for k in _kind_order(catalogue, per_kind)
        for fid, vs in per_kind[k].items()
        if not facility_ok(vs)
    )
    return PlanResult(
        plan.id, plan.number, _doc_code(plan.number), short_date(plan.plan_date), plan.issuer,
        _subject(plan.subject), plan.kind, Count(len(per_facility)), kinds, failures, _about(plan.subject),
    )  # fmt: skip


def kind_result(kind: FacilityKind, facilities: Mapping[int, list[InspectionVisit]]) -> KindResult:
    """Per criterion how many facilities met it (see `criterion_outcome`)."""
    total = len(facilities)
    compliant = sum(facility_ok(vs) for vs in facilities.values())
    criteria = tuple(_criterion_result(c, facilities.values()) for c in kind.criteria)
    criteria = tuple(c for c in criteria if c.answered)
    return KindResult(
        kind.key, kind.report_noun, Count(total), Count(compliant), compliant == total, criteria,
        _clauses(kind.report_noun, total, compliant, criteria),
    )  # fmt: skip


# --- the inspection rule (docs/design.md, "An inspection's criteria in the report") -----------------
# A criterion is failed for a facility in the period when any visit answered it "không đạt" or any
# pump checked at any visit failed what the criterion covers (`criterion.pumps`); it is met only when
# neither happened and at least one visit applied it (answered it, or checked pumps that cover it).

PUMP_ASPECT = {"certificate": "certificate_valid", "seals": "seals_intact", "error": "within_limit"}


def pump_ok(pump: PumpCheck) -> bool:
    return pump.certificate_valid and pump.seals_intact and pump.within_limit


def failed_at(criterion: Criterion, visit: InspectionVisit) -> bool:
    """This visit answered the criterion "không đạt", or one of its pumps failed what it covers."""
    answered = any(a.criterion == criterion.key and a.result == "not_met" for a in visit.checklist)
    aspect = PUMP_ASPECT.get(criterion.pumps)
    return answered or bool(aspect and not all(getattr(p, aspect) for p in visit.pumps))


def applied_at(criterion: Criterion, visit: InspectionVisit) -> bool:
    """This visit answered the criterion ("đạt" or "không đạt"), or checked pumps that cover it."""
    answered = any(a.criterion == criterion.key and a.result in ("met", "not_met") for a in visit.checklist)
    return answered or bool(criterion.pumps and visit.pumps)


def criterion_outcome(criterion: Criterion, visits: Iterable[InspectionVisit]) -> str:
    """A facility's result for one criterion over the period's visits: "not_met", "met" or "na"."""
    visits = list(visits)
    if any(failed_at(criterion, v) for v in visits):
        return "not_met"
    return "met" if any(applied_at(criterion, v) for v in visits) else "na"


def facility_ok(visits: Iterable[InspectionVisit]) -> bool:
    """No visit answered anything "không đạt" (a criterion since removed included) and every pump
    checked was certified, sealed and within the limit."""
    return all(v.compliant for v in visits)


def _criterion_result(criterion: Criterion, facilities: Iterable[list[InspectionVisit]]) -> CriterionResult:
    """Facilities that met the criterion out of those it applied to: a facility it never applied to
    ("không áp dụng" at every visit, no pump covering it) is left out of this criterion's count."""
    outcomes = [criterion_outcome(criterion, visits) for visits in facilities]
    met, failed = outcomes.count("met"), outcomes.count("not_met")
    return CriterionResult(
        criterion.key, criterion.label, criterion.phrase, Count(met), Count(met + failed), failed_phrase(criterion)
    )


def failed_phrase(criterion: Criterion) -> str:
    """The criterion's phrase for the facilities that failed it: the catalogue's `failed_phrase`, or
    one made from its phrase (texts.document.failed_phrase)."""
    return criterion.failed_phrase.strip() or texts.document.failed_phrase(criterion.phrase)


def _clauses(
    noun: str, total: int, compliant: int, criteria: tuple[CriterionResult, ...]
) -> tuple[Clause, ...]:
    """The criteria every facility met first, as met / applied ("09/09 … a, b"); then the criteria some
    facility failed, stated as failures: failed / applied with the failed phrase ("01/09 … chưa c").
    Criteria with the same ratio share a clause, in criterion order; a facility the criterion did
    not apply to ("không áp dụng") is in neither count. No criterion applied: "NN/NN … đạt yêu cầu",
    or "FF/NN … chưa đạt yêu cầu" when some facility failed otherwise (a pump, a removed criterion)."""
    if not criteria:
        if compliant == total:
            return (Clause(format_ratio(total, total), noun, ""),)
        return (Clause(format_ratio(total - compliant, total), noun, "", failed=True),)
    met: dict[str, list[str]] = {}
    failed: dict[str, list[str]] = {}
    for c in criteria:
        if c.failed:
            failed.setdefault(format_ratio(c.failed.value, c.answered.value), []).append(c.failed_phrase)
        else:
            met.setdefault(format_ratio(c.met.value, c.answered.value), []).append(c.phrase)
    return tuple(Clause(ratio, noun, ", ".join(phrases)) for ratio, phrases in met.items()) + tuple(
        Clause(ratio, noun, ", ".join(phrases), failed=True) for ratio, phrases in failed.items()
    )


def failed_facility(
    facility: Facility | None, visits: list[InspectionVisit], kind: FacilityKind
) -> FailedFacility:
    """A facility that failed, in one line over all its visits of the period: each criterion it failed
    once (with the inspectors' notes), each pump out of order once, the violations, what was done."""
    criteria = failed_criteria(kind, visits)
    pumps = failed_pumps(visits)
    action, fine = measures(visits)
    return FailedFacility(
        facility.name if facility else f"#{visits[0].facility_id}", kind.report_noun, criteria, pumps,
        violations_text(visits, pumps, criteria), action, fine,
    )  # fmt: skip


def failed_criteria(kind: FacilityKind, visits: list[InspectionVisit]) -> tuple[str, ...]:
    """The criteria failed at any visit, in catalogue order (then any since removed from it), each once:
    its label, lower-cased, with the distinct notes of the visits that answered it "không đạt"."""
    known = {c.key for c in kind.criteria}
    failed = [(c.key, c.label) for c in kind.criteria if any(failed_at(c, v) for v in visits)]
    removed = (a.criterion for v in visits for a in v.checklist if a.result == "not_met")
    failed += [(key, key) for key in dict.fromkeys(removed) if key not in known]
    line = []
    for key, label in failed:
        notes = _distinct(a.note for v in visits for a in v.checklist if a.criterion == key and a.result == "not_met")
        line.append(_lower_first(label) + (f" ({'; '.join(map(_lower_first, notes))})" if notes else ""))
    return tuple(line)


def failed_pumps(visits: list[InspectionVisit]) -> tuple[PumpFailure, ...]:
    """Each pump found out of order at any visit, once (the same serial typed alike at two visits is one
    pump): every fault found on it, the error as last measured outside the limit."""
    found: dict[str, PumpFailure] = {}
    for v in visits:  # in date order
        for p in v.pumps:
            if pump_ok(p):
                continue
            key = _compact(p.serial) or p.serial
            before = found.get(key, PumpFailure(p.serial.strip(), False, False, ""))
            found[key] = PumpFailure(
                before.serial, before.expired or not p.certificate_valid, before.seal_broken or not p.seals_intact,
                before.error if p.within_limit else format_decimal(p.error_percent),
            )  # fmt: skip
    return tuple(found.values())


def measures(visits: list[InspectionVisit]) -> tuple[str, str]:
    """What was done about it: a fine (the period's fines added up), else the last visit's action."""
    fine = sum(v.fine_amount for v in visits)
    if fine:
        return "fine", format_count(fine)
    return max(visits, key=lambda v: (v.visit_date, v.id)).action, ""


def _violation_items(text: str) -> list[str]:
    """Typed violations as items: one per line or ";", and one per sentence ("… giá. Cột …")."""
    items: list[str] = []
    for piece in re.split(r"[;\r\n]+", text):
        sentences: list[str] = []
        for sentence in re.split(r"(?<=\.)\s+", piece.strip()):
            if sentences and not sentence[:1].isupper():  # "3.5 kg", "v.v. …": not a new sentence
                sentences[-1] += " " + sentence
            else:
                sentences.append(sentence)
        items += sentences
    return items


def violations_text(visits: Iterable[InspectionVisit], pumps: Iterable[PumpFailure], criteria: Iterable[str]) -> str:
    """The violations typed at the visits, each once, in sentence case mid-sentence: items the failed
    pumps or criteria of the same line already state (they name the pump, or repeat the criterion)
    are left out, and so are repeats."""
    serials = [s for s in (_compact(p.serial) for p in pumps) if len(s) >= 3]
    said = {fold(c) for c in criteria}
    items: dict[str, str] = {}
    for v in visits:
        for item in _violation_items(v.violations):
            item = item.strip().rstrip(".;").strip()
            key = fold(item)
            if not item or key in said or any(s in _compact(item) for s in serials):
                continue
            items.setdefault(key, _lower_first(item))
    return "; ".join(items.values())


def licences(records: PeriodRecords, catalogue: Catalogue) -> Licences:
    """Documents issued per kind (catalogue order), with the split by action (new, renewal, ...); and
    per action (new, renewal, amendment, re-issue), the kinds it was taken on."""
    by_kind: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for lic in records.licences:
        by_kind[lic.kind][lic.action] += 1
    labels = {k.key: k.label for k in catalogue.licence_kinds}
    order = [k.key for k in catalogue.licence_kinds if k.key in by_kind]
    order += [k for k in by_kind if k not in labels]
    kinds = tuple(
        LicenceFigure(
            k,
            labels.get(k, k),
            Count(sum(by_kind[k].values())),
            tuple(ActionCount(a, Count(n)) for a, n in by_kind[k].items()),
        )  # fmt: skip
        for k in order
    )
    actions = [a for a in ACTION_ORDER if any(a in by_kind[k] for k in order)]
    actions += list(dict.fromkeys(a for k in order for a in by_kind[k] if a not in ACTION_ORDER))
    by_action = tuple(
        LicenceAction(
            a,
            tuple(KindCount(k, labels.get(k, k), Count(by_kind[k][a])) for k in order if by_kind[k].get(a)),
            Count(sum(by_kind[k].get(a, 0) for k in order)),
        )
        for a in actions
    )
    return Licences(kinds, Count(len(records.licences)), by_action)


def activities(records: Iterable[Activity], catalogue: Catalogue) -> dict[str, ActivityFigure]:
    """One figure per catalogue report key (zero when nothing was recorded)."""
    grouped: dict[str, list[Activity]] = defaultdict(list)
    report_key = {k.key: k.report_key for k in catalogue.activity_kinds}
    for a in records:
        grouped[report_key.get(a.kind, a.kind)].append(a)
    figures = {k.report_key: ActivityFigure() for k in catalogue.activity_kinds}
    figures.update({key: activity_figure(items) for key, items in grouped.items()})
    return figures


def activity_figure(items: list[Activity]) -> ActivityFigure:
    details = _distinct(a.detail for a in items)
    decisions = _distinct(a.decision for a in items)
    return ActivityFigure(
        count=Count(sum(a.count for a in items)),
        records=Count(len(items)),
        details=details,
        details_text=", ".join(details),
        enterprises=Count(len(details)),
        authors=Count(sum(a.authors for a in items)),
        decisions=decisions,
        decisions_text="; ".join(decisions),
    )


_LINES = re.compile(r"\r\n|\r|\n")  # not str.splitlines: it also splits at \v, \f and other controls


def section_notes(notes: Iterable[Note], periods: Iterable[str] = ()) -> dict[str, SectionNotes]:
    """Each section's notes as paragraphs (one per non-empty line), split around the figures.

    A longer period's report reads the notes of its months (`periods`, in date order, then its own):
    month by month, in each month by position; a paragraph already said in the section (the same
    words) is said once. Section B, the tasks of the next period, is the period's own (the last key)."""
    order = {key: i for i, key in enumerate(periods)}
    own = list(order)[-1] if order else None  # a month's own key is its only one
    before: dict[str, list[str]] = defaultdict(list)
    after: dict[str, list[str]] = defaultdict(list)
    seen: dict[str, set[str]] = defaultdict(set)
    for note in sorted(notes, key=lambda n: (order.get(n.period, len(order)), n.position, n.id)):
        if own is not None and note.section == "B" and note.period != own:
            continue
        target = before if note.position < 0 else after
        for line in _LINES.split(note.text):
            key = " ".join(fold(line).split())
            if key and key not in seen[note.section]:
                seen[note.section].add(key)
                target[note.section].append(line.strip())
    keys = dict.fromkeys([*SECTION_KEYS, *before, *after])
    return {template_name(k): SectionNotes(tuple(before[k]), tuple(after[k])) for k in keys}


# --- small helpers ------------------------------------------------------------------------------


def _compact(text: str) -> str:
    """ "Cột CD-02" -> "cotcd02": for finding a pump's serial in typed text."""
    return re.sub(r"[\W_]+", "", fold(text))


def _kind(catalogue: Catalogue, key: str) -> FacilityKind:
    try:
        return catalogue.facility_kind(key)
    except KeyError:  # a kind removed from the catalogue after its visits were recorded
        return FacilityKind(key, key, texts.document.UNKNOWN_KIND_NOUN.format(key=key), ())


def _kind_order(catalogue: Catalogue, present: Iterable[str]) -> list[str]:
    present = list(present)
    known = [k.key for k in catalogue.facility_kinds if k.key in present]
    return known + [k for k in present if k not in known]


def _distinct(items: Iterable[str]) -> tuple[str, ...]:
    """Non-empty texts, first spelling kept, compared folded ("Công ty A" = "cong ty a")."""
    seen: dict[str, str] = {}
    for t in items:
        if t.strip():
            seen.setdefault(fold(t), t.strip())
    return tuple(seen.values())


def _doc_code(number: str) -> str:
    """ "3826/KH-TĐC" -> "KH"; "307/QĐ-SKH&CN" and "123/2023/QĐ-UBND" -> "QĐ"; "" when it has no type code."""
    symbol = number.rsplit("/", 1)[1] if "/" in number else ""  # "123/2023/QĐ-UBND": the last part
    return symbol.partition("-")[0].strip().upper()


def _subject(subject: str) -> str:
    """The trích yếu as it follows "về" in a sentence: without its own "V/v", "về việc" or "về"."""
    text = subject.strip().rstrip(".")
    for prefix in texts.document.SUBJECT_PREFIXES:  # each in turn: "V/v Về việc …" typed with both
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
    return _lower_first(text)


def _about(subject: str) -> str:
    """ "về việc" before a trích yếu typed as "V/v …"/"Về việc …" or one that says "về" itself ("kiểm tra về
    đo lường …": never "về kiểm tra về"); "về" otherwise."""
    text = subject.strip().lower()
    own = any(text.startswith(p) for p in texts.document.SUBJECT_PREFIXES if p != texts.document.ABOUT + " ")
    rest = _subject(subject).lower()
    if own or re.search(rf"(?<!\w){texts.document.ABOUT}(?!\w)", rest):
        return texts.document.ABOUT_MATTER
    return texts.document.ABOUT


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym ("CR", "KH&CN")."""
    first = text.partition(" ")[0]
    if not text or (len(first) > 1 and first.isupper()):
        return text
    return text[0].lower() + text[1:]
