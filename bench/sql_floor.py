"""The floor under the engine benchmark's database figures: the same cases with only the SQL a step
cannot do without, in SQLAlchemy Core, and none of the service's own work around it.

Each step still runs SpiffWorkflow, stores the instance, keeps the open tasks, appends to the audit
chain and commits, one transaction per step, through the service's own engine settings, sessions and
audit append. Left out is what the service adds on purpose: who may see a case and work a task, form
validation, notifications, decision records, timers, and the ORM's bookkeeping. The service's figure
cannot rise above this one without leaving those shared parts behind too, so it says how far the
service's own figure could go on the machine that measured it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from service.actors import Actor
from service.audit.trail import record_event
from service.cases.models import Case
from service.engine import CompiledProcess, Instance, ReadyTask
from service.processes.models import ProcessDefinition, ProcessVersion
from service.processes.service import compiled_process, latest_version
from service.tasks.models import HumanTask

_CASE: Table = Case.__table__  # type: ignore[assignment]
_TASK: Table = HumanTask.__table__  # type: ignore[assignment]
_VERSION: Table = ProcessVersion.__table__  # type: ignore[assignment]
_DEFINITION: Table = ProcessDefinition.__table__  # type: ignore[assignment]

_NEWEST_VERSION = (select(_VERSION.c.id, _VERSION.c.content_hash)
                   .join(_DEFINITION, _DEFINITION.c.id == _VERSION.c.definition_id)
                   .where(_DEFINITION.c.key == bindparam("key"))
                   .order_by(_VERSION.c.number.desc()).limit(1))
_LOCK_CASE_OF_TASK = (
    select(_CASE.c.id, _CASE.c.version, _CASE.c.instance_state, _VERSION.c.content_hash)
    .join(_VERSION, _VERSION.c.id == _CASE.c.process_version_id)
    .where(_CASE.c.id == select(_TASK.c.case_id).where(_TASK.c.id == bindparam("task_id")).scalar_subquery())
    .with_for_update(of=_CASE)
)
_OPEN_TASK_IDS = select(_TASK.c.id).where(_TASK.c.case_id == bindparam("case_id"), _TASK.c.state == "open")
_STORE_INSTANCE = (update(_CASE)
                   .where(_CASE.c.id == bindparam("case_id"), _CASE.c.version == bindparam("old_version"))
                   .values(instance_state=bindparam("state"), version=bindparam("new_version"),
                           updated_at=bindparam("now"), status=bindparam("status")))
_CLOSE_TASK = (update(_TASK).where(_TASK.c.id == bindparam("task_id"))
               .values(state="completed", closed_at=bindparam("now"), completed_by=bindparam("actor"),
                       answers=bindparam("answers", type_=_TASK.c.answers.type)))
_OPEN_TASKS = insert(_TASK)
_NEW_CASE = insert(_CASE)


class FloorPath:
    """Start a case and complete its tasks with the least SQL a durable step needs."""

    def __init__(self, factory: sessionmaker[Session], *, process_key: str, actor: Actor, now: datetime) -> None:
        self.factory, self.process_key, self.actor, self.now = factory, process_key, actor, now
        with factory() as session:  # parsed once, as the service's spec cache does
            version = latest_version(session=session, key=process_key)
            self.compiled: dict[str, CompiledProcess] = {version.content_hash: compiled_process(version)}

    def start(self) -> str:
        """Open a case; its first task."""
        with self.factory.begin() as session:
            connection = session.connection()
            version_id, content_hash = connection.execute(_NEWEST_VERSION, {"key": self.process_key}).one()
            instance = Instance.start(self.compiled[content_hash], {"started_by": self.actor.username}, now=self.now)
            case_id = str(uuid.uuid4())
            connection.execute(_NEW_CASE, {
                "id": case_id, "reference": f"F-{case_id[:16]}", "process_version_id": version_id,
                "status": "active", "direction": "outbound_concern", "urgency": "routine", "summary": "floor",
                "started_by": self.actor.username, "team": self.actor.team, "created_at": self.now,
                "updated_at": self.now, "instance_state": instance.dump(), "serializer_version": "floor",
                "version": 1})
            opened = self._open(connection, case_id, instance.ready_tasks())
            record_event(session=session, actor=self.actor, action="case_started", at=self.now, case_id=case_id)
            return opened[0]

    def complete(self, task_id: str, answers: Mapping[str, Any]) -> str | None:
        """Complete a task under its case's lock; the next task, if the case has one."""
        with self.factory.begin() as session:
            connection = session.connection()
            case = connection.execute(_LOCK_CASE_OF_TASK, {"task_id": task_id}).one()
            already_open = set(connection.execute(_OPEN_TASK_IDS, {"case_id": case.id}).scalars())
            instance = Instance.load(self.compiled[case.content_hash], case.instance_state)
            instance.complete(task_id, answers, now=self.now)
            stored = connection.execute(_STORE_INSTANCE, {
                "case_id": case.id, "old_version": case.version, "new_version": case.version + 1,
                "state": instance.dump(), "now": self.now,
                "status": "completed" if instance.completed else "active"})
            if stored.rowcount != 1:
                raise RuntimeError(f"case {case.id} changed under its lock")
            connection.execute(_CLOSE_TASK, {"task_id": task_id, "now": self.now, "actor": self.actor.username,
                                             "answers": dict(answers)})
            waiting = [task for task in instance.ready_tasks() if task.task_id not in already_open]
            opened = self._open(connection, case.id, waiting)
            record_event(session=session, actor=self.actor, action="task_completed", at=self.now,
                         case_id=case.id, task_id=task_id, summary={"answers": dict(answers)})
            return opened[0] if opened else None

    def _open(self, connection: Connection, case_id: str, ready: Sequence[ReadyTask]) -> list[str]:
        if ready:
            connection.execute(_OPEN_TASKS, [{
                "id": task.task_id, "case_id": case_id, "element_id": task.element_id, "name": task.name,
                "lane": task.lane, "role": "practitioner", "team": self.actor.team,
                "assignee": self.actor.username, "form": task.form, "due_at": task.due_at, "state": "open",
                "created_at": self.now} for task in ready])
        return [task.task_id for task in ready]


def floor_runner(path: FloorPath, answers: Sequence[Mapping[str, Any]]) -> Callable[[int], float]:
    """Seconds to run ``cases`` whole cases along the path the answers take."""
    def run(cases: int) -> float:
        started = time.perf_counter()
        for _ in range(cases):
            task_id: str | None = path.start()
            for step in answers:
                assert task_id is not None
                task_id = path.complete(task_id, step)
            assert task_id is None
        return time.perf_counter() - started

    return run
