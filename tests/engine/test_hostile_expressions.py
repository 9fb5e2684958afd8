"""Hostile expressions in every place the engine evaluates one: refused by the lint, and stopped if forced."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import select

from service.cases.models import Case, CaseStatus
from service.engine import DiagramRejected, compile_process, specs
from service.flows.cases import start_case
from service.flows.tasks import complete_task
from service.processes.service import register_version
from service.tasks.models import HumanTask, TaskStatus
from tests.conftest import DATA, PRACTITIONER, review_files

TEMPLATES = DATA / "hostile"


def hostile_expressions(marker: Path) -> dict[str, str]:
    return {
        "import": "__import__('os').system('touch " + str(marker) + "')",
        "import_statement": "import os",
        "open": f"open('{marker}', 'w').write('x')",
        "eval": "eval('1 + 1')",
        "exec": "exec('x = 1')",
        "subclasses_gadget": "().__class__.__base__.__subclasses__()",
        "globals": "(lambda: 0).__globals__",
        "getattr_dunder": "getattr(urgency, '__class__')",
        "endless_loop": "while True: pass",
        "huge_string": "'a' * 10 ** 9",
        "huge_list": "[0] * (10 ** 9)",
        "huge_power": "2 ** 10 ** 8",
        "slow_comprehension": "sum(1 for a in range(100000) for b in range(100000))",
    }


def _bpmn(place: str, expression: str) -> dict[str, str]:
    template = (TEMPLATES / "template.bpmn").read_text()
    if place in {"gateway", "timer"}:
        template = template.replace("<!--SECOND-->", "<bpmn:incoming>h_f4</bpmn:incoming>")
    expr = escape(expression)
    if place == "gateway":
        body = (f'<bpmn:exclusiveGateway id="checkpoint" default="h_f4"><bpmn:incoming>h_f2</bpmn:incoming>'
                f'<bpmn:outgoing>h_f3</bpmn:outgoing><bpmn:outgoing>h_f4</bpmn:outgoing></bpmn:exclusiveGateway>'
                f'<bpmn:sequenceFlow id="h_f3" sourceRef="checkpoint" targetRef="h_end">'
                f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{expr}</bpmn:conditionExpression>'
                f'</bpmn:sequenceFlow><bpmn:sequenceFlow id="h_f4" sourceRef="checkpoint" targetRef="h_end" />')
        offender = "h_f3"
    elif place == "script":
        body = (f'<bpmn:scriptTask id="checkpoint"><bpmn:incoming>h_f2</bpmn:incoming><bpmn:outgoing>h_f3'
                f'</bpmn:outgoing><bpmn:script>{expr}</bpmn:script></bpmn:scriptTask>'
                f'<bpmn:sequenceFlow id="h_f3" sourceRef="checkpoint" targetRef="h_end" />')
        offender = "checkpoint"
    elif place == "timer":
        body = (f'<bpmn:userTask id="checkpoint" name="Wait"><bpmn:incoming>h_f2</bpmn:incoming>'
                f'<bpmn:outgoing>h_f3</bpmn:outgoing></bpmn:userTask>'
                f'<bpmn:boundaryEvent id="deadline" attachedToRef="checkpoint" cancelActivity="false">'
                f'<bpmn:outgoing>h_f4</bpmn:outgoing><bpmn:timerEventDefinition id="deadline_def">'
                f'<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">{expr}</bpmn:timeDuration>'
                f'</bpmn:timerEventDefinition></bpmn:boundaryEvent>'
                f'<bpmn:sequenceFlow id="h_f3" sourceRef="checkpoint" targetRef="h_end" />'
                f'<bpmn:sequenceFlow id="h_f4" sourceRef="deadline" targetRef="h_end" />')
        offender = "deadline"
    else:  # dmn
        body = ('<bpmn:businessRuleTask id="checkpoint"><bpmn:extensionElements><spiffworkflow:calledDecisionId>'
                'hostile_decision</spiffworkflow:calledDecisionId></bpmn:extensionElements>'
                '<bpmn:incoming>h_f2</bpmn:incoming><bpmn:outgoing>h_f3</bpmn:outgoing></bpmn:businessRuleTask>'
                '<bpmn:sequenceFlow id="h_f3" sourceRef="checkpoint" targetRef="h_end" />')
        dmn = (TEMPLATES / "template.dmn").read_text().replace("INPUT_ENTRY", expr).replace("OUTPUT_ENTRY", "'e'")
        bpmn = template.replace("CHECKPOINT", "checkpoint").replace("<!--BODY-->", body)
        return {"hostile.bpmn": bpmn, "hostile.dmn": dmn, "_offender": "hostile_rule"}
    bpmn = template.replace("CHECKPOINT", "checkpoint").replace("<!--BODY-->", body)
    return {"hostile.bpmn": bpmn, "_offender": offender}


PLACES = ["gateway", "script", "timer", "dmn"]
KINDS = list(hostile_expressions(Path("/x")))
# A loop with no single huge operand cannot be told from honest work by reading it; the step
# budget stops it at run time instead (see the forced-run test below).
LINT_KINDS = [k for k in KINDS if k != "slow_comprehension"]


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("kind", LINT_KINDS)
def test_lint_refuses_the_expression_naming_the_element(place, kind, tmp_path):
    files = _bpmn(place, hostile_expressions(tmp_path / "pwned")[kind])
    offender = files.pop("_offender")
    with pytest.raises(DiagramRejected) as err:
        compile_process(files)
    assert offender in {p.element_id for p in err.value.problems}, err.value.problems


def test_a_sound_expression_in_each_place_passes_the_lint():
    for place in PLACES:
        files = _bpmn(place, "'PT1H'" if place == "timer" else "urgency == 'routine'")
        files.pop("_offender")
        compile_process(files)


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("kind", KINDS)
def test_forced_past_the_lint_it_stops_as_an_incident(place, kind, tmp_path, monkeypatch, sqlite_session_factory,
                                                    now):
    session_factory = sqlite_session_factory
    marker = tmp_path / "pwned"
    files = _bpmn(place, hostile_expressions(marker)[kind])
    files.pop("_offender")
    # Simulate a diagram that reached the engine without the lint (an old version, a bypass).
    monkeypatch.setattr(specs, "lint_bpmn", lambda root: [])
    monkeypatch.setattr(specs, "lint_dmn", lambda root: [])
    with session_factory.begin() as s:
        register_version(session=s, key="hostile", name="Hostile", files=files, author="eve", change_note="",
                         now=now)
        register_version(session=s, key="review", name="Review", files=review_files(), author="pat",
                         change_note="", now=now)
    with session_factory.begin() as s:
        case_id = start_case(session=s, process_key="hostile", actor=PRACTITIONER, direction="outbound_concern",
                             urgency="routine", summary="Hostile", now=now).id
    with session_factory() as s:
        task_id = s.scalars(select(HumanTask.id).where(HumanTask.case_id == case_id)).one()
    with session_factory.begin() as s:
        complete_task(session=s, task_id=task_id, actor=PRACTITIONER, data={"facts": "given"}, now=now)

    with session_factory() as s:
        case = s.get(Case, case_id)
        assert case.status == CaseStatus.INCIDENT
        assert case.incident_element in {"checkpoint", "deadline", "h_f3", "enter_facts"}
        assert case.incident_message and "Traceback" not in case.incident_message
        # The person's answers were kept; nothing after the failure ran.
        first = s.get(HumanTask, task_id)
        assert first.state == TaskStatus.COMPLETED
        assert s.scalars(select(HumanTask).where(HumanTask.case_id == case_id,
                                                 HumanTask.state == TaskStatus.OPEN)).all() == []
    assert not marker.exists()

    # The service is still up: another case on a sound process runs.
    with session_factory.begin() as s:
        other = start_case(session=s, process_key="review", actor=PRACTITIONER, direction="outbound_concern",
                           urgency="routine", summary="Ordinary", now=now)
        assert other.status == CaseStatus.ACTIVE
