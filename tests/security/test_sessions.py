"""Sessions that end: a cookie opens pages only while its server-side session lasts; signing out,
switching an account off, changing its roles or team, or an admin's "sign out everywhere" end it."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.api.conftest import PASSWORD, Api
from tests.api.test_web_pages import _csrf, _sign_in


def _cookie(client: FlaskClient) -> str:
    found = client.get_cookie("session")
    assert found is not None
    return found.value


def _opens_tasks(client: FlaskClient, cookie: str) -> bool:
    client.set_cookie("session", cookie)
    response = client.get("/tasks")
    return response.status_code == 200 and "Sign in" not in response.get_data(as_text=True).split("<h1>")[1][:20]


def test_a_cookie_forged_with_the_signing_key_opens_nothing(api: Api) -> None:
    app = api.client.application
    forge = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    client = app.test_client()
    for claims in ({"user": "dee.lead"}, {"sid": "a-guessed-session-id", "user": "dee.lead"}):
        client.set_cookie("session", forge.dumps(claims))
        audit = client.get("/audit")
        assert audit.status_code == 302 and audit.headers["Location"].startswith("/login")


def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(api: Api) -> None:
    client = api.client.application.test_client()
    _sign_in(client, "tess.teacher")
    cookie = _cookie(client)
    assert _opens_tasks(client, cookie)
    assert client.post("/logout", data={"csrf_token": _csrf(client, "/tasks")}).status_code == 302
    thief = api.client.application.test_client()
    assert not _opens_tasks(thief, cookie), "a copy taken before signing out"


def test_switching_an_account_off_and_on_again_does_not_revive_its_old_session(api: Api) -> None:
    client = api.client.application.test_client()
    _sign_in(client, "hana.visitor")
    cookie = _cookie(client)
    api.post("/api/users/hana.visitor/deactivate", "sam.admin")
    api.post("/api/users/hana.visitor/reactivate", "sam.admin")
    assert not _opens_tasks(client, cookie)
    _sign_in(client, "hana.visitor")
    assert _opens_tasks(client, _cookie(client)), "a new sign-in works"


def test_a_change_of_roles_or_team_signs_the_account_out_everywhere(api: Api) -> None:
    client = api.client.application.test_client()
    _sign_in(client, "tess.teacher")
    cookie, token = _cookie(client), api.token("tess.teacher")
    api.call("PATCH", "/api/users/tess.teacher", "sam.admin", 200, json={"team": "south"})
    assert not _opens_tasks(client, cookie)
    assert api.client.get("/api/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_an_api_token_can_be_revoked_by_its_holder_and_that_is_audited(api: Api) -> None:
    token = api.token("tess.teacher")
    other = api.client.post("/api/tokens", json={"username": "tess.teacher", "password": PASSWORD}).get_json()["token"]
    gone = api.client.delete("/api/tokens/current", headers={"Authorization": f"Bearer {token}"})
    assert gone.status_code == 204
    refused = api.client.get("/api/tasks", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401 and "unknown or expired" in refused.get_json()["error"]
    assert api.client.get("/api/tasks", headers={"Authorization": f"Bearer {other}"}).status_code == 200
    events = api.get("/api/audit/changes?limit=50", "ada.auditor")["events"]
    assert any(e["action"] == "api_token_revoked" and e["actor"] == "tess.teacher" for e in events)


def test_an_admin_signs_an_account_out_everywhere_and_that_is_audited(api: Api) -> None:
    client = api.client.application.test_client()
    _sign_in(client, "mo.manager")
    cookie, token = _cookie(client), api.token("mo.manager")
    api.call("POST", "/api/users/mo.manager/sign-out", "dee.lead", 403)
    ended = api.post("/api/users/mo.manager/sign-out", "sam.admin")
    assert ended["sessions_ended"] == 2
    assert not _opens_tasks(client, cookie)
    assert api.client.get("/api/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    [event] = [e for e in api.get("/api/audit/changes?limit=50", "ada.auditor")["events"]
               if e["action"] == "account_signed_out_everywhere"]
    assert (event["actor"], event["summary"]) == ("sam.admin", {"username": "mo.manager", "sessions_ended": 2})


def test_the_admin_signs_an_account_out_everywhere_from_its_page(api: Api) -> None:
    tess = api.client.application.test_client()
    _sign_in(tess, "tess.teacher")
    cookie = _cookie(tess)
    admin = api.client.application.test_client()
    _sign_in(admin, "sam.admin")
    page = admin.get("/admin/accounts/tess.teacher").get_data(as_text=True)
    assert "Sign tess.teacher out everywhere" in page
    done = admin.post("/admin/accounts/tess.teacher/sign-out",
                      data={"csrf_token": _csrf(admin, "/admin/accounts/tess.teacher")}, follow_redirects=True)
    assert "tess.teacher is signed out everywhere: 1 browser session(s) or API token(s) ended." in done.get_data(
        as_text=True)
    assert not _opens_tasks(tess, cookie)


def test_a_new_password_ends_every_session_of_the_account(api: Api) -> None:
    client = api.client.application.test_client()
    _sign_in(client, "tess.teacher")
    cookie, token = _cookie(client), api.token("tess.teacher")
    wrong = api.call("POST", "/api/account/password", "tess.teacher", 422,
                     json={"current_password": "not-it-at-all", "new_password": "a-new-long-password"}).get_json()
    assert (wrong["field"], wrong["error"]) == ("current_password", "your current password is not right")
    short = api.call("POST", "/api/account/password", "tess.teacher", 422,
                     json={"current_password": PASSWORD, "new_password": "short"}).get_json()
    assert short["field"] == "new_password" and "at least 12 characters" in short["error"]
    assert _opens_tasks(client, cookie), "a refused change ends nothing"
    changed = api.post("/api/account/password", "tess.teacher",
                       {"current_password": PASSWORD, "new_password": "a-new-long-password"})
    assert changed == {"username": "tess.teacher", "sessions_ended": 2}
    assert not _opens_tasks(client, cookie)
    assert api.client.get("/api/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert api.client.post("/api/tokens", json={"username": "tess.teacher", "password": PASSWORD}).status_code == 401
    assert api.client.post("/api/tokens", json={"username": "tess.teacher",
                                                "password": "a-new-long-password"}).status_code == 201


def test_an_admin_resets_a_forgotten_password_and_the_old_sessions_end(api: Api) -> None:
    client = api.client.application.test_client()
    _sign_in(client, "hana.visitor")
    cookie = _cookie(client)
    api.call("PUT", "/api/users/hana.visitor/password", "mo.manager", 403, json={"password": "x" * 20})
    api.call("PUT", "/api/users/sam.admin/password", "sam.admin", 403, json={"password": "x" * 20})
    reset = api.call("PUT", "/api/users/hana.visitor/password", "sam.admin", 200,
                     json={"password": "given-by-the-admin-1"}).get_json()
    assert reset == {"username": "hana.visitor", "sessions_ended": 1}
    assert not _opens_tasks(client, cookie)
    events = [e for e in api.get("/api/audit/changes?limit=50", "ada.auditor")["events"]
              if e["action"] == "password_changed"]
    assert [(e["actor"], e["summary"]["username"]) for e in events] == [("sam.admin", "hana.visitor")]
    assert "given-by-the-admin-1" not in str(events)


def test_a_person_changes_their_own_password_on_a_page(api: Api) -> None:
    client = api.client.application.test_client()
    _sign_in(client, "theo.assistant")
    old = _cookie(client)
    assert "Change password" in client.get("/tasks").get_data(as_text=True)
    wrong = client.post("/account/password", data={"csrf_token": _csrf(client, "/account/password"),
                                                    "current_password": "guess-guess-guess",
                                                    "new_password": "a-new-long-password"})
    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "<title>Error: Change your password" in page
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    assert '<a href="#current-password">Your current password is not right</a>' in summary
    done = client.post("/account/password", data={"csrf_token": _csrf(client, "/account/password"),
                                                   "current_password": PASSWORD,
                                                   "new_password": "a-new-long-password"}, follow_redirects=True)
    assert "Your password is changed, and you are signed out everywhere" in done.get_data(as_text=True)
    assert not _opens_tasks(api.client.application.test_client(), old)
    assert api.client.post("/api/tokens", json={"username": "theo.assistant",
                                                "password": "a-new-long-password"}).status_code == 201
