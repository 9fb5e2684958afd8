"""Tasks read: a task by id, the task lists, a step's answers checked against its form, the steps of a case
already done and their answers, and the steps an account has been left that it can no longer work.

Claiming, assigning and completing a step are flows (``service.flows.tasks``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service.access import can_work_task
from service.accounts.models import User
from service.accounts.service import actor_of
from service.actors import Actor
from service.cases.models import Case
from service.cases.service import load_instance
from service.errors import InvalidInput, NotFound
from service.processes.form_schema import form_validator
from service.processes.identifying import identifying_details
from service.processes.service import form_schema

from .form_errors import plain_problem
from .form_rules import for_case
from .models import HumanTask, TaskStatus


def get_task(*, session: Session, task_id: str) -> HumanTask:
    """A human task by id (open or closed)."""
    task = session.get(HumanTask, task_id, populate_existing=True)
    if task is None:
        raise NotFound(f"no task {task_id}")
    return task


def list_open_tasks(
    *, session: Session, actor: Actor | None = None, role: str | None = None, limit: int = 200
) -> list[HumanTask]:
    """Open tasks assigned to or claimed by ``actor``, or waiting in ``role``'s queue; soonest due first."""
    query = select(HumanTask).where(HumanTask.state == TaskStatus.OPEN)
    if actor is not None:
        query = query.where(or_(HumanTask.assignee == actor.username, HumanTask.claimed_by == actor.username))
    if role is not None:
        query = query.where(HumanTask.role == role)
    query = query.order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at.desc()).limit(limit)
    return list(session.scalars(query))


def form_as_the_case_asks(task_row: HumanTask, case: Case) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the case holds so far for an open task, and the task's form as this case asks it (questions for
    other organisations left out); what the case holds starts the form, never an answer to a question
    someone else decided."""
    facts = load_instance(case).task_data(task_row.id) if task_row.state == "open" else {}
    return facts, for_case(form_schema(case.process_version, task_row.form), facts) or {}


def validate_form_data(schema: Mapping[str, Any] | None, data: Any) -> dict[str, Any]:
    """Check submitted data against a task's JSON Schema; InvalidInput names the first wrong field."""
    if not isinstance(data, Mapping):
        raise InvalidInput("the form data must be a JSON object", field="")
    if schema is None:
        return dict(data)
    data = _with_defaults(schema, data)
    validator = form_validator(schema)  # RE2 patterns, known formats, no reference fetched
    errors = sorted(validator.iter_errors(data), key=lambda e: _order(schema, e))
    if errors:
        problems: list[dict[str, str | None]] = [dict(plain_problem(schema, e)) for e in errors]
        first = problems[0]
        raise InvalidInput(str(first["message"]), field=first["field"], problems=problems)
    return dict(data)


def _order(schema: Mapping[str, Any], error: Any) -> list[int]:
    # Problems in the order the form asks its questions, so the first is the first on the page.
    names = list(schema.get("properties") or {})
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required" and "'" in error.message:
        path.append(error.message.split("'")[1])
    top = names.index(path[0]) if path and path[0] in names else len(names)
    return [top, *(int(p) for p in path[1:] if p.isdigit())]


def _with_defaults(schema: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    # A question left out takes the default the form shows (e.g. "sharing as a public authority").
    filled = dict(data)
    for name, spec in (schema.get("properties") or {}).items():
        if name not in filled and isinstance(spec, Mapping) and "default" in spec:
            filled[name] = spec["default"]
    return filled


def completed_tasks(session: Session, case_id: str) -> list[HumanTask]:
    """The steps of a case already done, in the order they were done."""
    query = (select(HumanTask)
             .where(HumanTask.case_id == case_id, HumanTask.state == TaskStatus.COMPLETED)
             .order_by(HumanTask.completion_order, HumanTask.closed_at))
    return list(session.scalars(query))


def merged_answers(done: Iterable[HumanTask]) -> dict[str, Any]:
    """Every answer of those steps, a later answer to the same question standing over an earlier one."""
    merged: dict[str, Any] = {}
    for task in done:
        merged.update(task.answers or {})
    return merged


def case_identifying_details(*, session: Session, case: Case) -> list[str]:
    """The identifying details the case holds about its people, to choose from when sharing."""
    return identifying_details(merged_answers(completed_tasks(session, case.id)).get("subjects") or [])


def steps_left_behind(*, session: Session, user: User) -> list[HumanTask]:
    """Open steps given to (or claimed by) an account that it cannot work as it now is: after its roles
    or team changed, or all of them once it is switched off. Someone must give these to a colleague,
    or they wait for their escalation."""
    rows = session.execute(
        select(HumanTask, Case).join(Case, Case.id == HumanTask.case_id)
        .where(HumanTask.state == TaskStatus.OPEN,
               or_(HumanTask.assignee == user.username, HumanTask.claimed_by == user.username))
        .order_by(HumanTask.due_at)
    ).all()
    actor = actor_of(user)
    return [task for task, case in rows if not user.active or not can_work_task(actor, task, case)]


