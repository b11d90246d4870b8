"""/baocao and /xuat: the monthly report (.docx) and the period's raw records (.xlsx), in the chat.

Managers only (the command table refuses everyone else). Making a file takes a few hundred
milliseconds, so it never runs inside the message's unit of work: the command queues a status
message ("Đang lập báo cáo tháng 01/2023…") and schedules a one-off job. The job
(engine.job_handlers["report"] / ["export"], registered by `install`) writes the file under
<data_dir>/documents, logs who made it, and answers with an edit of the status message and the
document. The job's effects and its "done" mark commit together: it runs once, even across restarts.

Both say how many records of the period wait for review or were returned (the status at once, the
finished message again with what the report made of them, `[reporting] count`): in the chat, never in
the document (issue 24).

Section B of the report ("Phương hướng, nhiệm vụ kỳ sau") starts from [reporting] b_default: the
first report of a period whose B is empty puts the list in as ordinary notes, which /ghichu edits.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

import texts
from bot.config import Config, ConfigError
from bot.messages import Reply
from handlers import notify
from reports.periods import Period, PeriodError, default_period, parse_period, period_of
from reports.service import ALL, generate_export, generate_report, review_counts
from reports.settings import ReportSettings
from storage import engine_store, people, records, review
from storage.domain import Note, RecordMeta
from storage.report_log import log_report

log = logging.getLogger(__name__)

REPORT, EXPORT = "report", "export"
B_SECTION = "B"
_B_SEEDED = "notes.b_default"  # audit entity marking a period whose B got the default list


class PeriodInputError(ValueError):
    """A period typed in the chat that names no period, or one that has not started."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def requested_period(typed: str, cut_off_day: int, today: dt.date) -> Period:
    """The period a person typed: a month ("01/2023", "tháng 1/2023", "2023-01"), a quarter ("Q1/2023",
    "quý 1/2023"), a half-year ("6T/2023", "6 tháng đầu năm 2023") or a year ("2023"); empty: the
    current month."""
    if not typed.strip():
        return period_of(today, cut_off_day)
    try:
        period = parse_period(typed, cut_off_day)
    except PeriodError:
        raise PeriodInputError(texts.report.bad_period(typed.strip())) from None
    if period.start > today:
        raise PeriodInputError(texts.report.future_period(period))
    return period


def report_due_day(config: Config) -> int:
    """[reporting] report_due_day: until this day of the month after a cut-off, /baocao and /xuat
    without a period make the month that just ended (its report is due then); default 20."""
    day = config.reporting.get("report_due_day", 20)
    if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= 31:
        raise ConfigError(f"{config.path}: [reporting] report_due_day must be a day of the month, 1 to 31")
    return day


def report_count(config: Config) -> str:
    """[reporting] count: "all" (every record, the default) or "approved" (checked when the config loads)."""
    return config.reporting.get("count", ALL)


