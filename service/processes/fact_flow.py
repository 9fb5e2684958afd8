"""Which facts a case can hold when it reaches each step of a process, worked out from the diagram alone.

The flow graph is walked from the start events: sequence flows; a boundary event sees what was known
when its task started (not the task's own answers); an embedded subprocess starts with what its
activity was given and ends with what any of its ends holds; an event subprocess can start at any point
of its scope (a non-interrupting one's facts may then be known anywhere in that scope); a call activity
enters the process it calls. A step reached again (a loop) sees what the earlier round set.

A fact is given by a user task (its form's fields), a script (the names it sets), a business rule task
(its decision's outputs) or a message event (its variable); every case starts with the process's
``initial.<name>`` values and what the case start puts in.

For each element this keeps the facts *possibly* known (some path from a start gave them before it) and
those *certainly* known (every path did).
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from lxml import etree

from service.engine.lint import BPMN_NS, DMN_NAMESPACES, SPIFF_NS
from service.engine.names import assigned
from service.engine.specs import FORM_PROPERTY, INITIAL_PREFIX

from .known_names import CASE_START_FACTS, form_fields

FORMS_PREFIX = "forms/"
_FLOW_NODES = frozenset({
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
    "businessRuleTask", "callActivity", "subProcess", "transaction", "adHocSubProcess",
    "exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway",
})
_SCOPES = frozenset({"subProcess", "transaction", "adHocSubProcess"})

ANSWERED, SET, DECIDED, RECEIVED = "answered", "set", "decided", "received"


def _local(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) and tag.startswith(f"{{{BPMN_NS}}}") else ""


@dataclass
class Step:
    """One element of the flow graph: what it gives, and where what it knows comes from."""

    key: str
    element_id: str
    name: str
    kind: str
    gives: dict[str, str] = field(default_factory=dict)  # fact -> how (answered, set, decided, received)
    after: list[str] = field(default_factory=list)  # steps whose facts on leaving flow into this one
    during: list[str] = field(default_factory=list)  # steps whose facts on arriving flow into this one
    maybe: list[str] = field(default_factory=list)  # steps after which an event subprocess may start
    ends: list[str] = field(default_factory=list)  # inner steps whose facts on leaving this one holds too
    inner: list[str] = field(default_factory=list)  # every step inside a subprocess, at any depth
    also: set[str] = field(default_factory=set)  # facts a non-interrupting event subprocess may have given
    start: bool = False  # a start of the process: holds what every case starts with
    decision: str = ""  # the decision a business rule task calls

    @property
    def label(self) -> str:
        return f"'{self.name}' ({self.element_id})" if self.name else self.element_id


@dataclass
class FactFlow:
    """The facts known at each step (keyed by file and element id) of a set of process files."""

    steps: dict[str, Step]
    starting: frozenset[str]
    possible: dict[str, frozenset[str]]  # on arriving; a step missing here is never reached
    certain: dict[str, frozenset[str]]

    def step(self, file: str, element_id: str) -> Step | None:
        return self.steps.get(key(file, element_id))

    def givers(self, fact: str) -> list[Step]:
        """The steps that give a fact, in the order the diagram lists them."""
        return [step for step in self.steps.values() if fact in step.gives]

    def reached(self, step: Step) -> bool:
        return step.key in self.possible

    def unplaced(self) -> frozenset[str]:
        """Facts given only by steps no path from a start reaches: when they are known cannot be told."""
        placed = {fact for step in self.steps.values() if self.reached(step) for fact in step.gives}
        return frozenset(fact for step in self.steps.values() for fact in step.gives if fact not in placed)


def key(file: str, element_id: str) -> str:
    return f"{file}#{element_id}"


def _properties(element: etree._Element) -> dict[str, str]:
    extensions = element.find(f"{{{BPMN_NS}}}extensionElements")
    if extensions is None:
        return {}
    return {prop.get("name", ""): prop.get("value", "") for prop in extensions.iter(f"{{{SPIFF_NS}}}property")}


def _form(files: Mapping[str, str], name: str) -> object:
    try:
        return json.loads(files.get(FORMS_PREFIX + name, "null"))
    except (ValueError, RecursionError):
        return None  # the form checks report it


def decision_outputs(dmn_roots: Iterable[etree._Element]) -> dict[str, set[str]]:
    """Each decision's id with the names of its outputs."""
    outputs: dict[str, set[str]] = {}
    for root in dmn_roots:
        for ns in DMN_NAMESPACES:
            for decision in root.iter(f"{{{ns}}}decision"):
                names = {output.get("name", "") for output in decision.iter(f"{{{ns}}}output")} - {""}
                outputs.setdefault(decision.get("id", ""), set()).update(names)
    return outputs


