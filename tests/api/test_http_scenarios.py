"""The six worked scenarios of the guidance, each driven end to end through the HTTP API.

Every step is completed over HTTP by the person the process puts it in front of, signed in with
their own token; recipients' receipt confirmations arrive through POST /api/cases/{id}/receipt;
each test then reads the outcome back from GET /api/cases/{id}/record. The API runs on the real
clock, so dates in answers are relative to today, and a timer is fired through the domain service
at a moment computed from the due date the API reports.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from service.flows.cases import fire_due_timers
from tests.api.conftest import Api
from tests.record_faces import record_faces
from tests.workflows.test_scenarios import (
    A6_PUBLIC_TASK,
    A9_PUBLIC_INTEREST,
    A10_SAFEGUARDING,
    CHILD,
    CL_CONSENT,
    CL_EMERGENCY,
    CL_SIGNIFICANT_HARM,
    CONSENT_GIVEN,
    PARENT,
    SCH1_18,
    SENT,
    chosen_items,
    information,
    no_danger_concern,
    purpose,
    recorded,
)

OpenTask = Callable[[str, str, str], dict[str, Any]]

A6_NOT_IDENTIFYING = "Not applicable: the information does not identify anyone"


def day(offset: int = 0) -> str:
    """An ISO date ``offset`` days from today (the API stamps everything with the real clock)."""
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


def start(api: Api, user: str, *, direction: str, urgency: str, summary: str) -> dict[str, Any]:
    case = api.post("/api/cases", user, {"direction": direction, "urgency": urgency, "summary": summary},
                    expect=201)
    assert case["started_by"] == user and case["status"] == "active"
    return case


def open_elements(api: Api, case_id: str, user: str) -> list[str]:
    return sorted(t["element_id"] for t in api.get(f"/api/cases/{case_id}", user)["open_tasks"])


def complete(api: Api, open_task: OpenTask, case_id: str, element: str, user: str, data: dict[str, Any],
             *, claim: bool = False) -> dict[str, Any]:
    """``user`` finds the open ``element`` task in the case, optionally claims it, and completes it."""
    task = open_task(case_id, element, user)
    if claim:
        assert api.post(f"/api/tasks/{task['id']}/claim", user)["claimed_by"] == user
    done = api.post(f"/api/tasks/{task['id']}/complete", user, {"data": data})
    assert (done["state"], done["completed_by"]) == ("completed", user)
    return done


def confirm_receipt(api: Api, case_id: str, user: str, received_by: str) -> dict[str, Any]:
    return api.post(f"/api/cases/{case_id}/receipt", user,
                    {"received_by": received_by, "received_at": datetime.now(UTC).isoformat()})


def record_of(api: Api, case_id: str, user: str) -> dict[str, Any]:
    return api.get(f"/api/cases/{case_id}/record", user)


def fire_timers_after(session_factory: sessionmaker[Session], due_at: str) -> None:
    """Run the timer sweep just after ``due_at`` (as the sweeper would once the clock got there)."""
    with session_factory.begin() as s:
        fire_due_timers(session=s, now=datetime.fromisoformat(due_at) + timedelta(seconds=30))


def test_scenario_1_young_carer_referred_to_early_help_with_parental_consent(api: Api, open_task: OpenTask
                                                                             ) -> None:
    tess = "tess.teacher"
    case = start(api, tess, direction="outbound_concern", urgency="routine",
                 summary="Young carer: referral to early help")
    assert [t["element_id"] for t in case["open_tasks"]] == ["describe_concern"]
    assert case["open_tasks"][0]["assignee"] == tess
    cid, consented_on = case["id"], day(-1)
    complete(api, open_task, cid, "describe_concern", tess, no_danger_concern(
        "Sam looks after his mother most evenings and is often late and tired.", CHILD, PARENT))
    complete(api, open_task, cid, "check_purpose", tess,
             purpose("early_help", True, "An early help assessment of Sam's needs as a young carer")
             | {"statutory_power": "children_act_2004_s10",
                "data_sharing_agreement": "Northshire information sharing protocol 2025"})
    complete(api, open_task, cid, "check_information", tess, information(confidential=True))
    complete(api, open_task, cid, "consider_consent", tess, {
        "consent_appropriate": True, "seeking_consent_increases_risk": False, "subject_can_consent": False,
        "consent_result": "given", "consent_of_whom": "parent_with_parental_responsibility",
        "consent_by_name": "Jo Carter", "consent_explicit": True,
        "consent_scope": "Share Sam's caring role and attendance with the early help team",
        "consent_date": consented_on, "consent_method": "written", "unsure": False})
    assert open_elements(api, cid, tess) == ["choose_what_to_share"], "consent given: no override question"
    complete(api, open_task, cid, "choose_what_to_share", tess, chosen_items())
    complete(api, open_task, cid, "send_securely", tess, SENT)

    waiting = api.get(f"/api/cases/{cid}", tess)
    assert waiting["status"] == "active" and waiting["incident"] is None
    assert waiting["open_tasks"] == [] and waiting["next_timer_at"], "waits for the receipt, with a deadline"
    [receipt] = waiting["waiting_for"]
    assert (receipt["kind"], receipt["what"], receipt["otherwise"]) == (
        "message", "Recipient confirms receipt", "No receipt or feedback in time")
    assert receipt["due_at"] == waiting["next_timer_at"] and "receipt_confirmed" in waiting["active_elements"]
    after_receipt = confirm_receipt(api, cid, tess, "Alex Reed")
    assert [t["element_id"] for t in after_receipt["open_tasks"]] == ["tell_subject"]
    again = api.post(f"/api/cases/{cid}/receipt", tess, {"received_by": "Alex Reed"}, expect=409)
    assert again["error"], "a second confirmation finds nothing waiting for it"
    complete(api, open_task, cid, "tell_subject", tess, {
        "subject_informed": True, "subject_informed_who": "Jo Carter", "also_told": "Sam, in person",
            "subject_informed_when": day(), "subject_informed_how": "in_person"})
    preview = open_task(cid, "record_decision", tess)
    shown = api.get(f"/api/tasks/{preview['id']}", tess)
    assert "Sam looks after his mother" in str(shown["record_preview"]), "the record is shown before it is confirmed"
    complete(api, open_task, cid, "record_decision", tess, recorded("Shared the minimum with early help, "
                                                                     "with consent."))
    faces = record_faces(api, cid, tess)
    faces.all_say("What was decided, and why (in the recorder's words) Shared the minimum with early help, with "
                  "consent.",
                  "What have you seen or heard? Sam looks after his mother most evenings and is often late and tired.",
                  "Why is sharing needed for that purpose? An early help assessment of Sam's needs as a young carer",
                  "Their name Jo Carter", "Identifying details withheld Sam Carter: DOB 2014-03-02",
                  "the consent answers the common-law duty of confidence")

    record = record_of(api, cid, tess)
    assert record["case"]["status"] == "completed"
    [decision] = record["decisions"]
    assert decision["outcome"] == "share_in_part"
    assert decision["article6_basis"] == A6_PUBLIC_TASK
    assert decision["common_law_justification"] == CL_CONSENT
    assert (decision["consent_sought"], decision["consent_result"], decision["consent_of_whom"]) == (
        True, "given", "parent_with_parental_responsibility")
    assert decision["consent_method"] == "written" and decision["consent_date"] == consented_on
    assert decision["subject_informed"] is True and decision["subject_informed_how"] == "in_person"
    assert "diagnosis withheld" in (decision["withheld_and_why"] or "")
    assert (decision["decision_maker"], decision["decision_maker_role"]) == (tess, "practitioner")
    [entry] = record["disclosures"]
    assert entry["recipient_organisation"] == "Northshire Council early help team"
    assert entry["receipt_by"] == "Alex Reed" and entry["receipt_at"]
    assert A6_PUBLIC_TASK in entry["basis_snapshot"] and entry["subject_informed"] is True
    assert [(i["nature"], i["currency"]) for i in entry["items"]] == [("reported_by_third_party", "current"),
                                                                       ("fact", "current")]
    request = record["sharing_request"]
    assert (request["direction"], request["purpose"], request["statutory_power"]) == (
        "outbound_concern", "early_help", "children_act_2004_s10")
    assert [(s["role"], s["name"]) for s in request["subjects"]] == [("child", "Sam Carter"),
                                                                     ("parent_carer", "Jo Carter")]


def injured_baby_mother_refuses(api: Api, open_task: OpenTask, cid: str) -> None:
    """Scenario 2 up to a lawful reason to share: an injured baby, the mother refused consent."""
    hana = "hana.visitor"
    complete(api, open_task, cid, "describe_concern", hana, no_danger_concern(
        "Two finger-tip bruises on the upper arm of a non-mobile baby; no explanation given.",
        {"role": "child", "name": "Baby Lee", "identifiers": "NHS 943 476 5919"},
        {"role": "parent_carer", "name": "Kim Lee"}))
    complete(api, open_task, cid, "check_purpose", hana, purpose(
        "s47", True, "Possible non-accidental injury: children's social care must assess today"))
    complete(api, open_task, cid, "check_information", hana, information(special_category=True, confidential=True))
    complete(api, open_task, cid, "consider_consent", hana, {
        "consent_appropriate": False, "seeking_consent_increases_risk": False, "subject_can_consent": False,
        "consent_result": "refused", "consent_of_whom": "parent_with_parental_responsibility",
        "consent_by_name": "Kim Lee", "consent_date": day(), "unsure": False})
    complete(api, open_task, cid, "without_consent", hana, {
        "risk_of_significant_harm": True, "overriding_public_interest": False, "unsure": False,
        "consent_override_reason": "Unexplained bruising on a non-mobile baby: the risk of significant harm "
                                   "outweighs the mother's refusal"})


def test_scenario_2_injured_baby_shared_without_consent_and_mother_not_told_until_review(
        api: Api, open_task: OpenTask, session_factory: sessionmaker[Session]) -> None:
    hana = "hana.visitor"
    case = start(api, hana, direction="outbound_concern", urgency="same_day",
                 summary="Unexplained bruising on a 4-month-old baby")
    cid = case["id"]
    assert case["team"] == "south"
    injured_baby_mother_refuses(api, open_task, cid)
    assert open_elements(api, cid, hana) == ["choose_what_to_share"], "sure of the reason: no manager needed"
    complete(api, open_task, cid, "choose_what_to_share", hana, chosen_items(
        "share_in_full", identifying_details_shared=["Baby Lee (the child)", "Baby Lee: NHS 943 476 5919"],
        recipient_person="Duty social worker", recipient_role="MASH duty social worker",
        recipient_organisation="Northshire children's social care", recipient_email="mash@example.org",
        items=[{"summary": "Body map and description of two bruises", "nature": "fact", "currency": "current",
                "accuracy_checked": True},
               {"summary": "My view: the explanation is inconsistent with the injury", "nature": "opinion",
                "currency": "current", "accuracy_checked": True}]))
    complete(api, open_task, cid, "send_securely", hana, SENT)
    confirm_receipt(api, cid, hana, "MASH duty desk")
    review_on = day(7)
    complete(api, open_task, cid, "tell_subject", hana, {
        "subject_informed": False, "review_date": review_on,
        "subject_not_informed_reason": "Telling the mother before the strategy discussion could put the baby "
                                       "at greater risk"})
    complete(api, open_task, cid, "record_decision", hana, recorded("Shared with children's social care "
                                                                     "without consent."))

    record = record_of(api, cid, hana)
    [first] = record["decisions"]
    assert first["outcome"] == "share_in_full"
    assert (first["article6_basis"], first["article9_condition"], first["schedule1_paragraph"]) == (
        A6_PUBLIC_TASK, A9_PUBLIC_INTEREST, SCH1_18)
    assert first["common_law_justification"] == CL_SIGNIFICANT_HARM
    record_faces(api, cid, hana).all_say(
        "Shared with children's social care without consent.",
        "Unexplained bruising on a non-mobile baby: the risk of significant harm outweighs the mother's refusal",
        "Telling the mother before the strategy discussion could put the baby at greater risk",
        "Identifying details withheld Kim Lee (parent or carer)")
    assert first["consent_result"] == "refused"
    assert "outweighs the mother's refusal" in (first["consent_override_reason"] or "")
    assert first["subject_informed"] is False and "strategy discussion" in (first["subject_not_informed_reason"]
                                                                             or "")
    assert first["review_date"] == review_on
    [entry] = record["disclosures"]
    assert entry["receipt_by"] == "MASH duty desk" and entry["subject_informed"] is False
    assert [i["nature"] for i in entry["items"]] == ["fact", "opinion"]
    # The south team's manager can read it; the north team's cannot.
    assert api.get(f"/api/cases/{cid}/record", "sue.manager")["decisions"][0]["outcome"] == "share_in_full"
    api.get(f"/api/cases/{cid}/record", "mo.manager", expect=404)

    # The case waits for the review date, then brings the decision back to the health visitor.
    waiting = api.get(f"/api/cases/{cid}", hana)
    assert waiting["status"] == "active" and waiting["open_tasks"] == []
    assert waiting["next_timer_at"][:10] >= review_on
    assert [(w["kind"], w["what"], w["otherwise"]) for w in waiting["waiting_for"]] == [
        ("message", "New information received", "Review date reached")], "the review date, or new information"
    fire_timers_after(session_factory, waiting["next_timer_at"])
    [review] = api.get("/api/tasks?scope=mine", hana)["tasks"]
    assert (review["case_id"], review["element_id"]) == (cid, "review_decision")
    complete(api, open_task, cid, "review_decision", hana, {
        "review_outcome": "tell_subject_now", "review_notes": "Strategy discussion held; safe to tell the mother",
        "review_date": None})
    complete(api, open_task, cid, "tell_subject", hana, {
        "subject_informed": True, "subject_informed_who": "Kim Lee", "subject_informed_when": review_on,
            "subject_informed_how": "in_person"})
    complete(api, open_task, cid, "record_decision", hana, recorded("Mother told after the strategy discussion."))

    record = record_of(api, cid, hana)
    assert record["case"]["status"] == "completed"
    second = record["decisions"][-1]
    assert (second["revision"], second["subject_informed"], second["review_date"]) == (2, True, None)
    assert len(record["disclosures"]) == 1, "the disclosure is logged once, not again on the revision"


def test_scenario_3_sports_club_trawl_is_declined_and_the_requester_told_why(api: Api, open_task: OpenTask
                                                                             ) -> None:
    tess = "tess.teacher"
    case = start(api, tess, direction="inbound_request", urgency="routine",
                 summary="Sports club asks for children on child-protection plans")
    cid, told_on, review_on = case["id"], day(), day(42)
    assert [t["element_id"] for t in case["open_tasks"]] == ["log_request"]
    complete(api, open_task, cid, "log_request", tess, {
        "channel": "email", "requester_name": "Chris Field",
        "requester_role": "Junior section coach", "requester_organisation": "Northshire Juniors FC",
        "requester_contact": "chris@example.org",
        "information_requested": "A list of all pupils on child-protection plans, to keep an eye on them",
        "subjects": [{"role": "other", "name": "All pupils on child-protection plans"}]})
    assert open_elements(api, cid, tess) == ["verify_requester"]
    complete(api, open_task, cid, "verify_requester", tess, {
        "identity_verified": True, "verification_method": "Called the club secretary on the number on its website",
        "requester_authority": "None: a voluntary club has no safeguarding role for these children",
        "requester_is_public_body": False, "request_specific": False,
        "verification_notes": "A general list, not a named child: a trawl"})
    assert open_elements(api, cid, tess) == ["explain_not_sharing"], "a trawl goes straight to not sharing"
    complete(api, open_task, cid, "explain_not_sharing", tess, {
        "not_sharing_reasons": "No legitimate purpose: the club has no role in these children's plans, and a list "
                               "of every child on a plan would be wholly disproportionate",
        "discussed_with_requester_on": told_on, "how_requester_told": "Phone call, then email",
        "review_date": review_on})
    complete(api, open_task, cid, "record_decision", tess, recorded("Declined a trawling request."))

    record = record_of(api, cid, tess)
    assert record["case"]["status"] == "active", "a decision not to share comes back on its review date"
    assert api.get(f"/api/cases/{cid}", tess)["next_timer_at"][:10] >= review_on
    [decision] = record["decisions"]
    assert decision["outcome"] == "decline"
    assert "disproportionate" in (decision["not_sharing_reasons"] or "")
    assert decision["discussed_with_requester_on"] == told_on
    assert decision["article6_basis"] is None and decision["subject_informed"] is None
    assert decision["review_date"] == review_on
    trawl = [a["answer"] for a in decision["answers"] if a["question"] == "Is the request specific, not a trawl?"]
    assert trawl == ["request specific: no"]
    assert record["disclosures"] == []
    request = record["sharing_request"]
    assert (request["requester_name"], request["requester_organisation"], request["channel"]) == (
        "Chris Field", "Northshire Juniors FC", "email")
    assert request["requester_verified_by"] == tess and "club secretary" in request["requester_verified_how"]
    assert [s["role"] for s in request["subjects"]] == ["other"]
    record_faces(api, cid, tess).all_say(
        "Declined a trawling request.", "How the requester was told Phone call, then email",
        "A list of all pupils on child-protection plans, to keep an eye on them",
        "The power or authority they rely on None: a voluntary club has no safeguarding role for these children")


def test_scenario_4_anonymous_consultation_about_an_unnamed_child_is_recorded(api: Api, open_task: OpenTask
                                                                              ) -> None:
    dee = "dee.lead"
    case = start(api, dee, direction="outbound_concern", urgency="routine",
                 summary="Consultation line: how to respond to a worrying comment")
    cid = case["id"]
    complete(api, open_task, cid, "describe_concern", dee, no_danger_concern(
        "A pupil mentioned being left alone overnight; I want advice before deciding anything",
        {"role": "child", "name": "Unnamed pupil"}))
    complete(api, open_task, cid, "check_purpose", dee, purpose(
        "other", True, "Advice on whether the threshold for a referral is met") | {"purpose_other": "Consultation"})
    complete(api, open_task, cid, "check_information", dee, information(identifies_individual=False))
    assert open_elements(api, cid, dee) == ["anonymous_consultation"]
    complete(api, open_task, cid, "anonymous_consultation", dee, {
        "consulted_whom": "Northshire children's services consultation line",
        "advice": "Below the threshold for a referral; offer early help and speak to the parent",
        "subject_named": False})
    complete(api, open_task, cid, "record_decision", dee, recorded("Consulted without naming the child; "
                                                                    "advice followed."))

    record = record_of(api, cid, dee)
    assert record["case"]["status"] == "completed"
    [decision] = record["decisions"]
    assert decision["outcome"] == "share_in_part"
    assert decision["article6_basis"] == A6_NOT_IDENTIFYING
    assert (decision["decision_maker"], decision["decision_maker_role"]) == (dee, "dsl")
    [advice] = decision["advice"]
    assert advice["adviser"] == "Northshire children's services consultation line"
    assert advice["subject_named"] is False and "early help" in advice["advice"]
    assert record["disclosures"] == []
    assert record_of(api, cid, "ada.auditor")["decisions"][0]["article6_basis"] == A6_NOT_IDENTIFYING
    record_faces(api, cid, "ada.auditor").all_say(
        "Consulted without naming the child; advice followed.",
        "Below the threshold for a referral; offer early help and speak to the parent",
        "Who did you consult? Northshire children's services consultation line")


def test_scenario_5_unsure_assistant_consults_and_the_escalated_dsl_decides(
        api: Api, open_task: OpenTask, session_factory: sessionmaker[Session]) -> None:
    theo, mo, dee = "theo.assistant", "mo.manager", "dee.lead"
    case = start(api, theo, direction="outbound_concern", urgency="same_day", summary="Pupil disclosed self-harm")
    cid = case["id"]
    complete(api, open_task, cid, "describe_concern", theo, no_danger_concern(
        "A Year 9 pupil showed me cuts on her forearm and asked me not to tell anyone",
        {"role": "child", "name": "Ria Patel"}))
    complete(api, open_task, cid, "check_purpose", theo, purpose(
        "s17", True, "She may need support from CAMHS and children's services"))
    complete(api, open_task, cid, "check_information", theo, information(special_category=True, confidential=True))
    complete(api, open_task, cid, "consider_consent", theo, {
        "consent_appropriate": False, "seeking_consent_increases_risk": True, "subject_can_consent": True,
        "consent_result": "not_sought",
        "consent_not_sought_reason": "She asked me not to tell her parents; I need advice first", "unsure": True,
        "question_for_adviser": "Is this significant harm?"})
    complete(api, open_task, cid, "without_consent", theo, {
        "risk_of_significant_harm": False, "overriding_public_interest": False, "unsure": True,
        "question_for_adviser": "May I share with CAMHS although she asked me not to tell anyone?",
        "consent_override_reason": "I do not know whether this is significant harm"})

    advice_task = open_task(cid, "manager_advice", theo)
    assert advice_task["role"] == "manager" and advice_task["assignee"] is None and advice_task["due_at"]
    # The assistant cannot decide alone.
    assert "manager" in api.post(f"/api/tasks/{advice_task['id']}/claim", theo, expect=403)["error"]
    # The adviser sees the case so far: every answer, in plain words, with the question asked.
    seen = api.get(f"/api/tasks/{advice_task['id']}", mo)["case_so_far"]
    said = {(step["step"], a["question"]): a["answer"] for step in seen for a in step["answers"]}
    assert said[("Describe the concern", "What have you seen or heard?")].startswith("A Year 9 pupil showed me cuts")
    assert said[("Is there a lawful reason to share without consent?", "What are you unsure about?")] == (
        "May I share with CAMHS although she asked me not to tell anyone?")
    assert said[("Is consent the right basis, and do you have it?", "What happened about consent?")] == (
        "Consent not sought")
    api.post(f"/api/tasks/{advice_task['id']}/complete", theo, {"data": {
        "advice_decision": "share", "advice": "I will decide myself", "subject_named": True,
        "risk_of_significant_harm": True, "overriding_public_interest": False, "legal_obligation": False}},
        expect=403)
    assert api.get("/api/tasks?scope=mine", theo)["tasks"] == []
    # It waits in the north team's queue, not the south team's.
    assert [t["id"] for t in api.get("/api/tasks?scope=team", mo)["tasks"]] == [advice_task["id"]]
    assert api.get("/api/tasks?scope=team", "sue.manager")["tasks"] == []
    api.get(f"/api/tasks/{advice_task['id']}", "sue.manager", expect=404)
    assert api.get("/api/tasks?scope=escalated", dee)["tasks"] == []

    # Nobody answers in time: the manager's deadline passes and the sweep escalates to the DSL.
    fire_timers_after(session_factory, advice_task["due_at"])
    assert open_elements(api, cid, theo) == ["dsl_advice"], "an overdue manager escalates to the DSL"
    assert api.get("/api/tasks?scope=team", mo)["tasks"] == []
    late = api.post(f"/api/tasks/{advice_task['id']}/complete", mo, {"data": {
        "advice_decision": "share", "advice": "Refer today", "subject_named": True, "risk_of_significant_harm": True,
        "overriding_public_interest": False, "legal_obligation": False}}, expect=409)
    assert "cancelled" in late["error"]
    [escalated] = api.get("/api/tasks?scope=escalated", dee)["tasks"]
    assert (escalated["case_id"], escalated["element_id"], escalated["role"]) == (cid, "dsl_advice", "dsl")
    api.post(f"/api/tasks/{escalated['id']}/claim", mo, expect=403)
    complete(api, open_task, cid, "dsl_advice", dee, {
        "advice_decision": "share",
        "advice": "Self-harm with a wish for secrecy: refer to children's services and CAMHS today",
        "subject_named": True, "also_consulted": ["la_consultation_line"],
        "risk_of_significant_harm": True, "overriding_public_interest": False, "legal_obligation": False},
        claim=True)
    assert api.get("/api/tasks?scope=escalated", dee)["tasks"] == []

    assert open_elements(api, cid, theo) == ["choose_what_to_share"], "back to the assistant to carry out"
    complete(api, open_task, cid, "choose_what_to_share", theo,
             chosen_items(identifying_details_shared=["Ria Patel (the child)"]))
    complete(api, open_task, cid, "send_securely", theo, SENT)
    confirm_receipt(api, cid, theo, "Duty desk")
    complete(api, open_task, cid, "tell_subject", theo, {
        "subject_informed": True, "subject_informed_who": "Ria Patel", "subject_informed_when": day(),
            "subject_informed_how": "in_person"})
    complete(api, open_task, cid, "record_decision", theo, recorded("Referred on the DSL's decision."))

    record = record_of(api, cid, theo)
    assert record["case"]["status"] == "completed"
    [decision] = record["decisions"]
    assert (decision["decision_maker"], decision["decision_maker_role"]) == (dee, "dsl")
    assert decision["common_law_justification"] == CL_SIGNIFICANT_HARM
    assert (decision["article9_condition"], decision["schedule1_paragraph"]) == (A9_PUBLIC_INTEREST, SCH1_18)
    assert decision["consent_sought"] is False and "advice first" in (decision["consent_not_sought_reason"] or "")
    [advice] = decision["advice"]
    assert (advice["adviser"], advice["adviser_role"], advice["subject_named"]) == (dee, "dsl", True)
    assert (advice["decision"], advice["question"]) == (
        "share", "May I share with CAMHS although she asked me not to tell anyone?")
    record_faces(api, cid, theo).all_say(
        "Referred on the DSL's decision.", "Decision Share",
        "Advice and reasons Self-harm with a wish for secrecy: refer to children's services and CAMHS today",
        "The question asked May I share with CAMHS although she asked me not to tell anyone?",
        "Also consulted Local authority consultation line")
    timeline = [(e["actor"], e["action"]) for e in api.get(f"/api/cases/{cid}", dee)["timeline"]]
    assert ("system", "timer_fired") in timeline and (dee, "task_completed") in timeline


def test_scenario_6_disclosure_of_abuse_is_shared_at_once_and_parents_not_told(api: Api, open_task: OpenTask
                                                                               ) -> None:
    tess = "tess.teacher"
    case = start(api, tess, direction="outbound_concern", urgency="emergency",
                 summary="Child disclosed sexual abuse by step-parent")
    cid, review_on = case["id"], day(14)
    assert open_elements(api, cid, tess) == ["share_at_once"], "no sign-off, no questions before sharing"
    contacted_at = datetime.now(UTC).replace(microsecond=0)
    complete(api, open_task, cid, "share_at_once", tess, {
        "contacted": "childrens_social_care", "contacted_at": contacted_at.isoformat(),
        "subjects": [CHILD, {"role": "third_party", "name": "Step-parent"}],
        "contacted_person": "Dee Wright", "contacted_role": "MASH duty social worker",
        "contact_reference": "MASH ref 2211", "information_shared": "The child's words, as written down at once",
        "purpose": "s47", "threat_to_life": False, "subject_can_consent": True, "special_category": True,
        "criminal_offence_data": True, "confidential": True, "subject_at_risk": True, "legal_obligation": False})
    assert open_elements(api, cid, tess) == ["tell_subject"], "shared already: no receipt to wait for"
    complete(api, open_task, cid, "tell_subject", tess, {
        "subject_informed": False, "review_date": review_on,
        "subject_not_informed_reason": "Telling the parents could put the child at further risk and prejudice "
                                       "the police investigation"})
    record_task = open_task(cid, "record_decision", tess)
    assert record_task["due_at"], "an emergency is recorded the same working day"
    complete(api, open_task, cid, "record_decision", tess, recorded("Referred at once; parents not told."))

    record = record_of(api, cid, tess)
    [decision] = record["decisions"]
    assert decision["outcome"] == "share_in_full"
    assert decision["common_law_justification"] == CL_EMERGENCY
    assert (decision["article6_basis"], decision["article9_condition"], decision["schedule1_paragraph"],
            decision["article10_condition"]) == (A6_PUBLIC_TASK, A9_PUBLIC_INTEREST, SCH1_18, A10_SAFEGUARDING)
    assert decision["subject_informed"] is False
    assert "prejudice the police investigation" in (decision["subject_not_informed_reason"] or "")
    assert decision["review_date"] == review_on and decision["consent_sought"] is False
    [entry] = record["disclosures"]
    assert entry["channel"] == "telephone (emergency)"
    assert (entry["recipient_person"], entry["reference"]) == ("Dee Wright", "MASH ref 2211")
    assert datetime.fromisoformat(entry["sent_at"]) == contacted_at
    assert entry["subject_informed"] is False
    assert record["case"]["status"] == "active"
    assert api.get(f"/api/cases/{cid}", tess)["next_timer_at"][:10] >= review_on, "comes back on the review date"
    record_faces(api, cid, tess).all_say(
        "Referred at once; parents not told.", "Incident or reference number MASH ref 2211",
        "Recipient Dee Wright", "What did you tell them? The child's words, as written down at once",
        "Telling the parents could put the child at further risk and prejudice the police investigation")


@pytest.mark.parametrize("received", [{}, {"received_by": "  "}, {"received_by": 42}],
                         ids=["no-name", "blank-name", "number"])
def test_a_receipt_without_the_recipients_name_is_refused_and_changes_nothing(
        api: Api, open_task: OpenTask, received: dict[str, Any]) -> None:
    tess = "tess.teacher"
    cid = send_for_receipt(api, open_task, tess)
    assert api.post(f"/api/cases/{cid}/receipt", tess, received, expect=422)["field"] == "received_by"
    assert open_elements(api, cid, tess) == [], "still waiting for the receipt"
    assert [t["element_id"] for t in confirm_receipt(api, cid, tess, "Alex Reed")["open_tasks"]] == [
        "tell_subject"]


@pytest.mark.parametrize("received", [
    pytest.param({"received_by": "Alex Reed", "received_at": "yesterday afternoon"}, id="unreadable-received_at"),
    pytest.param({"received_by": "Alex Reed", "received_at": 1764115200}, id="number-received_at"),
    pytest.param({"received_by": "A" * 201}, id="received_by-longer-than-the-log-holds"),
])
def test_a_receipt_the_record_cannot_hold_is_refused_rather_than_breaking_the_record_step(
        app: Flask, api: Api, open_task: OpenTask, received: dict[str, Any]) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # see the server's answer, not the exception behind it
    tess = "tess.teacher"
    cid = send_for_receipt(api, open_task, tess)
    response = api.call("POST", f"/api/cases/{cid}/receipt", tess, json=received)
    if response.status_code == 200:  # accepted: then the case must still be recordable
        complete(api, open_task, cid, "tell_subject", tess, {
            "subject_informed": True, "subject_informed_who": "Jo Carter",
            "subject_informed_when": day(),
            "subject_informed_how": "in_person"})
        task = open_task(cid, "record_decision", tess)
        recorded_now = api.call("POST", f"/api/tasks/{task['id']}/complete", tess,
                                json={"data": recorded("Shared with early help.")})
        assert recorded_now.status_code == 200, recorded_now.get_json()
    assert response.status_code == 422 and response.get_json()["field"] in received


def send_for_receipt(api: Api, open_task: OpenTask, user: str) -> str:
    """A short outbound case of ``user``'s, sent and waiting for the recipient's receipt."""
    cid = start(api, user, direction="outbound_concern", urgency="routine", summary="Young carer")["id"]
    for element, data in [
        ("describe_concern", no_danger_concern("Often late and tired", CHILD)),
        ("check_purpose", purpose("early_help", True, "Early help assessment")),
        ("check_information", information()),
        ("consider_consent", CONSENT_GIVEN | {"consent_date": day()}),
        ("choose_what_to_share", chosen_items(identifying_details_shared=["Sam Carter (the child)"])),
        ("send_securely", SENT),
    ]:
        complete(api, open_task, cid, element, user, data)
    assert open_elements(api, cid, user) == [], "waiting for the receipt"
    return cid
