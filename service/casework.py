"""Case and task reads that the pages and the API share, with the access policy applied and every case read
audited: the lists, a case or task with what it waits for, the record, and how each is summarised."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import Session

from service.access import (
    ALL_TEAMS,
    TASK_SCOPES,
    can_see_case,
    can_work_task,
    case_reach,
    could_work,
    require_case_data_role,
    require_readable,
    require_scope,
    task_scopes,
    team_queue_of,
)
from service.accounts.models import User
from service.accounts.service import actor_of
from service.actors import Actor
from service.audit.trail import case_events, record_event
from service.cases.models import Case
from service.cases.service import get_case, load_instance
from service.engine import FINISHES, Wait, steps_after
from service.errors import InvalidInput, NotFound
from service.processes.service import compiled_process, form_schema, policy_step
from service.records import view
from service.records.models import AuditEvent
from service.tasks.form_rules import case_suggestions, for_case
from service.tasks.models import HumanTask, TaskStatus
from service.tasks.service import get_task


def readable_case(*, session: Session, case_id: str, actor: Actor, now: datetime, action: str = "case_read") -> Case:
    case = get_case(session=session, case_id=case_id)
    if not holds_a_task(session, actor, case):
        require_readable(actor, case)
    record_event(session=session, actor=actor, action=action, at=now, case_id=case.id)
    return case


def holds_a_task(session: Session, actor: Actor, case: Case) -> bool:
    """Whether a task of the case has been given to (or taken by) the actor: that makes the case theirs to see."""
    return session.scalar(select(HumanTask.id).where(
        HumanTask.case_id == case.id,
        or_(HumanTask.assignee == actor.username, HumanTask.claimed_by == actor.username)).limit(1)) is not None


def can_see(session: Session, actor: Actor, case: Case) -> bool:
    return can_see_case(actor, case, holds_a_step=holds_a_task(session, actor, case))


def eligible_assignees(*, session: Session, task: HumanTask, case: Case) -> list[str]:
    """Usernames a task could be given to: the role's people in the case's team, and the DSL."""
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.username))
    return [user.username for user in users if could_work(actor_of(user), task, case)]


def receipt_payload(data: dict[str, Any], now: datetime) -> dict[str, str]:
    """A recipient's receipt as recorded by a practitioner: who, and when (an ISO instant, default now)."""
    by = data.get("received_by")
    if not isinstance(by, str) or not by.strip() or len(by) > 200:
        raise InvalidInput("received_by: name who confirmed receipt (up to 200 characters)", field="received_by")
    at = data.get("received_at") or now.isoformat()
    try:
        moment = datetime.fromisoformat(str(at).replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput("received_at must be a date and time, e.g. 2026-11-25T10:30:00+00:00",
                           field="received_at") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return {"received_by": by.strip(), "received_at": moment.isoformat()}


def list_cases(*, session: Session, actor: Actor, limit: int = 200) -> list[Case]:
    require_case_data_role(actor)
    query = select(Case).order_by(Case.created_at.desc()).limit(limit)
    reach = case_reach(actor)
    if reach != "all":
        held = select(HumanTask.case_id).where(
            or_(HumanTask.assignee == actor.username, HumanTask.claimed_by == actor.username))
        mine = or_(Case.started_by == actor.username, Case.id.in_(held))
        query = query.where(or_(mine, Case.team == actor.team) if reach == "team" else mine)
    return list(session.scalars(query))


def list_tasks(*, session: Session, actor: Actor, scope: str, limit: int = 200) -> list[HumanTask]:
    query = _queue(actor, scope).order_by(HumanTask.due_at.asc().nulls_last(), HumanTask.created_at.desc())
    return list(session.scalars(query.limit(limit)))


def queue_counts(*, session: Session, actor: Actor) -> dict[str, int]:
    """How many open tasks wait in each queue the actor has (theirs, the team's, the escalations)."""
    return {scope: session.scalar(select(func.count()).select_from(_queue(actor, scope).subquery())) or 0
            for scope in task_scopes(actor)}


def _queue(actor: Actor, scope: str) -> Select[tuple[HumanTask]]:
    if scope not in TASK_SCOPES:
        raise InvalidInput(f"scope must be one of {', '.join(TASK_SCOPES)}", field="scope")
    require_scope(actor, scope)
    query = select(HumanTask).where(HumanTask.state == TaskStatus.OPEN)
    if scope == "mine":
        query = query.where(or_(HumanTask.assignee == actor.username, HumanTask.claimed_by == actor.username))
    elif scope == "team":
        query = query.where(HumanTask.role == "manager")
        team = team_queue_of(actor)
        if team is not ALL_TEAMS:
            query = query.where(HumanTask.team == team)
    else:
        query = query.where(HumanTask.role == "dsl")
    return query


def next_tasks(*, session: Session, case: Case, actor: Actor) -> list[HumanTask]:
    """The open tasks of a case that the actor can do next (after completing one, say)."""
    found = session.scalars(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == TaskStatus.OPEN))
    return [t for t in found if can_work_task(actor, t, case)]


