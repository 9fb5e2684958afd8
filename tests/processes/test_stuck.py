"""Stuck cases: process owners see the cases an incident stopped, by step and version, and carry them on
once a fixed version is published; for each place an incident arises (completing a task, a timer, a start)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.actors import Actor
from service.cases.models import Case, CaseStatus, TimerFiring
from service.cases.service import load_instance
from service.errors import Conflict, Forbidden, NotFound
from service.flows.cases import fire_due_timers, start_case
from service.flows.stuck import list_stuck_cases, resume_stuck_case, resume_stuck_group, step_name
from service.flows.tasks import complete_task
from service.processes.diff import read_model
from service.processes.service import register_version
from service.records.models import AuditEvent
from service.tasks.models import HumanTask, TaskStatus
from tests.conftest import MANAGER, PRACTITIONER

OWNER = Actor("pat.owner", frozenset({"process_owner"}))
FACTS = {"public_authority": True}
BROKEN = "deadline = days_left + 1"
FIXED = "deadline = 2"
STEP = "Check the manager's deadline"

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="stuck_defs" targetNamespace="http://example.org/t">
<bpmn:process id="stuck_demo" name="Stuck demo" isExecutable="true">
<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
"""
# Before the script: a person's step (completing it runs the script), the same step with a timer on it
# (the timer's path runs the script), or nothing (starting the case runs it).
_BEFORE = {
    "task": """<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="describe"/>
<bpmn:userTask id="describe" name="DESCRIBE">
  <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
<bpmn:sequenceFlow id="f2" sourceRef="describe" targetRef="check"/>""",
    "timer": """<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="describe"/>
<bpmn:userTask id="describe" name="DESCRIBE">
  <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
<bpmn:boundaryEvent id="late" name="Too late" attachedToRef="describe">
  <bpmn:outgoing>f9</bpmn:outgoing>
  <bpmn:timerEventDefinition id="late_timer">
    <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"PT1H"</bpmn:timeDuration>
  </bpmn:timerEventDefinition></bpmn:boundaryEvent>
<bpmn:sequenceFlow id="f2" sourceRef="describe" targetRef="check"/>
<bpmn:sequenceFlow id="f9" sourceRef="late" targetRef="check"/>""",
    "start": """<bpmn:sequenceFlow id="f2" sourceRef="start" targetRef="check"/>""",
}
_AFTER = """<bpmn:scriptTask id="check" name="{step}">
  <bpmn:incoming>f2</bpmn:incoming>{more}<bpmn:outgoing>f3</bpmn:outgoing>
  <bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
<bpmn:sequenceFlow id="f3" sourceRef="check" targetRef="decide"/>
<bpmn:userTask id="decide" name="Decide">
  <bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing></bpmn:userTask>
<bpmn:sequenceFlow id="f4" sourceRef="decide" targetRef="end"/>
<bpmn:endEvent id="end"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
</bpmn:process></bpmn:definitions>"""


def stuck_files(where: str, script: str, *, describe: str = "Describe the concern", step: str = STEP) -> dict[str, str]:
    """A process whose script ``check`` runs after ``where`` ("task", "timer" or "start")."""
    more = "<bpmn:incoming>f9</bpmn:incoming>" if where == "timer" else ""
    body = _BEFORE[where].replace("DESCRIBE", describe) + _AFTER.format(step=step, more=more, script=script)
    return {"stuck.bpmn": _HEAD + body}


def condition_files(condition: str) -> dict[str, str]:
    """A process whose gateway after a person's step goes one way or the other on ``condition``."""
    body = """<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="describe"/>
<bpmn:userTask id="describe" name="Describe the concern">
  <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
<bpmn:sequenceFlow id="f2" sourceRef="describe" targetRef="late"/>
<bpmn:exclusiveGateway id="late" name="Is the deadline past?" default="in_time">
  <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>too_late</bpmn:outgoing><bpmn:outgoing>in_time</bpmn:outgoing>
</bpmn:exclusiveGateway>
<bpmn:sequenceFlow id="too_late" sourceRef="late" targetRef="end">
  <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">CONDITION</bpmn:conditionExpression>
</bpmn:sequenceFlow>
<bpmn:sequenceFlow id="in_time" sourceRef="late" targetRef="decide"/>
<bpmn:userTask id="decide" name="Decide">
  <bpmn:incoming>in_time</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing></bpmn:userTask>
<bpmn:sequenceFlow id="f4" sourceRef="decide" targetRef="end"/>
<bpmn:endEvent id="end"><bpmn:incoming>f4</bpmn:incoming><bpmn:incoming>too_late</bpmn:incoming></bpmn:endEvent>
</bpmn:process></bpmn:definitions>"""
    return {"stuck.bpmn": _HEAD + body.replace("CONDITION", condition)}