def b_defaults(config: Config) -> tuple[str, ...]:
    """[reporting] b_default: the paragraphs section B starts from (a list of text; may be absent)."""
    value = config.reporting.get("b_default", [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(texts.cli.CONFIG_B_DEFAULT.format(path=config.path))
    return tuple(item.strip() for item in value if item.strip())


async def seed_default_b(
    session: AsyncSession, period: str, defaults: tuple[str, ...], meta: RecordMeta, *, again: bool = False
) -> int:
    """Put the default list into section B of a period whose B is empty; once per period unless `again`
    (a clerk asking for it), so a B emptied on purpose is not refilled by the next report."""
    if not defaults or await records.list_notes(session, period, B_SECTION):
        return 0
    if not again and await _seeded(session, period):
        return 0
    for position, text in enumerate(defaults):
        await records.add_note(session, Note(0, period, B_SECTION, text, position), meta)
    await engine_store.audit(
        session,
        staff_id=meta.recorded_by,
        action="seed",
        entity=_B_SEEDED,
        entity_id=period,
        after={"notes": len(defaults)},
        now=meta.recorded_at,
    )
    return len(defaults)


async def _seeded(session: AsyncSession, period: str) -> bool:
    return any(e["entity_id"] == period for e in await engine_store.audit_entries(session, _B_SEEDED))


# --- the commands -----------------------------------------------------------------------------------


async def report_command(unit, staff, services) -> None:
    """/baocao [MM/YYYY]: a status message now, the .docx from a job."""
    await _request(unit, staff, services, REPORT)


async def export_command(unit, staff, services) -> None:
    """/xuat [MM/YYYY]: a status message now, the .xlsx from a job."""
    await _request(unit, staff, services, EXPORT)


async def _request(unit, staff, services, kind: str) -> None:
    config: Config = services.config
    today = services.today(unit)
    just_ended = False
    try:
        if unit.incoming.text.strip():
            period = requested_period(unit.incoming.text, config.cut_off_day, today)
        else:
            period, just_ended = default_period(today, config.cut_off_day, report_due_day(config))
    except PeriodInputError as error:
        unit.reply(Reply(text=error.message))
        return
    msg = unit.incoming
    token = f"{kind}:{msg.event_key}"
    if kind == REPORT:
        meta = RecordMeta(staff.id, msg.channel, msg.event_key, unit.now)
        await seed_default_b(unit.session, period.key, b_defaults(config), meta)
    payload = {
        "chat": msg.chat_id,
        "channel": msg.channel,
        "staff_id": staff.id,
        "period": period.key,
        "token": token,
    }
    # The event key is unique per channel only, so the channel is part of the job's key.
    await engine_store.schedule_once(
        unit.session, key=f"{kind}:{msg.channel}:{msg.event_key}", kind=kind, due_at=unit.now, payload=payload
    )
    if just_ended:
        unit.reply(Reply(text=texts.report.just_ended(kind, period, period.next())))
    states = review_counts(await review.counts(unit.session, period.start, period.end))
    status = f"{texts.report.making(kind, period)}\n{texts.report.under_review(states.waiting, states.returned)}"
    unit.reply(Reply(text=status, token=token))
    unit.reply(Reply(kind="typing"))


def report_settings(config: Config) -> ReportSettings:
    """The report's settings ([organisation], [reporting]) as the jobs and /ghichu's numbers read them."""
    return ReportSettings.from_config(config.organisation, config.reporting, base_dir=config.path.parent)


# --- the jobs ---------------------------------------------------------------------------------------

Outgoing = list[tuple[str, str, Reply]]


def _ready(kind: str, done: str, made) -> str:
    """The finished message: the file, the period's records under review, what the file made of them."""
    waiting, returned = made.review.waiting, made.review.returned
    said = texts.report.counted(made.count, waiting + returned) if kind == REPORT else texts.report.EXPORT_REVIEW
    return "\n".join(line for line in (done, texts.report.under_review(waiting, returned), said) if line)


class ReportJobs:
    """The engine jobs that make the files; one instance per app, holding what they need."""

    def __init__(self, app: Any):
        self.db, self.config = app.db, app.config
        self.catalogue = app.services.catalogue
        self.settings = report_settings(app.config)
        self.folder = Path(app.config.general.data_dir) / "documents"
        self.count = report_count(app.config)

    async def report(self, session: AsyncSession, job: engine_store.Job, now: dt.datetime) -> Outgoing:
        return await self._run(session, job, now, REPORT)

    async def export(self, session: AsyncSession, job: engine_store.Job, now: dt.datetime) -> Outgoing:
        return await self._run(session, job, now, EXPORT)

    async def _run(
        self, session: AsyncSession, job: engine_store.Job, now: dt.datetime, kind: str
    ) -> Outgoing:
        p = job.payload
        period = parse_period(p["period"], self.config.cut_off_day)
        try:
            made, name = await self._make(kind, period, job.id)
        except Exception:
            # The engine has no error reply for jobs and would retry a raising job forever; a broken
            # template or a full disk will not mend itself, so log it and tell the manager, once.
            log.exception("%s %s for %s/%s failed", kind, period.key, p["channel"], p["chat"])
            return [
                (p["channel"], p["chat"], Reply(kind="edit", token=p["token"], text=texts.report.failed(kind, period)))
            ]
        await log_report(
            session, kind=kind, period=period.key, staff_id=p["staff_id"], channel=p["channel"], now=now
        )
        ready = texts.report.report_ready if kind == REPORT else texts.report.export_ready
        caption = texts.report.report_caption if kind == REPORT else texts.report.export_caption
        document = Reply(
            kind="document", document_path=str(made.path), document_name=name, text=caption(period)
        )
        edit = Reply(kind="edit", token=p["token"], text=_ready(kind, ready(period, made.records), made))
        out = [(p["channel"], p["chat"], edit), (p["channel"], p["chat"], document)]
        return out + await self._no_link_notice(session, p, name)

    async def _no_link_notice(self, session: AsyncSession, p: dict, document: str) -> Outgoing:
        """Zalo takes no files: without a public address the requester is told to ask IT (the Zalo
        adapter says so under the caption), and the administrators are told why, here."""
        if p["channel"] != "zalo" or self.config.web.public_url:
            return []
        everyone = await people.list_staff(session)
        who = next((s.name for s in everyone if s.id == p["staff_id"]), texts.inspection.someone(p["staff_id"]))
        text = texts.common.ADMIN_NO_DOCUMENT_LINK.format(name=who, document=document)
        return notify.to_chats([admin for admin in everyone if admin.has("admin")], text)

    async def _make(self, kind: str, period: Period, job_id: int):
        """The file, named per job so two requests never write one file (a rerun rewrites its own)."""
        if kind == REPORT:
            name = f"BaoCao_KHCN_{period.key}.docx"
            path = self.folder / f"BaoCao_KHCN_{period.key}_{job_id}.docx"
            return await generate_report(self.db, self.catalogue, self.settings, period, path, count=self.count), name
        name = f"DuLieu_KHCN_{period.key}.xlsx"
        path = self.folder / f"DuLieu_KHCN_{period.key}_{job_id}.xlsx"
        return await generate_export(self.db, self.catalogue, period, path), name


def install(app: Any) -> None:
    """Register the report and export jobs with the app's engine (called once by bot/app.build_app)."""
    b_defaults(app.config)  # a malformed list fails at start, not at the first report
    report_due_day(app.config)
    jobs = ReportJobs(app)  # the renderers create the documents folder when they first write to it
    app.engine.job_handlers[REPORT] = jobs.report
    app.engine.job_handlers[EXPORT] = jobs.export
