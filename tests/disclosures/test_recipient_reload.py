"""The recipient may reload the package in the browser that entered the code, for a short while
(``GRANT_LIFETIME``), and never from another browser: the link still opens only once. Every view is
an audit event; after the time is up, the same browser is refused too."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from service.disclosures.models import SecureDisclosure
from service.disclosures.opening import uk_clock
from service.disclosures.service import GRANT_LIFETIME
from service.records.models import AuditEvent
from tests.disclosures.conftest import ITEMS, Recipient, SentLink
from tests.disclosures.test_link_refusals import refusals, shows_nothing
from tests.record_faces import page_text

SHOWN = ITEMS[0]["summary"]


def actions(session_factory: sessionmaker[Session], case_id: str, action: str) -> list[dict[str, Any]]:
    with session_factory() as s:
        return [json.loads(summary) for summary in s.scalars(
            select(AuditEvent.summary).where(AuditEvent.case_id == case_id, AuditEvent.action == action)
            .order_by(AuditEvent.seq))]


def opened_at(session_factory: sessionmaker[Session], disclosure_id: str) -> Any:
    with session_factory() as s:
        row = s.get(SecureDisclosure, disclosure_id)
        assert row is not None and row.opened_at is not None
        return row.opened_at


def test_the_same_browser_reloads_the_package_within_its_time_and_another_browser_is_refused(
        send_link: Callable[..., SentLink], recipient: Callable[[], Recipient],
        session_factory: sessionmaker[Session]) -> None:
    sent = send_link()
    browser = recipient()
    opened = browser.enter(sent.token, sent.code)
    assert opened.status_code == 200 and SHOWN in opened.get_data(as_text=True)
    assert opened.request.path == f"/shared/package/{sent.disclosure_id}", "the package page is a GET to reload"
    until = uk_clock(opened_at(session_factory, sent.disclosure_id) + GRANT_LIFETIME)
    assert re.fullmatch(r"\d\d:\d\d (GMT|BST)", until)
    assert f"You can reload this page until {until}; after that the link is closed." in page_text(
        opened.get_data(as_text=True))

    reloaded = browser.reload(sent.disclosure_id)
    assert reloaded.status_code == 200 and SHOWN in reloaded.get_data(as_text=True)
    assert reloaded.headers["Cache-Control"] == "no-store"
    # The emailed link followed again in the same browser leads back to the package, not to a refusal.
    back = browser.open(sent.token)
    assert back.status_code == 303 and back.headers["Location"].endswith(f"/shared/package/{sent.disclosure_id}")

    # Another browser, with the link and even the code, sees nothing.
    other = recipient()
    assert other.reload(sent.disclosure_id).status_code == 403 and shows_nothing(other.reload(sent.disclosure_id))
    page = other.open(sent.token)
    assert page.status_code == 410 and "already been used" in page.get_data(as_text=True) and shows_nothing(page)
    tried = other.enter(sent.token, sent.code)
    assert tried.status_code == 410 and shows_nothing(tried)
    # Entering the code again, even here, still opens nothing: the refusal offers the way back instead.
    again = browser.enter(sent.token, sent.code)
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True) and shows_nothing(again)
    assert f"see the information again (until {until})" in page_text(again.get_data(as_text=True))

    views = actions(session_factory, sent.case_id, "secure_link_viewed")
    assert [v["page"] for v in views] == ["package", "package"], "the first look and the reload, each audited"
    assert [r["reason"] for r in refusals(session_factory, sent.case_id)] == [
        "code not entered in this browser", "code not entered in this browser", "opened", "opened", "opened",
        "opened"]
    assert len(actions(session_factory, sent.case_id, "secure_link_opened")) == 1


def test_after_its_time_the_same_browser_is_refused_too(
        send_link: Callable[..., SentLink], recipient: Callable[[], Recipient],
        session_factory: sessionmaker[Session]) -> None:
    sent = send_link()
    browser = recipient()
    assert browser.enter(sent.token, sent.code).status_code == 200
    earlier = opened_at(session_factory, sent.disclosure_id) - GRANT_LIFETIME - timedelta(minutes=1)
    with session_factory.begin() as s:  # the code was entered GRANT_LIFETIME and a minute ago
        s.execute(update(SecureDisclosure).where(SecureDisclosure.id == sent.disclosure_id).values(opened_at=earlier))
    closed_at = uk_clock(opened_at(session_factory, sent.disclosure_id) + GRANT_LIFETIME)

    page = browser.reload(sent.disclosure_id)
    assert page.status_code == 410 and shows_nothing(page)
    assert f"This link closed at {closed_at}" in page_text(page.get_data(as_text=True))
    assert browser.download(sent.disclosure_id).status_code == 410
    late = browser.confirm(sent.disclosure_id, "Duty social worker")
    assert late.status_code == 410 and shows_nothing(late)
    via_link = browser.client.get(f"/shared/{sent.token}", follow_redirects=True)
    assert via_link.status_code == 410 and shows_nothing(via_link)
    assert "see the information again" not in browser.enter(sent.token, sent.code).get_data(as_text=True)
    with session_factory() as s:
        row = s.get(SecureDisclosure, sent.disclosure_id)
        assert row is not None and row.downloaded_at is None and row.receipt_at is None
    assert [r["reason"] for r in refusals(session_factory, sent.case_id)] == [
        "view: closed", "download: closed", "receipt: closed", "view: closed", "opened"]


def test_a_reload_after_the_download_and_the_receipt_shows_what_was_done(
        send_link: Callable[..., SentLink], recipient: Callable[[], Recipient],
        session_factory: sessionmaker[Session]) -> None:
    sent = send_link()
    browser = recipient()
    first = page_text(browser.enter(sent.token, sent.code).get_data(as_text=True))
    assert "Download as PDF (once)" in first and "Confirm receipt" in first
    # The receipt's address by GET before any receipt: back to the package, with its form.
    early = browser.client.get(f"/shared/package/{sent.disclosure_id}/receipt")
    assert early.status_code == 303 and early.headers["Location"].endswith(f"/shared/package/{sent.disclosure_id}")

    assert browser.download(sent.disclosure_id).status_code == 200
    after_download = page_text(browser.reload(sent.disclosure_id).get_data(as_text=True))
    assert "The PDF was downloaded at" in after_download and "Download as PDF (once)" not in after_download
    assert browser.download(sent.disclosure_id).status_code == 410, "still only one download"

    thanks = browser.confirm(sent.disclosure_id, "Ruth Okafor")
    assert thanks.status_code == 200 and "Receipt confirmed by Ruth Okafor" in thanks.get_data(as_text=True)
    # The thanks page reloaded (as a GET), and the package reloaded: the receipt stands, once.
    again = browser.client.get(f"/shared/package/{sent.disclosure_id}/receipt")
    assert again.status_code == 200 and "Receipt confirmed by Ruth Okafor" in again.get_data(as_text=True)
    package = page_text(browser.reload(sent.disclosure_id).get_data(as_text=True))
    assert "Receipt confirmed by Ruth Okafor" in package and "Confirm receipt" not in package
    assert browser.confirm(sent.disclosure_id, "Someone else").status_code == 200
    with session_factory() as s:
        row = s.get(SecureDisclosure, sent.disclosure_id)
        assert row is not None and row.receipt_by == "Ruth Okafor"
    assert len(actions(session_factory, sent.case_id, "secure_link_receipt_confirmed")) == 1
    # Another browser cannot read the thanks page either.
    other = recipient().client.get(f"/shared/package/{sent.disclosure_id}/receipt")
    assert other.status_code == 403 and "Ruth Okafor" not in other.get_data(as_text=True)
    assert [v["page"] for v in actions(session_factory, sent.case_id, "secure_link_viewed")] == [
        "package", "package", "receipt", "package"]


def test_two_packages_opened_in_one_browser_both_reload(
        send_link: Callable[..., SentLink], recipient: Callable[[], Recipient]) -> None:
    first, second = send_link(summary="First referral"), send_link(summary="Second referral")
    browser = recipient()
    assert browser.enter(first.token, first.code).status_code == 200
    assert browser.enter(second.token, second.code).status_code == 200
    assert browser.reload(first.disclosure_id).status_code == 200
    assert browser.reload(second.disclosure_id).status_code == 200
