"""The stuck cases of a process over the API: listed for process owners by step and version, and carried on
once a fixed version is published; everyone else is refused, and refusals change nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from markupsafe import escape
from sqlalchemy.orm import Session, sessionmaker

from service.processes.service import register_version
from tests.api.conftest import ACCOUNTS, Api
from tests.api.test_web_pages import _csrf, _sign_in
from tests.processes.test_stuck import BROKEN, FIXED, STEP, stuck_files

STUCK = "/api/processes/stuck/stuck-cases"


def publish(session_factory: sessionmaker[Session], script: str, key: str = "stuck") -> None:
    with session_factory.begin() as s:
        register_version(session=s, key=key, name="Stuck", files=stuck_files("task", script), author="pat.owner",
                         change_note="", now=datetime.now(UTC))


def stopped_case(api: Api, key: str = "stuck") -> dict[str, Any]:
    """A case of ``key`` whose first step tess.teacher completed: its next step fails on version 1."""
    case = api.post("/api/cases", "tess.teacher", {"process": key, "direction": "outbound_concern",
                                                   "urgency": "routine", "summary": "A concern"}, expect=201)
    [describe] = case["open_tasks"]
    api.post(f"/api/tasks/{describe['id']}/complete", "tess.teacher", {"data": {"facts": "given"}})
    return api.get(f"/api/cases/{case['id']}", "tess.teacher")


def test_owners_see_stuck_cases_by_step_and_carry_one_on_after_the_fix(
        api: Api, session_factory: sessionmaker[Session]) -> None:
    publish(session_factory, BROKEN)
    case = stopped_case(api)
    assert case["status"] == "incident"

    listed = api.get(STUCK, "pat.owner")
    assert listed["process"] == "stuck"
    [group] = listed["groups"]
    assert {k: group[k] for k in ("element_id", "element_name", "version", "count")} == {
        "element_id": "check", "element_name": STEP, "version": 1, "count": 1}
    assert "days_left" in group["message"]
    [stuck] = group["cases"]
    assert (stuck["id"], stuck["reference"], stuck["message"]) == (case["id"], case["reference"], group["message"])
    assert datetime.fromisoformat(stuck["stopped_since"]).tzinfo is not None

    publish(session_factory, FIXED)
    resumed = api.post(f"{STUCK}/{case['id']}/resume", "pat.owner")

    assert {k: resumed[k] for k in ("case_id", "reference", "status", "version", "message")} == {
        "case_id": case["id"], "reference": case["reference"], "status": "active", "version": 2, "message": None}
    assert resumed["note"] == "It moved from version 1 to version 2. It carried on."
    assert api.get(STUCK, "pat.owner")["groups"] == []
    detail = api.get(f"/api/cases/{case['id']}", "tess.teacher")
    assert detail["status"] == "active" and [t["element_id"] for t in detail["open_tasks"]] == ["decide"]
    # Carried on: it is no longer stuck, so a second press is refused.
    again = api.call("POST", f"{STUCK}/{case['id']}/resume", "pat.owner", expect=409).get_json()
    assert again["error"] == f"the case {case['reference']} is not stuck (it is active): there is nothing to carry on"


def test_a_case_that_fails_again_stays_stuck_with_the_new_reason(
        api: Api, session_factory: sessionmaker[Session]) -> None:
    publish(session_factory, BROKEN)
    case = stopped_case(api)
    publish(session_factory, "deadline = 1 / 0")

    resumed = api.post(f"{STUCK}/{case['id']}/resume", "pat.owner")

    assert (resumed["status"], resumed["version"]) == ("incident", 2)
    assert "division" in resumed["message"] and "It stopped again" in resumed["note"]
    [group] = api.get(STUCK, "pat.owner")["groups"]
    assert (group["version"], group["message"], group["count"]) == (2, resumed["message"], 1)


def test_with_no_newer_version_it_says_the_step_was_tried_on_the_same_one(
        api: Api, session_factory: sessionmaker[Session]) -> None:
    publish(session_factory, BROKEN)
    case = stopped_case(api)

    resumed = api.post(f"{STUCK}/{case['id']}/resume", "pat.owner")

    assert (resumed["status"], resumed["version"]) == ("incident", 1)
    assert resumed["note"].startswith("There is no newer version than version 1, so its step was tried again on it")


@pytest.mark.parametrize("user", [u for u in ACCOUNTS if u != "pat.owner"])
def test_only_process_owners_see_or_resume_stuck_cases(
        api: Api, session_factory: sessionmaker[Session], user: str) -> None:
    publish(session_factory, BROKEN)
    case = stopped_case(api)
    publish(session_factory, FIXED)

    listed = api.call("GET", STUCK, user, expect=403).get_json()
    resumed = api.call("POST", f"{STUCK}/{case['id']}/resume", user, expect=403).get_json()

    assert listed["error"] == resumed["error"] == "changing the process is for process owners"
    assert api.get(f"/api/cases/{case['id']}", "tess.teacher")["status"] == "incident"
    assert api.call("GET", STUCK, expect=401).get_json()["error"]


def test_unknown_processes_and_cases_are_not_found(api: Api, session_factory: sessionmaker[Session]) -> None:
    publish(session_factory, BROKEN)
    publish(session_factory, FIXED, key="other")
    case = stopped_case(api)

    assert api.call("GET", "/api/processes/nope/stuck-cases", "pat.owner", expect=404).get_json()["error"] == (
        "no process 'nope' has been published")
    missing = api.call("POST", f"{STUCK}/no-such-case/resume", "pat.owner", expect=404).get_json()
    assert missing["error"] == "no case no-such-case"
    elsewhere = api.call("POST", f"/api/processes/other/stuck-cases/{case['id']}/resume", "pat.owner",
                         expect=404).get_json()
    assert elsewhere["error"] == f"no case {case['id']} in process 'other'"
    assert api.get(STUCK, "pat.owner")["groups"][0]["count"] == 1


def test_the_endpoints_are_documented(api: Api) -> None:
    paths = api.get("/api/openapi.json")["paths"]
    assert set(paths["/api/processes/{key}/stuck-cases"]) == {"get"}
    resume = paths["/api/processes/{key}/stuck-cases/{case_id}/resume"]["post"]
    assert {"200", "403", "404", "409"} <= set(resume["responses"])


def test_the_stuck_cases_page_says_where_cases_stopped_and_carries_them_on(
        app: Flask, api: Api, session_factory: sessionmaker[Session]) -> None:
    publish(session_factory, BROKEN)
    first, second = stopped_case(api), stopped_case(api)
    browser = app.test_client()
    _sign_in(browser, "pat.owner")

    page = browser.get("/processes/stuck/stuck").get_data(as_text=True)

    assert f"2 cases stopped at '{escape(STEP)}' (version 1)" in page
    assert "days_left" in page and first["reference"] in page and second["reference"] in page
    assert "No newer version has been published" in page
    publish(session_factory, FIXED)
    token = _csrf(browser, "/processes/stuck/stuck")
    done = browser.post(f"/processes/stuck/stuck/{first['id']}/resume", data={"csrf_token": token},
                        follow_redirects=True).get_data(as_text=True)
    assert f"{first['reference']}: It moved from version 1 to version 2. It carried on." in done
    assert f"1 case stopped at '{escape(STEP)}' (version 1)" in done
    assert f'data-case="{first["id"]}"' not in done and f'data-case="{second["id"]}"' in done
    again = browser.post(f"/processes/stuck/stuck/{first['id']}/resume", data={"csrf_token": token},
                         follow_redirects=True).get_data(as_text=True)
    assert "Nothing was done: the case" in again and "is not stuck (it is active)" in again
    group = browser.post("/processes/stuck/stuck/resume", data={"csrf_token": token, "element_id": "check",
                                                                "version": "1"}, follow_redirects=True)
    assert "1 case tried again: 1 carried on, 0 stopped again." in group.get_data(as_text=True)
    assert "No case of this process is stuck." in group.get_data(as_text=True)


def test_the_stuck_cases_page_is_for_process_owners_only(app: Flask, session_factory: sessionmaker[Session]) -> None:
    publish(session_factory, BROKEN)
    browser = app.test_client()
    _sign_in(browser, "mo.manager")
    page = browser.get("/processes/stuck/stuck")
    assert page.status_code == 403 and "changing the process is for process owners" in page.get_data(as_text=True)
    _sign_in(browser, "pat.owner")
    assert browser.get("/processes/nope/stuck").status_code == 404
    token = _csrf(browser, "/processes/stuck/stuck")
    bad = browser.post("/processes/stuck/stuck/resume", data={"csrf_token": token, "element_id": "check",
                                                              "version": "x"})
    assert bad.status_code == 422 and "choose the version the cases stopped on" in bad.get_data(as_text=True)
