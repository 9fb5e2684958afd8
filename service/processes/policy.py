"""The policy a diagram must keep, whoever edits it: checked on the flow graph, not by running it.

No BPMN tool knows these rules; they come from the guidance:
- every path from every start to every end passes the record step;
- every path that reaches a transmission passes the lawful-basis decision and the proportionality
  step before it;
- side branches (non-interrupting timers: reminders, escalations) never send anything;
- every manager and DSL task has an escalation timer;
- every user task sits in a lane whose role can work it, and has a form.

Steps are recognised by the ``policyStep`` property process owners see on each element, so a
renamed or moved element keeps its meaning. Paths are counted with each sequence flow taken at
most twice, so every loop is walked (and walked again) and the enumeration ends.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from service.actors import role_for_lane
from service.engine import Problem

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
RECORD, LAWFUL_BASIS, PROPORTIONALITY, TRANSMISSION = "record", "lawful_basis", "proportionality", "transmission"
SENDING_STEPS = (TRANSMISSION, "emergency_share")
TASK_ROLES = frozenset({"practitioner", "manager", "dsl"})
ESCALATING_ROLES = frozenset({"manager", "dsl"})
FLOW_NODE_TAGS = frozenset({
    "startEvent", "endEvent", "intermediateThrowEvent", "intermediateCatchEvent", "boundaryEvent", "task",
    "userTask", "manualTask", "serviceTask", "scriptTask", "businessRuleTask", "sendTask", "receiveTask",
    "subProcess", "callActivity", "exclusiveGateway", "inclusiveGateway", "parallelGateway",
    "eventBasedGateway", "complexGateway",
})


@dataclass(frozen=True)
class FlowNode:
    id: str
    kind: str
    name: str
    step: str | None
    lane: str | None
    attached_to: str | None = None
    interrupting: bool = True
    timer: bool = False
    form: str | None = None


@dataclass
class FlowGraph:
    """The process's flow nodes and where a token can go next from each."""

    nodes: dict[str, FlowNode] = field(default_factory=dict)
    successors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def starts(self) -> list[str]:
        return [n.id for n in self.nodes.values() if n.kind == "startEvent"]

    @property
    def side_starts(self) -> list[str]:
        """Non-interrupting boundary events: each starts a side branch beside the main path."""
        return [n.id for n in self.nodes.values() if n.kind == "boundaryEvent" and not n.interrupting]

    def is_end(self, node_id: str) -> bool:
        """An end event, or any other node a token cannot leave (the process ends there too)."""
        node = self.nodes[node_id]
        return node.kind == "endEvent" or (node.kind != "boundaryEvent" and not self.successors.get(node_id))

    def with_step(self, *steps: str) -> set[str]:
        return {n.id for n in self.nodes.values() if n.step in steps}


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _properties(element: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    extensions = element.find(f"{{{BPMN}}}extensionElements")
    if extensions is not None:
        for prop in extensions.iter(f"{{{SPIFF}}}property"):
            found[prop.get("name", "")] = prop.get("value", "")
    return found


def _executable_process(root: etree._Element) -> etree._Element:
    processes = [p for p in root.iter(f"{{{BPMN}}}process") if p.get("isExecutable", "true").lower() == "true"]
    if len(processes) != 1:
        raise ValueError(f"expected exactly one executable process, found {len(processes)}")
    return processes[0]


def flow_graph(root: etree._Element) -> FlowGraph:
    """The main process's flow graph; a sub-process counts as one step."""
    process = _executable_process(root)
    lanes: dict[str, str | None] = {ref.text: lane.get("name") for lane in process.iter(f"{{{BPMN}}}lane")
             for ref in lane.findall(f"{{{BPMN}}}flowNodeRef") if ref.text}
    graph = FlowGraph()
    for element in process:
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        kind = _local(element)
        if kind not in FLOW_NODE_TAGS:
            continue
        props = _properties(element)
        element_id = element.get("id", "")
        node = FlowNode(
            id=element_id,
            kind=kind,
            name=element.get("name") or element_id,
            step=props.get("policyStep"),
            lane=lanes.get(element_id),
            attached_to=element.get("attachedToRef"),
            interrupting=element.get("cancelActivity", "true").lower() != "false",
            timer=element.find(f"{{{BPMN}}}timerEventDefinition") is not None,
            form=props.get("formJsonSchemaFilename"),
        )
        graph.nodes[node.id] = node
        graph.successors.setdefault(node.id, [])
    for flow in process.iter(f"{{{BPMN}}}sequenceFlow"):
        if flow.getparent() is process:
            graph.successors.setdefault(flow.get("sourceRef", ""), []).append(flow.get("targetRef", ""))
    for node in graph.nodes.values():
        # A token on an activity leaves by an interrupting boundary event as well as by its own flows.
        if node.kind == "boundaryEvent" and node.attached_to and node.interrupting:
            graph.successors.setdefault(node.attached_to, []).append(node.id)
    return graph


def enumerate_paths(graph: FlowGraph, starts: Iterable[str] | None = None, *, passes: int = 2,
                    limit: int = 500_000) -> list[tuple[str, ...]]:
    """Every path from the given starts (default: the start events) to a node with no way on.

    Each sequence flow is taken at most ``passes`` times per path, so every loop is walked and
    walked again (a second pass re-uses the steps the first pass shared), and the walk ends.
    Raises ValueError past ``limit`` paths.
    """
    paths: list[tuple[str, ...]] = []
    for start in starts if starts is not None else graph.starts:
        stack: list[tuple[tuple[str, ...], dict[tuple[str, str], int]]] = [((start,), {})]
        while stack:
            path, used = stack.pop()
            node = path[-1]
            if not graph.successors.get(node):
                paths.append(path)
                if len(paths) > limit:
                    raise ValueError(f"more than {limit} paths: simplify the diagram")
                continue
            for nxt in graph.successors[node]:
                edge = (node, nxt)
                if used.get(edge, 0) < passes:
                    stack.append(((*path, nxt), {**used, edge: used.get(edge, 0) + 1}))
    return paths


def _reachable(graph: FlowGraph, starts: Iterable[str], avoiding: set[str]) -> dict[str, str | None]:
    """Nodes reachable from ``starts`` without passing ``avoiding``, each with the node it was reached from."""
    came_from: dict[str, str | None] = {s: None for s in starts if s not in avoiding}
    queue = deque(came_from)
    while queue:
        node = queue.popleft()
        for nxt in graph.successors.get(node, []):
            if nxt not in came_from and nxt not in avoiding:
                came_from[nxt] = node
                queue.append(nxt)
    return came_from


def _named(graph: FlowGraph, node_id: str) -> str:
    """An element as a process owner knows it: its name, with its id in brackets ('Send securely' (send_securely))."""
    node = graph.nodes.get(node_id)
    return f"'{node.name}' ({node_id})" if node is not None and node.name and node.name != node_id else node_id


def _route(came_from: dict[str, str | None], end: str, graph: FlowGraph) -> str:
    route: list[str] = []
    node: str | None = end
    while node is not None:
        route.append(_named(graph, node))
        node = came_from[node]
    return " → ".join(reversed(route))


def _path_problems(graph: FlowGraph) -> Iterator[Problem]:
    records = graph.with_step(RECORD)
    if not records:
        yield Problem("no step is marked as the record step (policyStep = record)")
    escaped = _reachable(graph, graph.starts, avoiding=records)
    for node_id in escaped:
        if node_id in graph.nodes and graph.is_end(node_id):
            yield Problem(f"a path ends without passing the record step: {_route(escaped, node_id, graph)}", node_id)
    for step, label in ((LAWFUL_BASIS, "lawful-basis decision"), (PROPORTIONALITY, "proportionality step")):
        before = _reachable(graph, graph.starts, avoiding=graph.with_step(step))
        for node_id in graph.with_step(TRANSMISSION) & before.keys():
            yield Problem(f"information can be sent without the {label}: {_route(before, node_id, graph)}", node_id)
    side = _reachable(graph, graph.side_starts, avoiding=set())
    for node_id in graph.with_step(*SENDING_STEPS) & side.keys():
        yield Problem(f"a reminder or escalation branch reaches a sending step: {_route(side, node_id, graph)}",
                      node_id)


def _task_problems(graph: FlowGraph) -> Iterator[Problem]:
    timed_hosts = {n.attached_to for n in graph.nodes.values() if n.kind == "boundaryEvent" and n.timer}
    for node in graph.nodes.values():
        if node.kind != "userTask":
            continue
        role = role_for_lane(node.lane)
        if node.lane is None or role not in TASK_ROLES:
            yield Problem(f"Step {_named(graph, node.id)} is in lane {node.lane!r}, which no role works "
                          f"(use one of {', '.join(sorted(TASK_ROLES))})", node.id)
        if not node.form:
            yield Problem(f"Step {_named(graph, node.id)} has no form", node.id)
        if role in ESCALATING_ROLES and node.id not in timed_hosts:
            yield Problem(f"Step {_named(graph, node.id)} is a {role} task without an escalation timer", node.id)


def check_policy(root: etree._Element) -> list[Problem]:
    """Every way the diagram breaks the policy, each naming the element concerned."""
    try:
        graph = flow_graph(root)
    except ValueError as exc:
        return [Problem(str(exc))]
    return [*_path_problems(graph), *_task_problems(graph)]
