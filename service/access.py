"""Who may see and do what with case data: practitioners their own cases, managers their team's,
the DSL the organisation's, auditors read everything and change nothing, process owners and
admins see no case data at all."""

from __future__ import annotations

from typing import Protocol

from service.actors import Actor
from service.errors import Forbidden, NotFound


# What a permission reads of a case and of a task: access sits below the domain packages it judges, so
# it names the few columns it needs (a cases.models.Case and a tasks.models.HumanTask have them).
class Case(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def team(self) -> str | None: ...
    @property
    def started_by(self) -> str: ...


class HumanTask(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def assignee(self) -> str | None: ...
    @property
    def claimed_by(self) -> str | None: ...

CASE_WORKERS = frozenset({"practitioner", "manager", "dsl"})


def can_read_case(actor: Actor, case: Case) -> bool:
    if actor.has_role("dsl") or actor.has_role("auditor"):
        return True
    if actor.has_role("manager") and case.team is not None and case.team == actor.team:
        return True
    return actor.has_role("practitioner") and case.started_by == actor.username


def may_work_cases(actor: Actor) -> bool:
    return bool(actor.roles & CASE_WORKERS)


def require_case_worker(actor: Actor) -> None:
    if not may_work_cases(actor):
        raise Forbidden("your role does not work on cases")


def require_case_data_role(actor: Actor) -> None:
    """Process owners and admins see no case data at all."""
    if not (may_work_cases(actor) or actor.has_role("auditor")):
        raise Forbidden("your role has no access to case data")


def require_readable(actor: Actor, case: Case) -> None:
    """A case the actor may not see is reported as not found: its existence is not leaked."""
    require_case_data_role(actor)
    if not can_read_case(actor, case):
        raise NotFound(f"no case {case.id}")


def can_work_task(actor: Actor, task: HumanTask, case: Case) -> bool:
    """Whether the actor may claim or complete this task (reading the case is a precondition)."""
    if not can_read_case(actor, case) or not may_work_cases(actor):
        return False
    if task.assignee == actor.username or task.claimed_by == actor.username:
        return True
    if task.role == "practitioner":
        return task.assignee is None and case.started_by == actor.username
    if task.role == "manager":
        return actor.has_role("dsl") or (actor.has_role("manager") and case.team == actor.team)
    return task.role == "dsl" and actor.has_role("dsl")


def may_assign(actor: Actor, case: Case) -> bool:
    """The DSL, or a manager of the case's team, may give its tasks to a colleague."""
    return actor.has_role("dsl") or (actor.has_role("manager") and case.team == actor.team)


def authorise_task_work(actor: Actor, task: HumanTask, case: Case) -> None:
    """Before claiming or completing: a task of a case the actor cannot see does not exist for them."""
    require_case_data_role(actor)
    require_case_worker(actor)
    if task.assignee == actor.username or task.claimed_by == actor.username:
        return
    if not can_read_case(actor, case):
        raise NotFound(f"no task {task.id}")
    if not can_work_task(actor, task, case) and not may_assign(actor, case):
        raise Forbidden(f"this task is for the {task.role} role")


def may_read_audit(actor: Actor) -> bool:
    """Auditors and the DSL read the audit trail: verifying it, and the changes to the service itself."""
    return actor.has_role("auditor") or actor.has_role("dsl")


def require_audit_reader(actor: Actor) -> None:
    if not may_read_audit(actor):
        raise Forbidden("the audit trail is for auditors and the DSL")
