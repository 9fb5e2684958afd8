"""Write an instance's state back to its case row and the open-task projection, in one transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import Session

from service.actors import role_for_lane
from service.cases.models import Case, CaseStatus
from service.engine import SERIALIZER_VERSION, Incident, Instance
from service.notifications.service import queue_for_step
from service.tasks.models import HumanTask, TaskStatus


def save_instance(
    *, session: Session, case: Case, instance: Instance, now: datetime, open_rows: list[HumanTask] | None = None
) -> list[HumanTask]:
    """Store the instance, its next timer and its open human tasks; returns the tasks newly opened.

    ``open_rows``: the case's open task rows, when the caller has just read them under the case's lock."""
    case.instance_state = instance.dump()
    case.serializer_version = SERIALIZER_VERSION
    case.updated_at = now
    case.next_timer_at = None if instance.completed else instance.next_timer_at()
    if instance.completed:
        case.status = CaseStatus.COMPLETED
        case.completed_at = now
    opened = _sync_open_tasks(session=session, case=case, instance=instance, now=now, open_rows=open_rows)
    announced = {element for element, info in instance.compiled.user_tasks.items() if info.notify}
    queue_for_step(session=session, case=case, opened=opened, notices=instance.notices, announced=announced,
                   now=now)
    instance.notices.clear()
    return opened


def mark_incident(*, case: Case, incident: Incident, now: datetime) -> None:
    """Stop a case where its process failed; nothing else in it runs until someone resolves it."""
    case.status = CaseStatus.INCIDENT
    case.incident_message = incident.message
    case.incident_element = incident.element_id
    case.updated_at = now


_OPEN_TASKS_OF_CASE = select(HumanTask).where(HumanTask.case_id == bindparam("case_id"),
                                              HumanTask.state == TaskStatus.OPEN)


def _sync_open_tasks(
    *, session: Session, case: Case, instance: Instance, now: datetime, open_rows: list[HumanTask] | None
) -> list[HumanTask]:
    ready = {t.task_id: t for t in instance.ready_tasks()}
    if open_rows is None:
        # A case not yet written has no tasks to look up.
        is_new = inspect(case).transient or inspect(case).pending
        open_rows = [] if is_new else list(session.scalars(_OPEN_TASKS_OF_CASE, {"case_id": case.id}))
    for row in open_rows:
        if row.id in ready:
            row.due_at = ready.pop(row.id).due_at
        else:
            # The engine no longer offers it (an interrupting event took the case elsewhere).
            row.state = TaskStatus.CANCELLED
            row.closed_at = now
    opened = []
    for task in ready.values():
        role = role_for_lane(task.lane)
        row = HumanTask(
            id=task.task_id,
            case=case,
            element_id=task.element_id,
            name=task.name,
            lane=task.lane,
            role=role,
            team=case.team,
            # A practitioner's own steps belong to whoever raised the case; other lanes are queues.
            assignee=case.started_by if role == "practitioner" else None,
            form=task.form,
            due_at=task.due_at,
            state=TaskStatus.OPEN,
            created_at=now,
        )
        session.add(row)
        opened.append(row)
    return opened
