"""The letter and a package as printed: the letter's every paragraph and point on paper in order, a package's
recipient named across every page, and each PDF titled as before."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from pypdf import PdfReader

from service.records.letter import RIGHT_OF_ACCESS, RIGHT_TO_COMPLAIN, Letter, Sharing
from service.records.package import package_pdf, watermark_text
from tests.record_faces import squeeze, unwrap_hyphens


def page_texts(document: bytes) -> list[str]:
    assert document.startswith(b"%PDF")
    return [squeeze(unwrap_hyphens(page.extract_text() or "")) for page in PdfReader(io.BytesIO(document)).pages]


def title_and_author(document: bytes) -> tuple[str | None, str | None]:
    info = PdfReader(io.BytesIO(document)).metadata
    return (info.title, info.author) if info else (None, None)


def in_order(text: str, phrases: list[str]) -> None:
    found = 0
    for phrase in phrases:
        at = text.find(phrase, found)
        assert at >= 0, f"not found after what came before: {phrase!r}"
        found = at + len(phrase)


def a_letter(sharings: int) -> Letter:
    return Letter(
        reference="ISD-2611-TEST-0001", organisation="Northshire Safeguarding Partnership",
        written_on=date(2026, 11, 25), addressee="Jo Carter-Smith", about=("Sam Carter",),
        sharings=tuple(Sharing(on=date(2026, 11, 20 + n % 5), recipient=f"Alex Reed (Early help coordinator {n})",
                               items=(f"Sam cares for his mother most evenings ({n})",
                                      f"Attendance since September ({n})"))
                       for n in range(sharings)),
        purpose="Early help", purpose_reasons="An early help assessment of Sam's needs as a young carer",
        basis=("Data protection law allowed us to share it because it was needed for work we do in the public "
               "interest, such as keeping children safe.",),
        legal_names=(("UK GDPR Article 6 (the lawful basis)", "Article 6(1)(e) public task"),),
        practitioner="Tess Teacher (tess@example.org)", data_protection_contact="dpo@northshire.example",
        rights=(RIGHT_OF_ACCESS, RIGHT_TO_COMPLAIN))


def letter_phrases(letter: Letter) -> list[str]:
    """The letter as it reads: its heading lines, then each section's heading, paragraphs (line by line),
    lead-in lines and points."""
    phrases = [letter.organisation, f"{letter.dated} · Our reference: {letter.reference}"]
    for heading, blocks in letter.sections():
        phrases += [heading] if heading else []
        for block in blocks:
            if isinstance(block, str):
                phrases += [squeeze(line) for line in block.splitlines()]
            else:
                phrases += [squeeze(block[0]), *(squeeze(point) for point in block[1])]
    return phrases


def test_the_printed_letter_holds_every_paragraph_and_point_in_order() -> None:
    letter = a_letter(sharings=12)
    document = letter.as_pdf()
    pages = page_texts(document)
    assert len(pages) >= 2, "enough shared to run over a page"
    phrases = letter_phrases(letter)
    assert len(phrases) > 40 and "Dear Jo Carter-Smith," in phrases
    in_order(" ".join(pages), phrases)
    assert [re.search(r"Page (\d+) of (\d+)$", page) is not None for page in pages] == [True] * len(pages)
    assert title_and_author(document) == ("Letter ISD-2611-TEST-0001", "Northshire Safeguarding Partnership")


def a_package(items: int) -> dict[str, Any]:
    return {
        "case_reference": "ISD-2611-TEST-0002", "sent_at": "2026-11-25T09:00:00+00:00",
        "sender": {"username": "tess.teacher", "name": "Tess Teacher", "role": "practitioner", "team": "north"},
        "recipient": {"person": "Alex \"AJ\" Reed", "role": "Early help coordinator",
                      "organisation": "O'Brien & Sons <Care>", "email": "alex@example.org"},
        "about": [{"role": "child", "name": "Sam Carter", "identifiers": "DOB 2014-03-02"}],
        "purpose": "Early help", "purpose_reasons": "An early help assessment",
        "lawful_basis": [{"label": "UK GDPR Article 6", "value": "Article 6(1)(e) public task"}],
        "share_extent": "share_in_part",
        "items": [{"summary": f"Item {n}: Sam cares for his mother most evenings and is often late. " * 3,
                   "period_covered": "September to November 2026", "nature": "reported_by_third_party",
                   "currency": "historical", "accuracy_checked": True, "redactions": None} for n in range(items)],
        "withheld": "Mother's diagnosis: not needed", "restrictions": "Not to be passed on without asking us first",
    }


def test_every_page_of_a_package_carries_its_recipients_name() -> None:
    content = a_package(items=25)
    document = package_pdf(content)
    pages = page_texts(document)
    mark = watermark_text(content)
    assert mark == "Shared with Alex \"AJ\" Reed, O'Brien & Sons <Care> — do not forward", "as typed, not escaped"
    assert len(pages) >= 3, "enough items to run over pages"
    assert [page.count(mark) for page in pages] == [1] * len(pages), "the recipient's name once on each page"
    assert title_and_author(document)[0] == "Safeguarding information ISD-2611-TEST-0002"
    text = " ".join(pages)
    in_order(text, ["Safeguarding information — reference ISD-2611-TEST-0002",
                    "For Alex \"AJ\" Reed (Early help coordinator, O'Brien & Sons <Care>). Sent by Tess Teacher, "
                    "practitioner, on 25 Nov 2026 09:00 GMT.", "Why it is shared", "Early help",
                    "Who it is about", "Sam Carter (the child), DOB 2014-03-02", "Lawful basis",
                    *(squeeze(item["summary"]) for item in content["items"]),
                    "Limits on passing it on", "Not to be passed on without asking us first"])
    assert text.count("Reported by someone else · historical · accuracy checked") == 25
    assert "Mother's diagnosis" not in text, "what was withheld is never in the package"
