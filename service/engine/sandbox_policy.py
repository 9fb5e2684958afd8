"""Compile-time policy and run-time guards for diagram expressions.

Process owners edit the diagrams, so every expression is hostile until proven
otherwise.  The policy refuses whole constructs when the source is compiled; the
guards are what the compiled code calls instead of the plain operators, so that
a single operation cannot allocate gigabytes or burn minutes in C code where the
step budget cannot see it.
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
from RestrictedPython.transformer import RestrictingNodeTransformer, copy_locations

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
# fmt: on

# fmt: off
_REFUSED_NODES: dict[type[ast.AST], str] = {
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

_SEQUENCES = (str, bytes, list, tuple)


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
    seq, times = (a, b) if isinstance(a, _SEQUENCES) else (b, a)
    if isinstance(seq, _SEQUENCES) and isinstance(times, int):
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
    if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES):
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
    if isinstance(start, _SEQUENCES):
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
            if isinstance(obj, type) and issubclass(obj, _SEQUENCES):
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
            "_guarded_mul_": guarded_mul,
            "_guarded_pow_": guarded_pow,
            "_guarded_lshift_": guarded_lshift,
            "_guarded_add_": guarded_add,
            "_guarded_mod_": guarded_mod,
            "_guarded_text_": guarded_text,
        }
    )


EVAL_GUARDS = _guards(read_only=True)
EXEC_GUARDS = _guards(read_only=False)

_BINOP_GUARDS: dict[type[ast.operator], str] = {
    ast.Mult: "_guarded_mul_",
    ast.Pow: "_guarded_pow_",
    ast.LShift: "_guarded_lshift_",
    ast.Add: "_guarded_add_",
    ast.Mod: "_guarded_mod_",
}
_FOLDABLE: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Mult: guarded_mul,
    ast.Pow: guarded_pow,
    ast.LShift: guarded_lshift,
    ast.Add: guarded_add,
    ast.Sub: operator.sub,
}
_UNKNOWN = object()
_MAX_FOLDED_LEN = 10_000
_LARGE_WIDTH = re.compile(rf"\d{{{MAX_WIDTH_DIGITS + 1},}}")


def _call(name: str, args: list[ast.expr], like: ast.expr) -> ast.Call:
    call = ast.Call(func=ast.Name(name, ast.Load()), args=args, keywords=[])
    copy_locations(call, like)
    return call


class SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, narrowed to what a diagram expression needs."""

    def __init__(
        self,
        errors: list[str] | None = None,
        warnings: list[str] | None = None,
        used_names: dict[str, bool] | None = None,
    ) -> None:
        super().__init__(errors, warnings, used_names)
        self._folded: dict[int, tuple[ast.AST, Any]] = {}

    def visit(self, node: ast.AST) -> Any:
        refused = _REFUSED_NODES.get(type(node))
        if refused is not None:
            self.error(node, f"{refused} are not allowed in diagram expressions")
            return node
        return super().visit(node)

    def check_name(self, node: Any, name: str | None, allow_magic_methods: bool = False) -> None:
        if name in BLOCKED_NAMES:
            self.error(node, f'"{name}" is not available in diagram expressions')
            return
        super().check_name(node, name, allow_magic_methods)

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id in BLOCKED_NAMES:
            self.check_name(node, node.id)
            return node
        return super().visit_Name(node)

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        if node.attr in BLOCKED_ATTRIBUTES:
            self.error(node, f'"{node.attr}" is not available in diagram expressions')
        return super().visit_Attribute(node)

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        self._fold(node)
        node = self.node_contents_visit(node)
        guard = _BINOP_GUARDS.get(type(node.op))
        if guard is None:
            return node
        return _call(guard, [node.left, node.right], node)

    def visit_Call(self, node: ast.Call) -> Any:
        if isinstance(node.func, ast.Name) and node.func.id == "range" and not node.keywords:
            args = [self._fold(arg) for arg in node.args]
            if args and all(isinstance(arg, int) for arg in args):
                try:
                    guarded_range(*args)
                except (GuardRefused, ValueError, TypeError) as exc:
                    self.error(node, str(exc))
        return super().visit_Call(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> Any:
        return _call("_guarded_text_", [self.node_contents_visit(node)], node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        # a format spec is itself an f-string; only a short constant one is safe
        spec = node.format_spec
        if spec is not None:
            parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
            if not all(isinstance(p, ast.Constant) and isinstance(p.value, str) for p in parts):
                self.error(node, "format specifications must be constant")
            elif _LARGE_WIDTH.search("".join(str(p.value) for p in parts if isinstance(p, ast.Constant))):
                self.error(node, "format width is too large")
        node.value = self.visit(node.value)
        return node

    def _fold(self, node: ast.AST) -> Any:
        """Work out literal operands now, so that `'a' * 10**9` fails the lint."""
        key = id(node)
        if key not in self._folded:
            value = self._fold_uncached(node)
            # keep compiling cheap: long literals are left to the run-time guards
            if isinstance(value, _SEQUENCES) and len(value) > _MAX_FOLDED_LEN:
                value = _UNKNOWN
            # holding the node keeps its id from being reused by a node made later
            self._folded[key] = (node, value)
        return self._folded[key][1]

    def _fold_uncached(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str | bytes):
            return node.value
        if isinstance(node, ast.List | ast.Tuple):
            if any(isinstance(elt, ast.Starred) for elt in node.elts):
                return _UNKNOWN
            # only the length matters to the guards
            stand_in = [None] * len(node.elts)
            return stand_in if isinstance(node, ast.List) else tuple(stand_in)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = self._fold(node.operand)
            if isinstance(operand, int | float):
                return -operand if isinstance(node.op, ast.USub) else operand
            return _UNKNOWN
        if isinstance(node, ast.BinOp) and type(node.op) in _FOLDABLE:
            left, right = self._fold(node.left), self._fold(node.right)
            if left is _UNKNOWN or right is _UNKNOWN:
                return _UNKNOWN
            try:
                return _FOLDABLE[type(node.op)](left, right)
            except GuardRefused as exc:
                self.error(node, str(exc))
            except Exception:  # noqa: S110 - not foldable; the run decides
                pass
        return _UNKNOWN
