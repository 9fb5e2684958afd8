"""A fact must be known by the step that reads it: a condition, timer or decision table reading a fact that
only a later step gives is refused naming both steps; a fact a loop's earlier round gave, or one given on one
branch and read after the branches meet, is accepted."""

from __future__ import annotations

import json
from pathlib import Path

from service.engine.xml import parse_xml
from service.processes.fact_check import fact_problems
from service.processes.fact_flow import fact_flow
from service.processes.service import read_process_files

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
FILE = "small.bpmn"
FORMS = {
    "forms/consent.json": {"type": "object", "properties": {"consent_result": {"type": "string"}}},
    "forms/reason.json": {"type": "object", "properties": {"reason": {"type": "string"}}},
    "forms/notes.json": {"type": "object", "properties": {"notes": {"type": "string"}}},
}


def task(element_id: str, name: str, form: str, incoming: str, outgoing: str) -> str:
    return (f'<bpmn:userTask id="{element_id}" name="{name}"><bpmn:extensionElements><spiffworkflow:properties>'
            f'<spiffworkflow:property name="formJsonSchemaFilename" value="{form}" /></spiffworkflow:properties>'
            f"</bpmn:extensionElements><bpmn:incoming>{incoming}</bpmn:incoming>"
            f"<bpmn:outgoing>{outgoing}</bpmn:outgoing></bpmn:userTask>")


def flow(element_id: str, source: str, target: str, condition: str | None = None) -> str:
    if condition is None:
        return f'<bpmn:sequenceFlow id="{element_id}" sourceRef="{source}" targetRef="{target}" />'
    return (f'<bpmn:sequenceFlow id="{element_id}" sourceRef="{source}" targetRef="{target}">'
            f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression>'
            "</bpmn:sequenceFlow>")


def files(*body: str) -> dict[str, str]:
    diagram = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
               'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
               'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="small_definitions" '
               'targetNamespace="http://example.org/small"><bpmn:process id="small" isExecutable="true">'
               f'{"".join(body)}</bpmn:process></bpmn:definitions>')
    return {FILE: diagram, **{name: json.dumps(form) for name, form in FORMS.items()}}


START = '<bpmn:startEvent id="start" name="Concern"><bpmn:outgoing>f_start</bpmn:outgoing></bpmn:startEvent>'
END = '<bpmn:endEvent id="{0}"><bpmn:incoming>{1}</bpmn:incoming></bpmn:endEvent>'
SHARE = task("share", "Share", "notes.json", "flow_x", "f_shared") + END.format("end_shared", "f_shared")


def consent_gateway(incoming: str) -> str:
    return (f'<bpmn:exclusiveGateway id="gw_consent" name="Consent given?" default="f_not_given">'
            f"<bpmn:incoming>{incoming}</bpmn:incoming><bpmn:outgoing>flow_x</bpmn:outgoing>"
            "<bpmn:outgoing>f_not_given</bpmn:outgoing></bpmn:exclusiveGateway>")


def test_a_condition_right_after_the_start_reading_a_later_answer_is_refused_naming_both_steps() -> None:
    early = files(START, flow("f_start", "start", "gw_consent"), consent_gateway("f_start"),
                  flow("flow_x", "gw_consent", "share", 'consent_result == "given"'), SHARE,
                  flow("f_not_given", "gw_consent", "consider_consent"),
                  task("consider_consent", "Ask for consent", "consent.json", "f_not_given", "f_asked"),
                  END.format("end_asked", "f_asked"), flow("f_asked", "consider_consent", "end_asked"),
                  flow("f_shared", "share", "end_shared"))
    [problem] = fact_problems(early)
    assert problem.message == ("Condition on the flow 'Consent given?' → 'Share' (flow_x) reads consent_result, "
                               "which is answered only at 'Ask for consent' (consider_consent), after this point "
                               "in the process")
    assert (problem.element_id, problem.file) == ("flow_x", FILE)


def test_the_same_condition_after_the_step_that_answers_it_passes() -> None:
    after = files(START, flow("f_start", "start", "consider_consent"),
                  task("consider_consent", "Ask for consent", "consent.json", "f_start", "f_asked"),
                  flow("f_asked", "consider_consent", "gw_consent"), consent_gateway("f_asked"),
                  flow("flow_x", "gw_consent", "share", 'consent_result == "given"'), SHARE,
                  flow("f_shared", "share", "end_shared"),
                  END.format("end_not_given", "f_not_given"), flow("f_not_given", "gw_consent", "end_not_given"))
    assert fact_problems(after) == []