def publish(factory: sessionmaker[Session], files: dict[str, str], now: datetime, key: str = "stuck") -> int:
    with factory.begin() as s:
        return register_version(session=s, key=key, name="Stuck", files=files, author="pat.owner",
                                change_note="", now=now).number


def new_case(factory: sessionmaker[Session], now: datetime, key: str = "stuck") -> str:
    with factory.begin() as s:
        return start_case(session=s, process_key=key, actor=PRACTITIONER, direction="outbound_concern",
                          urgency="routine", summary="A concern", now=now, data=FACTS).id


def tasks(factory: sessionmaker[Session], case_id: str) -> dict[str, str]:
    with factory() as s:
        return {t.element_id: t.state for t in s.scalars(select(HumanTask).where(HumanTask.case_id == case_id))}


def task_id(factory: sessionmaker[Session], case_id: str, element: str) -> str:
    with factory() as s:
        return s.scalars(select(HumanTask.id).where(HumanTask.case_id == case_id, HumanTask.element_id == element,
                                                    HumanTask.state == TaskStatus.OPEN)).one()


def describe_and_stop(factory: sessionmaker[Session], now: datetime) -> str:
    case_id = new_case(factory, now)
    with factory.begin() as s:
        complete_task(session=s, task_id=task_id(factory, case_id, "describe"), actor=PRACTITIONER,
                      data={"facts": "given"}, now=now)
    return case_id


def groups(factory: sessionmaker[Session], key: str = "stuck") -> list:
    with factory() as s:
        return list_stuck_cases(session=s, key=key, actor=OWNER)


def resume(factory: sessionmaker[Session], case_id: str, now: datetime, key: str = "stuck"):
    with factory.begin() as s:
        return resume_stuck_case(session=s, key=key, case_id=case_id, actor=OWNER, now=now, facts=FACTS)


def case_row(factory: sessionmaker[Session], case_id: str) -> Case:
    with factory() as s:
        case = s.get(Case, case_id)
        assert case is not None
        s.expunge(case)
        return case


def test_a_case_stopped_after_a_task_is_listed_and_carries_on_from_there_on_the_fixed_version(
        session_factory: sessionmaker[Session], now: datetime) -> None:
    publish(session_factory, stuck_files("task", BROKEN), now)
    case_id = describe_and_stop(session_factory, now)
    # What the incident left: the person's step completed and kept, the failing script not run.
    assert tasks(session_factory, case_id) == {"describe": TaskStatus.COMPLETED}
    listed = groups(session_factory)
    assert [(g.element_id, g.element_name, g.version, len(g.cases)) for g in listed] == [("check", STEP, 1, 1)]
    assert "days_left" in listed[0].message
    reference = case_row(session_factory, case_id).reference
    assert [(c.id, c.reference, c.stopped_since) for c in listed[0].cases] == [(case_id, reference, now)]

    assert publish(session_factory, stuck_files("task", FIXED), now) == 2
    later = now + timedelta(minutes=5)
    resumed = resume(session_factory, case_id, later)

    assert (resumed.status, resumed.version, resumed.message) == ("active", 2, None)
    assert "moved from version 1 to version 2" in resumed.note and "carried on" in resumed.note
    case = case_row(session_factory, case_id)
    assert (case.status, case.incident_message, case.incident_element) == (CaseStatus.ACTIVE, None, None)
    assert tasks(session_factory, case_id) == {"describe": TaskStatus.COMPLETED, "decide": TaskStatus.OPEN}
    assert load_instance_of(session_factory, case_id)["deadline"] == 2
    assert groups(session_factory) == []
    with session_factory() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "stuck_case_resumed")).one()
        assert (event.actor, event.case_id) == ("pat.owner", case_id)
        assert json.loads(event.summary) == {"process": "stuck", "element": "check", "from": 1, "to": 2,
                                             "status": "active", "timers": []}
    # It carries on to its end like any other case.
    with session_factory.begin() as s:
        complete_task(session=s, task_id=task_id(session_factory, case_id, "decide"), actor=PRACTITIONER,
                      data={}, now=later)
    assert case_row(session_factory, case_id).status == CaseStatus.COMPLETED


