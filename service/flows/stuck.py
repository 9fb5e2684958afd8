"""Stuck cases are the process owners' business: the cases of a process stopped by an incident, grouped by
the step and version they stopped at, and carrying them on once a version that fixes the step is published.

What an incident leaves behind, by where it arose (so that trying again is right for each):

- completing a task whose next script, condition, decision or timer fails: the person's task is completed
  and the engine state is saved with it, the failing step not yet run (``tasks.service``); trying again
  runs the engine on from there;
- a timer whose path fails when it fires: nothing is saved, so the timer is still waiting, now due, and
  the task it guards still open; trying again fires it again;
- a case whose process fails before its first wait: no engine state at all (``NEVER_STARTED``); trying
  again starts the process afresh with what the case was raised with.

A stuck case moves to the newest version when that is safe, as open cases do when a version is published
(``migration._movable``), except that the step it stopped at may have changed: changing it is the fix.
If it fails again it stays stuck with the new message; nothing of the failed try is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from service.access import require_process_owner
from service.actors import Actor
from service.audit.trail import record_event
from service.cases.models import Case, CaseStatus, TimerFiring
from service.cases.service import NEVER_STARTED, get_case, load_instance, starting_data
from service.db import is_postgres
from service.engine import Incident, Instance
from service.errors import Conflict, NotFound
from service.flows.cases import record_incident
from service.flows.projection import mark_incident, save_instance
from service.processes.diff import Comparison, ProcessModel, compare, read_model
from service.processes.models import ProcessDefinition, ProcessVersion
from service.processes.service import compiled_process, latest_version

from .migration import _movable


@dataclass(frozen=True)
class StuckCase:
    id: str
    reference: str
    stopped_since: datetime
    message: str


@dataclass
class StuckGroup:
    """The cases stopped at one step of one version."""

    element_id: str | None
    element_name: str
    version: int
    message: str
    cases: list[StuckCase] = field(default_factory=list)


@dataclass(frozen=True)
class Resumed:
    """What trying a stuck case again did: where it stands now, and in plain words what happened."""

    case_id: str
    reference: str
    status: str
    version: int
    message: str | None
    note: str


def list_stuck_cases(*, session: Session, key: str, actor: Actor) -> list[StuckGroup]:
    """The stuck cases of a process, by the step and version they stopped at (newest version first)."""
    require_process_owner(actor)
    latest_version(session=session, key=key)  # an unknown process is "not found"
    groups: dict[tuple[int, str | None], StuckGroup] = {}
    models: dict[int, ProcessModel] = {}
    for case in _stuck_cases(session, key):
        version = case.process_version
        group = groups.get((version.number, case.incident_element))
        if group is None:
            if version.id not in models:
                models[version.id] = read_model(version.file_map())
            group = groups[(version.number, case.incident_element)] = StuckGroup(
                case.incident_element, step_name(models[version.id], case.incident_element), version.number,
                case.incident_message or "no reason was recorded")
        group.cases.append(StuckCase(case.id, case.reference, case.updated_at, case.incident_message or ""))
    return sorted(groups.values(), key=lambda g: (-g.version, g.element_name))


def step_name(model: ProcessModel, element_id: str | None) -> str:
    """A step's name as its diagram gives it, or what kind of step it is when it has none."""
    if element_id is None:
        return "a step the engine did not name"
    element = model.elements.get(("bpmn", element_id)) or model.elements.get(("dmn", element_id))
    if element is None:
        return f"'{element_id}', a step this version's diagram does not have"
    if element.name:
        return element.name
    kind = "".join(f" {c.lower()}" if c.isupper() else c for c in element.type).strip()
    return f"the unnamed {kind} '{element_id}'"


def resume_stuck_case(
    *, session: Session, key: str, case_id: str, actor: Actor, now: datetime, facts: Mapping[str, Any]
) -> Resumed:
    """Try a stuck case's step again, on the newest version where it can move there.

    ``facts``: the organisation's facts, which a case that never started starts with again."""
    require_process_owner(actor)
    newest = latest_version(session=session, key=key)
    case = get_case(session=session, case_id=case_id, for_update=True)
    if case.process_version.definition.key != key:
        raise NotFound(f"no case {case_id} in process '{key}'")
    if case.status != CaseStatus.INCIDENT:
        raise Conflict(f"the case {case.reference} is not stuck (it is {case.status}): there is nothing to carry on")
    resumed = _try_again(session=session, key=key, case=case, newest=newest, actor=actor, now=now, facts=facts)
    _flush(session)
    return resumed