def _own_parts(element: etree._Element) -> Iterable[etree._Element]:
    """The element's own children and event definitions, not the steps inside a subprocess."""
    for child in element:
        if _local(child) not in _FLOW_NODES and _local(child) != "sequenceFlow":
            yield child


def _gives(element: etree._Element, forms: Callable[[str], frozenset[str]],
           decisions: Mapping[str, set[str]]) -> dict[str, str]:
    gives: dict[str, str] = {}
    kind = _local(element)
    if kind == "userTask":
        form = _properties(element).get(FORM_PROPERTY)
        if form:
            gives.update(dict.fromkeys(forms(form), ANSWERED))
    if kind == "businessRuleTask":
        for called in element.iter(f"{{{SPIFF_NS}}}calledDecisionId"):
            gives.update(dict.fromkeys(decisions.get((called.text or "").strip(), ()), DECIDED))
    for part in _own_parts(element):
        for script in part.iter(f"{{{BPMN_NS}}}script", f"{{{SPIFF_NS}}}preScript", f"{{{SPIFF_NS}}}postScript"):
            gives.update(dict.fromkeys(assigned(script.text or ""), SET))
        for variable in part.iter(f"{{{SPIFF_NS}}}messageVariable"):
            if variable.text and variable.text.strip():
                gives[variable.text.strip()] = RECEIVED
    return gives


class _Builder:
    def __init__(self, files: Mapping[str, str], decisions: Mapping[str, set[str]]) -> None:
        self.files, self.decisions = files, decisions
        self.steps: dict[str, Step] = {}
        self.order: list[str] = []  # the steps' keys in the order they were added
        self.processes: dict[str, tuple[list[str], list[str]]] = {}  # process id -> (starts, ends)
        self.calls: list[tuple[str, str]] = []  # (call activity, called process id)
        self.fields: dict[str, frozenset[str]] = {}  # a form's file name -> its fields, read once

    def form_fields(self, name: str) -> frozenset[str]:
        if name not in self.fields:
            self.fields[name] = frozenset(form_fields(_form(self.files, name)))
        return self.fields[name]

    def process(self, process: etree._Element, file: str) -> None:
        starts, ends = self.scope(process, file, None)
        self.processes.setdefault(process.get("id", ""), (starts, ends))

    def scope(self, container: etree._Element, file: str, owner: Step | None) -> tuple[list[str], list[str]]:
        """Add the steps and flows of a process or subprocess; return its starts and its ends."""
        here: list[Step] = []
        elements: dict[str, etree._Element] = {}
        for child in container:
            kind = _local(child)
            if kind in _FLOW_NODES and child.get("id"):
                step = Step(key(file, child.get("id", "")), child.get("id", ""), (child.get("name") or "").strip(),
                            kind, _gives(child, self.form_fields, self.decisions))
                self.steps[step.key] = step
                self.order.append(step.key)
                here.append(step)
                elements[step.key] = child
                if kind == "businessRuleTask":
                    step.decision = (child.findtext(f".//{{{SPIFF_NS}}}calledDecisionId") or "").strip()
                if kind in _SCOPES:
                    before = len(self.order)
                    inner_starts, inner_ends = self.scope(child, file, step)
                    step.inner = self.order[before:]
                    step.ends.extend(inner_ends)
                    for start in inner_starts:
                        self.steps[start].during.append(step.key)
                elif kind == "callActivity" and child.get("calledElement"):
                    self.calls.append((step.key, child.get("calledElement", "")))
        leaving: set[str] = set()
        for flow in container:
            if _local(flow) != "sequenceFlow" or not flow.get("id"):
                continue
            step = Step(key(file, flow.get("id", "")), flow.get("id", ""), (flow.get("name") or "").strip(),
                        "sequenceFlow")
            source, target = key(file, flow.get("sourceRef", "")), key(file, flow.get("targetRef", ""))
            step.after.append(source)
            leaving.add(source)
            self.steps[step.key] = step
            self.order.append(step.key)
            if target in self.steps:
                self.steps[target].after.append(step.key)
        triggered = {step.key for step in here
                     if step.kind in _SCOPES and elements[step.key].get("triggeredByEvent") == "true"}
        regular = [step for step in here if step.key not in triggered]
        for step in here:
            if step.kind == "boundaryEvent":
                step.during.append(key(file, elements[step.key].get("attachedToRef", "")))
        starts = [step.key for step in regular if step.kind == "startEvent"]
        if owner is None:
            for start in starts:
                self.steps[start].start = True
        for step in here:
            if step.key not in triggered:
                continue
            # an event subprocess may start at any point of its scope, from its very beginning
            step.during.extend(starts if owner is None else [owner.key])
            if owner is None:
                step.start = True
            step.maybe.extend(other.key for other in regular)
            if _interrupting(elements[step.key]):
                if owner is not None:
                    owner.ends.append(step.key)
            else:
                given = set(step.gives).union(*(self.steps[k].gives for k in step.inner))
                for other in regular:
                    other.also |= given
        ends = [step.key for step in regular if step.key not in leaving]
        return starts, ends

    def link_calls(self) -> None:
        for call, process_id in self.calls:
            starts, ends = self.processes.get(process_id, ([], []))
            for start in starts:
                self.steps[start].during.append(call)
                self.steps[start].start = False
            self.steps[call].ends.extend(ends)