def load_instance_of(factory: sessionmaker[Session], case_id: str) -> dict:
    with factory() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return load_instance(case).current_data()


def test_a_task_completion_stopped_by_a_condition_carries_on_once_the_condition_is_fixed(
        sqlite_session_factory: sessionmaker[Session], now: datetime) -> None:
    factory = sqlite_session_factory
    publish(factory, condition_files("days_left &gt; 2"), now)
    case_id = describe_and_stop(factory, now)
    assert tasks(factory, case_id) == {"describe": TaskStatus.COMPLETED}
    [group] = groups(factory)
    assert (group.element_id, group.element_name) == ("late", "Is the deadline past?")

    publish(factory, condition_files("False"), now)
    resumed = resume(factory, case_id, now)

    assert (resumed.status, resumed.version) == ("active", 2)
    assert tasks(factory, case_id) == {"describe": TaskStatus.COMPLETED, "decide": TaskStatus.OPEN}


def test_a_timer_whose_path_fails_fires_again_on_the_fixed_version(
        sqlite_session_factory: sessionmaker[Session], now: datetime) -> None:
    factory = sqlite_session_factory
    publish(factory, stuck_files("timer", BROKEN), now)
    case_id = new_case(factory, now)
    with factory.begin() as s:
        sweep = fire_due_timers(session=s, now=now + timedelta(hours=2))
    assert sweep.incidents == [case_id]
    # What the incident left: nothing saved, so the timer still waits (due) and its step is still open.
    assert tasks(factory, case_id) == {"describe": TaskStatus.OPEN}
    assert [(g.element_id, g.element_name) for g in groups(factory)] == [("check", STEP)]

    publish(factory, stuck_files("timer", FIXED), now)
    resumed = resume(factory, case_id, now + timedelta(hours=3))

    assert (resumed.status, resumed.version) == ("active", 2)
    # The timer fired (interrupting the step it guards) and the process carried on past the script.
    assert tasks(factory, case_id) == {"describe": TaskStatus.CANCELLED, "decide": TaskStatus.OPEN}
    with factory() as s:
        assert [f.element_id for f in s.scalars(select(TimerFiring).where(TimerFiring.case_id == case_id))] == ["late"]
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "stuck_case_resumed")).one()
        assert json.loads(event.summary)["timers"] == ["late"]


def test_a_case_that_failed_as_it_started_starts_again_with_what_it_was_raised_with(
        sqlite_session_factory: sessionmaker[Session], now: datetime) -> None:
    factory = sqlite_session_factory
    publish(factory, stuck_files("start", BROKEN), now)
    case_id = new_case(factory, now)
    assert case_row(factory, case_id).status == CaseStatus.INCIDENT and tasks(factory, case_id) == {}

    publish(factory, stuck_files("start", FIXED), now)
    resumed = resume(factory, case_id, now)

    assert (resumed.status, resumed.version) == ("active", 2)
    assert "started again on version 2" in resumed.note
    assert tasks(factory, case_id) == {"decide": TaskStatus.OPEN}
    data = load_instance_of(factory, case_id)
    assert {k: data[k] for k in ("urgency", "direction", "started_by", "public_authority", "deadline")} == {
        "urgency": "routine", "direction": "outbound_concern", "started_by": "tess.teacher",
        "public_authority": True, "deadline": 2}


def test_failing_again_keeps_it_stuck_with_the_new_reason_and_loses_nothing(
        sqlite_session_factory: sessionmaker[Session], now: datetime) -> None:
    factory = sqlite_session_factory
    publish(factory, stuck_files("task", BROKEN), now)
    case_id = describe_and_stop(factory, now)
    state_before = case_row(factory, case_id).instance_state
    publish(factory, stuck_files("task", "deadline = 1 / 0"), now)

    resumed = resume(factory, case_id, now)

    assert (resumed.status, resumed.version) == ("incident", 2)
    assert resumed.message and "division" in resumed.message and "stopped again" in resumed.note
    case = case_row(factory, case_id)
    assert (case.status, case.incident_element, case.incident_message) == ("incident", "check", resumed.message)
    assert case.instance_state == state_before
    assert tasks(factory, case_id) == {"describe": TaskStatus.COMPLETED}
    listed = groups(factory)
    assert [(g.version, g.element_id, g.message) for g in listed] == [(2, "check", resumed.message)]
    # A third version that fixes it carries it on.
    publish(factory, stuck_files("task", FIXED), now)
    assert resume(factory, case_id, now).status == "active"


