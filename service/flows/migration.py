"""Moving open cases to a newly published version, where that is safe: no step the change touches
has run or is live in the case, and its state loads against the new version. The others finish on
their own version (a case already waiting on a changed escalation timer keeps the old timer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.actors import SYSTEM_ACTOR
from service.audit.trail import record_event
from service.cases.models import Case, CaseStatus, TimerFiring
from service.db import is_postgres
from service.engine import Instance
from service.flows.projection import save_instance
from service.processes.diff import Comparison, compare
from service.processes.models import ProcessDefinition, ProcessVersion
from service.processes.service import compiled_process, validate_files
from service.tasks.models import HumanTask, TaskStatus


def open_cases_before(session: Session, version: ProcessVersion, *, lock: bool = False) -> list[Case]:
    query = (select(Case).join(ProcessVersion, Case.process_version_id == ProcessVersion.id)
             .where(ProcessVersion.definition_id == version.definition_id, ProcessVersion.number < version.number,
                    Case.status == CaseStatus.ACTIVE)
             .order_by(Case.created_at, Case.id))
    if lock and is_postgres(session):
        query = query.with_for_update(of=Case)
    return list(session.scalars(query))


def _steps_run_or_live(session: Session, case: Case, instance: Instance) -> set[str]:
    """The steps a case has run or is at: the engine's kept history, every human task ever opened
    (not cancelled) and every timer fired, since the engine drops finished history as it goes."""
    steps = instance.elements_run_or_live()
    steps.update(session.scalars(select(HumanTask.element_id).where(HumanTask.case_id == case.id,
                                                                    HumanTask.state != TaskStatus.CANCELLED)))
    steps.update(session.scalars(select(TimerFiring.element_id).where(TimerFiring.case_id == case.id)))
    return steps


def _movable(session: Session, case: Case, comparison: Comparison, target: Any) -> Instance | None:
    """The case's instance on the new version, or None when moving it is not safe."""
    if comparison.touches_everything:
        return None
    try:
        instance = Instance.load(target, case.instance_state)
        instance.ready_tasks()
        instance.next_timer_at()
    except Exception:
        return None  # its state does not fit the new version: it finishes on its own
    if _steps_run_or_live(session, case, instance) & comparison.touched_steps():
        return None
    return instance


def migrate_open_cases(*, session: Session, key: str, to_version: ProcessVersion,
                       now: datetime) -> tuple[list[str], list[str]]:
    """Move each active case on an older version of the process to ``to_version`` where that is safe:
    no step the change touches has run or is live in it (a live changed timer keeps its old version),
    and its state loads against the new version. Returns (moved case ids, kept case ids)."""
    target = compiled_process(to_version)
    new_files = to_version.file_map()
    comparisons: dict[int, Comparison] = {}
    migrated: list[str] = []
    kept: list[str] = []
    for case in open_cases_before(session, to_version, lock=True):
        old_version = case.process_version
        if old_version.id not in comparisons:
            comparisons[old_version.id] = compare(old_version.file_map(), new_files)
        instance = _movable(session, case, comparisons[old_version.id], target)
        if instance is None:
            kept.append(case.id)
            continue
        case.process_version_id = to_version.id
        case.process_version = to_version
        # Re-saved on the new version: its next timer and open tasks' due dates come from it.
        save_instance(session=session, case=case, instance=instance, now=now)
        record_event(session=session, actor=SYSTEM_ACTOR, action="case_migrated", at=now, case_id=case.id,
                     summary={"process": key, "from": old_version.number, "to": to_version.number})
        migrated.append(case.id)
    session.flush()
    return migrated, kept


@dataclass
class CaseMove:
    """What publishing a draft would do to one open case: move it to the new version, or leave it on its own."""

    case: Case
    moves: bool
    reason: str


def preview_moves(*, session: Session, key: str, files: dict[str, str]) -> list[CaseMove]:
    """For each open case of the process, whether publishing these files would move it, and why (nothing
    is changed)."""
    target = validate_files(files)
    cases = session.scalars(select(Case).join(ProcessVersion, Case.process_version_id == ProcessVersion.id)
                            .join(ProcessDefinition, ProcessVersion.definition_id == ProcessDefinition.id)
                            .where(ProcessDefinition.key == key, Case.status == CaseStatus.ACTIVE)
                            .order_by(Case.created_at, Case.id))
    comparisons: dict[int, Comparison] = {}
    found = []
    for case in cases:
        old = case.process_version
        if old.id not in comparisons:
            comparisons[old.id] = compare(old.file_map(), files)
        found.append(_move(session, case, comparisons[old.id], target))
    return found


def _step_name(comparison: Comparison, step: str) -> str:
    element = comparison.new.elements.get(("bpmn", step)) or comparison.old.elements.get(("bpmn", step))
    return (element.name if element is not None else None) or step


def _move(session: Session, case: Case, comparison: Comparison, target: Any) -> CaseMove:
    if comparison.touches_everything:
        return CaseMove(case, False, "the change cannot be compared step by step, so it stays on its own version")
    try:
        instance = Instance.load(target, case.instance_state)
        instance.ready_tasks()
        instance.next_timer_at()
    except Exception:
        return CaseMove(case, False, "its progress does not fit the new version, so it finishes on its own")
    touched = _steps_run_or_live(session, case, instance) & comparison.touched_steps()
    if touched:
        names = ", ".join(sorted(f"'{_step_name(comparison, step)}'" for step in touched))
        return CaseMove(case, False, f"it has already reached a changed step ({names}), so it finishes on "
                                     f"version {case.process_version.number}")
    return CaseMove(case, True, "none of the changed steps has run in it yet")
