"""/kiemtra: an inspector records one facility check on site, in a short chat conversation.

The form, in the order the inspector meets it:

    plan (not asked when one is open) → date → kind of facility → a few letters of its name → pick it
    (or add it: name, tax code, address) → other inspectors present → location (may be skipped; not
    asked when the facility's position is remembered; a new facility's address is not asked twice:
    only its position) → "all criteria met?" (no: the numbers
    of those not met in one answer, "1 3", then a note for each) → fuel stations: the pumps on one line in both branches
    ("CD01 -0,2; CD02 +0,6 hết hạn"; a pump out of tolerance, expired or unsealed is said at once) →
    action (fine: amount) → violations (only when something was wrong or an action was taken) →
    review → one record per visit.

Photos are accepted at any step. The checklist questions are generated from the catalogue, one set
per facility kind, so a department adds a criterion in config.toml without touching code; they and
their answers live in handlers/checklist.py, the pump line in handlers/pumps.py.
The location is one `location` question on every channel: Telegram also shows the "send my
location" button; on Zalo and the console it is typed. A shared or typed position is kept with the
facility (never as a trace of the person); a typed address is kept with the visit.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import texts
from bot.form import FlowContext, Question, RepeatGroup, StartForm
from bot.messages import Choice, Location, Reply
from handlers import capture, checklist, facilities
from handlers import visit as visits
from handlers.forms import Form, RecordStore, start_form
from handlers.pumps import check_pump_list, parse_pump_list
from storage import facilities_store, people, records
from storage.catalogue import Catalogue, FacilityKind
from storage.domain import ChecklistAnswer, Facility, InspectionVisit, NotFound, PumpCheck, RecordMeta

FLOW_NAME = "inspection"
# Drafts saved under the former Zalo/console twin of the form (until it was merged into one): they go
# on with the one form (a typed place is asked again); the next step stores them under FLOW_NAME.
OLD_FLOW_NAMES = ("inspection_text",)
STORE = RecordStore(
    entity="inspection", noun=texts.capture.INSPECTION_NOUN, date_of=lambda visit: visit.visit_date,
    add=records.add_inspection, get=records.get_inspection, update=records.update_inspection,
    delete=records.delete_inspection, of_period=lambda loaded: loaded.inspections,
)  # fmt: skip


# --- answers read back ----------------------------------------------------------------------------


def _fined(answers) -> bool:
    return answers.get("action") == "fine"


def _new_facility(answers) -> bool:
    return answers.get("facility") == "new"


def _gps_prompt(answers) -> str:
    """A new facility's address was just typed: ask only for its position (a pin or coordinates)."""
    return texts.inspection.ASK_GPS_POSITION if _new_facility(answers) else texts.inspection.ASK_GPS


def _check_gps(value, answers) -> str | None:
    """The address is not asked twice: after a new facility's address, a typed address is refused."""
    return texts.inspection.GPS_ADDRESS_GIVEN if isinstance(value, str) and _new_facility(answers) else None


def _check_fine(value: int, _answers) -> str | None:
    """More than 0: a negative sum is a typo; 0 is no fine at all, which is another action."""
    if value == 0:
        return texts.inspection.FINE_ZERO
    return texts.inspection.FINE_POSITIVE if value < 0 else None


