"""Admins manage accounts; nobody else can, and a switched-off account can no longer sign in."""

from __future__ import annotations

from tests.api.conftest import Api

NEW = {"username": "nia.nurse", "password": "a-long-enough-password", "roles": ["practitioner"],
       "display_name": "Nia Nurse", "email": "nia@example.org", "team": "south"}


def test_an_admin_creates_and_switches_off_an_account(api: Api) -> None:
    created = api.post("/api/users", "sam.admin", NEW, expect=201)
    assert created == {k: v for k, v in NEW.items() if k != "password"} | {"active": True}
    assert "password" not in str(api.get("/api/users", "sam.admin"))
    nia = api.post("/api/tokens", json={"username": "nia.nurse", "password": NEW["password"]}, expect=201)
    assert nia["roles"] == ["practitioner"]
    api.post("/api/users/nia.nurse/deactivate", "sam.admin")
    api.post("/api/tokens", json={"username": "nia.nurse", "password": NEW["password"]}, expect=401)
    refused = api.client.get("/api/cases", headers={"Authorization": f"Bearer {nia['token']}"})
    assert refused.status_code == 401, "an existing token stops working too"


def test_only_admins_manage_accounts_and_bad_accounts_are_refused(api: Api) -> None:
    for user in ("tess.teacher", "dee.lead", "ada.auditor", "pat.owner"):
        api.post("/api/users", user, NEW, expect=403)
        api.get("/api/users", user, expect=403)
    assert api.post("/api/users", "sam.admin", NEW | {"roles": ["wizard"]}, expect=422)["field"] == "roles"
    assert api.post("/api/users", "sam.admin", NEW | {"password": "short"}, expect=422)["field"] == "password"
    assert api.post("/api/users", "sam.admin", NEW | {"username": "tess.teacher"}, expect=409)["error"]
    api.post("/api/users/sam.admin/deactivate", "sam.admin", expect=409)
    api.post("/api/users/nobody/deactivate", "sam.admin", expect=404)