def task_detail(*, session: Session, task_id: str, actor: Actor, now: datetime, with_case: bool = False
                ) -> dict[str, Any]:
    """A task with its form and answers; ``with_case`` adds the case so far (every answer, in plain words)
    and, at an open record step, the record's preview."""
    task = get_task(session=session, task_id=task_id)
    case = get_case(session=session, case_id=task.case_id)
    require_case_data_role(actor)
    if not can_see(session, actor, case):
        raise NotFound(f"no task {task_id}")
    record_event(session=session, actor=actor, action="task_read", at=now, case_id=case.id, task_id=task.id)
    data: dict[str, Any] = dict(task.answers or {})
    if task.state == TaskStatus.OPEN:
        data = {k: v for k, v in load_instance(case).task_data(task.id).items() if _is_plain(v)}
    schema = for_case(form_schema(case.process_version, task.form), data)
    detail = {**task_summary(task), "case_reference": case.reference, "form_schema": schema, "data": data,
              "draft": task.draft, "suggestions": case_suggestions(schema, data)}
    if with_case:
        detail["case_so_far"] = view.case_so_far(session=session, case=case)
        if task.state == TaskStatus.OPEN and policy_step(case.process_version, task.element_id) == "record":
            detail["record_preview"] = view.record_preview(session=session, case=case, actor=actor,
                                                           now=now)["sections"]
    return detail


_TASKS_OF_CASE = select(HumanTask).where(HumanTask.case_id == bindparam("case_id"))


def case_detail(case: Case, session: Session) -> dict[str, Any]:
    all_tasks = list(session.scalars(_TASKS_OF_CASE, {"case_id": case.id}))
    open_tasks = [t for t in all_tasks if t.state == TaskStatus.OPEN]
    names = {t.id: t.name for t in all_tasks}
    waits = load_instance(case).waits() if case.status == "active" and case.instance_state else []
    return {
        **case_summary(case),
        "process_version": case.process_version.number,
        "incident": {"element": case.incident_element, "message": case.incident_message}
        if case.incident_message else None,
        "open_tasks": [task_summary(t) for t in open_tasks],
        "waiting_for": waiting_for(case, open_tasks, waits),
        "steps_done": [task_summary(t) for t in _done_in_order(all_tasks)],
        "active_elements": sorted({t.element_id for t in open_tasks} | {w.element_id for w in waits}),
        "timeline": [{**audit_event(e), "task": names.get(e.task_id or "")}
                     for e in case_events(session=session, case_id=case.id) if e.action not in READS],
    }


def waiting_for(case: Case, open_tasks: list[HumanTask], waits: list[Wait]) -> list[dict[str, Any]]:
    """What the case waits for, in words: each open step and who has it, and each event with its deadline
    (a message that may come, until the timer beside it falls due; a date on its own)."""
    found: list[dict[str, Any]] = [
        {"kind": "step", "what": t.name, "who": _who_has(t, case), "role": t.role, "task_id": t.id,
         "due_at": _iso(t.due_at), "then": _then(case, t.element_id)} for t in open_tasks]
    for wait in waits:
        beside = [w for w in waits if w.waiting_at == wait.waiting_at and w is not wait]
        timer = next((w for w in beside if w.kind == "timer"), None)
        if wait.kind == "message":
            found.append({"kind": "message", "what": wait.name, "element_id": wait.element_id,
                          "due_at": _iso(timer.due_at) if timer else None,
                          "otherwise": timer.name if timer else None})
        elif not any(w.kind == "message" for w in beside):
            found.append({"kind": "date", "what": wait.name, "element_id": wait.element_id,
                          "due_at": _iso(wait.due_at), "otherwise": None})
    return found


def _then(case: Case, element_id: str) -> list[str]:
    """The steps that may come next, when that is a short list of steps: empty when the case may finish
    there or the branches are too many to be worth reading."""
    following = steps_after(compiled_process(case.process_version), element_id)
    if FINISHES in following or len(following) > 3:
        return []
    return [name for name in following if name is not None]


def _done_in_order(tasks: list[HumanTask]) -> list[HumanTask]:
    done = [t for t in tasks if t.state == TaskStatus.COMPLETED]
    return sorted(done, key=lambda t: (t.completion_order or 0, t.closed_at or t.created_at))


def _who_has(task: HumanTask, case: Case) -> str:
    person = task.claimed_by or task.assignee
    if person:
        return person
    return f"the manager queue of team {case.team}" if task.role == "manager" else f"the {task.role} queue"


def audit_event(event: AuditEvent) -> dict[str, Any]:
    """An audit event as the API shows it."""
    return {"seq": event.seq, "at": event.at.isoformat(), "actor": event.actor, "role": event.role,
            "action": event.action, "task_id": event.task_id, "summary": json.loads(event.summary or "{}")}


READS = ("case_read", "task_read", "record_read", "letter_read")


def record_detail(case: Case, session: Session, *, now: datetime) -> dict[str, Any]:
    """The case's decision record as JSON (its links as at ``now``), with the sections every face of the
    record is rendered from."""
    return view.record_detail(case, session, now=now)


def case_summary(case: Case) -> dict[str, Any]:
    return {"id": case.id, "reference": case.reference, "status": case.status, "direction": case.direction,
            "urgency": case.urgency, "summary": case.summary, "started_by": case.started_by, "team": case.team,
            "created_at": case.created_at.isoformat(), "next_timer_at": _iso(case.next_timer_at)}


def task_summary(task: HumanTask) -> dict[str, Any]:
    return {"id": task.id, "case_id": task.case_id, "element_id": task.element_id, "name": task.name,
            "role": task.role, "state": task.state, "assignee": task.assignee, "claimed_by": task.claimed_by,
            "form": task.form, "due_at": _iso(task.due_at), "created_at": task.created_at.isoformat(),
            "completed_by": task.completed_by, "closed_at": _iso(task.closed_at)}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _is_plain(value: Any) -> bool:
    return isinstance(value, str | int | float | bool | list | dict) or value is None
