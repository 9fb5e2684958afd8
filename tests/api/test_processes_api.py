"""Process owners over HTTP: drafts refused with every problem and its element, four eyes, publishing,
versions and diffs; every other role gets 403 and no token 401."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service.processes.models import ProcessDraft, ProcessVersion
from tests.api.conftest import ACCOUNTS, Api
from tests.api.test_authorisation import ANONYMOUS, World, call, signed_in, world  # noqa: F401 - fixtures
from tests.api.test_openapi_fuzz import attack
from tests.engine.test_xml import SECRET, hostile_documents
from tests.processes.test_drafts import NEW_TIMER, OLD_TIMER, edited, rename, with_manager_timer
from tests.processes.test_policy import BROKEN, DIAGRAM

PAT, OLU, KEY = "pat.owner", "olu.owner", "information_sharing"
DRAFTS = f"/api/processes/{KEY}/drafts"
NOTE = "Three working days for routine advice"


def save(api: Api, bpmn: str, user: str = PAT, expect: int = 201, note: str = NOTE) -> Any:
    """Save the owner's draft and ask for its approval."""
    return api.post(DRAFTS, user, {"bpmn": bpmn, "change_note": note, "submit": True}, expect=expect)


def stored(session_factory: sessionmaker[Session]) -> tuple[int, int]:
    with session_factory() as s:
        return (s.scalar(select(func.count()).select_from(ProcessDraft)) or 0,
                s.scalar(select(func.count()).select_from(ProcessVersion)) or 0)


def test_four_eyes_over_http_from_draft_to_version_2(owners: Api) -> None:
    api = owners
    draft = save(api, with_manager_timer(NEW_TIMER))
    assert (draft["status"], draft["author"], draft["base_version"], draft["change_note"]) == (
        "submitted", PAT, 1, NOTE)
    changed = [{"id": "manager_overdue", "type": "boundaryEvent", "name": "Advice overdue", "kind": "timer on a step",
                "group": {"id": "manager_advice", "name": "Advise and decide", "kind": "step"},
                "marks": ["manager_overdue"], "changes": [{"what": "timer", "before": OLD_TIMER, "after": NEW_TIMER}]}]
    assert draft["diff"] == {"added": [], "changed": changed, "removed": []}
    path = f"{DRAFTS}/{draft['id']}"
    assert api.get(path, OLU)["diff"]["changed"] == changed
    assert [d["id"] for d in api.get(DRAFTS, OLU)["drafts"]] == [draft["id"]]
    assert api.get("/api/processes", OLU)["processes"][0]["pending_drafts"] == 1

    assert "second process owner" in api.post(f"{path}/approve", PAT, expect=403)["error"]
    assert "needs approval" in api.post(f"{path}/publish", PAT, expect=409)["error"]
    approved = api.post(f"{path}/approve", OLU)
    assert (approved["status"], approved["approved_by"]) == ("approved", OLU)
    api.post(f"{path}/approve", OLU, expect=409)
    published = api.post(f"{path}/publish", PAT)
    version = published["version"]
    assert (version["number"], version["author"], version["approved_by"], version["change_note"]) == (
        2, PAT, OLU, NOTE)
    assert version["content_hash"] == draft["content_hash"]
    api.post(f"{path}/publish", OLU, expect=409)

    assert [v["number"] for v in api.get(f"/api/processes/{KEY}/versions", OLU)["versions"]] == [2, 1]
    [process] = api.get("/api/processes", PAT)["processes"]
    assert (process["key"], process["latest_version"]["number"], process["pending_drafts"]) == (KEY, 2, 0)
    assert api.get(f"/api/processes/{KEY}/diff?from=1&to=2", OLU) == {"added": [], "changed": changed,
                                                                      "removed": []}
    for number, timer in ((1, OLD_TIMER), (2, NEW_TIMER)):
        response = api.call("GET", f"/api/processes/{KEY}/versions/{number}/bpmn", PAT, expect=200)
        assert response.mimetype == "application/xml" and timer in response.get_data(as_text=True)
    assert NEW_TIMER in api.call("GET", f"{path}/bpmn", PAT, expect=200).get_data(as_text=True)
    assert api.get(path, PAT)["published_version"] == 2


