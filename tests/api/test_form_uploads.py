"""Forms in a process owner's draft, over HTTP: refused at save with the file and the JSON pointer of each
problem (remote references, patterns RE2 cannot take, unknown formats, text without a maxLength), and a
whole-number question that works end to end: shown as a numeric input, posted from the page, validated,
and in the record."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from service.processes.bundled import WORKFLOWS_DIR
from tests.api.conftest import Api
from tests.api.test_http_scenarios import complete, record_of, start
from tests.api.test_processes_api import DRAFTS, OLU, PAT, stored
from tests.processes.test_drafts import NEW_TIMER, with_manager_timer
from tests.record_faces import page_text, record_faces, sign_in
from tests.workflows.test_scenarios import information, purpose, recorded

FORM = "forms/describe_concern.json"
TESS = "tess.teacher"
COUNT = "children_in_household"
COUNT_QUESTION = "How many children live in the household?"


def shipped_form() -> dict[str, Any]:
    return json.loads((WORKFLOWS_DIR / FORM).read_text())


def upload(api: Api, form: dict[str, Any], expect: int) -> Any:
    return api.post(DRAFTS, PAT, {"bpmn": with_manager_timer(NEW_TIMER), "change_note": "A changed form",
                                  "files": {FORM: json.dumps(form)}}, expect=expect)


def refused_at(api: Api, form: dict[str, Any]) -> dict[str, str]:
    """The problems of a refused upload, by JSON pointer; each names the form's file."""
    refused = upload(api, form, 422)
    assert refused["error"].startswith("the draft was refused")
    assert all(p["file"] == FORM for p in refused["problems"]), refused["problems"]
    return {p["element_id"]: p["message"] for p in refused["problems"]}


def with_concern(**changes: Any) -> dict[str, Any]:
    form = shipped_form()
    form["properties"]["concern"].update(changes)
    return form


@pytest.mark.parametrize("ref", ["file:///etc/passwd", "http://forms.example.org/concern.json"])
def test_a_form_referring_outside_itself_is_refused_with_its_file_and_pointer(
        owners: Api, session_factory: sessionmaker[Session], ref: str) -> None:
    before = stored(session_factory)
    problems = refused_at(owners, with_concern(**{"$ref": ref}))
    assert "must point inside the form" in problems["#/properties/concern/$ref"], problems
    assert stored(session_factory) == before, "nothing stored"


def test_a_pattern_the_linear_time_engine_cannot_take_is_refused(owners: Api) -> None:
    # A look-ahead and a back-reference only backtracking engines run; RE2 refuses them.
    form = with_concern(pattern="^(?=a)(a+)+$")
    form["properties"]["subjects"]["items"]["properties"]["name"]["pattern"] = r"^(\w)\1+$"
    problems = refused_at(owners, form)
    assert "linear time" in problems["#/properties/concern/pattern"]
    assert "linear time" in problems["#/properties/subjects/items/properties/name/pattern"]


def test_an_unknown_format_and_text_without_a_maxlength_are_refused(owners: Api) -> None:
    form = with_concern(format="hostname")
    del form["properties"]["subjects"]["items"]["properties"]["name"]["maxLength"]
    problems = refused_at(owners, form)
    assert "not one the service checks" in problems["#/properties/concern/format"]
    assert problems["#/properties/subjects/items/properties/name"] == (
        "the text field 'name' has no maxLength: say how long an answer may be")


def test_a_question_a_page_cannot_show_is_refused(owners: Api) -> None:
    form = shipped_form()
    form["properties"]["household"] = {"type": "object", "properties": {}}
    assert "a page shows" in refused_at(owners, form)["#/properties/household"]


def publish_with_count_question(api: Api) -> None:
    form = shipped_form()
    form["properties"][COUNT] = {"type": "integer", "title": COUNT_QUESTION, "minimum": 0, "maximum": 30}
    draft = upload(api, form, 201)
    api.post(f"{DRAFTS}/{draft['id']}/submit", PAT)
    api.post(f"{DRAFTS}/{draft['id']}/approve", OLU)
    assert api.post(f"{DRAFTS}/{draft['id']}/publish", PAT)["version"]["number"] == 2


