"""The engine adapter: the only package that imports SpiffWorkflow.

Everything else speaks of processes, cases and tasks; this package parses diagrams safely,
sandboxes their expressions, runs instances and reports their timers.
"""

from .clock import engine_time
from .deadlines import calendars_in_use, use_calendars
from .errors import DiagramRejected, EngineError, Incident, NotWaiting, Problem, TaskNotReady, UnknownTask
from .instance import SERIALIZER_VERSION, Instance, Notice, ReadyTask, Wait
from .paths import FINISHES, steps_after
from .specs import SPEC_CACHE, CompiledProcess, SpecCache, UserTaskInfo, compile_process, content_hash

__all__ = [
    "FINISHES",
    "SERIALIZER_VERSION",
    "SPEC_CACHE",
    "CompiledProcess",
    "DiagramRejected",
    "EngineError",
    "Incident",
    "Instance",
    "NotWaiting",
    "Notice",
    "Problem",
    "ReadyTask",
    "SpecCache",
    "TaskNotReady",
    "UnknownTask",
    "UserTaskInfo",
    "Wait",
    "calendars_in_use",
    "compile_process",
    "content_hash",
    "engine_time",
    "steps_after",
    "use_calendars",
]