def boundary_timer(expression: str) -> str:
    return ('<bpmn:boundaryEvent id="consent_overdue" name="Consent overdue" attachedToRef="consider_consent" '
            'cancelActivity="true"><bpmn:outgoing>f_overdue</bpmn:outgoing><bpmn:timerEventDefinition '
            f'id="consent_overdue_timer"><bpmn:timeDate xsi:type="bpmn:tFormalExpression">{expression}'
            "</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>")


def with_boundary_timer(expression: str) -> dict[str, str]:
    return files(START, flow("f_start", "start", "consider_consent"),
                 task("consider_consent", "Ask for consent", "consent.json", "f_start", "f_asked"),
                 boundary_timer(expression), END.format("end_overdue", "f_overdue"),
                 flow("f_overdue", "consent_overdue", "end_overdue"),
                 END.format("end_asked", "f_asked"), flow("f_asked", "consider_consent", "end_asked"))


def test_a_boundary_timer_reading_its_own_tasks_answer_is_refused() -> None:
    [problem] = fact_problems(with_boundary_timer(
        'in_working_days(1) if consent_result == "given" else in_working_days(2)'))
    assert problem.element_id == "consent_overdue"
    assert problem.message == (
        "Timer 'Consent overdue' (consent_overdue) reads consent_result, which is answered only at 'Ask for "
        "consent' (consider_consent), the task it is attached to: the task's own answers are not known until it "
        "is done, after this point in the process")
    # what the case started with is known while the task waits
    assert fact_problems(with_boundary_timer('in_working_hours(2) if urgency == "same_day" else '
                                             "in_working_days(1)")) == []


def looping(condition: str) -> dict[str, str]:
    """start → merge → 'Reviewed already?' → (notes given) end, or → 'Decide' → 'Again?' → 'Review' → merge."""
    return files(
        START, flow("f_start", "start", "gw_merge"),
        '<bpmn:exclusiveGateway id="gw_merge"><bpmn:incoming>f_start</bpmn:incoming>'
        "<bpmn:incoming>f_reviewed</bpmn:incoming><bpmn:outgoing>f_to_check</bpmn:outgoing></bpmn:exclusiveGateway>",
        flow("f_to_check", "gw_merge", "gw_check"),
        '<bpmn:exclusiveGateway id="gw_check" name="Reviewed already?" default="f_to_decide">'
        "<bpmn:incoming>f_to_check</bpmn:incoming><bpmn:outgoing>f_done</bpmn:outgoing>"
        "<bpmn:outgoing>f_to_decide</bpmn:outgoing></bpmn:exclusiveGateway>",
        flow("f_done", "gw_check", "end_done", condition), END.format("end_done", "f_done"),
        flow("f_to_decide", "gw_check", "decide"),
        task("decide", "Decide", "reason.json", "f_to_decide", "f_decided"),
        flow("f_decided", "decide", "review"),
        task("review", "Review", "notes.json", "f_decided", "f_reviewed"),
        flow("f_reviewed", "review", "gw_merge"))


def test_a_loop_back_sees_what_the_first_round_set_later() -> None:
    loop = looping('reason != "" and notes != ""')
    assert fact_problems(loop) == []
    flow_facts = fact_flow(loop, {FILE: parse_xml(loop[FILE], name=FILE)}, [])
    done = flow_facts.step(FILE, "f_done")
    assert done is not None
    assert {"reason", "notes"} <= flow_facts.possible[done.key], "possibly known: the earlier round gave them"
    assert not {"reason", "notes"} & flow_facts.certain[done.key], "not on the first round"
    # a name no step gives is still the name check's problem, not this one's
    [unknown] = fact_problems(looping("zzqx != ''"))
    assert "which is not a known fact" in unknown.message