def test_a_refused_draft_lists_every_problem_with_its_element(owners: Api,
                                                              session_factory: sessionmaker[Session]) -> None:
    def break_it(root: Any) -> None:
        for step in BROKEN:
            if step.id in ("a task without a form", "a manager task cannot escalate"):
                step.values[0](root)

    before = stored(session_factory)
    refused = save(owners, edited(break_it), expect=422)
    assert refused["error"].startswith("the draft was refused") and refused["field"]
    named = {p["element_id"] for p in refused["problems"]}
    assert {"consider_consent", "manager_advice"} <= named, refused["problems"]
    assert all(set(p) == {"message", "element_id", "file"} and p["message"] for p in refused["problems"])
    hostile = save(owners, with_manager_timer("__import__('os').system('true')"), expect=422)
    assert "manager_overdue" in {p["element_id"] for p in hostile["problems"]}
    assert stored(session_factory) == before, "nothing stored"
    assert owners.get(DRAFTS, PAT)["drafts"] == []


def test_odd_uploads_get_a_4xx_and_store_nothing(owners: Api, session_factory: sessionmaker[Session]) -> None:
    api, before = owners, stored(session_factory)

    def raw(data: str | bytes, content_type: str) -> Any:
        return api.call("POST", DRAFTS, PAT, data=data, content_type=content_type)

    assert raw("not xml at all", "application/xml").status_code == 422
    assert raw(b"\xff\xfe<definitions/>", "application/xml").status_code == 422
    assert raw("<a>" + "x" * (9 * 1024 * 1024) + "</a>", "application/xml").status_code == 413
    assert raw("{not json", "application/json").status_code == 400
    assert save(api, "x" * (3 * 1024 * 1024), expect=422)["field"] == "bpmn"
    assert api.post(DRAFTS, PAT, {"bpmn": 42}, expect=422)["field"] == "bpmn"
    assert api.post(DRAFTS, PAT, {"change_note": "no diagram"}, expect=422)["field"] == "bpmn"
    assert api.post(DRAFTS, PAT, {"bpmn": with_manager_timer(NEW_TIMER), "files": {"x.exe": "MZ"}},
                    expect=422)["field"] == "files"
    assert api.post(DRAFTS, PAT, {"bpmn": with_manager_timer(NEW_TIMER), "files": ["x"]},
                    expect=422)["field"] == "files"
    assert save(api, DIAGRAM.read_text(), expect=422)["error"].startswith("nothing has changed")
    assert stored(session_factory) == before
    api.post("/api/processes/no_such_process/drafts", PAT, {"bpmn": "<x/>"}, expect=404)
    assert api.get(f"/api/processes/{KEY}/diff?from=one&to=2", PAT, expect=422)["field"] == "from"
    assert api.get(f"/api/processes/{KEY}/diff?from=1", PAT, expect=422)["field"] == "to"
    api.get(f"/api/processes/{KEY}/diff?from=1&to=7", PAT, expect=404)
    api.get(f"/api/processes/{KEY}/versions/7/bpmn", PAT, expect=404)
    api.get(f"{DRAFTS}/no-such-draft", PAT, expect=404)
    api.post(f"{DRAFTS}/no-such-draft/approve", OLU, expect=404)


