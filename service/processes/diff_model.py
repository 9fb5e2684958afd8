"""Two versions of a process read as models of their elements, and compared: which elements and files were
added, changed and removed, and which steps of a running case the change touches. ``diff`` describes a
comparison in plain words for an approver (``diff_entries``, ``diff_values``, ``form_diff``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from service.engine import DiagramRejected
from service.engine.xml import parse_xml

from .policy import BPMN, FLOW_NODE_TAGS, SPIFF, _local

FORMS_PREFIX = "forms/"
FORM_PROPERTY = "formJsonSchemaFilename"
_FLOW_NODES = FLOW_NODE_TAGS | {"adHocSubProcess", "transaction"}
# The last segment of the layout namespaces: BPMN DI, DD DC/DI, DMN DMNDI/DC/DI.
_LAYOUT_NAMESPACES = frozenset({"DI", "DC", "DMNDI"})
# Parts of their owner even when they carry an id.
_PART_TAGS = frozenset({
    "documentation", "extensionElements", "conditionExpression", "timeDate", "timeDuration", "timeCycle",
    "script", "multiInstanceLoopCharacteristics", "standardLoopCharacteristics", "loopCardinality",
    "completionCondition", "decisionTable", "inputExpression", "inputEntry", "outputEntry", "text", "description",
})
_NAME_CHARS = 120

Key = tuple[str, str]  # (diagram kind "bpmn" | "dmn", element id)


@dataclass
class VersionDiff:
    """Elements, form questions and files added, changed and removed between two versions; each entry
    is ``{"id", "type", "name", ...}`` with ``type`` the element's tag (``userTask``, ``sequenceFlow``,
    ``boundaryEvent``, ``lane``, ``decision``, ``rule``...), ``question``, ``form`` or ``file``, and its
    values before and after (see ``diff_entries``)."""

    added: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def as_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {"added": self.added, "changed": self.changed, "removed": self.removed}


@dataclass(frozen=True)
class _Element:
    id: str
    type: str
    name: str | None
    signature: tuple[Any, ...]

    def entry(self) -> dict[str, str | None]:
        return {"id": self.id, "type": self.type, "name": self.name}


@dataclass
class ProcessModel:
    """One version's files, read for comparison."""

    elements: dict[Key, _Element] = field(default_factory=dict)
    xml: dict[Key, etree._Element] = field(default_factory=dict)
    # Files compared whole: forms, and any diagram that cannot be read.
    whole: dict[str, str] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    # BPMN element id -> the flow node it belongs to (a flow node belongs to itself).
    owner: dict[str, str] = field(default_factory=dict)
    flow_ends: dict[str, tuple[str, str]] = field(default_factory=dict)
    attached_to: dict[str, str] = field(default_factory=dict)
    lanes: dict[str, tuple[str | None, frozenset[str]]] = field(default_factory=dict)
    # Element id -> flow nodes with an attribute (messageRef, errorRef...) naming it.
    referrers: dict[str, set[str]] = field(default_factory=dict)
    form_users: dict[str, set[str]] = field(default_factory=dict)
    decision_callers: dict[str, set[str]] = field(default_factory=dict)
    # DMN element id -> the decision it belongs to.
    decision_of: dict[str, str] = field(default_factory=dict)

    def event_gateway(self, node_id: str) -> str | None:
        """The event-based gateway that waits for this event on its behalf, if any."""
        for source, target in self.flow_ends.values():
            source_element = self.elements.get(("bpmn", source))
            if target == node_id and source_element is not None and source_element.type == "eventBasedGateway":
                return source
        return None


def _is_layout(element: etree._Element) -> bool:
    namespace = etree.QName(element).namespace or ""
    return namespace.rstrip("/").rsplit("/", 1)[-1] in _LAYOUT_NAMESPACES


def _is_part(element: etree._Element) -> bool:
    local = _local(element)
    return local in _PART_TAGS or local.endswith("EventDefinition")


def _elements_of(element: etree._Element) -> Iterator[etree._Element]:
    for child in element:
        if isinstance(child.tag, str) and not _is_layout(child):
            yield child


def element_parts(element: etree._Element) -> Iterator[etree._Element]:
    for child in _elements_of(element):
        if not child.get("id") or _is_part(child):
            yield child


# Attributes with a default in the BPMN or DMN schema. Modelers leave an attribute off when it holds
# its default (bpmn-js drops cancelActivity="true", dmn-js hitPolicy="UNIQUE"): written out or left
# off, it means the same, and must not show as a change.
SCHEMA_DEFAULTS = {
    "cancelActivity": "true", "isInterrupting": "true", "parallelMultiple": "false", "isForCompensation": "false",
    "startQuantity": "1", "completionQuantity": "1", "triggeredByEvent": "false", "isSequential": "false",
    "instantiate": "false", "isClosed": "false", "processType": "None", "gatewayDirection": "Unspecified",
    "hitPolicy": "UNIQUE", "preferredOrientation": "Rule-as-Row", "isCollection": "false",
}


def _attributes(element: etree._Element) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(k), str(v)) for k, v in element.attrib.items()
                        if k != "id" and SCHEMA_DEFAULTS.get(str(k)) != str(v)))


def _part_signature(element: etree._Element) -> tuple[Any, ...]:
    return (element.tag, _attributes(element), (element.text or "").strip(),
            tuple(_part_signature(child) for child in element_parts(element)))


def _name(element: etree._Element) -> str | None:
    name = element.get("name") or element.get("label")
    if not name:
        for child in _elements_of(element):
            if _local(child) == "description" and child.text and child.text.strip():
                name = child.text.strip()
                break
    return name[:_NAME_CHARS] if name else None


