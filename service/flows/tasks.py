"""The flows of a step: claim it, put it back, give it to a colleague, keep a draft, and complete it with
answers checked against its form, running the process on and writing what the step leaves behind (the
decision record after the record step, the letter to the person after the informing step)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from service.access import (
    authorise_task_work,
    require_may_give_tasks,
    require_may_release,
    require_not_anothers,
    require_task_role,
)
from service.actors import Actor
from service.audit.trail import record_event
from service.cases.models import Case, CaseStatus
from service.cases.service import load_instance
from service.config import DEFAULT_CONFIG, Config
from service.db import is_postgres
from service.engine import Incident, TaskNotReady, UnknownTask
from service.errors import Conflict, InvalidInput, NotFound
from service.flows.cases import record_incident
from service.flows.projection import mark_incident, save_instance
from service.processes.identifying import IDENTIFYING_DETAILS, check_chosen, option_fields
from service.processes.service import compiled_process, form_schema
from service.records.decisions import write_decision_record
from service.records.letter import email_letter_if_asked
from service.sealing import digest_answers
from service.tasks.form_rules import check_dates_after_today, for_case
from service.tasks.models import HumanTask, TaskStatus
from service.tasks.service import case_identifying_details, get_task, validate_form_data
from service.workcalendar import UK_TIME


def _open_task_for(*, session: Session, task_id: str, actor: Actor, assigning: bool = False) -> HumanTask:
    task = get_task(session=session, task_id=task_id)
    _check_open(task, actor, assigning=assigning)
    return task


def _check_open(task: HumanTask, actor: Actor, *, assigning: bool = False) -> None:
    if assigning:
        require_may_give_tasks(actor)
    else:
        require_task_role(actor, task)
    if task.state != TaskStatus.OPEN:
        by = f" by {task.completed_by}" if task.completed_by else ""
        raise Conflict(f"this task is already {task.state}{by}")


def claim_task(*, session: Session, task_id: str, actor: Actor, now: datetime) -> HumanTask:
    """Take a queued task so nobody else works it at the same time."""
    task = _open_task_for(session=session, task_id=task_id, actor=actor)
    if task.claimed_by not in (None, actor.username):
        raise Conflict(f"this task is already claimed by {task.claimed_by}")
    task.claimed_by = actor.username
    record_event(session=session, actor=actor, action="task_claimed", at=now, case_id=task.case_id, task_id=task.id)
    _flush(session)
    return task


def unclaim_task(*, session: Session, task_id: str, actor: Actor, now: datetime) -> HumanTask:
    """Put a claimed task back in its queue."""
    task = _open_task_for(session=session, task_id=task_id, actor=actor)
    if task.claimed_by is None:
        raise Conflict("this task is not claimed")
    require_may_release(actor, task)
    task.claimed_by = None
    record_event(session=session, actor=actor, action="task_unclaimed", at=now, case_id=task.case_id, task_id=task.id)
    _flush(session)
    return task


def assign_task(*, session: Session, task_id: str, actor: Actor, assignee: str, now: datetime) -> HumanTask:
    """A manager or DSL gives a task to a named person."""
    require_may_give_tasks(actor)
    task = _open_task_for(session=session, task_id=task_id, actor=actor, assigning=True)
    if not assignee.strip():
        raise InvalidInput("name the person to assign the task to", field="assignee")
    before = task.assignee
    task.assignee = assignee.strip()
    task.claimed_by = None
    record_event(session=session, actor=actor, action="task_assigned", at=now, case_id=task.case_id,
                 task_id=task.id, summary={"from": before, "to": task.assignee})
    _flush(session)
    return task


def save_draft(*, session: Session, task_id: str, actor: Actor, data: Mapping[str, Any], now: datetime) -> HumanTask:
    """Keep unfinished answers on an open task; they are checked only when the task is completed."""
    if not isinstance(data, Mapping):
        raise InvalidInput("the draft must be a JSON object", field="data")
    task = _open_task_for(session=session, task_id=task_id, actor=actor)
    require_not_anothers(actor, task)
    task.draft = dict(data)
    record_event(session=session, actor=actor, action="task_draft_saved", at=now, case_id=task.case_id,
                 task_id=task.id)
    _flush(session)
    return task


@dataclass(frozen=True)
class Completion:
    """A completed task, its case, and the case's open tasks once the process has moved on."""

    case: Case
    task: HumanTask
    open_tasks: list[HumanTask]


# Reads a step's answers from what a page sent, given the form as the case asks it.
AnswerReader = Callable[[dict[str, Any]], Mapping[str, Any]]


