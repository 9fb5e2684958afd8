"""Evaluate a process's decision tables outside a running case: which rules match given facts.

SpiffWorkflow stops at the first matching rule of a UNIQUE table and never reports a second
match, so a table whose rules overlap silently answers with whichever rule comes first. These
functions let a test, or a check on a process owner's edit, find every rule that matches a set
of facts, with the same expression semantics (and the same sandbox) as a running case.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.specs.model import HitPolicy
from SpiffWorkflow.exceptions import SpiffWorkflowException

from .errors import EngineError
from .instance import script_engine
from .sandbox import ExpressionError
from .specs import CompiledProcess


class DecisionFailed(EngineError):
    """A decision table could not be evaluated against the given facts (e.g. a fact is missing)."""


@dataclass(frozen=True)
class RuleInfo:
    id: str
    row: int
    description: str


@dataclass(frozen=True)
class TableInfo:
    id: str
    name: str
    hit_policy: str
    rules: tuple[RuleInfo, ...]


def _tables(compiled: CompiledProcess) -> Iterator[Any]:
    seen: set[str] = set()
    for spec in [compiled.spec, *compiled.subprocess_specs.values()]:
        for task_spec in spec.task_specs.values():
            engine = getattr(task_spec, "dmnEngine", None)
            if engine is not None and engine.decision_table.id not in seen:
                seen.add(engine.decision_table.id)
                yield engine.decision_table


def decision_tables(compiled: CompiledProcess) -> dict[str, TableInfo]:
    """Every decision table a process's business rule tasks use, keyed by table id."""
    return {
        table.id: TableInfo(
            id=table.id,
            name=table.name,
            hit_policy=table.hit_policy,
            rules=tuple(RuleInfo(r.id, r.row_number, r.description or "") for r in table.rules),
        )
        for table in _tables(compiled)
    }


def _table(compiled: CompiledProcess, table_id: str) -> Any:
    for table in _tables(compiled):
        if table.id == table_id:
            return table
    raise KeyError(table_id)


def _as_task(table_id: str, facts: Mapping[str, Any]) -> Any:
    # The DMN engine reads a task's data and its workflow's script engine; its error reports
    # name the task's spec.
    spec = SimpleNamespace(name=table_id, bpmn_id=table_id, bpmn_name=table_id, description="decision table",
                           _wf_spec=None, _file=None)
    workflow = SimpleNamespace(script_engine=script_engine(), spec=SimpleNamespace(file=table_id))
    workflow.top_workflow = workflow
    return SimpleNamespace(data=dict(facts), workflow=workflow, task_spec=spec)


def _failure(table_id: str, exc: Exception) -> DecisionFailed:
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, ExpressionError):
        cause = getattr(cause, "exception", None) or cause.__cause__ or cause.__context__
    return DecisionFailed(f"{table_id}: {cause if cause is not None else exc}")


def matching_rules(compiled: CompiledProcess, table_id: str, facts: Mapping[str, Any]) -> list[str]:
    """Ids of every rule of the table that matches the facts, whatever the table's hit policy."""
    every_match = copy.copy(_table(compiled, table_id))
    every_match.hit_policy = HitPolicy.COLLECT.value
    try:
        return [rule.id for rule in DMNEngine(every_match).decide(_as_task(table_id, facts))]
    except (ExpressionError, SpiffWorkflowException) as exc:
        raise _failure(table_id, exc) from exc


def matching_rules_by_column(compiled: CompiledProcess, table_id: str,
                             rows: Iterable[Sequence[Any]]) -> list[list[str]]:
    """For each row of values of the table's input columns, the ids of every rule whose entries match it."""
    columns = copy.deepcopy(_table(compiled, table_id))
    columns.hit_policy = HitPolicy.COLLECT.value
    for i, column in enumerate(columns.inputs):
        column.expression = f"column_{i}"
    engine = DMNEngine(columns)
    try:
        return [[rule.id for rule in engine.decide(_as_task(table_id, {f"column_{i}": v for i, v in enumerate(row)}))]
                for row in rows]
    except (ExpressionError, SpiffWorkflowException) as exc:
        raise _failure(table_id, exc) from exc


def evaluate_table(compiled: CompiledProcess, table_id: str, facts: Mapping[str, Any]) -> dict[str, Any]:
    """The outputs the engine would produce for these facts (by the table's own hit policy)."""
    try:
        result = dict(DMNEngine(_table(compiled, table_id)).result(_as_task(table_id, facts)))
    except (ExpressionError, SpiffWorkflowException) as exc:
        raise _failure(table_id, exc) from exc
    if not result:
        raise DecisionFailed(f"{table_id}: no rule matches these facts")
    return result
