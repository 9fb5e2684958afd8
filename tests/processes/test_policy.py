"""The policy checker refuses each kind of broken diagram and names the element at fault."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from service.engine.xml import parse_xml
from service.processes.policy import BPMN, SPIFF, check_policy

DIAGRAM = Path(__file__).resolve().parents[2] / "workflows" / "information_sharing.bpmn"


def _diagram() -> etree._Element:
    return parse_xml(DIAGRAM.read_bytes(), name=DIAGRAM.name)


def _by_id(root: etree._Element, element_id: str) -> etree._Element:
    [found] = root.xpath(f"//*[@id='{element_id}']")
    return found


def redirect(flow_id: str, target: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        _by_id(root, flow_id).set("targetRef", target)
    return change


def remove(element_id: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        element = _by_id(root, element_id)
        element.getparent().remove(element)
    return change


def rename_lane(lane_id: str, name: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        _by_id(root, lane_id).set("name", name)
    return change


def drop_property(element_id: str, name: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        for prop in _by_id(root, element_id).iter(f"{{{SPIFF}}}property"):
            if prop.get("name") == name:
                prop.getparent().remove(prop)
    return change


BROKEN = [
    pytest.param(redirect("f_told_or_not", "end_recorded"), "end_recorded", "without passing the record step",
                 id="a path skips the record step"),
    pytest.param(redirect("f_may_share", "send_securely"), "send_securely", "without the proportionality step",
                 id="sending skips proportionality"),
    pytest.param(redirect("f_to_basis", "gw_may_share"), "send_securely", "without the lawful-basis decision",
                 id="sending skips the lawful basis"),
    pytest.param(redirect("f_reminded", "send_securely"), "send_securely", "reminder or escalation branch",
                 id="a reminder sends something"),
    pytest.param(remove("manager_overdue"), "manager_advice", "without an escalation timer",
                 id="a manager task cannot escalate"),
    pytest.param(remove("dsl_overdue"), "dsl_advice", "without an escalation timer", id="a DSL task cannot escalate"),
    pytest.param(rename_lane("lane_manager", "Finance"), "manager_advice", "which no role works",
                 id="a lane no role works"),
    pytest.param(drop_property("consider_consent", "formJsonSchemaFilename"), "consider_consent", "has no form",
                 id="a task without a form"),
    pytest.param(drop_property("record_decision", "policyStep"), None, "no step is marked as the record step",
                 id="no record step at all"),
]


@pytest.mark.parametrize(("breaking", "element", "message"), BROKEN)
def test_a_broken_diagram_is_refused_naming_the_element(
    breaking: Callable[[etree._Element], None], element: str | None, message: str
) -> None:
    root = _diagram()
    breaking(root)
    problems = check_policy(root)
    assert any(message in p.message and p.element_id == element for p in problems), problems


def test_the_problem_shows_the_route_that_breaks_the_rule() -> None:
    root = _diagram()
    redirect("f_told_or_not", "end_recorded")(root)
    [problem] = [p for p in check_policy(root) if "record step" in p.message]
    # Each step by the name the process owner gave it, with its id in brackets; a step with no name by its id.
    assert problem.message.endswith(
        "'Tell the person it was shared?' (tell_subject) → 'Decision recorded' (end_recorded)")
    assert problem.message.split(": ", 1)[1].startswith("'Concern about a child' (start_concern) → gw_first_merge → ")


def test_a_step_is_named_by_its_name_and_its_id() -> None:
    root = _diagram()
    drop_property("consider_consent", "formJsonSchemaFilename")(root)
    remove("manager_overdue")(root)
    rename_lane("lane_dsl", "Finance")(root)
    _by_id(root, "dsl_advice").attrib.pop("name")
    messages = {p.element_id: p.message for p in check_policy(root) if p.element_id != "dsl_overdue"}
    assert messages["consider_consent"] == ("Step 'Is consent the right basis, and do you have it?' (consider_consent) "
                                            "has no form")
    assert messages["manager_advice"] == ("Step 'Advise and decide' (manager_advice) is a manager task without an "
                                          "escalation timer")
    assert messages["dsl_advice"].startswith("Step dsl_advice is in lane 'Finance', which no role works")


def test_a_diagram_without_one_executable_process_is_reported_not_crashed() -> None:
    root = _diagram()
    for process in root.iter(f"{{{BPMN}}}process"):
        process.set("isExecutable", "false")
    assert [p.message for p in check_policy(root)] == ["expected exactly one executable process, found 0"]
