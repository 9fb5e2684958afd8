"""Whether the organisation is a public body is its own setting: every case starts with it, nobody is asked
it case by case, and only an organisation that is not one is asked about its legitimate interests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.app import create_app
from service.config import Config
from tests.api.conftest import Api
from tests.workflows.test_scenarios import CHILD, no_danger_concern, purpose

TESS = "tess.teacher"


def _to_the_kind_of_information(api: Api) -> dict[str, Any]:
    case = api.post("/api/cases", TESS, {"direction": "outbound_concern", "urgency": "routine",
                                         "summary": "A worry"}, expect=201)
    following = case["open_tasks"]
    for answers in (no_danger_concern("Often hungry", CHILD), purpose("early_help", True, "Early help")):
        following = api.post(f"/api/tasks/{following[0]['id']}/complete", TESS, {"data": answers})["next_tasks"]
    detail: dict[str, Any] = api.get(f"/api/tasks/{following[0]['id']}", TESS)
    return detail


def test_a_public_body_is_not_asked_about_legitimate_interests(api: Api) -> None:
    detail = _to_the_kind_of_information(api)
    assert detail["data"]["public_authority"] is True
    assert "legitimate_interests_assessed" not in detail["form_schema"]["properties"]
    assert "public_authority" not in detail["form_schema"]["properties"], "an organisation's fact, not a question"
    assert detail["suggestions"] == {"subject_at_risk": {"value": True, "because": "a child is named on the case"}}


def test_an_organisation_that_is_not_a_public_body_is_asked_and_its_answer_decides(
        app: Flask, db_engine: Engine, session_factory: sessionmaker[Session],
        test_config: Callable[..., Config]) -> None:
    club = create_app(test_config(database_url=db_engine.url.render_as_string(hide_password=False), testing=True,
                                  organisation_public_body=False))
    api = Api(club.test_client(), {})
    detail = _to_the_kind_of_information(api)
    assert detail["data"]["public_authority"] is False
    assert "legitimate_interests_assessed" in detail["form_schema"]["required"]
    refused = api.post(f"/api/tasks/{detail['id']}/complete", TESS, {"data": {
        "identifies_individual": True, "special_category": False, "criminal_offence_data": False,
        "confidential": False, "subject_at_risk": True, "legal_obligation": False}}, expect=422)
    assert refused["field"] == "legitimate_interests_assessed"
    done = api.post(f"/api/tasks/{detail['id']}/complete", TESS, {"data": {
        "identifies_individual": True, "special_category": False, "criminal_offence_data": False,
        "confidential": False, "subject_at_risk": True, "legal_obligation": False,
        "legitimate_interests_assessed": False}})
    assert [t["element_id"] for t in done["next_tasks"]] == ["consider_consent"]
