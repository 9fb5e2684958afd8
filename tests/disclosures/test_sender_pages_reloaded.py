"""The sender's secure-link pages reached again by GET (a reload, the back button, a bookmark): each
address takes them to the case with a note saying where the link stands. Nothing is sent, shown or
withdrawn by a GET, and an unknown (or someone else's) id is the service's own "not found" page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service.disclosures.models import SecureDisclosure
from service.notifications.models import OutboxMessage
from service.records.models import AuditEvent
from tests.api.conftest import Api
from tests.disclosures.conftest import HANA, OpenTask, SentLink, bring_to_send_securely
from tests.record_faces import page_text
from tests.signed_in import sign_in_as

CSRF = "sender-test"
ALREADY_SENT = "The secure link was already sent: you can show its code again from the case page."


def staff(app: Flask, username: str = HANA) -> FlaskClient:
    return sign_in_as(app.test_client(), username, csrf=CSRF)


def counts(session_factory: sessionmaker[Session], case_id: str) -> dict[str, int]:
    """How many links, link emails and code showings the case has: a GET must change none of them."""
    with session_factory() as s:
        return {
            "links": s.scalar(select(func.count()).select_from(SecureDisclosure)
                              .where(SecureDisclosure.case_id == case_id)) or 0,
            "emails": s.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.case_id == case_id, OutboxMessage.reason == "secure_link")) or 0,
            "codes shown": s.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.case_id == case_id, AuditEvent.action == "secure_link_code_shown")) or 0,
        }


def revisit(client: FlaskClient, path: str, case_id: str) -> str:
    """GET ``path``: it redirects to the case page, whose words (with the flashed note) are returned."""
    response = client.get(path)
    assert response.status_code == 302, (path, response.status_code)
    assert response.headers["Location"].endswith(f"/cases/{case_id}"), response.headers["Location"]
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    return page_text(page.get_data(as_text=True))


def test_reloading_secure_link_sent_sends_nothing_again_and_shows_no_code(
        app: Flask, api: Api, open_task: OpenTask, session_factory: sessionmaker[Session]) -> None:
    cid = bring_to_send_securely(api, open_task, recipient_email="mash@example.org", summary="Bruising on a baby")
    task = open_task(cid, "send_securely", HANA)
    sender = staff(app)

    # Before anything is sent, the address goes back to the step, where the button is.
    early = sender.get(f"/tasks/{task['id']}/secure-link")
    assert early.status_code == 302 and early.headers["Location"].endswith(f"/tasks/{task['id']}")
    assert "Nothing has been sent yet" in page_text(sender.get(early.headers["Location"]).get_data(as_text=True))
    assert counts(session_factory, cid)["links"] == 0

    sent = sender.post(f"/tasks/{task['id']}/secure-link", data={"csrf_token": CSRF})
    assert sent.status_code == 200
    shown = page_text(sent.get_data(as_text=True))
    [link] = api.get(f"/api/cases/{cid}/secure-links", HANA)["secure_links"]
    code = api.get(f"/api/secure-links/{link['id']}/code", HANA)["code"]
    assert "Secure link sent" in shown and f"{code[:4]} {code[4:]}" in shown
    assert "Now phone Duty social worker (Northshire children's social care) on a number you have checked" in shown
    assert "Back to the case" in shown
    before = counts(session_factory, cid)
    assert (before["links"], before["emails"]) == (1, 1)

    again = revisit(sender, f"/tasks/{task['id']}/secure-link", cid)
    assert ALREADY_SENT in again
    assert code[:4] not in again and code[4:] not in again, "a GET never shows the code"
    assert counts(session_factory, cid) == before, "nothing sent again, no code shown"


def test_the_code_withdraw_and_send_again_addresses_by_get_change_nothing(
        app: Flask, api: Api, send_link: Callable[..., SentLink], session_factory: sessionmaker[Session]) -> None:
    sent = send_link()
    sender = staff(app)
    before = counts(session_factory, sent.case_id)

    code_page = revisit(sender, f"/secure-links/{sent.disclosure_id}/code", sent.case_id)
    assert "To see the one-time code again, press “Show the one-time code” beside the link." in code_page
    assert sent.code[:4] not in code_page and sent.code[4:] not in code_page

    withdraw = revisit(sender, f"/secure-links/{sent.disclosure_id}/revoke", sent.case_id)
    assert "The link has not been withdrawn: press “Withdraw the link” on the case page" in withdraw
    send_again = revisit(sender, f"/secure-links/{sent.disclosure_id}/reissue", sent.case_id)
    assert "No new link was sent" in send_again
    assert counts(session_factory, sent.case_id) == before
    [link] = api.get(f"/api/cases/{sent.case_id}/secure-links", HANA)["secure_links"]
    assert link["state"] == "waiting", "a GET withdraws nothing"

    # The POST shows the code once; its page reloaded shows the note instead.
    shown = sender.post(f"/secure-links/{sent.disclosure_id}/code", data={"csrf_token": CSRF})
    assert shown.status_code == 200 and f"{sent.code[:4]} {sent.code[4:]}" in shown.get_data(as_text=True)
    assert "One-time code for Duty social worker" in page_text(shown.get_data(as_text=True))
    assert "To see the one-time code again" in revisit(sender, f"/secure-links/{sent.disclosure_id}/code",
                                                      sent.case_id)

    # Sent again, then that page reloaded: nothing more is sent, and the note says the new link went.
    reissued = sender.post(f"/secure-links/{sent.disclosure_id}/reissue", data={"csrf_token": CSRF})
    assert reissued.status_code == 200 and "Secure link sent" in reissued.get_data(as_text=True)
    after_reissue = counts(session_factory, sent.case_id)
    assert (after_reissue["links"], after_reissue["emails"]) == (2, 2)
    assert "The new link was already sent: you can show its code again from the case page." in revisit(
        sender, f"/secure-links/{sent.disclosure_id}/reissue", sent.case_id)
    assert counts(session_factory, sent.case_id) == after_reissue
    # The first link is withdrawn now (sending again withdrew it): its code is no longer needed.
    assert "This link's code is no longer needed: it has been withdrawn." in revisit(
        sender, f"/secure-links/{sent.disclosure_id}/code", sent.case_id)

    links = api.get(f"/api/cases/{sent.case_id}/secure-links", HANA)["secure_links"]
    newest = next(link["id"] for link in links if link["replaces"] == sent.disclosure_id)
    withdrawn = sender.post(f"/secure-links/{newest}/revoke", data={"csrf_token": CSRF})
    assert withdrawn.status_code == 302
    assert "The secure link was already withdrawn: it can no longer be opened." in revisit(
        sender, f"/secure-links/{newest}/revoke", sent.case_id)
    # "Secure link sent" reloaded once the newest link for its step is withdrawn: the note says so.
    assert "The secure link was already sent, and it has been withdrawn" in revisit(
        sender, f"/tasks/{links[0]['task_id']}/secure-link", sent.case_id)


@pytest.mark.parametrize("path", ["/tasks/{id}/secure-link", "/secure-links/{id}/code", "/secure-links/{id}/reissue",
                                  "/secure-links/{id}/revoke"])
def test_an_unknown_or_unseen_id_by_get_is_the_services_not_found_page(
        app: Flask, api: Api, send_link: Callable[..., SentLink], path: str) -> None:
    sent = send_link()
    [link] = api.get(f"/api/cases/{sent.case_id}/secure-links", HANA)["secure_links"]
    real = link["task_id"] if path.startswith("/tasks/") else sent.disclosure_id
    # An id nobody knows, and a real one of a case Tess (another team's practitioner) may not see.
    for client, identifier in ((staff(app), "no-such-id"), (staff(app, "tess.teacher"), real)):
        response = client.get(path.format(id=identifier))
        text = page_text(response.get_data(as_text=True))
        assert response.status_code == 404, (path, identifier, response.status_code)
        assert "There is a problem" in text and "go to your tasks" in text, "the service's own page, styled"
        assert "Method Not Allowed" not in text and sent.code not in text


def test_not_signed_in_the_addresses_ask_for_sign_in(app: Flask, send_link: Callable[..., SentLink]) -> None:
    sent = send_link()
    response = app.test_client().get(f"/secure-links/{sent.disclosure_id}/code")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