class Inspection:
    """The form built from the catalogue and the configured pump limit; its callbacks share them."""

    def __init__(self, services, catalogue: Catalogue, limit: Decimal, province: str = "") -> None:
        self.services = services
        self.catalogue = catalogue
        self.limit = limit
        self.province = province
        self.kinds = {k.key: k for k in catalogue.facility_kinds}

    # --- reading the answers ----------------------------------------------------------------------

    def kind_of(self, answers) -> FacilityKind | None:
        return self.kinds.get(checklist.kind_of(answers))

    def has_pumps(self, answers) -> bool:
        kind = self.kind_of(answers)
        return kind is not None and kind.has_pumps

    def checklist_answers(self, answers) -> list[ChecklistAnswer]:
        return checklist.answers_of(self.kind_of(answers), answers)

    def pumps(self, answers) -> list[PumpCheck]:
        """The pumps typed on one line ("CD01 -0,2; CD02 +0,6 hết hạn"), whatever the checklist said."""
        if not self.has_pumps(answers) or not answers.get("pumps_quick"):
            return []
        return [
            self._pump(serial, certificate, seals, error)
            for serial, error, certificate, seals in parse_pump_list(answers["pumps_quick"])
        ]

    def pumps_said(self, value: str, _answers) -> str | None:
        """Said as soon as the line is typed: the pumps out of tolerance, expired or unsealed."""
        checks = [self._pump(serial, cert, seals, error) for serial, error, cert, seals in parse_pump_list(value)]
        lines = [
            texts.inspection.pump_line(i, p.serial, Decimal(str(p.error_percent)), p.within_limit,
                                       p.certificate_valid, p.seals_intact, self.limit)
            for i, p in enumerate(checks, start=1)
            if not (p.within_limit and p.certificate_valid and p.seals_intact)
        ]  # fmt: skip
        return "\n".join([texts.inspection.PUMPS_OUT, *lines]) if lines else None

    def _pump(self, serial: str, certificate: bool, seals: bool, error: Decimal) -> PumpCheck:
        return PumpCheck(serial, certificate, seals, float(error), abs(Decimal(str(error))) <= self.limit)

    def pumps_asked(self, answers) -> bool:
        """A fuel station, once "all met?" is answered either way: the pumps as one line."""
        return self.has_pumps(answers) and checklist.all_ok(answers) is not None

    def violations_asked(self, answers) -> bool:
        return answers.get("action") not in (None, "none") or not self.compliant(answers)

    def compliant(self, answers) -> bool:
        return all(a.result != "not_met" for a in self.checklist_answers(answers)) and all(
            p.within_limit and p.certificate_valid and p.seals_intact for p in self.pumps(answers)
        )

    # --- choices and suggestions --------------------------------------------------------------------

    async def plan_choices(self, ctx: FlowContext, _answers) -> list[Choice]:
        plans = await records.list_plans(ctx.session, open_only=True)
        return [Choice(f"p{p.id}", texts.inspection.plan_label(p.number, p.plan_date, p.subject)) for p in plans]

    async def only_plan(self, ctx: FlowContext, answers) -> str | None:
        """One open plan: no need to ask which."""
        choices = await self.plan_choices(ctx, answers)
        return choices[0].key if len(choices) == 1 else None

    @staticmethod
    async def known_location(ctx: FlowContext, answers) -> Location | None:
        """The picked facility's remembered position: no need to ask where it is."""
        parsed = facilities.parse_facility_key(answers.get("facility", ""))
        if parsed is None:
            return None
        facility = await records.get_facility(ctx.session, parsed[0])
        if facility.latitude is None or facility.longitude is None:
            return None
        return Location(facility.latitude, facility.longitude)

    def kind_choices(self) -> list[Choice]:
        return [Choice(k.key, facilities.kind_label(k), k.synonyms) for k in self.catalogue.facility_kinds]

    async def facility_choices(self, ctx: FlowContext, answers) -> list[Choice]:
        """Remembered facilities of this kind matching the typed letters; one already recorded for this
        plan and day is listed as such (picking it says so); "add a new facility" comes last."""
        kind = checklist.kind_of(answers)
        found = await facilities.search(ctx.session, answers["query"], kind=kind)
        recorded = await facilities_store.visits_on(
            ctx.session, visits.key_id(answers["plan"]), answers["visit_date"], [f.id for f in found]
        )
        choices = []
        target = capture.edit_target(answers)
        for facility in found:
            visit = recorded.get(facility.id)
            if visit is not None and (target is None or visit.id != target[1]):  # not the visit being corrected
                choices.append(Choice(f"v{visit.id}", texts.inspection.facility_recorded_label(facility.name, visit.id)))
            else:
                choices.append(Choice(facilities.facility_key(facility.id, kind), facilities.label_of(facility)))
        if not choices:  # say so before offering to add one
            return [Choice("new", texts.inspection.no_match_new(answers["query"]))]
        return [*choices, Choice("new", texts.inspection.NEW_FACILITY)]

    @staticmethod
    def check_facility(value: str, answers) -> str | None:
        if value.startswith("v"):
            return texts.inspection.facility_already_recorded(visits.key_id(value))
        parsed = facilities.parse_facility_key(value)
        if parsed is not None and parsed[1] != checklist.kind_of(answers):  # the kind was changed afterwards
            return texts.inspection.KIND_CHANGED
        return None

    @staticmethod
    async def inspector_choices(ctx: FlowContext, answers) -> list[Choice]:
        """The other inspectors: neither whoever recorded the visit nor one already named."""
        chosen = {item.get("inspector") for item in answers.get("others", [])}
        everyone = await people.list_staff(ctx.session)
        recorder = await visits.lead(ctx, answers)
        return [
            Choice(f"s{s.id}", s.name)
            for s in everyone
            if s.has("inspector") and s.id != recorder and f"s{s.id}" not in chosen
        ]

    # --- the declaration ----------------------------------------------------------------------------

    def questions(self, managers: bool = False) -> list[Question | RepeatGroup]:
        """Which visit, the facility, who was there; the checklist of the facility's kind; the pumps
        (fuel stations); what was done about it."""
        checklists = [q for kind in self.catalogue.facility_kinds for q in checklist.questions(kind, self.limit)]
        return [*self._visit_questions(managers), *checklists, *self._pump_questions(), *self._outcome_questions()]

    def _visit_questions(self, managers: bool) -> list[Question | RepeatGroup]:
        t, new, facility = texts.inspection, _new_facility, texts.inspection.SECTION_FACILITY
        return [
            Question("plan", "choice", t.ASK_PLAN, label=t.LABEL_PLAN, choices=self.plan_choices, auto=self.only_plan),
            capture.date_question(self.services, prompt=t.ASK_DATE, key="visit_date", label=t.LABEL_DATE,
                                  managers=managers),
            # the facility: one entry of the review's edit menu, its questions asked again in order
            Question("kind", "choice", t.ASK_KIND, label=t.LABEL_KIND, choices=self.kind_choices(), section=facility),
            Question("query", "text", t.ASK_QUERY, label=t.LABEL_QUERY, max_length=100, validate=facilities.check_query,
                     section=facility, brief=False),
            Question("facility", "choice", t.ASK_FACILITY, label=t.LABEL_FACILITY, choices=self.facility_choices,
                     validate=self.check_facility, section=facility),
            Question("new_name", "text", t.ASK_NEW_NAME, label=t.LABEL_NEW_NAME, when=new,
                     max_length=facilities.NAME_MAX, validate=facilities.check_name, section=facility),
            Question("new_tax_code", "text", t.ASK_NEW_TAX, label=t.LABEL_NEW_TAX, when=new, optional=True,
                     max_length=20, validate=facilities.check_tax_code, section=facility),
            Question("new_address", "text", t.ASK_NEW_ADDRESS, label=t.LABEL_NEW_ADDRESS, when=new, max_length=300,
                     section=facility),
            RepeatGroup("others", [Question("inspector", "choice", t.ASK_INSPECTOR, label=t.LABEL_INSPECTOR,
                                            choices=self.inspector_choices)],
                        ask_more_prompt=t.ASK_MORE_INSPECTORS, min_items=0, max_items=10, label=t.GROUP_INSPECTORS),
            # a position (shared or typed) or an address; "gps" kept so stored drafts read back
            # (a new facility: its address was just typed, so only its position, see _gps_prompt)
            Question("gps", "location", t.ASK_GPS, label=t.LABEL_GPS, optional=True, auto=self.known_location,
                     prompt_for=_gps_prompt, validate=_check_gps),
        ]  # fmt: skip

    def _pump_questions(self) -> list[Question | RepeatGroup]:
        """One line in both branches; what is wrong with a pump is said the moment it is typed."""
        t = texts.inspection
        return [
            Question("pumps_quick", "text", t.ASK_PUMPS_QUICK, label=t.LABEL_PUMPS_QUICK, max_length=1000,
                     when=self.pumps_asked, validate=check_pump_list, echo=self.pumps_said),
        ]  # fmt: skip

    def _outcome_questions(self) -> list[Question]:
        t, action = texts.inspection, texts.inspection.SECTION_ACTION
        return [
            Question("action", "choice", t.ASK_ACTION, label=t.LABEL_ACTION,
                     choices=tuple(Choice(k, label) for k, label in t.ACTIONS), section=action),
            Question("fine_amount", "money", t.ASK_FINE, label=t.LABEL_FINE, when=_fined, validate=_check_fine,
                     section=action),
            Question("violations", "text", t.ASK_VIOLATIONS, label=t.LABEL_VIOLATIONS, optional=True,
                     max_length=2000, multiline=True, when=self.violations_asked, section=action),
        ]  # fmt: skip

    # --- review and save ----------------------------------------------------------------------------

    @staticmethod
    async def _name(ctx: FlowContext, staff_id: int) -> str:
        try:
            return (await people.get_staff(ctx.session, staff_id)).name
        except NotFound:
            return texts.inspection.someone(staff_id)

    async def _facility(self, ctx: FlowContext, answers) -> tuple[Facility | None, str]:
        """The picked facility, or for a new one the remembered facility with the same tax code."""
        parsed = facilities.parse_facility_key(answers.get("facility", ""))
        if parsed is not None:
            return await records.get_facility(ctx.session, parsed[0]), ""
        code = facilities.normalise_tax_code(answers.get("new_tax_code") or "")
        if code:
            known = await records.find_facility_by_tax_code(ctx.session, code)
            if known is not None:
                return known, texts.inspection.review_tax_code_known(known.name)
        return None, ""

    async def _duplicate(self, ctx: FlowContext, answers, facility: Facility | None) -> InspectionVisit | None:
        """Another visit of the same plan, facility and day (never the visit this draft corrects)."""
        if facility is None:
            return None
        found = await facilities_store.existing_visit(ctx.session, visits.plan_id(answers), facility.id, answers["visit_date"])
        target = capture.edit_target(answers)
        return None if found is None or (target is not None and found.id == target[1]) else found

    async def _who(self, ctx: FlowContext, recorded: InspectionVisit) -> str:
        return await self._name(ctx, recorded.meta.recorded_by if recorded.meta else 0)

    async def summarize(self, ctx: FlowContext, answers: dict[str, Any]) -> str:
        """The review: short lines that read well on a phone, the verdict last, a duplicate warned."""
        labels = answers["_labels"]
        kind = self.kind_of(answers)
        facility, notice = await self._facility(ctx, answers)
        lines = [texts.inspection.REVIEW_TITLE.format(kind=facilities.kind_label(kind).upper() if kind else "")]
        target = capture.edit_target(answers)
        if target is not None:  # a correction says which visit it changes
            lines.insert(0, texts.capture.EDIT_HEADER.format(noun=STORE.noun, id=target[1]))
        lines.append(f"{texts.inspection.LABEL_PLAN}: {labels.get('plan', '')}")
        lines.append(f"{texts.inspection.LABEL_DATE}: {texts.inspection.format_date(answers['visit_date'])}")
        if facility is not None:
            lines.append(f"{texts.inspection.LABEL_FACILITY}: {facilities.label_of(facility)}")
        else:
            tax = facilities.normalise_tax_code(answers.get("new_tax_code") or "") or ""
            name = texts.inspection.facility_label(answers.get("new_name", ""), answers.get("new_address", ""), tax)
            lines.append(f"{texts.inspection.LABEL_FACILITY}: {name}{texts.inspection.REVIEW_NEW_FACILITY}")
        recorder = await visits.lead(ctx, answers)
        team = [ctx.staff.name if recorder == ctx.staff.id else await self._name(ctx, recorder)] + [
            labels.get(f"others.{i}.inspector", "") for i in range(len(answers.get("others", [])))
        ]
        team = [name for name in team if name]
        who = texts.inspection.REVIEW_TEAM if len(team) > 1 else texts.inspection.REVIEW_INSPECTOR
        lines.append(f"{who}: {', '.join(team)}")
        if answers.get("gps") is not None:
            lines.append(f"{texts.inspection.LABEL_GPS}: {texts.common.format_location(answers['gps'])}")
        lines += checklist.review_lines(kind, answers)
        pumps = self.pumps(answers)
        if pumps:
            lines.append(texts.inspection.pumps_header(len(pumps)))
            lines += [
                texts.inspection.pump_line(i, p.serial, Decimal(str(p.error_percent)), p.within_limit, p.certificate_valid,
                            p.seals_intact, self.limit)
                for i, p in enumerate(pumps, start=1)
            ]
        lines += checklist.disagreements(kind, answers, pumps)
        action = dict(texts.inspection.ACTIONS).get(answers.get("action", "none"), "")
        if answers.get("action") == "fine":
            action = f"{action} {texts.inspection.format_money(answers.get('fine_amount') or 0)}"
        lines.append(f"{texts.inspection.LABEL_ACTION}: {action}")
        if answers.get("violations"):
            lines.append(f"{texts.inspection.LABEL_VIOLATIONS}: {answers['violations']}")
        if answers["_photos"]:
            lines.append(f"{texts.inspection.REVIEW_PHOTOS}: {len(answers['_photos'])}")
        lines.append(texts.inspection.REVIEW_VERDICT_OK if self.compliant(answers) else texts.inspection.REVIEW_VERDICT_BAD)
        if notice:
            lines.append(notice)
        duplicate = await self._duplicate(ctx, answers, facility)
        if duplicate is not None:
            lines.append(texts.inspection.review_duplicate(duplicate.id, await self._who(ctx, duplicate), duplicate.visit_date))
        return "\n".join(lines)

    async def save(self, ctx: FlowContext, answers: dict[str, Any]) -> str:
        """One record per visit: refuses a second record of the same plan, facility and day, and (unless
        a manager) a day in a closed period — checked before a new facility is written; then the shared
        saving path (handlers/capture.py), which checks the period again and audits a manager's correction."""
        refused = await capture.closed_refusal(ctx, answers["visit_date"])
        if refused is not None:
            return refused
        facility, _ = await self._facility(ctx, answers)
        duplicate = await self._duplicate(ctx, answers, facility)
        if duplicate is not None:
            return texts.inspection.refused_duplicate(duplicate.id, await self._who(ctx, duplicate))
        kind = checklist.kind_of(answers)
        if facility is None:
            facility = await facilities.add_new_facility(
                ctx, kind, answers["new_name"], answers.get("new_tax_code") or "",
                answers.get("new_address") or "", self.province,
            )
        meta = RecordMeta(ctx.staff.id, ctx.incoming.channel, ctx.incoming.event_key, ctx.now)
        where = answers.get("gps")
        location = where if isinstance(where, Location) else None
        moved = location is not None and (location.latitude, location.longitude) != (facility.latitude, facility.longitude)
        if moved:  # kept with the facility, never as a trace of the person
            facility = await records.update_facility(
                ctx.session, dataclasses.replace(facility, latitude=location.latitude, longitude=location.longitude), meta
            )
        made = visits.visit_of(answers, facility_id=facility.id, inspectors=visits.inspectors_of(await visits.lead(ctx, answers), answers),
                              checklist=self.checklist_answers(answers), pumps=self.pumps(answers))  # fmt: skip
        name = facility.name
        return await capture.store_record(ctx, answers, made, STORE,
                                          lambda saved: texts.inspection.saved(saved.id, name, saved.compliant))


