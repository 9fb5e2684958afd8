"""Drive the real information-sharing process through the domain services, as its users would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.actors import SYSTEM_ACTOR, Actor
from service.audit.trail import case_events
from service.cases import service as cases
from service.cases.models import Case
from service.flows import cases as case_flows
from service.flows import tasks as task_flows
from service.notifications.models import OutboxMessage
from service.processes.service import read_process_files, register_version
from service.records.models import DecisionRecord, DisclosureLogEntry, SharingRequest
from service.tasks.models import HumanTask, TaskStatus

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
PROCESS_KEY = "information_sharing"


def sharing_files() -> dict[str, str]:
    return read_process_files(WORKFLOWS)


@dataclass
class CaseDriver:
    """One case, worked step by step: each step completed by a named person, as the process asks."""

    sessions: sessionmaker[Session]
    case_id: str
    now: datetime

    def open_tasks(self) -> list[HumanTask]:
        with self.sessions() as s:
            rows = s.scalars(select(HumanTask).where(HumanTask.case_id == self.case_id,
                                                     HumanTask.state == TaskStatus.OPEN)).all()
            s.expunge_all()
            return list(rows)

    def open_elements(self) -> set[str]:
        return {t.element_id for t in self.open_tasks()}

    def task(self, element_id: str) -> HumanTask:
        found = [t for t in self.open_tasks() if t.element_id == element_id]
        assert found, f"no open task {element_id}; open: {sorted(self.open_elements())}"
        return found[0]

    def complete(self, element_id: str, actor: Actor, data: dict[str, Any]) -> None:
        task = self.task(element_id)
        with self.sessions.begin() as s:
            if task.role != "practitioner":
                task_flows.claim_task(session=s, task_id=task.id, actor=actor, now=self.now)
            task_flows.complete_task(session=s, task_id=task.id, actor=actor, data=data, now=self.now)

    def fire_timers(self, at: datetime) -> None:
        self.now = at
        with self.sessions.begin() as s:
            case_flows.fire_due_timers(session=s, now=at)

    def receive(self, message: str, payload: dict[str, Any]) -> None:
        with self.sessions.begin() as s:
            case_flows.deliver_message(session=s, case_id=self.case_id, name=message, payload=payload,
                                  actor=SYSTEM_ACTOR, now=self.now)

    def case(self) -> Case:
        with self.sessions() as s:
            case = cases.get_case(session=s, case_id=self.case_id)
            s.expunge_all()
            return case

    def data(self) -> dict[str, Any]:
        with self.sessions() as s:
            instance = cases.load_instance(cases.get_case(session=s, case_id=self.case_id))
            return dict(instance.workflow.data) | dict(instance.workflow.last_task.data
                                                       if instance.workflow.last_task else {})

    def records(self) -> list[DecisionRecord]:
        with self.sessions() as s:
            rows = s.scalars(select(DecisionRecord).where(DecisionRecord.case_id == self.case_id)
                             .order_by(DecisionRecord.revision)).all()
            for row in rows:
                _ = row.answers, row.advice, row.every_answer
            s.expunge_all()
            return list(rows)

    def sharing_request(self) -> SharingRequest:
        with self.sessions() as s:
            row = s.scalars(select(SharingRequest).where(SharingRequest.case_id == self.case_id)).one()
            _ = row.subjects
            s.expunge_all()
            return row

    def outbox(self) -> list[tuple[str, str]]:
        """(reason, recipient) of each notification the case queued, in order."""
        with self.sessions() as s:
            rows = s.scalars(select(OutboxMessage).where(OutboxMessage.case_id == self.case_id)
                             .order_by(OutboxMessage.id)).all()
            return [(m.reason, m.recipient_user or m.recipient_role or "") for m in rows]

    def fired_timers(self) -> list[str]:
        """Element ids of the timers that fired, in order, from the case's audit trail."""
        with self.sessions() as s:
            events = case_events(session=s, case_id=self.case_id)
            return [t for e in events if e.action == "timer_fired" for t in json.loads(e.summary)["timers"]]

    def disclosures(self) -> list[DisclosureLogEntry]:
        with self.sessions() as s:
            rows = s.scalars(select(DisclosureLogEntry).where(DisclosureLogEntry.case_id == self.case_id)).all()
            for row in rows:
                _ = row.items
            s.expunge_all()
            return list(rows)


@pytest.fixture(scope="session")
def sharing_process_files() -> dict[str, str]:
    return sharing_files()


@pytest.fixture
def sharing_process(session_factory: sessionmaker[Session], sharing_process_files: dict[str, str],
                    now: datetime) -> str:
    with session_factory.begin() as s:
        register_version(session=s, key=PROCESS_KEY, name="Deciding whether to share information",
                         files=sharing_process_files, author="pat.owner", change_note="version 1", now=now)
    return PROCESS_KEY


@pytest.fixture
def start_case(session_factory: sessionmaker[Session], sharing_process: str, now: datetime
               ) -> Iterator[Any]:
    def start(actor: Actor, *, direction: str, urgency: str, summary: str,
              data: dict[str, Any] | None = None) -> CaseDriver:
        with session_factory.begin() as s:
            case = case_flows.start_case(session=s, process_key=sharing_process, actor=actor, direction=direction,
                                    urgency=urgency, summary=summary, now=now, data=data)
            case_id = case.id
        return CaseDriver(session_factory, case_id, now)

    yield start
