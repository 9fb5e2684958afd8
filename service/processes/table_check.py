"""Decision tables, checked when a draft is saved: every input expression and entry reads only known
names, every entry can be read for its column (a yes/no column takes True, False or -), and no two
rules of a UNIQUE table can match the same inputs (the engine would silently take the first).

Overlap is worked out per column over the values that matter to it (True, False, None, every literal
its entries name, numbers either side of each, and one value none of them names): two rules overlap
when, in every column, some such value meets both entries. An entry that reads other facts cannot be
decided without a case, so it never counts as overlapping a different entry.
"""

from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass
from typing import Any

from lxml import etree

from service.engine import Problem
from service.engine.lint import DMN_NAMESPACES, input_entry_expression
from service.engine.names import uses
from service.engine.sandbox import ExpressionError, Limits, check, evaluate

from .known_names import Known, name_problems, nearest, problems_at

ENTRY_INPUT = "dmninputexpr"  # what the engine puts for `?` and the column's value
_BOOLEANS = ("True", "False")
_YES, _NO = frozenset({"yes", "y", "true", "t", "1", "on"}), frozenset({"no", "n", "false", "f", "0", "off"})
_LIMITS = Limits(max_steps=2_000, max_seconds=0.05)
_MOST_EVALUATIONS = 20_000  # per table; a larger table is left to the tests of whoever wrote it
_MOST_OVERLAPS = 20
_OTHER = "\x00a value no entry names"


@dataclass(frozen=True)
class _Column:
    element_id: str
    label: str
    expression: str
    boolean: bool


def _text(element: etree._Element, ns: str) -> str:
    return (element.findtext(f"{{{ns}}}text") or "").strip()


def _blank(entry: str) -> bool:
    return entry in ("", "-")


def _is_boolean(type_ref: str, entries: list[str]) -> bool:
    if type_ref.lower() == "boolean":
        return True
    filled = [entry for entry in entries if not _blank(entry)]
    # a column of True and False with a slip (`yes`) in it is still a yes/no column
    return any(entry in _BOOLEANS for entry in filled) and all(
        entry in _BOOLEANS or entry.isidentifier() for entry in filled)


def _boolean_guess(entry: str) -> str | None:
    lowered = entry.lower().strip("\"'")
    if lowered in _YES:
        return "True"
    if lowered in _NO:
        return "False"
    return {"true": "True", "false": "False"}.get(nearest(lowered, ("true", "false")) or "")


def _string_choices(entries: list[str]) -> list[str]:
    choices = []
    for entry in entries:
        try:
            value = ast.literal_eval(entry)
        except (ValueError, SyntaxError, RecursionError, MemoryError):
            continue
        if isinstance(value, str):
            choices.append(value)
    return choices


def _entry_problems(rule: str, column: _Column, entry: str, entries: list[str], known: Known) -> list[str]:
    if check(input_entry_expression(entry, ENTRY_INPUT), "eval"):
        return []  # the sandbox's lint refuses it already
    if column.boolean and entry not in _BOOLEANS:
        guess = _boolean_guess(entry)
        message = f"{rule}: {entry!r} is not an entry for the yes/no column '{column.label}' (True, False or -)"
        return [f"{message}: did you mean {guess}?" if guess else message]
    choices = _string_choices(entries)
    if entry.isidentifier() and not known.knows(entry, (ENTRY_INPUT,)) and choices:
        guess = nearest(entry, choices)
        message = f"{rule}: {entry} in the column '{column.label}' is neither a known fact nor a quoted choice"
        return [f'{message}: did you mean "{guess}"?' if guess else message]
    expression = input_entry_expression(entry, ENTRY_INPUT)
    return name_problems(rule, expression, "eval", known, extra=(ENTRY_INPUT,))


def _candidates(entries: list[str]) -> list[Any]:
    values: list[Any] = [True, False, None, _OTHER]
    for entry in entries:
        found = uses(input_entry_expression(entry, ENTRY_INPUT), "eval") if not _blank(entry) else None
        if found is None:
            continue
        try:
            tree = ast.parse(input_entry_expression(entry, ENTRY_INPUT).strip(), mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float):
                value = node.value
                values.append(value)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    values.extend((value - 1, value - 0.5, value + 0.5, value + 1))
    unique: dict[tuple[str, str], Any] = {}
    for value in values:
        unique.setdefault((type(value).__name__, repr(value)), value)
    return list(unique.values())