def of(services) -> Inspection:
    """The form's parts for this app: its catalogue and the configured pump limit and province."""
    limit = Decimal(str(services.config.reporting.get("pump_error_limit_percent", "0.45")))
    province = str(services.config.organisation.get("province", ""))
    return Inspection(services, services.catalogue, limit, province)


async def save(ctx: FlowContext, answers: dict[str, Any]) -> str:
    return await of(ctx.settings).save(ctx, answers)


async def summarize(ctx: FlowContext, answers: dict[str, Any]) -> str:
    return await of(ctx.settings).summarize(ctx, answers)


async def command(unit, staff, services) -> StartForm | None:
    """/kiemtra: starts the form, or says a manager must open a plan first."""
    if not await records.list_plans(unit.session, open_only=True):
        unit.reply(Reply(text=texts.inspection.NO_OPEN_PLAN))
        return None
    return start_form(unit, staff, services, FLOW_NAME)


def _line(catalogue, visit: InspectionVisit, loaded) -> str:
    facility = loaded.facilities.get(visit.facility_id)
    return texts.capture.inspection_line(facility.name if facility else f"#{visit.facility_id}")


FORM = Form(
    name=FLOW_NAME, title=texts.inspection.TITLE, command="kiemtra", aliases=("inspect",),
    description=texts.inspection.COMMAND_DESCRIPTION, roles=frozenset({"inspector"}),
    questions=lambda services, managers: of(services).questions(managers), save=save, summarize=summarize,
    start=command, old_names=OLD_FLOW_NAMES,
    record=STORE, answers_of=visits.answers_of, describe=_line,
)  # fmt: skip


