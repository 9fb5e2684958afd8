"""The API described by /api/openapi.json, attacked with generated requests and with hostile ones written by
hand: never a server error, and every answer as the document says (its status, content type and schema).

Bounded for CI: a handful of generated examples per operation, each as someone allowed to call it, and a
few hostile requests per operation (lone surrogates, nesting 10,000 deep, numbers past 64 bits, NUL).
"""

from __future__ import annotations

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import PASSWORD, Api

# Each answer: no server error, a documented status and content type, a body matching its schema.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
HOSTILE_BODIES = {
    "a lone surrogate in a value": '{"data": {"name": "\\ud800"}, "name": "\\udfff", "summary": "\\ud800"}',
    "a lone surrogate in a key": '{"\\udc00": "x"}',
    "nesting 10,000 deep": '{"data": ' + "[" * 10_000 + "]" * 10_000 + "}",
    "a number past 64 bits": '{"data": {"count": 99999999999999999999}, "migrate": 18446744073709551616}',
    "NaN": '{"data": {"count": NaN}}',
    "a NUL character": '{"data": {"name": "\\u0000"}, "name": "a\\u0000"}',
}
HUGE = "99999999999999999999"


def user_for(path: str) -> str:
    """Someone allowed to call the operation, so that the attack reaches past the role check."""
    if "audit" in path:
        return "dee.lead"
    if path.startswith("/api/processes"):
        return "pat.owner"
    if path.startswith(("/api/users", "/api/teams")):
        return "sam.admin"
    return "tess.teacher"


def signed_in_for(api: Api, path: str) -> dict[str, str]:
    """The headers of someone allowed to call ``path``; revoking a token gets a token of its own to revoke."""
    if path == "/api/tokens/current":
        fresh = api.client.post("/api/tokens", json={"username": "tess.teacher", "password": PASSWORD})
        return {"Authorization": f"Bearer {fresh.get_json()['token']}"}
    return {"Authorization": f"Bearer {api.token(user_for(path))}"}


def test_no_request_makes_the_server_fail(app: Flask, api: Api) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    tried = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        attack(operation, signed_in_for(api, operation.path))
        tried += 1
    assert tried >= 14, "every operation of the document was attacked"


def attack(operation: schemathesis.APIOperation, headers: dict[str, str],
           path_parameters: dict[str, str] | None = None) -> None:
    """Generated requests to one operation; ``path_parameters`` holds some fixed (e.g. to a real process)."""
    @given(case=operation.as_strategy())
    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def send(case: schemathesis.Case) -> None:
        if path_parameters:
            case.path_parameters = {**(case.path_parameters or {}), **path_parameters}
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    send()


def test_hostile_requests_get_documented_refusals(app: Flask, api: Api) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    client, refused = app.test_client(), 0
    for result in schema.get_all_operations():
        operation = result.ok()
        headers = signed_in_for(api, operation.path)
        for case, body in hostile_cases(operation):
            response = client.open(case.formatted_path, method=case.method, headers=headers,
                                   query_string=case.query, data=body,
                                   content_type="application/json" if body is not None else None)
            case.validate_response(response, checks=CHECKS)
            assert response.status_code in (400, 404, 422), (case.method, case.formatted_path, body and body[:60],
                                                              response.status_code, response.get_json())
            refused += 1
    assert refused >= 60, "hostile bodies went to every operation that reads one"


def hostile_cases(operation: schemathesis.APIOperation) -> list[tuple[schemathesis.Case, str | None]]:
    """Hostile requests for one API operation: each body it may read, then numbers past 64 bits and NUL in
    its address and query."""
    if not operation.path.startswith("/api/"):
        return []
    parameters = list(operation.iter_parameters())
    integer = {p.name for p in parameters if p.definition.get("schema", {}).get("type") == "integer"}
    path = {p.name: (HUGE if p.name in integer else "x") for p in parameters if p.location == "path"}
    query = {p.name: HUGE for p in parameters if p.location == "query" and p.name in integer}
    cases: list[tuple[schemathesis.Case, str | None]] = []
    if operation.body:
        cases += [(operation.Case(path_parameters=path, query=query or None), body)
                  for body in HOSTILE_BODIES.values()]
    if integer:
        cases.append((operation.Case(path_parameters=path, query=query or None), None))
    if path:
        cases.append((operation.Case(path_parameters={name: "a\x00b" for name in path}), None))
    cases.append((operation.Case(path_parameters=path, query={"scope": "\x00"}), None))
    return cases


def test_the_document_and_the_reference_page_are_served(api: Api) -> None:
    document = api.get("/api/openapi.json")
    assert document["openapi"].startswith("3.") and "/api/tasks/{id}/complete" in document["paths"]
    page = api.client.get("/api/docs")
    assert page.status_code == 200 and b"/api/cases/{id}/record" in page.data

