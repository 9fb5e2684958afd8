"""One running case in the engine: create, load, step, complete, fire timers, serialise."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition as _AnyMessage
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from .clock import engine_time
from .deadlines import deadline_helpers
from .errors import Incident, NotWaiting, TaskNotReady, UnknownTask
from .history import prune_finished_history
from .sandbox import ExpressionError
from .script_engine import make_script_engine
from .specs import CompiledProcess
from .timers import parse_event_time

NOTIFY_PROPERTY = "notify"
_REGISTRY = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
_SERIALIZER = BpmnWorkflowSerializer(_REGISTRY)
SERIALIZER_VERSION: str = _SERIALIZER.VERSION
_SCRIPT_ENGINE = make_script_engine(deadline_helpers())


def script_engine() -> Any:
    """The sandboxed script engine every instance runs its expressions with."""
    return _SCRIPT_ENGINE


@dataclass(frozen=True)
class ReadyTask:
    """A human task waiting for someone, as the service projects it."""

    task_id: str
    element_id: str
    name: str
    lane: str | None
    form: str | None
    due_at: datetime | None


@dataclass(frozen=True)
class Wait:
    """An event the case is waiting for: a message (a receipt, new information) or a timer."""

    element_id: str
    name: str
    kind: str  # "message" / "timer"
    due_at: datetime | None = None
    # The element that waits: an event-based gateway waits for its events together (whichever comes first).
    waiting_at: str = ""


@dataclass(frozen=True)
class Notice:
    """A diagram event that asks for someone to be told (its ``notify`` property names whom)."""

    element_id: str
    name: str
    notify: str


class Instance:
    """A case's process state; the spec is shared, only the instance is (de)serialised."""

    def __init__(self, compiled: CompiledProcess, workflow: BpmnWorkflow) -> None:
        self.compiled = compiled
        self.workflow = workflow
        # Events passed since this object was loaded that ask for someone to be told.
        self.notices: list[Notice] = []

    @classmethod
    def start(
        cls, compiled: CompiledProcess, data: Mapping[str, Any], *, now: datetime | None = None
    ) -> Instance:
        """Create an instance with initial data and run it to its first wait state."""
        workflow = BpmnWorkflow(compiled.spec, compiled.subprocess_specs, script_engine=_SCRIPT_ENGINE)
        workflow.task_tree.data.update({**compiled.initial_data, **data})
        instance = cls(compiled, workflow)
        instance._advance(now, element_hint=None)
        return instance

    @classmethod
    def load(cls, compiled: CompiledProcess, state: str) -> Instance:
        """Rebuild an instance from its stored JSON and the cached spec."""
        dct = json.loads(state)
        _SERIALIZER.migrate(dct)
        dct["spec"] = compiled.spec
        dct["subprocess_specs"] = compiled.subprocess_specs
        workflow = _REGISTRY.restore(dct)
        workflow.script_engine = _SCRIPT_ENGINE
        return cls(compiled, workflow)

    def dump(self) -> str:
        """Serialise the instance without its spec (stored once per process version)."""
        _REGISTRY._encoder_mode = True
        try:
            dct = _REGISTRY.convert(self.workflow)
        finally:
            _REGISTRY._encoder_mode = False
        dct.pop("spec", None)
        dct.pop("subprocess_specs", None)
        dct[_SERIALIZER.VERSION_KEY] = SERIALIZER_VERSION
        return json.dumps(dct, cls=_SERIALIZER._encoder_cls, separators=(",", ":"))

    @property
    def completed(self) -> bool:
        return bool(self.workflow.completed)

    def ready_tasks(self) -> list[ReadyTask]:
        """Human tasks that can be completed now."""
        found = []
        for task in self.workflow.get_tasks(state=TaskState.READY, manual=True):
            info = self.compiled.user_tasks.get(task.task_spec.bpmn_id)
            found.append(
                ReadyTask(
                    task_id=str(task.id),
                    element_id=task.task_spec.bpmn_id,
                    name=info.name if info else task.task_spec.bpmn_name or task.task_spec.bpmn_id,
                    lane=task.task_spec.lane,
                    form=info.form if info else None,
                    due_at=self._due_at(task),
                )
            )
        return found

    def task_data(self, task_id: str) -> dict[str, Any]:
        """The data a task currently holds (what its form starts from)."""
        return dict(self._find(task_id).data)

    def current_data(self) -> dict[str, Any]:
        """The process data as it stands: a finished process's, or what its live steps (ready tasks,
        waiting events) hold, e.g. the decision tables' conclusions while a case waits for a receipt."""
        data = dict(self.workflow.data)
        for task in self.workflow.get_tasks(state=TaskState.READY | TaskState.WAITING):
            data.update(task.data)
        return data

    def complete(
        self, task_id: str, data: Mapping[str, Any], *, now: datetime | None = None, advance: bool = True
    ) -> None:
        """Complete a READY human task with the given data and (unless told not to) run the process on."""
        task = self._find(task_id)
        if task.state != TaskState.READY or not task.task_spec.manual:
            raise TaskNotReady(task_id, TaskState.get_name(task.state).lower())
        task.data.update(data)
        try:
            with engine_time(now):
                task.run()
        except (ExpressionError, SpiffWorkflowException) as exc:
            raise _incident(exc, task.task_spec.bpmn_id) from exc
        if advance:
            self._advance(now, element_hint=task.task_spec.bpmn_id)

    def receive_message(self, name: str, payload: Mapping[str, Any], *, now: datetime | None = None) -> None:
        """Deliver a named message (e.g. a recipient's receipt) to the step waiting for it, then run on."""
        if name not in self.waiting_messages():
            raise NotWaiting(name)
        event = BpmnEvent(MessageEventDefinition(name), payload=dict(payload))
        try:
            with engine_time(now):
                self.workflow.send_event(event)
        except (ExpressionError, SpiffWorkflowException) as exc:
            raise _incident(exc, None) from exc
        self._advance(now, element_hint=None)

    def waiting_messages(self) -> set[str]:
        """Names of the messages the instance is waiting for now."""
        return {
            definition.name
            for task in self.workflow.event_manager.tasks.values()
            for definition in _event_definitions(task)
            if isinstance(definition, _AnyMessage)
        }

    def wake(self, *, now: datetime | None = None) -> None:
        """Let due timers fire and run every engine step that became possible."""
        self._advance(now, element_hint=None)

    def elements_run_or_live(self) -> set[str]:
        """Element ids of the steps that have run (as far as the kept history shows) or are live now:
        completed, ready, waiting or started tasks, in sub-processes too. Deciding whether a case may
        move to a changed version of its process starts from these."""
        states = TaskState.COMPLETED | TaskState.READY | TaskState.WAITING | TaskState.STARTED
        return {str(task.task_spec.bpmn_id) for task in self.workflow.get_tasks(state=states)
                if getattr(task.task_spec, "bpmn_id", None)}

    def next_timer_at(self) -> datetime | None:
        """The earliest instant at which a waiting timer falls due."""
        return min((due for _, due in self._waiting_timers()), default=None)

    def waits(self) -> list[Wait]:
        """Every event the case is waiting for now, by the element that catches it (an event-based
        gateway's events by the events that follow it), timers with their due instant; a step's own
        deadline (a timer on its boundary) is the step's, not a wait of its own."""
        found = []
        for task in self.workflow.event_manager.tasks.values():
            if task.parent is not None and isinstance(task.parent.task_spec, BoundaryEventSplit):
                continue  # a step's own deadline: it is the step's due time
            spec = task.task_spec
            definitions = _event_definitions(task)
            gateway = isinstance(getattr(spec, "event_definition", None), MultipleEventDefinition)
            for index, definition in enumerate(definitions):
                follower = spec.outputs[index] if gateway and index < len(spec.outputs) else spec
                is_timer = isinstance(definition, TimerEventDefinition)
                found.append(Wait(str(follower.bpmn_id), str(follower.bpmn_name or follower.bpmn_id),
                                  "timer" if is_timer else "message", _timer_due(task) if is_timer else None,
                                  waiting_at=str(spec.bpmn_id)))
        return found

    def timer_due_at(self, element_id: str) -> datetime | None:
        """When the waiting timer event ``element_id`` falls due; None if the instance is not waiting on it."""
        return min((due for task, due in self._waiting_timers() if _timer_element(task) == element_id), default=None)

    def due_timers(self, now: datetime) -> list[tuple[str, datetime]]:
        """(element id, due instant) of the waiting timers that are due at ``now``."""
        return [(_timer_element(task), due) for task, due in self._waiting_timers() if due < now]

    def due_timer_elements(self, now: datetime) -> list[str]:
        """Element ids of the waiting timers that are due at ``now``."""
        # The engine fires a timer once its instant has passed (strictly), and so do we.
        return [_timer_element(task) for task, due in self._waiting_timers() if due < now]

    def _waiting_timers(self) -> Iterator[tuple[Any, datetime]]:
        # The engine's waiting events are exactly its WAITING catch tasks; the timers among them
        # carry their due instant, computed when the engine reached them.
        for task in self.workflow.event_manager.tasks.values():
            due = _timer_due(task)
            if due is not None:
                yield task, due

    def _advance(self, now: datetime | None, *, element_hint: str | None) -> None:
        try:
            with engine_time(now):
                self.workflow.refresh_timers()
                self.workflow.do_engine_steps(did_complete_task=self._note)
        except (ExpressionError, SpiffWorkflowException) as exc:
            raise _incident(exc, element_hint) from exc
        prune_finished_history(self.workflow)

    def _note(self, task: Any) -> None:
        notify = getattr(task.task_spec, "extensions", {}).get("properties", {}).get(NOTIFY_PROPERTY)
        if notify:
            spec = task.task_spec
            self.notices.append(Notice(spec.bpmn_id, spec.bpmn_name or spec.bpmn_id, notify))

    def _find(self, task_id: str) -> Any:
        try:
            return self.workflow.get_task_from_id(UUID(task_id))
        except (ValueError, TaskNotFoundException):
            raise UnknownTask(task_id) from None

    def _due_at(self, task: Any) -> datetime | None:
        # A task's deadline is the earliest timer on its boundary: those timers are its SLA.
        parent = task.parent
        if parent is None or not isinstance(parent.task_spec, BoundaryEventSplit):
            return None
        times = (_timer_due(s) for s in parent.children if s is not task and s.state == TaskState.WAITING)
        return min((t for t in times if t is not None), default=None)