class _Matcher:
    """Which candidate values of a column each entry meets; None when that needs the case's other facts."""

    def __init__(self) -> None:
        self.evaluations = 0

    def matches(self, entry: str, candidates: list[Any]) -> frozenset[int] | None:
        if _blank(entry):
            return frozenset(range(len(candidates)))
        expression = input_entry_expression(entry, ENTRY_INPUT)
        found = uses(expression, "eval")
        if found is None or check(expression, "eval") or set(found.names) - {ENTRY_INPUT, "True", "False", "None"}:
            return None
        met = set()
        for index, value in enumerate(candidates):
            self.evaluations += 1
            try:
                if evaluate(expression, {ENTRY_INPUT: value}, limits=_LIMITS):
                    met.add(index)
            except ExpressionError:
                continue  # `? > 5` against None: this value does not meet it
        return frozenset(met)


def _shown(value: Any) -> str:
    return "any other value" if value == _OTHER else repr(value)


def _overlap(first: list[str], second: list[str], columns: list[_Column], candidates: list[list[Any]],
             met: list[list[frozenset[int] | None]], a: int, b: int) -> list[str] | None:
    """An example of inputs both rules meet, or None when they cannot both match."""
    example = []
    for index, column in enumerate(columns):
        left, right = met[a][index], met[b][index]
        if left is None or right is None:
            if first[index] != second[index]:
                return None
            continue
        both = left & right
        if not both:
            return None
        if not (_blank(first[index]) and _blank(second[index])):
            example.append(f"{column.label} = {_shown(candidates[index][min(both)])}")
    return example


def _overlaps(label: str, columns: list[_Column], rules: list[tuple[str, list[str]]],
              file: str) -> list[Problem]:
    by_column = [[entries[i] if i < len(entries) else "" for _, entries in rules] for i in range(len(columns))]
    candidates = [_candidates(entries) for entries in by_column]
    if len(rules) * sum(len(values) for values in candidates) > _MOST_EVALUATIONS:
        return []
    matcher = _Matcher()
    met = [[matcher.matches(entries[i] if i < len(entries) else "", candidates[i]) for i in range(len(columns))]
           for _, entries in rules]
    problems: list[Problem] = []
    for a, b in itertools.combinations(range(len(rules)), 2):
        example = _overlap(rules[a][1], rules[b][1], columns, candidates, met, a, b)
        if example is None:
            continue
        inputs = ", ".join(example) or "any inputs"
        problems.append(Problem(
            f"{label} has hit policy UNIQUE, but rule {a + 1} ({rules[a][0]}) and rule {b + 1} ({rules[b][0]}) "
            f"can both match the same inputs ({inputs}): change an entry so only one of them matches",
            element_id=rules[b][0] or None, file=file))
        if len(problems) >= _MOST_OVERLAPS:
            break
    return problems


def _table_problems(table: etree._Element, ns: str, file: str, known: Known) -> list[Problem]:
    decision = table.getparent()
    name = (decision.get("name") if decision is not None else None) or ""
    table_id = table.get("id", "")
    label = f"Decision table '{name}' ({table_id})" if name else f"Decision table {table_id}"
    rules = [(rule.get("id", ""), [_text(entry, ns) for entry in rule.findall(f"{{{ns}}}inputEntry")])
             for rule in table.findall(f"{{{ns}}}rule")]
    columns: list[_Column] = []
    problems: list[Problem] = []
    for index, column in enumerate(table.findall(f"{{{ns}}}input")):
        expression = column.find(f"{{{ns}}}inputExpression")
        text = "" if expression is None else _text(expression, ns)
        type_ref = "" if expression is None else expression.get("typeRef", "")
        entries = [entries[index] for _, entries in rules if index < len(entries)]
        info = _Column(column.get("id", ""), column.get("label") or text or f"input {index + 1}", text,
                       _is_boolean(type_ref, entries))
        columns.append(info)
        where = f"{label}, input '{info.label}'"
        problems.extend(problems_at(info.element_id, file, name_problems(where, text, "eval", known)))
    for number, (rule_id, entries) in enumerate(rules, start=1):
        where = f"Rule {number} ({rule_id}) of {label}"
        for index, entry in enumerate(entries[:len(columns)]):
            if not _blank(entry):
                column_entries = [other[index] for _, other in rules if index < len(other)]
                problems.extend(problems_at(rule_id, file, _entry_problems(where, columns[index], entry,
                                                                           column_entries, known)))
    if (table.get("hitPolicy") or "UNIQUE").upper() == "UNIQUE" and not problems:
        problems.extend(_overlaps(label, columns, rules, file))
    return problems


def table_problems(root: etree._Element, file: str, known: Known) -> list[Problem]:
    """The problems of every decision table in a DMN document."""
    problems: list[Problem] = []
    for ns in DMN_NAMESPACES:
        for table in root.iter(f"{{{ns}}}decisionTable"):
            problems.extend(_table_problems(table, ns, file, known))
    return problems
