"""Every name a draft's expressions use must be one a case will have: checked when the draft is saved.

The sandbox's lint proves an expression is safe; this proves it can work: a timer calling
``in_working_day(3)``, a condition reading ``urgancy`` or a decision-table entry ``yes`` is refused
with the element, the unknown name and the nearest known one, rather than published and then stopping
every case at that step. Names are checked against the whole process (the facts any step can give), and
then against the order of its steps (``fact_order``): some path from a start must give a fact before it is read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping

from lxml import etree

from service.engine import DiagramRejected, Problem
from service.engine.lint import BPMN_NS, DMN_NAMESPACES, SPIFF_NS, owner_element
from service.engine.names import assigned
from service.engine.specs import INITIAL_PREFIX
from service.engine.xml import parse_xml

from .fact_order import order_problems
from .known_names import CASE_START_FACTS, EXPRESSIONS, Known, form_fields, name_problems, problems_at
from .table_check import table_problems

FORMS_PREFIX = "forms/"

_SCRIPTS = tuple(tag for tag, (mode, _) in EXPRESSIONS.items() if mode == "exec")


def _documents(files: Mapping[str, str], suffix: str) -> Iterator[tuple[str, etree._Element]]:
    for name in sorted(files):
        if not name.endswith(suffix):
            continue
        try:
            yield name, parse_xml(files[name], name=name)
        except (DiagramRejected, UnicodeError, ValueError):
            continue  # the XML checks report it


def _forms(files: Mapping[str, str]) -> Iterator[object]:
    for name in sorted(files):
        if name.startswith(FORMS_PREFIX) and name.endswith(".json"):
            try:
                yield json.loads(files[name])
            except (ValueError, RecursionError):
                continue  # the form checks report it


def _diagram_facts(root: etree._Element) -> set[str]:
    """The starting values the process declares, what its scripts set and its messages' variables."""
    facts: set[str] = set()
    for process in root.iter(f"{{{BPMN_NS}}}process"):
        extensions = process.find(f"{{{BPMN_NS}}}extensionElements")
        for prop in [] if extensions is None else extensions.iter(f"{{{SPIFF_NS}}}property"):
            name = prop.get("name", "")
            if name.startswith(INITIAL_PREFIX):
                facts.add(name[len(INITIAL_PREFIX):])
    for element in root.iter(*_SCRIPTS):
        facts |= assigned(element.text or "")
    for variable in root.iter(f"{{{SPIFF_NS}}}messageVariable"):
        if variable.text and variable.text.strip():
            facts.add(variable.text.strip())
    return facts


def _decision_outputs(root: etree._Element) -> set[str]:
    return {output.get("name", "") for ns in DMN_NAMESPACES for output in root.iter(f"{{{ns}}}output")} - {""}


def known_facts(files: Mapping[str, str]) -> Known:
    """Every fact a case of this process can hold, whichever path it takes."""
    facts = set(CASE_START_FACTS)
    for schema in _forms(files):
        facts |= set(form_fields(schema))
    for _, root in _documents(files, ".bpmn"):
        facts |= _diagram_facts(root)
    for _, root in _documents(files, ".dmn"):
        facts |= _decision_outputs(root)
    return Known(facts)


def _where(kind: str, owner: etree._Element | None) -> tuple[str, str]:
    if owner is None:
        return "", kind
    element_id, name = owner.get("id", ""), (owner.get("name") or "").strip()
    return element_id, f"{kind} '{name}' ({element_id})" if name else f"{kind} {element_id}"


def diagram_name_problems(root: etree._Element, file: str, known: Known) -> list[Problem]:
    problems: list[Problem] = []
    for element in root.iter(*EXPRESSIONS):
        mode, kind = EXPRESSIONS[str(element.tag)]
        element_id, where = _where(kind, owner_element(element))
        problems.extend(problems_at(element_id, file, name_problems(where, element.text, mode, known)))
    return problems


def fact_problems(files: Mapping[str, str]) -> list[Problem]:
    """Every unknown name, wrongly called helper and unusable decision-table entry in a set of process
    files, every pair of rules of a UNIQUE table that can match the same inputs, and every fact read
    before any path from a start gives it."""
    known = known_facts(files)
    diagrams, tables = dict(_documents(files, ".bpmn")), dict(_documents(files, ".dmn"))
    problems: list[Problem] = []
    for name, root in diagrams.items():
        problems.extend(diagram_name_problems(root, name, known))
    for name, root in tables.items():
        problems.extend(table_problems(root, name, known))
    try:
        problems.extend(order_problems(files, diagrams, tables, known))
    except Exception as exc:  # a diagram the walk cannot follow is refused, never a server error
        problems.append(Problem(f"the order in which the steps give their facts could not be checked: "
                                f"{type(exc).__name__}"))
    return problems
