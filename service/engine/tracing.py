"""An instance that remembers the steps it passes, for trying a process out without keeping a case.

The service's cases keep their history in the audit trail, so ``Instance`` prunes what has finished.
Trying a draft needs that history while it runs: ``TracedInstance`` notes each named element the
engine completes, in order, and can list every timer it is waiting on (a step's own deadline too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from SpiffWorkflow.util.task import TaskState

from .instance import Instance, _timer_due, _timer_element


@dataclass(frozen=True)
class Passed:
    """One element the process passed: its id, its name, the lane it sits in and what kind it is."""

    element_id: str
    name: str
    lane: str | None
    kind: str  # "step", "decision", "event"


@dataclass(frozen=True)
class WaitingTimer:
    """A timer the instance waits on, with its due instant; ``for_step`` names the step it is a deadline of."""

    element_id: str
    name: str
    due_at: datetime
    for_step: str | None


_KINDS = {"UserTask": "step", "BusinessRuleTask": "decision"}


def _kind(spec: Any) -> str | None:
    for klass in type(spec).__mro__:
        if klass.__name__ in _KINDS:
            return _KINDS[klass.__name__]
        if klass.__name__.endswith("Event"):
            return "event"
    return None


class TracedInstance(Instance):
    """An ``Instance`` that keeps, in ``passed``, each named step, decision and event the engine completed."""

    def __init__(self, compiled: Any, workflow: Any) -> None:
        super().__init__(compiled, workflow)
        self.passed: list[Passed] = []

    def _note(self, task: Any) -> None:
        super()._note(task)
        self.note_passed(task.task_spec)

    def note_passed(self, spec: Any) -> None:
        kind = _kind(spec)
        element_id = getattr(spec, "bpmn_id", None)
        if kind is None or not element_id:
            return
        name = getattr(spec, "bpmn_name", None)
        if not name and kind == "event":
            return  # an unnamed start or end of a sub-process says nothing to a reader
        self.passed.append(Passed(str(element_id), str(name or element_id), getattr(spec, "lane", None), kind))

    def complete_step(self, task_id: str, data: Any, *, now: datetime | None = None) -> None:
        """Note a ready human task as passed, then complete it (as ``complete``) and run the process on."""
        task = self._find(task_id)
        if task.state == TaskState.READY:
            self.note_passed(task.task_spec)
        self.complete(task_id, data, now=now)

    def element_name(self, element_id: str) -> str:
        """The name an element of the process has in the diagram (its id when it has none)."""
        return str(getattr(_spec_by_id(self, element_id), "bpmn_name", None) or element_id)

    def waiting_timers(self) -> list[WaitingTimer]:
        """Every timer waited on now, with its due instant, including the deadlines on steps' boundaries."""
        found = []
        for task in self.workflow.event_manager.tasks.values():
            due = _timer_due(task)
            if due is None:
                continue
            element_id = _timer_element(task)
            spec = _spec_by_id(self, element_id)
            name = getattr(spec, "bpmn_name", None) or element_id
            found.append(WaitingTimer(element_id, str(name), due, _deadline_of(task)))
        return sorted(found, key=lambda t: (t.due_at, t.element_id))


def _spec_by_id(instance: Instance, element_id: str) -> Any:
    for spec in _all_specs(instance):
        if getattr(spec, "bpmn_id", None) == element_id:
            return spec
    return None


def _deadline_of(task: Any) -> str | None:
    # A timer on a step's boundary sits beside the step under the boundary split: it is that step's deadline.
    parent = task.parent
    if parent is None or type(parent.task_spec).__name__ != "BoundaryEventSplit":
        return None
    for sibling in parent.children:
        if sibling is not task and getattr(sibling.task_spec, "manual", False):
            return str(sibling.task_spec.bpmn_name or sibling.task_spec.bpmn_id)
    return None


def _all_specs(instance: Instance) -> list[Any]:
    specs = list(instance.compiled.spec.task_specs.values())
    for sub in instance.compiled.subprocess_specs.values():
        specs.extend(sub.task_specs.values())
    return specs
