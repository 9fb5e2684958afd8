"""Branches of the law and of time: vital interests, the purpose choosing the Schedule 1 condition, advice
that decides, new information before the review date, and an emergency looked at again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from service.cases.models import CaseStatus
from service.errors import Conflict, InvalidInput
from service.flows.new_information import bring_new_information
from tests.conftest import DSL, MANAGER, PRACTITIONER
from tests.workflows.test_scenarios import (
    CHILD,
    SENT,
    chosen_items,
    information,
    no_danger_concern,
    purpose,
    recorded,
)

A6_VITAL = "Article 6(1)(d) vital interests"
A6_PUBLIC_TASK = "Article 6(1)(e) public task (DPA 2018 s.8)"
A9_VITAL = "Article 9(2)(c) vital interests (the person cannot consent)"
A9_PUBLIC_INTEREST = "Article 9(2)(g) substantial public interest"
A10_VITAL = "DPA 2018 Sch 1 para 30 (vital interests)"
PARA_10_AND_18 = ("DPA 2018 Sch 1 para 10 (preventing or detecting unlawful acts) and para 18 (safeguarding of "
                  "children and of individuals at risk)")
NOT_TOLD = {"subject_informed": False, "review_date": "2027-01-11",
            "subject_not_informed_reason": "Telling them now would put the child at risk"}


def overdose_at_night(**share: Any) -> dict[str, Any]:
    """A teenager found unconscious after an overdose: the ambulance is called at once."""
    return {"contacted": "ambulance", "contacted_role": "999 call handler", "contact_reference": "CAD 2111-0042",
            "contacted_at": "2026-11-25T22:40:00+00:00",
            "information_shared": "Found unconscious; took her mother's tablets about an hour ago",
            "purpose": "medical_emergency", "threat_to_life": True, "subject_can_consent": False,
            "special_category": True, "criminal_offence_data": True, "confidential": True, "subject_at_risk": True,
            "legal_obligation": False, "subjects": [CHILD]} | share


def test_a_life_threatening_emergency_about_a_teenager_who_cannot_consent_is_vital_interests(start_case: Any
                                                                                             ) -> None:
    case = start_case(PRACTITIONER, direction="outbound_concern", urgency="emergency", summary="Overdose")
    case.complete("share_at_once", PRACTITIONER, overdose_at_night())
    data = case.data()
    assert (data["article6_basis"], data["article9_condition"], data["article10_condition"]) == (
        A6_VITAL, A9_VITAL, A10_VITAL)
    case.complete("tell_subject", PRACTITIONER, NOT_TOLD)
    # Shared at 22:40: the record is due by the end of the next working day, counted from the share.
    assert case.task("record_decision").due_at == datetime.fromisoformat("2026-11-26T17:00:00+00:00")
    case.complete("record_decision", PRACTITIONER, recorded("Called 999 at once."))
    [entry] = case.disclosures()
    assert (entry.recipient_person, entry.recipient_role, entry.recipient_organisation, entry.reference) == (
        "Not known", "999 call handler", "Ambulance service", "CAD 2111-0042")


def test_immediate_danger_that_does_not_threaten_life_stays_public_task_and_para_18(start_case: Any) -> None:
    case = start_case(PRACTITIONER, direction="outbound_concern", urgency="emergency", summary="Afraid to go home")
    case.complete("share_at_once", PRACTITIONER, overdose_at_night(
        contacted="childrens_social_care", purpose="s47", threat_to_life=False, criminal_offence_data=False))
    data = case.data()
    assert (data["article6_basis"], data["article9_condition"]) == (A6_PUBLIC_TASK, A9_PUBLIC_INTEREST)
    assert data["schedule1_paragraph"] == "DPA 2018 Sch 1 para 18 (safeguarding of children and of individuals at risk)"


def test_an_emergency_for_another_purpose_says_what_it_was(start_case: Any) -> None:
    case = start_case(PRACTITIONER, direction="outbound_concern", urgency="emergency", summary="Other")
    with pytest.raises(InvalidInput) as refused:
        case.complete("share_at_once", PRACTITIONER, overdose_at_night(purpose="other"))
    assert refused.value.field == "purpose_other"
    case.complete("share_at_once", PRACTITIONER, overdose_at_night(purpose="other",
                                                                   purpose_other="A house fire with children inside"))
    case.complete("tell_subject", PRACTITIONER, NOT_TOLD)
    case.complete("record_decision", PRACTITIONER, recorded("Fire service called."))
    [entry] = case.disclosures()
    assert entry.purpose_snapshot == "A house fire with children inside"


def test_a_police_request_about_a_pupil_at_risk_names_para_10_and_para_18(start_case: Any) -> None:
    case = start_case(PRACTITIONER, direction="inbound_request", urgency="routine", summary="Police request")
    case.complete("log_request", PRACTITIONER, {
        "channel": "email", "requester_name": "DC Ash", "requester_role": "Detective",
        "requester_organisation": "Northshire Police", "requester_contact": "ash@police.example",
        "information_requested": "Whether Sam has spoken about an older man who collects him", "subjects": [CHILD]})
    case.complete("verify_requester", PRACTITIONER, {
        "identity_verified": True, "verification_method": "Called back through the force switchboard",
        "requester_authority": "DPA 2018 Sch 2 para 2 form countersigned by an inspector",
        "requester_is_public_body": True, "request_specific": True})
    case.complete("check_purpose", PRACTITIONER, purpose("police_investigation", True, "Child sexual exploitation "
                                                          "investigation") | {"telling_would_prejudice_crime": True})
    case.complete("check_information", PRACTITIONER, information(special_category=True, confidential=True))
    case.complete("consider_consent", PRACTITIONER, {
        "consent_appropriate": False, "seeking_consent_increases_risk": True, "subject_can_consent": True,
        "consent_result": "not_sought", "consent_not_sought_reason": "Would alert the suspect", "unsure": False})
    case.complete("without_consent", PRACTITIONER, {
        "risk_of_significant_harm": True, "overriding_public_interest": False, "unsure": False,
        "consent_override_reason": "Risk of sexual exploitation"})
    data = case.data()
    assert (data["article6_basis"], data["article9_condition"], data["schedule1_paragraph"]) == (
        A6_PUBLIC_TASK, A9_PUBLIC_INTEREST, PARA_10_AND_18)
    assert "Both apply" in data["part2_why"]
    assert data["exemption"].startswith("DPA 2018 Sch 2 Part 1 para 2")


def _to_advice(case: Any) -> None:
    case.complete("describe_concern", PRACTITIONER, no_danger_concern("She said she is hit at home", CHILD))
    case.complete("check_purpose", PRACTITIONER, purpose("s17", True, "Support"))
    case.complete("check_information", PRACTITIONER, information(confidential=True))
    case.complete("consider_consent", PRACTITIONER, {
        "consent_appropriate": False, "seeking_consent_increases_risk": True, "subject_can_consent": True,
        "consent_result": "not_sought", "consent_not_sought_reason": "Advice first", "unsure": True,
        "question_for_adviser": "Is this a referral?"})
    case.complete("without_consent", PRACTITIONER, {
        "risk_of_significant_harm": False, "overriding_public_interest": False, "unsure": True,
        "question_for_adviser": "Is this a referral?", "consent_override_reason": "Not sure yet"})
    assert case.open_elements() == {"manager_advice"}


ADVICE = {"advice": "Talk to her again first", "subject_named": True, "risk_of_significant_harm": False,
          "overriding_public_interest": False, "legal_obligation": False}


def test_advice_not_to_share_goes_to_recording_why_and_the_practitioner_is_told(start_case: Any) -> None:
    case = start_case(PRACTITIONER, direction="outbound_concern", urgency="routine", summary="Advice")
    _to_advice(case)
    case.complete("manager_advice", MANAGER, ADVICE | {"advice_decision": "do_not_share"})
    assert case.open_elements() == {"explain_not_sharing"}
    assert case.outbox()[-1] == ("reminder", PRACTITIONER.username), "the practitioner hears advice is back"
    case.complete("explain_not_sharing", PRACTITIONER, {"not_sharing_reasons": "Manager advised against",
                                                        "discussed_with_requester_on": None,
                                                        "review_date": "2026-12-09"})
    case.complete("record_decision", PRACTITIONER, recorded("Not shared on the manager's advice."))
    [record] = case.records()
    assert (record.outcome, record.decision_maker, record.decision_maker_role) == ("decline", MANAGER.username,
                                                                                   "manager")
    [advice] = record.advice
    assert (advice.decision, advice.question) == ("do_not_share", "Is this a referral?")


def test_advice_to_find_out_more_takes_the_practitioner_back_to_the_purpose(start_case: Any) -> None:
    case = start_case(PRACTITIONER, direction="outbound_concern", urgency="routine", summary="Advice")
    _to_advice(case)
    case.complete("manager_advice", MANAGER, ADVICE | {"advice_decision": "seek_more_information"})
    assert case.open_elements() == {"check_purpose"}


def _declined_with_review(start_case: Any) -> Any:
    case = start_case(PRACTITIONER, direction="outbound_concern", urgency="routine", summary="Not yet")
    case.complete("describe_concern", PRACTITIONER, no_danger_concern("Often hungry", CHILD))
    case.complete("check_purpose", PRACTITIONER, purpose("s17", False, "Not clear yet"))
    case.complete("explain_not_sharing", PRACTITIONER, {"not_sharing_reasons": "No clear purpose yet",
                                                        "discussed_with_requester_on": None,
                                                        "review_date": "2027-01-20"})
    case.complete("record_decision", PRACTITIONER, recorded("Not shared yet."))
    assert case.case().next_timer_at == datetime.fromisoformat("2027-01-20T09:00:00+00:00")
    return case


def test_a_review_date_must_be_after_today(start_case: Any) -> None:
    case = start_case(PRACTITIONER, direction="outbound_concern", urgency="routine", summary="Not yet")
    case.complete("describe_concern", PRACTITIONER, no_danger_concern("Often hungry", CHILD))
    case.complete("check_purpose", PRACTITIONER, purpose("s17", False, "Not clear yet"))
    for past in ("2026-11-25", "2026-11-01"):
        with pytest.raises(InvalidInput) as refused:
            case.complete("explain_not_sharing", PRACTITIONER, {"not_sharing_reasons": "No purpose yet",
                                                                "discussed_with_requester_on": None,
                                                                "review_date": past})
        assert refused.value.field == "review_date" and "after today" in refused.value.message
    assert case.open_elements() == {"explain_not_sharing"}


def test_new_information_reopens_the_decision_at_once_before_its_review_date(
        start_case: Any, session_factory: sessionmaker[Session]) -> None:
    case = _declined_with_review(start_case)
    with session_factory.begin() as s:
        bring_new_information(session=s, case_id=case.case_id, actor=DSL, now=case.now,
                              information="Her brother told us she has not eaten since Friday")
    review = case.task("review_decision")
    assert review.assignee == PRACTITIONER.username and case.case().status == CaseStatus.ACTIVE
    assert case.outbox()[-1] == ("reminder", PRACTITIONER.username), "the practitioner is told"
    case.complete("review_decision", PRACTITIONER, {"review_outcome": "reconsider", "immediate_danger": False,
                                                    "review_notes": "The new information changes the purpose",
                                                    "review_date": None})
    assert case.open_elements() == {"check_purpose"}
    with session_factory() as s, pytest.raises(Conflict, match="still being decided"):
        bring_new_information(session=s, case_id=case.case_id, actor=DSL, now=case.now, information="More news")
    case.complete("check_purpose", PRACTITIONER, purpose("s17", False, "Still unclear"))
    case.complete("explain_not_sharing", PRACTITIONER, {"not_sharing_reasons": "Still no clear purpose",
                                                        "discussed_with_requester_on": None,
                                                        "review_date": "2027-02-01"})
    case.complete("record_decision", PRACTITIONER, recorded("Still not shared."))
    latest = case.records()[-1]
    said = {(a.step, a.question): a.answer for a in latest.every_answer}
    assert said[("Review the decision", "What is the outcome of the review?")] == (
        "New information: reconsider the decision")


def test_new_information_is_refused_from_someone_who_may_not_reopen_and_for_a_closed_case(
        start_case: Any, session_factory: sessionmaker[Session]) -> None:
    case = _declined_with_review(start_case)
    outsider = MANAGER.__class__("sue.manager", frozenset({"manager"}), team="south")
    with session_factory() as s, pytest.raises(Exception, match="no case"):
        bring_new_information(session=s, case_id=case.case_id, actor=outsider, now=case.now, information="News")
    with session_factory() as s, pytest.raises(InvalidInput):
        bring_new_information(session=s, case_id=case.case_id, actor=PRACTITIONER, now=case.now, information=" ")


def test_a_reconsidered_emergency_is_reassessed_as_a_non_emergency(start_case: Any) -> None:
    case = start_case(PRACTITIONER, direction="outbound_concern", urgency="emergency", summary="Emergency")
    case.complete("share_at_once", PRACTITIONER, overdose_at_night(contacted="police", purpose="s47",
                                                                   threat_to_life=False))
    case.complete("tell_subject", PRACTITIONER, NOT_TOLD)
    case.complete("record_decision", PRACTITIONER, recorded("Shared at once."))
    case.fire_timers(datetime.fromisoformat("2027-01-11T09:00:30+00:00"))
    case.complete("review_decision", PRACTITIONER, {"review_outcome": "reconsider", "immediate_danger": False,
                                                    "review_notes": "Safe now; the school refers to early help",
                                                    "review_date": None})
    assert case.open_elements() == {"check_purpose"}, "not the emergency share again"
    case.complete("check_purpose", PRACTITIONER, purpose("early_help", True, "Early help"))
    case.complete("check_information", PRACTITIONER, information())
    case.complete("consider_consent", PRACTITIONER, {
        "consent_appropriate": True, "seeking_consent_increases_risk": False, "subject_can_consent": True,
        "consent_result": "given", "consent_of_whom": "child_competent", "consent_by_name": "Sam Carter",
        "consent_explicit": True, "consent_scope": "Early help", "consent_date": "2027-01-11",
        "consent_method": "verbal", "unsure": False})
    assert case.open_elements() == {"choose_what_to_share"}, "sending is not skipped"
    case.complete("choose_what_to_share", PRACTITIONER, chosen_items())
    case.complete("send_securely", PRACTITIONER, SENT)
    assert case.data()["article6_basis"] == A6_PUBLIC_TASK


def test_an_emergency_share_the_tables_find_no_basis_for_is_recorded_as_shared_for_review(start_case: Any) -> None:
    case = start_case(PRACTITIONER, direction="outbound_concern", urgency="emergency", summary="Fire")
    # No threat to life, the person could consent, no statutory purpose named: no Article 9 condition fits.
    case.complete("share_at_once", PRACTITIONER, overdose_at_night(
        contacted="other_emergency_service", purpose="other", purpose_other="A fire in the building",
        threat_to_life=False, subject_can_consent=True, criminal_offence_data=False, subject_at_risk=False))
    assert case.open_elements() == {"tell_subject"}, "already shared: nothing to stop"
    case.complete("tell_subject", PRACTITIONER, NOT_TOLD)
    case.complete("record_decision", PRACTITIONER, recorded("Told the fire service about her asthma."))
    [record] = case.records()
    assert record.outcome == "share_in_full"
    assert (record.no_basis_reason or "").startswith("Shared at once in an emergency, but afterwards: No lawful basis")
    assert record.article9_condition == "None: no Article 9 condition fits"
