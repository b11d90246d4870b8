"""/tracuu (/lookup): the licence register in the chat, for licensing officers, managers and inspectors.

- `/tracuu TEXT`: the licences whose number, holder or facility has the typed words (diacritics
  optional, a word may be its beginning; one wrong letter allowed when nothing matches exactly), each
  with its kind, dates, status today and its history (cấp → gia hạn → sửa đổi → cấp lại). The first
  ten, then how to narrow.
- `/tracuu` alone: an inspector gets the licences of the facility in hand — the one picked in the
  /kiemtra draft (the command keeps the draft: a look-up in the middle of a check loses nothing), else
  the facility of the inspector's latest visit today; everyone else gets how to use it.
- `/tracuu sắp hết hạn [N]`, `/tracuu toàn bộ`: managers get the .xlsx files (Telegram: a document;
  Zalo: a link), made by a job as /xuat is; licensing officers and inspectors get the list as text.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path
from typing import Any

from sqlalchemy import select

import texts
from bot.messages import Reply
from handlers import facilities
from handlers.licence import kind_label
from handlers.licence_digest import digest_text, settings_of
from reports import licence_files
from storage import engine_store, licence_register, records
from storage.domain import Licence, NotFound, Staff
from storage.record_models import InspectionRow
from storage.text import fold

log = logging.getLogger(__name__)

LIMIT = 10
EXPIRING, REGISTER = licence_files.EXPIRING, licence_files.REGISTER
_EXPIRING_WORDS = re.compile(r"(?:sap het han|het han|expiring|sap hh)\s*(\d+)?\s*(?:ngay)?")
_REGISTER_WORDS = {"toan bo", "tat ca", "ca so", "so giay phep", "toan bo so", "export", "all", "xuat"}





async def command(unit, staff: Staff, services) -> None:
    typed = unit.incoming.text.strip()
    folded = fold(typed)
    conversation = await engine_store.get_conversation(unit.session, unit.incoming.channel, unit.incoming.chat_id)
    state = conversation.state if conversation else None
    files = _EXPIRING_WORDS.fullmatch(folded)
    if files or folded in _REGISTER_WORDS:
        await _files(unit, staff, services, EXPIRING if files else REGISTER, files[1] if files else None)
    elif typed:
        unit.reply(Reply(text=await answer(unit.session, services, typed, services.today(unit))))
    else:
        unit.reply(Reply(text=await _in_hand(unit, staff, services, state)))
    if state is not None and state.get("kind") == "flow":  # a look-up in the middle of a form keeps it
        flow = services.flows.get(state.get("flow"))
        unit.reply(Reply(text=texts.licences.KEEP_ANSWERING.format(title=flow.title if flow else "")))


async def answer(session, services, query: str, today: dt.date) -> str:
    """The answer to `/tracuu query`."""
    found = await licence_register.search(session, query, LIMIT)
    if not found.total:
        return texts.licences.none_found(query)
    lines = [texts.licences.found_header(query, found.total, found.typo)]
    lines += [describe(services, m.licence, m.history, m.replaced, i, today) for i, m in enumerate(found.matches, 1)]
    if found.total > len(found.matches):
        lines.append(texts.licences.more_results(len(found.matches), found.total))
    return "\n\n".join(lines)


def describe(services, licence: Licence, history, replaced: bool, position: int, today: dt.date) -> str:
    status = licence_register.status_of(licence, today, settings_of(services).soon_days, replaced)
    steps = [texts.licences.history_step(h.action, h.issue_date, h.number, h.number == licence.number) for h in history]
    return texts.licences.licence_block(
        position, licence.number, kind_label(services.catalogue, licence.kind), licence.holder, licence.facility,
        licence.issue_date, licence.expiry_date, texts.licences.status_text(status, licence.expiry_date, today), steps,
    )  # fmt: skip


async def _in_hand(unit, staff: Staff, services, state: dict | None) -> str:
    """`/tracuu` alone: an inspector's facility in hand, else how to use the command."""
    facility_id = _drafted_facility(state) if staff.has("inspector") else None
    if facility_id is None and staff.has("inspector"):
        facility_id = await _visited_today(unit.session, staff, services.today(unit))
    if facility_id is None:
        usage = texts.licences.USAGE
        return f"{usage}\n{texts.licences.MANAGER_FILES}" if staff.has("manager") else usage
    try:
        facility = await records.get_facility(unit.session, facility_id)
    except NotFound:
        return texts.licences.USAGE
    held = await licence_register.of_facility(unit.session, facility.id, facility.name)
    replaced = await licence_register.replaced_ids(unit.session)
    today = services.today(unit)
    current = [lic for lic in held if lic.id not in replaced] + [lic for lic in held if lic.id in replaced]
    blocks = [texts.licences.facility_header(facility.name, len(held))]
    for i, lic in enumerate(current[:LIMIT], 1):
        blocks.append(describe(services, lic, await licence_register.history(unit.session, lic), lic.id in replaced, i, today))
    if len(current) > LIMIT:
        blocks.append(texts.licences.more_results(LIMIT, len(current)))
    return "\n\n".join(blocks)


