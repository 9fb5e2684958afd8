"""The diagram draws cleanly: everything has a shape or an edge, nothing overlaps, flow runs left to right."""

from __future__ import annotations

from itertools import combinations, pairwise
from pathlib import Path

import pytest
from lxml import etree

from service.engine.xml import parse_xml
from service.processes.policy import flow_graph

DIAGRAM = Path(__file__).resolve().parents[2] / "workflows" / "information_sharing.bpmn"
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
Box = tuple[float, float, float, float]
CONTAINERS = {"participant", "lane"}


@pytest.fixture(scope="module")
def root() -> etree._Element:
    return parse_xml(DIAGRAM.read_bytes(), name=DIAGRAM.name)


def _box(bounds: etree._Element) -> Box:
    return tuple(float(bounds.get(k, "0")) for k in ("x", "y", "width", "height"))  # type: ignore[return-value]


def _overlap(a: Box, b: Box, margin: float = 0.0) -> bool:
    return (a[0] < b[0] + b[2] - margin and b[0] < a[0] + a[2] - margin
            and a[1] < b[1] + b[3] - margin and b[1] < a[1] + a[3] - margin)


def _plane(root: etree._Element, element_id: str) -> etree._Element:
    [plane] = root.xpath(f"//bpmndi:BPMNPlane[@bpmnElement='{element_id}']", namespaces=NS)
    return plane


def _main_plane(root: etree._Element) -> etree._Element:
    [collaboration] = root.xpath("//bpmn:collaboration", namespaces=NS)
    return _plane(root, collaboration.get("id"))


def _shapes(plane: etree._Element) -> dict[str, Box]:
    return {s.get("bpmnElement"): _box(s.find("dc:Bounds", NS)) for s in plane.findall("bpmndi:BPMNShape", NS)}


def _edges(plane: etree._Element) -> dict[str, list[tuple[float, float]]]:
    return {e.get("bpmnElement"): [(float(w.get("x")), float(w.get("y"))) for w in e.findall("di:waypoint", NS)]
            for e in plane.findall("bpmndi:BPMNEdge", NS)}


def _labels(plane: etree._Element) -> dict[str, Box]:
    found = {}
    for item in [*plane.findall("bpmndi:BPMNShape", NS), *plane.findall("bpmndi:BPMNEdge", NS)]:
        bounds = item.find("bpmndi:BPMNLabel/dc:Bounds", NS)
        if bounds is not None:
            found[item.get("bpmnElement")] = _box(bounds)
    return found


def _kind(root: etree._Element, element_id: str) -> str:
    [element] = root.xpath(f"//*[@id='{element_id}']")
    return etree.QName(element).localname


def _process(root: etree._Element) -> etree._Element:
    [process] = root.xpath("//bpmn:process[@isExecutable='true']", namespaces=NS)
    return process


def test_every_element_has_a_shape_or_an_edge(root: etree._Element) -> None:
    process = _process(root)
    plane = _main_plane(root)
    shapes, edges = _shapes(plane), _edges(plane)
    for element in process:
        kind = etree.QName(element).localname
        if kind in ("laneSet", "extensionElements", "documentation"):
            continue
        target = edges if kind in ("sequenceFlow", "association") else shapes
        assert element.get("id") in target, f"{kind} {element.get('id')} is not drawn"
    for lane in process.iter(f"{{{NS['bpmn']}}}lane"):
        assert lane.get("id") in shapes
    for sub in process.findall("bpmn:subProcess", NS):
        inner = _plane(root, sub.get("id"))
        drawn = set(_shapes(inner)) | set(_edges(inner))
        assert {child.get("id") for child in sub if etree.QName(child).localname != "extensionElements"
                and child.get("id")} <= drawn


def test_no_two_shapes_overlap(root: etree._Element) -> None:
    shapes = _shapes(_main_plane(root))
    hosts = {b.get("id"): b.get("attachedToRef") for b in root.iter(f"{{{NS['bpmn']}}}boundaryEvent")}
    clashes = []
    for (a, box_a), (b, box_b) in combinations(shapes.items(), 2):
        if {_kind(root, a), _kind(root, b)} & CONTAINERS:
            continue
        if hosts.get(a) == b or hosts.get(b) == a:
            continue
        if _overlap(box_a, box_b):
            clashes.append((a, b))
    assert clashes == []


