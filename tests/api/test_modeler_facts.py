"""The modeler's list of case facts: each fact in words with its kind of answer and where it comes from,
for process owners only."""

from __future__ import annotations

import json
from pathlib import Path

from service.processes.facts import process_facts
from tests.api.conftest import Api
from tests.api.test_request_guard import signed_in

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"

KEY = "information_sharing"


def test_a_process_owner_gets_each_fact_in_words_with_its_kind_and_its_step(api: Api) -> None:
    answer = signed_in(api, "pat.owner").get(f"/processes/{KEY}/facts")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    facts = {fact["name"]: fact for fact in answer.get_json()["facts"]}
    assert facts["purpose_clear"] == {"name": "purpose_clear", "type": "yes/no", "options": [],
                                      "label": "Can you say clearly why it needs to be shared?",
                                      "from": ["step 'Is there a clear legitimate purpose?'"]}
    receipt = facts["receipt_outcome"]
    assert receipt["type"] == "choice" and receipt["label"] == "What happens now?"
    assert [option["value"] for option in receipt["options"]] == ["confirmed", "wait_again", "close_without_receipt"]
    assert all(option["words"] for option in receipt["options"])
    emergency = {"value": "emergency", "words": "Emergency: a child is in immediate danger"}
    assert facts["urgency"]["options"][0] == emergency
    assert facts["urgency"]["from"] == ["when the case is started"]
    assert facts["review_date"]["type"] == "date"
    assert facts["may_share"]["type"] == "yes/no"
    assert facts["may_share"]["from"] == ["decision table 'May the information be shared?'"]
    assert facts["concern"]["type"] == "text"
    assert "subjects" not in facts, "a list of people is not a fact a condition compares"


def test_the_facts_of_a_named_draft_are_its_own(api: Api) -> None:
    form = json.loads((WORKFLOWS / "forms" / "follow_up_receipt.json").read_text())
    form["properties"]["chased_twice"] = {"type": "boolean", "title": "Have you chased it twice?"}
    bpmn = (WORKFLOWS / "information_sharing.bpmn").read_text()
    draft = api.post(f"/api/processes/{KEY}/drafts", "pat.owner", {
        "bpmn": bpmn, "change_note": "Ask whether it was chased twice",
        "files": {"forms/follow_up_receipt.json": json.dumps(form)}}, expect=201)
    owner = signed_in(api, "pat.owner")
    named = {f["name"]: f for f in owner.get(f"/processes/{KEY}/facts?draft={draft['id']}").get_json()["facts"]}
    assert named["chased_twice"] == {"name": "chased_twice", "label": "Have you chased it twice?", "type": "yes/no",
                                     "options": [], "from": ["step 'Follow up: no receipt or feedback yet'"]}
    mine = {f["name"] for f in owner.get(f"/processes/{KEY}/facts").get_json()["facts"]}
    assert "chased_twice" in mine, "without a draft named, the owner's own open draft"
    assert owner.get(f"/processes/{KEY}/facts?draft=no-such-draft").status_code == 404


def test_a_decision_output_with_fixed_values_is_a_choice() -> None:
    files = {name: (WORKFLOWS / name).read_text() for name in ("information_sharing.bpmn", "lawful_basis.dmn")}
    files["lawful_basis.dmn"] = files["lawful_basis.dmn"].replace(
        '<output id="exemption_out0" label="Exemption" name="exemption" />',
        '<output id="exemption_out0" label="Exemption" name="exemption"><outputValues><text>"None","Crime"</text>'
        "</outputValues></output>")
    found = {fact.name: fact for fact in process_facts(files)}
    assert found["exemption"].type == "choice"
    assert found["exemption"].options == [{"value": "None", "words": "None"}, {"value": "Crime", "words": "Crime"}]
    assert found["may_share"].type == "yes/no", "an output of only True and False is yes/no"


def test_a_practitioner_may_not_read_the_facts(api: Api) -> None:
    assert signed_in(api, "tess.teacher").get(f"/processes/{KEY}/facts").status_code == 403
    assert api.client.application.test_client().get(f"/processes/{KEY}/facts").status_code in (302, 401)