def test_a_fact_given_on_one_branch_only_and_read_after_the_join_passes() -> None:
    branches = files(
        START, flow("f_start", "start", "gw_urgent"),
        '<bpmn:exclusiveGateway id="gw_urgent" name="Urgent?" default="f_routine"><bpmn:incoming>f_start'
        "</bpmn:incoming><bpmn:outgoing>f_urgent</bpmn:outgoing><bpmn:outgoing>f_routine</bpmn:outgoing>"
        "</bpmn:exclusiveGateway>",
        flow("f_urgent", "gw_urgent", "ask_reason", 'urgency == "same_day"'),
        task("ask_reason", "Why so urgent?", "reason.json", "f_urgent", "f_reason_given"),
        flow("f_reason_given", "ask_reason", "gw_join"), flow("f_routine", "gw_urgent", "gw_join"),
        '<bpmn:exclusiveGateway id="gw_join"><bpmn:incoming>f_reason_given</bpmn:incoming><bpmn:incoming>f_routine'
        "</bpmn:incoming><bpmn:outgoing>f_joined</bpmn:outgoing></bpmn:exclusiveGateway>",
        flow("f_joined", "gw_join", "gw_reason"),
        '<bpmn:exclusiveGateway id="gw_reason" name="Reason given?" default="f_no_reason"><bpmn:incoming>f_joined'
        "</bpmn:incoming><bpmn:outgoing>f_with_reason</bpmn:outgoing><bpmn:outgoing>f_no_reason</bpmn:outgoing>"
        "</bpmn:exclusiveGateway>",
        flow("f_with_reason", "gw_reason", "end_reason", 'urgency == "same_day" and reason != ""'),
        END.format("end_reason", "f_with_reason"), flow("f_no_reason", "gw_reason", "end_plain"),
        END.format("end_plain", "f_no_reason"))
    assert fact_problems(branches) == []
    walked = fact_flow(branches, {FILE: parse_xml(branches[FILE], name=FILE)}, [])
    with_reason = walked.step(FILE, "f_with_reason")
    assert with_reason is not None
    assert "reason" in walked.possible[with_reason.key] and "reason" not in walked.certain[with_reason.key]


def test_the_shipped_process_reads_every_fact_after_a_step_gives_it() -> None:
    shipped = read_process_files(WORKFLOWS)
    assert fact_problems(shipped) == []
    diagram = "information_sharing.bpmn"
    walked = fact_flow(shipped, {diagram: parse_xml(shipped[diagram], name=diagram)},
                       [parse_xml(shipped["lawful_basis.dmn"], name="lawful_basis.dmn")])
    # every step of the shipped process is reached from a start
    assert all(walked.reached(step) for step in walked.steps.values())
    may_share = walked.step(diagram, "f_may_not_share")
    assert may_share is not None and "may_share" in walked.certain[may_share.key], "the decision tables' output"
    record_overdue = walked.step(diagram, "record_overdue")
    assert record_overdue is not None
    assert "contacted_at" in walked.possible[record_overdue.key], "from the emergency share, before the record"
    assert "decision_summary" not in walked.certain[record_overdue.key], "the record step's own answer"


def decision(input_expression: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?><definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" '
            'id="small_tables" name="Small" namespace="http://example.org/small"><decision id="route" name="Route">'
            '<decisionTable id="route_table" hitPolicy="FIRST"><input id="route_in0" label="Reason">'
            f'<inputExpression id="route_in0_expr" typeRef="string"><text>{input_expression}</text></inputExpression>'
            '</input><output id="route_out0" label="Route" name="route" typeRef="string" />'
            '<rule id="route_rule1"><inputEntry id="route_rule1_in0"><text>-</text></inputEntry>'
            '<outputEntry id="route_rule1_out0"><text>"fast"</text></outputEntry></rule></decisionTable></decision>'
            "</definitions>")


def with_table(input_expression: str, *, table_first: bool) -> dict[str, str]:
    rule_task = ('<bpmn:businessRuleTask id="decide_route" name="Choose the route"><bpmn:extensionElements>'
                 "<spiffworkflow:calledDecisionId>route</spiffworkflow:calledDecisionId></bpmn:extensionElements>"
                 "<bpmn:incoming>{0}</bpmn:incoming><bpmn:outgoing>{1}</bpmn:outgoing></bpmn:businessRuleTask>")
    ask = "ask_reason", "Why so urgent?", "reason.json"
    if table_first:
        body = [rule_task.format("f_start", "f_decided"), flow("f_decided", "decide_route", "ask_reason"),
                task(*ask, "f_decided", "f_done"), flow("f_done", "ask_reason", "end")]
        first = "decide_route"
    else:
        body = [task(*ask, "f_start", "f_asked"), flow("f_asked", "ask_reason", "decide_route"),
                rule_task.format("f_asked", "f_done"), flow("f_done", "decide_route", "end")]
        first = "ask_reason"
    return {**files(START, flow("f_start", "start", first), *body, END.format("end", "f_done")),
            "small.dmn": decision(input_expression)}


