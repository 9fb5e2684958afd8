"""Run-time guards for diagram expressions.

The compiled code calls these instead of the plain operators, so that a single operation cannot
allocate gigabytes or burn minutes in C code where the step budget cannot see it.
"""

from __future__ import annotations

import ast
import itertools
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import Any, NoReturn

from RestrictedPython import Guards

MAX_SEQUENCE_LEN = 100_000  # result of repeating a string/list/tuple
MAX_TEXT_LEN = 1_000_000  # result of concatenating, joining or formatting
MAX_POW_EXPONENT = 1_000
MAX_INT_BITS = 33_220  # about 10_000 decimal digits
MAX_SHIFT = 10_000
MAX_RANGE = 100_000
MAX_ITEMS = 1_000_000  # items one loop or comprehension may draw
MAX_WIDTH_DIGITS = 4  # format widths/precisions stay below 10_000
MAX_BUILT = 10_000_000  # items all size-checked operations of one run may build together

# fmt: off
BLOCKED_NAMES = frozenset({
    "eval", "exec", "compile", "open", "__import__", "getattr", "setattr", "delattr", "globals",
    "locals", "vars", "type", "input", "breakpoint", "help", "dir", "memoryview", "bytearray",
    "object", "super", "format", "print", "printed",
})
# str.format reaches attributes by name; mro leads to `object`; the others build
# huge values in a single C call.
BLOCKED_ATTRIBUTES = frozenset({
    "format", "format_map", "mro", "to_bytes", "translate", "maketrans", "expandtabs",
})
# A condition must not change the task data it is deciding on.
MUTATORS = frozenset({
    "append", "extend", "insert", "pop", "popitem", "remove", "clear", "sort", "reverse", "update",
    "setdefault", "add", "discard", "difference_update", "intersection_update",
    "symmetric_difference_update",
})
REFUSED_NODES: dict[type[ast.AST], str] = {
    ast.Import: "import statements", ast.ImportFrom: "import statements",
    ast.While: "while loops", ast.AsyncFor: "async loops",
    ast.FunctionDef: "function definitions", ast.AsyncFunctionDef: "function definitions",
    ast.ClassDef: "class definitions",
    ast.Global: "global statements", ast.Nonlocal: "nonlocal statements",
    # the budget stops a run by raising; nothing may catch that
    ast.Try: "try blocks", ast.TryStar: "try blocks",
    ast.With: "with blocks", ast.AsyncWith: "with blocks",
    ast.Yield: "yield expressions", ast.YieldFrom: "yield expressions", ast.Await: "await expressions",
}
# fmt: on

SEQUENCES = (str, bytes, list, tuple)


class GuardRefused(Exception):
    """An operation would need more memory or time than an expression may use."""


def _refuse(message: str) -> NoReturn:
    raise GuardRefused(message)


# Items built so far by the current run: many small allocations in a loop add up.
_BUILT: ContextVar[list[int] | None] = ContextVar("sandbox_built", default=None)


@contextmanager
def metered() -> Iterator[None]:
    token = _BUILT.set([0])
    try:
        yield
    finally:
        _BUILT.reset(token)


def _charge(size: int, limit: int, what: str) -> None:
    if size > limit:
        _refuse(f"{what} would have more than {limit} items")
    built = _BUILT.get()
    if built is not None and size > 0:
        built[0] += size
        if built[0] > MAX_BUILT:
            _refuse(f"expression built more than {MAX_BUILT} items in all")


def _check_mul(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int):
        if a.bit_length() + b.bit_length() > MAX_INT_BITS:
            _refuse("multiplication would produce a number that is too large")
        return
    seq, times = (a, b) if isinstance(a, SEQUENCES) else (b, a)
    if isinstance(seq, SEQUENCES) and isinstance(times, int):
        _charge(len(seq) * times, MAX_SEQUENCE_LEN, "repetition")


