"""The branches the scenarios do not reach: reconsidering, chasing a receipt, refusals, the s.16LA switch."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from service.cases.models import CaseStatus
from service.errors import InvalidInput
from tests.conftest import DSL, PRACTITIONER
from tests.workflows.test_scenarios import (
    CHILD,
    CONSENT_GIVEN,
    SENT,
    chosen_items,
    information,
    no_danger_concern,
    purpose,
    recorded,
)

NOTHING_SHARED = "Not applicable: nothing is shared"
CL_S16LA = "Legal requirement: Children Act 2004 s.16LA duty to share"
A6_LEGAL = "Article 6(1)(c) legal obligation"

REFUSED_NO_RISK = {
    "consent": {"consent_appropriate": True, "seeking_consent_increases_risk": False, "subject_can_consent": False,
                "consent_result": "refused", "consent_of_whom": "parent_with_parental_responsibility",
                "consent_by_name": "Jo Carter", "consent_date": "2026-11-24", "unsure": False},
    "without": {"risk_of_significant_harm": False, "overriding_public_interest": False, "unsure": False,
                "consent_override_reason": "No risk of significant harm: the refusal stands"},
}


def _to_consent(case: Any, kind: str = "s47", confidential: bool = True) -> None:
    case.complete("describe_concern", PRACTITIONER, no_danger_concern("Worried about Sam's attendance", CHILD))
    case.complete("check_purpose", PRACTITIONER, purpose(kind, True, "Support for Sam"))
    case.complete("check_information", PRACTITIONER, information(confidential=confidential))


def test_a_request_without_a_clear_purpose_is_declined_then_reconsidered_on_new_information(start_case: Any
                                                                                             ) -> None:
    case = start_case(PRACTITIONER, direction="inbound_request", urgency="routine", summary="Police request")
    case.complete("log_request", PRACTITIONER, {
        "channel": "email", "requester_name": "DC Ash", "requester_role": "Detective",
        "requester_organisation": "Northshire Police", "requester_contact": "ash@police.example",
        "information_requested": "Sam's attendance record", "subjects": [CHILD]})
    case.complete("verify_requester", PRACTITIONER, {
        "identity_verified": True, "verification_method": "Called back through the force switchboard",
        "requester_authority": "DPA 2018 Sch 2 para 2 form, not yet countersigned", "requester_is_public_body": True,
        "request_specific": True})
    case.complete("check_purpose", PRACTITIONER, purpose("police_investigation", False,
                                                          "The form does not say what is being investigated")
                  | {"telling_would_prejudice_crime": True})
    case.complete("explain_not_sharing", PRACTITIONER, {
        "not_sharing_reasons": "No clear purpose stated; asked for the countersigned form",
        "discussed_with_requester_on": "2026-11-25", "review_date": "2026-12-01"})
    case.complete("record_decision", PRACTITIONER, recorded("Not shared yet."))
    assert case.records()[0].outcome == "decline"
    assert case.case().next_timer_at == datetime.fromisoformat("2026-12-01T09:00:00+00:00")

    case.fire_timers(datetime.fromisoformat("2026-12-01T09:05:00+00:00"))
    case.complete("review_decision", PRACTITIONER, {
        "review_outcome": "reconsider", "review_notes": "Countersigned form received: burglary investigation",
        "immediate_danger": False, "review_date": None})
    assert case.open_elements() == {"check_purpose"}, \
        "new information takes the case back to the purpose, without verifying the requester again"
    case.complete("check_purpose", PRACTITIONER, purpose("police_investigation", True, "Countersigned Sch 2 "
                                                          "para 2 request about a burglary")
                  | {"telling_would_prejudice_crime": True})
    case.complete("check_information", PRACTITIONER, information(subject_at_risk=False))
    case.complete("consider_consent", PRACTITIONER, {
        "consent_appropriate": False, "seeking_consent_increases_risk": True, "subject_can_consent": True,
        "consent_result": "not_sought", "consent_not_sought_reason": "Would prejudice the investigation",
        "unsure": False})
    case.complete("without_consent", PRACTITIONER, {
        "risk_of_significant_harm": False, "overriding_public_interest": True, "public_interest": "preventing_crime",
        "unsure": False, "consent_override_reason": "Preventing and detecting crime"})
    case.complete("choose_what_to_share", PRACTITIONER, chosen_items("share_in_full"))
    case.complete("send_securely", PRACTITIONER, SENT)
    case.receive("receipt_confirmed", {"received_at": "2026-12-01T10:00:00+00:00", "received_by": "DC Ash"})
    case.complete("tell_subject", PRACTITIONER, {
        "subject_informed": False, "review_date": "2027-03-01",
        "subject_not_informed_reason": "Would prejudice the investigation (DPA 2018 Sch 2 para 2)"})
    case.complete("record_decision", PRACTITIONER, recorded("Shared after reconsidering."))

    first, second = case.records()
    assert (first.outcome, second.outcome) == ("decline", "share_in_full")
    assert second.common_law_justification == "Overriding public interest: preventing or detecting crime"
    assert "Countersigned form received" in (second.reconsideration_history or "")
    assert second.exemption and second.exemption.startswith("DPA 2018 Sch 2 Part 1 para 2")
    assert case.case().next_timer_at == datetime.fromisoformat("2027-03-01T09:00:00+00:00"), "not told: review"


def test_no_receipt_brings_a_follow_up_and_a_phone_confirmation_counts(start_case: Any) -> None:
    case = _sent_referral(start_case)
    # One working day from the start of Wednesday is the close of Wednesday.
    assert case.case().next_timer_at == datetime.fromisoformat("2026-11-25T17:00:00+00:00")

    case.fire_timers(datetime.fromisoformat("2026-11-25T17:00:01+00:00"))
    follow_up = case.task("follow_up_receipt")
    assert follow_up.due_at == datetime.fromisoformat("2026-11-26T17:00:00+00:00"), "counted from Thursday 09:00"
    case.complete("follow_up_receipt", PRACTITIONER, {"followed_up_how": "Left a voicemail",
                                                     "receipt_confirmed_by_phone": False})
    assert case.open_elements() == set() and case.case().status == CaseStatus.ACTIVE, "waiting again"
    assert case.case().next_timer_at == datetime.fromisoformat("2026-11-26T17:00:00+00:00")
    case.fire_timers(datetime.fromisoformat("2026-11-26T17:00:02+00:00"))
    case.complete("follow_up_receipt", PRACTITIONER, {
        "followed_up_how": "Phoned the duty desk", "receipt_confirmed_by_phone": True,
        "receipt_confirmed_by": "Duty manager"})
    _told_and_recorded(case, "Referral received after chasing.")
    [entry] = case.disclosures()
    assert entry.receipt_by == "Duty manager"
    assert entry.receipt_at == datetime.fromisoformat("2026-11-26T17:00:02+00:00")


def test_a_follow_up_not_done_in_time_becomes_a_dsl_task_and_the_case_keeps_a_timer(start_case: Any) -> None:
    case = _sent_referral(start_case)
    case.fire_timers(datetime.fromisoformat("2026-11-25T17:00:01+00:00"))
    assert case.task("follow_up_receipt").due_at == datetime.fromisoformat("2026-11-26T17:00:00+00:00")
    case.fire_timers(datetime.fromisoformat("2026-11-26T17:00:03+00:00"))  # the follow-up itself is overdue
    assert case.open_elements() == {"dsl_missing_receipt"}, "the DSL takes the follow-up over"
    dsl_task = case.task("dsl_missing_receipt")
    assert dsl_task.role == "dsl" and dsl_task.due_at == datetime.fromisoformat("2026-11-27T17:00:00+00:00")
    assert case.case().next_timer_at == dsl_task.due_at, "nothing waits without a timer"
    assert case.outbox()[-1] == ("task_waiting", "dsl")
    # The DSL chases it and waits again: the case is back on a receipt deadline.
    case.complete("dsl_missing_receipt", DSL, {"followed_up_how": "Phoned their manager",
                                               "receipt_outcome": "wait_again"})
    assert case.open_elements() == set()
    assert case.case().next_timer_at == datetime.fromisoformat("2026-11-27T17:00:00+00:00")
    case.fire_timers(datetime.fromisoformat("2026-11-27T17:00:01+00:00"))
    case.fire_timers(datetime.fromisoformat("2026-11-30T17:00:02+00:00"))  # Monday: the follow-up is late again
    case.complete("dsl_missing_receipt", DSL, {"followed_up_how": "Spoke to the head of early help",
                                               "receipt_outcome": "confirmed",
                                               "receipt_confirmed_by": "Head of early help"})
    assert case.open_elements() == {"tell_subject"}
    _told_and_recorded(case, "Received in the end.")
    [entry] = case.disclosures()
    assert entry.receipt_by == "Head of early help"
    assert case.fired_timers() == ["receipt_overdue", "follow_up_overdue", "receipt_overdue", "follow_up_overdue"]


def test_the_dsl_may_close_a_missing_receipt_with_a_reason_which_the_record_keeps(start_case: Any) -> None:
    case = _sent_referral(start_case)
    case.fire_timers(datetime.fromisoformat("2026-11-25T17:00:01+00:00"))
    case.fire_timers(datetime.fromisoformat("2026-11-26T17:00:03+00:00"))
    case.complete("dsl_missing_receipt", DSL, {"followed_up_how": "Three calls, two emails",
                                               "receipt_outcome": "close_without_receipt",
                                               "close_reason": "The family moved away; early help closed the case"})
    _told_and_recorded(case, "Closed without a receipt.")
    [entry] = case.disclosures()
    assert entry.receipt_at is None
    [record] = case.records()
    said = {a.question: a.answer for a in record.every_answer}
    assert said["Why close without a receipt?"] == "The family moved away; early help closed the case"


def _sent_referral(start_case: Any) -> Any:
    case = start_case(PRACTITIONER, direction="outbound_concern", urgency="routine", summary="Referral")
    _to_consent(case, "s17")
    case.complete("consider_consent", PRACTITIONER, CONSENT_GIVEN)
    case.complete("choose_what_to_share", PRACTITIONER, chosen_items())
    case.complete("send_securely", PRACTITIONER, SENT)
    return case


def _told_and_recorded(case: Any, summary: str) -> None:
    case.complete("tell_subject", PRACTITIONER, {
        "subject_informed": True, "subject_informed_who": "Jo Carter", "subject_informed_when": "2026-11-27",
            "subject_informed_how": "phone"})
    case.complete("record_decision", PRACTITIONER, recorded(summary))


def test_refused_consent_without_risk_means_not_sharing_with_a_review_date(start_case: Any) -> None:
    case = start_case(PRACTITIONER, direction="outbound_concern", urgency="routine", summary="Early help?")
    _to_consent(case, "early_help")
    case.complete("consider_consent", PRACTITIONER, REFUSED_NO_RISK["consent"])
    case.complete("without_consent", PRACTITIONER, REFUSED_NO_RISK["without"])
    assert case.open_elements() == {"explain_not_sharing"}
    case.complete("explain_not_sharing", PRACTITIONER, {
        "not_sharing_reasons": "Parent refused; no risk of significant harm", "discussed_with_requester_on": None,
        "review_date": "2027-01-15"})
    case.complete("record_decision", PRACTITIONER, recorded("Not shared; review in January."))
    [record] = case.records()
    assert (record.outcome, record.article6_basis) == ("decline", NOTHING_SHARED)
    assert record.consent_result == "refused" and str(record.review_date) == "2027-01-15"
    assert case.disclosures() == []


def test_the_s16la_duty_to_share_is_off_until_switched_on(start_case: Any) -> None:
    switched_on = start_case(PRACTITIONER, direction="outbound_concern", urgency="routine", summary="s47",
                             data={"duty_to_share_in_force": True})
    _to_consent(switched_on, "s47")
    switched_on.complete("consider_consent", PRACTITIONER, REFUSED_NO_RISK["consent"])
    switched_on.complete("without_consent", PRACTITIONER, REFUSED_NO_RISK["without"])
    assert switched_on.open_elements() == {"choose_what_to_share"}
    data = switched_on.data()
    assert (data["common_law_justification"], data["article6_basis"]) == (CL_S16LA, A6_LEGAL)

    default = start_case(PRACTITIONER, direction="outbound_concern", urgency="routine", summary="s47")
    _to_consent(default, "s47")
    default.complete("consider_consent", PRACTITIONER, REFUSED_NO_RISK["consent"])
    default.complete("without_consent", PRACTITIONER, REFUSED_NO_RISK["without"])
    assert default.open_elements() == {"explain_not_sharing"}
    assert default.data()["article6_basis"] == NOTHING_SHARED


def test_an_emergency_case_shares_before_any_question_or_consultation(start_case: Any) -> None:
    case = start_case(PRACTITIONER, direction="outbound_concern", urgency="emergency", summary="Urgent referral")
    assert case.open_elements() == {"share_at_once"}, "immediate danger is asked once, when the case starts"
    assert case.data()["immediate_danger"] is True


def test_a_wrong_answer_is_refused_naming_the_field_and_changes_nothing(start_case: Any) -> None:
    case = start_case(PRACTITIONER, direction="outbound_concern", urgency="routine", summary="Concern")
    before = case.case().version
    with pytest.raises(InvalidInput) as refused:
        case.complete("describe_concern", PRACTITIONER, {"concern": "x" * 10,
                                                         "subjects": [{"role": "grandparent", "name": "Pat"}]})
    assert refused.value.field == "subjects/0/role"
    assert refused.value.message == ("Person 1: choose an answer to 'Who are they?': The child, A parent or carer, "
                                     "Someone else involved or Other")
    with pytest.raises(InvalidInput) as missing:
        case.complete("describe_concern", PRACTITIONER, {"subjects": [CHILD]})
    assert (missing.value.field, missing.value.message) == ("concern", "Answer 'What have you seen or heard?'")
    assert case.open_elements() == {"describe_concern"} and case.case().version == before
