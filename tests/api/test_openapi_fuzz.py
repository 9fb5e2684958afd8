"""The API described by /api/openapi.json, attacked with generated requests: never a server error.

Bounded for CI: a handful of examples per operation, as the practitioner and as the DSL.
"""

from __future__ import annotations

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.api.conftest import Api


def test_no_request_makes_the_server_fail(app: Flask, api: Api) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    tried = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        # Each operation as someone allowed to call it, so the attack reaches past the role check.
        user = ("dee.lead" if "audit" in operation.path
                else "pat.owner" if operation.path.startswith("/api/processes") else "tess.teacher")
        attack(operation, {"Authorization": f"Bearer {api.token(user)}"})
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
        case.validate_response(response, checks=[not_a_server_error])

    send()


def test_the_document_and_the_reference_page_are_served(api: Api) -> None:
    document = api.get("/api/openapi.json")
    assert document["openapi"].startswith("3.") and "/api/tasks/{id}/complete" in document["paths"]
    page = api.client.get("/api/docs")
    assert page.status_code == 200 and b"/api/cases/{id}/record" in page.data
