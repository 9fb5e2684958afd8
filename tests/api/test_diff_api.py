"""The diff over HTTP, between two versions and in a draft: each change with its values before and after,
its step and what to mark on the diagram; form questions one by one."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import jsonschema
from sqlalchemy.orm import Session, sessionmaker

from service.processes import drafts
from service.processes.service import register_version
from tests.api.conftest import Api
from tests.processes.test_drafts import NEW_TIMER, OLD_TIMER, with_manager_timer
from tests.signed_in import sign_in_as

KEY, PAT, OLU = "information_sharing", "pat.owner", "olu.owner"
FORM = "forms/consent.json"


def publish_version_2(session_factory: sessionmaker[Session]) -> None:
    """Version 2: the manager's timer and one question of the consent form changed, and a question added."""
    with session_factory.begin() as s:
        files = drafts.get_version(s, KEY, 1).file_map()
        form = json.loads(files[FORM])
        form["properties"]["consent_scope"]["title"] = "What exactly did they agree to?"
        form["properties"]["consent_witness"] = {"type": "string", "title": "Who else was there?", "maxLength": 200}
        files = {**files, FORM: json.dumps(form, indent=2),
                 next(n for n in files if n.endswith(".bpmn")): with_manager_timer(NEW_TIMER)}
        register_version(session=s, key=KEY, name="Deciding whether to share information", files=files,
                         author=PAT, change_note="Three working days; a clearer question", now=datetime.now(UTC))


def _inlined(schema: Any, schemas: dict[str, Any]) -> Any:
    """A schema of the OpenAPI document (3.1: JSON Schema) with its references to other schemas put in place."""
    if isinstance(schema, list):
        return [_inlined(s, schemas) for s in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return _inlined(schemas[schema["$ref"].removeprefix("#/components/schemas/")], schemas)
    return {k: _inlined(v, schemas) for k, v in schema.items()}


def assert_documented(api: Api, diff: dict[str, Any]) -> None:
    """The diff matches the VersionDiff schema of the OpenAPI document, with every field it holds described."""
    schemas = api.get("/api/openapi.json")["components"]["schemas"]
    version_diff = _inlined(schemas["VersionDiff"], schemas)
    jsonschema.validate(diff, version_diff)
    described = set(version_diff["properties"]["changed"]["items"]["properties"])
    for entry in [*diff["added"], *diff["changed"], *diff["removed"]]:
        assert set(entry) <= described, set(entry) - described


def test_the_diff_between_versions_gives_each_value_before_and_after(owners: Api,
                                                                     session_factory: sessionmaker[Session]) -> None:
    publish_version_2(session_factory)
    diff = owners.get(f"/api/processes/{KEY}/diff?from=1&to=2", OLU)
    assert diff["removed"] == []
    assert diff["added"] == [{
        "id": "forms/consent.json#consent_witness", "type": "question", "name": "Who else was there?",
        "kind": "question", "file": FORM, "marks": ["consider_consent"],
        "group": {"id": "form:forms/consent.json", "name": "Form: consent.json", "kind": "form"},
        "values": [{"what": "question", "value": "Who else was there?"}, {"what": "answer type", "value": "text"},
                   {"what": "must be answered", "value": "no"},
                   {"what": "longest answer (characters)", "value": "200"}]}]
    timer, question = diff["changed"]
    assert timer == {
        "id": "manager_overdue", "type": "boundaryEvent", "name": "Advice overdue", "kind": "timer on a step",
        "group": {"id": "manager_advice", "name": "Advise and decide", "kind": "step"},
        "marks": ["manager_overdue"],
        "changes": [{"what": "timer", "before": OLD_TIMER, "after": NEW_TIMER}]}
    assert question == {
        "id": "forms/consent.json#consent_scope", "type": "question", "name": "What exactly did they agree to?",
        "kind": "question", "file": FORM, "marks": ["consider_consent"],
        "group": {"id": "form:forms/consent.json", "name": "Form: consent.json", "kind": "form"},
        "changes": [{"what": "question", "before": "What did they agree to?",
                     "after": "What exactly did they agree to?"}]}
    assert_documented(owners, diff)
    backwards = owners.get(f"/api/processes/{KEY}/diff?from=2&to=1", OLU)
    assert backwards["changed"][0]["changes"] == [{"what": "timer", "before": NEW_TIMER, "after": OLD_TIMER}]


def test_a_drafts_diff_is_the_same_view(owners: Api) -> None:
    draft = owners.post(f"/api/processes/{KEY}/drafts", PAT, {"bpmn": with_manager_timer(NEW_TIMER),
                                                              "change_note": "Three working days"}, expect=201)
    for shown in (draft, owners.get(f"/api/processes/{KEY}/drafts/{draft['id']}", OLU)):
        [entry] = shown["diff"]["changed"]
        assert (entry["id"], entry["changes"]) == (
            "manager_overdue", [{"what": "timer", "before": OLD_TIMER, "after": NEW_TIMER}])
        assert entry["group"]["name"] == "Advise and decide"
        assert_documented(owners, shown["diff"])


def test_the_diff_pages_and_their_diagram_for_a_draft_and_for_versions(owners: Api,
                                                                      session_factory: sessionmaker[Session]) -> None:
    draft = owners.post(f"/api/processes/{KEY}/drafts", PAT, {"bpmn": with_manager_timer(NEW_TIMER),
                                                              "change_note": "Three working days"}, expect=201)
    publish_version_2(session_factory)
    client = sign_in_as(owners.client, OLU)
    page = client.get(f"/processes/{KEY}/drafts/{draft['id']}/diff").get_data(as_text=True)
    assert "Step: Advise and decide" in page and "in_working_days(3)" in page and "in_working_days(1)" in page
    assert f"/processes/{KEY}/diff/diagram?draft={draft['id']}" in page
    assert "Form: consent.json" in client.get(f"/processes/{KEY}/diff?from=1&to=2").get_data(as_text=True)
    for query, timer in ((f"draft={draft['id']}", NEW_TIMER), ("version=1", OLD_TIMER)):
        response = client.get(f"/processes/{KEY}/diff/diagram?{query}")
        assert response.status_code == 200 and response.mimetype == "application/xml"
        assert timer in response.get_data(as_text=True)
    for query, status in (("", 422), ("version=x", 422), ("version=9", 404), ("draft=nope", 404)):
        assert client.get(f"/processes/{KEY}/diff/diagram?{query}").status_code == status, query
    assert sign_in_as(owners.client, "tess.teacher").get(f"/processes/{KEY}/diff/diagram?version=1").status_code == 403
