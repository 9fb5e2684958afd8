"""Trying a draft through the API: the samples, each sample's two runs and the changes, in JSON; process owners
only, unknown things not found, wrong input refused in words, and nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service.cases.models import Case
from service.errors import InvalidInput
from service.processes.models import ProcessDraft, ProcessVersion
from service.records.models import AuditEvent
from service.web.trials import parse_facts
from tests.api.conftest import Api
from tests.processes.test_drafts import OLD_TIMER, with_manager_timer
from tests.signed_in import sign_in_as

PAT, KEY = "pat.owner", "information_sharing"
DRAFTS = f"/api/processes/{KEY}/drafts"
SLOWER = OLD_TIMER.replace("in_working_hours(2)", "in_working_hours(3)")


def draft(api: Api) -> str:
    saved = api.post(DRAFTS, PAT, {"bpmn": with_manager_timer(SLOWER), "change_note": "Three hours"}, expect=201)
    return str(saved["id"])


def stored(session_factory: sessionmaker[Session]) -> tuple[int, ...]:
    with session_factory() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) or 0
                     for m in (Case, AuditEvent, ProcessVersion, ProcessDraft))


def test_the_samples_are_the_worked_scenarios(api: Api) -> None:
    samples = api.get(f"/api/processes/{KEY}/samples", PAT)["samples"]
    assert [s["id"] for s in samples] == [f"scenario-{n}" for n in range(1, 7)]
    assert samples[2]["name"].startswith("Scenario 3: a sports club")
    assert "Decline" in samples[2]["expected"]


def test_a_trial_answers_each_sample_with_both_runs_and_the_changes(
        api: Api, session_factory: sessionmaker[Session]) -> None:
    draft_id = draft(api)
    before = stored(session_factory)
    found = api.post(f"{DRAFTS}/{draft_id}/trial", PAT, {"samples": ["scenario-5", "scenario-1"]})
    assert stored(session_factory) == before, "trying a draft writes nothing"
    assert (found["process"], found["draft_id"], found["published_version"]) == (KEY, draft_id, 1)
    self_harm, young_carer = found["samples"]
    assert self_harm["sample"]["id"] == "scenario-5" and self_harm["same_outcome"] is False
    due = {run: {t["element_id"]: t["due_at"] for t in self_harm[run]["timers"]} for run in ("draft", "published")}
    assert due["draft"]["manager_overdue"] > due["published"]["manager_overdue"], "an hour later on the draft"
    changes = [c["words"] for c in self_harm["changes"] if c["kind"] == "timer"]
    assert changes[0].startswith("'Advice overdue' falls due ") and " instead of " in changes[0]
    assert young_carer["same_outcome"] is True and young_carer["changes"] == []
    run = young_carer["draft"]
    assert run["ending"] == {"kind": "finished", "words": "The case finished", "element_id": None,
                             "element_name": None}
    assert {"element_id": "describe_concern", "name": "Describe the concern", "lane": "Practitioner",
            "kind": "step"} in run["path"]
    basis = {b["name"]: b["value"] for b in run["lawful_basis"]}
    assert basis["article6_basis"] == "Article 6(1)(e) public task (DPA 2018 s.8)"
    assert basis["common_law_justification"] == "Consent"


def test_no_body_tries_every_sample_and_facts_change_the_outcome(api: Api) -> None:
    draft_id = draft(api)
    every = api.post(f"{DRAFTS}/{draft_id}/trial", PAT)
    assert len(every["samples"]) == 6
    refused = api.post(f"{DRAFTS}/{draft_id}/trial", PAT, {"samples": ["scenario-1"],
                                                           "facts": {"consider_consent.consent_result": "refused"}})
    [one] = refused["samples"]
    assert one["draft"]["ending"]["kind"] == "waiting_for_answers"
    assert one["draft"]["ending"]["element_id"] == "without_consent"


def test_only_process_owners_may_try_a_draft(api: Api) -> None:
    draft_id = draft(api)
    for user in ("tess.teacher", "dee.lead", "sam.admin"):
        refused = api.call("POST", f"{DRAFTS}/{draft_id}/trial", user, expect=403, json={})
        assert "process owners" in refused.get_json()["error"]
        api.call("GET", f"/api/processes/{KEY}/samples", user, expect=403)
    api.call("POST", f"{DRAFTS}/{draft_id}/trial", None, expect=401, json={})


def test_unknown_drafts_processes_and_samples(api: Api) -> None:
    draft_id = draft(api)
    missing = api.call("POST", f"{DRAFTS}/no-such-draft/trial", PAT, expect=404, json={})
    assert "has no draft" in missing.get_json()["error"]
    api.call("GET", "/api/processes/no_such_process/samples", PAT, expect=404)
    unknown: Any = api.call("POST", f"{DRAFTS}/{draft_id}/trial", PAT, expect=422,
                            json={"samples": ["scenario-9"]}).get_json()
    assert "there is no sample 'scenario-9'" in unknown["error"] and unknown["field"] == "samples"
    bad_fact = api.call("POST", f"{DRAFTS}/{draft_id}/trial", PAT, expect=422,
                        json={"facts": {"not a name": 1}}).get_json()
    assert "is not a fact name" in bad_fact["error"]
    api.call("POST", f"{DRAFTS}/{draft_id}/trial", PAT, expect=422, json={"facts": {"x": {"deep": 1}}})
    api.call("POST", f"{DRAFTS}/{draft_id}/trial", PAT, expect=422, json={"samples": "scenario-1"})


def test_the_trial_page_is_for_process_owners_and_says_what_is_wrong(app: Flask, api: Api) -> None:
    draft_id = draft(api)
    page = f"/processes/{KEY}/drafts/{draft_id}/trial"
    teacher = sign_in_as(app.test_client(), "tess.teacher")
    assert teacher.get(page).status_code == 403
    owner = sign_in_as(app.test_client(), PAT, csrf="token")
    assert owner.get(f"/processes/{KEY}/drafts/no-such-draft/trial").status_code == 404
    shown = owner.get(page)
    assert shown.status_code == 200 and b"Try the draft" in shown.data and shown.data.count(b"checked") == 6
    wrong = owner.post(page, data={"csrf_token": "token", "samples": ["scenario-1"], "facts": "consent refused"})
    assert wrong.status_code == 422 and b"Line 1: write each fact as name = value" in wrong.data
    none = owner.post(page, data={"csrf_token": "token", "facts": ""})
    assert none.status_code == 422 and b"Choose at least one sample case to try" in none.data
    tried = owner.post(page, data={"csrf_token": "token", "samples": ["scenario-1"],
                                   "facts": "consider_consent.consent_result = refused"})
    text = tried.get_data(as_text=True)
    assert tried.status_code == 200 and "Changes from version 1" not in text and "Same outcome as version 1" in text
    assert "Waiting at &#39;Is there a lawful reason to share without consent?&#39; (Practitioner)" in text


def test_facts_typed_on_the_page_are_read_safely() -> None:
    assert parse_facts("a = yes\nb = 3\nc = 'x = y'\n\nd = none\ne = text with spaces") == {
        "a": True, "b": 3, "c": "x = y", "d": None, "e": "text with spaces"}
    for wrong in ("= 3", "__import__('os') = 1", "a.b.c = 1"):
        with pytest.raises(InvalidInput):
            parse_facts(wrong)
