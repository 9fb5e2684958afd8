"""Separation of duties: nobody changes their own access, an admin holds no other role, and four eyes on
a process change are two people neither of whom gave the other their roles."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from service.accounts.service import create_user
from service.actors import SYSTEM_ACTOR
from tests.api.conftest import PASSWORD, Api
from tests.processes.test_drafts import NEW_TIMER, with_manager_timer

DRAFTS = "/api/processes/information_sharing/drafts"


def _account(username: str, roles: list[str]) -> dict[str, object]:
    return {"username": username, "password": PASSWORD, "roles": roles, "display_name": username,
            "email": f"{username}@example.org"}


def test_an_admin_cannot_give_themselves_case_data_or_the_process(api: Api) -> None:
    own = api.call("PATCH", "/api/users/sam.admin", "sam.admin", 403, json={"roles": ["admin", "dsl"]}).get_json()
    assert own["error"] == "you cannot change your own roles or team: another admin must do it"
    api.call("PATCH", "/api/users/sam.admin", "sam.admin", 403, json={"team": "north"})
    api.post("/api/users", "sam.admin", _account("ann.admin", ["admin"]), expect=201)
    for roles in (["admin", "dsl"], ["admin", "process_owner"], ["admin", "auditor"], ["admin", "practitioner"]):
        refused = api.call("PATCH", "/api/users/sam.admin", "ann.admin", 422, json={"roles": roles}).get_json()
        assert refused["field"] == "roles" and "admin role cannot be combined with other roles" in refused["error"]
        api.post("/api/users", "ann.admin", _account("two.hats", roles), expect=422)
    assert api.get("/api/cases", "sam.admin", expect=403)
    [sam] = [u for u in api.get("/api/users", "ann.admin")["users"] if u["username"] == "sam.admin"]
    assert sam["roles"] == ["admin"]


def test_an_owner_given_the_role_by_a_drafts_author_cannot_approve_it(api: Api,
                                                                     session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as s:
        create_user(session=s, username="olu.owner", password=PASSWORD, roles=["process_owner"], display_name="Olu",
                    email="olu@example.org", team=None, now=datetime.now(UTC), by=SYSTEM_ACTOR)
    # Ann, an admin, makes Lou a process owner; then Ann herself becomes one (given by Sam, another admin).
    api.post("/api/users", "sam.admin", _account("ann.admin", ["admin"]), expect=201)
    api.post("/api/users", "ann.admin", _account("lou.owner", ["process_owner"]), expect=201)
    api.call("PATCH", "/api/users/ann.admin", "sam.admin", 200, json={"roles": ["process_owner"]})
    api.tokens.pop("ann.admin")  # the change signed her out: she signs in again

    draft = api.post(DRAFTS, "ann.admin", {"bpmn": with_manager_timer(NEW_TIMER), "change_note": "Ann's change",
                                           "submit": True}, expect=201)
    refused = api.post(f"{DRAFTS}/{draft['id']}/approve", "lou.owner", expect=403)
    assert "ann.admin, who wrote this draft, gave you your roles" in refused["error"]

    lous = api.post(DRAFTS, "lou.owner", {"bpmn": with_manager_timer(NEW_TIMER), "change_note": "Lou's change",
                                          "submit": True}, expect=201)
    refused = api.post(f"{DRAFTS}/{lous['id']}/approve", "ann.admin", expect=403)
    assert "you gave lou.owner, who wrote this draft, their roles" in refused["error"]
    assert api.get(f"{DRAFTS}/{draft['id']}", "olu.owner")["status"] == "submitted", "nothing changed"

    approved = api.post(f"{DRAFTS}/{draft['id']}/approve", "olu.owner")
    assert (approved["status"], approved["approved_by"]) == ("approved", "olu.owner")
