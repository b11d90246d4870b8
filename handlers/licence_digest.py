"""The weekly expiry digest: on the first working day of each week (Saturdays, Sundays and the
catalogue's holidays are not), licensing officers are told which licences expire within the configured
horizons ([reporting] licence_horizons, e.g. 90 / 30 / 7 days) and which have expired without a
renewal. Managers get the same list with the monthly reminder (handlers/reminders.py).

One job per week, keyed by the week's Monday, so a week has at most one digest whatever restarts; the
job schedules the next week's. A digest missed while the bot was down is sent when it starts again in
the same week, dropped after. A licence replaced by a renewal, amendment or re-issue recorded with
/giayphep is never listed again: it is no longer current.
"""

from __future__ import annotations

import datetime as dt
import logging

import texts
from bot.config import ConfigError
from bot.messages import Reply
from handlers import notify
from reports import licence_files
from storage import engine_store, licence_register, people

log = logging.getLogger(__name__)

DIGEST = "licence_digest"
DIGEST_ROLES = ("licensing",)
GROUP_LIMIT = 10  # lines per group: a long list is summed up (Zalo splits a message at 1,900 characters)


def settings_of(services) -> licence_files.Settings:
    """[reporting] licence_horizons and licence_expired_days; a malformed value is a configuration error."""
    try:
        return licence_files.Settings.from_config(services.config.reporting)
    except ValueError as error:
        raise ConfigError(f"{services.config.path}: {error}") from None


def week_of(day: dt.date) -> dt.date:
    """The Monday of the day's week."""
    return day - dt.timedelta(days=day.weekday())


async def digest_text(session, services, today: dt.date, *, managers: bool, days: int | None = None,
                      always: bool = False) -> str:
    """The licences to renew as of `today`, grouped by horizon; "" when there are none (unless `always`)."""
    settings = settings_of(services)
    horizons = sorted(settings.horizons) if days is None else sorted({h for h in settings.horizons if h < days} | {days})
    since = today - dt.timedelta(days=settings.expired_days)
    due = await licence_register.expiring(session, today, max(horizons), since)
    if not due and not always:
        return ""
    groups: dict[int | None, list] = {None: [lic for lic in due if lic.expiry_date < today]}
    for licence in due:
        if licence.expiry_date >= today:
            left = (licence.expiry_date - today).days
            groups.setdefault(next(h for h in horizons if left <= h), []).append(licence)
    lines = [texts.licences.digest_header(today, managers)]
    for horizon in (None, *horizons):
        listed = groups.get(horizon, [])
        if not listed:
            continue
        lines.append(texts.licences.digest_group(horizon, len(listed)))
        lines += [texts.licences.digest_line(lic.number, lic.holder, lic.expiry_date) for lic in listed[:GROUP_LIMIT]]
        if len(listed) > GROUP_LIMIT:
            lines.append(texts.licences.digest_more(len(listed) - GROUP_LIMIT))
    if not due:
        lines.append(texts.licences.nothing_due(max(horizons)))
    lines.append(texts.licences.DIGEST_FOOTER)
    return "\n".join(lines)


def _due_at(day: dt.date, services) -> dt.datetime:
    hour = int(services.config.reporting.get("reminder_hour", 8))
    return dt.datetime.combine(day, dt.time(hour), tzinfo=services.config.general.zone).astimezone(dt.UTC)


async def schedule_week(session, monday: dt.date, services, today: dt.date) -> None:
    """The digest of this week, on its first working day not before `today` (a bot started on a Wednesday
    sends that week's on Wednesday, never on a weekend), else of the first week after with one."""
    for _ in range(8):
        days = [monday + dt.timedelta(days=i) for i in range(5)]
        day = next((d for d in days if d >= today and services.catalogue.working_day(d)), None)
        if day is not None:
            await engine_store.schedule_once(session, key=f"{DIGEST}:{monday.isoformat()}", kind=DIGEST,
                                             due_at=_due_at(day, services), payload={"week": monday.isoformat()})
            return
        monday += dt.timedelta(days=7)


def digest_job(services):
    async def send(session, job, now: dt.datetime) -> list[tuple[str, str, Reply]]:
        today = now.astimezone(services.config.general.zone).date()
        monday = dt.date.fromisoformat(job.payload["week"])
        await schedule_week(session, max(monday + dt.timedelta(days=7), week_of(today)), services, today)
        if week_of(today) != monday or not services.catalogue.working_day(today):
            log.info("licence digest of the week of %s dropped: not sent by the week's last working day", monday)
            return []
        text = await digest_text(session, services, today, managers=False)
        if not text:
            return []
        staff = [s for s in await people.list_staff(session) if s.has(*DIGEST_ROLES)]
        return notify.to_chats(staff, Reply(text=text, polite=True))

    return send


def digest_starter(services):
    """Schedules the current week's digest once per process (scheduling is idempotent by key)."""

    async def schedule(session, now: dt.datetime) -> None:
        today = now.astimezone(services.config.general.zone).date()
        await schedule_week(session, week_of(today), services, today)

    return notify.once_per_process(schedule)


def install(app) -> None:
    """Register the digest job and its starter with the app's engine, unless reminders are off."""
    services = app.services
    settings_of(services)  # a malformed setting fails at start
    if services.config.reporting.get("reminders", True):
        app.engine.job_handlers[DIGEST] = digest_job(services)
        app.engine.sweepers.append(digest_starter(services))
