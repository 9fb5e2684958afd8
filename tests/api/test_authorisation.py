"""Who may do what over HTTP: every account against every endpoint, cross-case access, and read auditing.

The policy (service/access.py): practitioners see only the cases they started (another practitioner
gets 404, not 403, so a case's existence is not leaked); managers see their own team's cases; the DSL
sees every case; the auditor reads cases, records and tasks but changes nothing; process owners and
admins have no access to case data (403); without a token every endpoint answers 401.

Two north cases are set up by tess.teacher: one waiting at a practitioner step (check_purpose, assigned
to her) and one waiting in the manager queue (manager_advice, unassigned and unclaimed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service.accounts.models import User
from service.accounts.service import issue_token
from service.audit.trail import case_events
from service.cases.models import Case
from service.tasks.models import HumanTask
from tests.api.conftest import ACCOUNTS, Api
from tests.workflows.test_scenarios import CONSENT_GIVEN

TESS = "tess.teacher"
ANONYMOUS = "anonymous"
USERS = [*ACCOUNTS, ANONYMOUS]

NEW_CASE = {"direction": "outbound_concern", "urgency": "routine", "summary": "A new concern"}
PURPOSE = {"purpose": "early_help", "purpose_clear": True, "purpose_reasons": "An early help assessment"}
ADVICE = {"advice_decision": "share", "advice": "Refer to children's services today", "subject_named": True,
          "risk_of_significant_harm": True, "overriding_public_interest": False, "legal_obligation": False}
CONCERN = {"concern": "Often late, tired and hungry",
           "subjects": [{"role": "child", "name": "Sam Carter"}]}
UNSURE_STEPS: list[tuple[str, dict[str, Any]]] = [
    ("describe_concern", CONCERN),
    ("check_purpose", {"purpose": "s17", "purpose_clear": True, "purpose_reasons": "She may need support"}),
    ("check_information", {"identifies_individual": True, "special_category": True, "criminal_offence_data": False,
                           "confidential": True, "subject_at_risk": True, "legal_obligation": False}),
    ("consider_consent", {"consent_appropriate": False, "seeking_consent_increases_risk": True,
                          "subject_can_consent": True, "consent_result": "not_sought",
                          "consent_not_sought_reason": "I need advice first", "unsure": True,
                          "question_for_adviser": "Is this significant harm?"}),
    ("without_consent", {"risk_of_significant_harm": False, "overriding_public_interest": False, "unsure": True,
                         "question_for_adviser": "May I share without consent?",
                         "consent_override_reason": "I do not know whether this is significant harm"}),
]


@dataclass
class World:
    api: Api
    case: dict[str, Any]  # the case waiting at tess's practitioner step
    task: dict[str, Any]  # its open check_purpose task
    queued_case: dict[str, Any]  # the case waiting in the north manager queue
    queued_task: dict[str, Any]  # its open manager_advice task

    def secrets(self) -> list[str]:
        """What must never reach anyone the cases are hidden from."""
        return [self.case["summary"], self.case["reference"], self.queued_case["summary"],
                self.queued_case["reference"]]


def call(api: Api, method: str, path: str, user: str, body: dict[str, Any] | None = None) -> Any:
    return api.call(method, path, None if user == ANONYMOUS else user, json=body)


def complete_step(api: Api, case_id: str, element: str, user: str, data: dict[str, Any]) -> None:
    [task] = [t for t in api.get(f"/api/cases/{case_id}", user)["open_tasks"] if t["element_id"] == element]
    api.post(f"/api/tasks/{task['id']}/complete", user, {"data": data})


@pytest.fixture
def signed_in(api: Api, session_factory: sessionmaker[Session]) -> Api:
    """Every account holds a token, issued directly (signing in over HTTP, with its deliberately slow
    password hash, is covered by test_api_basics)."""
    now = datetime.now(UTC)
    with session_factory.begin() as s:
        for user in s.scalars(select(User)):
            api.tokens[user.username], _ = issue_token(session=s, user=user, now=now)
    return api


@pytest.fixture
def world(signed_in: Api) -> World:
    api = signed_in
    case = api.post("/api/cases", TESS, {"direction": "outbound_concern", "urgency": "routine",
                                         "summary": "Worried about Sam Carter's home life"}, expect=201)
    complete_step(api, case["id"], "describe_concern", TESS, CONCERN)
    case = api.get(f"/api/cases/{case['id']}", TESS)
    [task] = case["open_tasks"]
    assert (task["element_id"], task["role"], task["assignee"]) == ("check_purpose", "practitioner", TESS)

    queued = api.post("/api/cases", TESS, {"direction": "outbound_concern", "urgency": "routine",
                                           "summary": "Ria Patel disclosed self-harm"}, expect=201)
    for element, data in UNSURE_STEPS:
        complete_step(api, queued["id"], element, TESS, data)
    queued = api.get(f"/api/cases/{queued['id']}", TESS)
    [queued_task] = queued["open_tasks"]
    assert (queued_task["element_id"], queued_task["role"], queued_task["assignee"], queued_task["claimed_by"]) == (
        "manager_advice", "manager", None, None)
    return World(api, case, task, queued, queued_task)


# --- the matrix --------------------------------------------------------------------------------------------------

Request = Callable[[World], tuple[str, str, dict[str, Any] | None]]

ENDPOINTS: dict[str, Request] = {
    "list_cases": lambda w: ("GET", "/api/cases", None),
    "start_case": lambda w: ("POST", "/api/cases", NEW_CASE),
    "get_case": lambda w: ("GET", f"/api/cases/{w.case['id']}", None),
    "get_record": lambda w: ("GET", f"/api/cases/{w.case['id']}/record", None),
    "confirm_receipt": lambda w: ("POST", f"/api/cases/{w.case['id']}/receipt", {"received_by": "Alex Reed"}),
    "tasks_mine": lambda w: ("GET", "/api/tasks?scope=mine", None),
    "tasks_team": lambda w: ("GET", "/api/tasks?scope=team", None),
    "tasks_escalated": lambda w: ("GET", "/api/tasks?scope=escalated", None),
    "get_practitioner_task": lambda w: ("GET", f"/api/tasks/{w.task['id']}", None),
    "get_manager_task": lambda w: ("GET", f"/api/tasks/{w.queued_task['id']}", None),
    "claim_practitioner_task": lambda w: ("POST", f"/api/tasks/{w.task['id']}/claim", None),
    "claim_manager_task": lambda w: ("POST", f"/api/tasks/{w.queued_task['id']}/claim", None),
    "unclaim_practitioner_task": lambda w: ("POST", f"/api/tasks/{w.task['id']}/unclaim", None),
    "unclaim_manager_task": lambda w: ("POST", f"/api/tasks/{w.queued_task['id']}/unclaim", None),
    "assign_practitioner_task": lambda w: ("POST", f"/api/tasks/{w.task['id']}/assign",
                                           {"assignee": "theo.assistant"}),
    "assign_manager_task": lambda w: ("POST", f"/api/tasks/{w.queued_task['id']}/assign",
                                      {"assignee": "mo.manager"}),
    "complete_practitioner_task": lambda w: ("POST", f"/api/tasks/{w.task['id']}/complete", {"data": PURPOSE}),
    "complete_manager_task": lambda w: ("POST", f"/api/tasks/{w.queued_task['id']}/complete", {"data": ADVICE}),
    "verify_audit": lambda w: ("GET", "/api/audit/verify", None),
    "send_secure_link_from_a_non_sending_task": lambda w: ("POST", f"/api/tasks/{w.task['id']}/secure-link", None),
    "list_secure_links": lambda w: ("GET", f"/api/cases/{w.case['id']}/secure-links", None),
    "show_code_of_unknown_link": lambda w: ("GET", "/api/secure-links/no-such-link/code", None),
    "revoke_unknown_link": lambda w: ("POST", "/api/secure-links/no-such-link/revoke", None),
    "reissue_unknown_link": lambda w: ("POST", "/api/secure-links/no-such-link/reissue", None),
}
WRITES = {"start_case", "confirm_receipt", "claim_practitioner_task", "claim_manager_task",
          "unclaim_practitioner_task", "unclaim_manager_task", "assign_practitioner_task", "assign_manager_task",
          "complete_practitioner_task", "complete_manager_task", "send_secure_link_from_a_non_sending_task",
          "revoke_unknown_link", "reissue_unknown_link"}

# The status each account gets, as the policy says. Columns follow USERS:
#                               tess theo hana  mo  sue  dee  pat  ada  sam  anon
EXPECTED: dict[str, tuple[int, ...]] = {
    "list_cases":                (200, 200, 200, 200, 200, 200, 403, 200, 403, 401),
    "start_case":                (201, 201, 201, 201, 201, 201, 403, 403, 403, 401),
    "get_case":                  (200, 404, 404, 200, 404, 200, 403, 200, 403, 401),
    "get_record":                (200, 404, 404, 200, 404, 200, 403, 200, 403, 401),
    # Readable, but the case is not waiting for a receipt: 409.
    "confirm_receipt":           (409, 404, 404, 409, 404, 409, 403, 403, 403, 401),
    # Work queues are for case workers; the auditor reads tasks by id instead.
    "tasks_mine":                (200, 200, 200, 200, 200, 200, 403, 403, 403, 401),
    "tasks_team":                (403, 403, 403, 200, 200, 200, 403, 403, 403, 401),
    "tasks_escalated":           (403, 403, 403, 403, 403, 200, 403, 403, 403, 401),
    "get_practitioner_task":     (200, 404, 404, 200, 404, 200, 403, 200, 403, 401),
    "get_manager_task":          (200, 404, 404, 200, 404, 200, 403, 200, 403, 401),
    # Managers and the DSL pass the gate (they may assign it) but may not take a practitioner's step: 403.
    "claim_practitioner_task":   (200, 404, 404, 403, 404, 403, 403, 403, 403, 401),
    "claim_manager_task":        (403, 404, 404, 200, 404, 200, 403, 403, 403, 401),
    # Nobody has claimed either task yet: 409 for those allowed to release it.
    "unclaim_practitioner_task": (409, 404, 404, 403, 404, 403, 403, 403, 403, 401),
    "unclaim_manager_task":      (403, 404, 404, 409, 404, 409, 403, 403, 403, 401),
    "assign_practitioner_task":  (403, 404, 404, 200, 404, 200, 403, 403, 403, 401),
    "assign_manager_task":       (403, 404, 404, 200, 404, 200, 403, 403, 403, 401),
    "complete_practitioner_task": (200, 404, 404, 403, 404, 403, 403, 403, 403, 401),
    "complete_manager_task":     (403, 404, 404, 200, 404, 200, 403, 403, 403, 401),
    "verify_audit":              (403, 403, 403, 403, 403, 200, 403, 200, 403, 401),
    # Tess may work the step, but "Is there a clear legitimate purpose?" sends nothing: 409.
    "send_secure_link_from_a_non_sending_task": (409, 404, 404, 403, 404, 403, 403, 403, 403, 401),
    "list_secure_links":         (200, 404, 404, 200, 404, 200, 403, 200, 403, 401),
    # Codes and withdrawal are for case workers (real links: tests/disclosures).
    "show_code_of_unknown_link": (404, 404, 404, 404, 404, 404, 403, 403, 403, 401),
    "revoke_unknown_link":       (404, 404, 404, 404, 404, 404, 403, 403, 403, 401),
    "reissue_unknown_link":      (404, 404, 404, 404, 404, 404, 403, 403, 403, 401),
}

# Deviations from the policy found earlier (now fixed) are listed here, each with its reason, as
# strict xfails: an empty map means the service answers every cell as the policy says.
KNOWN_DEVIATIONS: dict[tuple[str, str], str] = {}


def _matrix() -> list[Any]:
    params = []
    for endpoint, statuses in EXPECTED.items():
        assert len(statuses) == len(USERS), endpoint
        for user, status in zip(USERS, statuses, strict=True):
            reason = KNOWN_DEVIATIONS.get((endpoint, user))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(endpoint, user, status, marks=marks, id=f"{endpoint}-{user}-{status}"))
    return params


def test_the_matrix_covers_every_endpoint_and_account() -> None:
    assert set(EXPECTED) == set(ENDPOINTS)
    assert {e for e, _ in KNOWN_DEVIATIONS} <= set(ENDPOINTS) and {u for _, u in KNOWN_DEVIATIONS} <= set(USERS)


def _state(session_factory: sessionmaker[Session]) -> tuple[Any, ...]:
    with session_factory() as s:
        tasks = s.execute(select(HumanTask.id, HumanTask.state, HumanTask.assignee, HumanTask.claimed_by)
                          .order_by(HumanTask.id)).all()
        cases = s.execute(select(Case.id, Case.status, Case.version).order_by(Case.id)).all()
        return tuple(tasks), tuple(cases), s.scalar(select(func.count()).select_from(Case))


@pytest.mark.parametrize(("endpoint", "user", "status"), _matrix())
def test_each_account_gets_the_status_the_policy_gives_it(world: World, session_factory: sessionmaker[Session],
                                                          endpoint: str, user: str, status: int) -> None:
    method, path, body = ENDPOINTS[endpoint](world)
    before = _state(session_factory)
    response = call(world.api, method, path, user, body)
    assert response.status_code == status, (method, path, user, response.get_json())
    payload = response.get_json()
    if status >= 400:
        assert payload["error"]
        assert not any(secret in response.get_data(as_text=True) for secret in world.secrets())
        if endpoint in WRITES:
            assert _state(session_factory) == before, "a refused write changed nothing"
    elif endpoint.startswith("claim_"):
        assert payload["claimed_by"] == user
    elif endpoint.startswith("assign_"):
        assert payload["assignee"] == body["assignee"] and payload["claimed_by"] is None
    elif endpoint.startswith("complete_"):
        assert (payload["state"], payload["completed_by"]) == ("completed", user)
    elif endpoint == "start_case":
        assert payload["started_by"] == user and payload["open_tasks"]


@pytest.mark.parametrize("endpoint", ["start_case", "confirm_receipt", "assign_practitioner_task",
                                      "complete_practitioner_task"])
def test_without_a_token_even_a_bodyless_post_is_refused_as_unauthenticated(world: World, endpoint: str) -> None:
    _, path, _ = ENDPOINTS[endpoint](world)
    assert world.api.client.post(path).status_code == 401


# --- cross-case access (IDOR) ------------------------------------------------------------------------------------

def _send_for_receipt(api: Api) -> dict[str, Any]:
    """A third case of tess's, sent and waiting for its recipient's receipt."""
    case = api.post("/api/cases", TESS, {"direction": "outbound_concern", "urgency": "routine",
                                         "summary": "Young carer Jo Carter: referral to early help"}, expect=201)
    for element, data in [
        ("describe_concern", CONCERN),
        ("check_purpose", PURPOSE),
        ("check_information", {"identifies_individual": True, "special_category": False,
                               "criminal_offence_data": False, "confidential": False, "subject_at_risk": True,
                               "legal_obligation": False}),
        ("consider_consent", CONSENT_GIVEN | {"consent_date": datetime.now(UTC).date().isoformat()}),
        ("choose_what_to_share", {
            "recipient_person": "Alex Reed", "recipient_role": "Early help coordinator",
            "recipient_organisation": "Northshire Council early help team",
            "recipient_email": "alex.reed@example.org", "recipient_verified_how": "Known contact",
            "items": [{"summary": "Attendance fell to 82%", "nature": "fact", "currency": "current",
                       "accuracy_checked": True}],
            "identifying_details_shared": ["Sam Carter (the child)"],
            "share_extent": "share_in_full", "third_parties_redacted": True}),
        ("send_securely", {"channel": "secure_email", "security_controls": "Encrypted email",
                           "sent_confirmed": True}),
    ]:
        complete_step(api, case["id"], element, TESS, data)
    case = api.get(f"/api/cases/{case['id']}", TESS)
    assert case["status"] == "active" and case["open_tasks"] == []
    return case


def test_another_teams_practitioner_cannot_reach_tess_cases_by_id(world: World,
                                                                  session_factory: sessionmaker[Session]) -> None:
    api, hana = world.api, "hana.visitor"
    waiting = _send_for_receipt(api)
    secrets = [*world.secrets(), waiting["summary"], waiting["reference"]]
    before = _state(session_factory)
    attempts = [
        ("GET", f"/api/cases/{world.case['id']}", None),
        ("GET", f"/api/cases/{world.case['id']}/record", None),
        ("GET", f"/api/cases/{waiting['id']}", None),
        ("GET", f"/api/tasks/{world.task['id']}", None),
        ("GET", f"/api/tasks/{world.queued_task['id']}", None),
        ("POST", f"/api/tasks/{world.task['id']}/claim", None),
        ("POST", f"/api/tasks/{world.queued_task['id']}/claim", None),
        ("POST", f"/api/tasks/{world.task['id']}/unclaim", None),
        ("POST", f"/api/tasks/{world.task['id']}/assign", {"assignee": hana}),
        ("POST", f"/api/tasks/{world.task['id']}/complete", {"data": PURPOSE}),
        ("POST", f"/api/tasks/{world.queued_task['id']}/complete", {"data": ADVICE}),
        ("POST", f"/api/cases/{waiting['id']}/receipt", {"received_by": "Hana pretending to be Alex"}),
    ]
    for method, path, body in attempts:
        response = call(api, method, path, hana, body)
        assert response.status_code == 404, (method, path, response.get_json())
        text = response.get_data(as_text=True)
        assert not [s for s in secrets if s in text], (method, path, text)
    assert _state(session_factory) == before, "nothing changed"
    # The receipt she tried to confirm is still awaited, and tess can confirm it.
    assert api.post(f"/api/cases/{waiting['id']}/receipt", TESS, {"received_by": "Alex Reed"})["open_tasks"]
    with session_factory() as s:
        assert {e.actor for e in case_events(session=s, case_id=waiting["id"])} == {TESS}, "no trace of hana"


@pytest.mark.parametrize("user", ["theo.assistant", "hana.visitor", "sue.manager"])
def test_list_endpoints_never_show_tess_cases_to_those_they_are_hidden_from(world: World, user: str) -> None:
    api = world.api
    own = api.post("/api/cases", user, {"direction": "outbound_concern", "urgency": "routine",
                                        "summary": f"{user}'s own case"}, expect=201)
    listed = api.get("/api/cases", user)["cases"]
    assert [c["id"] for c in listed] == [own["id"]], "their own case only"
    responses = [api.call("GET", "/api/cases", user, expect=200)]
    for scope in ("mine", "team", "escalated"):
        response = api.call("GET", f"/api/tasks?scope={scope}", user)
        assert response.status_code in (200, 403)
        responses.append(response)
    hidden = [world.case["id"], world.queued_case["id"], world.task["id"], world.queued_task["id"],
              *world.secrets()]
    for response in responses:
        text = response.get_data(as_text=True)
        assert not [h for h in hidden if h in text], text


def test_the_north_manager_and_the_dsl_list_tess_cases_and_the_queue(world: World) -> None:
    api = world.api
    both = {world.case["id"], world.queued_case["id"]}
    for user in (TESS, "mo.manager", "dee.lead", "ada.auditor"):
        assert {c["id"] for c in api.get("/api/cases", user)["cases"]} == both, user
    assert [t["id"] for t in api.get("/api/tasks?scope=mine", TESS)["tasks"]] == [world.task["id"]]
    for user in ("mo.manager", "dee.lead"):
        assert [t["id"] for t in api.get("/api/tasks?scope=team", user)["tasks"]] == [world.queued_task["id"]]
        assert api.get("/api/tasks?scope=mine", user)["tasks"] == []
    assert api.get("/api/tasks?scope=escalated", "dee.lead")["tasks"] == []
    assert api.get("/api/tasks?scope=everything", TESS, expect=422)["field"] == "scope"


def test_a_claimed_queue_task_is_worked_only_by_its_claimer_and_released_by_a_manager(world: World) -> None:
    api, task_id = world.api, world.queued_task["id"]
    assert api.post(f"/api/tasks/{task_id}/claim", "mo.manager")["claimed_by"] == "mo.manager"
    assert "claimed by mo.manager" in api.post(f"/api/tasks/{task_id}/claim", "dee.lead", expect=409)["error"]
    api.post(f"/api/tasks/{task_id}/complete", "dee.lead", {"data": ADVICE}, expect=409)
    assert api.post(f"/api/tasks/{task_id}/unclaim", "dee.lead")["claimed_by"] is None
    assert api.post(f"/api/tasks/{task_id}/claim", "dee.lead")["claimed_by"] == "dee.lead"
    done = api.post(f"/api/tasks/{task_id}/complete", "dee.lead", {"data": ADVICE})
    assert (done["state"], done["completed_by"]) == ("completed", "dee.lead")
    assert "already completed" in api.post(f"/api/tasks/{task_id}/claim", "mo.manager", expect=409)["error"]


def test_a_task_assigned_away_from_its_practitioner_is_no_longer_hers(world: World) -> None:
    api, task_id = world.api, world.task["id"]
    api.post(f"/api/tasks/{task_id}/assign", "mo.manager", {"assignee": "theo.assistant"})
    assert api.get("/api/tasks?scope=mine", TESS)["tasks"] == []
    api.post(f"/api/tasks/{task_id}/claim", TESS, expect=403)
    api.post(f"/api/tasks/{task_id}/complete", TESS, {"data": PURPOSE}, expect=403)
    assert api.post(f"/api/tasks/{task_id}/assign", "dee.lead", {"assignee": TESS})["assignee"] == TESS
    assert api.post(f"/api/tasks/{task_id}/complete", TESS, {"data": PURPOSE})["state"] == "completed"


def test_a_practitioner_a_task_is_assigned_to_can_work_it(world: World) -> None:
    api, task_id = world.api, world.task["id"]
    api.post(f"/api/tasks/{task_id}/assign", "mo.manager", {"assignee": "theo.assistant"})
    assert [t["id"] for t in api.get("/api/tasks?scope=mine", "theo.assistant")["tasks"]] == [task_id]
    assert api.get(f"/api/tasks/{task_id}", "theo.assistant", expect=None).get("form_schema")
    api.post(f"/api/tasks/{task_id}/complete", "theo.assistant", {"data": PURPOSE}, expect=200)


def test_a_task_cannot_be_handed_to_someone_outside_the_cases_team(world: World) -> None:
    api = world.api
    response = call(api, "POST", f"/api/tasks/{world.task['id']}/assign", "mo.manager", {"assignee": "hana.visitor"})
    listed = api.call("GET", "/api/tasks?scope=mine", "hana.visitor", expect=200).get_data(as_text=True)
    assert world.case["id"] not in listed
    assert response.status_code == 422


# --- every read is on the audit trail ----------------------------------------------------------------------------

def _reads(session_factory: sessionmaker[Session], case_id: str) -> list[tuple[str, str, str, str | None]]:
    with session_factory() as s:
        return [(e.action, e.actor, e.role, e.task_id) for e in case_events(session=s, case_id=case_id)
                if e.action in ("case_read", "record_read", "task_read")]


@pytest.mark.parametrize(("user", "role", "queued"), [(TESS, "practitioner", False), ("mo.manager", "manager", True),
                                                      ("dee.lead", "dsl", True), ("ada.auditor", "auditor", False)])
def test_every_successful_read_of_a_case_record_or_task_is_audited(
        world: World, session_factory: sessionmaker[Session], user: str, role: str, queued: bool) -> None:
    api = world.api
    # A case, and a task in it, that this reader may open (see READABLE_TASK_HIDDEN for the others).
    case_id, task_id = (world.queued_case["id"], world.queued_task["id"]) if queued else (world.case["id"],
                                                                                          world.task["id"])
    before = _reads(session_factory, case_id)
    api.get(f"/api/cases/{case_id}", user)
    api.get(f"/api/cases/{case_id}/record", user)
    api.get(f"/api/cases/{case_id}", user)
    api.get(f"/api/tasks/{task_id}", user)
    added = _reads(session_factory, case_id)[len(before):]
    assert added == [("case_read", user, role, None), ("record_read", user, role, None),
                     ("case_read", user, role, None), ("task_read", user, role, task_id)]
    # Reads are kept out of the case's timeline (the story of the case) but not out of the trail.
    timeline = api.get(f"/api/cases/{case_id}", "dee.lead")["timeline"]
    assert not [e for e in timeline if e["action"].endswith("_read")]
    assert api.get("/api/audit/verify", "ada.auditor")["ok"] is True


def test_refused_reads_and_listings_leave_no_read_event(world: World, session_factory: sessionmaker[Session]) -> None:
    api, case_id = world.api, world.case["id"]
    before = _reads(session_factory, case_id)
    for user in ("theo.assistant", "hana.visitor", "sue.manager", "pat.owner", "sam.admin"):
        assert call(api, "GET", f"/api/cases/{case_id}", user).status_code in (403, 404)
        assert call(api, "GET", f"/api/cases/{case_id}/record", user).status_code in (403, 404)
        assert call(api, "GET", f"/api/tasks/{world.task['id']}", user).status_code in (403, 404)
    api.get("/api/cases", "dee.lead")
    assert _reads(session_factory, case_id) == before

