"""The decision record as the API gives it: the request or concern, each revision of the decision (with its
gateway answers, the advice taken and every answer of every step), new information, the disclosure log (each
transmission with its items and its secure link), and ``sections``: the same record as the page and the PDF
show it. Every field is listed: a column the record's tables gain does not reach the answer."""

from __future__ import annotations

from .common import Answer, Day, Instant, Section
from .links import SecureLink


class RecordCase(Answer):
    id: str
    reference: str
    summary: str
    status: str
    direction: str
    urgency: str


class Subject(Answer):
    role: str
    name: str
    identifiers: str | None


class SharingRequest(Answer):
    """The request received (inbound) or the concern raised (outbound), as the first steps recorded it."""

    direction: str
    received_at: Instant
    channel: str | None
    urgency: str
    needed_by: Day | None
    requester_name: str | None
    requester_role: str | None
    requester_organisation: str | None
    requester_contact: str | None
    requester_verified_how: str | None
    requester_verified_by: str | None
    requester_verified_at: Instant | None
    requester_authority: str | None
    purpose: str | None
    purpose_other: str | None
    statutory_power: str | None
    data_categories: str | None
    special_category: bool | None
    criminal_offence_data: bool | None
    confidential: bool | None
    data_sharing_agreement: str | None
    subjects: list[Subject]


class GatewayAnswer(Answer):
    question: str
    answer: str
    reasons: str | None
    answered_by: str | None
    answered_role: str | None
    answered_at: Instant | None


class Advice(Answer):
    adviser: str
    adviser_role: str
    given_at: Instant
    advice: str
    subject_named: bool
    decision: str | None
    question: str | None
    also_consulted: str | None


class RecordedAnswer(Answer):
    position: int
    step: str
    element_id: str
    field: str
    question: str
    answer: str
    answered_by: str | None
    answered_role: str | None
    answered_at: Instant | None


class Revision(Answer):
    """One revision of the decision: who decided what, when, on which lawful basis, consent, what was withheld,
    who was told; with the answers it rests on."""

    id: int | None
    revision: int
    outcome: str
    decided_at: Instant
    decision_maker: str
    decision_maker_role: str
    decision_summary: str | None
    recorded_by: str | None
    retention_rule: str | None
    no_basis_reason: str | None
    article6_basis: str | None
    article9_condition: str | None
    schedule1_paragraph: str | None
    article10_condition: str | None
    exemption: str | None
    common_law_justification: str | None
    condition_reasons: str | None
    basis_notes: str | None
    consent_sought: bool | None
    consent_not_sought_reason: str | None
    consent_of_whom: str | None
    consent_by_name: str | None
    consent_explicit: bool | None
    consent_result: str | None
    consent_scope: str | None
    consent_date: Day | None
    consent_method: str | None
    consent_override_reason: str | None
    withheld_and_why: str | None
    identifying_details_withheld: str | None
    not_sharing_reasons: str | None
    discussed_with_requester_on: Day | None
    how_requester_told: str | None
    reconsideration_history: str | None
    subject_informed: bool | None
    subject_informed_who: str | None
    subject_informed_relationship: str | None
    also_told: str | None
    subject_informed_when: Day | None
    subject_informed_how: str | None
    subject_not_informed_reason: str | None
    review_date: Day | None
    answers: list[GatewayAnswer]
    advice: list[Advice]
    every_answer: list[RecordedAnswer]


class NewInformation(Answer):
    received_at: Instant
    given_by: str
    given_by_role: str
    information: str


class DisclosedItem(Answer):
    summary_or_reference: str
    period_covered: str | None
    currency: str
    nature: str
    accuracy_checked: bool
    redactions: str | None


class Disclosure(Answer):
    """One transmission to one recipient, as the disclosure log keeps it."""

    id: int | None
    decision_id: int | None
    task_id: str | None
    sent_at: Instant
    recipient_person: str
    recipient_role: str
    recipient_organisation: str
    recipient_address: str
    recipient_verified_how: str
    reference: str | None
    identifying_details: str | None
    channel: str
    security_controls: str
    purpose_snapshot: str
    basis_snapshot: str
    onward_sharing_restrictions: str | None
    receipt_at: Instant | None
    receipt_by: str | None
    subject_informed: bool | None
    subject_not_informed_reason: str | None
    retention_rule: str
    items: list[DisclosedItem]
    secure_link: SecureLink | None


class Record(Answer):
    case: RecordCase
    sharing_request: SharingRequest | None
    decisions: list[Revision]
    new_information: list[NewInformation]
    disclosures: list[Disclosure]
    sections: list[Section]
