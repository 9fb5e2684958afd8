"""What an element of a diagram holds, in plain words, so that a diff can show it before and after.

Each element is read as an ordered set of facts, ``{what: value}``: its name, a timer's expression, a
flow's condition, the lane (role) a step sits in, its form, script, called decision, other properties
and attributes; a decision table's rule as one fact per column, labelled by the column's label. Two
versions of an element differ when their facts differ; the layout (BPMN DI), the order of attributes,
whitespace around a value, an attribute holding its schema default and the order of a step's
incoming and outgoing flows are not facts, so none of them shows as a change.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from .diff_model import Key, ProcessModel, element_parts
from .policy import _local

Facts = dict[str, str]

# Element tags in the words a process owner uses.
KIND_WORDS = {
    "userTask": "task", "manualTask": "task", "task": "task", "scriptTask": "script task",
    "businessRuleTask": "decision task", "serviceTask": "service task", "sendTask": "sending task",
    "receiveTask": "receiving task", "callActivity": "call to another process", "subProcess": "sub-process",
    "exclusiveGateway": "choice", "inclusiveGateway": "choice of one or more", "parallelGateway": "split or join",
    "eventBasedGateway": "wait for the first event", "complexGateway": "choice", "startEvent": "start",
    "endEvent": "end", "boundaryEvent": "event on a step", "intermediateCatchEvent": "wait",
    "intermediateThrowEvent": "event", "sequenceFlow": "flow", "lane": "lane (role)", "message": "message",
    "error": "error", "signal": "signal", "escalation": "escalation", "process": "process",
    "decision": "decision table", "rule": "rule", "input": "column (input)", "output": "column (output)",
    "inputData": "input data", "question": "question", "form": "form", "file": "file",
}
_ATTRIBUTE_WORDS = {
    "name": "name", "label": "label", "sourceRef": "from", "targetRef": "to", "attachedToRef": "attached to",
    "cancelActivity": "stops the step", "default": "default flow", "calledElement": "calls process",
    "messageRef": "message", "errorRef": "error", "signalRef": "signal", "escalationRef": "escalation",
    "hitPolicy": "hit policy", "aggregation": "aggregation", "typeRef": "value type",
    "isInterrupting": "stops what is running", "isSequential": "one after another",
    "errorCode": "error code", "escalationCode": "escalation code",
}
_PROPERTY_WORDS = {
    "formJsonSchemaFilename": "form", "formUiSchemaFilename": "form layout", "policyStep": "policy step",
    "notify": "tells",
}
_PART_WORDS = {
    "documentation": "description", "conditionExpression": "condition", "condition": "condition",
    "timeDate": "timer", "timeDuration": "timer (waits for)", "timeCycle": "timer (repeats)",
    "script": "script", "calledDecisionId": "called decision", "preScript": "script before the step",
    "postScript": "script after the step", "instructionsForEndUser": "instructions",
    "loopCardinality": "repeats (times)", "completionCondition": "stops repeating when",
    "inputExpression": "expression", "description": "description", "annotationEntry": "annotation",
    "multiInstanceLoopCharacteristics": "repeats for each item", "standardLoopCharacteristics": "repeats as a loop",
}
# Not facts: what a flow's ends already say, lane membership (a fact of each step), and the type of
# an expression's language.
_SKIPPED_PARTS = frozenset({"incoming", "outgoing", "flowNodeRef"})
_SKIPPED_ATTRIBUTES = frozenset({"id", "{http://www.w3.org/2001/XMLSchema-instance}type"})
_CONTAINERS = frozenset({"subProcess", "transaction", "adHocSubProcess"})
LANE = "lane (role)"
_VALUE_CHARS = 2000


def _words(tag: str) -> str:
    """``camelCase`` -> ``camel case``."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", tag).lower()


def _attribute_word(name: str) -> str:
    local = etree.QName(name).localname if name.startswith("{") else name
    return _ATTRIBUTE_WORDS.get(local, f"attribute {local}")


def default_words(defaults: dict[str, str]) -> dict[str, str]:
    """What a fact reads when its attribute is left off: the schema default."""
    return {_attribute_word(name): _plain_value(name, value) for name, value in defaults.items()}


def _plain_value(name: str, value: str) -> str:
    if value in ("true", "false") and name != "name":
        return "yes" if value == "true" else "no"
    return value


def clip(text: str | None, start: int = 0) -> str | None:
    """A value as shown: at most ``_VALUE_CHARS`` characters from ``start`` (values are compared whole)."""
    if text is None or (len(text) <= _VALUE_CHARS and not start):
        return text
    return ("…" if start else "") + text[start:start + _VALUE_CHARS] + ("…" if start + _VALUE_CHARS < len(text) else "")