def _drafted_facility(state: dict | None) -> int | None:
    if state is None or state.get("kind") != "flow":
        return None
    picked = facilities.parse_facility_key(str(state.get("state", {}).get("answers", {}).get("facility", "")))
    return picked[0] if picked else None


async def _visited_today(session, staff: Staff, today: dt.date) -> int | None:
    rows = await session.execute(
        select(InspectionRow.facility_id, InspectionRow.inspectors, InspectionRow.recorded_by)
        .where(InspectionRow.status == "active", InspectionRow.business_date == today)
        .order_by(InspectionRow.id.desc())
    )
    for facility_id, inspectors, recorded_by in rows:
        if staff.id in (inspectors or ()) or recorded_by == staff.id:
            return facility_id
    return None


# --- the files --------------------------------------------------------------------------------------


async def _files(unit, staff: Staff, services, kind: str, days_typed: str | None) -> None:
    settings = settings_of(services)
    days = int(days_typed) if days_typed else settings.soon_days
    if not 1 <= days <= 3650:
        unit.reply(Reply(text=texts.licences.BAD_DAYS))
        return
    today = services.today(unit)
    if not staff.has("manager"):  # the list as text; files are the managers'
        unit.reply(Reply(text=await digest_text(unit.session, services, today, managers=False, days=days, always=True)))
        return
    msg = unit.incoming
    token = f"{kind}:{msg.event_key}"
    payload = {"chat": msg.chat_id, "channel": msg.channel, "staff_id": staff.id, "days": days,
               "today": today.isoformat(), "token": token}
    await engine_store.schedule_once(unit.session, key=f"{kind}:{msg.channel}:{msg.event_key}", kind=kind,
                                     due_at=unit.now, payload=payload)
    unit.reply(Reply(text=texts.licences.making(kind, days), token=token))
    unit.reply(Reply(kind="typing"))


class FileJobs:
    """The engine jobs that write the register's files and send them (as /xuat's job does)."""

    def __init__(self, app: Any):
        self.db, self.catalogue = app.db, app.services.catalogue
        self.settings = settings_of(app.services)
        self.folder = Path(app.config.general.data_dir) / "documents"

    def handler(self, kind: str):
        async def run(session, job: engine_store.Job, now: dt.datetime) -> list[tuple[str, str, Reply]]:
            p = job.payload
            today = dt.date.fromisoformat(p["today"])
            name = ("GiayPhep_SapHetHan" if kind == EXPIRING else "SoGiayPhep") + f"_{today:%Y-%m-%d}"
            try:
                rows = await licence_files.load(session, kind, today, p["days"], self.settings)
                made = licence_files.write(rows, kind, self.catalogue, today, self.folder / f"{name}_{job.id}.xlsx")
            except Exception:  # a full disk will not mend itself: tell the manager once, never retry forever
                log.exception("%s for %s/%s failed", kind, p["channel"], p["chat"])
                return [(p["channel"], p["chat"], Reply(kind="edit", token=p["token"], text=texts.licences.FILE_FAILED))]
            await engine_store.audit(session, staff_id=p["staff_id"], action="export", entity=kind,
                                     entity_id=today.isoformat(), after={"rows": made.rows}, now=now)
            edit = Reply(kind="edit", token=p["token"], text=texts.licences.ready(kind, made.rows))
            document = Reply(kind="document", document_path=str(made.path), document_name=f"{name}.xlsx",
                             text=texts.licences.caption(kind, today, p["days"]))
            return [(p["channel"], p["chat"], edit), (p["channel"], p["chat"], document)]

        return run


def install(app: Any) -> None:
    """Register the file jobs (called by app/wiring.py); a malformed [reporting] setting fails at start."""
    jobs = FileJobs(app)
    app.engine.job_handlers[EXPIRING] = jobs.handler(EXPIRING)
    app.engine.job_handlers[REGISTER] = jobs.handler(REGISTER)