class _Reader:
    def __init__(self, model: ProcessModel, kind: str) -> None:
        self.model = model
        self.kind = kind

    def visit(self, element: etree._Element, *, parent: str | None, node: str | None, decision: str | None) -> None:
        local = _local(element)
        element_id = element.get("id") or ""
        if element_id and not _is_part(element):
            if self.kind == "bpmn" and local in _FLOW_NODES:
                node = element_id
            if self.kind == "dmn" and local == "decision":
                decision = element_id
            signature = (element.tag, parent, _attributes(element), (element.text or "").strip(),
                         tuple(_part_signature(child) for child in element_parts(element)))
            self.model.elements.setdefault((self.kind, element_id),
                                           _Element(element_id, local, _name(element), signature))
            self.model.xml.setdefault((self.kind, element_id), element)
            self._note(element, local, element_id, node, decision)
            parent = element_id
        if self.kind == "bpmn" and node:
            self._note_references(element, local, node)
        for child in _elements_of(element):
            self.visit(child, parent=parent, node=node, decision=decision)

    def _note(self, element: etree._Element, local: str, element_id: str, node: str | None,
              decision: str | None) -> None:
        model = self.model
        if self.kind == "dmn":
            if decision:
                model.decision_of[element_id] = decision
            return
        if node:
            model.owner[element_id] = node
        if local == "sequenceFlow":
            model.flow_ends[element_id] = (element.get("sourceRef", ""), element.get("targetRef", ""))
        elif local == "boundaryEvent" and element.get("attachedToRef"):
            model.attached_to[element_id] = element.get("attachedToRef", "")
        elif local == "lane":
            refs = frozenset((ref.text or "").strip() for ref in element.findall(f"{{{BPMN}}}flowNodeRef"))
            model.lanes[element_id] = (element.get("name"), refs)

    def _note_references(self, element: etree._Element, local: str, node: str) -> None:
        model = self.model
        for attribute, value in element.attrib.items():
            if attribute != "id" and (str(attribute).endswith("Ref") or attribute in ("default", "calledElement")):
                model.referrers.setdefault(str(value), set()).add(node)
        if element.tag == f"{{{SPIFF}}}calledDecisionId" and element.text:
            model.decision_callers.setdefault(element.text.strip(), set()).add(node)
        elif local == "property" and element.get("name") == FORM_PROPERTY and element.get("value"):
            model.form_users.setdefault(FORMS_PREFIX + element.get("value", ""), set()).add(node)


def read_model(files: Mapping[str, str]) -> ProcessModel:
    """Read a version's files for comparison (hardened parsing; an unreadable diagram is compared whole)."""
    model = ProcessModel()
    for name in sorted(files):
        text = files[name]
        if not name.endswith((".bpmn", ".dmn")):
            model.whole[name] = text
            continue
        try:
            root = parse_xml(text, name=name)
        except (DiagramRejected, UnicodeError, ValueError):
            model.whole[name] = text
            model.unreadable.add(name)
            continue
        reader = _Reader(model, "bpmn" if name.endswith(".bpmn") else "dmn")
        for child in _elements_of(root):
            reader.visit(child, parent=None, node=None, decision=None)
    return model


@dataclass
class Comparison:
    """Two versions side by side: the diff, and the steps of a running case the change touches."""

    old: ProcessModel
    new: ProcessModel
    added: list[Key] = field(default_factory=list)
    changed: list[Key] = field(default_factory=list)
    removed: list[Key] = field(default_factory=list)
    files_added: list[str] = field(default_factory=list)
    files_changed: list[str] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)

    @property
    def touches_everything(self) -> bool:
        """A diagram that could not be read changed: no step can be said to be untouched."""
        names = {*self.files_added, *self.files_changed, *self.files_removed}
        return bool(names & (self.old.unreadable | self.new.unreadable))

    def touched_steps(self) -> set[str]:
        """Element ids of the flow nodes the change touches (see the module's docstring)."""
        steps: set[str] = set()
        for key in self.added:
            steps |= _steps_for(self.new, key)
        for key in self.changed:
            steps |= _steps_for(self.old, key) | _steps_for(self.new, key)
        for key in self.removed:
            steps |= _steps_for(self.old, key)
        for key in [*self.added, *self.changed, *self.removed]:
            steps |= self._moved_between_lanes(key)
        for name in [*self.files_added, *self.files_changed, *self.files_removed]:
            steps |= self.old.form_users.get(name, set()) | self.new.form_users.get(name, set())
        return steps

    def _moved_between_lanes(self, key: Key) -> set[str]:
        kind, element_id = key
        if kind != "bpmn":
            return set()
        old_name, old_refs = self.old.lanes.get(element_id, (None, frozenset()))
        new_name, new_refs = self.new.lanes.get(element_id, (None, frozenset()))
        if old_name != new_name:
            # Renamed (or added, or removed): another role works every step in it.
            return set(old_refs | new_refs)
        return set(old_refs ^ new_refs)


def _steps_for(model: ProcessModel, key: Key) -> set[str]:
    kind, element_id = key
    if kind == "dmn":
        decision = model.decision_of.get(element_id)
        return set(model.decision_callers.get(decision, set())) if decision else set()
    element = model.elements[key]
    if element.type == "sequenceFlow":
        return {model.flow_ends[element_id][0]}
    if element.type == "lane":
        return set()  # see Comparison._moved_between_lanes
    owner = model.owner.get(element_id)
    if owner is None:
        # Not inside any step (a message, an error, a signal): the steps that refer to it.
        return set(model.referrers.get(element_id, set()))
    steps = {owner}
    if owner in model.attached_to:
        steps.add(model.attached_to[owner])
    gateway = model.event_gateway(owner)
    if gateway:
        steps.add(gateway)
    return steps