def _check_pow(a: Any, b: Any) -> None:
    if not (isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1):
        return
    if b > MAX_POW_EXPONENT or a.bit_length() * b > MAX_INT_BITS:
        _refuse("power would produce a number that is too large")


def _check_lshift(a: Any, b: Any) -> None:
    if not (isinstance(a, int) and isinstance(b, int) and b > 0):
        return
    if b > MAX_SHIFT or a.bit_length() + b > MAX_INT_BITS:
        _refuse("shift would produce a number that is too large")


def _check_add(a: Any, b: Any) -> None:
    if isinstance(a, SEQUENCES) and isinstance(b, SEQUENCES):
        _charge(len(a) + len(b), MAX_TEXT_LEN, "concatenation")


def _checked(check: Callable[[Any, Any], None], op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def guarded(a: Any, b: Any) -> Any:
        check(a, b)
        return op(a, b)

    return guarded


guarded_mul = _checked(_check_mul, operator.mul)
guarded_pow = _checked(_check_pow, operator.pow)
guarded_lshift = _checked(_check_lshift, operator.lshift)
guarded_add = _checked(_check_add, operator.add)

# `%%`, or a conversion with its width and precision captured.
_PERCENT_FIELD = re.compile(r"%(?:%|(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?)")


def guarded_mod(a: Any, b: Any) -> Any:
    if not isinstance(a, str | bytes):
        return a % b
    text = a if isinstance(a, str) else a.decode("latin-1")
    for width, precision in _PERCENT_FIELD.findall(text):
        if "*" in (width, precision) or max(len(width), len(precision)) > MAX_WIDTH_DIGITS:
            _refuse("format width is too large")
    return guarded_text(a % b)


def guarded_text(text: Any) -> Any:
    """Checked after formatting: stops a string from doubling step after step."""
    _charge(len(text), MAX_TEXT_LEN, "text")
    return text


def _tail(rest: Iterator[Any]) -> Iterator[Any]:
    for _ in rest:
        _refuse(f"a loop may not take more than {MAX_ITEMS} items")
    yield from ()


def guarded_iter(ob: Iterable[Any]) -> Iterator[Any]:
    # islice/chain iterate in C, so long loops over data cost no trace events
    it = iter(ob)
    return itertools.chain(itertools.islice(it, MAX_ITEMS), _tail(it))


def guarded_range(*args: int) -> range:
    span = range(*args)
    try:
        size = len(span)
    except OverflowError:
        size = MAX_RANGE + 1
    _charge(size, MAX_RANGE, "range")
    return span


def guarded_sum(items: Iterable[Any], start: Any = 0) -> Any:
    # summing sequences is quadratic and runs entirely in C
    if isinstance(start, SEQUENCES):
        _refuse("sum() only adds numbers, dates and durations")
    return sum(items, start)


def _width_checked(bound: Callable[..., Any]) -> Callable[..., Any]:
    def call(width: Any, *args: Any) -> Any:
        if isinstance(width, int):
            _charge(width, MAX_TEXT_LEN, "padded text")
        return bound(width, *args)

    return call


def _replace_checked(text: Any) -> Callable[..., Any]:
    def replace(old: Any, new: Any, count: int = -1) -> Any:
        hits = text.count(old) if len(old) else len(text) + 1
        if count >= 0:
            hits = min(hits, count)
        _charge(len(text) + hits * max(0, len(new) - len(old)), MAX_TEXT_LEN, "text")
        return text.replace(old, new, count)

    return replace


def _join_checked(sep: Any) -> Callable[[Iterable[Any]], Any]:
    def join(items: Iterable[Any]) -> Any:
        parts = list(guarded_iter(items))
        size = len(sep) * max(len(parts) - 1, 0) + sum(len(p) for p in parts if isinstance(p, str | bytes))
        _charge(size, MAX_TEXT_LEN, "joined text")
        return sep.join(parts)

    return join


def _extend_checked(target: list[Any]) -> Callable[[Iterable[Any]], None]:
    def extend(items: Iterable[Any]) -> None:
        extra = list(guarded_iter(items))
        _charge(len(target) + len(extra), MAX_TEXT_LEN, "list")
        target.extend(extra)

    return extend


_SIZE_CHECKED: dict[str, Callable[[Any, Any], Callable[..., Any]]] = {
    "center": lambda _obj, bound: _width_checked(bound),
    "ljust": lambda _obj, bound: _width_checked(bound),
    "rjust": lambda _obj, bound: _width_checked(bound),
    "zfill": lambda _obj, bound: _width_checked(bound),
    "replace": lambda obj, _bound: _replace_checked(obj),
    "join": lambda obj, _bound: _join_checked(obj),
    "extend": lambda obj, _bound: _extend_checked(obj),
}
_safer_getattr: Callable[[Any, str], Any] = Guards.safer_getattr_raise


def make_getattr(read_only: bool) -> Callable[[Any, str], Any]:
    def guarded_getattr(obj: Any, name: str) -> Any:
        if name in BLOCKED_ATTRIBUTES:
            _refuse(f'"{name}" is not available in diagram expressions')
        if read_only and name in MUTATORS and isinstance(obj, list | dict | set):
            _refuse(f'"{name}" would change task data; only a script task may do that')
        value = _safer_getattr(obj, name)
        if name in _SIZE_CHECKED:
            if isinstance(obj, type) and issubclass(obj, SEQUENCES):
                _refuse(f'call "{name}" on a value, not on its type')
            if isinstance(obj, str | bytes | list):
                return _SIZE_CHECKED[name](obj, value)
        return value

    return guarded_getattr


def guarded_write(ob: Any) -> Any:
    if isinstance(ob, dict | list):
        return ob
    _refuse("only lists and dicts can be changed")


def refuse_write(ob: Any) -> NoReturn:
    _refuse("an expression may not change task data; only a script task may do that")


_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": _checked(_check_add, operator.iadd),
    "-=": operator.isub,
    "*=": _checked(_check_mul, operator.imul),
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": guarded_mod,
    "**=": _checked(_check_pow, operator.ipow),
    "<<=": _checked(_check_lshift, operator.ilshift),
    ">>=": operator.irshift,
    "&=": operator.iand,
    "|=": operator.ior,
    "^=": operator.ixor,
}


