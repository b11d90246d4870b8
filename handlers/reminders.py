"""Reminders before the cut-off: the day before a period ends, technicians and inspectors are told;
reviewers (managers, the reviewer role) how many records wait for them, authors which of their records
were returned to them (issue 24) — one message per person; managers get the licences to renew
(handlers/licence_digest.py) with it. Every one is a polite notice (quiet hours hold it)."""

from __future__ import annotations

import datetime as dt
import logging

import texts
from bot.messages import Reply
from handlers import licence_digest, notify
from handlers.capture import period_label
from reports.periods import Period, parse_period, period_of
from storage import engine_store, people
from storage import review as reviews
from storage.domain import RETURNED, Staff

log = logging.getLogger(__name__)

REMINDER = "reminder"
REMINDED_ROLES = ("technician", "inspector")


def reminder_at(period: Period, hour: int, zone) -> dt.datetime:
    """The day before the period's cut-off day, at the configured local hour, in UTC."""
    day = period.end - dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone).astimezone(dt.UTC)


def next_reminded(today: dt.date, cut_off_day: int) -> Period:
    """The period whose reminder is next: this one until its reminder day has passed (a late start the
    same day still sends it), then the following one."""
    period = period_of(today, cut_off_day)
    return period if today <= period.end - dt.timedelta(days=1) else period.next()


async def schedule_reminder(session, period: Period, config) -> None:
    due = reminder_at(period, int(config.reporting.get("reminder_hour", 8)), config.general.zone)
    await engine_store.schedule_once(
        session, key=f"{REMINDER}:{period.key}", kind=REMINDER, due_at=due, payload={"period": period.key}
    )


def reminder_job(services):
    """The job handler: a reminder to every linked chat of technicians and inspectors, then the next one."""

    async def send(session, job, now: dt.datetime) -> list[tuple[str, str, Reply]]:
        """At most one reminder per period, and only while its cut-off is still ahead: after downtime
        the missed ones are dropped (not sent all at once) and the next one is scheduled from today."""
        config = services.config
        period = parse_period(job.payload["period"], config.cut_off_day)
        today = now.astimezone(config.general.zone).date()
        upcoming = next_reminded(today, config.cut_off_day)
        await schedule_reminder(session, upcoming if upcoming.start > period.start else period.next(), config)
        if today > period.end:
            log.info("reminder for %s dropped: its cut-off (%s) has passed", period.key, period.end)
            return []
        text = texts.capture.reminder(period_label(period), period.end)
        everyone = await people.list_staff(session)
        out = []
        for person in everyone:
            lines = [text] if person.has(*REMINDED_ROLES) else []
            lines += await review_lines(session, person, config)
            if lines:
                out += notify.to_chats([person], Reply(text="\n\n".join(lines), polite=True))
        # managers: the licences to renew (the licensing officers' weekly digest), with the reminder
        licences = await licence_digest.digest_text(session, services, today, managers=True)
        managers = [s for s in everyone if s.has("manager")] if licences else []
        return out + notify.to_chats(managers, Reply(text=licences, polite=True))

    return send


async def review_lines(session, person: Staff, config) -> list[str]:
    """The reminder's lines about review for one person: the records waiting for them (a reviewer: the
    kinds they review, their own left out unless [review] self_approve), their records returned to them."""
    if not person.active:
        return []
    address, lines = config.language.address, []
    kinds = reviews.reviewable_kinds(person, await reviews.reviewer_kinds(session, person.id))
    if kinds:
        own = None if config.review.self_approve else person.id
        waiting = await reviews.queue(session, kinds, exclude_author=own)
        if waiting:
            oldest = min(w.since or w.recorded_at for w in waiting).astimezone(config.general.zone).date()
            lines.append(texts.capture.reminder_queue(len(waiting), oldest, address))
    returned = await reviews.queue(session, state=RETURNED, author=person.id)
    if returned:
        lines.append(texts.capture.reminder_returned(
            [(r.record_id, texts.review.KIND_NAMES.get(r.kind, r.kind), r.business_date, r.comment) for r in returned],
            address))
    return lines


def reminder_starter(services):
    """A sweeper that schedules the next reminder once per process (scheduling is idempotent by key)."""

    async def schedule(session, now: dt.datetime) -> None:
        today = now.astimezone(services.config.general.zone).date()
        await schedule_reminder(session, next_reminded(today, services.config.cut_off_day), services.config)

    return notify.once_per_process(schedule)


def install(app) -> None:
    """Register the reminder job and its starter with the app's engine, unless reminders are off."""
    services = app.services
    if services.config.reporting.get("reminders", True):
        app.engine.job_handlers[REMINDER] = reminder_job(services)
        app.engine.sweepers.append(reminder_starter(services))
