"""Read a case's record as each of its readers meets it: the API's JSON, the case page, the PDF's text."""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from pypdf import PdfReader

from tests.api.conftest import PASSWORD, Api


def pdf_text(document: bytes) -> str:
    """The text of a PDF, whitespace collapsed (a long answer wraps across lines; a word wrapped after its own
    hyphen, "Health-" then "Visitor", reads whole again)."""
    assert document.startswith(b"%PDF"), document[:40]
    reader = PdfReader(io.BytesIO(document))
    return squeeze(" ".join(unwrap_hyphens(page.extract_text() or "") for page in reader.pages))


def unwrap_hyphens(text: str) -> str:
    return re.sub(r"(?<=\w)-\n(?=\w)", "-", text)


def squeeze(text: str) -> str:
    return " ".join(text.split())


def page_text(markup: str) -> str:
    """The words of an HTML page: tags dropped, entities decoded, whitespace collapsed."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    return squeeze(html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def sign_in(client: FlaskClient, username: str) -> None:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert match, "no CSRF token on the sign-in page"
    response = client.post("/login", data={"csrf_token": match.group(1), "username": username, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


def section_text(sections: list[dict[str, Any]]) -> str:
    """Every title, label and value of the record's sections (as the API gives them), as one text."""
    parts: list[str] = []
    for section in sections:
        parts.append(section["title"])
        parts += [f"{line['label']} {line['value']}" for line in section.get("lines") or ()]
        parts.append(section_text(section.get("parts") or []))
    return squeeze(" ".join(parts))


@dataclass
class RecordFaces:
    json: dict[str, Any]
    sections: str
    page: str
    pdf: str

    def all_say(self, *texts: str) -> None:
        """Each text appears in the JSON's sections, on the case page and in the PDF (a label's colon aside)."""
        for text in texts:
            wanted = _unlabelled(text)
            for face, content in (("record JSON", self.sections), ("case page", self.page), ("PDF", self.pdf)):
                assert wanted in _unlabelled(content), f"{face} does not say {wanted!r}"


def _unlabelled(text: str) -> str:
    # The PDF writes "Label: value", the page and the JSON a label beside its value.
    return squeeze(text).replace(": ", " ")


def record_faces(api: Api, case_id: str, user: str) -> RecordFaces:
    """The record through GET /api/cases/{id}/record (JSON and PDF) and the case page, read as ``user``."""
    record = api.get(f"/api/cases/{case_id}/record", user)
    document = api.call("GET", f"/api/cases/{case_id}/record.pdf", user, expect=200).data
    browser = FlaskClient(api.client.application, use_cookies=True)
    sign_in(browser, user)
    page = browser.get(f"/cases/{case_id}")
    assert page.status_code == 200
    return RecordFaces(record, section_text(record["sections"]), page_text(page.get_data(as_text=True)),
                       pdf_text(document))