def guarded_inplacevar(op: str, target: Any, value: Any) -> Any:
    fn = _INPLACE.get(op)
    if fn is None:
        _refuse(f"{op} is not supported")
    return fn(target, value)


def guarded_apply(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return fn(*args, **kwargs)


# Operators the policy turns into guard calls: the name in compiled code and the guard.
BINOP_GUARDS: dict[type[ast.operator], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Mult: ("_guarded_mul_", guarded_mul),
    ast.Pow: ("_guarded_pow_", guarded_pow),
    ast.LShift: ("_guarded_lshift_", guarded_lshift),
    ast.Add: ("_guarded_add_", guarded_add),
    ast.Mod: ("_guarded_mod_", guarded_mod),
}
# Operators worked out at compile time when both operands are literals.
FOLDABLE: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    **{op: guard for op, (_, guard) in BINOP_GUARDS.items() if op is not ast.Mod},
    ast.Sub: operator.sub,
}


def _guards(read_only: bool) -> Mapping[str, Any]:
    return MappingProxyType(
        {
            "_getattr_": make_getattr(read_only),
            "_getitem_": operator.getitem,
            "_getiter_": guarded_iter,
            "_iter_unpack_sequence_": Guards.guarded_iter_unpack_sequence,
            "_unpack_sequence_": Guards.guarded_unpack_sequence,
            "_write_": refuse_write if read_only else guarded_write,
            "_inplacevar_": guarded_inplacevar,
            "_apply_": guarded_apply,
            "_guarded_text_": guarded_text,
            **dict(BINOP_GUARDS.values()),
        }
    )


EVAL_GUARDS = _guards(read_only=True)
EXEC_GUARDS = _guards(read_only=False)
