"""Who was given access, and who changed the processes: account, team and process changes go on the
audit chain, and auditors (and the DSL) read them newest first, a page at a time."""

from __future__ import annotations

import json
from typing import Any

from service.processes.bundled import WORKFLOWS_DIR
from tests.api.conftest import ACCOUNTS, Api
from tests.api.test_web_pages import _sign_in

SECRET = "a-long-enough-password-for-dee"
NEW_DSL = {"username": "dev.deputy", "password": SECRET, "roles": ["dsl"], "display_name": "Dev Deputy",
           "email": "dev@example.org"}


def _changes(api: Api, user: str = "ada.auditor", query: str = "") -> dict[str, Any]:
    return api.get(f"/api/audit/changes{query}", user)


def test_giving_and_taking_access_is_on_the_audit_trail_without_the_password(api: Api) -> None:
    before = _changes(api)["events"]
    api.post("/api/teams", "sam.admin", {"name": "Early help"}, expect=201)
    api.post("/api/users", "sam.admin", NEW_DSL, expect=201)
    api.post("/api/users/dev.deputy/deactivate", "sam.admin")
    api.post("/api/users/dev.deputy/deactivate", "sam.admin")  # already off: nothing more to record

    events = _changes(api)["events"]
    new = events[: len(events) - len(before)]
    assert [(e["action"], e["actor"], e["role"]) for e in new] == [
        ("account_switched_off", "sam.admin", "admin"),
        ("account_created", "sam.admin", "admin"),
        ("team_added", "sam.admin", "admin"),
    ]
    assert new[0]["summary"] == {"username": "dev.deputy", "roles": ["dsl"], "team": None}
    assert new[1]["summary"] == {"username": "dev.deputy", "roles": ["dsl"], "team": None}
    assert new[2]["summary"] == {"team": "Early help"}
    assert [e["seq"] for e in events] == sorted((e["seq"] for e in events), reverse=True), "newest first"
    assert SECRET not in json.dumps(events)
    assert api.get("/api/audit/verify", "ada.auditor")["ok"]


def test_a_refused_account_leaves_no_trace(api: Api) -> None:
    before = _changes(api)["events"]
    api.post("/api/users", "sam.admin", NEW_DSL | {"password": "short"}, expect=422)
    api.post("/api/users", "sam.admin", NEW_DSL | {"roles": ["practitioner"], "team": "nowhere"}, expect=422)
    api.post("/api/users", "sam.admin", NEW_DSL | {"username": "tess.teacher"}, expect=409)
    assert _changes(api)["events"] == before


def test_process_changes_are_listed_with_account_changes(api: Api) -> None:
    bpmn = (WORKFLOWS_DIR / "information_sharing.bpmn").read_text().replace(
        'name="Advice overdue"', 'name="Advice is overdue"')
    draft = api.post("/api/processes/information_sharing/drafts", "pat.owner",
                     {"files": {"information_sharing.bpmn": bpmn}, "change_note": "Clearer name"}, expect=201)
    [latest] = _changes(api, query="?limit=1")["events"]
    assert latest["action"] == "process_draft_saved" and latest["actor"] == "pat.owner"
    assert latest["summary"]["draft"] == draft["id"]


def test_the_changes_page_back_by_seq(api: Api) -> None:
    for name in ("east", "west", "central"):
        api.post("/api/teams", "sam.admin", {"name": name}, expect=201)
    everything = [e["seq"] for e in _changes(api, query="?limit=200")["events"]]
    first = _changes(api, query="?limit=2")
    assert [e["seq"] for e in first["events"]] == everything[:2]
    assert first["older"] == everything[1]
    rest = _changes(api, query=f"?limit=200&before={first['older']}")
    assert [e["seq"] for e in rest["events"]] == everything[2:]
    assert rest["older"] is None


def test_only_auditors_and_the_dsl_read_the_changes_and_bad_paging_is_refused(api: Api) -> None:
    assert _changes(api, "dee.lead")["events"]
    for user, (role, _) in ACCOUNTS.items():
        if role not in ("auditor", "dsl"):
            api.get("/api/audit/changes", user, expect=403)
    api.get("/api/audit/changes", None, expect=401)
    for query, field in [("?before=abc", "before"), ("?before=-1", "before"), ("?limit=0", "limit"),
                         ("?limit=201", "limit"), ("?before=2147483648", "before")]:
        assert api.get(f"/api/audit/changes{query}", "ada.auditor", expect=422)["field"] == field


def test_the_auditor_reads_the_changes_on_the_audit_page(api: Api) -> None:
    api.post("/api/users", "sam.admin", NEW_DSL, expect=201)
    client = api.client
    _sign_in(client, "ada.auditor")
    page = client.get("/audit").get_data(as_text=True)
    assert "Changes to accounts, teams and processes" in page
    assert "Account created" in page and "username: dev.deputy; roles: dsl" in page
    assert SECRET not in page
    _sign_in(client, "tess.teacher")
    assert client.get("/audit").status_code == 403