def complete_task(
    *, session: Session, task_id: str, actor: Actor, data: Mapping[str, Any] | AnswerReader, now: datetime,
    secure_link_sent: bool = False, config: Config = DEFAULT_CONFIG,
) -> Completion:
    """Complete an open task with validated data, run the process on, and project the result.

    Only someone who may see the case and work the task can complete it (a case they cannot see
    is "not found"). A "send securely" task answered with the service's own secure link is
    completed by ``service.disclosures.service.send_secure_link`` (which says so with
    ``secure_link_sent``), never by a bare claim that a link was sent. ``config`` is the organisation's
    settings (the letter to the person speaks for it): the app's, or the built-in defaults. ``data`` is the
    answers, or a function that reads them from what was sent given the form as this case asks it (a
    page's fields), so a page completes a step with the reads the API makes."""
    case, task, open_rows = _lock_task(session=session, task_id=task_id)
    authorise_task_work(actor, task, case)
    _check_open(task, actor)
    require_not_anothers(actor, task)
    if case.status != CaseStatus.ACTIVE:
        raise Conflict(f"the case is {case.status}; no task in it can be completed now")
    instance = load_instance(case)
    try:
        held = instance.task_data(task.id)
    except UnknownTask as exc:
        raise Conflict(str(exc)) from None
    schema = for_case(form_schema(case.process_version, task.form), held)
    answers = validate_form_data(schema, data(schema or {}) if callable(data) else data)
    check_dates_after_today(schema, answers, now.astimezone(UK_TIME).date())
    if option_fields(schema):
        check_chosen(schema, answers, {IDENTIFYING_DETAILS: case_identifying_details(session=session, case=case)})
    if answers.get("channel") == "secure_link" and not secure_link_sent:
        raise InvalidInput("channel: to send a secure link, use 'Send a secure link' (the service sends it)",
                           field="channel")

    facts = {**held, **answers}
    try:
        instance.complete(task.id, answers, now=now)
    except (UnknownTask, TaskNotReady) as exc:
        raise Conflict(str(exc)) from None
    except Incident as incident:
        _keep_answers_then_stop(session=session, case=case, task=task, actor=actor, answers=answers,
                                incident=incident, now=now)
        return Completion(case, task, [row for row in open_rows if row.state == TaskStatus.OPEN])
    _close(task, actor, now, answers, order=case.version)
    still_open = [row for row in open_rows if row.state == TaskStatus.OPEN]
    opened = save_instance(session=session, case=case, instance=instance, now=now, open_rows=still_open)
    _leave_behind(session=session, case=case, task=task, actor=actor, answers=answers, facts=facts, now=now,
                  config=config)
    _flush(session)
    return Completion(case, task, [row for row in still_open if row.state == TaskStatus.OPEN] + opened)


def _leave_behind(*, session: Session, case: Case, task: HumanTask, actor: Actor, answers: dict[str, Any],
                  facts: dict[str, Any], now: datetime, config: Config) -> None:
    """Everything a completed step leaves behind, beside the next steps and their notifications (written
    with the case's engine state by ``projection.save_instance``): the step on the audit trail; after the
    record step, the decision record; after the informing step, the letter to the person if it goes by
    email (queued in the outbox with the step that decided it)."""
    _record_completion(session=session, task=task, actor=actor, answers=answers, now=now)
    step = _policy_step(case, task)
    if step == "record":
        write_decision_record(session=session, case=case, facts=facts, recorded_by=actor, now=now)
    elif step == "inform_subject":
        email_letter_if_asked(session=session, case=case, answers=answers, facts=facts, actor=actor, now=now,
                              config=config)


def _policy_step(case: Case, task: HumanTask) -> str | None:
    info = compiled_process(case.process_version).user_tasks.get(task.element_id)
    return info.policy_step if info else None


# Built once: completing a task runs these every time, and a statement built anew costs as much
# again as running it.
_CASE_OF_TASK = (select(Case).join(HumanTask, HumanTask.case_id == Case.id)
                 .where(HumanTask.id == bindparam("task_id")).execution_options(populate_existing=True))
_LOCK_CASE_OF_TASK = _CASE_OF_TASK.with_for_update(of=Case)
_TASK_AND_OPEN_TASKS_OF_CASE = (
    select(HumanTask)
    .where(HumanTask.case_id == bindparam("case_id"),
           or_(HumanTask.state == TaskStatus.OPEN, HumanTask.id == bindparam("task_id")))
    .execution_options(populate_existing=True)
)


def _lock_task(*, session: Session, task_id: str) -> tuple[Case, HumanTask, list[HumanTask]]:
    """Lock the task's case, then read the task and the case's open tasks in one go.

    Read after the lock: whoever held it before us may have completed the task."""
    query = _LOCK_CASE_OF_TASK if is_postgres(session) else _CASE_OF_TASK
    case = session.scalars(query, {"task_id": task_id}).one_or_none()
    if case is None:
        raise NotFound(f"no task {task_id}")
    rows = session.scalars(_TASK_AND_OPEN_TASKS_OF_CASE, {"case_id": case.id, "task_id": task_id}).all()
    task = next(row for row in rows if row.id == task_id)
    return case, task, [row for row in rows if row.state == TaskStatus.OPEN]


def _close(task: HumanTask, actor: Actor, now: datetime, answers: dict[str, Any], *, order: int) -> None:
    task.state = TaskStatus.COMPLETED
    task.completed_by = actor.username
    task.closed_at = now
    task.answers = answers
    task.draft = None
    task.completion_order = order


def _keep_answers_then_stop(
    *, session: Session, case: Case, task: HumanTask, actor: Actor, answers: dict[str, Any],
    incident: Incident, now: datetime,
) -> None:
    # The person's answers are a decision: keep them (task completed, nothing after it run) and
    # stop the case where the process failed, so fixing the diagram lets it carry on from here.
    instance = load_instance(case)
    try:
        instance.complete(task.id, answers, now=now, advance=False)
    except Incident:
        pass
    else:
        _close(task, actor, now, answers, order=case.version)
        case.instance_state = instance.dump()
    mark_incident(case=case, incident=incident, now=now)
    _record_completion(session=session, task=task, actor=actor, answers=answers, now=now)
    record_incident(session=session, case=case, incident=incident, now=now, task_id=task.id)
    _flush(session)


def _record_completion(
    *, session: Session, task: HumanTask, actor: Actor, answers: dict[str, Any], now: datetime
) -> None:
    # The information itself is read in the record; the trail keeps its digest (service.sealing).
    record_event(session=session, actor=actor, action="task_completed", at=now, case_id=task.case_id,
                 task_id=task.id, summary={"element": task.element_id, "answers": digest_answers(answers)})


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise Conflict("someone else changed this case at the same time; reload and try again") from None
