"""The names a draft's expressions use, collected without running them, and the facts a case can hold:
the shipped process and the test diagrams use only known names; a typo is caught with the nearest name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from service.cases.service import get_case, load_instance
from service.engine.names import Call, assigned, uses
from service.processes.fact_check import fact_problems, known_facts
from service.processes.known_names import CASE_START_FACTS, Known, form_fields, name_problems
from service.processes.service import read_process_files
from tests.conftest import PRACTITIONER

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
DATA = Path(__file__).resolve().parents[1] / "data"


def test_free_names_are_in_written_order_and_locally_bound_names_are_left_out() -> None:
    found = uses('[p for p in subjects if p["name"]] and urgency == "same_day" or concern')
    assert found is not None
    assert found.names == ("subjects", "urgency", "concern")
    assert uses("x = 1\ny = x + later", "exec").names == ("later",)  # type: ignore[union-attr]


def test_calls_of_plain_names_count_their_arguments() -> None:
    found = uses("in_working_days(3, 4) if by_end_of_working_day(since=contacted_at) else len(*items)")
    assert found is not None
    assert found.calls == (Call("in_working_days", 2, (), False), Call("by_end_of_working_day", 0, ("since",), False),
                           Call("len", 1, (), True))
    assert found.called("in_working_days") and not found.called("contacted_at")


def test_unreadable_source_has_no_names() -> None:
    assert uses("urgency ==") is None
    assert assigned("if:") == set()


def test_a_script_sets_names_a_later_step_may_read() -> None:
    assert assigned("total = len(items)\nfor item in items:\n    seen = item") == {"total", "item", "seen"}


def test_form_fields_include_list_entries_and_conditional_questions() -> None:
    schema = {"properties": {"subjects": {"type": "array", "items": {"properties": {"name": {}, "dob": {}}}}},
              "allOf": [{"if": {}, "then": {"properties": {"review_date": {}}}}]}
    assert set(form_fields(schema)) == {"subjects", "name", "dob", "review_date"}


def test_the_shipped_process_knows_its_forms_starting_values_messages_and_decisions() -> None:
    known = known_facts(read_process_files(WORKFLOWS)).facts
    assert {"urgency", "direction", "public_authority", "started_by"} <= known  # every case starts with them
    assert {"duty_to_share_in_force", "review_outcome"} <= known  # initial.<name> on the process
    assert {"advice_decision", "receipt_confirmed_by_phone", "contacted_at"} <= known  # forms
    assert {"receipt", "new_information"} <= known  # message variables
    assert {"consent_counts", "may_share"} <= known  # decision outputs
    assert "urgancy" not in known


def test_the_shipped_process_uses_only_known_names() -> None:
    assert fact_problems(read_process_files(WORKFLOWS)) == []


@pytest.mark.parametrize("diagram", sorted(p.name for p in DATA.glob("*.bpmn")))
def test_the_test_diagrams_use_only_known_names(diagram: str) -> None:
    forms = {f"forms/{p.name}": p.read_text() for p in (DATA / "forms").glob("*.json")}
    assert fact_problems({diagram: (DATA / diagram).read_text(), **forms}) == []


def test_every_fact_a_new_case_starts_with_is_known(session_factory: sessionmaker[Session],
                                                    start_case: Any) -> None:
    case = start_case(PRACTITIONER, direction="outbound_concern", urgency="routine", summary="facts",
                      data={"public_authority": True})
    with session_factory() as s:
        started = set(load_instance(get_case(session=s, case_id=case.case_id)).workflow.task_tree.data)
    assert started >= CASE_START_FACTS
    assert started <= known_facts(read_process_files(WORKFLOWS)).facts


def test_a_script_in_the_diagram_makes_its_names_known() -> None:
    files = read_process_files(WORKFLOWS)
    diagram = files["information_sharing.bpmn"]
    old = 'in_working_hours(2) if urgency == "same_day" else in_working_days(1)'
    uses_script_name = {**files, "information_sharing.bpmn": diagram.replace(old, "in_working_days(advice_days)")}
    [problem] = fact_problems(uses_script_name)
    assert "uses advice_days, which is not a known fact" in problem.message
    with_script = {**uses_script_name, "information_sharing.bpmn": uses_script_name["information_sharing.bpmn"].replace(
        "</bpmn:process>", '<bpmn:scriptTask id="set_days" name="Set days"><bpmn:script>advice_days = 2'
                           "</bpmn:script></bpmn:scriptTask></bpmn:process>", 1)}
    assert not [p for p in fact_problems(with_script) if "advice_days" in p.message]


def test_names_are_checked_with_the_nearest_suggested() -> None:
    known = Known({"urgency", "review_date"})
    assert name_problems("Timer t", "at_start_of(reveiw_date)", "eval", known) == [
        "Timer t uses reveiw_date, which is not a known fact (a form's field, a starting value, a decision's output "
        "or a name a script sets): did you mean review_date?"]
    assert name_problems("Timer t", "in_school_day(1)", "eval", known) == [
        "Timer t uses in_school_day, which is not a helper: did you mean in_school_days?"]
    assert name_problems("Timer t", "by_end_of_working_day(1, 2)", "eval", known) == [
        "Timer t: by_end_of_working_day takes no argument, or 1 (the date and time to count from); it was given 2"]
    assert name_problems("Timer t", "by_end_of_working_day() if urgency else min(1, 2)", "eval", known) == []


def test_a_column_of_choices_suggests_the_quoted_choice() -> None:
    files = read_process_files(WORKFLOWS)
    dmn = files["lawful_basis.dmn"]
    entry = '<inputEntry id="consent_validity_rule1_in0"><text>"given"</text></inputEntry>'
    assert entry in dmn
    [problem] = fact_problems({**files, "lawful_basis.dmn": dmn.replace(entry, entry.replace('"given"', "givn"))})
    assert problem.element_id == "consent_validity_rule1"
    assert problem.message.endswith('is neither a known fact nor a quoted choice: did you mean "given"?')


def test_a_table_that_is_not_unique_may_overlap() -> None:
    files = read_process_files(WORKFLOWS)
    dmn = files["lawful_basis.dmn"]
    overlapping = dmn.replace('<inputEntry id="consent_validity_rule1_in1"><text>True</text>',
                              '<inputEntry id="consent_validity_rule1_in1"><text>-</text>')
    assert fact_problems({**files, "lawful_basis.dmn": overlapping})
    first = overlapping.replace('id="consent_validity_table" hitPolicy="UNIQUE"',
                                'id="consent_validity_table" hitPolicy="FIRST"')
    assert first != overlapping and fact_problems({**files, "lawful_basis.dmn": first}) == []
