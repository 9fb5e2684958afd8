"""The flows that move a case on from outside a step: start it, fire the timers that fall due, hand it a
message; and put an incident on the audit trail when its process stops."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.actors import SYSTEM_ACTOR, Actor
from service.audit.trail import record_event
from service.cases.models import Case, CaseStatus, TimerFiring
from service.cases.service import (
    DIRECTIONS,
    NEVER_STARTED,
    URGENCIES,
    get_case,
    load_instance,
    new_reference,
    starting_data,
)
from service.db import is_postgres
from service.engine import Incident, Instance, NotWaiting
from service.errors import Conflict, InvalidInput
from service.processes.service import compiled_process, latest_version

from .projection import mark_incident, save_instance


def start_case(
    *,
    session: Session,
    process_key: str,
    actor: Actor,
    direction: str,
    urgency: str,
    summary: str,
    now: datetime,
    data: Mapping[str, Any] | None = None,
) -> Case:
    """Open a case on the newest version of a process and run it to its first wait."""
    if direction not in DIRECTIONS:
        raise InvalidInput(f"direction must be one of {', '.join(DIRECTIONS)}", field="direction")
    if urgency not in URGENCIES:
        raise InvalidInput(f"urgency must be one of {', '.join(URGENCIES)}", field="urgency")
    if not summary.strip():
        raise InvalidInput("a short summary is required", field="summary")
    version = latest_version(session=session, key=process_key)
    case = Case(
        id=str(uuid.uuid4()),
        reference=new_reference(now),
        process_version_id=version.id,
        process_version=version,
        status=CaseStatus.ACTIVE,
        direction=direction,
        urgency=urgency,
        summary=summary.strip(),
        started_by=actor.username,
        team=actor.team,
        created_at=now,
        updated_at=now,
        instance_state="",
        serializer_version="",
    )
    try:
        instance = Instance.start(compiled_process(version), starting_data(case=case, data=data), now=now)
    except Incident as incident:
        case.instance_state = NEVER_STARTED
        mark_incident(case=case, incident=incident, now=now)
        session.add(case)
        record_incident(session=session, case=case, incident=incident, now=now)
    else:
        # Fill the row before adding it, so a new case is one INSERT and starts at version 1.
        save_instance(session=session, case=case, instance=instance, now=now)
        session.add(case)
    record_event(session=session, actor=actor, action="case_started", at=now, case_id=case.id,
                 summary={"direction": direction, "urgency": urgency, "process_version": version.number})
    session.flush()
    return case


@dataclass
class TimerSweep:
    """What one sweep did: cases advanced, and cases stopped by an incident."""

    advanced: list[str] = field(default_factory=list)
    incidents: list[str] = field(default_factory=list)


def fire_due_timers(*, session: Session, now: datetime, limit: int = 100) -> TimerSweep:
    """Claim active cases whose next timer is due and advance them; safe to run anywhere, any number of times."""
    query = (
        select(Case)
        .where(Case.status == CaseStatus.ACTIVE, Case.next_timer_at < now)
        .order_by(Case.next_timer_at)
        .limit(limit)
    )
    if is_postgres(session):
        # Several sweepers may run at once; each takes only rows no other holds, so a case is
        # advanced by exactly one of them, and the others move on instead of waiting.
        query = query.with_for_update(skip_locked=True, of=Case)
    sweep = TimerSweep()
    for case in session.scalars(query).all():
        _fire_case(session=session, case=case, now=now, sweep=sweep)
    session.flush()
    return sweep


def _fire_case(*, session: Session, case: Case, now: datetime, sweep: TimerSweep) -> None:
    try:
        instance = load_instance(case)
        due_timers = instance.due_timers(now)
        if not due_timers:
            return
        instance.wake(now=now)
    except Incident as incident:
        mark_incident(case=case, incident=incident, now=now)
        record_incident(session=session, case=case, incident=incident, now=now)
        sweep.incidents.append(case.id)
        return
    save_instance(session=session, case=case, instance=instance, now=now)
    due = [element for element, _ in due_timers]
    session.add_all(TimerFiring(case=case, element_id=element, due_at=due_at, fired_at=now,
                                lateness_seconds=(now - due_at).total_seconds()) for element, due_at in due_timers)
    record_event(session=session, actor=SYSTEM_ACTOR, action="timer_fired", at=now, case_id=case.id,
                 summary={"timers": due})
    sweep.advanced.append(case.id)


def deliver_message(
    *, session: Session, case_id: str, name: str, payload: Mapping[str, Any], actor: Actor, now: datetime
) -> Case:
    """Hand a message from outside (e.g. a recipient confirming receipt) to the case waiting for it."""
    case = get_case(session=session, case_id=case_id, for_update=True)
    if case.status != CaseStatus.ACTIVE:
        raise Conflict(f"the case is {case.status}; it is not waiting for anything")
    instance = load_instance(case)
    try:
        instance.receive_message(name, payload, now=now)
    except NotWaiting as exc:
        raise Conflict(str(exc)) from None
    except Incident as incident:
        mark_incident(case=case, incident=incident, now=now)
        record_incident(session=session, case=case, incident=incident, now=now)
        session.flush()
        return case
    save_instance(session=session, case=case, instance=instance, now=now)
    record_event(session=session, actor=actor, action="message_received", at=now, case_id=case.id,
                 summary={"message": name})
    session.flush()
    return case


def record_incident(
    *, session: Session, case: Case, incident: Incident, now: datetime, task_id: str | None = None
) -> None:
    """Put a case's incident on the audit trail: where the process stopped and why."""
    record_event(session=session, actor=SYSTEM_ACTOR, action="incident", at=now, case_id=case.id,
                 task_id=task_id, summary={"element": incident.element_id, "message": incident.message})