def _shown(old: str | None, new: str | None) -> tuple[str | None, str | None]:
    """Two long values as shown: each from a little before where they first differ."""
    start = 0
    if old is not None and new is not None and max(len(old), len(new)) > _VALUE_CHARS:
        same = next((n for n, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
        start = max(0, same - 200)
    return clip(old, start), clip(new, start)


def _put(facts: Facts, what: str, value: str) -> None:
    label, n = what, 2
    while label in facts:
        label, n = f"{what} ({n})", n + 1
    facts[label] = value.strip()


class _FactReader:
    def __init__(self, model: ProcessModel, kind: str, defaults: dict[str, str]) -> None:
        self.model, self.kind, self.defaults = model, kind, defaults

    def refer(self, value: str) -> str:
        """A referenced element by its name (and id), or the id alone."""
        element = self.model.elements.get((self.kind, value))
        return f"{element.name} ({value})" if element is not None and element.name else value

    def attributes(self, element: etree._Element, facts: Facts, prefix: str = "") -> None:
        for name, value in sorted(((str(k), str(v).strip()) for k, v in element.attrib.items()),
                                  key=lambda item: (item[0] != "name", item[0])):
            if name in _SKIPPED_ATTRIBUTES or not value or self.defaults.get(name) == value:
                continue
            word = _attribute_word(name)
            shown = self.refer(value) if name.endswith("Ref") or name in ("default", "calledElement") \
                else _plain_value(name, value)
            _put(facts, f"{prefix}{word}", shown)

    def parts(self, element: etree._Element, facts: Facts, prefix: str = "") -> None:

        for child in element_parts(element):
            local = _local(child)
            if local in _SKIPPED_PARTS:
                continue
            if local in ("extensionElements", "properties", "decisionTable"):
                self.attributes(child, facts, prefix)
                self.parts(child, facts, prefix)
            elif local == "property":
                name = child.get("name", "")
                _put(facts, prefix + _PROPERTY_WORDS.get(name, f"property {name}"), child.get("value") or "")
            elif local.endswith("EventDefinition"):
                _put(facts, prefix + "event", _words(local.removesuffix("EventDefinition")))
                self.attributes(child, facts, prefix)
                self.parts(child, facts, prefix)
            elif local == "text":
                _put(facts, prefix + "text", (child.text or "").strip())
            else:
                self.part(child, local, facts, prefix)

    def part(self, child: etree._Element, local: str, facts: Facts, prefix: str) -> None:
        word = _PART_WORDS.get(local) or _words(local)
        inner: Facts = {}
        self.attributes(child, inner)
        self.parts(child, inner)
        text = (child.text or "").strip() or inner.pop("text", "")
        _put(facts, prefix + word, text or "yes")
        for what, value in inner.items():
            _put(facts, f"{prefix}{word}: {what}", value)


def element_facts(model: ProcessModel, key: Key, defaults: dict[str, str]) -> Facts:
    """The facts of one element of a version (see the module's docstring)."""
    kind, _ = key
    element = model.xml[key]
    if _local(element) == "rule":
        return rule_facts(element)
    reader = _FactReader(model, kind, defaults)
    facts: Facts = {}
    reader.attributes(element, facts)
    reader.parts(element, facts)
    text = (element.text or "").strip()
    if text:
        _put(facts, "text", text)
    parent = element.getparent()
    if parent is not None and _local(parent) in _CONTAINERS:
        _put(facts, "inside", reader.refer(parent.get("id", "")))
    lane = lane_of(model, key)
    if lane is not None:
        facts[LANE] = lane
    return facts


def lane_of(model: ProcessModel, key: Key) -> str | None:
    kind, element_id = key
    if kind != "bpmn":
        return None
    for name, refs in model.lanes.values():
        if element_id in refs:
            return name or "(a lane without a name)"
    return None


def _column_labels(table: etree._Element | None, tag: str) -> list[str]:
    if table is None:
        return []
    labels: list[str] = []
    for column in table:
        if isinstance(column.tag, str) and _local(column) == tag:
            labels.append(column.get("label") or column.get("name") or _inner_text(column) or column.get("id") or "?")
    return labels


def _inner_text(element: etree._Element) -> str:
    return " ".join(str(t).strip() for t in element.itertext() if str(t).strip())


def rule_facts(rule: etree._Element) -> Facts:
    """A rule as one fact per column: ``when <input label>`` and ``then <output label>``."""
    table = rule.getparent()
    inputs, outputs = _column_labels(table, "input"), _column_labels(table, "output")
    facts: Facts = {}
    counts = {"inputEntry": 0, "outputEntry": 0}
    for child in rule:
        if not isinstance(child.tag, str):
            continue
        local = _local(child)
        text = _inner_text(child)
        if local in counts:
            n = counts[local]
            counts[local] += 1
            labels, word = (inputs, "when") if local == "inputEntry" else (outputs, "then")
            label = labels[n] if n < len(labels) else f"column {n + 1}"
            _put(facts, f"{word} {label}", text or "-")
        elif local == "description":
            _put(facts, "description", text)
        else:
            _put(facts, _PART_WORDS.get(local) or _words(local), text)
    return facts


def changes(before: Facts, after: Facts, defaults: dict[str, str]) -> list[dict[str, Any]]:
    """The facts that differ, in the newer order, then those only the older had."""
    found = []
    for what in [*after, *(w for w in before if w not in after)]:
        default = defaults.get(what.rsplit(": ", 1)[-1])
        old, new = before.get(what, default), after.get(what, default)
        if old != new:
            shown_old, shown_new = _shown(old, new)
            found.append({"what": what, "before": shown_old, "after": shown_new})
    return found


def values(facts: Facts) -> list[dict[str, str]]:
    return [{"what": what, "value": clip(value) or ""} for what, value in facts.items()]
