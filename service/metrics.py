"""Operators' figures for Prometheus, read from the database (the one truth all processes share): timer
lateness, open and overdue tasks, the outbox backlog, cases by status.

The figures are counted in the database at each scrape, so they are the same whichever process
answers; ``prometheus_client`` writes them in its exposition format, from a registry of one collector
made for that scrape (nothing is kept between scrapes).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.cases.models import Case, TimerFiring
from service.notifications.models import OutboxMessage
from service.tasks.models import HumanTask, TaskStatus

LATENESS_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def render_metrics(session: Session, now: datetime) -> str:
    """Every figure, in the Prometheus text format."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_DatabaseFigures(session, now))
    return generate_latest(registry).decode("utf-8")


class _DatabaseFigures(Collector):
    def __init__(self, session: Session, now: datetime) -> None:
        self.session, self.now = session, now

    def collect(self) -> Iterator[Metric]:
        yield self._lateness()
        yield from self._tasks()
        yield self._grouped("safeguarding_outbox_messages", "Notifications in the outbox, by status.",
                            OutboxMessage.status)
        yield self._grouped("safeguarding_cases", "Cases by status (incident: stopped, needs attention).",
                            Case.status)
        due = self.session.scalar(select(func.count()).select_from(Case).where(
            Case.status == "active", Case.next_timer_at < self.now)) or 0
        yield GaugeMetricFamily("safeguarding_timers_due", "Cases with a timer due now and not yet fired.",
                                value=due)

    def _lateness(self) -> Metric:
        late = TimerFiring.lateness_seconds
        columns = [func.sum(when((late <= bound, 1), else_=0)) for bound in LATENESS_BUCKETS]
        row = self.session.execute(select(*columns, func.count(), func.coalesce(func.sum(late), 0.0))).one()
        total, seconds = row[len(LATENESS_BUCKETS)], row[len(LATENESS_BUCKETS) + 1]
        buckets = [(str(bound), float(count or 0)) for bound, count in
                   zip(LATENESS_BUCKETS, row[: len(LATENESS_BUCKETS)], strict=True)]
        return HistogramMetricFamily("safeguarding_timer_lateness_seconds",
                                     "How long after its due instant each timer fired.",
                                     buckets=[*buckets, ("+Inf", float(total))], sum_value=float(seconds))

    def _tasks(self) -> Iterator[Metric]:
        overdue = func.sum(when((HumanTask.due_at < self.now, 1), else_=0))
        rows = self.session.execute(select(HumanTask.role, func.count(), overdue)
                                    .where(HumanTask.state == TaskStatus.OPEN).group_by(HumanTask.role)).all()
        open_tasks = GaugeMetricFamily("safeguarding_open_tasks", "Open human tasks, by role.", labels=["role"])
        late_tasks = GaugeMetricFamily("safeguarding_overdue_tasks", "Open human tasks past their due time, by role.",
                                       labels=["role"])
        for role, count, late in rows:
            open_tasks.add_metric([role], count)
            late_tasks.add_metric([role], late or 0)
        yield open_tasks
        yield late_tasks

    def _grouped(self, name: str, help_text: str, column: object) -> Metric:
        family = GaugeMetricFamily(name, help_text, labels=["status"])
        for value, count in self.session.execute(select(column, func.count()).group_by(column)).all():  # type: ignore[call-overload]
            family.add_metric([str(value)], count)
        return family