def resume_stuck_group(
    *, session: Session, key: str, element_id: str, version: int, actor: Actor, now: datetime,
    facts: Mapping[str, Any],
) -> list[Resumed]:
    """Try again every case stopped at ``element_id`` of ``version`` (see ``resume_stuck_case``)."""
    require_process_owner(actor)
    newest = latest_version(session=session, key=key)
    found = [case for case in _stuck_cases(session, key, lock=True)
             if case.incident_element == element_id and case.process_version.number == version]
    resumed = [_try_again(session=session, key=key, case=case, newest=newest, actor=actor, now=now, facts=facts)
               for case in found]
    _flush(session)
    return resumed


def _stuck_cases(session: Session, key: str, *, lock: bool = False) -> list[Case]:
    query = (select(Case).join(ProcessVersion, Case.process_version_id == ProcessVersion.id)
             .join(ProcessDefinition, ProcessVersion.definition_id == ProcessDefinition.id)
             .where(ProcessDefinition.key == key, Case.status == CaseStatus.INCIDENT)
             .order_by(Case.updated_at, Case.id))
    if lock and is_postgres(session):
        query = query.with_for_update(of=Case)
    return list(session.scalars(query))


@dataclass
class _FixingComparison(Comparison):
    """A change as a stuck case sees it: the step it stopped at may change, since that is the fix."""

    stopped_at: str | None = None

    def touched_steps(self) -> set[str]:
        return super().touched_steps() - {self.stopped_at}


def _target(session: Session, case: Case, newest: ProcessVersion) -> tuple[ProcessVersion, Instance | None, str]:
    """The version to try the step on, the case's instance on it (None: the case never started), and why."""
    own = case.process_version
    if newest.number <= own.number:
        why = (f"There is no newer version than version {own.number}, so its step was tried again on it "
               "(this helps when what failed has since been put right, e.g. a service that was down).")
        return own, _own_instance(case), why
    if case.instance_state == NEVER_STARTED:
        return newest, None, f"Its process was started again on version {newest.number}."
    plain = compare(own.file_map(), newest.file_map())
    fixing = _FixingComparison(**{f.name: getattr(plain, f.name) for f in fields(plain)},
                               stopped_at=case.incident_element)
    instance = _movable(session, case, fixing, compiled_process(newest))
    if instance is None:
        why = (f"It could not move to version {newest.number}: that version changes steps the case had already "
               f"been through, or what the case holds does not fit it. Its step was tried again on version "
               f"{own.number}.")
        return own, load_instance(case), why
    return newest, instance, f"It moved from version {own.number} to version {newest.number}."


def _own_instance(case: Case) -> Instance | None:
    return None if case.instance_state == NEVER_STARTED else load_instance(case)


def _try_again(
    *, session: Session, key: str, case: Case, newest: ProcessVersion, actor: Actor, now: datetime,
    facts: Mapping[str, Any],
) -> Resumed:
    stopped_at, before = case.incident_element, case.process_version.number
    target, instance, why = _target(session, case, newest)
    fired: list[tuple[str, datetime]] = []
    try:
        if instance is None:
            instance = Instance.start(compiled_process(target), starting_data(case=case, data=facts), now=now)
        else:
            fired = instance.due_timers(now)
            instance.wake(now=now)
    except Incident as incident:
        # Nothing of the failed try is kept: the case holds what it held, on the version it was tried on
        # (its state loads against it), stopped with the new reason.
        _put_on(case, target)
        mark_incident(case=case, incident=incident, now=now)
        record_incident(session=session, case=case, incident=incident, now=now)
        outcome = f"{why} It stopped again: {incident.message}"
    else:
        _put_on(case, target)
        case.status = CaseStatus.ACTIVE
        case.incident_message = case.incident_element = None
        save_instance(session=session, case=case, instance=instance, now=now)
        session.add_all(TimerFiring(case=case, element_id=element, due_at=due_at, fired_at=now,
                                    lateness_seconds=(now - due_at).total_seconds()) for element, due_at in fired)
        outcome = f"{why} It carried on" + (" to its end." if case.status == CaseStatus.COMPLETED else ".")
    record_event(session=session, actor=actor, action="stuck_case_resumed", at=now, case_id=case.id,
                 summary={"process": key, "element": stopped_at, "from": before, "to": target.number,
                          "status": str(case.status), "timers": [element for element, _ in fired]})
    return Resumed(case.id, case.reference, str(case.status), target.number,
                   case.incident_message if case.status == CaseStatus.INCIDENT else None, outcome)


def _put_on(case: Case, version: ProcessVersion) -> None:
    case.process_version_id = version.id
    case.process_version = version


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise Conflict("someone else changed this case at the same time; reload and try again") from None
