"""Compile-time policy for diagram expressions.

Process owners edit the diagrams, so every expression is hostile until proven otherwise. The
policy refuses whole constructs when the source is compiled and rewrites risky operators into
calls to the run-time guards (``sandbox_guards``).
"""

from __future__ import annotations

import ast
import re
from typing import Any

from RestrictedPython.transformer import RestrictingNodeTransformer, copy_locations

from .sandbox_guards import (
    BINOP_GUARDS,
    BLOCKED_ATTRIBUTES,
    BLOCKED_NAMES,
    FOLDABLE,
    MAX_WIDTH_DIGITS,
    REFUSED_NODES,
    SEQUENCES,
    GuardRefused,
    guarded_range,
)

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
        refused = REFUSED_NODES.get(type(node))
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
        guard = BINOP_GUARDS.get(type(node.op))
        if guard is None:
            return node
        return _call(guard[0], [node.left, node.right], node)

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
            if isinstance(value, SEQUENCES) and len(value) > _MAX_FOLDED_LEN:
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
        if isinstance(node, ast.BinOp) and type(node.op) in FOLDABLE:
            left, right = self._fold(node.left), self._fold(node.right)
            if left is _UNKNOWN or right is _UNKNOWN:
                return _UNKNOWN
            try:
                return FOLDABLE[type(node.op)](left, right)
            except GuardRefused as exc:
                self.error(node, str(exc))
            except Exception:  # noqa: S110 - not foldable; the run decides
                pass
        return _UNKNOWN
