"""The API declared once: each operation's models check its requests (refusals in plain words naming the field,
as every refusal of the API is said) and shape its answers (exactly the fields a model lists), and the OpenAPI
document is generated from the same models."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from flask import Flask
from pydantic import BaseModel

from service import casework
from service.api import schemas
from service.api.schemas import records
from service.records import fields
from tests.api.conftest import Api

NEW_CASE = {"direction": "outbound_concern", "urgency": "routine", "summary": "Worried about Sam"}
# The API's routes that are no operation of the document: the document itself, its page, and the address of a
# draft's review step that does not exist (404 in words).
UNDECLARED = {"api.openapi_document", "api.openapi_docs", "api_processes.no_such_step"}


def test_every_api_route_is_a_declared_operation(app: Flask) -> None:
    routes = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")]
    undeclared = {rule.endpoint for rule in routes if not hasattr(app.view_functions[rule.endpoint], "resp")}
    assert undeclared == UNDECLARED


def test_an_answer_carries_only_the_fields_its_model_lists(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    case = api.post("/api/cases", "tess.teacher", NEW_CASE, expect=201)
    summary = casework.case_summary

    def with_a_new_column(found: Any) -> dict[str, Any]:
        return {**summary(found), "sealed_notes": "a column the model does not list"}

    monkeypatch.setattr(casework, "case_summary", with_a_new_column)
    [listed] = api.get("/api/cases", "tess.teacher")["cases"]
    assert "sealed_notes" not in listed and listed["id"] == case["id"]
    assert set(listed) == {"id", "reference", "status", "direction", "urgency", "summary", "started_by", "team",
                           "created_at", "next_timer_at"}
    detail = api.get(f"/api/cases/{case['id']}", "tess.teacher")
    assert "sealed_notes" not in detail and detail["open_tasks"], "nested answers are shaped too"


def test_the_record_lists_its_fields_and_the_document_describes_them(api: Api) -> None:
    for model, names, nested in [(records.Revision, fields.REVISION_FIELDS, {"answers", "advice", "every_answer"}),
                                 (records.SharingRequest, fields.REQUEST_FIELDS, {"subjects"}),
                                 (records.Disclosure, fields.DISCLOSURE_FIELDS, {"items", "secure_link"}),
                                 (records.Advice, fields.ADVICE_FIELDS, set()),
                                 (records.DisclosedItem, fields.ITEM_FIELDS, set())]:
        assert set(model.model_fields) == set(names) | nested, model.__name__
    schemas = api.get("/api/openapi.json")["components"]["schemas"]
    record = api.get("/api/openapi.json")["paths"]["/api/cases/{id}/record"]["get"]["responses"]["200"]["content"]
    assert record["application/json"]["schema"] == {"$ref": "#/components/schemas/Record"}
    assert set(schemas["Record"]["properties"]) == {"case", "sharing_request", "decisions", "new_information",
                                                    "disclosures", "sections"}
    revision = schemas["Revision"]
    assert {"outcome", "decided_at", "article6_basis", "consent_sought", "review_date"} <= set(revision["properties"])
    assert revision["properties"]["consent_sought"] == {"anyOf": [{"type": "boolean"}, {"type": "null"}],
                                                       "title": "Consent Sought"}
    assert "application/pdf" in record, "the same address gives the PDF"


def test_a_wrong_type_is_refused_in_plain_words_naming_the_field(api: Api) -> None:
    wrong = api.post("/api/cases", "tess.teacher", {**NEW_CASE, "summary": 42}, expect=422)
    assert wrong == {"error": "summary must be text", "field": "summary"}
    blank = api.post("/api/cases", "tess.teacher", {**NEW_CASE, "summary": "   "}, expect=422)
    assert blank == {"error": "summary is required", "field": "summary"}
    both = api.post("/api/tokens", json={"username": ["tess"]}, expect=422)
    assert both["error"] == "username must be text" and both["field"] == "username"
    assert both["problems"] == [{"field": "username", "message": "username must be text"},
                                {"field": "password", "message": "password is required"}]
    too_long = api.post("/api/tokens", json={"username": "x" * 4001, "password": "x"}, expect=422)
    assert too_long["error"] == "username must be at most 4000 characters"
    listed = api.call("GET", "/api/tasks?limit=ten", "tess.teacher", expect=422).get_json()
    assert listed == {"error": "limit must be a whole number from 1 to 200", "field": "limit"}
    not_an_object = api.post("/api/cases", "tess.teacher", ["a", "list"], expect=400)
    assert "JSON object" in not_an_object["error"]


def test_who_may_call_is_said_before_what_is_wrong_with_the_input(api: Api) -> None:
    assert api.post("/api/cases", None, {"summary": 42}, expect=401)["error"].startswith("sign in first")
    assert api.post("/api/cases", "ada.auditor", {"summary": 42}, expect=403)["error"]
    assert api.post("/api/users", "tess.teacher", {"roles": "admin"}, expect=403)["error"]


def test_no_two_models_of_the_api_share_a_name() -> None:
    """The document names each schema by its model's class name: two models of one name would be mixed up
    (a nested model is named so too, so every model of every area counts)."""
    named: dict[str, type[BaseModel]] = {}
    for info in pkgutil.iter_modules(schemas.__path__):
        module = importlib.import_module(f"{schemas.__name__}.{info.name}")
        for model in vars(module).values():
            if isinstance(model, type) and issubclass(model, BaseModel) and model.__module__ == module.__name__:
                assert named.setdefault(model.__name__, model) is model, model.__name__
    assert {"Record", "Revision", "Task", "CaseDetail", "Draft", "Trial", "User"} <= set(named)
