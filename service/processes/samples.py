"""Sample cases to try a process on: the six worked scenarios of the guidance, as data.

Each sample gives the facts a case starts with and the answers a practitioner (or their manager or
DSL) would give at each step, keyed by the step's element id (or its form's name). A step answered
by a list takes its entries in turn each time it comes round (a step met again after a review).
``messages`` are what arrives from outside when the case waits for it (a recipient's receipt);
``timers`` are the timers the sample lets fall due when nobody answers (a manager who never replies).
The answers are those tests/workflows/test_scenarios.py gives when it drives the scenarios for real.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Answers = dict[str, Any]


@dataclass(frozen=True)
class Sample:
    id: str
    name: str
    expected: str  # what the guidance expects, in its words
    start: Answers
    answers: dict[str, Answers | list[Answers]]
    messages: dict[str, Answers] = field(default_factory=dict)
    timers: tuple[str, ...] = ()


CHILD = {"role": "child", "name": "Sam Carter", "identifiers": "DOB 2014-03-02, Year 7"}
PARENT = {"role": "parent_carer", "name": "Jo Carter"}
SENT = {"channel": "secure_email", "security_controls": "Encrypted email to a verified address",
        "sent_confirmed": True}


def _start(direction: str, urgency: str, by: str = "tess.teacher") -> Answers:
    return {"immediate_danger": urgency == "emergency", "direction": direction, "urgency": urgency, "started_by": by}


def _information(**answers: bool) -> Answers:
    base = {"identifies_individual": True, "special_category": False, "criminal_offence_data": False,
            "confidential": False, "subject_at_risk": True, "legal_obligation": False}
    return base | answers


def _chosen(share_extent: str = "share_in_part", **extra: Any) -> Answers:
    chosen = {
        "identifying_details_shared": ["Sam Carter (the child)", "Sam Carter: Year 7"],
        "recipient_person": "Alex Reed", "recipient_role": "Early help coordinator",
        "recipient_organisation": "Northshire Council early help team", "recipient_email": "alex.reed@example.org",
        "recipient_verified_how": "Known contact; checked against the council directory",
        "items": [{"summary": "Sam cares for his mother most evenings", "period_covered": "since September 2026",
                   "nature": "reported_by_third_party", "currency": "current", "accuracy_checked": True}],
        "share_extent": share_extent, "third_parties_redacted": True,
    }
    if share_extent == "share_in_part":
        chosen["withheld_and_why"] = "Mother's diagnosis withheld: not needed for the early help assessment"
    return chosen | extra


def _recorded(summary: str) -> Answers:
    return {"decision_summary": summary, "accuracy_confirmed": True}


def _receipt(at: str, by: str) -> dict[str, Answers]:
    return {"receipt_confirmed": {"received_at": at, "received_by": by}}


YOUNG_CARER = Sample(
    id="scenario-1", name="Scenario 1: a young carer referred to early help, the parent consents",
    expected="Share the minimum needed on Article 6(1)(e) public task, consent recorded for the common-law duty "
             "of confidence; the person told; the record complete.",
    start=_start("outbound_concern", "routine"),
    answers={
        "describe_concern": {"concern": "Sam looks after his mother most evenings and is often late and tired.",
                             "subjects": [CHILD, PARENT]},
        "check_purpose": {"purpose": "early_help", "purpose_clear": True,
                          "purpose_reasons": "An early help assessment of Sam's needs as a young carer",
                          "statutory_power": "children_act_2004_s10",
                          "data_sharing_agreement": "Northshire information sharing protocol 2025"},
        "check_information": _information(confidential=True),
        "consider_consent": {
            "consent_appropriate": True, "seeking_consent_increases_risk": False, "subject_can_consent": False,
            "consent_result": "given", "consent_of_whom": "parent_with_parental_responsibility",
            "consent_by_name": "Jo Carter", "consent_explicit": True,
            "consent_scope": "Share Sam's caring role and attendance with the early help team",
            "consent_date": "2026-11-24", "consent_method": "written", "unsure": False},
        "choose_what_to_share": _chosen(),
        "send_securely": SENT,
        "tell_subject": {"subject_informed": True, "subject_informed_who": "Jo Carter",
                         "also_told": "Sam, in person, the same day", "subject_informed_when": "2026-11-25",
                         "subject_informed_how": "in_person"},
        "record_decision": _recorded("Shared the minimum with early help, with consent."),
    },
    messages=_receipt("2026-11-25T11:30:00+00:00", "Alex Reed"),
)

INJURED_BABY = Sample(
    id="scenario-2", name="Scenario 2: an unexplained injury on a baby, the mother refuses consent",
    expected="Share with children's social care at once without consent on Article 6(1)(e), Article 9(2)(g) and "
             "Sch 1 para 18; the reason for overriding the refusal recorded; telling the mother deferred to a "
             "review date.",
    start=_start("outbound_concern", "same_day", by="hana.visitor"),
    answers={
        "describe_concern": {"concern": "Two finger-tip bruises on the upper arm of a non-mobile baby; no "
                                        "explanation given.",
                             "subjects": [{"role": "child", "name": "Baby Lee", "identifiers": "NHS 943 476 5919"},
                                          {"role": "parent_carer", "name": "Kim Lee"}]},
        "check_purpose": {"purpose": "s47", "purpose_clear": True,
                          "purpose_reasons": "Possible non-accidental injury: children's social care must assess "
                                             "today"},
        "check_information": _information(special_category=True, confidential=True),
        "consider_consent": {
            "consent_appropriate": False, "seeking_consent_increases_risk": False, "subject_can_consent": False,
            "consent_result": "refused", "consent_of_whom": "parent_with_parental_responsibility",
            "consent_by_name": "Kim Lee", "consent_date": "2026-11-25", "unsure": False},
        "without_consent": {
            "risk_of_significant_harm": True, "overriding_public_interest": False, "unsure": False,
            "consent_override_reason": "Unexplained bruising on a non-mobile baby: the risk of significant harm "
                                       "outweighs the mother's refusal"},
        "choose_what_to_share": _chosen(
            "share_in_full", identifying_details_shared=["Baby Lee (the child)", "Baby Lee: NHS 943 476 5919",
                                                         "Kim Lee (parent or carer)"],
            recipient_person="Duty social worker", recipient_role="MASH duty social worker",
            recipient_organisation="Northshire children's social care", recipient_email="mash@example.org",
            items=[{"summary": "Body map and description of two bruises", "nature": "fact", "currency": "current",
                    "accuracy_checked": True},
                   {"summary": "My view: the explanation is inconsistent with the injury", "nature": "opinion",
                    "currency": "current", "accuracy_checked": True}]),
        "send_securely": SENT,
        "tell_subject": [
            {"subject_informed": False, "review_date": "2026-12-02",
             "subject_not_informed_reason": "Telling the mother before the strategy discussion could put the "
                                            "baby at greater risk"},
            {"subject_informed": True, "subject_informed_who": "Kim Lee", "subject_informed_when": "2026-12-02",
             "subject_informed_how": "in_person"}],
        "record_decision": [_recorded("Shared with children's social care without consent."),
                            _recorded("Mother told after the strategy discussion.")],
        "review_decision": {"review_outcome": "tell_subject_now",
                            "review_notes": "Strategy discussion held; safe to tell the mother", "review_date": None},
    },
    messages=_receipt("2026-11-25T10:05:00+00:00", "MASH duty desk"),
    timers=("review_due",),
)

SPORTS_CLUB = Sample(
    id="scenario-3", name="Scenario 3: a sports club asks for every child on a child-protection plan",
    expected="Decline: no legitimate purpose, disproportionate; the reasons recorded and the requester told why.",
    start=_start("inbound_request", "routine"),
    answers={
        "log_request": {
            "channel": "email", "requester_name": "Chris Field", "requester_role": "Junior section coach",
            "requester_organisation": "Northshire Juniors FC", "requester_contact": "chris@example.org",
            "information_requested": "A list of all pupils on child-protection plans, to keep an eye on them",
            "subjects": [{"role": "other", "name": "All pupils on child-protection plans"}]},
        "verify_requester": {
            "identity_verified": True, "verification_method": "Called the club secretary on the number on its "
                                                              "website",
            "requester_authority": "None: a voluntary club has no safeguarding role for these children",
            "requester_is_public_body": False, "request_specific": False,
            "verification_notes": "A general list, not a named child: a trawl"},
        "explain_not_sharing": {
            "not_sharing_reasons": "No legitimate purpose: the club has no role in these children's plans, and a "
                                   "list of every child on a plan would be wholly disproportionate",
            "discussed_with_requester_on": "2026-11-25", "how_requester_told": "Phone call, then email",
            "review_date": "2027-01-06"},
        "record_decision": _recorded("Declined a trawling request."),
    },
)

UNNAMED_CHILD = Sample(
    id="scenario-4", name="Scenario 4: a DSL asks the consultation line about an unnamed child",
    expected="The child cannot be identified, so the DSL may proceed; the consultation and its advice recorded.",
    start=_start("outbound_concern", "routine", by="dee.lead"),
    answers={
        "describe_concern": {"concern": "A pupil mentioned being left alone overnight; I want advice before "
                                        "deciding anything", "subjects": [{"role": "child", "name": "Unnamed pupil"}]},
        "check_purpose": {"purpose": "other", "purpose_clear": True, "purpose_other": "Consultation",
                          "purpose_reasons": "Advice on whether the threshold for a referral is met"},
        "check_information": _information(identifies_individual=False),
        "anonymous_consultation": {"consulted_whom": "Northshire children's services consultation line",
                                   "advice": "Below the threshold for a referral; offer early help and speak to "
                                             "the parent", "subject_named": False},
        "record_decision": _recorded("Consulted without naming the child; advice followed."),
    },
)

SELF_HARM = Sample(
    id="scenario-5", name="Scenario 5: a teaching assistant is unsure about a pupil's disclosure of self-harm",
    expected="A consultation: the manager or DSL decides within the same-day deadline, the assistant cannot close "
             "the case alone; an overdue manager escalates to the DSL; the advice logged.",
    start=_start("outbound_concern", "same_day", by="theo.assistant"),
    answers={
        "describe_concern": {"concern": "A Year 9 pupil showed me cuts on her forearm and asked me not to tell "
                                        "anyone", "subjects": [{"role": "child", "name": "Ria Patel"}]},
        "check_purpose": {"purpose": "s17", "purpose_clear": True,
                          "purpose_reasons": "She may need support from CAMHS and children's services"},
        "check_information": _information(special_category=True, confidential=True),
        "consider_consent": {
            "consent_appropriate": False, "seeking_consent_increases_risk": True, "subject_can_consent": True,
            "consent_result": "not_sought", "unsure": True,
            "consent_not_sought_reason": "She asked me not to tell her parents; I need advice first",
            "question_for_adviser": "Is this significant harm, and may I share without her consent?"},
        "without_consent": {
            "risk_of_significant_harm": False, "overriding_public_interest": False, "unsure": True,
            "question_for_adviser": "Does her wish for secrecy stop me sharing with CAMHS?",
            "consent_override_reason": "I do not know whether this is significant harm"},
        "dsl_advice": {
            "advice_decision": "share", "subject_named": True, "also_consulted": ["la_consultation_line"],
            "advice": "Self-harm with a wish for secrecy: refer to children's services and CAMHS today",
            "risk_of_significant_harm": True, "overriding_public_interest": False, "legal_obligation": False},
        "choose_what_to_share": _chosen(identifying_details_shared=["Ria Patel (the child)"]),
        "send_securely": SENT,
        "tell_subject": {"subject_informed": True, "subject_informed_who": "Ria Patel",
                         "subject_informed_when": "2026-11-25", "subject_informed_how": "in_person"},
        "record_decision": _recorded("Referred on the DSL's decision."),
    },
    messages=_receipt("2026-11-25T13:00:00+00:00", "Duty desk"),
    timers=("manager_overdue",),
)

ABUSE_DISCLOSED = Sample(
    id="scenario-6", name="Scenario 6: a child discloses sexual abuse by a step-parent",
    expected="Refer to children's social care or the police at once; the parents are not told, and the reason "
             "recorded.",
    start=_start("outbound_concern", "emergency"),
    answers={
        "share_at_once": {
            "subjects": [CHILD, {"role": "third_party", "name": "Step-parent"}],
            "contacted": "childrens_social_care", "contacted_at": "2026-11-25T09:20:00+00:00",
            "contacted_person": "Dee Wright", "contacted_role": "MASH duty social worker",
            "contact_reference": "MASH ref 2211", "information_shared": "The child's words, as written down at once",
            "purpose": "s47", "threat_to_life": False, "subject_can_consent": True, "special_category": True,
            "criminal_offence_data": True, "confidential": True, "subject_at_risk": True, "legal_obligation": False},
        "tell_subject": {"subject_informed": False, "review_date": "2026-12-09",
                         "subject_not_informed_reason": "Telling the parents could put the child at further risk "
                                                        "and prejudice the police investigation"},
        "record_decision": _recorded("Referred at once; parents not told."),
    },
)

SAMPLES: tuple[Sample, ...] = (YOUNG_CARER, INJURED_BABY, SPORTS_CLUB, UNNAMED_CHILD, SELF_HARM, ABUSE_DISCLOSED)


def sample_by_id(sample_id: str) -> Sample | None:
    return next((s for s in SAMPLES if s.id == sample_id), None)
