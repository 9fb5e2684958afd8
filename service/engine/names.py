"""The names an expression or script reads, and the helpers it calls, found without running it.

A name is free when the expression reads it without binding it itself (a comprehension's variable, a
name a script assigns); free names must be case facts or names the script engine provides.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .sandbox import MAX_SOURCE_CHARS, Mode


@dataclass(frozen=True)
class Call:
    """A call of a plain name: how many arguments it is given, and by which keywords."""

    name: str
    positional: int
    keywords: tuple[str, ...]
    unpacked: bool  # `*args` or `**kwargs`: the count is not known until it runs

    @property
    def count(self) -> int:
        return self.positional + len(self.keywords)


@dataclass(frozen=True)
class Uses:
    """The free names of an expression in the order they first appear, and its calls of plain names."""

    names: tuple[str, ...]
    calls: tuple[Call, ...]

    def called(self, name: str) -> bool:
        return any(call.name == name for call in self.calls)


def _tree(source: str, mode: Mode) -> ast.AST | None:
    if not isinstance(source, str) or len(source) > MAX_SOURCE_CHARS:
        return None
    text = source.strip() if mode == "eval" else source
    try:
        return ast.parse(text, mode=mode)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # the sandbox's lint reports why


def _bound(tree: ast.AST) -> set[str]:
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name or "")
    return bound


def uses(source: str, mode: Mode = "eval") -> Uses | None:
    """The free names ``source`` reads and its calls of plain names; None if it cannot be parsed."""
    tree = _tree(source, mode)
    if tree is None:
        return None
    bound = _bound(tree)
    names: dict[str, None] = {}
    calls: list[tuple[tuple[int, int], Call]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in bound:
            names.setdefault(node.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id not in bound:
            unpacked = any(isinstance(arg, ast.Starred) for arg in node.args) or any(
                keyword.arg is None for keyword in node.keywords)
            calls.append(((node.lineno, node.col_offset), Call(
                node.func.id, len(node.args), tuple(k.arg for k in node.keywords if k.arg is not None), unpacked)))
    # ast.walk is breadth first: put the names back in the order they are written
    order: dict[str, int] = {}
    for index, name in enumerate(_written_order(tree)):
        order.setdefault(name, index)
    return Uses(tuple(sorted(names, key=lambda name: order.get(name, 0))),
                tuple(call for _, call in sorted(calls, key=lambda found: found[0])))


def _written_order(tree: ast.AST) -> list[str]:
    found = [node for node in ast.walk(tree) if isinstance(node, ast.Name)]
    found.sort(key=lambda node: (node.lineno, node.col_offset))
    return [node.id for node in found]


def assigned(source: str) -> set[str]:
    """The names a script sets, which later steps may read as case facts."""
    tree = _tree(source, "exec")
    if tree is None:
        return set()
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
