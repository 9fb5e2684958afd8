"""The web pages over the real app: sign-in, CSRF, a queue task given to a colleague, the record download."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from tests.api.conftest import PASSWORD, Api
from tests.record_faces import pdf_text

CHILD = [{"role": "child", "name": "Ria"}]


def _csrf(client: FlaskClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def _sign_in(client: FlaskClient, username: str) -> None:
    response = client.post("/login", data={"csrf_token": _csrf(client, "/login"), "username": username,
                                           "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


def _to_manager_task(api: Api) -> dict[str, Any]:
    user = "tess.teacher"
    case = api.post("/api/cases", user, {"direction": "outbound_concern", "urgency": "same_day",
                                         "summary": "Unsure about a disclosure"}, expect=201)
    steps = [
        {"concern": "A worrying remark", "subjects": CHILD},
        {"purpose": "s17", "purpose_clear": True, "purpose_reasons": "Support"},
        {"identifies_individual": True, "special_category": True, "criminal_offence_data": False,
         "confidential": True, "subject_at_risk": True, "legal_obligation": False},
        {"consent_appropriate": False, "seeking_consent_increases_risk": True, "subject_can_consent": True,
         "consent_result": "not_sought", "consent_not_sought_reason": "Advice needed first", "unsure": True,
         "question_for_adviser": "Is this a child protection matter?"},
        {"risk_of_significant_harm": False, "overriding_public_interest": False, "unsure": True,
         "question_for_adviser": "Can I share without asking her parents?", "consent_override_reason": "Not sure"},
    ]
    following = case["open_tasks"]
    for answers in steps:
        following = api.post(f"/api/tasks/{following[0]['id']}/complete", user, {"data": answers})["next_tasks"]
    detail = api.get(f"/api/cases/{case['id']}", "mo.manager")
    [task] = [t for t in detail["open_tasks"] if t["element_id"] == "manager_advice"]
    return task


def test_a_form_without_its_csrf_token_is_refused(api: Api) -> None:
    client = api.client
    response = client.post("/login", data={"username": "tess.teacher", "password": PASSWORD})
    assert response.status_code == 400 and b"expired" in response.data
    assert client.get("/tasks").status_code == 302, "still signed out"


def test_a_manager_gives_a_queue_task_to_a_colleague_from_the_task_page(api: Api) -> None:
    task = _to_manager_task(api)
    client = api.client
    _sign_in(client, "mo.manager")
    page = client.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert '<option value="dee.lead">' in page and '<option value="mo.manager">' in page
    assert '<option value="tess.teacher">' not in page and '<option value="sue.manager">' not in page
    token = _csrf(client, f"/tasks/{task['id']}")
    refused = client.post(f"/tasks/{task['id']}", data={"csrf_token": token, "action": "assign",
                                                       "assignee": "sue.manager"})
    assert refused.status_code == 422 and b"cannot work this task" in refused.data
    done = client.post(f"/tasks/{task['id']}", data={"csrf_token": token, "action": "assign",
                                                    "assignee": "dee.lead"})
    assert done.status_code == 302
    assert api.get(f"/api/tasks/{task['id']}", "dee.lead")["assignee"] == "dee.lead"


def test_the_record_downloads_as_a_pdf_from_the_case_page(api: Api) -> None:
    task = _to_manager_task(api)
    client = api.client
    _sign_in(client, "tess.teacher")
    download = client.get(f"/cases/{task['case_id']}/record.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    reference = api.get(f"/api/cases/{task['case_id']}", "tess.teacher")["reference"]
    text = pdf_text(download.data)  # before the record step: the case, and that nothing is recorded yet
    assert f"Decision record — case {reference}" in text and "Unsure about a disclosure" in text
    assert "Same day · open" in text and "Printed by tess.teacher" in text
    assert "Nothing recorded yet: the record is written at the record step." in text
    _sign_in(client, "hana.visitor")
    assert client.get(f"/cases/{task['case_id']}/record.pdf").status_code == 404


def test_the_admin_manages_accounts_on_a_page_and_nobody_else_can(api: Api) -> None:
    admin = api.client
    _sign_in(admin, "sam.admin")
    landing = admin.get("/tasks")
    assert landing.status_code == 302 and landing.headers["Location"].endswith("/admin/accounts")
    page = admin.get("/admin/accounts").get_data(as_text=True)
    assert "tess.teacher" in page and "north" in page
    csrf = _csrf(admin, "/admin/accounts")
    short = admin.post("/admin/accounts", data={"csrf_token": csrf, "username": "new.worker", "display_name": "New",
                                                "email": "new@example.org", "password": "short",
                                                "roles": ["practitioner"], "team": "north"})
    assert short.status_code == 422 and "at least 12 characters" in short.get_data(as_text=True)
    created = admin.post("/admin/accounts", data={
        "csrf_token": csrf, "username": "new.worker", "display_name": "New Worker", "email": "new@example.org",
        "password": "a-long-enough-password", "roles": ["practitioner"], "team": "north"})
    assert created.status_code == 302
    assert api.post("/api/tokens", json={"username": "new.worker", "password": "a-long-enough-password"},
                    expect=201)["roles"] == ["practitioner"]
    off = admin.post("/admin/accounts/new.worker/deactivate", data={"csrf_token": csrf})
    assert off.status_code == 302 and "switched off" in admin.get("/admin/accounts").get_data(as_text=True)
    api.post("/api/tokens", json={"username": "new.worker", "password": "a-long-enough-password"}, expect=401)

    other = api.client.application.test_client()
    _sign_in(other, "dee.lead")
    assert other.get("/admin/accounts").status_code == 403
    assert other.post("/admin/accounts/tess.teacher/deactivate",
                      data={"csrf_token": _csrf(other, "/tasks")}).status_code == 403


def test_the_diagram_and_decision_table_editors_are_served_from_our_own_host(api: Api) -> None:
    client = api.client  # public, like the other static files: no sign-in
    for library, path in [("bpmn-js", "bpmn-modeler.production.min.js"), ("dmn-js", "dmn-modeler.production.min.js"),
                          ("dmn-js", "assets/dmn-js-decision-table.css")]:
        response = client.get(f"/vendor/{library}/{path}")
        assert response.status_code == 200, (library, path)
        assert len(response.data) > 1000
    for refused in ["/vendor/left-pad/index.js", "/vendor/dmn-js/../package.json", "/vendor/dmn-js/%2e%2e/package.json",
                    "/vendor/dmn-js/no-such-file.js"]:
        assert client.get(refused).status_code == 404, refused


def test_pages_show_times_as_uk_wall_time(api: Api) -> None:
    from service.uktime import uk_time

    task = _to_manager_task(api)
    assert task["due_at"], "the manager's advice step has an escalation deadline"
    client = api.client
    _sign_in(client, "mo.manager")
    shown = uk_time(task["due_at"])
    assert shown.endswith((" GMT", " BST"))
    assert f"Due {shown}" in client.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert shown in client.get("/tasks?scope=team").get_data(as_text=True)
    assert " UTC" not in client.get(f"/cases/{task['case_id']}").get_data(as_text=True)
