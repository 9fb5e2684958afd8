"""Every path through the real diagram keeps the policy: walked one by one, not sampled."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.engine.xml import parse_xml
from service.processes.policy import (
    LAWFUL_BASIS,
    PROPORTIONALITY,
    RECORD,
    TRANSMISSION,
    FlowGraph,
    check_policy,
    enumerate_paths,
    flow_graph,
)

DIAGRAM = Path(__file__).resolve().parents[2] / "workflows" / "information_sharing.bpmn"


@pytest.fixture(scope="module")
def graph() -> FlowGraph:
    return flow_graph(parse_xml(DIAGRAM.read_bytes(), name=DIAGRAM.name))


@pytest.fixture(scope="module")
def paths(graph: FlowGraph) -> list[tuple[str, ...]]:
    return enumerate_paths(graph)


def _steps(graph: FlowGraph, path: tuple[str, ...]) -> list[str]:
    return [graph.nodes[n].step or "" for n in path]


def test_the_diagram_keeps_every_policy_rule() -> None:
    assert check_policy(parse_xml(DIAGRAM.read_bytes(), name=DIAGRAM.name)) == []


def test_paths_start_at_both_starts_and_reach_an_end(graph: FlowGraph, paths: list[tuple[str, ...]]) -> None:
    assert {p[0] for p in paths} == {"start_concern", "start_request"}
    assert all(graph.is_end(p[-1]) for p in paths)
    assert len(paths) > 50, "the enumeration walks every branch and loop"
    # Every branch of the flow is on some path (nothing unreachable from the starts).
    on_paths = {n for p in paths for n in p} | {n for p in enumerate_paths(graph, graph.side_starts) for n in p}
    boundary = {n.id for n in graph.nodes.values() if n.kind == "boundaryEvent"}
    assert set(graph.nodes) - boundary - on_paths == set()


def test_every_path_passes_the_record_step(graph: FlowGraph, paths: list[tuple[str, ...]]) -> None:
    missing = [p for p in paths if RECORD not in _steps(graph, p)]
    assert missing == []


def test_every_path_to_a_transmission_passes_the_lawful_basis_and_proportionality_first(
    graph: FlowGraph, paths: list[tuple[str, ...]]
) -> None:
    sending = [p for p in paths if TRANSMISSION in _steps(graph, p)]
    assert sending, "some paths send information"
    for path in sending:
        steps = _steps(graph, path)
        first_send = steps.index(TRANSMISSION)
        assert LAWFUL_BASIS in steps[:first_send], path
        assert PROPORTIONALITY in steps[:first_send], path


def test_the_emergency_path_shares_first_then_works_out_the_basis_and_records(
    graph: FlowGraph, paths: list[tuple[str, ...]]
) -> None:
    emergency = [p for p in paths if "emergency_share" in _steps(graph, p)]
    assert emergency
    for path in emergency:
        steps = _steps(graph, path)
        shared = steps.index("emergency_share")
        # Since the decision was last recorded (new information reopens a recorded decision), or the start.
        since = max((i for i, step in enumerate(steps[:shared]) if step == RECORD), default=-1) + 1
        assert "consultation" not in steps[since:shared], "no sign-off before an emergency share"
        assert LAWFUL_BASIS in steps[shared:] and RECORD in steps[shared:]


def test_reminders_and_escalations_send_nothing_and_end(graph: FlowGraph) -> None:
    side_paths = enumerate_paths(graph, graph.side_starts)
    assert {p[0] for p in side_paths} == set(graph.side_starts)
    for path in side_paths:
        assert not {"transmission", "emergency_share"} & set(_steps(graph, path)), path
        assert graph.nodes[path[-1]].kind == "endEvent"
