"""The only way the engine runs an expression or script taken from a diagram.

Gateway conditions, script tasks, pre/post scripts, timer expressions and DMN
entries all come from diagrams that process owners edit, so each one is compiled
under a restricting policy (see ``sandbox_policy``), runs against a whitelist of
names, and is stopped when it uses up its step or time budget.  The budget is
enforced with a trace function rather than a signal so that it also works in
worker threads.
"""

from __future__ import annotations

import copy
import functools
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from types import CodeType, FrameType
from typing import Any, Literal

from RestrictedPython.compile import compile_restricted

from service.engine import sandbox_guards as guards
from service.engine import sandbox_policy as policy

MAX_SOURCE_CHARS = 20_000
MAX_CALL_DEPTH = 100
_MAX_MESSAGE_CHARS = 500

Mode = Literal["eval", "exec"]


class ExpressionError(Exception):
    """An expression from a diagram could not be used; the message is one line."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split())[:_MAX_MESSAGE_CHARS])


class ExpressionRejected(ExpressionError):
    """Refused before running: syntax error or a construct the sandbox forbids."""


class ExpressionFailed(ExpressionError):
    """Went wrong while running: an error, a refused operation or an exhausted budget."""


@dataclass(frozen=True)
class Limits:
    max_steps: int = 200_000
    max_seconds: float = 1.0


_SAFE_BUILTINS: dict[str, Any] = {
    "True": True,
    "False": False,
    "None": None,
    "abs": abs,
    "all": all,
    "any": any,
    "bool": bool,
    "dict": dict,
    "enumerate": enumerate,
    "float": float,
    "int": int,
    "len": len,
    "list": list,
    "max": max,
    "min": min,
    "round": round,
    "set": set,
    "sorted": sorted,
    "str": str,
    "sum": guards.guarded_sum,
    "tuple": tuple,
    "zip": zip,
    "isinstance": isinstance,
    "range": guards.guarded_range,
    "datetime": datetime,
    "date": date,
    "timedelta": timedelta,
    "timezone": timezone,
}
# The names every expression may use besides the case's facts and the helpers.
BUILTIN_NAMES = frozenset(_SAFE_BUILTINS)


@functools.lru_cache(maxsize=1024)
def _compile(source: str, mode: Mode) -> tuple[CodeType | None, tuple[str, ...]]:
    try:
        code = compile_restricted(
            source, filename=f"<diagram {mode}>", mode=mode, policy=policy.SandboxPolicy
        )
    except SyntaxError as exc:
        found = exc.args[0] if exc.args else None
        if isinstance(found, tuple | list):
            return None, tuple(str(problem) for problem in found)
        return None, (f"Line {exc.lineno}: {exc.msg}",)
    except (RecursionError, MemoryError):
        return None, ("expression is nested too deeply",)
    except Exception as exc:
        return None, (f"expression could not be compiled: {exc}",)
    return code, ()


def _normalise(source: str, mode: Mode) -> str:
    # eval() tolerates the surrounding whitespace that diagram editors leave behind
    return source.strip() if mode == "eval" else source


def check(source: str, mode: Mode) -> list[str]:
    """Problems that stop `source` from being run, or [] if there are none.

    Only compiles; never runs anything.
    """
    if not isinstance(source, str):
        return ["expression must be text"]
    if mode not in ("eval", "exec"):
        return [f"unknown mode {mode!r}"]
    if len(source) > MAX_SOURCE_CHARS:
        return [f"expression is longer than {MAX_SOURCE_CHARS} characters"]
    source = _normalise(source, mode)
    if mode == "eval" and not source:
        return ["expression is empty"]
    return list(_compile(source, mode)[1])


def _code(source: str, mode: Mode) -> CodeType:
    problems = check(source, mode)
    if problems:
        raise ExpressionRejected("; ".join(problems))
    code = _compile(_normalise(source, mode), mode)[0]
    assert code is not None
    return code


class _Exhausted(BaseException):
    """Raised from the tracer.  Not an Exception, so a helper's `except Exception`
    cannot swallow it and let the expression carry on."""


class _Budget:
    __slots__ = ("deadline", "depth", "max_seconds", "max_steps", "steps")

    def __init__(self, limits: Limits) -> None:
        self.max_steps = limits.max_steps
        self.max_seconds = limits.max_seconds
        self.steps = 0
        self.depth = 0
        self.deadline = time.monotonic() + limits.max_seconds

    def trace(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "return":
            self.depth -= 1
            return self.trace
        if event != "line" and event != "call":
            return self.trace
        self.steps += 1
        if self.steps > self.max_steps:
            raise _Exhausted(f"expression took more than {self.max_steps} steps")
        if time.monotonic() > self.deadline:
            raise _Exhausted(f"expression ran for more than {self.max_seconds} seconds")
        if event == "call":
            if frame.f_globals is _TRUSTED_GLOBALS:
                # the guards are ours: their call counts, their lines need no watching
                return None
            self.depth += 1
            if self.depth > MAX_CALL_DEPTH:
                raise _Exhausted(f"calls nested more than {MAX_CALL_DEPTH} deep")
        return self.trace


_TRUSTED_GLOBALS = vars(policy)


def trusted_helper(function: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a developer-written helper so its own work is not metered as the expression's.

    A helper (a deadline in working days, say) may do far more steps than any expression should,
    but it is our code, bounded by its own argument checks; it must never call back into code
    taken from a diagram.
    """

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        tracer = sys.gettrace()
        sys.settrace(None)
        try:
            return function(*args, **kwargs)
        finally:
            sys.settrace(tracer)

    return call


