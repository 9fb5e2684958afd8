"""Admins change an account's roles or team and switch it back on; each change applies from the next
request, is refused with a clear error when it would leave the account unusable, and is audited with
what the account had before."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from service.accounts.models import ApiToken, User
from tests.api.conftest import PASSWORD, Api
from tests.api.test_web_pages import _csrf, _sign_in


def _account(api: Api, username: str) -> dict[str, Any]:
    [found] = [u for u in api.get("/api/users", "sam.admin")["users"] if u["username"] == username]
    return found


def _changes(api: Api) -> list[dict[str, Any]]:
    return api.get("/api/audit/changes?limit=200", "ada.auditor")["events"]


def test_a_practitioner_becomes_a_manager_of_another_team_from_the_next_request(api: Api) -> None:
    api.get("/api/tasks?scope=team", "tess.teacher", expect=403)
    changed = api.call("PATCH", "/api/users/tess.teacher", "sam.admin", 200,
                       json={"roles": ["manager"], "team": "south"}).get_json()
    assert (changed["roles"], changed["team"]) == (["manager"], "south")
    api.get("/api/tasks?scope=team", "tess.teacher", expect=401)  # the change signed her out everywhere
    api.tokens.pop("tess.teacher")
    api.get("/api/tasks?scope=team", "tess.teacher")  # signed in again, as a manager
    [event] = [e for e in _changes(api) if e["action"] == "account_changed"]
    assert event["actor"] == "sam.admin"
    assert event["summary"] == {"username": "tess.teacher", "roles": ["manager"], "team": "south",
                                "had_roles": ["practitioner"], "had_team": "north"}


def test_a_key_left_out_keeps_what_the_account_has_and_no_change_records_nothing(api: Api) -> None:
    before = _changes(api)
    api.call("PATCH", "/api/users/tess.teacher", "sam.admin", 200, json={"team": "north"})
    api.call("PATCH", "/api/users/tess.teacher", "sam.admin", 200, json={})
    assert _changes(api) == before
    api.call("PATCH", "/api/users/tess.teacher", "sam.admin", 200, json={"roles": ["practitioner", "manager"]})
    assert _account(api, "tess.teacher")["roles"] == ["manager", "practitioner"]
    assert _account(api, "tess.teacher")["team"] == "north"


def test_a_change_that_would_leave_an_account_unusable_is_refused_and_changes_nothing(api: Api) -> None:
    before, account = _changes(api), _account(api, "tess.teacher")
    for change, status, field in [({"roles": []}, 422, "roles"), ({"roles": ["wizard"]}, 422, "roles"),
                                  ({"roles": "manager"}, 422, "roles"), ({"team": None}, 422, "team"),
                                  ({"team": "North"}, 422, "team"), ({"team": 7}, 422, "team")]:
        answer = api.call("PATCH", "/api/users/tess.teacher", "sam.admin", status, json=change).get_json()
        assert answer["field"] == field, change
    mine = api.call("PATCH", "/api/users/sam.admin", "sam.admin", 403, json={"roles": ["auditor"]}).get_json()
    assert "cannot change your own roles or team" in mine["error"]
    api.call("PATCH", "/api/users/nobody", "sam.admin", 404, json={"roles": ["auditor"]})
    api.call("PATCH", "/api/users/tess.teacher", "mo.manager", 403, json={"roles": ["admin"]})
    api.call("PATCH", "/api/users/tess.teacher", None, 401, json={"roles": ["admin"]})
    assert _account(api, "tess.teacher") == account
    assert _changes(api) == before


def test_switching_off_revokes_the_tokens_and_switching_on_needs_a_new_sign_in(api: Api) -> None:
    old_token = api.token("hana.visitor")
    api.post("/api/users/hana.visitor/deactivate", "sam.admin")
    with api.client.application.extensions["db_session_factory"]() as s:
        user_id = s.scalar(select(User.id).where(User.username == "hana.visitor"))
        assert s.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.user_id == user_id)) == 0
    assert api.post("/api/users/hana.visitor/reactivate", "sam.admin")["active"] is True
    assert api.client.get("/api/tasks", headers={"Authorization": f"Bearer {old_token}"}).status_code == 401
    fresh = api.client.post("/api/tokens", json={"username": "hana.visitor", "password": PASSWORD})
    assert fresh.status_code == 201
    api.post("/api/users/hana.visitor/reactivate", "sam.admin")  # already on: nothing more to record
    actions = [e["action"] for e in _changes(api) if e["summary"].get("username") == "hana.visitor"]
    assert actions == ["account_switched_on", "account_switched_off"]


def test_the_admin_changes_an_account_and_switches_one_on_in_the_browser(api: Api) -> None:
    api.post("/api/users/theo.assistant/deactivate", "sam.admin")
    client = api.client
    _sign_in(client, "sam.admin")
    listing = client.get("/admin/accounts").get_data(as_text=True)
    assert "Switch on theo.assistant" in listing and 'href="/admin/accounts/tess.teacher"' in listing
    page = client.get("/admin/accounts/tess.teacher").get_data(as_text=True)
    assert 'value="practitioner" checked' in page and '<option value="north" selected>' in page

    refused = client.post("/admin/accounts/tess.teacher", data={
        "csrf_token": _csrf(client, "/admin/accounts/tess.teacher"), "roles": ["manager"], "team": ""})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "belong to a team" in text and 'value="manager" checked' in text, "what was chosen is kept"
    assert _account(api, "tess.teacher")["roles"] == ["practitioner"]

    saved = client.post("/admin/accounts/tess.teacher", data={
        "csrf_token": _csrf(client, "/admin/accounts/tess.teacher"), "roles": ["manager"], "team": "south"})
    assert saved.status_code == 302
    assert "now has: manager, in south" in client.get("/admin/accounts").get_data(as_text=True)
    assert (_account(api, "tess.teacher")["roles"], _account(api, "tess.teacher")["team"]) == (["manager"], "south")

    switched = client.post("/admin/accounts/theo.assistant/reactivate",
                           data={"csrf_token": _csrf(client, "/admin/accounts")})
    assert switched.status_code == 302 and _account(api, "theo.assistant")["active"] is True
    assert client.get("/admin/accounts/nobody").status_code == 404


def test_the_admin_is_told_which_open_steps_a_change_leaves_behind(api: Api) -> None:
    case = api.post("/api/cases", "tess.teacher", {"direction": "outbound_concern", "urgency": "routine",
                                                    "summary": "A worry"}, expect=201)
    [step] = case["open_tasks"]
    moved = api.call("PATCH", "/api/users/tess.teacher", "sam.admin", 200,
                     json={"roles": ["manager"], "team": "south"}).get_json()
    assert [(s["task_id"], s["case_id"], s["role"]) for s in moved["steps_left_behind"]] == [
        (step["id"], case["id"], "practitioner")]
    back = api.call("PATCH", "/api/users/tess.teacher", "sam.admin", 200,
                    json={"roles": ["practitioner"], "team": "north"}).get_json()
    assert back["steps_left_behind"] == [], "her own step is hers to work again"
    off = api.post("/api/users/tess.teacher/deactivate", "sam.admin")
    assert [s["task_id"] for s in off["steps_left_behind"]] == [step["id"]]
    assert "steps_left_behind" not in api.post("/api/users/tess.teacher/reactivate", "sam.admin")

    client = api.client
    _sign_in(client, "sam.admin")
    client.post("/admin/accounts/tess.teacher/deactivate", data={"csrf_token": _csrf(client, "/admin/accounts")})
    told = client.get("/admin/accounts").get_data(as_text=True)
    assert "1 open step given to tess.teacher can no longer be worked by them" in told
