"""Scenario 2 end to end through a secure link: the health visitor shares with children's social care
without the mother's consent; the email carries only a link; the recipient needs the code phoned to
them; the package opens once; their receipt completes the waiting step; the record shows it all."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.records.models import AuditEvent
from tests.api.conftest import Api
from tests.api.test_http_scenarios import complete, record_of
from tests.disclosures.conftest import HANA, ITEMS, OpenTask, Recipient, SentLink
from tests.record_faces import pdf_text, squeeze
from tests.signed_in import sign_in_as
from tests.workflows.test_scenarios import A6_PUBLIC_TASK, A9_PUBLIC_INTEREST, SCH1_18, recorded

CASE_WORDS = ["bruise", "Baby Lee", "Kim Lee", "943 476", "non-accidental", "inconsistent", "Body map"]


def audit_actions(session_factory: sessionmaker[Session], case_id: str) -> list[str]:
    with session_factory() as s:
        return list(s.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case_id)
                              .order_by(AuditEvent.seq)))


def test_scenario_2_shared_through_a_secure_link_opened_once_with_a_phoned_code(
        api: Api, open_task: OpenTask, send_link: Callable[..., SentLink], recipient: Callable[[], Recipient],
        session_factory: sessionmaker[Session]) -> None:
    sent = send_link()
    cid = sent.case_id

    # The email: a link and no case content at all.
    assert sent.email["To"] == "mash@example.org"
    text = sent.email.get_payload(decode=True).decode()
    assert f"/shared/{sent.token}" in text and "one-time code" in text
    assert not [w for w in [*CASE_WORDS, sent.code] if w.lower() in (text + str(sent.email["Subject"])).lower()]
    assert len(sent.code) == 8 and sent.code.isdigit()
    # The case now waits for the receipt; the sender sees the link waiting.
    assert api.get(f"/api/cases/{cid}", HANA)["open_tasks"] == []
    [link] = api.get(f"/api/cases/{cid}/secure-links", HANA)["secure_links"]
    assert (link["state"], link["recipient_email"], link["sent_by"]) == ("waiting", "mash@example.org", HANA)

    browser = recipient()
    page = browser.open(sent.token)
    assert page.status_code == 200 and "Enter your one-time code" in page.get_data(as_text=True)
    assert not [w for w in CASE_WORDS if w in page.get_data(as_text=True)], "the code page shows nothing of the case"
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    wrong = browser.enter(sent.token, "00000000" if sent.code != "00000000" else "11111111")
    assert wrong.status_code == 422 and "4 attempts left" in wrong.get_data(as_text=True)
    assert "Body map" not in wrong.get_data(as_text=True)

    opened = browser.enter(sent.token, f"{sent.code[:4]} {sent.code[4:]}")  # read out in two halves
    shown = opened.get_data(as_text=True)
    assert opened.status_code == 200
    for item in ITEMS:
        assert item["summary"].replace("'", "&#39;") in shown
    assert "Professional opinion · current" in shown and "Fact · current" in shown
    assert "Shared with Duty social worker, Northshire children&#39;s social care" in shown  # the watermark
    assert A6_PUBLIC_TASK in shown and SCH1_18 in shown
    assert "Not to be shared with the family" in shown
    # Once: the same link, even with the right code, in this browser or another, shows nothing again.
    again = browser.enter(sent.token, sent.code)
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)
    assert recipient().open(sent.token).status_code == 410

    pdf = browser.download(sent.disclosure_id)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    package_text = pdf_text(pdf.data)
    for item in ITEMS:
        assert squeeze(item["summary"]) in package_text
    assert "Shared with Duty social worker, Northshire children's social care" in package_text
    assert browser.download(sent.disclosure_id).status_code == 410, "the PDF downloads once"

    thanks = browser.confirm(sent.disclosure_id, "Ruth Okafor, MASH duty social worker")
    assert thanks.status_code == 200 and "receipt confirmed" in thanks.get_data(as_text=True).lower()
    assert [t["element_id"] for t in api.get(f"/api/cases/{cid}", HANA)["open_tasks"]] == ["tell_subject"]

    review_on = (datetime.now(UTC).date() + timedelta(days=7)).isoformat()
    complete(api, open_task, cid, "tell_subject", HANA, {
        "subject_informed": False, "review_date": review_on,
        "subject_not_informed_reason": "Telling the mother before the strategy discussion could put the baby "
                                       "at greater risk"})
    complete(api, open_task, cid, "record_decision", HANA, recorded("Shared with children's social care."))

    record = record_of(api, cid, HANA)
    [decision] = record["decisions"]
    assert (decision["article6_basis"], decision["article9_condition"], decision["schedule1_paragraph"]) == (
        A6_PUBLIC_TASK, A9_PUBLIC_INTEREST, SCH1_18)
    [entry] = record["disclosures"]
    assert (entry["recipient_person"], entry["recipient_organisation"], entry["recipient_address"]) == (
        "Duty social worker", "Northshire children's social care", "mash@example.org")
    assert [(i["summary_or_reference"], i["nature"], i["currency"]) for i in entry["items"]] == [
        (i["summary"], i["nature"], i["currency"]) for i in ITEMS]
    assert entry["channel"] == "secure_link" and "one-time code" in entry["security_controls"]
    assert A6_PUBLIC_TASK in entry["basis_snapshot"] and SCH1_18 in entry["basis_snapshot"]
    assert entry["receipt_by"] == "Ruth Okafor, MASH duty social worker" and entry["receipt_at"]
    assert entry["subject_informed"] is False and "strategy discussion" in entry["subject_not_informed_reason"]
    assert entry["onward_sharing_restrictions"].startswith("Not to be shared")
    assert entry["secure_link"]["state"] == "receipt_confirmed" and entry["secure_link"]["downloaded_at"]

    actions = audit_actions(session_factory, cid)
    for expected in ("secure_link_sent", "secure_link_visited", "secure_link_code_wrong", "secure_link_opened",
                     "secure_link_refused", "secure_link_downloaded", "secure_link_receipt_confirmed",
                     "message_received", "decision_recorded"):
        assert expected in actions, expected


def test_the_case_page_shows_the_link_and_the_record_shows_the_disclosure(
        app: Any, api: Api, send_link: Callable[..., SentLink], session_factory: sessionmaker[Session]) -> None:
    sent = send_link()
    staff = app.test_client()
    sign_in_as(staff, HANA, csrf="t")
    page = staff.get(f"/cases/{sent.case_id}").get_data(as_text=True)
    assert "Secure links" in page and "mash@example.org" in page and "waiting" in page
    shown = staff.post(f"/secure-links/{sent.disclosure_id}/code", data={"csrf_token": "t"})
    assert shown.status_code == 200 and f"{sent.code[:4]} {sent.code[4:]}" in shown.get_data(as_text=True)
    assert "secure_link_code_shown" in audit_actions(session_factory, sent.case_id)
    # The audit trail never holds the code or the link token.
    with session_factory() as s:
        summaries = " ".join(s.scalars(select(AuditEvent.summary)))
    assert sent.code not in summaries and sent.token not in summaries
    assert json.dumps(api.get(f"/api/cases/{sent.case_id}/secure-links", HANA)).count(sent.code) == 0


def test_a_receipt_after_the_chase_began_is_kept_and_the_sender_told(
        api: Api, open_task: OpenTask, send_link: Callable[..., SentLink], recipient: Callable[[], Recipient],
        session_factory: sessionmaker[Session]) -> None:
    from service.notifications.models import OutboxMessage
    from tests.api.test_http_scenarios import fire_timers_after

    sent = send_link()
    waiting = api.get(f"/api/cases/{sent.case_id}", HANA)
    fire_timers_after(session_factory, waiting["next_timer_at"])  # no receipt within the SLA: the chase begins
    assert [t["element_id"] for t in api.get(f"/api/cases/{sent.case_id}", HANA)["open_tasks"]] == [
        "follow_up_receipt"]

    browser = recipient()
    assert browser.enter(sent.token, sent.code).status_code == 200
    assert browser.confirm(sent.disclosure_id, "Ruth Okafor").status_code == 200
    with session_factory() as s:
        told = s.scalars(select(OutboxMessage).where(OutboxMessage.case_id == sent.case_id,
                                                     OutboxMessage.recipient_user == HANA)).all()
    assert "now confirmed receipt" in told[-1].subject
    [link] = api.get(f"/api/cases/{sent.case_id}/secure-links", HANA)["secure_links"]
    assert link["receipt_by"] == "Ruth Okafor"

    complete(api, open_task, sent.case_id, "follow_up_receipt", HANA, {
        "followed_up_how": "The recipient confirmed through the secure link", "receipt_confirmed_by_phone": True,
        "receipt_confirmed_by": "Ruth Okafor"})
    complete(api, open_task, sent.case_id, "tell_subject", HANA, {
        "subject_informed": False, "review_date": (datetime.now(UTC).date() + timedelta(days=7)).isoformat(),
        "subject_not_informed_reason": "A strategy discussion is pending"})
    complete(api, open_task, sent.case_id, "record_decision", HANA, recorded("Shared; receipt after a chase."))
    [entry] = record_of(api, sent.case_id, HANA)["disclosures"]
    assert entry["receipt_by"] == "Ruth Okafor" and entry["secure_link"]["receipt_by"] == "Ruth Okafor"
