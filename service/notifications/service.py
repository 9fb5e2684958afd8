"""Who is told what when a case moves: queued in the same transaction as the move itself."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from service.cases.models import Case
from service.engine import Notice
from service.tasks.models import HumanTask

from .models import OutboxMessage, OutboxStatus

QUEUE_ROLES = frozenset({"manager", "dsl"})


def queue_for_step(*, session: Session, case: Case, opened: Iterable[HumanTask], notices: Iterable[Notice],
                   now: datetime, announced: Collection[str] = ()) -> list[OutboxMessage]:
    """Outbox rows for what a step did: tasks now waiting in a queue or announced to their owner
    (``announced`` element ids, e.g. a review that a date brought back), and events that tell someone."""
    messages = []
    for task in opened:
        if task.role in QUEUE_ROLES:
            messages.append(_message(case, now, reason="task_waiting", role=task.role,
                                     subject="A safeguarding task is waiting in your queue",
                                     link=f"/tasks/{task.id}"))
        elif task.element_id in announced and task.assignee:
            messages.append(_message(case, now, reason="reminder", user=task.assignee,
                                     subject=f"Safeguarding: {task.name}", link=f"/tasks/{task.id}"))
    for notice in notices:
        practitioner = notice.notify == "practitioner"
        messages.append(_message(
            case, now, reason="reminder" if practitioner else "escalation",
            role=None if practitioner else notice.notify, user=case.started_by if practitioner else None,
            subject=f"Safeguarding: {notice.name}", link=f"/cases/{case.id}"))
    session.add_all(messages)
    return messages


def _message(case: Case, now: datetime, *, reason: str, subject: str, link: str, role: str | None = None,
             user: str | None = None) -> OutboxMessage:
    return OutboxMessage(case=case, case_id=case.id, recipient_role=role, recipient_user=user, reason=reason,
                         subject=subject[:200], link_path=link, status=OutboxStatus.PENDING, attempts=0,
                         next_attempt_at=now, created_at=now)


def queue_email(*, session: Session, case: Case, address: str, subject: str, body: str, reason: str,
                now: datetime) -> OutboxMessage:
    """An email with its own body to an address outside the service (e.g. a letter to the person the
    information is about), queued in the caller's transaction; its body is removed once sent."""
    message = OutboxMessage(case=case, case_id=case.id, recipient_address=address[:300], reason=reason,
                            subject=subject[:200], link_path=f"/cases/{case.id}", body=body,
                            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, created_at=now)
    session.add(message)
    return message


def notify_user(*, session: Session, case: Case, user: str, subject: str, now: datetime) -> OutboxMessage:
    """Tell one person that something in a case needs them (a link to the case, no details)."""
    message = _message(case, now, reason="reminder", subject=subject, link=f"/cases/{case.id}", user=user)
    session.add(message)
    return message
