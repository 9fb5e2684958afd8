"""One way to act on a step, for the pages and the API alike: claim it, put it back, give it to a colleague,
keep a draft, or complete it. Each runs in the request's one transaction, with the task and its case read
once, and answers what the person may do next."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.access import authorise_task_work, can_work_task, could_work
from service.accounts.service import actor_of, user_by_name
from service.actors import Actor
from service.cases.models import Case
from service.cases.service import get_case
from service.config import DEFAULT_CONFIG, Config
from service.errors import InvalidInput
from service.tasks.models import HumanTask
from service.tasks.service import form_as_the_case_asks, get_task

from .tasks import AnswerReader, assign_task, claim_task, complete_task, save_draft, unclaim_task

TASK_ACTIONS = ("claim", "unclaim", "assign", "draft", "complete")


@dataclass(frozen=True)
class ActionDone:
    """The step acted on, its case, and (after completing) the case's open steps the person may work next."""

    task: HumanTask
    case: Case
    next_tasks: list[HumanTask]


def act_on_task(
    *, session: Session, task_id: str, actor: Actor, action: str, now: datetime,
    answers: Mapping[str, Any] | AnswerReader | None = None, assignee: str = "", config: Config = DEFAULT_CONFIG,
) -> ActionDone:
    """Do ``action`` on a step. ``answers`` (to complete or keep as a draft) are the answers, or a function
    that reads them from what a page sent given the form as this case asks it; ``assignee`` is who to give
    the step to."""
    if action not in TASK_ACTIONS:
        raise InvalidInput(f"there is no action '{action[:40]}' on a task; the actions are "
                           f"{', '.join(TASK_ACTIONS)}", field="action")
    if action == "complete":
        # Completing checks who may act, under the case's lock, and reads the form as the case asks it.
        done = complete_task(session=session, task_id=task_id, actor=actor, data=_answers(answers), now=now,
                             config=config)
        following = [t for t in done.open_tasks if can_work_task(actor, t, done.case)]
        return ActionDone(done.task, done.case, following)
    task, case = task_for_work(session=session, task_id=task_id, actor=actor)
    if action == "claim":
        claim_task(session=session, task_id=task_id, actor=actor, now=now)
    elif action == "unclaim":
        unclaim_task(session=session, task_id=task_id, actor=actor, now=now)
    elif action == "draft":
        reader = _answers(answers)
        draft = reader(form_as_the_case_asks(task, case)[1]) if callable(reader) else reader
        save_draft(session=session, task_id=task_id, actor=actor, data=draft, now=now)
    else:
        assign_to_colleague(session=session, task=task, case=case, actor=actor, assignee=assignee, now=now)
    return ActionDone(task, case, [])


def _answers(answers: Mapping[str, Any] | AnswerReader | None) -> Mapping[str, Any] | AnswerReader:
    if answers is None or not (callable(answers) or isinstance(answers, Mapping)):
        raise InvalidInput("send the answers as an object in 'data'", field="data")
    return answers


def task_for_work(*, session: Session, task_id: str, actor: Actor) -> tuple[HumanTask, Case]:
    """A task and its case, once the actor may act on it: a task of a case they cannot see is not found
    (404); one of another role is refused (403)."""
    task = get_task(session=session, task_id=task_id)
    case = get_case(session=session, case_id=task.case_id)
    authorise_task_work(actor, task, case)
    return task, case


def assign_to_colleague(*, session: Session, task: HumanTask, case: Case, actor: Actor, assignee: str,
                        now: datetime) -> HumanTask:
    """Give a task to a named colleague: an active account who could work it in this case's team."""
    name = assignee.strip()
    if not name:
        raise InvalidInput("name the person to assign the task to", field="assignee")
    user = user_by_name(session=session, username=name)
    if user is None:
        raise InvalidInput(f"there is no active account called {name}", field="assignee")
    if not could_work(actor_of(user), task, case):
        raise InvalidInput(f"{name} cannot work this task: it needs a {task.role} of team {case.team or '-'}",
                           field="assignee")
    return assign_task(session=session, task_id=task.id, actor=actor, assignee=name, now=now)
