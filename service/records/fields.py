"""The fields of the decision record's parts as the record shows them (API, case page, PDF): each part's list
is explicit, so a column added to a table stays out of the record until it is named here."""

from __future__ import annotations

from typing import Any

REQUEST_FIELDS = (
    "direction", "received_at", "channel", "urgency", "needed_by", "requester_name", "requester_role",
    "requester_organisation", "requester_contact", "requester_verified_how", "requester_verified_by",
    "requester_verified_at", "requester_authority", "purpose", "purpose_other", "statutory_power",
    "data_categories", "special_category", "criminal_offence_data", "confidential", "data_sharing_agreement",
)
SUBJECT_FIELDS = (
    "role", "name", "identifiers",
)
REVISION_FIELDS = (
    "id", "revision", "outcome", "decided_at", "decision_maker", "decision_maker_role", "decision_summary",
    "recorded_by", "retention_rule", "no_basis_reason", "article6_basis", "article9_condition",
    "schedule1_paragraph", "article10_condition", "exemption", "common_law_justification", "condition_reasons",
    "basis_notes", "consent_sought", "consent_not_sought_reason", "consent_of_whom", "consent_by_name",
    "consent_explicit", "consent_result", "consent_scope", "consent_date", "consent_method",
    "consent_override_reason", "withheld_and_why", "identifying_details_withheld", "not_sharing_reasons",
    "discussed_with_requester_on", "how_requester_told", "reconsideration_history", "subject_informed",
    "subject_informed_who", "subject_informed_relationship", "also_told", "subject_informed_when",
    "subject_informed_how", "subject_not_informed_reason", "review_date",
)
GATEWAY_ANSWER_FIELDS = (
    "question", "answer", "reasons", "answered_by", "answered_role", "answered_at",
)
ADVICE_FIELDS = (
    "adviser", "adviser_role", "given_at", "advice", "subject_named", "decision", "question", "also_consulted",
)
RECORDED_ANSWER_FIELDS = (
    "position", "step", "element_id", "field", "question", "answer", "answered_by", "answered_role", "answered_at",
)
NEW_INFORMATION_FIELDS = (
    "received_at", "given_by", "given_by_role", "information",
)
DISCLOSURE_FIELDS = (
    "id", "decision_id", "task_id", "sent_at", "recipient_person", "recipient_role", "recipient_organisation",
    "recipient_address", "recipient_verified_how", "reference", "identifying_details", "channel",
    "security_controls", "purpose_snapshot", "basis_snapshot", "onward_sharing_restrictions", "receipt_at",
    "receipt_by", "subject_informed", "subject_not_informed_reason", "retention_rule",
)
ITEM_FIELDS = (
    "summary_or_reference", "period_covered", "currency", "nature", "accuracy_checked", "redactions",
)


def fields(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The named fields of a row as JSON-ready values (dates and instants as ISO text)."""
    values = {}
    for name in names:
        value = getattr(row, name)
        values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return values
