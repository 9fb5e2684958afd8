"""Errors raised by the engine adapter; the rest of the service maps them to HTTP and case states."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an uploaded diagram, tied to the element that has it when known."""

    message: str
    element_id: str | None = None
    file: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"element_id": self.element_id, "file": self.file, "message": self.message}

    def __str__(self) -> str:
        where = self.element_id or self.file
        return f"{where}: {self.message}" if where else self.message


class EngineError(Exception):
    """Base class of everything the engine adapter raises on purpose."""


class DiagramRejected(EngineError):
    """A diagram (BPMN or DMN) that is unsafe, invalid or cannot be executed."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems) or "diagram rejected")


class TaskNotReady(EngineError):
    """The task exists in no runnable state: already completed, cancelled, or never reached."""

    def __init__(self, task_id: str, state: str) -> None:
        self.task_id = task_id
        self.state = state
        super().__init__(f"task {task_id} cannot be completed: it is {state}")


class UnknownTask(EngineError):
    """No task with this id exists in the case."""

    def __init__(self, task_id: str) -> None:
        self.task_id = task_id
        super().__init__(f"no task {task_id} in this case")


class Incident(EngineError):
    """The process could not continue: an expression or engine step failed; nothing after it ran."""

    def __init__(self, message: str, element_id: str | None = None) -> None:
        self.message = message
        self.element_id = element_id
        where = f" at '{element_id}'" if element_id else ""
        super().__init__(f"process stopped{where}: {message}")


class NotWaiting(EngineError):
    """A message arrived that the instance is not waiting for (already received, or not yet due)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"the case is not waiting for {name!r}")
        self.name = name
