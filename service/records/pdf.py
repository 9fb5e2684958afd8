"""The decision record as a PDF: the same content as the record page, for printing and filing."""

from __future__ import annotations

from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import ListFlowable, Paragraph, SimpleDocTemplate, Spacer

from service.uktime import uk_time

DECISION_FIELDS = [
    ("Outcome", "outcome"), ("Decided at", "decided_at"), ("Decision maker", "decision_maker"),
    ("Role", "decision_maker_role"), ("Article 6 basis", "article6_basis"),
    ("Article 9 condition", "article9_condition"), ("Schedule 1 paragraph", "schedule1_paragraph"),
    ("Article 10 condition", "article10_condition"), ("Exemption", "exemption"),
    ("Common-law duty of confidence", "common_law_justification"), ("Consent sought", "consent_sought"),
    ("Consent of", "consent_of_whom"), ("Consent result", "consent_result"),
    ("Why consent was not sought", "consent_not_sought_reason"),
    ("Why a refusal was overridden", "consent_override_reason"), ("Withheld, and why", "withheld_and_why"),
    ("Reasons for not sharing", "not_sharing_reasons"),
    ("Discussed with the requester on", "discussed_with_requester_on"),
    ("Reconsiderations", "reconsideration_history"), ("Person told", "subject_informed"),
    ("Told: who", "subject_informed_who"), ("Told: when", "subject_informed_when"),
    ("Told: how", "subject_informed_how"), ("Why not told", "subject_not_informed_reason"),
    ("Review date", "review_date"),
]


def record_pdf(record: dict[str, Any], *, printed_by: str, printed_at: str) -> bytes:
    """Render a case's record (as ``casework.record_detail`` gives it) to PDF bytes."""
    styles = getSampleStyleSheet()
    body, heading, subheading = styles["BodyText"], styles["Heading1"], styles["Heading2"]
    case = record["case"]
    story: list[Any] = [
        Paragraph(f"Decision record — case {escape(case['reference'])}", heading),
        Paragraph(escape(f"{case['summary']} · {case['direction'].replace('_', ' ')} · "
                         f"{case['urgency'].replace('_', ' ')} · {case['status']}"), body),
        Paragraph(escape(f"Printed by {printed_by} at {uk_time(printed_at)}. Confidential: safeguarding record."),
                  body),
    ]
    for decision in record["decisions"]:
        story += [Spacer(1, 4 * mm), Paragraph(f"Revision {decision['revision']}", subheading)]
        story += [Paragraph(f"<b>{escape(label)}:</b> {escape(_plain(decision[key], key))}", body)
                  for label, key in DECISION_FIELDS if decision.get(key) not in (None, "")]
        story += bullets("Questions answered", [f"{a['question']} — {a['answer']}"
                                                 + (f": {a['reasons']}" if a.get("reasons") else "")
                                                 + (f" ({a['answered_by']}, {a['answered_role']})"
                                                    if a.get("answered_by") else "")
                                                 for a in decision["answers"]], styles)
        story += bullets("Advice", [f"{a['adviser']} ({a['adviser_role']}), {uk_time(a['given_at'])}: {a['advice']}"
                                     for a in decision["advice"]], styles)
    for entry in record["disclosures"]:
        story += [Spacer(1, 4 * mm), Paragraph(escape(f"Disclosure to {entry['recipient_person']}, "
                                                      f"{entry['recipient_organisation']}"), subheading),
                  Paragraph(escape(f"Sent {uk_time(entry['sent_at'])} by {entry['channel']}; verified: "
                                   f"{entry['recipient_verified_how']}; receipt: "
                                   f"{entry['receipt_by'] or 'not confirmed'} {uk_time(entry['receipt_at'])}"), body)]
        story += bullets("Items", [f"{i['summary_or_reference']} — {i['nature'].replace('_', ' ')}, {i['currency']}"
                                    for i in entry["items"]], styles)
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=f"Decision record {case['reference']}",
                      leftMargin=18 * mm, rightMargin=18 * mm).build(story)
    return buffer.getvalue()


def bullets(title: str, lines: list[str], styles: Any) -> list[Any]:
    if not lines:
        return []
    items = [Paragraph(escape(line), styles["BodyText"]) for line in lines]
    return [Paragraph(f"<b>{escape(title)}</b>", styles["BodyText"]), ListFlowable(items, bulletType="bullet")]


def _plain(value: Any, key: str = "") -> str:
    if key.endswith("_at") and isinstance(value, str):
        return uk_time(value)
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value).replace("_", " ") if isinstance(value, str) and value.islower() else str(value)
