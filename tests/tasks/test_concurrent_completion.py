"""Two people completing the same task at the same moment: exactly one wins, the case stays whole."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from service.audit.trail import verify_chain
from service.cases.models import Case
from service.db import make_session_factory
from service.errors import Conflict
from service.flows.cases import start_case
from service.flows.tasks import complete_task
from service.records.models import AuditEvent
from service.tasks.models import HumanTask, TaskStatus
from tests.conftest import PRACTITIONER, review_files

ROUNDS = 50


@pytest.mark.postgres
def test_same_task_completed_concurrently_exactly_one_succeeds(pg_engine, now):
    from service.processes.service import register_version

    factory = make_session_factory(pg_engine)
    with factory.begin() as s:
        register_version(session=s, key="review", name="Review", files=review_files(), author="pat.owner",
                         change_note="", now=now)

    for round_no in range(ROUNDS):
        with factory.begin() as s:
            case = start_case(session=s, process_key="review", actor=PRACTITIONER, direction="outbound_concern",
                              urgency="routine", summary=f"Concern {round_no}", now=now)
            case_id = case.id
        with factory() as s:
            started_version = s.get(Case, case_id).version
        with factory() as s:
            task_id = s.scalars(select(HumanTask.id).where(HumanTask.case_id == case_id)).one()

        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def attempt(answer: bool, outcomes: list[str] = outcomes, task_id: str = task_id,
                    barrier: threading.Barrier = barrier) -> None:
            with factory() as s:
                barrier.wait()
                try:
                    complete_task(session=s, task_id=task_id, actor=PRACTITIONER, now=now,
                                  data={"concern": "Seen at the gate", "unsure": answer})
                    s.commit()
                    outcomes.append("ok")
                except Conflict:
                    s.rollback()
                    outcomes.append("conflict")

        threads = [threading.Thread(target=attempt, args=(flag,)) for flag in (True, False)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(outcomes) == ["conflict", "ok"], f"round {round_no}: {outcomes}"

        with factory() as s:
            case = s.get(Case, case_id)
            assert case.version == started_version + 1  # exactly one completion was written
            tasks = s.scalars(select(HumanTask).where(HumanTask.case_id == case_id)).all()
            completed = [t for t in tasks if t.state == TaskStatus.COMPLETED]
            opened = [t for t in tasks if t.state == TaskStatus.OPEN]
            assert len(completed) == 1 and len(opened) == 1
            # The winner's answer decided the path: manager advice if unsure, else straight to the record.
            assert opened[0].element_id in {"give_advice", "record_decision"}
            completions = s.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.case_id == case_id, AuditEvent.action == "task_completed"))
            assert completions == 1

    with factory() as s:
        assert verify_chain(session=s).ok
