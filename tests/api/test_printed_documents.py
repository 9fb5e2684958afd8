"""The record's page and its PDF are one document: every heading and line the case page's record shows is in
the PDF, in the same order, and the PDF adds only who printed it and its page footers."""

from __future__ import annotations

import io
import re

from lxml import html as lxml_html
from pypdf import PdfReader

from tests.api.conftest import Api
from tests.api.test_http_scenarios import OpenTask, complete, confirm_receipt, day
from tests.api.test_letter_download import TESS, to_sending
from tests.api.test_web_pages import _sign_in
from tests.record_faces import squeeze, unwrap_hyphens
from tests.workflows.test_scenarios import SENT, recorded


def recorded_case(api: Api, open_task: OpenTask) -> str:
    """Scenario 1 over HTTP, to its written record; returns the case id."""
    cid = to_sending(api, open_task)
    complete(api, open_task, cid, "send_securely", TESS, SENT)
    confirm_receipt(api, cid, TESS, "Alex Reed")
    complete(api, open_task, cid, "tell_subject", TESS, {
        "subject_informed": True, "subject_informed_who": "Jo Carter", "subject_informed_when": day(),
        "subject_informed_how": "letter"})
    complete(api, open_task, cid, "record_decision", TESS, recorded("Shared the minimum with early help, "
                                                                   "with consent.\nJo Carter agreed in writing."))
    return cid


def document_lines(page: str) -> list[str]:
    """The record on the case page, as its reader meets it: each heading, and each label with its value."""
    [document] = lxml_html.fromstring(page).xpath("//div[@class='record-document']")
    lines = []
    for element in document.iter("h2", "h3", "h4", "h5", "h6", "p", "dt", "dd"):
        text = squeeze(element.text_content())
        if element.tag == "dd":
            lines[-1] = f"{lines[-1]} {text}"  # a value stands beside its label
        elif text:
            lines.append(text)
    return lines


def page_texts(document: bytes) -> list[str]:
    return [squeeze(unwrap_hyphens(page.extract_text() or "")) for page in PdfReader(io.BytesIO(document)).pages]


def test_every_line_of_the_record_page_is_in_its_pdf_in_the_same_order(api: Api, open_task: OpenTask) -> None:
    cid = recorded_case(api, open_task)
    client = api.client
    _sign_in(client, TESS)
    lines = document_lines(client.get(f"/cases/{cid}").get_data(as_text=True))
    assert len(lines) > 60 and "Every question asked, and the answers given" in lines
    assert ("What was decided, and why (in the recorder's words) Shared the minimum with early help, with consent. "
            "Jo Carter agreed in writing.") in lines, "a value's own line breaks are kept, on the page and on paper"

    document = client.get(f"/cases/{cid}/record.pdf").data
    pages = page_texts(document)
    reference = api.get(f"/api/cases/{cid}", TESS)["reference"]
    footer = re.compile(rf"Decision record — case {reference} Page (\d+) of (\d+)$")
    numbers = [footer.search(text) for text in pages]
    assert len(pages) >= 2 and all(numbers), "every page ends with the case and its page number"
    assert [(int(m[1]), int(m[2])) for m in numbers if m] == [(n, len(pages)) for n in range(1, len(pages) + 1)]

    text = " ".join(footer.sub("", page) for page in pages)
    header = re.match(rf"Decision record — case {reference} Young carer · A concern raised by the practitioner · "
                      rf"Routine · finished "
                      rf"Printed by {TESS} at .+? Confidential: safeguarding record\. ", text)
    assert header, text[:300]
    body, found = text[header.end():], 0
    for line in lines:
        at = body.find(line, found)
        assert at >= 0, f"the PDF does not say {line!r} after {body[max(found - 80, 0):found]!r}"
        found = at + len(line)
    assert squeeze(body) == squeeze(" ".join(lines)), "the PDF's record says what the page says, nothing more"
