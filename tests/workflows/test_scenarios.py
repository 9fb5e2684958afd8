"""The six worked scenarios of the guidance, each driven through the domain services step by step.

Every step is completed by the person the process puts it in front of, with the answers a
practitioner would give; each test then checks the outcome, the lawful basis, whether the
person was told, and the decision record and disclosure log the case leaves behind.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from service.actors import Actor
from service.cases.models import CaseStatus
from service.errors import Forbidden
from tests.conftest import DSL, PRACTITIONER

# The names the record must carry, spelled as in the guidance (domain/lawful-bases.md).
A6_PUBLIC_TASK = "Article 6(1)(e) public task (DPA 2018 s.8)"
A9_PUBLIC_INTEREST = "Article 9(2)(g) substantial public interest"
SCH1_18 = "DPA 2018 Sch 1 para 18 (safeguarding of children and of individuals at risk)"
A10_SAFEGUARDING = "DPA 2018 Sch 1 para 36, applying para 18 (safeguarding of children and of individuals at risk)"
CL_CONSENT = "Consent"
CL_SIGNIFICANT_HARM = "Overriding public interest: protecting a child from significant harm"
CL_EMERGENCY = "Overriding public interest: a child was in immediate danger"

HEALTH_VISITOR = Actor("hana.visitor", frozenset({"practitioner"}), team="north")
TEACHING_ASSISTANT = Actor("theo.assistant", frozenset({"practitioner"}), team="north")

CHILD = {"role": "child", "name": "Sam Carter", "identifiers": "DOB 2014-03-02, Year 7"}
PARENT = {"role": "parent_carer", "name": "Jo Carter"}


def no_danger_concern(concern: str, *subjects: dict[str, str]) -> dict[str, Any]:
    return {"concern": concern, "subjects": list(subjects) or [CHILD]}


def purpose(kind: str, clear: bool, reasons: str) -> dict[str, Any]:
    return {"purpose": kind, "purpose_clear": clear, "purpose_reasons": reasons}


def information(**answers: bool) -> dict[str, Any]:
    base = {"identifies_individual": True, "special_category": False, "criminal_offence_data": False,
            "confidential": False, "subject_at_risk": True, "legal_obligation": False}
    return base | answers


def chosen_items(share_extent: str = "share_in_part", **extra: Any) -> dict[str, Any]:
    return {
        "identifying_details_shared": ["Sam Carter (the child)", "Sam Carter: Year 7"],
        "recipient_person": "Alex Reed", "recipient_role": "Early help coordinator",
        "recipient_organisation": "Northshire Council early help team", "recipient_email": "alex.reed@example.org",
        "recipient_verified_how": "Known contact; checked against the council directory",
        "items": [
            {"summary": "Sam cares for his mother most evenings", "period_covered": "since September 2026",
             "nature": "reported_by_third_party", "currency": "current", "accuracy_checked": True},
            {"summary": "Attendance fell to 82% this term", "period_covered": "autumn term 2026",
             "nature": "fact", "currency": "current", "accuracy_checked": True},
        ],
        "share_extent": share_extent, "third_parties_redacted": True,
    } | ({"withheld_and_why": "Mother's diagnosis withheld: not needed for the early help assessment"}
         if share_extent == "share_in_part" else {}) | extra


# A parent consents for a child too young to decide (the answers a routine early help case gives).
CONSENT_GIVEN = {"consent_appropriate": True, "seeking_consent_increases_risk": False, "subject_can_consent": False,
                 "consent_result": "given", "consent_of_whom": "parent_with_parental_responsibility",
                 "consent_by_name": "Jo Carter", "consent_explicit": True,
                 "consent_scope": "Share what early help needs", "consent_date": "2026-11-24",
                 "consent_method": "verbal", "unsure": False}

SENT = {"channel": "secure_email", "security_controls": "Encrypted email to a verified address",
        "sent_confirmed": True}


def recorded(summary: str) -> dict[str, Any]:
    return {"decision_summary": summary, "accuracy_confirmed": True}


def test_scenario_1_young_carer_referred_to_early_help_with_parental_consent(start_case: Any) -> None:
    case = start_case(PRACTITIONER, direction="outbound_concern", urgency="routine",
                      summary="Young carer: referral to early help")
    case.complete("describe_concern", PRACTITIONER, no_danger_concern(
        "Sam looks after his mother most evenings and is often late and tired.", CHILD, PARENT))
    case.complete("check_purpose", PRACTITIONER, purpose("early_help", True, "An early help assessment of Sam's "
                                                          "needs as a young carer")
                  | {"statutory_power": "children_act_2004_s10",
                     "data_sharing_agreement": "Northshire information sharing protocol 2025"})
    case.complete("check_information", PRACTITIONER, information(confidential=True))
    case.complete("consider_consent", PRACTITIONER, {
        "consent_appropriate": True, "seeking_consent_increases_risk": False, "subject_can_consent": False,
        "consent_result": "given", "consent_of_whom": "parent_with_parental_responsibility",
        "consent_by_name": "Jo Carter", "consent_explicit": True,
        "consent_scope": "Share Sam's caring role and attendance with the early help team",
        "consent_date": "2026-11-24", "consent_method": "written", "unsure": False})
    assert case.open_elements() == {"choose_what_to_share"}
    case.complete("choose_what_to_share", PRACTITIONER, chosen_items())
    case.complete("send_securely", PRACTITIONER, SENT)
    assert case.case().status == CaseStatus.ACTIVE, case.case().incident_message
    assert case.open_elements() == set()
    case.receive("receipt_confirmed", {"received_at": "2026-11-25T11:30:00+00:00", "received_by": "Alex Reed"})
    case.complete("tell_subject", PRACTITIONER, {
        "subject_informed": True, "subject_informed_who": "Jo Carter", "also_told": "Sam, in person, the same day",
            "subject_informed_when": "2026-11-25",
        "subject_informed_how": "in_person"})
    case.complete("record_decision", PRACTITIONER, recorded("Shared the minimum with early help, with consent."))

    assert case.case().status == CaseStatus.COMPLETED
    [record] = case.records()
    assert record.decision_summary == "Shared the minimum with early help, with consent."
    assert (record.recorded_by, record.consent_by_name, record.consent_explicit) == (
        PRACTITIONER.username, "Jo Carter", True)
    assert "consent answers the common-law duty of confidence" in (record.basis_notes or "")
    assert record.identifying_details_withheld == "Sam Carter: DOB 2014-03-02\nJo Carter (parent or carer)"
    assert (record.subject_informed_relationship, record.also_told) == ("parent_carer",
        "Sam, in person, the same day"), \
        "who the person told is, read from the people the case names"
    asked = {(a.step, a.question): a.answer for a in record.every_answer}
    assert asked[("Describe the concern", "What have you seen or heard?")].startswith("Sam looks after his mother")
    assert asked[("Record the decision and reasons", "What did you decide, and why?")] == record.decision_summary
    assert record.outcome == "share_in_part"
    assert record.article6_basis == A6_PUBLIC_TASK
    assert record.common_law_justification == CL_CONSENT
    assert (record.consent_sought, record.consent_result, record.consent_of_whom) == (
        True, "given", "parent_with_parental_responsibility")
    assert record.consent_method == "written" and record.consent_scope
    assert record.subject_informed is True and record.subject_informed_how == "in_person"
    assert "diagnosis withheld" in (record.withheld_and_why or "")
    assert record.decision_maker == PRACTITIONER.username
    [entry] = case.disclosures()
    assert entry.recipient_organisation == "Northshire Council early help team"
    assert entry.identifying_details == "Sam Carter (the child)\nSam Carter: Year 7"
    assert entry.receipt_by == "Alex Reed" and entry.receipt_at is not None
    assert [(i.nature, i.currency) for i in entry.items] == [("reported_by_third_party", "current"),
                                                               ("fact", "current")]
    assert A6_PUBLIC_TASK in entry.basis_snapshot and entry.subject_informed is True
    request = case.sharing_request()
    assert (request.direction, request.channel, request.purpose, request.statutory_power) == (
        "outbound_concern", "raised by the practitioner", "early_help", "children_act_2004_s10")
    assert request.data_sharing_agreement == "Northshire information sharing protocol 2025"
    assert (request.special_category, request.confidential) == (False, True)
    assert [(s.role, s.name) for s in request.subjects] == [("child", "Sam Carter"), ("parent_carer", "Jo Carter")]


def test_scenario_2_injured_baby_shared_without_consent_and_mother_told_after_review(start_case: Any) -> None:
    case = start_case(HEALTH_VISITOR, direction="outbound_concern", urgency="same_day",
                      summary="Unexplained bruising on a 4-month-old baby")
    case.complete("describe_concern", HEALTH_VISITOR, no_danger_concern(
        "Two finger-tip bruises on the upper arm of a non-mobile baby; no explanation given.",
        {"role": "child", "name": "Baby Lee", "identifiers": "NHS 943 476 5919"}, {"role": "parent_carer",
                                                                                  "name": "Kim Lee"}))
    case.complete("check_purpose", HEALTH_VISITOR, purpose("s47", True, "Possible non-accidental injury: "
                                                            "children's social care must assess today"))
    case.complete("check_information", HEALTH_VISITOR, information(special_category=True, confidential=True))
    case.complete("consider_consent", HEALTH_VISITOR, {
        "consent_appropriate": False, "seeking_consent_increases_risk": False, "subject_can_consent": False,
        "consent_result": "refused", "consent_of_whom": "parent_with_parental_responsibility",
        "consent_by_name": "Kim Lee", "consent_date": "2026-11-25", "unsure": False})
    case.complete("without_consent", HEALTH_VISITOR, {
        "risk_of_significant_harm": True, "overriding_public_interest": False, "unsure": False,
        "consent_override_reason": "Unexplained bruising on a non-mobile baby: the risk of significant harm "
                                   "outweighs the mother's refusal"})
    case.complete("choose_what_to_share", HEALTH_VISITOR, chosen_items(
        "share_in_full", identifying_details_shared=["Baby Lee (the child)", "Baby Lee: NHS 943 476 5919",
                                                     "Kim Lee (parent or carer)"],
        recipient_person="Duty social worker", recipient_role="MASH duty social worker",
        recipient_organisation="Northshire children's social care", recipient_email="mash@example.org",
        items=[{"summary": "Body map and description of two bruises", "nature": "fact", "currency": "current",
                "accuracy_checked": True},
               {"summary": "My view: the explanation is inconsistent with the injury", "nature": "opinion",
                "currency": "current", "accuracy_checked": True}]))
    case.complete("send_securely", HEALTH_VISITOR, SENT)
    case.receive("receipt_confirmed", {"received_at": "2026-11-25T10:05:00+00:00", "received_by": "MASH duty desk"})
    case.complete("tell_subject", HEALTH_VISITOR, {
        "subject_informed": False, "review_date": "2026-12-02",
        "subject_not_informed_reason": "Telling the mother before the strategy discussion could put the baby "
                                       "at greater risk"})
    case.complete("record_decision", HEALTH_VISITOR, recorded("Shared with children's social care without "
                                                              "consent."))

    first = case.records()[0]
    assert first.outcome == "share_in_full"
    assert (first.article6_basis, first.article9_condition, first.schedule1_paragraph) == (
        A6_PUBLIC_TASK, A9_PUBLIC_INTEREST, SCH1_18)
    assert first.common_law_justification == CL_SIGNIFICANT_HARM
    assert first.decision_summary == "Shared with children's social care without consent."
    assert first.identifying_details_withheld == "None: every identifying detail recorded went with it"
    assert first.consent_result == "refused" and "outweighs the mother's refusal" in (first.consent_override_reason
                                                                                        or "")
    assert first.subject_informed is False and "strategy discussion" in (first.subject_not_informed_reason or "")
    assert str(first.review_date) == "2026-12-02"
    # The case waits for the review date, then brings the decision back.
    waiting = case.case()
    assert waiting.status == CaseStatus.ACTIVE and waiting.next_timer_at == datetime.fromisoformat(
        "2026-12-02T09:00:00+00:00")
    case.fire_timers(datetime.fromisoformat("2026-12-02T09:00:30+00:00"))
    assert case.outbox() == [("reminder", HEALTH_VISITOR.username)], "the review date reminds its owner"
    case.complete("review_decision", HEALTH_VISITOR, {
        "review_outcome": "tell_subject_now", "review_notes": "Strategy discussion held; safe to tell the mother",
        "review_date": None})
    case.complete("tell_subject", HEALTH_VISITOR, {
        "subject_informed": True, "subject_informed_who": "Kim Lee", "subject_informed_when": "2026-12-02",
            "subject_informed_how": "in_person"})
    case.complete("record_decision", HEALTH_VISITOR, recorded("Mother told after the strategy discussion."))

    assert case.case().status == CaseStatus.COMPLETED
    second = case.records()[-1]
    assert (second.revision, second.subject_informed, second.review_date) == (2, True, None)
    [entry] = case.disclosures()  # logged once, not again on the revision
    assert [i.nature for i in entry.items] == ["fact", "opinion"]
    assert entry.recipient_organisation == "Northshire children's social care"


def test_scenario_3_sports_club_trawl_is_declined_and_the_requester_told_why(start_case: Any) -> None:
    case = start_case(PRACTITIONER, direction="inbound_request", urgency="routine",
                      summary="Sports club asks for children on child-protection plans")
    case.complete("log_request", PRACTITIONER, {
        "channel": "email", "requester_name": "Chris Field",
        "requester_role": "Junior section coach", "requester_organisation": "Northshire Juniors FC",
        "requester_contact": "chris@example.org",
        "information_requested": "A list of all pupils on child-protection plans, to keep an eye on them",
        "subjects": [{"role": "other", "name": "All pupils on child-protection plans"}]})
    assert case.open_elements() == {"verify_requester"}
    case.complete("verify_requester", PRACTITIONER, {
        "identity_verified": True, "verification_method": "Called the club secretary on the number on its website",
        "requester_authority": "None: a voluntary club has no safeguarding role for these children",
        "requester_is_public_body": False, "request_specific": False,
        "verification_notes": "A general list, not a named child: a trawl"})
    case.complete("explain_not_sharing", PRACTITIONER, {
        "not_sharing_reasons": "No legitimate purpose: the club has no role in these children's plans, and a list "
                               "of every child on a plan would be wholly disproportionate",
        "discussed_with_requester_on": "2026-11-25", "how_requester_told": "Phone call, then email",
        "review_date": "2027-01-06"})
    case.complete("record_decision", PRACTITIONER, recorded("Declined a trawling request."))

    # A decision not to share comes back on its review date; the record step cannot skip that.
    assert case.case().status == CaseStatus.ACTIVE
    assert case.case().next_timer_at == datetime.fromisoformat("2027-01-06T09:00:00+00:00")
    [record] = case.records()
    assert record.outcome == "decline"
    assert "disproportionate" in (record.not_sharing_reasons or "")
    assert str(record.discussed_with_requester_on) == "2026-11-25"
    assert record.how_requester_told == "Phone call, then email"
    assert record.decision_summary == "Declined a trawling request."
    assert record.article6_basis is None and record.subject_informed is None
    trawl = [a for a in record.answers if a.question == "Is the request specific, not a trawl?"]
    assert [a.answer for a in trawl] == ["request specific: no"]
    assert case.disclosures() == []
    request = case.sharing_request()
    assert (request.requester_name, request.requester_organisation, request.channel) == (
        "Chris Field", "Northshire Juniors FC", "email")
    assert (request.requester_verified_by, request.requester_verified_at) == (PRACTITIONER.username, case.now)
    assert "club secretary" in (request.requester_verified_how or "") and request.requester_authority
    assert [s.role for s in request.subjects] == ["other"]


def test_scenario_4_anonymous_consultation_about_an_unnamed_child_is_recorded(start_case: Any) -> None:
    case = start_case(DSL, direction="outbound_concern", urgency="routine",
                      summary="Consultation line: how to respond to a worrying comment")
    case.complete("describe_concern", DSL, no_danger_concern(
        "A pupil mentioned being left alone overnight; I want advice before deciding anything",
        {"role": "child", "name": "Unnamed pupil"}))
    case.complete("check_purpose", DSL, purpose("other", True, "Advice on whether the threshold for a referral "
                                                 "is met") | {"purpose_other": "Consultation"})
    case.complete("check_information", DSL, information(identifies_individual=False))
    assert case.open_elements() == {"anonymous_consultation"}
    case.complete("anonymous_consultation", DSL, {
        "consulted_whom": "Northshire children's services consultation line",
        "advice": "Below the threshold for a referral; offer early help and speak to the parent",
        "subject_named": False})
    case.complete("record_decision", DSL, recorded("Consulted without naming the child; advice followed."))

    assert case.case().status == CaseStatus.COMPLETED
    [record] = case.records()
    assert record.outcome == "share_in_part"
    assert record.article6_basis == "Not applicable: the information does not identify anyone"
    [advice] = record.advice
    assert advice.adviser == "Northshire children's services consultation line"
    assert advice.subject_named is False and "early help" in advice.advice
    assert record.decision_maker == DSL.username and case.disclosures() == []


def test_scenario_5_unsure_assistant_consults_and_the_escalated_dsl_decides(start_case: Any) -> None:
    case = start_case(TEACHING_ASSISTANT, direction="outbound_concern", urgency="same_day",
                      summary="Pupil disclosed self-harm")
    case.complete("describe_concern", TEACHING_ASSISTANT, no_danger_concern(
        "A Year 9 pupil showed me cuts on her forearm and asked me not to tell anyone",
        {"role": "child", "name": "Ria Patel"}))
    case.complete("check_purpose", TEACHING_ASSISTANT, purpose("s17", True, "She may need support from CAMHS "
                                                                "and children's services"))
    case.complete("check_information", TEACHING_ASSISTANT, information(special_category=True, confidential=True))
    case.complete("consider_consent", TEACHING_ASSISTANT, {
        "consent_appropriate": False, "seeking_consent_increases_risk": True, "subject_can_consent": True,
        "consent_result": "not_sought",
        "consent_not_sought_reason": "She asked me not to tell her parents; I need advice first", "unsure": True,
        "question_for_adviser": "Is this significant harm, and may I share without her consent?"})
    case.complete("without_consent", TEACHING_ASSISTANT, {
        "risk_of_significant_harm": False, "overriding_public_interest": False, "unsure": True,
        "question_for_adviser": "Does her wish for secrecy stop me sharing with CAMHS?",
        "consent_override_reason": "I do not know whether this is significant harm"})

    advice_task = case.task("manager_advice")
    assert advice_task.role == "manager"
    assert advice_task.due_at == datetime.fromisoformat("2026-11-25T11:00:00+00:00")  # 2 working hours
    with pytest.raises(Forbidden):  # the assistant cannot decide alone
        case.complete("manager_advice", TEACHING_ASSISTANT, {})

    case.fire_timers(datetime.fromisoformat("2026-11-25T11:00:30+00:00"))
    assert case.open_elements() == {"dsl_advice"}, "an overdue manager escalates to the DSL"
    assert case.task("dsl_advice").due_at == datetime.fromisoformat("2026-11-25T12:00:30+00:00")
    case.fire_timers(datetime.fromisoformat("2026-11-25T12:01:00+00:00"))
    assert case.open_elements() == {"dsl_advice"}, "the DSL's own escalation does not take the task away"
    assert case.fired_timers() == ["manager_overdue", "dsl_overdue"]
    assert case.outbox() == [("task_waiting", "manager"), ("task_waiting", "dsl"), ("escalation", "head_of_service")]

    case.complete("dsl_advice", DSL, {
        "advice_decision": "share",
        "advice": "Self-harm with a wish for secrecy: refer to children's services and CAMHS today",
        "subject_named": True, "also_consulted": ["la_consultation_line"],
        "risk_of_significant_harm": True, "overriding_public_interest": False, "legal_obligation": False})
    assert case.open_elements() == {"choose_what_to_share"}
    case.complete("choose_what_to_share", TEACHING_ASSISTANT,
                  chosen_items(identifying_details_shared=["Ria Patel (the child)"]))
    case.complete("send_securely", TEACHING_ASSISTANT, SENT)
    case.receive("receipt_confirmed", {"received_at": "2026-11-25T13:00:00+00:00", "received_by": "Duty desk"})
    case.complete("tell_subject", TEACHING_ASSISTANT, {
        "subject_informed": True, "subject_informed_who": "Ria Patel", "subject_informed_when": "2026-11-25",
        "subject_informed_how": "in_person"})
    case.complete("record_decision", TEACHING_ASSISTANT, recorded("Referred on the DSL's decision."))

    [record] = case.records()
    assert (record.decision_maker, record.decision_maker_role) == (DSL.username, "dsl")
    # Each answer says who gave it: the assistant's doubt and the DSL's decision are told apart.
    lawful = [(a.answered_by, a.answered_role, a.answer) for a in record.answers
              if a.question == "Is there a lawful reason to share without consent?"]
    assert [(by, role) for by, role, _ in lawful] == [(TEACHING_ASSISTANT.username, "practitioner"),
                                                       (DSL.username, "dsl")]
    assert "risk of significant harm: yes" in lawful[-1][2]
    assert record.common_law_justification == CL_SIGNIFICANT_HARM
    assert (record.article9_condition, record.schedule1_paragraph) == (A9_PUBLIC_INTEREST, SCH1_18)
    [advice] = record.advice
    assert (advice.adviser, advice.adviser_role, advice.subject_named) == (DSL.username, "dsl", True)
    assert (advice.decision, advice.also_consulted) == ("share", "Local authority consultation line")
    assert advice.question == "Does her wish for secrecy stop me sharing with CAMHS?"
    # The assistant heard that advice had come back, as well as the step opening in her list.
    assert ("reminder", TEACHING_ASSISTANT.username) in case.outbox()
    assert record.consent_sought is False and "advice first" in (record.consent_not_sought_reason or "")


def test_scenario_6_disclosure_of_abuse_is_shared_at_once_and_parents_not_told(start_case: Any) -> None:
    case = start_case(PRACTITIONER, direction="outbound_concern", urgency="emergency",
                      summary="Child disclosed sexual abuse by step-parent")
    assert case.open_elements() == {"share_at_once"}, "no sign-off, no questions before sharing"
    case.complete("share_at_once", PRACTITIONER, {
        "subjects": [CHILD, {"role": "third_party", "name": "Step-parent"}],
        "contacted": "childrens_social_care", "contacted_at": "2026-11-25T09:20:00+00:00",
        "contacted_person": "Dee Wright", "contacted_role": "MASH duty social worker",
        "contact_reference": "MASH ref 2211", "information_shared": "The child's words, as written down at once",
        "purpose": "s47", "threat_to_life": False, "subject_can_consent": True, "special_category": True,
        "criminal_offence_data": True, "confidential": True, "subject_at_risk": True, "legal_obligation": False})
    case.complete("tell_subject", PRACTITIONER, {
        "subject_informed": False, "review_date": "2026-12-09",
        "subject_not_informed_reason": "Telling the parents could put the child at further risk and prejudice "
                                       "the police investigation"})
    record_task = case.task("record_decision")
    assert record_task.due_at == datetime.fromisoformat("2026-11-25T17:00:00+00:00"), "record the same working day"
    case.complete("record_decision", PRACTITIONER, recorded("Referred at once; parents not told."))

    [record] = case.records()
    assert record.outcome == "share_in_full"
    assert record.common_law_justification == CL_EMERGENCY
    assert (record.article6_basis, record.article9_condition, record.schedule1_paragraph,
            record.article10_condition) == (A6_PUBLIC_TASK, A9_PUBLIC_INTEREST, SCH1_18, A10_SAFEGUARDING)
    assert record.subject_informed is False and "prejudice the police investigation" in (
        record.subject_not_informed_reason or "")
    assert record.consent_sought is False
    [entry] = case.disclosures()
    assert entry.channel == "telephone (emergency)"
    assert (entry.recipient_person, entry.recipient_role, entry.recipient_organisation, entry.reference) == (
        "Dee Wright", "MASH duty social worker", "Children's social care", "MASH ref 2211")
    assert entry.sent_at == datetime.fromisoformat("2026-11-25T09:20:00+00:00")
    assert case.case().next_timer_at == datetime.fromisoformat("2026-12-09T09:00:00+00:00")
