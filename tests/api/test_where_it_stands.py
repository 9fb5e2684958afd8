"""Where a case stands: the step now, who has it, when it is due, and what comes next where the
diagram says so without waiting on answers not yet given."""

from __future__ import annotations

from service.engine import FINISHES, compile_process, steps_after
from service.processes.bundled import WORKFLOWS_DIR
from service.processes.service import read_process_files
from tests.api.conftest import Api
from tests.api.test_web_pages import _sign_in
from tests.record_faces import page_text
from tests.workflows.test_scenarios import CHILD, no_danger_concern

TESS = "tess.teacher"


def test_the_steps_after_each_step_follow_the_diagram_through_gateways_and_events() -> None:
    process = compile_process(read_process_files(WORKFLOWS_DIR))
    assert steps_after(process, "describe_concern") == ["Is there a clear legitimate purpose?"]
    assert steps_after(process, "choose_what_to_share") == ["Send securely"]
    assert set(steps_after(process, "check_purpose")) == {
        "Not sharing: record why and tell the requester", "Does it identify anyone? What kind of information?"}
    assert FINISHES in steps_after(process, "record_decision"), "a recorded decision may end the case"


def test_the_case_says_who_has_the_step_now_and_what_comes_next(api: Api) -> None:
    case = api.post("/api/cases", TESS, {"direction": "outbound_concern", "urgency": "routine",
                                         "summary": "A worry about a pupil"}, expect=201)
    [now] = api.get(f"/api/cases/{case['id']}", TESS)["waiting_for"]
    assert (now["kind"], now["what"], now["who"], now["then"]) == (
        "step", "Describe the concern", TESS, ["Is there a clear legitimate purpose?"])
    task = case["open_tasks"][0]
    following = api.post(f"/api/tasks/{task['id']}/complete", TESS,
                         {"data": no_danger_concern("Often hungry at school", CHILD)})["next_tasks"]
    [now] = api.get(f"/api/cases/{case['id']}", TESS)["waiting_for"]
    assert now["task_id"] == following[0]["id"] and now["what"] == "Is there a clear legitimate purpose?"
    assert set(now["then"]) == {"Not sharing: record why and tell the requester",
                                "Does it identify anyone? What kind of information?"}

    _sign_in(api.client, TESS)
    words = page_text(api.client.get(f"/cases/{case['id']}").get_data(as_text=True))
    assert "Now: Is there a clear legitimate purpose?" in words and "with you. Next, depending on the answers:" in words
    assert ("\u2018Not sharing: record why and tell the requester\u2019 or "
            "\u2018Does it identify anyone? What kind of information?\u2019") in words