def _describe(exc: BaseException) -> str:
    if isinstance(exc, guards.GuardRefused | _Exhausted):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _run(code: CodeType, scope: dict[str, Any], limits: Limits) -> Any:
    budget = _Budget(limits)
    previous = sys.gettrace()
    try:
        with guards.metered():
            sys.settrace(budget.trace)
            try:
                # a code object compiled under the policy, with guarded globals
                return eval(code, scope)  # noqa: S307
            finally:
                # back off before building any error, or the tracer would count that too
                sys.settrace(previous)
    except _Exhausted as exc:
        raise ExpressionFailed(_describe(exc)) from exc
    except Exception as exc:
        raise ExpressionFailed(_describe(exc)) from exc


def _data(context: Mapping[str, Any]) -> dict[str, Any]:
    # names starting with "_" are unreachable from the source and would replace guards
    return {k: v for k, v in context.items() if isinstance(k, str) and not k.startswith("_")}


def _scope(data: dict[str, Any], helpers: Mapping[str, Any] | None, read_only: bool) -> dict[str, Any]:
    # helpers live beside the builtins so that task data shadows them and they
    # never show up among the script's variables
    builtins = dict(_SAFE_BUILTINS)
    builtins.update(_data(helpers or {}))
    scope: dict[str, Any] = {"__builtins__": builtins}
    scope.update(data)
    scope.update(guards.EVAL_GUARDS if read_only else guards.EXEC_GUARDS)
    return scope


def _is_data(value: Any) -> bool:
    return not callable(value) and not isinstance(value, Iterator)


def evaluate(
    source: str,
    context: Mapping[str, Any],
    *,
    helpers: Mapping[str, Any] | None = None,
    limits: Limits = Limits(),
) -> Any:
    """Value of the expression `source`, with `context` as its variables.

    The expression may read the task data but not change it.
    """
    code = _code(source, "eval")
    try:
        scope = _scope(_data(context), helpers, read_only=True)
    except Exception as exc:
        raise ExpressionFailed(f"task data is unusable: {_describe(exc)}") from exc
    result = _run(code, scope, limits)
    if not _is_data(result):
        # running it later would escape the budget
        raise ExpressionFailed("expression produced a function or iterator instead of a value")
    return result


def execute(
    source: str,
    context: dict[str, Any],
    *,
    helpers: Mapping[str, Any] | None = None,
    limits: Limits = Limits(),
) -> None:
    """Run the script `source`; on success `context` holds its variables.

    The script works on a copy, so a failed script leaves `context` as it was.
    """
    code = _code(source, "exec")
    try:
        data = copy.deepcopy(_data(context))
        scope = _scope(data, helpers, read_only=False)
    except Exception as exc:
        raise ExpressionFailed(f"task data is unusable: {_describe(exc)}") from exc
    _run(code, scope, limits)
    for name in [k for k in data if k not in scope]:
        del context[name]
    for name, value in scope.items():
        if not name.startswith("_") and _is_data(value):
            context[name] = value
