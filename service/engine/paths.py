"""What can follow a step: the next user tasks along the diagram's flows, read from the parsed spec."""

from __future__ import annotations

from collections import deque
from typing import Any

from .specs import CompiledProcess

FINISHES = None  # a path that reaches the end of the process, not another step


def steps_after(compiled: CompiledProcess, element_id: str) -> list[str | None]:
    """The names of the user tasks that can come straight after a user task, in the order the flows reach
    them, with ``FINISHES`` for a path that ends the case; gateways, events and subprocesses are passed
    through. Every branch is listed: which one is taken depends on answers not yet given."""
    specs: dict[str, Any] = compiled.spec.task_specs
    queue = deque(out for spec in specs.values() if getattr(spec, "bpmn_id", None) == element_id
                  for out in spec.outputs)
    seen: set[str] = set()
    found: list[str | None] = []
    while queue:
        spec = queue.popleft()
        if spec.name in seen:
            continue
        seen.add(spec.name)
        step = compiled.user_tasks.get(getattr(spec, "bpmn_id", None) or "")
        if step is not None and step.element_id != element_id:
            if step.name not in found:
                found.append(step.name)
        elif type(spec).__name__ == "EndEvent":
            if FINISHES not in found:
                found.append(FINISHES)
        else:
            queue.extend(spec.outputs)
    return found