def _interrupting(element: etree._Element) -> bool:
    starts = [child for child in element if _local(child) == "startEvent"]
    return all(start.get("isInterrupting", "true") != "false" for start in starts)


def starting_facts(bpmn_roots: Iterable[etree._Element]) -> frozenset[str]:
    """What every case starts with: the case start's answers and the processes' ``initial.<name>`` values."""
    facts = set(CASE_START_FACTS)
    for root in bpmn_roots:
        for process in root.iter(f"{{{BPMN_NS}}}process"):
            facts.update(name[len(INITIAL_PREFIX):] for name in _properties(process) if name.startswith(INITIAL_PREFIX))
    return frozenset(facts)


def _dependents(steps: Mapping[str, Step]) -> dict[str, list[str]]:
    """For each step, the steps whose facts are worked out from its own."""
    found: dict[str, list[str]] = {}
    for step in steps.values():
        for source in (*step.after, *step.maybe, *step.during, *step.ends):
            found.setdefault(source, []).append(step.key)
    return found


def _settle(steps: Mapping[str, Step], work: Callable[[Step], bool]) -> None:
    """Work out each step again whenever a step it depends on changed, until nothing changes: the sets only
    grow (or, for what is certain, only shrink), so this ends."""
    dependents = _dependents(steps)
    queue, queued = deque(steps), set(steps)
    while queue:
        step = steps[queue.popleft()]
        queued.discard(step.key)
        if work(step):
            for other in dependents.get(step.key, ()):
                if other not in queued:
                    queued.add(other)
                    queue.append(other)


def _possible(steps: Mapping[str, Step], starting: frozenset[str]) -> dict[str, frozenset[str]]:
    arriving: dict[str, frozenset[str]] = {}
    leaving: dict[str, frozenset[str]] = {}

    def work(step: Step) -> bool:
        sources = [leaving[k] for k in (*step.after, *step.maybe) if k in leaving]
        sources += [arriving[k] for k in step.during if k in arriving]
        if not sources and not step.start:
            return False
        now = frozenset(starting if step.start else ()).union(*sources, step.also)
        out = now.union(step.gives, *(leaving[k] for k in step.ends if k in leaving))
        if arriving.get(step.key) == now and leaving.get(step.key) == out:
            return False
        arriving[step.key], leaving[step.key] = now, out
        return True

    _settle(steps, work)
    return arriving


def _certain(steps: Mapping[str, Step], starting: frozenset[str],
             reached: Mapping[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    everything = frozenset(fact for step in steps.values() for fact in step.gives) | starting
    arriving = {k: (starting if steps[k].start else everything) for k in reached}
    leaving = dict(arriving)

    def work(step: Step) -> bool:
        if step.key not in reached:
            return False
        sources = [leaving[s] for s in step.after if s in leaving]
        sources += [arriving[s] for s in step.during if s in arriving]
        now = starting if step.start else everything
        for source in sources:
            now = now & source
        if not sources and not step.start:
            now = frozenset()
        ends = [leaving[s] for s in step.ends if s in leaving]
        out = now | frozenset(step.gives) | (frozenset.intersection(*ends) if ends else frozenset())
        if arriving[step.key] == now and leaving[step.key] == out:
            return False
        arriving[step.key], leaving[step.key] = now, out
        return True

    _settle(steps, work)
    return arriving


def fact_flow(files: Mapping[str, str], bpmn: Mapping[str, etree._Element],
              dmn: Iterable[etree._Element]) -> FactFlow:
    """The facts possibly and certainly known on arriving at each step of the diagrams ``bpmn`` (file -> root)."""
    builder = _Builder(files, decision_outputs(dmn))
    for file, root in bpmn.items():
        for process in root.iter(f"{{{BPMN_NS}}}process"):
            builder.process(process, file)
    builder.link_calls()
    starting = starting_facts(bpmn.values())
    possible = _possible(builder.steps, starting)
    return FactFlow(builder.steps, starting, possible, _certain(builder.steps, starting, possible))