@pytest.mark.parametrize("kind", ["xxe_file", "parameter_entity", "billion_laughs", "doctype_after_padding"])
def test_hostile_xml_sent_as_the_raw_body_is_refused(owners: Api, session_factory: sessionmaker[Session],
                                                     tmp_path: Path, kind: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    response = owners.call("POST", DRAFTS, PAT, data=hostile_documents(secret)[kind], content_type="application/xml")
    assert response.status_code == 422 and response.get_json()["problems"]
    assert SECRET not in response.get_data(as_text=True)
    assert stored(session_factory) == (0, 1)


def test_a_raw_xml_body_is_the_diagram_and_publish_may_keep_open_cases(owners: Api) -> None:
    api = owners
    response = api.call("POST", f"{DRAFTS}?change_note=Renamed+the+record+step&submit=true", PAT,
                        data=edited(rename("record_decision", "Record the decision")), content_type="text/xml")
    assert response.status_code == 201, response.get_json()
    draft = response.get_json()
    assert (draft["change_note"], draft["status"]) == ("Renamed the record step", "submitted")
    assert [c["id"] for c in draft["diff"]["changed"]] == ["record_decision"]
    api.post(f"{DRAFTS}/{draft['id']}/approve", OLU)
    assert api.post(f"{DRAFTS}/{draft['id']}/publish", OLU, {"migrate": "yes"}, expect=422)["field"] == "migrate"
    published = api.post(f"{DRAFTS}/{draft['id']}/publish", OLU, {"migrate": False})
    assert (published["version"]["number"], published["migrated"], published["kept"]) == (2, [], [])


def test_publishing_moves_the_early_case_and_keeps_the_one_waiting_on_the_changed_timer(
        owners: Api, world: World) -> None:  # noqa: F811 - the fixture
    api = owners
    draft = save(api, with_manager_timer(NEW_TIMER))
    api.post(f"{DRAFTS}/{draft['id']}/approve", OLU)
    published = api.post(f"{DRAFTS}/{draft['id']}/publish", OLU)
    assert (published["migrated"], published["kept"]) == ([world.case["id"]], [world.queued_case["id"]])
    tess = "tess.teacher"
    assert api.get(f"/api/cases/{world.case['id']}", tess)["process_version"] == 2
    assert api.get(f"/api/cases/{world.queued_case['id']}", tess)["process_version"] == 1
    timeline = api.get(f"/api/cases/{world.case['id']}", tess)["timeline"]
    assert [e["summary"] for e in timeline if e["action"] == "case_migrated"] == [
        {"process": KEY, "from": 1, "to": 2}]
    # Process owners still see no case data, however the process changed.
    for path in (f"/api/cases/{world.case['id']}", f"/api/cases/{world.case['id']}/record", "/api/cases"):
        api.get(path, PAT, expect=403)
    assert api.get("/api/audit/verify", "ada.auditor")["ok"] is True


# --- who may call them ----------------------------------------------------------------------------------------------

Endpoint = Callable[[str], tuple[str, str, Any]]


def _review_step(step: str, draft_id: str) -> tuple[str, str, Any]:
    return "POST", f"{DRAFTS}/{draft_id}/{step}", {"comment": "x"}


ENDPOINTS: dict[str, Endpoint] = {
    "list_processes": lambda d: ("GET", "/api/processes", None),
    "list_versions": lambda d: ("GET", f"/api/processes/{KEY}/versions", None),
    "version_bpmn": lambda d: ("GET", f"/api/processes/{KEY}/versions/1/bpmn", None),
    "diff": lambda d: ("GET", f"/api/processes/{KEY}/diff?from=1&to=1", None),
    "list_drafts": lambda d: ("GET", DRAFTS, None),
    "create_draft": lambda d: ("POST", DRAFTS, {"bpmn": with_manager_timer(NEW_TIMER), "change_note": "x"}),
    "get_draft": lambda d: ("GET", f"{DRAFTS}/{d}", None),
    "draft_bpmn": lambda d: ("GET", f"{DRAFTS}/{d}/bpmn", None),
    "approve_draft": lambda d: ("POST", f"{DRAFTS}/{d}/approve", None),
    "publish_draft": lambda d: ("POST", f"{DRAFTS}/{d}/publish", None),
    "publish_preview": lambda d: ("GET", f"{DRAFTS}/{d}/publish-preview", None),
    "rollback": lambda d: ("POST", f"/api/processes/{KEY}/versions/1/rollback", {"comment": "x"}),
    **{f"review_{step}": partial(_review_step, step)
       for step in ("submit", "withdraw", "reject", "discard", "comments")},
}


def test_the_list_covers_every_process_endpoint(app: Any) -> None:
    views = {rule.endpoint.removeprefix("api_processes.") for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith("api_processes.")}
    # A draft's step that does not exist is not found, whoever asks.
    assert views == {*ENDPOINTS, "no_such_step"}


@pytest.mark.parametrize("user", [u for u in [*ACCOUNTS, ANONYMOUS] if u != PAT])
def test_only_process_owners_reach_the_process_endpoints(owners: Api, session_factory: sessionmaker[Session],
                                                         user: str) -> None:
    api = owners
    draft = save(api, with_manager_timer(NEW_TIMER))
    before = stored(session_factory)
    for name, endpoint in ENDPOINTS.items():
        method, path, body = endpoint(draft["id"])
        response = call(api, method, path, user, body)
        expected = 401 if user == ANONYMOUS else 403
        assert response.status_code == expected, (name, user, response.get_json())
        assert response.get_json()["error"]
        if user == ANONYMOUS and method == "POST":
            assert api.client.post(path).status_code == 401, "even without a body"
    assert stored(session_factory) == before
    assert api.get(f"{DRAFTS}/{draft['id']}", PAT)["status"] == "submitted", "nothing changed"


@pytest.mark.parametrize(("method", "path"), [("POST", "/api/processes/{key}/drafts"),
                                              ("GET", "/api/processes/{key}/diff")])
def test_generated_requests_on_the_real_process_never_fail_the_server(app: Any, owners: Api, method: str,
                                                                      path: str) -> None:
    """As test_openapi_fuzz.py, with the key held to the real process so that generated bodies (JSON and raw
    XML) and query parameters reach the checks instead of stopping at 404."""
    operation = schemathesis.openapi.from_wsgi("/api/openapi.json", app)[path][method]
    attack(operation, {"Authorization": f"Bearer {owners.token(PAT)}"}, {"key": KEY})
