"""The organisation's teams: admins add them, accounts belong to one, and a misspelt team is refused."""

from __future__ import annotations

from sqlalchemy import func, select

from service.accounts.models import Team, User
from tests.api.conftest import ACCOUNTS, Api

NURSE = {"username": "nia.nurse", "password": "a-long-enough-password", "roles": ["practitioner"],
         "display_name": "Nia Nurse", "email": "nia@example.org"}


def _team_count(api: Api) -> int:
    with api.client.application.extensions["db_session_factory"]() as s:
        return int(s.scalar(select(func.count()).select_from(Team)) or 0)


def test_the_admin_sees_the_organisation_and_its_teams_with_their_members(api: Api) -> None:
    listed = api.get("/api/teams", "sam.admin")
    assert listed["organisation"]
    members = {t["name"]: t["members"] for t in listed["teams"]}
    expected = {team: sum(1 for _, t in ACCOUNTS.values() if t == team) for team in ("north", "south")}
    assert members == expected


def test_an_added_team_takes_accounts(api: Api) -> None:
    added = api.post("/api/teams", "sam.admin", {"name": "  Early   help "}, expect=201)
    assert added["name"] == "Early help" and added["created_by"] == "sam.admin"
    created = api.post("/api/users", "sam.admin", NURSE | {"team": "Early help"}, expect=201)
    assert created["team"] == "Early help"
    members = {t["name"]: t["members"] for t in api.get("/api/teams", "sam.admin")["teams"]}
    assert members["Early help"] == 1


def test_a_team_name_clash_or_a_blank_name_is_refused_and_changes_nothing(api: Api) -> None:
    before = _team_count(api)
    clash = api.post("/api/teams", "sam.admin", {"name": "NORTH"}, expect=409)
    assert "north" in clash["error"]
    assert api.post("/api/teams", "sam.admin", {"name": "   "}, expect=422)["field"] == "name"
    assert api.post("/api/teams", "sam.admin", {"name": "x" * 101}, expect=422)["field"] == "name"
    assert api.post("/api/teams", "sam.admin", {"title": "east"}, expect=422)["field"] == "name"
    assert _team_count(api) == before


def test_only_an_admin_manages_teams(api: Api) -> None:
    for user in ACCOUNTS:
        if user == "sam.admin":
            continue
        api.get("/api/teams", user, expect=403)
        api.post("/api/teams", user, {"name": f"team of {user}"}, expect=403)
    api.get("/api/teams", None, expect=401)
    assert "team of dee.lead" not in str(api.get("/api/teams", "sam.admin"))


def test_an_account_in_a_team_the_organisation_lacks_is_refused(api: Api) -> None:
    refused = api.post("/api/users", "sam.admin", NURSE | {"team": "Nort"}, expect=422)
    assert refused["field"] == "team" and "no team called Nort" in refused["error"]
    near = api.post("/api/users", "sam.admin", NURSE | {"team": "North "}, expect=422)
    assert near["field"] == "team" and "did you mean north?" in near["error"]
    without = api.post("/api/users", "sam.admin", NURSE, expect=422)
    assert without["field"] == "team" and "belong to a team" in without["error"]
    manager = api.post("/api/users", "sam.admin", NURSE | {"roles": ["manager"]}, expect=422)
    assert manager["field"] == "team"
    with api.client.application.extensions["db_session_factory"]() as s:
        assert s.scalar(select(User).where(User.username == "nia.nurse")) is None
    # The DSL, auditors and the rest work across the organisation: no team.
    lead = api.post("/api/users", "sam.admin", NURSE | {"username": "lee.lead", "roles": ["dsl"]}, expect=201)
    assert lead["team"] is None