def _event_definitions(task: Any) -> list[Any]:
    # An event-based gateway waits on several events at once, under one "multiple" definition.
    definition = getattr(task.task_spec, "event_definition", None)
    if isinstance(definition, MultipleEventDefinition):
        return list(definition.event_definitions)
    return [definition] if definition is not None else []


def _timer_element(task: Any) -> str:
    # An event-based gateway waits on its timer on behalf of the timer event that follows it:
    # the gateway holds its followers' definitions in the order of its outgoing flows.
    definition = task.task_spec.event_definition
    if isinstance(definition, MultipleEventDefinition):
        for index, inner in enumerate(definition.event_definitions):
            if isinstance(inner, TimerEventDefinition) and index < len(task.task_spec.outputs):
                return str(task.task_spec.outputs[index].bpmn_id)
    return str(task.task_spec.bpmn_id)


def _timer_due(task: Any) -> datetime | None:
    if not any(isinstance(d, TimerEventDefinition) for d in _event_definitions(task)):
        return None
    return parse_event_time(task._get_internal_data("event_value"))


def _incident(exc: Exception, element_hint: str | None) -> Incident:
    task = getattr(exc, "task", None)
    element_id = getattr(getattr(task, "task_spec", None), "bpmn_id", None) or element_hint
    cause: BaseException = exc
    while cause.__cause__ is not None and not isinstance(cause, ExpressionError):
        cause = cause.__cause__
    inner = getattr(exc, "error", None) or getattr(exc, "exception", None)
    if isinstance(inner, ExpressionError):
        cause = inner
    message = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
    return Incident(message, element_id=element_id)
