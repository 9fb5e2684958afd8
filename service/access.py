"""Who may see and do what: every permission of the service is decided here, and only here.

Case data: practitioners their own cases, managers their team's, the DSL the organisation's, auditors read
everything and change nothing, process owners and admins see no case data at all. Steps: a step's role
works it (the DSL stands behind the managers), the DSL or a manager of the case's team gives it to a
colleague. Secure links: their sender, the case's practitioner and the DSL manage them. The process: its
owners change it, a second owner (four independent eyes) approves. Accounts and teams: admins.

Access sits below the domain packages whose rows it judges, so it names the few columns it reads of each
(``Case``, ``Task``, ``Disclosure``, ``Draft`` below); the models have them.
"""

from __future__ import annotations

from typing import Protocol

from service.actors import Actor
from service.errors import Conflict, Forbidden, NotFound

CASE_WORKERS = frozenset({"practitioner", "manager", "dsl"})
PROCESS_OWNER = "process_owner"
# The DSL stands behind the managers: an escalated manager task is theirs to take too.
COVERS = {"dsl": frozenset({"dsl", "manager"})}
# The task lists: one's own steps, the managers' team queue, the DSL's escalations.
TASK_SCOPES = ("mine", "team", "escalated")


class Case(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def team(self) -> str | None: ...
    @property
    def started_by(self) -> str: ...


class Task(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def assignee(self) -> str | None: ...
    @property
    def claimed_by(self) -> str | None: ...


class Disclosure(Protocol):
    @property
    def created_by(self) -> str: ...


class Draft(Protocol):
    @property
    def author(self) -> str: ...
    @property
    def author_roles_granted_by(self) -> str | None: ...


# --- case data ---------------------------------------------------------------------------------------------


def can_read_case(actor: Actor, case: Case) -> bool:
    if actor.has_role("dsl") or actor.has_role("auditor"):
        return True
    if actor.has_role("manager") and case.team is not None and case.team == actor.team:
        return True
    return actor.has_role("practitioner") and case.started_by == actor.username


def case_reach(actor: Actor) -> str:
    """Which cases a list shows the actor, beside those they hold a step of: "all" (the DSL, auditors),
    "team" (a manager: their team's and their own), or "own" (the cases they started)."""
    if actor.has_role("dsl") or actor.has_role("auditor"):
        return "all"
    return "team" if actor.has_role("manager") else "own"


def can_see_case(actor: Actor, case: Case, *, holds_a_step: bool) -> bool:
    """A case is also seen by whoever has been given (or has taken) one of its steps."""
    return can_read_case(actor, case) or holds_a_step


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


def may_bring_new_information(actor: Actor, case: Case) -> bool:
    """The practitioner whose case it is, a manager of its team, or the DSL."""
    return (actor.has_role("dsl") or (actor.has_role("manager") and case.team is not None and case.team == actor.team)
            or (actor.has_role("practitioner") and case.started_by == actor.username))


# --- steps -------------------------------------------------------------------------------------------------


def may_work(actor: Actor, role: str) -> bool:
    """Whether ``actor`` may claim or complete a task of ``role``'s queue."""
    return any(role in COVERS.get(own, frozenset({own})) for own in actor.roles)


def can_work_task(actor: Actor, task: Task, case: Case) -> bool:
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


def could_work(colleague: Actor, task: Task, case: Case) -> bool:
    """Whether a colleague could be given this task: the DSL, or someone of its role in the case's team."""
    same_team = case.team is not None and colleague.team == case.team
    return colleague.has_role("dsl") or (task.role != "dsl" and same_team and colleague.has_role(task.role))


def authorise_task_work(actor: Actor, task: Task, case: Case) -> None:
    """Before claiming or completing: a task of a case the actor cannot see does not exist for them."""
    require_case_data_role(actor)
    require_case_worker(actor)
    if task.assignee == actor.username or task.claimed_by == actor.username:
        return
    if not can_read_case(actor, case):
        raise NotFound(f"no task {task.id}")
    if not can_work_task(actor, task, case) and not may_assign(actor, case):
        raise Forbidden(f"this task is for the {task.role} role")


def require_task_role(actor: Actor, task: Task) -> None:
    """The task's role, or the person it was given to, works it."""
    if not (task.assignee == actor.username or may_work(actor, task.role)):
        raise Forbidden(f"this task is for the {task.role} role")


def require_not_anothers(actor: Actor, task: Task) -> None:
    """A task given to or taken by someone else is theirs."""
    if task.assignee is not None and task.assignee != actor.username:
        raise Forbidden(f"this task is assigned to {task.assignee}")
    if task.claimed_by is not None and task.claimed_by != actor.username:
        raise Conflict(f"this task is claimed by {task.claimed_by}")


def require_may_release(actor: Actor, task: Task) -> None:
    """A claimed task goes back to its queue by its claimant or a manager."""
    if task.claimed_by != actor.username and not (actor.has_role("manager") or actor.has_role("dsl")):
        raise Forbidden(f"only {task.claimed_by} or a manager can release this task")


def require_may_give_tasks(actor: Actor) -> None:
    if not (actor.has_role("manager") or actor.has_role("dsl")):
        raise Forbidden("only a manager or the DSL can assign tasks")


def task_scopes(actor: Actor) -> list[str]:
    """The task lists the actor has: their own steps; the team queue for managers and the DSL; the
    escalations for the DSL."""
    managing = actor.has_role("manager") or actor.has_role("dsl")
    return ["mine"] + (["team"] if managing else []) + (["escalated"] if actor.has_role("dsl") else [])


ALL_TEAMS = "every team"


def team_queue_of(actor: Actor) -> str | None:
    """Whose team queue the actor works: the DSL every team's (``ALL_TEAMS``), a manager their own team's."""
    return ALL_TEAMS if actor.has_role("dsl") else actor.team


def require_scope(actor: Actor, scope: str) -> None:
    require_case_worker(actor)
    if scope == "team" and "team" not in task_scopes(actor):
        raise Forbidden("the team queue is for managers and the DSL")
    if scope == "escalated" and "escalated" not in task_scopes(actor):
        raise Forbidden("escalations are for the DSL")


# --- secure links ------------------------------------------------------------------------------------------


def may_manage_link(actor: Actor, disclosure: Disclosure, case: Case) -> bool:
    """The sender, the case's practitioner and the DSL may see a link's code and withdraw it."""
    return actor.username in (disclosure.created_by, case.started_by) or actor.has_role("dsl")


# --- the process -------------------------------------------------------------------------------------------


def may_change_process(actor: Actor) -> bool:
    return actor.has_role(PROCESS_OWNER)


def require_process_owner(actor: Actor) -> None:
    if not may_change_process(actor):
        raise Forbidden("changing the process is for process owners")


def require_second_owner(draft: Draft, actor: Actor, doing: str) -> None:
    """Four eyes: the one who approves or rejects a draft is never its author, nor tied to them by roles."""
    if draft.author == actor.username:
        raise Forbidden(f"a second process owner must {doing}: you wrote this draft")
    if actor.roles_granted_by == draft.author:
        raise Forbidden(f"a second process owner must {doing}: {draft.author}, who wrote this draft, gave you your "
                        "roles, so the two of you are not four independent eyes")
    if draft.author_roles_granted_by == actor.username:
        raise Forbidden(f"a second process owner must {doing}: you gave {draft.author}, who wrote this draft, their "
                        "roles, so the two of you are not four independent eyes")


# --- the audit trail, accounts and teams -------------------------------------------------------------------


def may_read_audit(actor: Actor) -> bool:
    """Auditors and the DSL read the audit trail: verifying it, and the changes to the service itself."""
    return actor.has_role("auditor") or actor.has_role("dsl")


def require_audit_reader(actor: Actor) -> None:
    if not may_read_audit(actor):
        raise Forbidden("the audit trail is for auditors and the DSL")


def require_admin(actor: Actor, managing: str = "accounts") -> None:
    if not actor.has_role("admin"):
        raise Forbidden(f"managing {managing} is for admins")
