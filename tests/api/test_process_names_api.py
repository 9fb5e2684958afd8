"""A draft whose expressions name something a case will never hold is refused when it is saved (422, every
problem with its element and the nearest known name), not published to stop every case at that step:
a timer calling a helper that does not exist or with the wrong arguments, a condition reading a misspelt
fact, a decision-table entry its column cannot take, and two rules of a UNIQUE table that both match."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from tests.api.conftest import Api
from tests.api.test_processes_api import DRAFTS, NOTE, PAT, save, stored
from tests.processes.test_drafts import NEW_TIMER, edited, with_manager_timer
from tests.processes.test_policy import DIAGRAM, _by_id

DMN = "lawful_basis.dmn"
SHIPPED_DMN = (Path(DIAGRAM).parent / DMN).read_text(encoding="utf-8")
CONSENT_RULE1_LAW = '<inputEntry id="consent_validity_rule1_in1"><text>True</text></inputEntry>'


def save_table(api: Api, dmn: str, expect: int) -> Any:
    return api.post(DRAFTS, PAT, {"bpmn": with_manager_timer(NEW_TIMER), "change_note": NOTE,
                                  "files": {DMN: dmn}}, expect=expect)


def problem_at(refused: dict[str, Any], element_id: str) -> dict[str, Any]:
    found = [p for p in refused["problems"] if p["element_id"] == element_id]
    assert found, refused["problems"]
    return found[0]


def test_a_timer_calling_a_helper_that_does_not_exist_is_refused_with_the_nearest(
        owners: Api, session_factory: sessionmaker[Session]) -> None:
    before = stored(session_factory)
    refused = save(owners, with_manager_timer('in_working_hours(2) if urgency == "same_day" else in_working_day(3)'),
                   expect=422)
    problem = problem_at(refused, "manager_overdue")
    assert problem["message"] == ("Timer 'Advice overdue' (manager_overdue) uses in_working_day, which is not a "
                                  "helper: did you mean in_working_days?")
    assert problem["file"].endswith(".bpmn")
    assert refused["error"].startswith("the draft was refused")
    assert stored(session_factory) == before, "nothing stored"


def test_a_helper_given_the_wrong_number_of_arguments_is_refused(owners: Api) -> None:
    refused = save(owners, expect=422, bpmn=with_manager_timer(
        'in_working_hours(2) if urgency == "same_day" else in_working_days(3, 1)'))
    assert problem_at(refused, "manager_overdue")["message"] == (
        "Timer 'Advice overdue' (manager_overdue): in_working_days takes 1 argument (a number of days); it was given 2")
    none = save(owners, with_manager_timer("in_working_hours()"), expect=422)
    assert "in_working_hours takes 1 argument (a number of hours); it was given 0" in problem_at(
        none, "manager_overdue")["message"]


def test_a_gateway_condition_reading_a_misspelt_fact_is_refused(owners: Api) -> None:
    def misspell(root: Any) -> None:
        [condition] = _by_id(root, "f_in_doubt").iter("{*}conditionExpression")
        assert condition.text and "urgency" in condition.text
        condition.text = condition.text.replace("urgency", "urgancy")

    refused = save(owners, edited(misspell), expect=422)
    message = problem_at(refused, "f_in_doubt")["message"]
    assert message.startswith("Condition 'Yes' (f_in_doubt) uses urgancy, which is not a known fact")
    assert message.endswith("did you mean urgency?")


def test_an_unknown_name_in_a_condition_is_refused_even_with_nothing_near(owners: Api) -> None:
    def invent(root: Any) -> None:
        [condition] = _by_id(root, "f_in_doubt").iter("{*}conditionExpression")
        condition.text = "zzqx_flag == True"

    message = problem_at(save(owners, edited(invent), expect=422), "f_in_doubt")["message"]
    assert "uses zzqx_flag, which is not a known fact" in message and "did you mean" not in message


def test_a_yes_in_a_yes_no_column_is_refused_suggesting_true(owners: Api) -> None:
    assert CONSENT_RULE1_LAW in SHIPPED_DMN
    refused = save_table(owners, SHIPPED_DMN.replace(CONSENT_RULE1_LAW, CONSENT_RULE1_LAW.replace("True", "yes")),
                         expect=422)
    problem = problem_at(refused, "consent_validity_rule1")
    assert problem["file"] == DMN
    assert problem["message"].startswith("Rule 1 (consent_validity_rule1) of Decision table 'Does the consent count, "
                                         "and for what?' (consent_validity_table): 'yes' is not an entry for the "
                                         "yes/no column")
    assert problem["message"].endswith("did you mean True?")


def test_two_rules_of_a_unique_table_that_both_match_are_refused_naming_both(owners: Api) -> None:
    # rule 1 (compelled disclosure) holds only when the law requires it; with `-` it also meets rule 2's inputs
    refused = save_table(owners, SHIPPED_DMN.replace(CONSENT_RULE1_LAW, CONSENT_RULE1_LAW.replace("True", "-")),
                         expect=422)
    problem = problem_at(refused, "consent_validity_rule2")
    assert problem["file"] == DMN
    assert "has hit policy UNIQUE, but rule 1 (consent_validity_rule1) and rule 2 (consent_validity_rule2) " \
           "can both match the same inputs" in problem["message"]


def test_a_correct_draft_and_a_correct_table_change_are_still_saved(owners: Api) -> None:
    assert save(owners, with_manager_timer('in_working_hours(2) if urgency == "same_day" else in_working_days(3)'),
                expect=201)["status"] == "submitted"
    described = SHIPPED_DMN.replace("<description>Consent is not valid when the disclosure is compelled",
                                    "<description>Consent does not count when the disclosure is compelled", 1)
    assert described != SHIPPED_DMN
    kept = save_table(owners, described, expect=200)
    assert (kept["status"], kept["changed"]) == ("working", True), "saved again into the same draft"
