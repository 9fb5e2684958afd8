"""Linting diagrams: every expression is checked and blamed on the element that holds it."""

from __future__ import annotations

from lxml import etree

from service.engine.lint import LintProblem, input_entry_expression, lint_bpmn, lint_dmn

BPMN_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  id="defs" targetNamespace="http://example.org/safeguarding/tests">
  <bpmn:process id="share_decision" isExecutable="true">
"""
BPMN_TAIL = """
  </bpmn:process>
</bpmn:definitions>
"""


def _bpmn(
    *,
    condition: str = "consent_given == True",
    script: str = "risk_score = len(concerns) * 2",
    duration: str = "'PT2H'",
    prescript: str = "concerns = concerns or []",
    postscript: str = "reviewed = True",
    cardinality: str = "len(concerns)",
    completion: str = "done_count >= 2",
) -> bytes:
    body = f"""
    <bpmn:startEvent id="start"><bpmn:outgoing>to_score</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="to_score" sourceRef="start" targetRef="score_risk" />
    <bpmn:scriptTask id="score_risk" name="Score the risk">
      <bpmn:incoming>to_score</bpmn:incoming>
      <bpmn:outgoing>to_gateway</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="to_gateway" sourceRef="score_risk" targetRef="share_gateway" />
    <bpmn:exclusiveGateway id="share_gateway" default="keep_private">
      <bpmn:incoming>to_gateway</bpmn:incoming>
      <bpmn:outgoing>share_now</bpmn:outgoing>
      <bpmn:outgoing>keep_private</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="share_now" sourceRef="share_gateway" targetRef="review">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="keep_private" sourceRef="share_gateway" targetRef="done" />
    <bpmn:userTask id="review" name="Review">
      <bpmn:extensionElements>
        <spiffworkflow:preScript>{prescript}</spiffworkflow:preScript>
        <spiffworkflow:postScript>{postscript}</spiffworkflow:postScript>
      </bpmn:extensionElements>
      <bpmn:incoming>share_now</bpmn:incoming>
      <bpmn:outgoing>to_panel</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="review_overdue" attachedToRef="review" cancelActivity="false">
      <bpmn:timerEventDefinition id="review_overdue_timer">
        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">{duration}</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="to_panel" sourceRef="review" targetRef="panel" />
    <bpmn:userTask id="panel" name="Panel view">
      <bpmn:incoming>to_panel</bpmn:incoming>
      <bpmn:outgoing>to_done</bpmn:outgoing>
      <bpmn:multiInstanceLoopCharacteristics id="panel_loop">
        <bpmn:loopCardinality>{cardinality}</bpmn:loopCardinality>
        <bpmn:completionCondition>{completion}</bpmn:completionCondition>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="to_done" sourceRef="panel" targetRef="done" />
    <bpmn:endEvent id="done" />
