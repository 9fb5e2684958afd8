"""Hostile input is refused at the door, in words, and never makes a server error: lone surrogates,
deep nesting and numbers past what the database stores in JSON bodies; NUL characters in addresses,
queries and forms; whole numbers in addresses and queries past the database's range; bodies too large."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient

from service.request_guard import MAX_DEPTH
from tests.api.conftest import Api
from tests.api.test_web_pages import _csrf, _sign_in

KEY = "information_sharing"
CASE = {"direction": "outbound_concern", "urgency": "routine", "summary": "Worried about Sam"}
SURROGATE = '"\\ud800"'  # JSON text for a lone surrogate: json.dumps cannot write one on purpose


def send(api: Api, path: str, text: str, user: str | None = None, method: str = "POST") -> Any:
    """Raw JSON text, as a hostile client writes it."""
    return api.call(method, path, user, data=text, content_type="application/json")


def error_of(response: Any, status: int) -> str:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    found: str = response.get_json()["error"]
    return found


def page_text(response: Any, status: int) -> str:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "text/html"
    text: str = response.get_data(as_text=True)
    return text


def signed_in(api: Api, username: str) -> FlaskClient:
    client = api.client.application.test_client()
    _sign_in(client, username)
    return client


def first_task(api: Api) -> dict[str, Any]:
    task: dict[str, Any] = api.post("/api/cases", "tess.teacher", CASE, expect=201)["open_tasks"][0]
    return task


def test_a_lone_surrogate_anywhere_in_a_body_is_refused_with_400_naming_where(api: Api) -> None:
    task = first_task(api)
    cases_before = api.get("/api/cases", "tess.teacher")["cases"]
    refused = {
        "username": send(api, "/api/tokens", f'{{"username": {SURROGATE}, "password": "x"}}'),
        "summary": send(api, "/api/cases", '{"direction": "outbound_concern", "urgency": "routine", '
                                           f'"summary": {SURROGATE}}}', "tess.teacher"),
        "assignee": send(api, f"/api/tasks/{task['id']}/assign", f'{{"assignee": {SURROGATE}}}', "mo.manager"),
        "name": send(api, "/api/teams", f'{{"name": {SURROGATE}}}', "sam.admin"),
        "data/concern": send(api, f"/api/tasks/{task['id']}/draft", f'{{"data": {{"concern": {SURROGATE}}}}}',
                             "tess.teacher"),
        "data/\\udc00": send(api, f"/api/tasks/{task['id']}/draft", '{"data": {"\\udc00": "a key"}}',
                             "tess.teacher"),
    }
    for where, response in refused.items():
        code = "dc00" if "udc00" in where else "d800"
        assert error_of(response, 400) == (f"{where} holds a lone surrogate (\\u{code}), which is not a character: "
                                           "send the text as valid Unicode")
    assert api.get("/api/cases", "tess.teacher")["cases"] == cases_before, "no case started"
    detail = api.get(f"/api/tasks/{task['id']}", "tess.teacher")
    assert detail["draft"] is None and detail["assignee"] == "tess.teacher", "nothing saved: the task still opens"
    page = signed_in(api, "tess.teacher").get(f"/tasks/{task['id']}")
    assert page.status_code == 200
    pair = send(api, "/api/cases", json.dumps({**CASE, "summary": "Worried \U0001f61f"}), "tess.teacher")
    assert pair.status_code == 201, "a surrogate pair is a character (\\ud83d\\ude1f): taken"


def test_json_nested_too_deep_is_refused_with_400_on_every_endpoint_that_reads_a_body(api: Api) -> None:
    task = first_task(api)
    deep = "[" * 10_000 + "]" * 10_000
    for path, user in [("/api/tokens", None), ("/api/cases", "tess.teacher"),
                       (f"/api/tasks/{task['id']}/complete", "tess.teacher"),
                       (f"/api/tasks/{task['id']}/draft", "tess.teacher"), ("/api/teams", "sam.admin"),
                       (f"/api/processes/{KEY}/drafts", "pat.owner"), (f"/api/tasks/{task['id']}/claim", "mo.manager")]:
        words = error_of(send(api, path, f'{{"data": {deep}}}', user), 400)
        assert words == f"the request body is nested more than {MAX_DEPTH} levels deep", path
    just_over = '{"data": {"concern": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}}"
    assert "nested more than" in error_of(send(api, f"/api/tasks/{task['id']}/draft", just_over, "tess.teacher"),
                                          400)
    within = '{"data": {"concern": ' + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2) + "}}"
    assert send(api, f"/api/tasks/{task['id']}/draft", within, "tess.teacher").status_code == 200


def test_numbers_past_64_bits_nan_and_infinity_in_a_body_are_refused_with_400(api: Api) -> None:
    task = first_task(api)
    draft = f"/api/tasks/{task['id']}/draft"
    huge = error_of(send(api, draft, '{"data": {"count": 99999999999999999999}}', "tess.teacher"), 400)
    assert huge == ("data/count is a whole number outside the 64-bit range "
                    "(-9223372036854775808 to 9223372036854775807)")
    assert "64-bit range" in error_of(send(api, "/api/cases", '{"process": -9223372036854775809}', "tess.teacher"),
                                      400)
    assert "64-bit range" in error_of(send(api, draft, '{"data": {"n": ' + "9" * 5000 + "}}", "tess.teacher"),
                                      400)
    assert error_of(send(api, draft, '{"data": {"n": NaN}}', "tess.teacher"), 400) == \
        "data/n is NaN, which is not a number JSON allows"
    assert error_of(send(api, draft, '{"data": {"n": 1e999}}', "tess.teacher"), 400) == \
        "data/n is a number too large to store"
    assert send(api, draft, '{"data": {"n": 9223372036854775807}}', "tess.teacher").status_code == 200


def test_a_nul_character_in_a_body_is_refused_with_422_naming_the_field(api: Api) -> None:
    task = first_task(api)
    refused = send(api, f"/api/tasks/{task['id']}/draft", '{"data": {"subjects": [{"name": "a\\u0000b"}]}}',
                   "tess.teacher")
    assert error_of(refused, 422) == "data/subjects/0/name must not contain a NUL character"
    assert refused.get_json()["field"] == "data/subjects/0/name"


def test_nul_characters_in_addresses_queries_and_forms_are_refused_with_400(api: Api) -> None:
    assert error_of(api.call("GET", "/api/cases/%00", "tess.teacher"), 400) == \
        "the address must not contain a NUL character"
    assert error_of(api.call("GET", "/api/tasks/a%00b", "tess.teacher"), 400) == \
        "the address must not contain a NUL character"
    assert error_of(api.call("GET", "/api/tasks?scope=mine%00", "tess.teacher"), 400) == \
        "the query must not contain a NUL character"
    auditor = signed_in(api, "dee.lead")
    assert "the query must not contain a NUL character" in page_text(auditor.get("/audit?reference=%00"), 400)
    assert "the address must not contain a NUL character" in page_text(auditor.get("/cases/%00"), 400)
    client = api.client.application.test_client()
    login = client.post("/login", data={"csrf_token": _csrf(client, "/login"), "username": "tess\x00",
                                        "password": "x"})
    assert "username must not contain a NUL character" in page_text(login, 422)
    # A form cannot carry a lone surrogate: its bytes (UTF-8's shape for U+D800) arrive as U+FFFD.
    for content_type, data in [("application/x-www-form-urlencoded", b"username=%ED%A0%80&password=x&csrf_token="),
                               ("multipart/form-data; boundary=b", b'--b\r\nContent-Disposition: form-data; '
                                b'name="username"\r\n\r\n\xed\xa0\x80\r\n--b--\r\n')]:
        odd = client.post("/login", data=data + _csrf(client, "/login").encode() if content_type.startswith("app")
                          else data, content_type=content_type)
        assert odd.status_code in (400, 401), odd.status_code


def test_whole_numbers_past_the_database_range_in_addresses_and_queries_are_404_or_422(api: Api) -> None:
    versions = f"/api/processes/{KEY}/versions"
    for number in ("99999999999999999999", "9223372036854775808", "2147483648"):
        assert "not found" in error_of(api.call("GET", f"{versions}/{number}/bpmn", "pat.owner"), 404)
    assert "has no version 2147483647" in error_of(api.call("GET", f"{versions}/2147483647/bpmn", "pat.owner"), 404)
    assert error_of(api.call("GET", f"/api/processes/{KEY}/diff?from=1&to=99999999999999999999", "pat.owner"),
                    422) == "to must be a version number"
    for limit in ("%C2%B2", "1" * 5000, "99999999999999999999"):
        assert error_of(api.call("GET", f"/api/tasks?limit={limit}", "tess.teacher"), 422) == \
            "limit must be a whole number from 1 to 200"
    assert error_of(api.call("GET", "/api/audit/changes?before=" + "1" * 5000, "dee.lead"), 422) == \
        "before must be the seq of an event"
    owner = signed_in(api, "pat.owner")
    for to in ("99999999999999999999", "2147483648", "x"):
        assert "choose two version numbers to compare" in page_text(owner.get(f"/processes/{KEY}/diff?from=1&to={to}"),
                                                                    422)
    auditor = signed_in(api, "dee.lead")
    assert auditor.get("/audit?before=" + "1" * 5000).status_code == 200, "an unusable page mark shows the newest"


def test_the_modelers_edited_files_are_read_by_the_same_checks(api: Api) -> None:
    owner = signed_in(api, "pat.owner")
    token = _csrf(owner, "/processes")

    def save(files: str) -> Any:
        return owner.post(f"/processes/{KEY}/drafts", data={"csrf_token": token, "bpmn_name": "a.bpmn",
                                                             "bpmn": "<x/>", "files": files, "change_note": "n"})

    assert "the edited files is nested more than 64 levels deep" in page_text(save("[" * 10_000), 400)
    assert "forms/a.json holds a lone surrogate (\\ud800)" in page_text(save('{"forms/a.json": "\\ud800"}'), 400)


def test_bodies_past_the_limit_get_413_in_words(api: Api) -> None:
    big = "x" * (2 * 1024 * 1024)
    refused = api.call("POST", "/api/cases", "tess.teacher", json={**CASE, "summary": big})
    assert error_of(refused, 413) == "The request is too large: this address takes at most 1 MiB."
    assert api.get("/api/cases", "tess.teacher")["cases"] == []
    client = api.client.application.test_client()
    login = client.post("/login", data={"csrf_token": _csrf(client, "/login"), "username": big, "password": "x"})
    assert "The request is too large: this address takes at most 1 MiB." in page_text(login, 413)
    drafts = f"/api/processes/{KEY}/drafts"
    over = api.call("POST", drafts, "pat.owner", data="<a>" + "x" * (9 * 1024 * 1024) + "</a>",
                    content_type="application/xml")
    assert error_of(over, 413) == "The request is too large: this address takes at most 8 MiB."
    within = api.call("POST", drafts, "pat.owner", json={"bpmn": "x" * (3 * 1024 * 1024), "change_note": "n"})
    assert within.get_json()["field"] == "bpmn", "a 3 MiB upload is read and checked, not refused for its size"
    publish = api.call("POST", f"{drafts}/nothing/publish", "pat.owner", json={"migrate": True, "pad": big})
    assert error_of(publish, 413) == "The request is too large: this address takes at most 64 KiB."


def test_free_text_fields_of_the_api_have_a_maximum_length(api: Api) -> None:
    refused = api.post("/api/cases", "tess.teacher", {**CASE, "summary": "x" * 4001}, expect=422)
    assert (refused["error"], refused["field"]) == ("summary must be at most 4000 characters", "summary")
    assert api.post("/api/cases", "tess.teacher", {**CASE, "summary": "x" * 4000}, expect=201)
    long_name = api.post("/api/tokens", json={"username": "x" * 5000, "password": "y"}, expect=422)
    assert long_name["error"] == "username must be at most 4000 characters"


def test_a_team_name_differing_only_beyond_a_to_z_in_case_is_a_clash_not_a_server_error(api: Api) -> None:
    assert api.post("/api/teams", "sam.admin", {"name": "Ávila"}, expect=201)["name"] == "Ávila"
    for again in ("Ávila", "ávila", "ÁVILA"):
        clash = api.post("/api/teams", "sam.admin", {"name": again}, expect=409)
        assert clash["error"] == "there is already a team called Ávila"
    assert "did you mean Ávila?" in api.post("/api/users", "sam.admin", {
        "username": "nia.nurse", "password": "a-long-enough-password", "roles": ["practitioner"],
        "display_name": "Nia Nurse", "email": "nia@example.org", "team": "ávila"}, expect=422)["error"]
