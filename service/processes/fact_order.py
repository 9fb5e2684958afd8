"""A fact must be known by the step that reads it: checked when a draft is saved.

``fact_check`` makes sure every name an expression reads is a fact some step gives; this makes sure some
path from a start gives it *before* the expression is reached (``fact_flow``). A condition right after
the start reading the answer to a later question would otherwise pass and then stop every case there.
A fact given on one branch only and read after the branches meet is accepted (the reader may guard it),
as is a fact given only by a step no path reaches (when it is known cannot be told).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from lxml import etree

from service.engine import Problem
from service.engine.deadlines import deadline_helpers
from service.engine.lint import DMN_NAMESPACES, SPIFF_NS, input_entry_expression, owner_element
from service.engine.names import uses
from service.engine.sandbox import BUILTIN_NAMES, Mode, check

from .fact_flow import FactFlow, Step, fact_flow
from .known_names import EXPRESSIONS, Known
from .table_check import ENTRY_INPUT

_HELPERS = frozenset(deadline_helpers())
_MOST_NAMED = 3


def _listed(labels: list[str]) -> str:
    shown = labels[:_MOST_NAMED]
    if len(labels) > _MOST_NAMED:
        shown.append(f"{len(labels) - _MOST_NAMED} other steps")
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _how(fact: str, givers: list[Step]) -> str:
    ways = {giver.gives[fact] for giver in givers}
    return ways.pop() if len(ways) == 1 else "given"


class _Order:
    def __init__(self, flow: FactFlow, known: Known) -> None:
        self.flow, self.known = flow, known
        self.unplaced = flow.unplaced()

    def late(self, source: str | None, mode: Mode, before: Iterable[str]) -> list[str]:
        """The facts ``source`` reads that no path gives before it (names the check knows of only)."""
        if source is None or not source.strip() or check(source, mode):
            return []
        found = uses(source, mode)
        if found is None:
            return []
        known_before = set(before) | self.flow.starting | self.unplaced | {ENTRY_INPUT}
        return [name for name in found.names if name in self.known.facts and name not in known_before
                and name not in _HELPERS and name not in BUILTIN_NAMES]

    def message(self, where: str, fact: str, after: str, host: Step | None = None) -> str:
        givers = [giver for giver in self.flow.givers(fact) if self.flow.reached(giver)]
        how = _how(fact, givers)
        places = _listed([giver.label for giver in givers])
        if host is not None and givers == [host]:
            return (f"{where} reads {fact}, which is {how} only at {places}, the task it is attached to: "
                    f"the task's own answers are not known until it is done, after this point in the process")
        return f"{where} reads {fact}, which is {how} only at {places}, after {after}"


def _flow_words(flow: FactFlow, step: Step, file: str, element: etree._Element) -> str:
    source = flow.step(file, element.get("sourceRef", ""))
    target = flow.step(file, element.get("targetRef", ""))
    ends = " → ".join(f"'{end.name or end.element_id}'" for end in (source, target) if end is not None)
    return f"Condition on the flow {ends} ({step.element_id})" if ends else f"Condition on the flow {step.element_id}"


def _diagram(order: _Order, root: etree._Element, file: str) -> Iterator[Problem]:
    flow = order.flow
    for element in root.iter(*EXPRESSIONS):
        mode, kind = EXPRESSIONS[str(element.tag)]
        owner = owner_element(element)
        step = None if owner is None else flow.step(file, owner.get("id", ""))
        if step is None or not flow.reached(step):
            continue  # a step no path reaches: whether it is ever run is another check's concern
        before = set(flow.possible[step.key])
        if element.tag == f"{{{SPIFF_NS}}}postScript":
            before |= set(step.gives)  # after the task: its own answers are known
        if step.kind == "sequenceFlow" and owner is not None:
            where = _flow_words(flow, step, file, owner)
        else:
            where = f"{kind} {step.label}" if step.name else f"{kind} {step.element_id}"
        host = flow.steps.get(step.during[0]) if step.kind == "boundaryEvent" and step.during else None
        for fact in order.late(element.text, mode, before):
            yield Problem(order.message(where, fact, "this point in the process", host),
                          element_id=step.element_id, file=file)


def _callers(flow: FactFlow) -> dict[str, list[Step]]:
    callers: dict[str, list[Step]] = {}
    for step in flow.steps.values():
        if step.kind == "businessRuleTask" and flow.reached(step):
            callers.setdefault(step.decision, []).append(step)
    return callers


def _table(order: _Order, decision: etree._Element, ns: str, file: str, callers: list[Step]) -> Iterator[Problem]:
    table = decision.find(f"{{{ns}}}decisionTable")
    if table is None:
        return
    name, table_id = (decision.get("name") or "").strip(), table.get("id", "")
    label = f"Decision table '{name}' ({table_id})" if name else f"Decision table {table_id}"
    before = set().union(*(order.flow.possible[caller.key] for caller in callers))
    after = f"{_listed([caller.label for caller in callers])} uses the table"
    columns = table.findall(f"{{{ns}}}input")
    for index, column in enumerate(columns):
        expression = column.find(f"{{{ns}}}inputExpression")
        text = None if expression is None else expression.findtext(f"{{{ns}}}text")
        where = f"{label}, input '{column.get('label') or (text or '').strip() or index + 1}',"
        for fact in order.late(text, "eval", before):
            yield Problem(order.message(where, fact, after), element_id=column.get("id") or None, file=file)
    for number, rule in enumerate(table.findall(f"{{{ns}}}rule"), start=1):
        where = f"Rule {number} ({rule.get('id', '')}) of {label}"
        for entry in rule.findall(f"{{{ns}}}inputEntry")[:len(columns)]:
            text = (entry.findtext(f"{{{ns}}}text") or "").strip()
            if text in ("", "-"):
                continue
            for fact in order.late(input_entry_expression(text, ENTRY_INPUT), "eval", before):
                yield Problem(order.message(where, fact, after), element_id=rule.get("id") or None, file=file)


def order_problems(files: Mapping[str, str], bpmn: Mapping[str, etree._Element],
                   dmn: Mapping[str, etree._Element], known: Known) -> list[Problem]:
    """Every expression reading a fact that is known to the process but given only after it is reached."""
    flow = fact_flow(files, bpmn, dmn.values())
    order = _Order(flow, known)
    problems: list[Problem] = []
    for file, root in bpmn.items():
        problems.extend(_diagram(order, root, file))
    callers = _callers(flow)
    for file, root in dmn.items():
        for ns in DMN_NAMESPACES:
            for decision in root.iter(f"{{{ns}}}decision"):
                if callers.get(decision.get("id", "")):
                    problems.extend(_table(order, decision, ns, file, callers[decision.get("id", "")]))
    return problems

