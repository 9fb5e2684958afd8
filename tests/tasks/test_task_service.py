"""Task lists, claiming, assigning, and completion with form validation (422 naming the field)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.cases.models import Case
from service.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.flows.cases import start_case
from service.flows.tasks import assign_task, claim_task, complete_task, unclaim_task
from service.tasks.models import HumanTask, TaskStatus
from service.tasks.service import list_open_tasks
from tests.conftest import DSL, MANAGER, PRACTITIONER, Actor

OTHER_MANAGER = Actor("max.manager", frozenset({"manager"}), team="north")


@pytest.fixture
def factory(sqlite_session_factory, now):
    from service.processes.service import register_version
    from tests.conftest import review_files

    with sqlite_session_factory.begin() as s:
        register_version(session=s, key="review", name="Review", files=review_files(), author="pat", change_note="",
                         now=now)
    return sqlite_session_factory


def _case_with_first_task(factory, now):
    with factory.begin() as s:
        case = start_case(session=s, process_key="review", actor=PRACTITIONER, direction="outbound_concern",
                          urgency="same_day", summary="Disclosure of self-harm", now=now)
    with factory() as s:
        return case.id, s.scalars(select(HumanTask.id).where(HumanTask.case_id == case.id)).one()


def _advice_task(factory, now):
    case_id, first = _case_with_first_task(factory, now)
    with factory.begin() as s:
        complete_task(session=s, task_id=first, actor=PRACTITIONER, data={"concern": "Cuts", "unsure": True}, now=now)
    with factory() as s:
        return s.scalars(select(HumanTask.id).where(HumanTask.case_id == case_id,
                                                    HumanTask.state == TaskStatus.OPEN)).one()


@pytest.mark.parametrize("data,field", [
    ({"concern": "Cuts on arm"}, "unsure"),
    ({"concern": "Cuts on arm", "unsure": "maybe"}, "unsure"),
    ({"concern": "", "unsure": True}, "concern"),
    ({"concern": "Cuts", "unsure": True, "extra": 1}, ""),
])
def test_invalid_form_data_names_the_field_and_changes_nothing(factory, now, data, field):
    case_id, task_id = _case_with_first_task(factory, now)
    with factory() as s:
        version = s.get(Case, case_id).version
    with factory() as s, pytest.raises(InvalidInput) as err:
        complete_task(session=s, task_id=task_id, actor=PRACTITIONER, data=data, now=now)
    assert err.value.field == field and err.value.problems
    with factory() as s:
        assert s.get(HumanTask, task_id).state == TaskStatus.OPEN
        assert s.get(Case, case_id).version == version


def test_form_data_must_be_an_object(factory, now):
    _, task_id = _case_with_first_task(factory, now)
    with factory() as s, pytest.raises(InvalidInput):
        complete_task(session=s, task_id=task_id, actor=PRACTITIONER, data=["not", "an", "object"], now=now)


def test_a_completed_task_cannot_be_completed_again(factory, now):
    _, task_id = _case_with_first_task(factory, now)
    with factory.begin() as s:
        complete_task(session=s, task_id=task_id, actor=PRACTITIONER, now=now,
                      data={"concern": "Cuts seen", "unsure": False})
    with factory() as s, pytest.raises(Conflict, match=r"already completed by tess\.teacher"):
        complete_task(session=s, task_id=task_id, actor=PRACTITIONER, now=now,
                      data={"concern": "More cuts", "unsure": True})


def test_unknown_task_is_not_found(factory, now):
    with factory() as s, pytest.raises(NotFound):
        claim_task(session=s, task_id="no-such-task", actor=MANAGER, now=now)


def test_claim_unclaim_and_assign_in_the_manager_queue(factory, now):
    task_id = _advice_task(factory, now)
    with factory() as s:
        assert [t.id for t in list_open_tasks(session=s, role="manager")] == [task_id]
    with factory.begin() as s:
        claim_task(session=s, task_id=task_id, actor=MANAGER, now=now)
    with factory() as s:
        assert [t.id for t in list_open_tasks(session=s, actor=MANAGER)] == [task_id]
        with pytest.raises(Conflict, match=r"claimed by mo\.manager"):
            claim_task(session=s, task_id=task_id, actor=OTHER_MANAGER, now=now)
        with pytest.raises(Conflict, match=r"claimed by mo\.manager"):
            complete_task(session=s, task_id=task_id, actor=OTHER_MANAGER, data={"advice": "x"}, now=now)
        with pytest.raises(Forbidden):
            claim_task(session=s, task_id=task_id, actor=PRACTITIONER, now=now)
    with factory.begin() as s:
        unclaim_task(session=s, task_id=task_id, actor=MANAGER, now=now)
    with factory() as s, pytest.raises(Conflict, match="not claimed"):
        unclaim_task(session=s, task_id=task_id, actor=MANAGER, now=now)
    with factory() as s, pytest.raises(Forbidden):
        assign_task(session=s, task_id=task_id, actor=PRACTITIONER, assignee="tess.teacher", now=now)
    with factory.begin() as s:
        assign_task(session=s, task_id=task_id, actor=DSL, assignee="max.manager", now=now)
    with factory() as s:
        assert [t.id for t in list_open_tasks(session=s, actor=OTHER_MANAGER)] == [task_id]
        with pytest.raises(Forbidden, match=r"assigned to max\.manager"):
            complete_task(session=s, task_id=task_id, actor=MANAGER, data={"advice": "x"}, now=now)
    with factory.begin() as s:
        complete_task(session=s, task_id=task_id, actor=OTHER_MANAGER, data={"advice": "Refer today"}, now=now)
    with factory() as s:
        assert list_open_tasks(session=s, role="manager") == []
