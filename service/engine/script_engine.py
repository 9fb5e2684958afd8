"""Route every expression SpiffWorkflow evaluates through the sandbox."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from . import sandbox


class SandboxEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    """Evaluates conditions, timers and DMN entries, and runs scripts, only inside the sandbox."""

    def __init__(
        self, helpers: Mapping[str, Any] | None = None, limits: sandbox.Limits | None = None
    ) -> None:
        super().__init__({})
        self.helpers = {name: sandbox.trusted_helper(value) if callable(value) else value
                        for name, value in (helpers or {}).items()}
        self.limits = limits or sandbox.Limits()

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        scope = {**context, **(external_context or {})}
        return sandbox.evaluate(expression, scope, helpers=self.helpers, limits=self.limits)

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        scope = {**context, **(external_context or {})}
        sandbox.execute(script, scope, helpers=self.helpers, limits=self.limits)
        for key in external_context or {}:
            scope.pop(key, None)
        context.clear()
        context.update(scope)
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        # Service tasks are developer-written operations, registered by name; none exist yet,
        # and an unknown operation must stop the case rather than silently pass.
        raise sandbox.ExpressionFailed(f"unknown service operation {kwargs.get('operation_name')!r}")


def make_script_engine(helpers: Mapping[str, Any] | None = None) -> PythonScriptEngine:
    """A SpiffWorkflow script engine whose every evaluation is sandboxed."""
    return PythonScriptEngine(environment=SandboxEnvironment(helpers))
