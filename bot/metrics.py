"""Prometheus metrics (prometheus-client), one registry per app, served at /metrics.

Counted in the process as things happen: messages received and handled per channel, handling
latency, replies sent and failed sends, jobs run and failed. Read from the database at each scrape:
the inbox and outbox backlogs (notices held for quiet hours apart), the ages of the oldest unhandled message and undelivered reply, records
saved per kind (the audit log's "create" entries, so the count survives restarts), the review queue per
kind of record: its length and how long its oldest record has waited (issue 24). From bot.health:
channel up/down, receiving tasks running and restarted, free space in the data folder.
"""

from __future__ import annotations

import datetime as dt

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import func, select

from bot.health import UP, Health
from storage import review
from storage.engine_store import aware, released, waiting_since
from storage.models import AuditRow, InboxRow, OutboxRow

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _Records:
    """records_saved_total{kind}: the values read at the last refresh."""

    def __init__(self):
        self.counts: dict[str, int] = {}

    def collect(self):
        family = CounterMetricFamily("fieldbot_records_saved", "Records saved, by kind (from the audit log)",
                                     labels=["kind"])
        for kind, count in sorted(self.counts.items()):
            family.add_metric([kind], count)
        yield family


class _Tasks:
    """Receiving tasks, read from bot.health at each scrape: running, and restarts after an error."""

    def __init__(self):
        self.health: Health | None = None

    def collect(self):
        running = GaugeMetricFamily("fieldbot_task_running", "1 while the receiving task runs, else 0", labels=["task"])
        restarts = CounterMetricFamily("fieldbot_task_restarts", "Receiving tasks started again after an error",
                                       labels=["task"])
        for name, task in sorted(self.health.tasks.items() if self.health else ()):
            running.add_metric([name], 1 if task.running else 0)
            restarts.add_metric([name], task.restarts)
        yield running
        yield restarts


class Metrics:
    def __init__(self):
        r = self.registry = CollectorRegistry()
        self.received = Counter("fieldbot_messages_received", "Messages stored in the inbox", ["channel"], registry=r)
        self.handled = Counter("fieldbot_messages_handled", "Messages handled (outcome: ok | failed)",
                               ["channel", "outcome"], registry=r)
        self.latency = Histogram("fieldbot_handling_seconds", "Time to handle one message (one transaction)",
                                 ["channel"], registry=r,
                                 buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
        self.sent = Counter("fieldbot_replies_sent", "Replies the platform accepted", ["channel"], registry=r)
        self.send_failures = Counter("fieldbot_send_failures", "Failed sends (kind: retry | dropped | gave_up)",
                                     ["channel", "kind"], registry=r)
        self.jobs_run = Counter("fieldbot_jobs_run", "Timed jobs and sweeps run", ["kind"], registry=r)
        self.jobs_failed = Counter("fieldbot_jobs_failed", "Timed jobs and sweeps that raised", ["kind"], registry=r)
        self.inbox_backlog = Gauge("fieldbot_inbox_backlog", "Messages received, not yet handled", registry=r)
        self.outbox_backlog = Gauge("fieldbot_outbox_backlog", "Replies queued, not yet delivered", registry=r)
        self.outbox_held = Gauge("fieldbot_outbox_held", "Notices waiting for the end of the quiet hours", registry=r)
        self.outbox_oldest = Gauge("fieldbot_outbox_oldest_pending_seconds",
                                   "Age of the oldest undelivered reply (0 when none)", registry=r)
        self.inbox_oldest = Gauge("fieldbot_inbox_oldest_pending_seconds",
                                  "Age of the oldest message received, not yet handled (0 when none)", registry=r)
        self.review_queue = Gauge("fieldbot_review_queue", "Records waiting for review (/duyet), by kind",
                                  ["kind"], registry=r)
        self.review_oldest = Gauge("fieldbot_review_oldest_waiting_seconds",
                                   "How long the oldest record waiting for review has waited (0 when none), by kind",
                                   ["kind"], registry=r)
        self.free_bytes = Gauge("fieldbot_data_free_bytes", "Free space in the data folder", registry=r)
        self.channel_up = Gauge("fieldbot_channel_up", "1 when the channel receives, else 0", ["channel"], registry=r)
        self._records = _Records()
        r.register(self._records)
        self._tasks = _Tasks()
        r.register(self._tasks)

    async def refresh(self, db, health: Health | None, now: dt.datetime) -> None:
        """Read what the database knows (backlogs, records) and the channels' states."""
        async with db.read() as session:
            inbox, inbox_oldest = (await session.execute(
                select(func.count(InboxRow.id), func.min(InboxRow.received_at)).where(InboxRow.status == "pending")
            )).one()
            outbox, oldest = (await session.execute(
                select(func.count(OutboxRow.id), func.min(waiting_since()))
                .where(OutboxRow.status == "pending", released(now))
            )).one()
            held = await session.scalar(select(func.count(OutboxRow.id))
                                        .where(OutboxRow.status == "pending", ~released(now)))
            records = (await session.execute(
                select(AuditRow.entity, func.count(AuditRow.id)).where(AuditRow.action == "create")
                .group_by(AuditRow.entity)
            )).all()
            queues = {kind: await review.queue_stats(session, [kind]) for kind in review.KINDS}
        self.inbox_backlog.set(inbox or 0)
        self.outbox_backlog.set(outbox or 0)
        self.outbox_held.set(held or 0)
        self.outbox_oldest.set(max(0.0, (now - aware(oldest)).total_seconds()) if oldest else 0.0)
        self.inbox_oldest.set(max(0.0, (now - aware(inbox_oldest)).total_seconds()) if inbox_oldest else 0.0)
        self._records.counts = {kind: count for kind, count in records}
        for kind, queue in queues.items():
            self.review_queue.labels(kind).set(queue.length)
            age = queue.age(now)
            self.review_oldest.labels(kind).set(age.total_seconds() if age is not None else 0.0)
        self._tasks.health = health
        free = health.free_bytes() if health else None
        if free is not None:
            self.free_bytes.set(free)
        for name, state in (health.channels.items() if health else ()):
            self.channel_up.labels(name).set(1 if state.state == UP else 0)

    def render(self) -> bytes:
        return generate_latest(self.registry)
