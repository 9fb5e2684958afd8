"""Turn uploaded diagram files into executable specs, once per content hash."""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser

from .errors import DiagramRejected, Problem
from .lint import lint_bpmn, lint_dmn
from .xml import DEFAULT_MAX_BYTES, parse_xml

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
FORM_PROPERTY = "formJsonSchemaFilename"
POLICY_STEP_PROPERTY = "policyStep"
INITIAL_PREFIX = "initial."


@dataclass(frozen=True)
class UserTaskInfo:
    """What the service needs to know about a user task without touching the engine."""

    element_id: str
    name: str
    lane: str | None
    form: str | None
    policy_step: str | None = None
    # Who is told when the task opens (its assignee's role, e.g. "practitioner"), if anyone.
    notify: str | None = None


@dataclass(frozen=True)
class CompiledProcess:
    """A parsed, linted, executable process: shared by every case of one version."""

    content_hash: str
    process_id: str
    spec: Any
    subprocess_specs: dict[str, Any]
    user_tasks: dict[str, UserTaskInfo] = field(default_factory=dict)
    # Starting values of the case facts, declared on the process as ``initial.<name>`` properties.
    initial_data: dict[str, Any] = field(default_factory=dict)


def content_hash(files: Mapping[str, str | bytes]) -> str:
    """A stable hash of a set of named files (names and bytes)."""
    digest = hashlib.sha256()
    for name in sorted(files):
        raw = files[name]
        data = raw.encode("utf-8") if isinstance(raw, str) else raw
        digest.update(name.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()


def _executable_process_id(roots: Mapping[str, etree._Element]) -> str:
    ids = [
        proc.get("id", "")
        for root in roots.values()
        for proc in root.iter(f"{{{BPMN_NS}}}process")
        if proc.get("isExecutable", "true").lower() == "true"
    ]
    if len(ids) != 1:
        raise DiagramRejected([Problem(f"expected exactly one executable process, found {len(ids)}")])
    return ids[0]


def _validation_problem(exc: ValidationException, name: str) -> Problem:
    element_id = getattr(exc, "id", None) or None
    message = str(exc).splitlines()[0] if str(exc) else "invalid diagram"
    return Problem(message, element_id=element_id, file=getattr(exc, "file_name", None) or name)


def _user_tasks(spec: Any) -> dict[str, UserTaskInfo]:
    tasks: dict[str, UserTaskInfo] = {}
    for task_spec in spec.task_specs.values():
        if not getattr(task_spec, "manual", False):
            continue
        properties = getattr(task_spec, "extensions", {}).get("properties", {})
        tasks[task_spec.bpmn_id] = UserTaskInfo(
            element_id=task_spec.bpmn_id,
            name=task_spec.bpmn_name or task_spec.bpmn_id,
            lane=task_spec.lane,
            form=properties.get(FORM_PROPERTY),
            policy_step=properties.get(POLICY_STEP_PROPERTY),
            notify=properties.get("notify"),
        )
    return tasks


def _initial_data(roots: Mapping[str, etree._Element], process_id: str) -> dict[str, Any]:
    """The ``initial.<name>`` properties of the process, each value a JSON literal."""
    values: dict[str, Any] = {}
    problems = []
    for root in roots.values():
        for process in root.iter(f"{{{BPMN_NS}}}process"):
            if process.get("id") != process_id:
                continue
            extensions = process.find(f"{{{BPMN_NS}}}extensionElements")
            if extensions is None:
                continue
            for prop in extensions.iter(f"{{{SPIFF_NS}}}property"):
                name = prop.get("name", "")
                if not name.startswith(INITIAL_PREFIX):
                    continue
                key = name[len(INITIAL_PREFIX):]
                try:
                    values[key] = json.loads(prop.get("value", ""))
                except json.JSONDecodeError:
                    problems.append(Problem(f"starting value of {key!r} is not a JSON literal", element_id=process_id))
                if not key.isidentifier():
                    problems.append(Problem(f"{key!r} is not a valid fact name", element_id=process_id))
    if problems:
        raise DiagramRejected(problems)
    return values


def _one_decision_each(root: etree._Element) -> list[etree._Element]:
    """Split a DMN document holding several decisions into one document per decision.

    SpiffWorkflow's DMN parser reads only documents with a single decision, but a process owner's
    decision tables belong together in one file (for example all the lawful-basis outputs).
    """
    decisions = [child for child in root if etree.QName(child).localname == "decision"]
    if len(decisions) <= 1:
        return [root]
    parts = []
    for keep in decisions:
        part = copy.deepcopy(root)
        for child in list(part):
            name = etree.QName(child).localname
            if name == "DMNDI" or (name == "decision" and child.get("id") != keep.get("id")):
                part.remove(child)
        parts.append(part)
    return parts


def compile_process(
    files: Mapping[str, str | bytes], *, process_id: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> CompiledProcess:
    """Parse BPMN and DMN files safely, validate against the XSD, lint every expression, build the spec."""
    diagrams = {n: c for n, c in files.items() if n.endswith((".bpmn", ".dmn"))}
    if not any(n.endswith(".bpmn") for n in diagrams):
        raise DiagramRejected([Problem("no BPMN file was given")])
    roots = {name: parse_xml(content, name=name, max_bytes=max_bytes) for name, content in diagrams.items()}

    problems: list[Problem] = []
    for name, root in roots.items():
        lint = lint_bpmn(root) if name.endswith(".bpmn") else lint_dmn(root)
        problems.extend(Problem(p.message, element_id=p.element_id, file=name) for p in lint)

    parser = SpiffBpmnParser(validator=VALIDATOR)
    for name, root in roots.items():
        try:
            if name.endswith(".bpmn"):
                parser.add_bpmn_xml(root, name)
            else:
                for part in _one_decision_each(root):
                    parser.add_dmn_xml(part, name)
        except ValidationException as exc:
            problems.append(_validation_problem(exc, name))
        except (SpiffWorkflowException, etree.LxmlError, ValueError, KeyError) as exc:
            problems.append(Problem(f"cannot be read as a diagram: {exc}", file=name))
    if problems:
        raise DiagramRejected(problems)

    chosen = process_id or _executable_process_id({n: r for n, r in roots.items() if n.endswith(".bpmn")})
    try:
        spec = parser.get_spec(chosen)
        subprocess_specs = parser.get_subprocess_specs(chosen)
    except ValidationException as exc:
        raise DiagramRejected([_validation_problem(exc, "")]) from None
    except (SpiffWorkflowException, ValueError, KeyError) as exc:
        raise DiagramRejected([Problem(f"the process cannot be built: {exc}")]) from None
    return CompiledProcess(
        content_hash=content_hash(files),
        process_id=chosen,
        spec=spec,
        subprocess_specs=subprocess_specs,
        user_tasks=_user_tasks(spec),
        initial_data=_initial_data(roots, chosen),
    )


class SpecCache:
    """Bounded, thread-safe cache of compiled processes keyed by content hash."""

    def __init__(self, capacity: int = 64) -> None:
        self._capacity = capacity
        self._items: OrderedDict[str, CompiledProcess] = OrderedDict()
        self._lock = threading.Lock()
        self.compilations = 0

    def get(self, key: str, load_files: Callable[[], Mapping[str, str | bytes]]) -> CompiledProcess:
        """Return the compiled process for ``key``, compiling from ``load_files()`` on a miss."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        compiled = compile_process(load_files())
        with self._lock:
            self.compilations += 1
            self._items[key] = compiled
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)
        return compiled


SPEC_CACHE = SpecCache()
