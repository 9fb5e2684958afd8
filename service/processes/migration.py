"""Moving open cases to a newly published version, where that is safe: no step the change touches
has run or is live in the case, and its state loads against the new version. The others finish on
their own version (a case already waiting on a changed escalation timer keeps the old timer)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.actors import SYSTEM_ACTOR
from service.cases.models import Case, CaseStatus, TimerFiring
from service.cases.projection import save_instance
from service.db import is_postgres
from service.engine import Instance
from service.records.audit import record_event
from service.tasks.models import HumanTask, TaskStatus

from .diff import Comparison, compare
from .models import ProcessVersion
from .service import compiled_process


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