"""
    return (BPMN_HEAD + body + BPMN_TAIL).encode()


def _lint(**overrides: str) -> list[LintProblem]:
    return lint_bpmn(etree.fromstring(_bpmn(**overrides)))


def _blamed(problems: list[LintProblem]) -> set[str]:
    return {p.element_id for p in problems}


def test_clean_diagram_has_no_problems() -> None:
    assert _lint() == []


def test_gateway_condition_is_blamed_on_its_sequence_flow() -> None:
    problems = _lint(condition="__import__('os').system('rm -rf /')")
    assert _blamed(problems) == {"share_now"}
    assert all(p.message for p in problems)


def test_condition_must_be_a_single_expression() -> None:
    assert _blamed(_lint(condition="x = 1")) == {"share_now"}


def test_script_task_is_blamed_on_the_task() -> None:
    problems = _lint(script="import os\nos.system('id')")
    assert _blamed(problems) == {"score_risk"}
    assert any("import" in p.message for p in problems)


def test_timer_duration_is_blamed_on_the_event_not_the_definition() -> None:
    problems = _lint(duration="open('/etc/passwd').read()")
    assert _blamed(problems) == {"review_overdue"}


def test_pre_and_post_scripts_are_blamed_on_their_task() -> None:
    assert _blamed(_lint(prescript="while True:\n    pass")) == {"review"}
    assert _blamed(_lint(postscript="x = ().__class__")) == {"review"}


def test_multi_instance_expressions_are_blamed_on_the_activity() -> None:
    assert _blamed(_lint(cardinality="2 ** 10**8")) == {"panel"}
    assert _blamed(_lint(completion="getattr(x, 'y')")) == {"panel"}


def test_several_problems_are_all_reported() -> None:
    problems = _lint(condition="eval('1')", script="exec('x')", duration="'a' * 10**9")
    assert _blamed(problems) == {"share_now", "score_risk", "review_overdue"}


def test_other_expressions_spiffworkflow_evaluates() -> None:
    xml = f"""{BPMN_HEAD}
    <bpmn:intermediateCatchEvent id="wait_for_flag">
      <bpmn:conditionalEventDefinition id="flag_def">
        <bpmn:condition xsi:type="bpmn:tFormalExpression">print(1)</bpmn:condition>
      </bpmn:conditionalEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:intermediateThrowEvent id="notify">
      <bpmn:messageEventDefinition id="notify_def" messageRef="msg">
        <bpmn:extensionElements>
          <spiffworkflow:messagePayload>type(1)</spiffworkflow:messagePayload>
        </bpmn:extensionElements>
      </bpmn:messageEventDefinition>
    </bpmn:intermediateThrowEvent>
    <bpmn:task id="again">
      <bpmn:standardLoopCharacteristics>
        <bpmn:loopCondition>__builtins__</bpmn:loopCondition>
      </bpmn:standardLoopCharacteristics>
    </bpmn:task>
    {BPMN_TAIL}""".encode()
    assert _blamed(lint_bpmn(etree.fromstring(xml))) == {"wait_for_flag", "notify", "again"}


DMN_13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"
DMN_11 = "http://www.omg.org/spec/DMN/20151101/dmn.xsd"


def _dmn(
    *,
    namespace: str = DMN_13,
    input_expression: str = "age",
    first_entry: str = "&lt; 13",
    first_output: str = "'parental_consent'",
    second_entry: str = "-",
) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="{namespace}" id="consent_defs" name="Consent" namespace="http://example.org">
  <decision id="consent_route" name="Who consents">
    <decisionTable id="consent_table" hitPolicy="FIRST">
      <input id="input_age" label="Age">
        <inputExpression id="input_age_expr"><text>{input_expression}</text></inputExpression>
      </input>
      <input id="input_capacity" label="Has capacity">
        <inputExpression id="input_capacity_expr"><text>has_capacity</text></inputExpression>
      </input>
      <output id="output_route" label="Route" name="route" typeRef="string" />
      <rule id="rule_child">
        <inputEntry id="rule_child_age"><text>{first_entry}</text></inputEntry>
        <inputEntry id="rule_child_capacity"><text>-</text></inputEntry>
        <outputEntry id="rule_child_out"><text>{first_output}</text></outputEntry>
      </rule>
      <rule id="rule_teen">
        <inputEntry id="rule_teen_age"><text>{second_entry}</text></inputEntry>
        <inputEntry id="rule_teen_capacity"><text>True</text></inputEntry>
        <outputEntry id="rule_teen_out"><text>"own_consent"</text></outputEntry>
      </rule>
      <rule id="rule_other">
        <inputEntry id="rule_other_age"><text>12 &lt; ? &lt; 16</text></inputEntry>
        <inputEntry id="rule_other_capacity"><text></text></inputEntry>
        <outputEntry id="rule_other_out"><text>'ask' + '_dsl'</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
""".encode()


def _lint_dmn(**overrides: str) -> list[LintProblem]:
    return lint_dmn(etree.fromstring(_dmn(**overrides)))


def test_clean_decision_table_has_no_problems() -> None:
    assert _lint_dmn() == []
    assert _lint_dmn(namespace=DMN_11) == []
    assert _lint_dmn(second_entry="13, 14, 15") == []


def test_hostile_input_entry_is_blamed_on_its_rule() -> None:
    problems = _lint_dmn(second_entry="__import__('os').getcwd()")
    assert _blamed(problems) == {"rule_teen"}


def test_hostile_output_entry_is_blamed_on_its_rule() -> None:
    problems = _lint_dmn(first_output="open('/etc/passwd').read()")
    assert _blamed(problems) == {"rule_child"}


def test_hostile_entries_in_the_older_dmn_namespace() -> None:
    problems = _lint_dmn(namespace=DMN_11, first_entry="().__class__", first_output="eval('1')")
    assert _blamed(problems) == {"rule_child"}
    assert len(problems) >= 2


def test_hostile_input_expression_is_blamed_on_the_input_once() -> None:
    problems = _lint_dmn(input_expression="globals()")
    assert _blamed(problems) == {"input_age"}


def test_entry_that_cannot_follow_the_input_is_reported() -> None:
    assert _blamed(_lint_dmn(first_entry="&gt; &gt; 5")) == {"rule_child"}


def test_entry_that_would_run_into_the_input_is_reported() -> None:
    # the DMN engine joins `age` and `in [1, 2]` into the name `agein`
    problems = _lint_dmn(first_entry="in [1, 2]")
    assert _blamed(problems) == {"rule_child"}
    assert "?" in problems[0].message
    assert _lint_dmn(first_entry=" in [1, 2]") == []
    assert _lint_dmn(first_entry="? in [1, 2]") == []


def test_input_entries_become_the_expressions_the_dmn_engine_evaluates() -> None:
    assert input_entry_expression("> 5", "age") == "age> 5"
    assert input_entry_expression("'yes'", "answer") == "(answer) == ('yes')"
    assert input_entry_expression("12 < ? < 16", "age") == "12 < dmninputexpr < 16"
    assert input_entry_expression("'why?'", "reason") == "(reason) == ('why?')"
