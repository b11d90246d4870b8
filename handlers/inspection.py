"""/kiemtra: an inspector records one facility check on site, in a short chat conversation.

The form, in the order the inspector meets it:

    plan → date → kind of facility → a few letters of its name → pick it (or add it: name, tax code,
    address) → other inspectors present → location (may be skipped) → "all criteria met?" (no:
    criterion by criterion, a note for each not met) → fuel stations: the pumps (all fine: one line
    "CD01 -0,2; CD02 0,1"; otherwise pump by pump: serial, certificate, seals, error) → action (fine:
    amount) → violations (only when something was wrong or an action was taken) → review → one
    record per visit.

Photos are accepted at any step. The checklist questions are generated from the catalogue, one set
per facility kind, so a department adds a criterion in config.toml without touching this file.
The location is one `location` question on every channel: Telegram also shows the "send my
location" button; on Zalo and the console it is typed. A shared or typed position is kept with the
facility (never as a trace of the person); a typed address is kept with the visit.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import texts
from bot.form import Flow, FlowContext, Question, RepeatGroup, StartForm
from bot.messages import Choice, Location, Reply
from bot.parsing import ParseError, parse_decimal
from handlers import capture, facilities
from storage import facilities_store, people, records
from storage.catalogue import Catalogue, FacilityKind
from storage.domain import ChecklistAnswer, Facility, InspectionVisit, PumpCheck, RecordMeta

FLOW_NAME = "inspection"
# Drafts saved under the former Zalo/console twin of the form (until it was merged into one): they go
# on with the one form (a typed place is asked again); the next step stores them under FLOW_NAME.
OLD_FLOW_NAMES = ("inspection_text",)
ERROR_RANGE = Decimal(100)
MAX_PUMPS = 30
RESULTS = (Choice("met", texts.inspection.MET), Choice("not_met", texts.inspection.NOT_MET), Choice("na", texts.inspection.NOT_APPLICABLE))


# --- answers read back ----------------------------------------------------------------------------


def _kind(answers) -> str:
    return answers.get("kind", "")


def _all_ok(answers) -> bool | None:
    return answers.get(f"ok_{_kind(answers)}")


def _new_facility(answers) -> bool:
    return answers.get("facility") == "new"


def _id(key: str) -> int:
    return int(re.sub(r"\D", "", key.split("/")[0]))


def parse_pump_list(text: str) -> list[tuple[str, Decimal]]:
    """ "CD01 -0,2; CD02 +0,1" → [("CD01", -0.2), ("CD02", 0.1)]; the serial may be left out."""
    items = [item.strip() for item in re.split(r"[;\n]+", text) if item.strip()]
    if not items:
        raise ParseError(texts.inspection.PUMPS_EMPTY)
    if len(items) > MAX_PUMPS:
        raise ParseError(texts.inspection.PUMPS_TOO_MANY.format(limit=MAX_PUMPS))
    pumps = []
    for position, item in enumerate(items, start=1):
        match = re.fullmatch(r"(?:(.*?\S)[\s:=]+)?([+\-−–]?\s?\d+(?:[.,]\d+)?)\s*%?", item)
        if match is None:
            raise ParseError(texts.inspection.pump_serial_bad(position, item))
        try:
            error = parse_decimal(match[2].replace(" ", ""))
        except ParseError:
            raise ParseError(texts.inspection.pump_serial_bad(position, item)) from None
        if abs(error) > ERROR_RANGE:
            raise ParseError(texts.inspection.PUMP_ERROR_RANGE)
        pumps.append(((match[1] or "")[:50], error))
    return pumps


def _check_pump_list(value: str, _answers) -> str | None:
    try:
        parse_pump_list(value)
    except ParseError as error:
        return error.message
    return None


def _check_error(value: Decimal, _answers) -> str | None:
    return texts.inspection.PUMP_ERROR_RANGE if abs(value) > ERROR_RANGE else None


def _check_fine(value: int, _answers) -> str | None:
    return texts.inspection.FINE_POSITIVE if value <= 0 else None


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
        return self.kinds.get(_kind(answers))

    def has_pumps(self, answers) -> bool:
        kind = self.kind_of(answers)
        return kind is not None and kind.has_pumps

    def checklist(self, answers) -> list[ChecklistAnswer]:
        kind = self.kind_of(answers)
        if kind is None:
            return []
        if _all_ok(answers):
            return [ChecklistAnswer(c.key, "met") for c in kind.criteria]
        return [
            ChecklistAnswer(c.key, answers[f"c_{kind.key}_{c.key}"], answers.get(f"n_{kind.key}_{c.key}") or "")
            for c in kind.criteria
            if f"c_{kind.key}_{c.key}" in answers
        ]

    def pumps(self, answers) -> list[PumpCheck]:
        if not self.has_pumps(answers):
            return []
        if _all_ok(answers):
            listed = parse_pump_list(answers["pumps_quick"]) if answers.get("pumps_quick") else []
            return [self._pump(serial, True, True, error) for serial, error in listed]
        return [
            self._pump(p.get("serial") or "", p["certificate"], p["seals"], p["error"])
            for p in answers.get("pumps", [])
            if {"certificate", "seals", "error"} <= p.keys()
        ]

    def _pump(self, serial: str, certificate: bool, seals: bool, error: Decimal) -> PumpCheck:
        return PumpCheck(serial, certificate, seals, float(error), abs(Decimal(str(error))) <= self.limit)

    def compliant(self, answers) -> bool:
        return all(a.result != "not_met" for a in self.checklist(answers)) and all(
            p.within_limit and p.certificate_valid and p.seals_intact for p in self.pumps(answers)
        )

    # --- choices and suggestions --------------------------------------------------------------------

    async def plan_choices(self, ctx: FlowContext, _answers) -> list[Choice]:
        plans = await records.list_plans(ctx.session, open_only=True)
        return [Choice(f"p{p.id}", texts.inspection.plan_label(p.number, p.plan_date, p.subject)) for p in plans]

    def kind_choices(self) -> list[Choice]:
        return [Choice(k.key, facilities.kind_label(k)) for k in self.catalogue.facility_kinds]

    async def facility_choices(self, ctx: FlowContext, answers) -> list[Choice]:
        """Remembered facilities of this kind matching the typed letters; one already recorded for this
        plan and day is listed as such (picking it says so); "add a new facility" comes last."""
        kind = _kind(answers)
        found = await facilities.search(ctx.session, answers["query"], kind=kind)
        recorded = await facilities_store.visits_on(
            ctx.session, _id(answers["plan"]), answers["visit_date"], [f.id for f in found]
        )
        choices = []
        for facility in found:
            visit = recorded.get(facility.id)
            if visit is not None:
                choices.append(Choice(f"v{visit.id}", texts.inspection.facility_recorded_label(facility.name, visit.id)))
            else:
                choices.append(Choice(facilities.facility_key(facility.id, kind), facilities.label_of(facility)))
        return [*choices, Choice("new", texts.inspection.NEW_FACILITY)]

    @staticmethod
    def check_facility(value: str, answers) -> str | None:
        if value.startswith("v"):
            return texts.inspection.facility_already_recorded(_id(value))
        parsed = facilities.parse_facility_key(value)
        if parsed is not None and parsed[1] != _kind(answers):  # the kind was changed afterwards
            return texts.inspection.KIND_CHANGED
        return None

    @staticmethod
    async def inspector_choices(ctx: FlowContext, answers) -> list[Choice]:
        chosen = {item.get("inspector") for item in answers.get("others", [])}
        everyone = await people.list_staff(ctx.session)
        return [
            Choice(f"s{s.id}", s.name)
            for s in everyone
            if s.has("inspector") and s.id != ctx.staff.id and f"s{s.id}" not in chosen
        ]

    # --- the declaration ----------------------------------------------------------------------------

    def questions(self) -> list[Question | RepeatGroup]:
        new = _new_facility
        items: list[Question | RepeatGroup] = [
            Question("plan", "choice", texts.inspection.ASK_PLAN, label=texts.inspection.LABEL_PLAN, choices=self.plan_choices),
            capture.date_question(self.services, prompt=texts.inspection.ASK_DATE, key="visit_date", label=texts.inspection.LABEL_DATE),
            Question("kind", "choice", texts.inspection.ASK_KIND, label=texts.inspection.LABEL_KIND, choices=self.kind_choices()),
            Question("query", "text", texts.inspection.ASK_QUERY, label=texts.inspection.LABEL_QUERY, max_length=100,
                     validate=facilities.check_query),
            Question("facility", "choice", texts.inspection.ASK_FACILITY, label=texts.inspection.LABEL_FACILITY,
                     choices=self.facility_choices, validate=self.check_facility),
            Question("new_name", "text", texts.inspection.ASK_NEW_NAME, label=texts.inspection.LABEL_NEW_NAME, when=new,
                     max_length=facilities.NAME_MAX, validate=facilities.check_name),
            Question("new_tax_code", "text", texts.inspection.ASK_NEW_TAX, label=texts.inspection.LABEL_NEW_TAX, when=new, optional=True,
                     max_length=20, validate=facilities.check_tax_code),
            Question("new_address", "text", texts.inspection.ASK_NEW_ADDRESS, label=texts.inspection.LABEL_NEW_ADDRESS, when=new,
                     max_length=300),
            RepeatGroup(
                "others",
                [Question("inspector", "choice", texts.inspection.ASK_INSPECTOR, label=texts.inspection.LABEL_INSPECTOR,
                          choices=self.inspector_choices)],
                ask_more_prompt=texts.inspection.ASK_MORE_INSPECTORS,
                min_items=0,
                max_items=10,
                label=texts.inspection.GROUP_INSPECTORS,
            ),
            # a position (shared or typed) or an address; "gps" kept so stored drafts read back
            Question("gps", "location", texts.inspection.ASK_GPS, label=texts.inspection.LABEL_GPS, optional=True),
        ]
        for kind in self.catalogue.facility_kinds:
            items += self._checklist_questions(kind)
        items += [
            Question("pumps_quick", "text", texts.inspection.ASK_PUMPS_QUICK, label=texts.inspection.LABEL_PUMPS_QUICK, max_length=1000,
                     when=lambda a: self.has_pumps(a) and _all_ok(a) is True, validate=_check_pump_list),
            RepeatGroup(
                "pumps",
                [
                    Question("serial", "text", texts.inspection.ASK_PUMP_SERIAL, label=texts.inspection.LABEL_PUMP_SERIAL, max_length=50),
                    Question("certificate", "yesno", texts.inspection.ASK_PUMP_CERT, label=texts.inspection.LABEL_PUMP_CERT),
                    Question("seals", "yesno", texts.inspection.ASK_PUMP_SEALS, label=texts.inspection.LABEL_PUMP_SEALS),
                    Question("error", "decimal", texts.inspection.pump_error_prompt(self.limit), label=texts.inspection.LABEL_PUMP_ERROR,
                             validate=_check_error),
                ],
                ask_more_prompt=texts.inspection.ASK_MORE_PUMPS,
                min_items=1,
                max_items=MAX_PUMPS,
                label=texts.inspection.GROUP_PUMPS,
                when=lambda a: self.has_pumps(a) and _all_ok(a) is False,
            ),
            Question("action", "choice", texts.inspection.ASK_ACTION, label=texts.inspection.LABEL_ACTION,
                     choices=tuple(Choice(k, label) for k, label in texts.inspection.ACTIONS)),
            Question("fine_amount", "integer", texts.inspection.ASK_FINE, label=texts.inspection.LABEL_FINE,
                     when=lambda a: a.get("action") == "fine", validate=_check_fine),
            Question("violations", "text", texts.inspection.ASK_VIOLATIONS, label=texts.inspection.LABEL_VIOLATIONS, optional=True,
                     max_length=2000, multiline=True,
                     when=lambda a: a.get("action") not in (None, "none") or not self.compliant(a)),
        ]
        return items

    def _checklist_questions(self, kind: FacilityKind) -> list[Question]:
        def this_kind(answers) -> bool:
            return _kind(answers) == kind.key

        def one_by_one(answers) -> bool:
            return this_kind(answers) and answers.get(f"ok_{kind.key}") is False

        labels = [c.label for c in kind.criteria]
        items = [
            Question(f"ok_{kind.key}", "yesno", texts.inspection.all_ok_prompt(labels, kind.has_pumps, self.limit),
                     label=texts.inspection.LABEL_ALL_OK, when=this_kind)
        ]
        for criterion in kind.criteria:
            result_key = f"c_{kind.key}_{criterion.key}"

            def not_met(answers, result_key=result_key) -> bool:
                return one_by_one(answers) and answers.get(result_key) == "not_met"

            items += [
                Question(result_key, "choice", texts.inspection.criterion_prompt(criterion.label), label=criterion.label,
                         choices=RESULTS, when=one_by_one),
                Question(f"n_{kind.key}_{criterion.key}", "text", texts.inspection.ASK_NOTE,
                         label=f"{texts.inspection.LABEL_NOTE} ({criterion.label})", optional=True, max_length=1000,
                         when=not_met),
            ]
        return items

    def flow(self) -> Flow:
        return Flow(
            name=FLOW_NAME,
            title=texts.inspection.TITLE,
            roles=("inspector",),
            command="kiemtra",
            questions=self.questions(),
            save=self.save,
            summarize=self.summarize,
        )

    # --- review and save ----------------------------------------------------------------------------

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
        if facility is None:
            return None
        return await facilities_store.existing_visit(
            ctx.session, _id(answers["plan"]), facility.id, answers["visit_date"]
        )

    @staticmethod
    async def _who(ctx: FlowContext, visit: InspectionVisit) -> str:
        staff_id = visit.meta.recorded_by if visit.meta else 0
        try:
            return (await people.get_staff(ctx.session, staff_id)).name
        except Exception:  # a removed staff member: say who by number
            return texts.inspection.someone(staff_id)

    async def summarize(self, ctx: FlowContext, answers: dict[str, Any]) -> str:
        """The review: short lines that read well on a phone, the verdict last, a duplicate warned."""
        labels = answers["_labels"]
        kind = self.kind_of(answers)
        facility, notice = await self._facility(ctx, answers)
        lines = [texts.inspection.REVIEW_TITLE.format(kind=facilities.kind_label(kind).upper() if kind else "")]
        lines.append(f"{texts.inspection.LABEL_PLAN}: {labels.get('plan', '')}")
        lines.append(f"{texts.inspection.LABEL_DATE}: {texts.inspection.format_date(answers['visit_date'])}")
        if facility is not None:
            lines.append(f"{texts.inspection.LABEL_FACILITY}: {facilities.label_of(facility)}")
        else:
            tax = facilities.normalise_tax_code(answers.get("new_tax_code") or "") or ""
            name = texts.inspection.facility_label(answers.get("new_name", ""), answers.get("new_address", ""), tax)
            lines.append(f"{texts.inspection.LABEL_FACILITY}: {name}{texts.inspection.REVIEW_NEW_FACILITY}")
        team = [ctx.staff.name] + [
            labels.get(f"others.{i}.inspector", "") for i in range(len(answers.get("others", [])))
        ]
        lines.append(f"{texts.inspection.REVIEW_TEAM}: {', '.join(t for t in team if t)}")
        if answers.get("gps") is not None:
            lines.append(f"{texts.inspection.LABEL_GPS}: {texts.common.format_location(answers['gps'])}")
        lines += self._checklist_lines(kind, answers)
        pumps = self.pumps(answers)
        if pumps:
            lines.append(texts.inspection.pumps_header(len(pumps)))
            lines += [
                texts.inspection.pump_line(i, p.serial, Decimal(str(p.error_percent)), p.within_limit, p.certificate_valid,
                            p.seals_intact, self.limit)
                for i, p in enumerate(pumps, start=1)
            ]
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

    def _checklist_lines(self, kind: FacilityKind | None, answers) -> list[str]:
        if kind is None:
            return []
        if _all_ok(answers):
            return [texts.inspection.REVIEW_ALL_MET]
        labels = {c.key: c.label for c in kind.criteria}
        lines = [texts.inspection.REVIEW_CRITERIA]
        for answer in self.checklist(answers):
            line = f"  {texts.inspection.RESULT_MARK[answer.result]} {labels.get(answer.criterion, answer.criterion)}"
            line += f": {texts.inspection.RESULT_WORD[answer.result].lower()}"
            if answer.note:
                line += f" — {answer.note}"
            lines.append(line)
        return lines

    async def save(self, ctx: FlowContext, answers: dict[str, Any]) -> str:
        """One record per visit: refuses a second record of the same plan, facility and day, and (unless
        a manager) a day in a closed period, read again here in the unit of work that writes."""
        snapshot = capture.closed_periods(ctx.settings)
        await snapshot.refresh(ctx.session)
        closed = snapshot.closed(answers["visit_date"])
        if closed is not None and not ctx.staff.has(capture.MANAGER):
            return capture.refusal(closed)
        facility, _ = await self._facility(ctx, answers)
        duplicate = await self._duplicate(ctx, answers, facility)
        if duplicate is not None:
            return texts.inspection.refused_duplicate(duplicate.id, await self._who(ctx, duplicate))
        kind = _kind(answers)
        if facility is None:
            facility = await facilities.add_new_facility(
                ctx, kind, answers["new_name"], answers.get("new_tax_code") or "",
                answers.get("new_address") or "", self.province,
            )
        meta = RecordMeta(ctx.staff.id, ctx.incoming.channel, ctx.incoming.event_key, ctx.now)
        where = answers.get("gps")
        location = where if isinstance(where, Location) else None
        if location is not None:  # kept with the facility, never as a trace of the person
            facility = await records.update_facility(
                ctx.session,
                Facility(facility.id, facility.kind, facility.name, facility.tax_code, facility.address,
                         facility.province, location.latitude, location.longitude, facility.merged_into),
                meta,
            )
        others = [_id(item["inspector"]) for item in answers.get("others", []) if item.get("inspector")]
        inspectors = tuple(dict.fromkeys([ctx.staff.id, *others]))
        visit = InspectionVisit(
            id=0,
            plan_id=_id(answers["plan"]),
            facility_id=facility.id,
            facility_kind=kind,
            visit_date=answers["visit_date"],
            inspectors=inspectors,
            checklist=tuple(self.checklist(answers)),
            pumps=tuple(self.pumps(answers)),
            location_text=where if isinstance(where, str) else "",  # a typed address
            violations=answers.get("violations") or "",
            action=answers.get("action") or "none",
            fine_amount=answers.get("fine_amount") or 0 if answers.get("action") == "fine" else 0,
            photos=tuple(answers["_photos"]),
        )
        saved = await records.add_inspection(ctx.session, visit, meta)
        return texts.inspection.saved(saved.id, facility.name, saved.compliant)


def build(services) -> dict[str, Flow]:
    """The form by name for build_flows, also under the names of stored drafts of its old twin."""
    limit = Decimal(str(services.config.reporting.get("pump_error_limit_percent", "0.45")))
    province = str(services.config.organisation.get("province", ""))
    form = Inspection(services, services.catalogue, limit, province).flow()
    return {FLOW_NAME: form, **dict.fromkeys(OLD_FLOW_NAMES, form)}


async def command(unit, staff, services) -> StartForm | None:
    """/kiemtra: starts the form, or says a manager must open a plan first."""
    if not await records.list_plans(unit.session, open_only=True):
        unit.reply(Reply(text=texts.inspection.NO_OPEN_PLAN))
        return
    return StartForm(FLOW_NAME)