def test_a_decision_table_reads_only_what_was_given_before_the_step_that_uses_it() -> None:
    [problem] = fact_problems(with_table("reason", table_first=True))
    assert (problem.element_id, problem.file) == ("route_in0", "small.dmn")
    assert problem.message == ("Decision table 'Route' (route_table), input 'Reason', reads reason, which is "
                               "answered only at 'Why so urgent?' (ask_reason), after 'Choose the route' "
                               "(decide_route) uses the table")
    assert fact_problems(with_table("reason", table_first=False)) == []


def test_a_subprocess_ends_with_what_its_steps_gave_and_an_event_subprocess_may_start_at_any_point() -> None:
    inner = ('<bpmn:subProcess id="ask_inside" name="Ask inside"><bpmn:incoming>f_start</bpmn:incoming>'
             "<bpmn:outgoing>f_after</bpmn:outgoing>"
             '<bpmn:startEvent id="inner_start"><bpmn:outgoing>f_in1</bpmn:outgoing></bpmn:startEvent>'
             + flow("f_in1", "inner_start", "ask_reason")
             + task("ask_reason", "Why so urgent?", "reason.json", "f_in1", "f_in2")
             + flow("f_in2", "ask_reason", "inner_end")
             + END.format("inner_end", "f_in2") + "</bpmn:subProcess>")
    listening = ('<bpmn:subProcess id="on_notes" name="Notes arrive" triggeredByEvent="true">'
                 '<bpmn:startEvent id="notes_start" isInterrupting="false"><bpmn:outgoing>f_n1</bpmn:outgoing>'
                 '<bpmn:messageEventDefinition id="notes_message"><bpmn:extensionElements>'
                 "<spiffworkflow:messageVariable>late_notes</spiffworkflow:messageVariable></bpmn:extensionElements>"
                 "</bpmn:messageEventDefinition></bpmn:startEvent>"
                 + flow("f_n1", "notes_start", "notes_end", "reason != '' or urgency == 'routine'")
                 + END.format("notes_end", "f_n1") + "</bpmn:subProcess>")
    gateway = ('<bpmn:exclusiveGateway id="gw_after" name="Reason given?" default="f_plain">'
               "<bpmn:incoming>f_after</bpmn:incoming><bpmn:outgoing>f_with_reason</bpmn:outgoing>"
               "<bpmn:outgoing>f_plain</bpmn:outgoing></bpmn:exclusiveGateway>")
    nested = files(START, flow("f_start", "start", "ask_inside"), inner, flow("f_after", "ask_inside", "gw_after"),
                   gateway, flow("f_with_reason", "gw_after", "end_reason", "reason != '' and late_notes"),
                   END.format("end_reason", "f_with_reason"), flow("f_plain", "gw_after", "end_plain"),
                   END.format("end_plain", "f_plain"), listening)
    assert fact_problems(nested) == []
    walked = fact_flow(nested, {FILE: parse_xml(nested[FILE], name=FILE)}, [])
    after = walked.step(FILE, "f_with_reason")
    assert after is not None and "reason" in walked.certain[after.key], "every path through the subprocess asks"
    assert "late_notes" in walked.possible[after.key] and "late_notes" not in walked.certain[after.key]
    # inside the subprocess, before its question is asked, the answer is not known
    inner_flow = flow("f_in1", "inner_start", "ask_reason")
    early = {**nested, FILE: nested[FILE].replace(inner_flow, flow("f_in1", "inner_start", "ask_reason",
                                                                    "reason != ''"), 1)}
    assert early != nested
    [problem] = fact_problems(early)
    assert problem.element_id == "f_in1"
    assert problem.message.startswith("Condition on the flow 'inner_start' → 'Why so urgent?' (f_in1) reads reason, "
                                      "which is answered only at 'Why so urgent?' (ask_reason)")
