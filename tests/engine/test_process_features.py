"""Engine features the information-sharing process relies on, each shown on a small inline diagram.

- starting values of the case facts declared on the process (``initial.<name>`` properties);
- one DMN file holding several decision tables, each called by its own business rule task;
- an event-based gateway racing a message (a recipient's receipt) against a timer.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from service.engine import DiagramRejected, Instance, NotWaiting, compile_process
from service.engine.specs import CompiledProcess

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

DEFINITIONS_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' id="{process_id}_definitions" targetNamespace="http://example.org/safeguarding/tests">\n'
)
DEFINITIONS_CLOSE = "</bpmn:definitions>\n"


def _user_task(task_id: str, incoming: str, outgoing: str) -> str:
    return (
        f'<bpmn:userTask id="{task_id}" name="{task_id.replace("_", " ").capitalize()}">'
        f"<bpmn:incoming>{incoming}</bpmn:incoming><bpmn:outgoing>{outgoing}</bpmn:outgoing></bpmn:userTask>\n"
    )


def _flow(flow_id: str, source: str, target: str) -> str:
    return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}" />\n'


def _first_ready(instance: Instance) -> tuple[str, str]:
    (task,) = instance.ready_tasks()
    return task.element_id, task.task_id


# --- a. starting values declared on the process ---------------------------------------------------


def _initial_values_process(properties: str, process_id: str = "starting_values") -> str:
    return (
        DEFINITIONS_OPEN.format(process_id=process_id)
        + f'<bpmn:process id="{process_id}" isExecutable="true">\n'
        + f"<bpmn:extensionElements><spiffworkflow:properties>{properties}"
        + "</spiffworkflow:properties></bpmn:extensionElements>\n"
        + '<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
        + _user_task("first_step", "f1", "f2")
        + '<bpmn:endEvent id="done"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
        + _flow("f1", "start", "first_step")
        + _flow("f2", "first_step", "done")
        + "</bpmn:process>\n"
        + DEFINITIONS_CLOSE
    )


STARTING_VALUES = (
    '<spiffworkflow:property name="initial.flag" value="false" />'
    "<spiffworkflow:property name=\"initial.label\" value='\"x\"' />"
)


@pytest.fixture(scope="module")
def starting_values() -> CompiledProcess:
    return compile_process({"starting_values.bpmn": _initial_values_process(STARTING_VALUES)})


def test_starting_values_are_read_from_the_process(starting_values: CompiledProcess) -> None:
    assert starting_values.process_id == "starting_values"
    assert starting_values.initial_data == {"flag": False, "label": "x"}


def test_a_case_starts_from_the_starting_values(starting_values: CompiledProcess) -> None:
    instance = Instance.start(starting_values, {}, now=NOW)
    element, task_id = _first_ready(instance)
    assert element == "first_step"
    data = instance.task_data(task_id)
    assert data["flag"] is False and data["label"] == "x"


def test_data_given_at_the_start_overrides_a_starting_value(starting_values: CompiledProcess) -> None:
    instance = Instance.start(starting_values, {"label": "y", "extra": 3}, now=NOW)
    _, task_id = _first_ready(instance)
    data = instance.task_data(task_id)
    assert data["label"] == "y"
    assert data["flag"] is False
    assert data["extra"] == 3
    # The compiled process is shared by every case: starting one never changes its starting values.
    assert starting_values.initial_data == {"flag": False, "label": "x"}


def test_every_json_literal_is_a_starting_value() -> None:
    properties = (
        '<spiffworkflow:property name="initial.count" value="3" />'
        '<spiffworkflow:property name="initial.ratio" value="0.5" />'
        '<spiffworkflow:property name="initial.nothing" value="null" />'
        "<spiffworkflow:property name=\"initial.tags\" value='[\"a\", 1]' />"
        "<spiffworkflow:property name=\"initial.nested\" value='{\"k\": true}' />"
        '<spiffworkflow:property name="not_initial" value="ignored" />'
    )
    compiled = compile_process({"p.bpmn": _initial_values_process(properties)})
    assert compiled.initial_data == {
        "count": 3,
        "ratio": 0.5,
        "nothing": None,
        "tags": ["a", 1],
        "nested": {"k": True},
    }


def test_a_process_without_starting_values_has_none() -> None:
    compiled = compile_process({"p.bpmn": _initial_values_process("")})
    assert compiled.initial_data == {}


def test_a_starting_value_that_is_not_json_is_rejected() -> None:
    properties = '<spiffworkflow:property name="initial.label" value="not json" />'
    with pytest.raises(DiagramRejected) as caught:
        compile_process({"p.bpmn": _initial_values_process(properties, process_id="bad_values")})
    (problem,) = caught.value.problems
    assert problem.element_id == "bad_values"
    assert "'label'" in problem.message and "JSON" in problem.message
    assert "bad_values" in str(caught.value)


def test_a_starting_value_whose_name_is_not_an_identifier_is_rejected() -> None:
    properties = '<spiffworkflow:property name="initial.not-a-name" value="1" />'
    with pytest.raises(DiagramRejected) as caught:
        compile_process({"p.bpmn": _initial_values_process(properties, process_id="bad_name")})
    (problem,) = caught.value.problems
    assert problem.element_id == "bad_name"
    assert "not a valid fact name" in problem.message


# --- b. one DMN file, two decision tables ---------------------------------------------------------

TWO_DECISIONS_DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="two_tables" name="Two tables"
             namespace="http://example.org/safeguarding/tests">
  <decision id="age_band" name="Age band">
    <decisionTable id="age_band_table" hitPolicy="UNIQUE">
      <input id="age_band_in0" label="Age">
        <inputExpression id="age_band_in0_expr"><text>age</text></inputExpression>
      </input>
      <output id="age_band_out0" label="Band" name="band" />
      <rule id="age_band_rule1">
        <inputEntry id="age_band_rule1_in0"><text>? &lt; 13</text></inputEntry>
        <outputEntry id="age_band_rule1_out0"><text>"child"</text></outputEntry>
      </rule>
      <rule id="age_band_rule2">
        <inputEntry id="age_band_rule2_in0"><text>? &gt;= 13</text></inputEntry>
        <outputEntry id="age_band_rule2_out0"><text>"young person"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
  <decision id="route" name="Who decides">
    <decisionTable id="route_table" hitPolicy="UNIQUE">
      <input id="route_in0" label="Band">
        <inputExpression id="route_in0_expr"><text>band</text></inputExpression>
      </input>
      <input id="route_in1" label="Urgent?">
        <inputExpression id="route_in1_expr"><text>urgent</text></inputExpression>
      </input>
      <output id="route_out0" label="Decided by" name="decided_by" />
      <output id="route_out1" label="Priority" name="priority" />
      <rule id="route_rule1">
        <inputEntry id="route_rule1_in0"><text>-</text></inputEntry>
        <inputEntry id="route_rule1_in1"><text>True</text></inputEntry>
        <outputEntry id="route_rule1_out0"><text>"dsl"</text></outputEntry>
        <outputEntry id="route_rule1_out1"><text>1</text></outputEntry>
      </rule>
      <rule id="route_rule2">
        <inputEntry id="route_rule2_in0"><text>"child"</text></inputEntry>
        <inputEntry id="route_rule2_in1"><text>False</text></inputEntry>
        <outputEntry id="route_rule2_out0"><text>"manager"</text></outputEntry>
        <outputEntry id="route_rule2_out1"><text>2</text></outputEntry>
      </rule>
      <rule id="route_rule3">
        <inputEntry id="route_rule3_in0"><text>"young person"</text></inputEntry>
        <inputEntry id="route_rule3_in1"><text>False</text></inputEntry>
        <outputEntry id="route_rule3_out0"><text>"practitioner"</text></outputEntry>
        <outputEntry id="route_rule3_out1"><text>3</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


def _business_rule_task(task_id: str, decision_id: str, incoming: str, outgoing: str) -> str:
    return (
        f'<bpmn:businessRuleTask id="{task_id}" name="Decide {decision_id}">'
        f"<bpmn:extensionElements><spiffworkflow:calledDecisionId>{decision_id}</spiffworkflow:calledDecisionId>"
        f"</bpmn:extensionElements><bpmn:incoming>{incoming}</bpmn:incoming>"
        f"<bpmn:outgoing>{outgoing}</bpmn:outgoing></bpmn:businessRuleTask>\n"
    )


TWO_DECISIONS_BPMN = (
    DEFINITIONS_OPEN.format(process_id="two_decisions")
    + '<bpmn:process id="two_decisions" isExecutable="true">\n'
    + '<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
    + _business_rule_task("decide_band", "age_band", "f1", "f2")
    + _business_rule_task("decide_route", "route", "f2", "f3")
    + _user_task("check_outcome", "f3", "f4")
    + '<bpmn:endEvent id="done"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>\n'
    + _flow("f1", "start", "decide_band")
    + _flow("f2", "decide_band", "decide_route")
    + _flow("f3", "decide_route", "check_outcome")
    + _flow("f4", "check_outcome", "done")
    + "</bpmn:process>\n"
    + DEFINITIONS_CLOSE
)


@pytest.fixture(scope="module")
def two_decisions() -> CompiledProcess:
    return compile_process({"two_decisions.bpmn": TWO_DECISIONS_BPMN, "two_tables.dmn": TWO_DECISIONS_DMN})


@pytest.mark.parametrize(
    ("facts", "band", "decided_by", "priority"),
    [
        ({"age": 9, "urgent": False}, "child", "manager", 2),
        ({"age": 15, "urgent": False}, "young person", "practitioner", 3),
        ({"age": 15, "urgent": True}, "young person", "dsl", 1),
    ],
)
def test_both_tables_of_one_dmn_file_run(
    two_decisions: CompiledProcess, facts: dict[str, object], band: str, decided_by: str, priority: int
) -> None:
    instance = Instance.start(two_decisions, facts, now=NOW)
    element, task_id = _first_ready(instance)
    assert element == "check_outcome"
    data = instance.task_data(task_id)
    # The second table read the first table's output.
    assert data["band"] == band
    assert data["decided_by"] == decided_by
    assert data["priority"] == priority


def test_each_business_rule_task_has_its_own_table(two_decisions: CompiledProcess) -> None:
    from service.engine.decisions import decision_tables

    tables = decision_tables(two_decisions)
    assert set(tables) == {"age_band_table", "route_table"}
    assert [r.id for r in tables["age_band_table"].rules] == ["age_band_rule1", "age_band_rule2"]
    assert len(tables["route_table"].rules) == 3


def test_a_call_to_a_decision_that_does_not_exist_is_rejected() -> None:
    bpmn = TWO_DECISIONS_BPMN.replace(
        "<spiffworkflow:calledDecisionId>route<", "<spiffworkflow:calledDecisionId>no_such_decision<"
    )
    with pytest.raises(DiagramRejected):
        compile_process({"two_decisions.bpmn": bpmn, "two_tables.dmn": TWO_DECISIONS_DMN})


# --- c. an event-based gateway: a message raced against a timer -----------------------------------

RACE_BPMN = (
    DEFINITIONS_OPEN.format(process_id="await_receipt")
    + '<bpmn:message id="m" name="receipt_confirmed" />\n'
    + '<bpmn:process id="await_receipt" isExecutable="true">\n'
    + '<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
    + '<bpmn:eventBasedGateway id="wait"><bpmn:incoming>f1</bpmn:incoming>'
    + "<bpmn:outgoing>f_message</bpmn:outgoing><bpmn:outgoing>f_timer</bpmn:outgoing></bpmn:eventBasedGateway>\n"
    + '<bpmn:intermediateCatchEvent id="receipt"><bpmn:incoming>f_message</bpmn:incoming>'
    + "<bpmn:outgoing>f_received</bpmn:outgoing>"
    + '<bpmn:messageEventDefinition id="receipt_message" messageRef="m"><bpmn:extensionElements>'
    + "<spiffworkflow:messageVariable>receipt</spiffworkflow:messageVariable>"
    + "</bpmn:extensionElements></bpmn:messageEventDefinition></bpmn:intermediateCatchEvent>\n"
    + '<bpmn:intermediateCatchEvent id="overdue"><bpmn:incoming>f_timer</bpmn:incoming>'
    + "<bpmn:outgoing>f_late</bpmn:outgoing>"
    + '<bpmn:timerEventDefinition id="overdue_timer">'
    + '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"PT1H"</bpmn:timeDuration>'
    + "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>\n"
    + _user_task("after_receipt", "f_received", "f_done_received")
    + _user_task("follow_up", "f_late", "f_done_late")
    + '<bpmn:endEvent id="end_received"><bpmn:incoming>f_done_received</bpmn:incoming></bpmn:endEvent>\n'
    + '<bpmn:endEvent id="end_late"><bpmn:incoming>f_done_late</bpmn:incoming></bpmn:endEvent>\n'
    + _flow("f1", "start", "wait")
    + _flow("f_message", "wait", "receipt")
    + _flow("f_timer", "wait", "overdue")
    + _flow("f_received", "receipt", "after_receipt")
    + _flow("f_late", "overdue", "follow_up")
    + _flow("f_done_received", "after_receipt", "end_received")
    + _flow("f_done_late", "follow_up", "end_late")
    + "</bpmn:process>\n"
    + DEFINITIONS_CLOSE
)


@pytest.fixture(scope="module")
def race() -> CompiledProcess:
    return compile_process({"await_receipt.bpmn": RACE_BPMN})


def test_the_gateway_waits_on_the_message_and_the_timer(race: CompiledProcess) -> None:
    instance = Instance.start(race, {"case": 1}, now=NOW)
    assert instance.ready_tasks() == []
    assert not instance.completed
    assert instance.waiting_messages() == {"receipt_confirmed"}
    assert instance.next_timer_at() == NOW + timedelta(hours=1)
    assert instance.due_timer_elements(NOW + timedelta(minutes=59)) == []


def test_the_message_takes_its_branch(race: CompiledProcess) -> None:
    instance = Instance.start(race, {"case": 1}, now=NOW)
    instance.receive_message("receipt_confirmed", {"by": "Alex"}, now=NOW + timedelta(minutes=10))
    element, task_id = _first_ready(instance)
    assert element == "after_receipt"
    data = instance.task_data(task_id)
    assert data["receipt"] == {"by": "Alex"}
    assert data["case"] == 1
    # The race is over: neither the message nor the timer is awaited any more.
    assert instance.waiting_messages() == set()
    assert instance.next_timer_at() is None
    instance.wake(now=NOW + timedelta(hours=2))
    assert [t.element_id for t in instance.ready_tasks()] == ["after_receipt"]


def test_a_second_receipt_is_not_awaited(race: CompiledProcess) -> None:
    instance = Instance.start(race, {}, now=NOW)
    instance.receive_message("receipt_confirmed", {"by": "Alex"}, now=NOW)
    with pytest.raises(NotWaiting) as caught:
        instance.receive_message("receipt_confirmed", {"by": "Sam"}, now=NOW)
    assert caught.value.name == "receipt_confirmed"
    # Nothing changed: the first payload stands.
    _, task_id = _first_ready(instance)
    assert instance.task_data(task_id)["receipt"] == {"by": "Alex"}


def test_a_message_nobody_waits_for_is_refused(race: CompiledProcess) -> None:
    instance = Instance.start(race, {}, now=NOW)
    with pytest.raises(NotWaiting, match="not waiting for 'something_else'"):
        instance.receive_message("something_else", {}, now=NOW)
    # Still waiting as before.
    assert instance.waiting_messages() == {"receipt_confirmed"}
    assert instance.next_timer_at() == NOW + timedelta(hours=1)


def test_the_timer_takes_its_branch_when_it_fires(race: CompiledProcess) -> None:
    instance = Instance.start(race, {}, now=NOW)
    instance.wake(now=NOW + timedelta(minutes=59))  # not due yet
    assert instance.ready_tasks() == []
    assert instance.waiting_messages() == {"receipt_confirmed"}
    assert instance.due_timer_elements(NOW + timedelta(hours=2)) == ["overdue"]
    instance.wake(now=NOW + timedelta(hours=2))
    element, _ = _first_ready(instance)
    assert element == "follow_up"
    assert instance.waiting_messages() == set()
    assert instance.next_timer_at() is None
    with pytest.raises(NotWaiting):
        instance.receive_message("receipt_confirmed", {"by": "Alex"}, now=NOW + timedelta(hours=2))


def test_a_waiting_case_survives_a_dump_and_load(race: CompiledProcess) -> None:
    instance = Instance.start(race, {"case": 7}, now=NOW)
    state = instance.dump()
    json.loads(state)  # plain JSON
    again = Instance.load(race, state)
    assert again.waiting_messages() == {"receipt_confirmed"}
    assert again.next_timer_at() == NOW + timedelta(hours=1)
    assert again.ready_tasks() == []
    again.receive_message("receipt_confirmed", {"by": "Alex"}, now=NOW)
    element, task_id = _first_ready(again)
    assert element == "after_receipt"
    assert again.task_data(task_id)["receipt"] == {"by": "Alex"}
    assert again.task_data(task_id)["case"] == 7


def test_a_loaded_case_lets_its_timer_fire(race: CompiledProcess) -> None:
    instance = Instance.load(race, Instance.start(race, {}, now=NOW).dump())
    instance.wake(now=NOW + timedelta(hours=1, seconds=1))
    element, _ = _first_ready(instance)
    assert element == "follow_up"
    assert instance.waiting_messages() == set()
    # And a case saved after the race still loads with nothing awaited.
    reloaded = Instance.load(race, instance.dump())
    assert reloaded.waiting_messages() == set()
    assert reloaded.next_timer_at() is None
    assert [t.element_id for t in reloaded.ready_tasks()] == ["follow_up"]


def test_a_timer_reported_due_fires_when_woken_at_that_instant(race: CompiledProcess) -> None:
    instance = Instance.start(race, {}, now=NOW)
    due = instance.next_timer_at()
    assert due == NOW + timedelta(hours=1)
    reported = instance.due_timer_elements(due)
    instance.wake(now=due)
    fired = ["overdue"] if instance.next_timer_at() is None else []
    assert reported == fired == [], "at the instant itself nothing is due yet"
    later = due + timedelta(microseconds=1)
    assert instance.due_timer_elements(later) == ["overdue"]
    instance.wake(now=later)
    assert instance.next_timer_at() is None
