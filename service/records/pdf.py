"""The decision record as a PDF: the same sections as the record page and the API, for printing and filing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import ListFlowable, Paragraph, SimpleDocTemplate, Spacer

from service.uktime import uk_time

from .layout import case_status

HEADINGS = ("Heading2", "Heading3", "Heading4", "Heading5")


def record_pdf(record: Mapping[str, Any], *, printed_by: str, printed_at: str) -> bytes:
    """Render a case's record (as ``records.view.record_detail`` gives it, with its sections) to PDF bytes."""
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    case = record["case"]
    story: list[Any] = [
        Paragraph(f"Decision record — case {escape(case['reference'])}", styles["Heading1"]),
        Paragraph(escape(f"{case['summary']} · {case['direction'].replace('_', ' ')} · "
                         f"{case['urgency'].replace('_', ' ')} · {case_status(case['status'])}"), body),
        Paragraph(escape(f"Printed by {printed_by} at {uk_time(printed_at)}. Confidential: safeguarding record."),
                  body),
    ]
    if not record["decisions"]:
        story.append(Paragraph("Nothing recorded yet: the record is written at the record step.", body))
    for section in record["sections"]:
        story += section_flowables(section, styles)
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=f"Decision record {case['reference']}",
                      leftMargin=18 * mm, rightMargin=18 * mm).build(story)
    return buffer.getvalue()


def section_flowables(section: Mapping[str, Any], styles: Any, depth: int = 0) -> list[Any]:
    """A section (``records.layout.Section`` as JSON) as a heading, its lines, then its own sections."""
    body = styles["BodyText"]
    story: list[Any] = [Spacer(1, 2 * mm), Paragraph(escape(section["title"]), styles[HEADINGS[min(depth, 3)]])]
    for line in section.get("lines") or ():
        label = line["label"] if line["label"].endswith(("?", ":")) else f"{line['label']}:"
        text = f"<b>{escape(label)}</b> {_multiline(line['value'])}"
        story.append(Paragraph(text, body))
    for part in section.get("parts") or ():
        story += section_flowables(part, styles, depth + 1)
    return story


def bullets(title: str, lines: Sequence[str], styles: Any) -> list[Any]:
    if not lines:
        return []
    items = [Paragraph(escape(line), styles["BodyText"]) for line in lines]
    return [Paragraph(f"<b>{escape(title)}</b>", styles["BodyText"]), ListFlowable(items, bulletType="bullet")]


def _multiline(text: str) -> str:
    return escape(text).replace("\n", "<br/>")