def test_the_admin_adds_a_team_on_the_accounts_page_then_gives_it_an_account(api: Api) -> None:
    from tests.api.test_web_pages import _csrf, _sign_in

    admin = api.client
    _sign_in(admin, "sam.admin")
    page = admin.get("/admin/accounts").get_data(as_text=True)
    assert "Teams" in page and '<option value="north"' in page
    csrf = _csrf(admin, "/admin/accounts")
    clash = admin.post("/admin/teams", data={"csrf_token": csrf, "name": "South"})
    assert clash.status_code == 409 and "already a team called south" in clash.get_data(as_text=True)
    added = admin.post("/admin/teams", data={"csrf_token": csrf, "name": "Children in care"})
    assert added.status_code == 302
    page = admin.get("/admin/accounts").get_data(as_text=True)
    assert "Team Children in care added" in page and '<option value="Children in care"' in page
    created = admin.post("/admin/accounts", data={
        "csrf_token": csrf, "username": "cara.worker", "display_name": "Cara Worker", "email": "cara@example.org",
        "password": "a-long-enough-password", "roles": ["practitioner"], "team": "Children in care"})
    assert created.status_code == 302
    assert api.post("/api/tokens", json={"username": "cara.worker", "password": "a-long-enough-password"},
                    expect=201)["username"] == "cara.worker"
    forged = admin.post("/admin/accounts", data={
        "csrf_token": csrf, "username": "fay.worker", "display_name": "Fay", "email": "fay@example.org",
        "password": "a-long-enough-password", "roles": ["practitioner"], "team": "Not a team"})
    assert forged.status_code == 422 and "no team called Not a team" in forged.get_data(as_text=True)
    assert 'value="practitioner" checked' in forged.get_data(as_text=True), "the roles chosen are kept"

    other = api.client.application.test_client()
    _sign_in(other, "mo.manager")
    assert other.post("/admin/teams", data={"csrf_token": _csrf(other, "/tasks"), "name": "Mine"}).status_code == 403


def test_a_team_added_by_mistake_is_removed_and_the_removal_audited(api: Api) -> None:
    api.post("/api/teams", "sam.admin", {"name": "Early hlep"}, expect=201)
    assert api.call("DELETE", "/api/teams/Early hlep", "sam.admin", 204).data == b""
    assert "Early hlep" not in {t["name"] for t in api.get("/api/teams", "sam.admin")["teams"]}
    [latest] = api.get("/api/audit/changes?limit=1", "ada.auditor")["events"]
    assert (latest["action"], latest["actor"], latest["summary"]) == ("team_removed", "sam.admin",
                                                                      {"team": "Early hlep"})
    api.call("DELETE", "/api/teams/Early hlep", "sam.admin", 404)


def test_a_team_someone_belongs_to_or_a_case_was_raised_in_stays(api: Api) -> None:
    before = _team_count(api)
    refused = api.call("DELETE", "/api/teams/north", "sam.admin", 409).get_json()
    assert "account(s) belong to it" in refused["error"]
    # Only a switched-off account left in it: still refused, as switching it on would need the team.
    api.post("/api/teams", "sam.admin", {"name": "east"}, expect=201)
    api.post("/api/users", "sam.admin", NURSE | {"team": "east"}, expect=201)
    api.post(f"/api/users/{NURSE['username']}/deactivate", "sam.admin")
    assert "switched off ones too" in api.call("DELETE", "/api/teams/east", "sam.admin", 409).get_json()["error"]
    # Its one member raised a case there, then moved team: the case keeps its team, and so does the organisation.
    api.post(f"/api/users/{NURSE['username']}/reactivate", "sam.admin")
    token = api.client.post("/api/tokens", json={"username": NURSE["username"],
                                                 "password": NURSE["password"]}).get_json()["token"]
    started = api.client.post("/api/cases", headers={"Authorization": f"Bearer {token}"},
                              json={"direction": "outbound_concern", "urgency": "routine", "summary": "A worry"})
    assert started.status_code == 201 and started.get_json()["team"] == "east"
    api.call("PATCH", f"/api/users/{NURSE['username']}", "sam.admin", 200, json={"team": "north"})
    assert "cases were raised in it" in api.call("DELETE", "/api/teams/east", "sam.admin", 409).get_json()["error"]
    assert _team_count(api) == before + 1
    for user in ("mo.manager", "ada.auditor"):
        api.call("DELETE", "/api/teams/east", user, 403)


def test_the_admin_removes_an_empty_team_on_the_accounts_page(api: Api) -> None:
    from tests.api.test_web_pages import _csrf, _sign_in

    api.post("/api/teams", "sam.admin", {"name": "Early hlep"}, expect=201)
    client = api.client
    _sign_in(client, "sam.admin")
    page = client.get("/admin/accounts").get_data(as_text=True)
    assert "Remove the team Early hlep" in page and "Remove the team north" not in page
    removed = client.post("/admin/teams/Early hlep/remove", data={"csrf_token": _csrf(client, "/admin/accounts")})
    assert removed.status_code == 302
    assert "Team Early hlep removed." in client.get("/admin/accounts").get_data(as_text=True)
    refused = client.post("/admin/teams/north/remove", data={"csrf_token": _csrf(client, "/admin/accounts")})
    assert refused.status_code == 409 and "account(s) belong to it" in refused.get_data(as_text=True)