def test_with_no_newer_version_the_step_is_tried_again_on_its_own_and_says_so(
        sqlite_session_factory: sessionmaker[Session], now: datetime) -> None:
    factory = sqlite_session_factory
    publish(factory, stuck_files("task", BROKEN), now)
    case_id = describe_and_stop(factory, now)

    resumed = resume(factory, case_id, now)

    assert (resumed.status, resumed.version) == ("incident", 1)
    assert resumed.note.startswith("There is no newer version than version 1")
    assert "days_left" in (resumed.message or "")


def test_a_fix_that_also_changes_a_step_the_case_went_through_leaves_it_on_its_own_version(
        sqlite_session_factory: sessionmaker[Session], now: datetime) -> None:
    factory = sqlite_session_factory
    publish(factory, stuck_files("task", BROKEN), now)
    case_id = describe_and_stop(factory, now)
    publish(factory, stuck_files("task", FIXED, describe="Describe what worries you"), now)

    resumed = resume(factory, case_id, now)

    assert (resumed.status, resumed.version) == ("incident", 1)
    assert "could not move to version 2" in resumed.note and "tried again on version 1" in resumed.note
    assert case_row(factory, case_id).process_version_id == version_id(factory, 1)


def version_id(factory: sessionmaker[Session], number: int) -> int:
    from service.processes.models import ProcessVersion

    with factory() as s:
        return s.scalars(select(ProcessVersion.id).where(ProcessVersion.number == number)).one()


def test_every_case_stopped_at_a_step_carries_on_together(
        sqlite_session_factory: sessionmaker[Session], now: datetime) -> None:
    factory = sqlite_session_factory
    publish(factory, stuck_files("task", BROKEN), now)
    first, second = describe_and_stop(factory, now), describe_and_stop(factory, now + timedelta(minutes=1))
    [group] = groups(factory)
    assert [c.id for c in group.cases] == [first, second]
    publish(factory, stuck_files("task", FIXED), now)

    with factory.begin() as s:
        resumed = resume_stuck_group(session=s, key="stuck", element_id="check", version=1, actor=OWNER, now=now,
                                     facts=FACTS)

    assert sorted((r.case_id, r.status, r.version) for r in resumed) == sorted(
        [(first, "active", 2), (second, "active", 2)])
    assert groups(factory) == []


def test_refusals_change_nothing(sqlite_session_factory: sessionmaker[Session], now: datetime) -> None:
    factory = sqlite_session_factory
    publish(factory, stuck_files("task", BROKEN), now)
    publish(factory, stuck_files("task", FIXED), now, key="other")
    stuck = describe_and_stop(factory, now)
    running = new_case(factory, now, key="other")
    with factory.begin() as s, pytest.raises(Forbidden):
        resume_stuck_case(session=s, key="stuck", case_id=stuck, actor=MANAGER, now=now, facts=FACTS)
    with factory() as s, pytest.raises(Forbidden):
        list_stuck_cases(session=s, key="stuck", actor=PRACTITIONER)
    with factory.begin() as s, pytest.raises(NotFound, match="no process 'nope'"):
        resume_stuck_case(session=s, key="nope", case_id=stuck, actor=OWNER, now=now, facts=FACTS)
    with factory.begin() as s, pytest.raises(NotFound):
        resume_stuck_case(session=s, key="other", case_id=stuck, actor=OWNER, now=now, facts=FACTS)
    with factory.begin() as s, pytest.raises(Conflict, match="is not stuck"):
        resume_stuck_case(session=s, key="other", case_id=running, actor=OWNER, now=now, facts=FACTS)
    assert case_row(factory, stuck).status == CaseStatus.INCIDENT
    with factory() as s:
        assert s.scalars(select(AuditEvent).where(AuditEvent.action == "stuck_case_resumed")).all() == []


def test_a_step_without_a_name_is_described_by_its_kind() -> None:
    model = read_model(stuck_files("task", BROKEN, step=""))
    assert step_name(model, "check") == "the unnamed script task 'check'"
    assert step_name(model, "gone") == "'gone', a step this version's diagram does not have"
    assert step_name(model, "describe") == "Describe the concern"
