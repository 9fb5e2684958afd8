"""Operators' figures in the Prometheus text format, read from the database (the one truth all
processes share): timer lateness, open and overdue tasks, the outbox backlog, cases by status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.cases.models import Case, TimerFiring
from service.notifications.models import OutboxMessage
from service.tasks.models import HumanTask, TaskStatus

LATENESS_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0)


def render_metrics(session: Session, now: datetime) -> str:
    lines: list[str] = []
    _lateness(session, lines)
    _tasks(session, now, lines)
    _grouped(session, lines, "safeguarding_outbox_messages", "Notifications in the outbox, by status.",
             OutboxMessage.status, "status")
    _grouped(session, lines, "safeguarding_cases", "Cases by status (incident: stopped, needs attention).",
             Case.status, "status")
    due = session.scalar(select(func.count()).select_from(Case).where(
        Case.status == "active", Case.next_timer_at < now)) or 0
    lines += ["# HELP safeguarding_timers_due Cases with a timer due now and not yet fired.",
              "# TYPE safeguarding_timers_due gauge", f"safeguarding_timers_due {due}"]
    return "\n".join(lines) + "\n"


def _lateness(session: Session, lines: list[str]) -> None:
    name = "safeguarding_timer_lateness_seconds"
    late = TimerFiring.lateness_seconds
    columns = [func.sum(when((late <= bound, 1), else_=0)) for bound in LATENESS_BUCKETS]
    row = session.execute(select(*columns, func.count(), func.coalesce(func.sum(late), 0.0))).one()
    lines += [f"# HELP {name} How long after its due instant each timer fired.", f"# TYPE {name} histogram"]
    for bound, count in zip(LATENESS_BUCKETS, row[: len(LATENESS_BUCKETS)], strict=True):
        lines.append(f'{name}_bucket{{le="{bound}"}} {count or 0}')
    total, seconds = row[len(LATENESS_BUCKETS)], row[len(LATENESS_BUCKETS) + 1]
    lines += [f'{name}_bucket{{le="+Inf"}} {total}', f"{name}_sum {float(seconds)}", f"{name}_count {total}"]


def _tasks(session: Session, now: datetime, lines: list[str]) -> None:
    overdue = func.sum(when((HumanTask.due_at < now, 1), else_=0))
    rows = session.execute(select(HumanTask.role, func.count(), overdue)
                           .where(HumanTask.state == TaskStatus.OPEN).group_by(HumanTask.role)).all()
    lines += ["# HELP safeguarding_open_tasks Open human tasks, by role.", "# TYPE safeguarding_open_tasks gauge"]
    lines += [f'safeguarding_open_tasks{{role="{role}"}} {count}' for role, count, _ in rows]
    lines += ["# HELP safeguarding_overdue_tasks Open human tasks past their due time, by role.",
              "# TYPE safeguarding_overdue_tasks gauge"]
    lines += [f'safeguarding_overdue_tasks{{role="{role}"}} {late or 0}' for role, _, late in rows]


def _grouped(session: Session, lines: list[str], name: str, help_text: str, column: object, label: str) -> None:
    rows = session.execute(select(column, func.count()).group_by(column)).all()  # type: ignore[call-overload]
    lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
    lines += [f'{name}{{{label}="{value}"}} {count}' for value, count in rows]
