"""The small review process end to end through the domain services, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from service.audit.trail import case_events, verify_chain
from service.cases.models import Case, CaseStatus
from service.cases.service import get_case
from service.flows.cases import fire_due_timers, start_case
from service.flows.tasks import claim_task, complete_task
from service.tasks.models import HumanTask, TaskStatus
from service.tasks.service import list_open_tasks
from tests.conftest import DSL, MANAGER, PRACTITIONER


def _start(session_factory, now, urgency="same_day"):
    with session_factory.begin() as s:
        return start_case(session=s, process_key="review", actor=PRACTITIONER, direction="outbound_concern",
                          urgency=urgency, summary="Bruise seen on a pupil's arm", now=now).id


def _only_open_task(session, case_id):
    tasks = session.scalars(select(HumanTask).where(HumanTask.case_id == case_id,
                                                    HumanTask.state == TaskStatus.OPEN)).all()
    assert len(tasks) == 1, [t.element_id for t in tasks]
    return tasks[0]


def test_case_runs_end_to_end_with_an_escalation_timer(session_factory, review_process, now):
    case_id = _start(session_factory, now)

    with session_factory() as s:
        mine = list_open_tasks(session=s, actor=PRACTITIONER)
        assert [t.element_id for t in mine] == ["describe_concern"]
        assert mine[0].assignee == PRACTITIONER.username and mine[0].role == "practitioner"
        first = mine[0].id

    with session_factory.begin() as s:
        complete_task(session=s, task_id=first, actor=PRACTITIONER, now=now,
                      data={"concern": "Bruise on the upper arm, child quiet", "unsure": True})

    with session_factory() as s:
        queue = list_open_tasks(session=s, role="manager")
        assert [t.element_id for t in queue] == ["give_advice"]
        advice = queue[0]
        # Same-day urgency: the manager has two hours.
        assert advice.due_at == now + timedelta(hours=2)
        assert get_case(session=s, case_id=case_id).next_timer_at == now + timedelta(hours=2)
        assert list_open_tasks(session=s, actor=PRACTITIONER) == []

    with session_factory.begin() as s:
        assert fire_due_timers(session=s, now=now + timedelta(hours=1)).advanced == []
    with session_factory.begin() as s:
        fired = fire_due_timers(session=s, now=now + timedelta(hours=2, seconds=1))
        assert fired.advanced == [case_id]
    with session_factory.begin() as s:
        # Firing again finds nothing: the timer is spent and the case no longer due.
        assert fire_due_timers(session=s, now=now + timedelta(hours=3)).advanced == []
        case = get_case(session=s, case_id=case_id)
        assert case.next_timer_at is None and case.status == CaseStatus.ACTIVE
        # The reminder does not interrupt: the manager's task is still open.
        assert _only_open_task(s, case_id).id == advice.id
        actions = [e.action for e in case_events(session=s, case_id=case_id)]
        assert actions.count("timer_fired") == 1

    later = now + timedelta(hours=3)
    with session_factory.begin() as s:
        claim_task(session=s, task_id=advice.id, actor=MANAGER, now=later)
    with session_factory.begin() as s:
        complete_task(session=s, task_id=advice.id, actor=MANAGER, now=later,
                      data={"advice": "Refer to children's social care today"})
    with session_factory() as s:
        record = _only_open_task(s, case_id)
        assert record.element_id == "record_decision" and record.assignee == PRACTITIONER.username
    with session_factory.begin() as s:
        complete_task(session=s, task_id=record.id, actor=PRACTITIONER, now=later,
                      data={"outcome": "share_in_full", "reasons": "Risk of significant harm"})

    with session_factory() as s:
        case = s.get(Case, case_id)
        assert case.status == CaseStatus.COMPLETED and case.completed_at == later
        assert case.next_timer_at is None
        assert list_open_tasks(session=s, role="manager") == []
        actions = [e.action for e in case_events(session=s, case_id=case_id)]
        assert actions == ["case_started", "task_completed", "timer_fired", "task_claimed",
                           "task_completed", "task_completed"]
        assert verify_chain(session=s).ok


def test_routine_case_gets_a_working_day_and_no_advice_path_skips_the_manager(session_factory, review_process, now):
    case_id = _start(session_factory, now, urgency="routine")
    with session_factory() as s:
        first = _only_open_task(s, case_id)
    with session_factory.begin() as s:
        complete_task(session=s, task_id=first.id, actor=PRACTITIONER, now=now,
                      data={"concern": "Young carer, tired in class", "unsure": False})
    with session_factory() as s:
        nxt = _only_open_task(s, case_id)
        assert nxt.element_id == "record_decision"
        assert list_open_tasks(session=s, role="manager") == []
        assert get_case(session=s, case_id=case_id).next_timer_at is None


def test_routine_advice_is_due_in_a_day(session_factory, review_process, now):
    case_id = _start(session_factory, now, urgency="routine")
    with session_factory() as s:
        first = _only_open_task(s, case_id)
    with session_factory.begin() as s:
        complete_task(session=s, task_id=first.id, actor=PRACTITIONER, now=now,
                      data={"concern": "Unsure about a disclosure", "unsure": True})
    with session_factory() as s:
        assert _only_open_task(s, case_id).due_at == now + timedelta(days=1)


@pytest.mark.parametrize("field,value", [("direction", "sideways"), ("urgency", "whenever"), ("summary", "  ")])
def test_start_rejects_bad_input_and_changes_nothing(session_factory, review_process, now, field, value):
    from service.errors import InvalidInput

    args = {"direction": "outbound_concern", "urgency": "routine", "summary": "Concern"} | {field: value}
    with session_factory() as s, pytest.raises(InvalidInput) as err:
        start_case(session=s, process_key="review", actor=PRACTITIONER, now=now, **args)
    assert err.value.field == field
    with session_factory() as s:
        assert s.scalars(select(Case)).all() == []


def test_dsl_cannot_complete_a_practitioners_task(session_factory, review_process, now):
    from service.errors import Forbidden

    case_id = _start(session_factory, now)
    with session_factory() as s:
        first = _only_open_task(s, case_id)
    with session_factory() as s, pytest.raises(Forbidden):
        complete_task(session=s, task_id=first.id, actor=DSL, now=now, data={"concern": "x", "unsure": False})
