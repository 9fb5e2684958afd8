"""The expression sandbox: hostile diagram expressions are refused, ordinary ones work."""

from __future__ import annotations

import sys
import threading
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from RestrictedPython.compile import compile_restricted

from service.engine import sandbox
from service.engine.sandbox import ExpressionError, ExpressionFailed, ExpressionRejected, Limits


def _forbid_running(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the sandbox gets as far as running anything."""

    def ran(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a refused expression was run")

    monkeypatch.setattr(sandbox, "_run", ran)


def _force(source: str, mode: str, context: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    if mode == "eval":
        return sandbox.evaluate(source, context or {}, **kwargs)
    return sandbox.execute(source, context if context is not None else {}, **kwargs)


def _helper(value: int) -> int:
    return value + 1


# Refused when compiled: check() reports them and nothing is ever run.
REFUSED_AT_COMPILE = [
    ("import colorsys", "exec"),
    ("from colorsys import rgb_to_hsv", "exec"),
    ("__import__('colorsys')", "eval"),
    ("open('/etc/passwd').read()", "eval"),
    ("eval('1+1')", "eval"),
    ("exec('x=1')", "eval"),
    ("compile('1', 'f', 'eval')", "eval"),
    ("().__class__.__base__.__subclasses__()", "eval"),
    ("(lambda: 0).__globals__", "eval"),
    ("f.__globals__", "eval"),
    ("getattr(x, '__class__')", "eval"),
    ("while True: pass", "exec"),
    ("'a' * 10**9", "eval"),
    ("[0] * 10**9", "eval"),
    ("2 ** 10**8", "eval"),
    ("1 << 10**6", "eval"),
    ("[x for x in range(10**9)]", "eval"),
    ("print(1)", "eval"),
    ("type(1)", "eval"),
    ("'{0.__class__}'.format(1)", "eval"),
    ("'{0}'.format_map({})", "eval"),
    ("f'{x:>{width}}'", "eval"),
    ("f'{x:>999999999}'", "eval"),
    ("vars()", "eval"),
    ("globals()", "eval"),
    ("int.mro()", "eval"),
    ("def f():\n    return 1", "exec"),
    ("class C:\n    pass", "exec"),
    ("try:\n    x = 1\nexcept Exception:\n    pass", "exec"),
    ("with x:\n    pass", "exec"),
    ("global y\ny = 1", "exec"),
    ("(lambda: (yield))()", "eval"),
    ("_getattr_ = None", "exec"),
    ("eval = 1", "exec"),
    ("1 +", "eval"),
    ("", "eval"),
]


@pytest.mark.parametrize(("source", "mode"), REFUSED_AT_COMPILE)
def test_hostile_source_is_refused_by_check(source: str, mode: str) -> None:
    problems = sandbox.check(source, mode)  # type: ignore[arg-type]
    assert problems
    assert all(isinstance(p, str) and p for p in problems)


@pytest.mark.parametrize(("source", "mode"), REFUSED_AT_COMPILE)
def test_hostile_source_never_runs(source: str, mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _forbid_running(monkeypatch)
    with pytest.raises(ExpressionRejected) as caught:
        _force(source, mode, {"x": 1, "width": 5}, helpers={"f": _helper})
    assert "\n" not in str(caught.value)


def test_shell_command_is_not_run(tmp_path: Any) -> None:
    marker = tmp_path / "marker"
    source = f"__import__('os').system('touch {marker}')"
    assert sandbox.check(source, "eval")
    with pytest.raises(ExpressionError):
        sandbox.evaluate(source, {})
    with pytest.raises(ExpressionError):
        sandbox.execute(f"import os\nos.system('touch {marker}')", {})
    assert not marker.exists()


def test_import_loads_no_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    for source, mode in [("import colorsys", "exec"), ("__import__('colorsys')", "eval")]:
        with pytest.raises(ExpressionRejected):
            _force(source, mode)
    assert "colorsys" not in sys.modules


def test_blocked_names_stay_blocked_when_task_data_uses_them() -> None:
    # data may be called anything, but naming it cannot reopen a blocked builtin
    with pytest.raises(ExpressionRejected):
        sandbox.evaluate("eval", {"eval": 1})
    with pytest.raises(ExpressionRejected):
        sandbox.evaluate("getattr(x, 'y')", {"getattr": lambda *a: 1, "x": 1})


# Pass the compile check (their operands are only known when they run) and are
# stopped by a run-time guard or by the budget.
REFUSED_AT_RUN = [
    ("'a' * n", {"n": 10**9}),
    ("[0] * n", {"n": 10**9}),
    ("2 ** n", {"n": 10**8}),
    ("1 << n", {"n": 10**6}),
    ("[x for x in range(n)]", {"n": 10**9}),
    ("s.center(n)", {"s": "x", "n": 10**9}),
    ("'-'.join([s] * 50)", {"s": "x" * 100_000}),
    ("s.replace('a', s)", {"s": "a" * 100_000}),
    ("'%*d' % (n, 1)", {"n": 10**9}),
    ("sum([[0]] * 1000, [])", {}),
    ("(lambda f: f(f))(lambda f: f(f))", {}),
    ("len(['x' * 100_000 for i in range(1000)])", {}),
    ("xs.append(1)", {"xs": []}),
]


@pytest.mark.parametrize(("source", "context"), REFUSED_AT_RUN)
def test_runaway_expression_fails_fast_without_allocating(source: str, context: dict[str, Any]) -> None:
    assert sandbox.check(source, "eval") == []
    tracemalloc.start()
    started = time.thread_time()
    try:
        with pytest.raises(ExpressionFailed):
            sandbox.evaluate(source, context)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.thread_time() - started < 2.0
    assert peak < 100 * 1024 * 1024


def test_slow_nested_comprehension_is_stopped_by_the_budget() -> None:
    source = "sum(1 for a in range(100000) for b in range(100000))"
    assert sandbox.check(source, "eval") == []
    started, cpu = time.monotonic(), time.thread_time()
    with pytest.raises(ExpressionFailed, match=r"steps|seconds"):
        sandbox.evaluate(source, {})
    # the budget bounds CPU time; the wall-clock bound is loose for busy CI machines
    assert time.thread_time() - cpu < 2.0
    assert time.monotonic() - started < 10.0


def test_deadline_stops_a_run_even_with_steps_to_spare() -> None:
    source = "sum(1 for a in range(100000) for b in range(100000))"
    with pytest.raises(ExpressionFailed, match="seconds"):
        sandbox.evaluate(source, {}, limits=Limits(max_steps=10**12, max_seconds=0.2))


def test_step_budget_is_configurable() -> None:
    script = "total = 0\nfor i in range(10000):\n    total += i"
    with pytest.raises(ExpressionFailed, match="steps"):
        sandbox.execute(script, {}, limits=Limits(max_steps=1000))
    context: dict[str, Any] = {}
    sandbox.execute(script, context, limits=Limits(max_seconds=60))
    assert context["total"] == sum(range(10000))


def test_budget_works_outside_the_main_thread() -> None:
    outcome: dict[str, Any] = {}

    def work() -> None:
        started = time.thread_time()
        try:
            sandbox.evaluate("sum(1 for a in range(100000) for b in range(100000))", {})
        except ExpressionError as exc:
            outcome["error"] = exc
        outcome["cpu"] = time.thread_time() - started
        outcome["value"] = sandbox.evaluate("x * 2", {"x": 21})

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert isinstance(outcome["error"], ExpressionFailed)
    assert outcome["cpu"] < 2.0
    assert outcome["value"] == 42


def test_previous_trace_function_is_restored() -> None:
    def tracer(frame: Any, event: str, arg: Any) -> None:
        return None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        sandbox.evaluate("1 + 1", {})
        with pytest.raises(ExpressionFailed):
            sandbox.evaluate("1 / 0", {})
        with pytest.raises(ExpressionFailed):
            sandbox.evaluate("sum(1 for a in range(100000) for b in range(100000))", {})
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(previous)


def test_runtime_errors_are_expression_failed_and_chained() -> None:
    with pytest.raises(ExpressionFailed) as caught:
        sandbox.evaluate("1 / 0", {})
    assert isinstance(caught.value.__cause__, ZeroDivisionError)
    with pytest.raises(ExpressionFailed, match="NameError"):
        sandbox.evaluate("missing_variable", {})
    with pytest.raises(ExpressionFailed, match="TypeError"):
        sandbox.evaluate("'a' + 1", {})
    with pytest.raises(ExpressionFailed, match="KeyError"):
        sandbox.evaluate("d['nope']", {"d": {}})


def test_expressions_cannot_hand_back_code_to_run_later() -> None:
    for source in ["len", "lambda: 1", "(x for x in [1])", "zip([1], [2])"]:
        with pytest.raises(ExpressionFailed):
            sandbox.evaluate(source, {})


def test_arithmetic_and_comparisons() -> None:
    assert sandbox.evaluate("1 + 2 * 3 - 4 / 2", {}) == 5.0
    assert sandbox.evaluate("(7 // 2, 7 % 3, 2 ** 10, 1 << 4, -x)", {"x": 3}) == (3, 1, 1024, 16, -3)
    assert sandbox.evaluate("1 < x <= 3 and name in ['a', 'b']", {"x": 2, "name": "b"}) is True
    assert sandbox.evaluate("'%s is %d' % ('age', 7)", {}) == "age is 7"
    assert sandbox.evaluate("f'{score:.1f}/{total:>3}'", {"score": 2.25, "total": 9}) == "2.2/  9"
    assert sandbox.evaluate("  \n risk >= 3\n", {"risk": 4}) is True


def test_safeguarding_condition() -> None:
    source = "urgency == 'same_day' and not consent_given"
    assert sandbox.evaluate(source, {"urgency": "same_day", "consent_given": False}) is True
    assert sandbox.evaluate(source, {"urgency": "same_day", "consent_given": True}) is False


def test_datetime_helpers() -> None:
    assert sandbox.evaluate("timedelta(hours=2)", {}) == timedelta(hours=2)
    referred = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    later = sandbox.evaluate("referred_at + timedelta(days=1)", {"referred_at": referred})
    assert later == referred + timedelta(days=1)
    assert sandbox.evaluate("datetime(2026, 1, 1, tzinfo=timezone.utc).year", {}) == 2026
    assert sandbox.evaluate("date(2026, 1, 1).isoformat()", {}) == "2026-01-01"


def test_builtins_work() -> None:
    context = {"cases": [{"risk": 2}, {"risk": 5}], "names": ["b", "a"]}
    assert sandbox.evaluate("max(c['risk'] for c in cases)", context) == 5
    assert sandbox.evaluate("sorted(cases, key=lambda c: -c['risk'])[0]['risk']", context) == 5
    assert sandbox.evaluate("', '.join(sorted(names))", context) == "a, b"
    assert sandbox.evaluate("{n: i for i, n in enumerate(names)}", context) == {"b": 0, "a": 1}
    assert sandbox.evaluate("list(range(3)) + [len(names)]", context) == [0, 1, 2, 2]
    assert sandbox.evaluate("isinstance(names, list) and all(isinstance(n, str) for n in names)", context)


def test_script_variables_come_back_in_the_context() -> None:
    context: dict[str, Any] = {"risks": [1, 4, 2], "old": "gone", "_private": 1}
    script = (
        "total = 0\n"
        "for r in risks:\n"
        "    total += r\n"
        "risks.append(total)\n"
        "summary = {'total': total, 'high': total > 5}\n"
        "summary['checked'] = True\n"
        "a, (b, c) = 1, (2, 3)\n"
        "del old\n"
    )
    sandbox.execute(script, context)
    assert context == {
        "risks": [1, 4, 2, 7],
        "_private": 1,
        "total": 7,
        "r": 2,
        "summary": {"total": 7, "high": True, "checked": True},
        "a": 1,
        "b": 2,
        "c": 3,
    }


def test_failed_script_leaves_the_context_unchanged() -> None:
    context: dict[str, Any] = {"risks": [1], "flag": False}
    with pytest.raises(ExpressionFailed):
        sandbox.execute("risks.append(2)\nflag = True\n1 / 0", context)
    assert context == {"risks": [1], "flag": False}


def test_helpers_are_callable_but_do_not_leak() -> None:
    def working_days_after(days: int) -> str:
        return f"+{days}wd"

    context: dict[str, Any] = {"x": 1}
    sandbox.execute(
        "due = working_days_after(3)\nlocal_fn = lambda v: v\nn = local_fn(2)",
        context,
        helpers={"working_days_after": working_days_after},
    )
    assert context == {"x": 1, "due": "+3wd", "n": 2}
    helpers = {"working_days_after": working_days_after}
    assert sandbox.evaluate("working_days_after(x)", {"x": 5}, helpers=helpers) == "+5wd"
    # task data wins over a helper of the same name
    assert sandbox.evaluate("working_days_after", {"working_days_after": 7}, helpers=helpers) == 7


def test_conditions_cannot_change_task_data() -> None:
    context = {"xs": [1], "d": {"a": 1}}
    for source in ["xs.append(2)", "xs.clear()", "d.update(b=2)", "d.pop('a')", "xs.sort()"]:
        with pytest.raises(ExpressionFailed):
            sandbox.evaluate(source, context)
    assert context == {"xs": [1], "d": {"a": 1}}


def test_scripts_may_only_write_into_lists_and_dicts() -> None:
    with pytest.raises(ExpressionFailed):
        sandbox.execute("when.year = 2000", {"when": datetime(2026, 1, 1)})
    with pytest.raises(ExpressionFailed):
        sandbox.execute("dict.fromkeys = None", {})


def test_compiled_code_is_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = compile_restricted

    def counting(source: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(sandbox, "compile_restricted", counting)
    sandbox._compile.cache_clear()
    source = "cache_probe_value + 1"
    assert sandbox.check(source, "eval") == []
    for value in range(5):
        assert sandbox.evaluate(source, {"cache_probe_value": value}) == value + 1
    assert calls == [source]


def test_error_messages_are_one_line() -> None:
    with pytest.raises(ExpressionRejected) as caught:
        sandbox.execute("import os\nimport sys\nwhile True:\n    pass", {})
    assert "\n" not in str(caught.value)
    assert "import" in str(caught.value)
