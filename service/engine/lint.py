"""Check every expression in a diagram before the diagram is accepted.

Nothing here runs an expression: each one is only compiled under the sandbox
policy, in the mode the engine will later use for it, so a process owner learns
about a refused expression when uploading the diagram rather than when a case
reaches it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from service.engine.sandbox import MAX_SOURCE_CHARS, Mode, check

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
)


def _bpmn(name: str) -> str:
    return f"{{{BPMN_NS}}}{name}"


def _spiff(name: str) -> str:
    return f"{{{SPIFF_NS}}}{name}"


# Every element whose text the engine evaluates, with the mode it uses.
_BPMN_MODES: dict[str, Mode] = {
    _bpmn("conditionExpression"): "eval",
    _bpmn("script"): "exec",
    _spiff("preScript"): "exec",
    _spiff("postScript"): "exec",
    _bpmn("timeDuration"): "eval",
    _bpmn("timeDate"): "eval",
    _bpmn("timeCycle"): "eval",
    _bpmn("completionCondition"): "eval",
    _bpmn("loopCardinality"): "eval",
    _bpmn("loopCondition"): "eval",
    _bpmn("condition"): "eval",
    _spiff("messagePayload"): "eval",
    _spiff("payloadExpression"): "eval",
    _bpmn("messagePath"): "eval",
}
# Expressions whose tag is only an expression inside a particular parent.
_NESTED_EXPRESSIONS = {
    _bpmn("formalExpression"): _bpmn("correlationPropertyRetrievalExpression"),
    _spiff("expression"): _spiff("processVariableCorrelation"),
}
_SERVICE_PARAMETER = _spiff("parameter")
_SERVICE_PARAMETERS = _spiff("parameters")
# Containers between an expression and the element a process owner would look for.
# fmt: off
_NOT_OWNERS = frozenset(_bpmn(name) for name in (
    "extensionElements", "timerEventDefinition", "conditionalEventDefinition",
    "messageEventDefinition", "signalEventDefinition", "errorEventDefinition",
    "escalationEventDefinition", "multiInstanceLoopCharacteristics", "standardLoopCharacteristics",
    "correlationPropertyRetrievalExpression",
))
# fmt: on


@dataclass(frozen=True)
class LintProblem:
    element_id: str
    message: str


def owner_element(element: etree._Element) -> etree._Element | None:
    """The element a process owner would look for (a timer's event, a condition's flow), if any."""
    parent = element.getparent()
    while parent is not None:
        tag = parent.tag
        if isinstance(tag, str) and tag.startswith(f"{{{BPMN_NS}}}") and tag not in _NOT_OWNERS and parent.get("id"):
            return parent
        parent = parent.getparent()
    return None


def _owner_id(element: etree._Element) -> str:
    owner = owner_element(element)
    return "" if owner is None else str(owner.get("id"))


def _found(element: etree._Element, text: str | None, mode: Mode) -> Iterator[LintProblem]:
    if text is None or not text.strip():
        return
    owner = _owner_id(element)
    for message in check(text, mode):
        yield LintProblem(owner, message)


def _parent_tag(element: etree._Element) -> object:
    parent = element.getparent()
    return None if parent is None else parent.tag


def lint_bpmn(root: etree._Element) -> list[LintProblem]:
    """Every expression in a BPMN document that the sandbox would refuse, in document order."""
    problems: list[LintProblem] = []
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue  # comments and processing instructions
        if tag in _BPMN_MODES:
            problems.extend(_found(element, element.text, _BPMN_MODES[tag]))
        elif tag in _NESTED_EXPRESSIONS and _parent_tag(element) == _NESTED_EXPRESSIONS[tag]:
            problems.extend(_found(element, element.text, "eval"))
        elif tag == _SERVICE_PARAMETER and _parent_tag(element) == _SERVICE_PARAMETERS:
            # service task parameter values are expressions too
            problems.extend(_found(element, element.get("value"), "eval"))
    return problems


# SpiffWorkflow's DMN engine replaces a `?` outside quotes with the input value.
_QUESTION_MARK = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")
_INPUT_VALUE = "dmninputexpr"
_STAND_IN_INPUT = "dmninput"


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except Exception:
        return False
    return True


def input_entry_expression(entry: str, input_expression: str) -> str:
    """The expression the DMN engine evaluates for one input entry of a rule."""
    with_value = _QUESTION_MARK.sub(_INPUT_VALUE, entry)
    if _INPUT_VALUE in with_value:
        return with_value
    if _parses(entry):
        return f"({input_expression}) == ({entry})"
    # an entry such as `> 5` only makes sense after the input, as the engine joins them
    return input_expression + entry


def _glued(input_expression: str, entry: str, expression: str) -> bool:
    """True when the engine would run the input and the entry together (`age` + `in [1]`)."""
    joined = expression == input_expression + entry
    return joined and _is_word_char(input_expression[-1:]) and _is_word_char(entry[:1])


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _text(element: etree._Element, ns: str) -> str | None:
    node = element.find(f"{{{ns}}}text")
    return None if node is None else node.text


def _lint_table(table: etree._Element, ns: str, problems: list[LintProblem]) -> None:
    inputs: list[str] = []
    for column in table.findall(f"{{{ns}}}input"):
        expression_node = column.find(f"{{{ns}}}inputExpression")
        text = None if expression_node is None else _text(expression_node, ns)
        found = [LintProblem(column.get("id", ""), m) for m in check(text, "eval")] if text else []
        problems.extend(found)
        # a broken or missing input is reported once, not again on every rule
        inputs.append(text if text and text.strip() and not found else _STAND_IN_INPUT)
    for rule in table.findall(f"{{{ns}}}rule"):
        rule_id = rule.get("id", "")
        for index, entry in enumerate(rule.findall(f"{{{ns}}}inputEntry")):
            text = _text(entry, ns)
            if text is None or text.strip() in ("", "-"):
                continue
            if len(text) > MAX_SOURCE_CHARS:
                expression = text
            else:
                column_input = inputs[index] if index < len(inputs) else _STAND_IN_INPUT
                expression = input_entry_expression(text, column_input)
                if _glued(column_input, text, expression):
                    message = f"entry {text.strip()!r} would be read as {expression!r}; use '?' for the input"
                    problems.append(LintProblem(rule_id, message))
                    continue
            problems.extend(LintProblem(rule_id, m) for m in check(expression, "eval"))
        for entry in rule.findall(f"{{{ns}}}outputEntry"):
            text = _text(entry, ns)
            if text and text.strip():
                problems.extend(LintProblem(rule_id, m) for m in check(text, "eval"))


def lint_dmn(root: etree._Element) -> list[LintProblem]:
    """Every expression in a DMN document that the sandbox would refuse."""
    problems: list[LintProblem] = []
    for ns in DMN_NAMESPACES:
        for table in root.iter(f"{{{ns}}}decisionTable"):
            _lint_table(table, ns, problems)
    return problems
