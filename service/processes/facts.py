"""The case facts a process's conditions and decision tables may read, described for the people who
write them: each fact's name, its question in words, what kind of answer it holds (yes/no, one of a set
of choices with their words, a date, a number, text) and which steps give it.

The names are the ones ``fact_check.known_facts`` accepts; this adds what the modeler needs to offer a
fact in words rather than as a Python name. Facts inside lists (a subject's role, an item's summary) are
left out: a condition cannot name them on their own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from service.engine.lint import BPMN_NS, DMN_NAMESPACES, SPIFF_NS
from service.engine.names import assigned
from service.engine.specs import INITIAL_PREFIX

from .fact_check import _SCRIPTS, FORMS_PREFIX, _documents
from .known_names import CASE_START_FACTS

YES_NO, CHOICE, TEXT, DATE, NUMBER, OTHER = "yes/no", "choice", "text", "date", "number", "other"
_STARTED = "when the case is started"

# The answers given when a case is opened, in the words of the page that asks them (new_case.html).
_START: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "direction": ("How did it start?", CHOICE, [
        ("outbound_concern", "A concern raised by the practitioner"),
        ("inbound_request", "A request for information")]),
    "urgency": ("How urgent is it?", CHOICE, [
        ("emergency", "Emergency: a child is in immediate danger"), ("same_day", "Today"), ("routine", "Routine")]),
    "immediate_danger": ("Is a child in immediate danger?", YES_NO, []),
    "started_by": ("Who started the case", TEXT, []),
    "public_authority": ("Is the organisation a public authority?", YES_NO, []),
}


@dataclass
class Fact:
    name: str
    label: str
    type: str
    options: list[dict[str, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "type": self.type, "options": self.options,
                "from": self.sources}


def _choices(schema: Mapping[str, Any]) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for option in schema.get("oneOf") or []:
        if isinstance(option, dict) and isinstance(option.get("const"), str):
            found.append({"value": option["const"], "words": str(option.get("title") or option["const"])})
    for value in schema.get("enum") or []:
        if isinstance(value, str):
            found.append({"value": value, "words": value})
    return found


def _kind(schema: Mapping[str, Any]) -> str:
    types = schema.get("type")
    named = {types} if isinstance(types, str) else set(types) if isinstance(types, list) else set()
    named.discard("null")
    if _choices(schema):
        return CHOICE
    if named == {"boolean"}:
        return YES_NO
    if named & {"number", "integer"}:
        return NUMBER
    if named == {"string"}:
        return DATE if schema.get("format") in ("date", "date-time") else TEXT
    return OTHER


def _form_steps(files: Mapping[str, str]) -> dict[str, list[str]]:
    """Each form's file name (as the diagram names it) with the names of the steps that show it."""
    steps: dict[str, list[str]] = {}
    for _, root in _documents(files, ".bpmn"):
        for task in root.iter(f"{{{BPMN_NS}}}userTask"):
            for prop in task.iter(f"{{{SPIFF_NS}}}property"):
                if prop.get("name") == "formJsonSchemaFilename" and prop.get("value"):
                    name = (task.get("name") or task.get("id") or "").strip()
                    steps.setdefault(prop.get("value", ""), []).append(name)
    return steps


def _add(found: dict[str, Fact], fact: Fact) -> None:
    """Keep the first words for a fact; a later source adds its step and any choices not yet known."""
    known = found.get(fact.name)
    if known is None:
        found[fact.name] = fact
        return
    if known.type in (TEXT, OTHER) and fact.type not in (TEXT, OTHER):
        known.type, known.label = fact.type, fact.label
    values = {option["value"] for option in known.options}
    known.options.extend(option for option in fact.options if option["value"] not in values)
    if known.options and known.type in (TEXT, OTHER):
        known.type = CHOICE
    known.sources.extend(source for source in fact.sources if source not in known.sources)


def _initial_kind(text: str) -> str:
    try:
        value = json.loads(text)
    except ValueError:
        return OTHER
    if isinstance(value, bool):
        return YES_NO
    if isinstance(value, int | float):
        return NUMBER
    return TEXT if isinstance(value, str) else OTHER


def _output_kind(output: etree._Element, entries: list[str]) -> tuple[str, list[dict[str, str]]]:
    ns = etree.QName(output).namespace
    allowed = output.findtext(f"{{{ns}}}outputValues/{{{ns}}}text") or ""
    options: list[dict[str, str]] = []
    for part in allowed.split(","):
        value = part.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            options.append({"value": value[1:-1], "words": value[1:-1]})
    if options:
        return CHOICE, options
    if (output.get("typeRef") or "").lower() == "boolean" or (
            entries and all(entry in ("True", "False") for entry in entries)):
        return YES_NO, []
    return TEXT, []


def _decision_facts(root: etree._Element, found: dict[str, Fact]) -> None:
    for ns in DMN_NAMESPACES:
        for decision in root.iter(f"{{{ns}}}decision"):
            where = f"decision table '{(decision.get('name') or decision.get('id') or '').strip()}'"
            for table in decision.iter(f"{{{ns}}}decisionTable"):
                outputs = table.findall(f"{{{ns}}}output")
                for index, output in enumerate(outputs):
                    name = output.get("name") or ""
                    if not name:
                        continue
                    entries = [(rule.findall(f"{{{ns}}}outputEntry")[index].findtext(f"{{{ns}}}text") or "").strip()
                               for rule in table.findall(f"{{{ns}}}rule")
                               if len(rule.findall(f"{{{ns}}}outputEntry")) > index]
                    kind, options = _output_kind(output, entries)
                    _add(found, Fact(name, (output.get("label") or name).strip(), kind, options, [where]))


def process_facts(files: Mapping[str, str]) -> list[Fact]:
    """The facts of a draft or version (its file map), sorted by their words."""
    found: dict[str, Fact] = {}
    for name, (label, kind, options) in _START.items():
        if name in CASE_START_FACTS:
            _add(found, Fact(name, label, kind, [{"value": v, "words": w} for v, w in options], [_STARTED]))
    steps = _form_steps(files)
    for file in sorted(files):
        if not (file.startswith(FORMS_PREFIX) and file.endswith(".json")):
            continue
        try:
            schema = json.loads(files[file])
        except (ValueError, RecursionError):
            continue
        properties = schema.get("properties") if isinstance(schema, dict) else None
        short = file.removeprefix(FORMS_PREFIX)
        sources = [f"step '{step}'" for step in steps.get(short, [])] or [f"form {short}"]
        for name, field_schema in (properties or {}).items():
            if isinstance(name, str) and isinstance(field_schema, dict):
                label = str(field_schema.get("title") or name)
                _add(found, Fact(name, label, _kind(field_schema), _choices(field_schema), list(sources)))
    for _, root in _documents(files, ".dmn"):
        _decision_facts(root, found)
    for _, root in _documents(files, ".bpmn"):
        for prop in root.iter(f"{{{SPIFF_NS}}}property"):
            prop_name = prop.get("name", "")
            if prop_name.startswith(INITIAL_PREFIX):
                fact = prop_name[len(INITIAL_PREFIX):]
                _add(found, Fact(fact, fact.replace("_", " "), _initial_kind(prop.get("value", "")), [],
                                 ["a starting value of the process"]))
        for element in root.iter(*_SCRIPTS):
            for fact in sorted(assigned(element.text or "")):
                _add(found, Fact(fact, fact.replace("_", " "), OTHER, [], ["an automatic step"]))
    return sorted((fact for fact in found.values() if fact.type != OTHER), key=lambda f: f.label.lower())
