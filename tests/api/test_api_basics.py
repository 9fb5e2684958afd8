"""The API's contract: sign in with a token, clear errors with the right status, nothing changed by bad input."""

from __future__ import annotations

from tests.api.conftest import PASSWORD, Api
from tests.record_faces import pdf_text


def test_a_token_needs_the_right_password_and_guessing_is_stopped(api: Api) -> None:
    assert api.post("/api/tokens", json={"username": "tess.teacher", "password": "wrong"}, expect=401)["error"]
    for _ in range(4):
        api.post("/api/tokens", json={"username": "tess.teacher", "password": "wrong"}, expect=401)
    refused = api.post("/api/tokens", json={"username": "tess.teacher", "password": PASSWORD}, expect=429)
    assert "too many failed sign-ins" in refused["error"]


def test_calls_without_a_valid_token_are_refused(api: Api) -> None:
    assert api.get("/api/cases", expect=401)["error"].startswith("sign in first")
    response = api.client.get("/api/cases", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401


def test_bad_requests_get_clear_errors_and_change_nothing(api: Api) -> None:
    malformed = api.client.post("/api/cases", data="{not json", content_type="application/json",
                                headers={"Authorization": f"Bearer {api.token('tess.teacher')}"})
    assert malformed.status_code == 400 and "JSON object" in malformed.get_json()["error"]
    wrong = api.post("/api/cases", "tess.teacher", {"direction": "sideways", "urgency": "routine",
                                                    "summary": "x"}, expect=422)
    assert wrong["field"] == "direction"
    assert api.get("/api/cases", "tess.teacher")["cases"] == []
    assert api.get("/api/cases/no-such-case", "tess.teacher", expect=404)["error"]
    nul = api.post("/api/tokens", json={"username": "\x00", "password": "x"}, expect=422)
    assert nul["field"] == "username", "a NUL character is refused, not a server error (PostgreSQL stores none)"
    assert api.get("/api/nowhere", "tess.teacher", expect=404)["error"]


def test_a_practitioner_starts_a_case_and_sees_its_first_task(api: Api) -> None:
    case = api.post("/api/cases", "tess.teacher", {"direction": "outbound_concern", "urgency": "routine",
                                                   "summary": "Worried about Sam"}, expect=201)
    assert case["status"] == "active" and case["reference"].startswith("ISD-")
    [task] = case["open_tasks"]
    assert task["element_id"] == "describe_concern"
    detail = api.get(f"/api/tasks/{task['id']}", "tess.teacher")
    assert detail["form_schema"]["title"] == "Describe the concern"
    assert detail["data"]["direction"] == "outbound_concern"
    mine = api.get("/api/tasks?scope=mine", "tess.teacher")
    assert [t["id"] for t in mine["tasks"]] == [task["id"]]
    refused = api.post(f"/api/tasks/{task['id']}/complete", "tess.teacher", {"data": {"concern": 7}},
                       expect=422)
    assert {"concern", "subjects"} <= {p["field"] for p in refused["problems"]}
    assert refused["error"] == "Answer 'What have you seen or heard?'", "in plain words, naming the question"


def test_completing_a_task_says_what_comes_next_and_lists_take_a_page_size(api: Api) -> None:
    case = api.post("/api/cases", "tess.teacher", {"direction": "outbound_concern", "urgency": "routine",
                                                   "summary": "Worried about Sam"}, expect=201)
    [task] = case["open_tasks"]
    done = api.post(f"/api/tasks/{task['id']}/complete", "tess.teacher", {"data": {
        "concern": "Often late and tired",
        "subjects": [{"role": "child", "name": "Sam"}]}})
    assert done["state"] == "completed"
    assert [t["element_id"] for t in done["next_tasks"]] == ["check_purpose"]
    assert len(api.get("/api/tasks?scope=mine&limit=1", "tess.teacher")["tasks"]) == 1
    assert api.get("/api/tasks?scope=mine&limit=500", "tess.teacher", expect=422)["field"] == "limit"


def test_the_record_comes_as_json_or_as_a_pdf(api: Api) -> None:
    case = api.post("/api/cases", "tess.teacher", {"direction": "outbound_concern", "urgency": "routine",
                                                   "summary": "Worried about Sam"}, expect=201)
    token = api.token("tess.teacher")
    as_pdf = api.client.get(f"/api/cases/{case['id']}/record", headers={
        "Authorization": f"Bearer {token}", "Accept": "application/pdf"})
    assert as_pdf.mimetype == "application/pdf"
    assert f"Decision record — case {case['reference']}" in pdf_text(as_pdf.data)
    download = api.client.get(f"/api/cases/{case['id']}/record.pdf", headers={"Authorization": f"Bearer {token}"})
    assert download.status_code == 200
    assert "Nothing recorded yet: the record is written at the record step." in pdf_text(download.data)
    assert case["reference"] in download.headers["Content-Disposition"]
    assert api.get(f"/api/cases/{case['id']}/record", "tess.teacher")["case"]["id"] == case["id"]
    assert api.call("GET", f"/api/cases/{case['id']}/record.pdf", "hana.visitor").status_code == 404


def test_a_draft_keeps_unfinished_answers_until_the_task_is_completed(api: Api) -> None:
    case = api.post("/api/cases", "tess.teacher", {"direction": "outbound_concern", "urgency": "routine",
                                                   "summary": "Worried about Sam"}, expect=201)
    task_id = case["open_tasks"][0]["id"]
    api.post(f"/api/tasks/{task_id}/draft", "tess.teacher", {"data": {"concern": "Half-written"}})
    assert api.get(f"/api/tasks/{task_id}", "tess.teacher")["draft"] == {"concern": "Half-written"}
    assert api.call("POST", f"/api/tasks/{task_id}/draft", "hana.visitor", json={"data": {}}).status_code == 404
    api.post(f"/api/tasks/{task_id}/complete", "tess.teacher", {"data": {
        "concern": "Finished", "subjects": [{"role": "child", "name": "Sam"}]}})
    assert api.get(f"/api/tasks/{task_id}", "tess.teacher")["draft"] is None
