"""Every way a secure link is refused: a clear page, an audit event, and nothing of the package shown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from service.app import create_app
from service.config import Config
from service.disclosures.models import SecureDisclosure
from service.records.models import AuditEvent
from tests.api.conftest import Api
from tests.disclosures.conftest import HANA, ITEMS, Recipient, SentLink
from tests.signed_in import sign_in_as

NOTHING_SHOWN = [item["summary"] for item in ITEMS] + ["Baby Lee", "Kim Lee"]


def refusals(session_factory: sessionmaker[Session], case_id: str | None) -> list[dict[str, Any]]:
    import json

    with session_factory() as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id,
                                                  AuditEvent.action.in_(("secure_link_refused", "secure_link_locked")))
                         .order_by(AuditEvent.seq))
        return [{"action": r.action, "actor": r.actor, "role": r.role, **json.loads(r.summary)} for r in rows]


def shows_nothing(response: Any) -> bool:
    text = response.get_data(as_text=True)
    return not [word for word in NOTHING_SHOWN if word in text]


def test_an_expired_link_is_refused(send_link: Callable[..., SentLink], recipient: Callable[[], Recipient],
                                    session_factory: sessionmaker[Session]) -> None:
    sent = send_link()
    with session_factory.begin() as s:
        s.execute(update(SecureDisclosure).values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    browser = recipient()
    page = browser.open(sent.token)
    assert page.status_code == 410 and "expired" in page.get_data(as_text=True) and shows_nothing(page)
    tried = browser.enter(sent.token, sent.code)
    assert tried.status_code == 410 and shows_nothing(tried), "even the right code opens nothing"
    assert [r["reason"] for r in refusals(session_factory, sent.case_id)] == ["expired", "expired", "expired"]
    assert refusals(session_factory, sent.case_id)[0]["role"] == "recipient"


def test_a_used_link_is_refused(send_link: Callable[..., SentLink], recipient: Callable[[], Recipient],
                                session_factory: sessionmaker[Session]) -> None:
    sent = send_link()
    assert recipient().enter(sent.token, sent.code).status_code == 200
    someone_else = recipient()
    page = someone_else.open(sent.token)
    assert page.status_code == 410 and "already been used" in page.get_data(as_text=True) and shows_nothing(page)
    assert someone_else.enter(sent.token, sent.code).status_code == 410
    assert someone_else.download(sent.disclosure_id).status_code == 403, "no code entered in this browser"
    assert "opened" in [r["reason"] for r in refusals(session_factory, sent.case_id)]


def test_five_wrong_codes_lock_the_link(send_link: Callable[..., SentLink], recipient: Callable[[], Recipient],
                                        session_factory: sessionmaker[Session]) -> None:
    sent = send_link()
    wrong = "00000000" if sent.code != "00000000" else "11111111"
    browser = recipient()
    statuses = [browser.enter(sent.token, wrong) for _ in range(5)]
    assert [r.status_code for r in statuses] == [422, 422, 422, 422, 410]
    assert "1 attempt left" in statuses[3].get_data(as_text=True)
    assert "locked" in statuses[4].get_data(as_text=True)
    assert all(shows_nothing(r) for r in statuses)
    right = browser.enter(sent.token, sent.code)
    assert right.status_code == 410 and "locked" in right.get_data(as_text=True) and shows_nothing(right)
    with session_factory() as s:
        row = s.get(SecureDisclosure, sent.disclosure_id)
        assert row is not None and row.failed_attempts == 5 and row.locked_at and row.opened_at is None
        wrong_events = s.scalars(select(AuditEvent).where(AuditEvent.action == "secure_link_code_wrong")).all()
    assert len(wrong_events) == 4
    assert [r["action"] for r in refusals(session_factory, sent.case_id)] == [
        "secure_link_locked", "secure_link_refused", "secure_link_refused"]


def test_a_revoked_link_is_refused_and_only_the_sender_or_the_dsl_may_revoke(
        api: Api, send_link: Callable[..., SentLink], recipient: Callable[[], Recipient],
        session_factory: sessionmaker[Session]) -> None:
    sent = send_link()
    api.post(f"/api/secure-links/{sent.disclosure_id}/revoke", "tess.teacher", expect=404)  # not her case
    api.post(f"/api/secure-links/{sent.disclosure_id}/revoke", "ada.auditor", expect=403)  # reads, never acts
    api.get(f"/api/secure-links/{sent.disclosure_id}/code", "pat.owner", expect=403)
    revoked = api.post(f"/api/secure-links/{sent.disclosure_id}/revoke", HANA)
    assert (revoked["state"], revoked["revoked_by"]) == ("revoked", HANA)
    page = recipient().open(sent.token)
    assert page.status_code == 410 and "withdrawn" in page.get_data(as_text=True) and shows_nothing(page)
    assert recipient().enter(sent.token, sent.code).status_code == 410
    assert [r["reason"] for r in refusals(session_factory, sent.case_id)] == ["revoked", "revoked", "revoked"]


def test_revoking_after_opening_stops_the_download_and_the_dsl_can_revoke(
        api: Api, send_link: Callable[..., SentLink], recipient: Callable[[], Recipient]) -> None:
    sent = send_link()
    browser = recipient()
    assert browser.enter(sent.token, sent.code).status_code == 200
    assert api.post(f"/api/secure-links/{sent.disclosure_id}/revoke", "dee.lead")["state"] == "revoked"
    assert browser.download(sent.disclosure_id).status_code == 410


def test_another_recipients_link_is_refused(send_link: Callable[..., SentLink], recipient: Callable[[], Recipient],
                                            session_factory: sessionmaker[Session]) -> None:
    police = send_link(recipient_email="duty@police.example.org", summary="Second referral")
    social_care = send_link()
    assert police.code != social_care.code
    browser = recipient()
    # The police officer's own code does not open social care's link...
    tried = browser.enter(social_care.token, police.code)
    assert tried.status_code == 422 and shows_nothing(tried)
    # ...and having opened their own package, they cannot fetch or confirm social care's.
    assert browser.enter(police.token, police.code).status_code == 200
    assert browser.download(social_care.disclosure_id).status_code == 403
    confirm = browser.confirm(social_care.disclosure_id, "Not me")
    assert confirm.status_code == 403 and shows_nothing(confirm)
    assert [r["reason"] for r in refusals(session_factory, social_care.case_id)] == [
        "code not entered in this browser", "code not entered in this browser"]
    with session_factory() as s:
        row = s.get(SecureDisclosure, social_care.disclosure_id)
        assert row is not None and row.receipt_at is None and row.downloaded_at is None and row.failed_attempts == 1


def test_an_unknown_link_is_refused_and_audited(recipient: Callable[[], Recipient],
                                                session_factory: sessionmaker[Session]) -> None:
    page = recipient().open("not-a-real-link-token")
    assert page.status_code == 404 and "not valid" in page.get_data(as_text=True)
    [event] = refusals(session_factory, None)
    assert event["reason"] == "unknown link"


@pytest.fixture
def slow_retry_app(link_config: Config, app: Flask) -> Flask:
    from dataclasses import replace

    return create_app(replace(link_config, code_retry_seconds=30))


def test_codes_are_rate_limited(send_link: Callable[..., SentLink], slow_retry_app: Flask,
                                session_factory: sessionmaker[Session]) -> None:
    sent = send_link()
    browser = Recipient(slow_retry_app.test_client())
    wrong = "00000000" if sent.code != "00000000" else "11111111"
    assert browser.enter(sent.token, wrong).status_code == 422
    too_soon = browser.enter(sent.token, sent.code)
    assert too_soon.status_code == 429 and "wait" in too_soon.get_data(as_text=True) and shows_nothing(too_soon)
    with session_factory() as s:
        row = s.get(SecureDisclosure, sent.disclosure_id)
        assert row is not None and row.failed_attempts == 1 and row.opened_at is None


def test_the_sender_sends_a_used_link_again_and_only_the_new_one_opens(
        api: Api, app: Flask, send_link: Callable[..., SentLink], recipient: Callable[[], Recipient],
        session_factory: sessionmaker[Session], link_config: Config, mail_server: Any) -> None:
    from tests.disclosures.conftest import LINK, deliver_mail

    sent = send_link()
    assert recipient().enter(sent.token, sent.code).status_code == 200  # opened, then the page was lost
    staff = app.test_client()
    sign_in_as(staff, HANA)
    assert "Send a new link" in staff.get(f"/cases/{sent.case_id}").get_data(as_text=True)
    api.post(f"/api/secure-links/{sent.disclosure_id}/reissue", "tess.teacher", expect=404)
    api.post(f"/api/secure-links/{sent.disclosure_id}/reissue", "ada.auditor", expect=403)
    again = api.post(f"/api/secure-links/{sent.disclosure_id}/reissue", HANA, expect=201)
    assert again["code"] != sent.code and again["secure_link"]["replaces"] == sent.disclosure_id
    api.post(f"/api/secure-links/{sent.disclosure_id}/reissue", HANA, expect=409)  # once: use the newest
    [email] = deliver_mail(session_factory, link_config, mail_server)
    found = LINK.search(email.get_payload(decode=True).decode())
    assert found and found.group(1) != sent.token
    assert recipient().open(sent.token).status_code == 410, "the old link is withdrawn"

    browser = recipient()
    opened = browser.enter(found.group(1), again["code"])
    assert opened.status_code == 200 and ITEMS[0]["summary"] in opened.get_data(as_text=True)
    assert browser.confirm(again["secure_link"]["id"], "Duty social worker").status_code == 200
    assert [t["element_id"] for t in api.get(f"/api/cases/{sent.case_id}", HANA)["open_tasks"]] == ["tell_subject"]
    links = api.get(f"/api/cases/{sent.case_id}/secure-links", HANA)["secure_links"]
    assert [(link["state"], link["receipt_by"]) for link in links] == [("revoked", None),
                                                                      ("receipt_confirmed", "Duty social worker")]
    assert "Send a new link" not in staff.get(f"/cases/{sent.case_id}").get_data(as_text=True), "receipt is in"