def test_shapes_sit_inside_their_lane(root: etree._Element) -> None:
    shapes = _shapes(_main_plane(root))
    for lane in _process(root).iter(f"{{{NS['bpmn']}}}lane"):
        lx, ly, lw, lh = shapes[lane.get("id")]
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            x, y, w, h = shapes[ref.text]
            cx, cy = x + w / 2, y + h / 2
            assert lx <= cx <= lx + lw and ly <= cy <= ly + lh, f"{ref.text} is drawn outside {lane.get('name')}"


def _segments(points: list[tuple[float, float]]) -> list[Box]:
    boxes = []
    for (x1, y1), (x2, y2) in pairwise(points):
        boxes.append((min(x1, x2), min(y1, y2), abs(x2 - x1) or 0.5, abs(y2 - y1) or 0.5))
    return boxes


def test_labels_overlap_no_shape_no_other_label_and_no_line(root: etree._Element) -> None:
    plane = _main_plane(root)
    shapes, edges, labels = _shapes(plane), _edges(plane), _labels(plane)
    problems = []
    for owner, label in labels.items():
        for element, box in shapes.items():
            if element != owner and _kind(root, element) not in CONTAINERS and _overlap(label, box):
                problems.append(f"label of {owner} covers {element}")
        for other, box in labels.items():
            if other < owner and _overlap(label, box):
                problems.append(f"labels of {owner} and {other} overlap")
        for flow, points in edges.items():
            if flow != owner and any(_overlap(label, seg) for seg in _segments(points)):
                problems.append(f"label of {owner} is crossed by {flow}")
    assert problems == [], "\n".join(problems)


def test_lines_start_and_end_on_their_shapes(root: etree._Element) -> None:
    shapes, edges = _shapes(_main_plane(root)), _edges(_main_plane(root))
    for flow in _process(root).findall("bpmn:sequenceFlow", NS):
        points = edges[flow.get("id")]
        for (px, py), ref in ((points[0], "sourceRef"), (points[-1], "targetRef")):
            x, y, w, h = shapes[flow.get(ref)]
            assert x - 1 <= px <= x + w + 1 and y - 1 <= py <= y + h + 1, (flow.get("id"), ref)
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in pairwise(points)), \
            f"{flow.get('id')} has a slanted segment"


def test_flow_runs_left_to_right_except_loops_back(root: etree._Element) -> None:
    shapes = _shapes(_main_plane(root))
    graph = flow_graph(root)

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(graph.successors.get(node, []))
        return False

    for flow in _process(root).findall("bpmn:sequenceFlow", NS):
        source, target = shapes[flow.get("sourceRef")], shapes[flow.get("targetRef")]
        if target[0] + target[2] / 2 < source[0] + source[2] / 2:
            assert reaches(flow.get("targetRef"), flow.get("sourceRef")), f"{flow.get('id')} runs right to left"


def test_names_are_plain_english(root: etree._Element) -> None:
    process = _process(root)
    for element in process:
        kind = etree.QName(element).localname
        name = element.get("name")
        if kind in ("userTask", "subProcess", "startEvent", "endEvent", "boundaryEvent", "intermediateCatchEvent",
                    "intermediateThrowEvent", "eventBasedGateway"):
            assert name, f"{element.get('id')} has no name"
        if name:
            assert "_" not in name and len(name) <= 80 and name[0].isupper(), name
    for gateway in process.findall("bpmn:exclusiveGateway", NS):
        outgoing = process.xpath(f"bpmn:sequenceFlow[@sourceRef='{gateway.get('id')}']", namespaces=NS)
        if len(outgoing) > 1:
            assert gateway.get("name", "").endswith("?"), f"{gateway.get('id')} should ask its question"
            assert all(flow.get("name") for flow in outgoing), f"answers of {gateway.get('id')} need names"
