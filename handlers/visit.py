"""An inspection visit and the /kiemtra form's answers, both ways: `visit_of` builds the visit a
confirmed form stores, `answers_of` gives a stored visit back as the form's answers so that /cuatoi
opens it in /kiemtra to correct it — plan, date, facility (unchanged unless the inspector changes
it), the inspectors present, the location, the checklist with its notes, the pump line, the action,
the violations and the photos (kept; more may be sent, or all dropped from the edit list).
"""

from __future__ import annotations

import re
from typing import Any

import texts
from bot.form import FlowContext
from bot.messages import Location
from handlers import capture, checklist, facilities
from handlers.pumps import pump_list_of
from storage import people, records
from storage.domain import ChecklistAnswer, InspectionVisit, NotFound, PumpCheck


def plan_id(answers) -> int:
    return key_id(answers["plan"])


def key_id(key: str) -> int:
    """The number in a choice key: "p12" → 12, "s3" → 3, "f7/gas" → 7."""
    return int(re.sub(r"\D", "", key.split("/")[0]))


def visit_of(answers, *, facility_id: int, inspectors: tuple[int, ...], checklist: list[ChecklistAnswer],
             pumps: list[PumpCheck]) -> InspectionVisit:
    """The visit the confirmed answers describe, with what the form worked out from them: the facility
    (picked or just added), the team (the inspector who recorded it first), the checklist and the pumps."""
    where = answers.get("gps")
    fined = answers.get("action") == "fine"
    return InspectionVisit(
        id=0, plan_id=plan_id(answers), facility_id=facility_id, facility_kind=checklist_kind(answers),
        visit_date=answers["visit_date"], inspectors=inspectors, checklist=tuple(checklist), pumps=tuple(pumps),
        location_text=where if isinstance(where, str) else "",  # a typed address; a position stays with the facility
        violations=answers.get("violations") or "", action=answers.get("action") or "none",
        fine_amount=(answers.get("fine_amount") or 0) if fined else 0, photos=tuple(answers["_photos"]),
    )  # fmt: skip


def checklist_kind(answers) -> str:
    return checklist.kind_of(answers)


def inspectors_of(lead: int, answers) -> tuple[int, ...]:
    others = [key_id(item["inspector"]) for item in answers.get("others", []) if item.get("inspector")]
    return tuple(dict.fromkeys([lead, *others]))


async def corrected(ctx: FlowContext, answers) -> InspectionVisit | None:
    """The stored visit this draft corrects, if it corrects one (and it is still there)."""
    target = capture.edit_target(answers)
    if target is None:
        return None
    try:
        return await records.get_inspection(ctx.session, target[1])
    except NotFound:
        return None


async def lead(ctx: FlowContext, answers) -> int:
    """Who recorded the visit: the person confirming now, or for a correction whoever recorded it first."""
    old = await corrected(ctx, answers)
    if old is None:
        return ctx.staff.id
    return old.inspectors[0] if old.inspectors else (old.meta.recorded_by if old.meta else ctx.staff.id)


async def answers_of(ctx: FlowContext, visit: InspectionVisit) -> dict[str, Any]:
    """A stored visit as /kiemtra's answers, with the labels of its choices and its photos."""
    plan = await records.get_plan(ctx.session, visit.plan_id, include_deleted=True)
    facility = await records.get_facility(ctx.session, visit.facility_id)
    kind_key = visit.facility_kind
    labels = {"plan": texts.inspection.plan_label(plan.number, plan.plan_date, plan.subject),
              "facility": facilities.label_of(facility)}  # fmt: skip
    answers: dict[str, Any] = {
        "plan": f"p{plan.id}", "visit_date": visit.visit_date, "kind": kind_key, "query": facility.name[:100],
        "facility": facilities.facility_key(facility.id, kind_key), "action": visit.action,
        "violations": visit.violations or None, "_photos": list(visit.photos),
    }  # fmt: skip
    names = {s.id: s.name for s in await people.list_staff(ctx.session)}
    others = [i for i in visit.inspectors[1:]]
    answers["others"] = [{"inspector": f"s{i}"} for i in others]
    labels.update({f"others.{n}.inspector": names.get(i, texts.inspection.someone(i)) for n, i in enumerate(others)})
    if visit.location_text:
        answers["gps"] = visit.location_text
    elif facility.latitude is not None and facility.longitude is not None:
        answers["gps"] = Location(facility.latitude, facility.longitude)
    else:
        answers["gps"] = None  # skipped then; asked again only if the inspector picks it in the edit list
    try:
        kind = ctx.catalogue.facility_kind(kind_key)
    except KeyError:
        kind = None
    if kind is not None:
        answers.update(checklist.answers_for(kind, visit.checklist))
        if kind.has_pumps and visit.pumps:
            answers["pumps_quick"] = pump_list_of(visit.pumps)
    if visit.action == "fine":
        answers["fine_amount"] = visit.fine_amount
    return {**answers, "_labels": labels}