def signed_in_page(api: Api) -> FlaskClient:
    browser = FlaskClient(api.client.application, use_cookies=True)
    sign_in(browser, TESS)
    return browser


def post_task(browser: FlaskClient, task_id: str, **fields: str) -> Any:
    page = browser.get(f"/tasks/{task_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF token on the task page"
    return browser.post(f"/tasks/{task_id}", data={"csrf_token": token.group(1), "action": "complete", **fields})


def finish_without_naming_anyone(api: Api, open_task: Any, case_id: str) -> None:
    complete(api, open_task, case_id, "check_purpose", TESS, purpose("early_help", True, "Support for the family"))
    complete(api, open_task, case_id, "check_information", TESS, information(identifies_individual=False))
    complete(api, open_task, case_id, "anonymous_consultation", TESS, {
        "consulted_whom": "The early help duty line", "advice": "Offer early help", "subject_named": False})
    complete(api, open_task, case_id, "record_decision", TESS, recorded("Consulted without naming anyone."))


def test_a_whole_number_is_asked_on_the_page_and_lands_in_the_record(owners: Api, open_task: Any) -> None:
    api = owners
    publish_with_count_question(api)
    case = start(api, TESS, direction="outbound_concern", urgency="routine", summary="A family under strain")
    [task] = case["open_tasks"]
    browser = signed_in_page(api)
    page = browser.get(f"/tasks/{task['id']}").get_data(as_text=True)
    field = re.search(rf'<input id="{COUNT}"[^>]*>', page)
    assert field and 'inputmode="numeric"' in field.group(0), page
    concern = {"concern": "Often hungry at school", "subjects-0-role": "child", "subjects-0-name": "Unnamed pupil"}

    wrong = post_task(browser, task["id"], **concern, **{COUNT: "three"})
    assert wrong.status_code == 422
    assert f"Enter &#39;{COUNT_QUESTION}&#39; as a whole number" in wrong.get_data(as_text=True)
    too_many = post_task(browser, task["id"], **concern, **{COUNT: "31"})
    assert too_many.status_code == 422 and "from 0 to 30" in too_many.get_data(as_text=True)
    assert re.search(rf'<input id="{COUNT}"[^>]*value="31"', too_many.get_data(as_text=True)), "kept as typed"
    done = post_task(browser, task["id"], **concern, **{COUNT: " 3 "})
    assert done.status_code == 302, done.get_data(as_text=True)

    so_far = page_text(browser.get(done.headers["Location"]).get_data(as_text=True))
    assert f"{COUNT_QUESTION} 3" in so_far, "the next step's case so far shows the number"
    finish_without_naming_anyone(api, open_task, case["id"])
    assert record_of(api, case["id"], TESS)["case"]["status"] == "completed"
    record_faces(api, case["id"], TESS).all_say(f"{COUNT_QUESTION} 3")


def test_a_whole_number_through_the_api_is_validated_and_kept_as_a_number(owners: Api, open_task: Any) -> None:
    api = owners
    publish_with_count_question(api)
    case = start(api, TESS, direction="outbound_concern", urgency="routine", summary="A family under strain")
    [task] = case["open_tasks"]
    answers = {"concern": "Often hungry at school", "subjects": [{"role": "child", "name": "Unnamed pupil"}]}
    refused = api.post(f"/api/tasks/{task['id']}/complete", TESS, {"data": answers | {COUNT: "3"}}, expect=422)
    assert (refused["field"], refused["error"]) == (COUNT, f"Enter '{COUNT_QUESTION}' as a whole number, for "
                                                           "example 3")
    done = api.post(f"/api/tasks/{task['id']}/complete", TESS, {"data": answers | {COUNT: 0}})
    assert done["state"] == "completed"
    assert api.get(f"/api/tasks/{task['id']}", TESS)["data"][COUNT] == 0
    finish_without_naming_anyone(api, open_task, case["id"])
    record_faces(api, case["id"], TESS).all_say(f"{COUNT_QUESTION} 0")
