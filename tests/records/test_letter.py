"""Telling the person: the plain-language letter, emailed through the outbox or printed for hand delivery.

Each case is driven through the real process (scenario 1: a young carer referred to early help with
the parent's consent) to the "Tell the person it was shared?" step, where the letter is built from
what the case holds at that moment: before the record step has written the disclosure log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.cases import service as cases
from service.config import Config
from service.errors import InvalidInput, NotFound
from service.notifications.delivery import BODY_REMOVED, SmtpSender, deliver_due
from service.notifications.models import OutboxMessage, OutboxStatus
from service.records.letter import build_letter, case_letter, has_letter
from service.tasks.models import TaskStatus
from tests.conftest import PRACTITIONER
from tests.mailserver import MailServer
from tests.record_faces import pdf_text
from tests.workflows.conftest import CaseDriver
from tests.workflows.test_scenarios import (
    A6_PUBLIC_TASK,
    CHILD,
    CL_CONSENT,
    CONSENT_GIVEN,
    PARENT,
    SENT,
    chosen_items,
    information,
    no_danger_concern,
    purpose,
)

ORGANISATION = "Northshire Safeguarding Partnership"
CONFIG = Config(organisation_name=ORGANISATION, data_protection_contact="dpo@northshire.example")
RECIPIENT_ORGANISATION = "Northshire Council early help team"
ITEMS = ("Sam cares for his mother most evenings", "Attendance fell to 82% this term")
PURPOSE_REASONS = "An early help assessment of Sam's needs as a young carer"
TOLD_BY_EMAIL = {"subject_informed": True, "subject_informed_who": "Jo Carter",
    "subject_informed_when": "2026-11-25", "subject_informed_how": "email",
                 "subject_email": "jo.carter@example.org"}


def shared_with_early_help(start_case: Any, *, up_to: str = "tell_subject") -> CaseDriver:
    """Scenario 1 up to the step that tells the person (or, with ``up_to="send"``, before anything is sent)."""
    case = start_case(PRACTITIONER, direction="outbound_concern", urgency="routine",
                      summary="Young carer: referral to early help")
    case.complete("describe_concern", PRACTITIONER, no_danger_concern(
        "Sam looks after his mother most evenings and is often late and tired.", CHILD, PARENT))
    case.complete("check_purpose", PRACTITIONER, purpose("early_help", True, PURPOSE_REASONS))
    case.complete("check_information", PRACTITIONER, information(confidential=True))
    case.complete("consider_consent", PRACTITIONER, CONSENT_GIVEN | {"consent_scope": "Caring role and attendance",
                                                                    "consent_method": "written"})
    case.complete("choose_what_to_share", PRACTITIONER, chosen_items())
    if up_to == "send":
        return case
    case.complete("send_securely", PRACTITIONER, SENT)
    case.receive("receipt_confirmed", {"received_at": "2026-11-25T11:30:00+00:00", "received_by": "Alex Reed"})
    assert case.open_elements() == {"tell_subject"}
    return case


def letter_outbox(sessions: sessionmaker[Session], case_id: str) -> list[OutboxMessage]:
    with sessions() as s:
        rows = list(s.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case_id,
                                                          OutboxMessage.reason == "letter_to_subject")))
        s.expunge_all()
        return rows


def test_the_letter_says_what_was_shared_with_whom_why_and_on_which_basis(
    start_case: Any, session_factory: sessionmaker[Session], now: datetime
) -> None:
    case = shared_with_early_help(start_case)
    telling = case.task("tell_subject")
    with session_factory() as s:
        driven = cases.get_case(session=s, case_id=case.case_id)
        facts = cases.load_instance(driven).task_data(telling.id)
        letter = build_letter(session=s, case=driven, facts=facts, config=CONFIG, now=now)
    assert letter is not None
    text = letter.as_text()
    assert case.disclosures() == [], "the disclosure log is written later, at the record step"
    assert text.startswith("Northshire Safeguarding Partnership\n25 November 2026\n")
    assert "information about Sam Carter" in text and "Dear parent or carer," in text
    unwrapped = " ".join(text.split())
    assert f"On 25 November 2026 we shared this with Alex Reed (Early help coordinator, {RECIPIENT_ORGANISATION}):" \
        in unwrapped
    for item in ITEMS:
        assert f"- {item}" in unwrapped
    assert "We shared it for this purpose: Early help." in unwrapped and f"Our reasons: {PURPOSE_REASONS}" in unwrapped
    assert "such as keeping children safe" in unwrapped, "the Article 6 basis in plain words"
    assert f"UK GDPR Article 6 (the lawful basis): {A6_PUBLIC_TASK}" in unwrapped, "and its exact legal name"
    assert f"Common-law duty of confidence: {CL_CONSENT}" in unwrapped
    assert "Jo Carter (a person with parental responsibility) agreed to us sharing it." in unwrapped
    assert ("Some of it was given to us in confidence. We shared it because Jo Carter (a person with parental "
            "responsibility) agreed to it.") in unwrapped, "confidential, as answered"
    assert "Article 9" not in unwrapped, "no special category data: no condition to explain"
    assert "right of access" in unwrapped and "correct any information" in unwrapped
    assert "object to" in unwrapped, "public task: the right to object applies (Article 21)"
    assert "withdraw your consent at any time" in unwrapped, "the consent relied on can be withdrawn"
    assert "Information Commissioner's Office (ICO)" in unwrapped and "ico.org.uk, telephone 0303 123 1113" in unwrapped
    assert "contact tess.teacher, who dealt with it" in unwrapped, "no account row in this test: the username"
    assert "data protection officer: dpo@northshire.example" in unwrapped
    assert f"quote our reference, {driven.reference}" in unwrapped

    document = letter.as_pdf()
    assert document.rstrip().endswith(b"%%EOF") and 2_000 < len(document) < 200_000
    drawn = pdf_text(document)
    for phrase in ("Northshire Safeguarding Partnership", "Your rights", "Who to contact", ITEMS[0],
                   "Jo Carter (a person with parental responsibility) agreed to us sharing it.",
                   f"UK GDPR Article 6 (the lawful basis): {A6_PUBLIC_TASK}"):
        assert phrase in drawn, phrase


def test_the_letter_waits_for_something_to_have_been_shared(
    start_case: Any, session_factory: sessionmaker[Session], now: datetime
) -> None:
    case = shared_with_early_help(start_case, up_to="send")
    with session_factory() as s:
        driven = cases.get_case(session=s, case_id=case.case_id)
        assert not has_letter(session=s, case=driven)
        with pytest.raises(NotFound, match="nothing has been shared"):
            case_letter(session=s, case=driven, config=CONFIG, now=now)
    case.complete("send_securely", PRACTITIONER, SENT)
    # Waiting for the receipt, no task is open: the basis comes from what the process holds now.
    assert case.open_elements() == set()
    with session_factory() as s:
        driven = cases.get_case(session=s, case_id=case.case_id)
        assert has_letter(session=s, case=driven)
        letter = case_letter(session=s, case=driven, config=CONFIG, now=now)
    assert ("UK GDPR Article 6 (the lawful basis)", A6_PUBLIC_TASK) in letter.legal_names
    assert [s.recipient for s in letter.sharings] == [f"Alex Reed (Early help coordinator, {RECIPIENT_ORGANISATION})"]


def test_telling_by_email_sends_the_letter_through_the_outbox_and_keeps_no_copy(
    start_case: Any, session_factory: sessionmaker[Session], now: datetime, mail_server: MailServer
) -> None:
    case = shared_with_early_help(start_case)
    case.complete("tell_subject", PRACTITIONER, TOLD_BY_EMAIL)
    assert case.open_elements() == {"record_decision"}

    [queued] = letter_outbox(session_factory, case.case_id)
    assert (queued.recipient_address, queued.status, queued.recipient_user, queued.recipient_role) == (
        "jo.carter@example.org", OutboxStatus.PENDING, None, None)
    assert queued.body and "Dear Jo Carter," in queued.body and RECIPIENT_ORGANISATION in queued.body

    config = Config(smtp_url=mail_server.url, mail_from="safeguarding@northshire.example")
    report = deliver_due(sessions=session_factory, config=config, sender=SmtpSender(mail_server.url), now=now)
    assert queued.id in report.sent
    [email] = [m for m in mail_server.inbox.messages if m["To"] == "jo.carter@example.org"]
    body = " ".join(email.get_payload(decode=True).decode().split())
    assert " ".join(email["Subject"].split()) == f"Information we shared: a letter from {ORGANISATION}"
    assert email["From"] == "safeguarding@northshire.example"
    for phrase in (RECIPIENT_ORGANISATION, *ITEMS, PURPOSE_REASONS, A6_PUBLIC_TASK, "ico.org.uk"):
        assert phrase in body, phrase

    [sent] = letter_outbox(session_factory, case.case_id)
    assert (sent.status, sent.sent_at, sent.body) == (OutboxStatus.SENT, now, BODY_REMOVED)
    assert deliver_due(sessions=session_factory, config=config, sender=SmtpSender(mail_server.url), now=now).sent == []
    assert len(mail_server.inbox.messages) == 1, "sent once"

    case.complete("record_decision", PRACTITIONER, {"decision_summary": "Shared with early help; mother told by email",
                                                    "accuracy_confirmed": True})
    [record] = case.records()
    assert (record.subject_informed, record.subject_informed_how) == (True, "email")


def test_telling_by_email_without_an_address_is_refused_and_changes_nothing(
    start_case: Any, session_factory: sessionmaker[Session]
) -> None:
    case = shared_with_early_help(start_case)
    before = case.case().version
    no_address = {k: v for k, v in TOLD_BY_EMAIL.items() if k != "subject_email"}
    with pytest.raises(InvalidInput) as refused:
        case.complete("tell_subject", PRACTITIONER, no_address)
    assert (refused.value.status, refused.value.field) == (422, "subject_email")
    assert case.task("tell_subject").state == TaskStatus.OPEN and case.case().version == before
    assert letter_outbox(session_factory, case.case_id) == []


def test_telling_by_letter_queues_nothing_and_the_letter_is_printed_instead(
    start_case: Any, session_factory: sessionmaker[Session], now: datetime
) -> None:
    case = shared_with_early_help(start_case)
    case.complete("tell_subject", PRACTITIONER, TOLD_BY_EMAIL | {"subject_informed_how": "letter"})
    assert letter_outbox(session_factory, case.case_id) == []
    with session_factory() as s:
        letter = case_letter(session=s, case=cases.get_case(session=s, case_id=case.case_id), config=CONFIG, now=now)
    assert letter.addressee == "Jo Carter" and "Dear Jo Carter," in pdf_text(letter.as_pdf())


def test_not_telling_the_person_sends_no_letter(start_case: Any, session_factory: sessionmaker[Session]) -> None:
    case = shared_with_early_help(start_case)
    case.complete("tell_subject", PRACTITIONER, {
        "subject_informed": False, "subject_not_informed_reason": "It would put Sam at risk",
        "review_date": "2026-12-02", "subject_informed_how": "email", "subject_email": "jo.carter@example.org"})
    assert letter_outbox(session_factory, case.case_id) == []

