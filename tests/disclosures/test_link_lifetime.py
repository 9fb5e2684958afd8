"""A secure link lives at least as long as the receipt it asks for: a child-protection file sent to a new
school waits 5 school days for its receipt, far beyond the link's 72 hours; an ordinary share keeps them.

The case is brought to "Send securely" through the HTTP API; the link is then sent through the domain
service at a fixed instant, so the deadlines are known: Thursday 11 February 2027 10:00 GMT, the week
before a typical February half term.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.accounts.models import User
from service.accounts.service import actor_of
from service.cases.service import get_case, load_instance
from service.config import Config
from service.disclosures import service as disclosures
from service.disclosures.keys import Keyring
from service.disclosures.models import SecureDisclosure
from service.flows import secure_links
from service.flows.cases import fire_due_timers
from service.notifications.models import OutboxMessage
from service.records.models import AuditEvent
from service.uktime import uk_time
from service.workcalendar import DEFAULT_CALENDAR, DEFAULT_SCHOOL_CALENDAR, WorkingCalendar
from tests.api.conftest import Api
from tests.api.test_http_scenarios import complete, start
from tests.disclosures.conftest import BASE_URL, HANA, OpenTask, bring_to_send_securely
from tests.workflows.test_scenarios import chosen_items, information, no_danger_concern, purpose

NOW = datetime(2027, 2, 11, 10, 0, tzinfo=UTC)  # Thursday, in term (GMT: UK time is UTC)
SCHOOL = "dsl@northshire-academy.example.org"
FILE_ITEMS = [{"summary": "Child protection plan (category: neglect) and its core group minutes", "nature": "fact",
               "currency": "current", "accuracy_checked": True, "period_covered": "since March 2026"},
              {"summary": "Our DSL's chronology of concerns", "nature": "opinion", "currency": "current",
               "accuracy_checked": True, "period_covered": "September 2025 to now"}]


def bring_school_transfer_to_send_securely(api: Api, open_task: OpenTask) -> str:
    """A child moving school: the child-protection file goes to the new school's DSL (purpose school_transfer)."""
    case = start(api, HANA, direction="outbound_concern", urgency="routine",
                 summary="Child-protection file: school move")
    cid = str(case["id"])
    complete(api, open_task, cid, "describe_concern", HANA, no_danger_concern(
        "Sam is on a child protection plan and moves to Northshire Academy next week.",
        {"role": "child", "name": "Sam Carter", "identifiers": "DOB 2014-03-02, Year 7"}))
    complete(api, open_task, cid, "check_purpose", HANA, purpose(
        "school_transfer", True, "Keeping Children Safe in Education: the file follows the child to the new school"))
    complete(api, open_task, cid, "check_information", HANA, information(special_category=True, confidential=True))
    complete(api, open_task, cid, "consider_consent", HANA, {
        "consent_appropriate": False, "seeking_consent_increases_risk": False, "subject_can_consent": False,
        "consent_result": "not_sought",
        "consent_not_sought_reason": "The transfer is required by the statutory guidance, not a choice",
        "unsure": False})
    complete(api, open_task, cid, "without_consent", HANA, {
        "risk_of_significant_harm": True, "overriding_public_interest": False, "unsure": False,
        "consent_override_reason": "A child on a protection plan: the new school must know from the first day"})
    complete(api, open_task, cid, "choose_what_to_share", HANA, chosen_items(
        "share_in_full", recipient_person="Designated safeguarding lead", recipient_role="DSL",
        recipient_organisation="Northshire Academy", recipient_email=SCHOOL, items=FILE_ITEMS))
    return cid


def send_at(session_factory: sessionmaker[Session], config: Config, open_task: OpenTask, case_id: str,
            now: datetime) -> str:
    """Send the link from the case's "Send securely" task at ``now``; the new link's id."""
    task = open_task(case_id, "send_securely", HANA)
    with session_factory.begin() as s:
        sender = actor_of(s.scalars(select(User).where(User.username == HANA)).one())
        sent = secure_links.send_secure_link(
            session=s, task_id=task["id"], actor=sender, keyring=Keyring.load(Path(config.disclosure_keys_file)),
            now=now, lifetime=config.secure_link_lifetime, base_url=BASE_URL)
        return sent.disclosure.id


def reissue_at(session_factory: sessionmaker[Session], config: Config, disclosure_id: str, now: datetime) -> str:
    with session_factory.begin() as s:
        sender = actor_of(s.scalars(select(User).where(User.username == HANA)).one())
        sent = secure_links.reissue_link(
            session=s, disclosure_id=disclosure_id, actor=sender,
            keyring=Keyring.load(Path(config.disclosure_keys_file)), now=now, lifetime=config.secure_link_lifetime,
            base_url=BASE_URL)
        return sent.disclosure.id


def link_facts(session_factory: sessionmaker[Session], disclosure_id: str
               ) -> tuple[datetime, datetime | None, str, str]:
    """A link's expiry, its case's receipt deadline, the email sent with it and the audited expiry."""
    with session_factory() as s:
        link = s.get(SecureDisclosure, disclosure_id)
        assert link is not None
        deadline = disclosures.receipt_deadline(get_case(session=s, case_id=link.case_id))
        [email] = s.scalars(select(OutboxMessage.body).where(OutboxMessage.reason == "secure_link",
                                                             OutboxMessage.recipient_address == link.recipient_email,
                                                             OutboxMessage.created_at == link.created_at)).all()
        [event] = [json.loads(summary) for summary in s.scalars(
            select(AuditEvent.summary).where(AuditEvent.action.in_(("secure_link_sent", "secure_link_reissued"))))
            if json.loads(summary)["disclosure"] == disclosure_id]
        return link.expires_at, deadline, email or "", event["expires_at"]


def test_a_school_transfer_link_lasts_until_the_five_school_day_receipt_deadline(
        api: Api, open_task: OpenTask, session_factory: sessionmaker[Session], link_config: Config) -> None:
    cid = bring_school_transfer_to_send_securely(api, open_task)
    first = send_at(session_factory, link_config, open_task, cid, NOW)

    expires_at, deadline, email, audited = link_facts(session_factory, first)
    # The case waits 5 school days for the receipt: counted on the school calendar, so never sooner than
    # 5 working days (with the typical closures, past the half term of 15-19 February to Thursday 25th).
    assert deadline == DEFAULT_SCHOOL_CALENDAR.add_working_days(NOW, 5)
    assert deadline >= WorkingCalendar().add_working_days(NOW, 5)
    assert expires_at == deadline > NOW + link_config.secure_link_lifetime, "the link outlives its receipt deadline"
    # The recipient's email and the audit trail carry the real expiry.
    assert f"expires at {uk_time(expires_at)}" in email
    assert datetime.fromisoformat(audited) == expires_at

    # The task's answer says how the expiry is chosen (the deadline is set only once the task is done).
    with session_factory() as s:
        controls = load_instance(get_case(session=s, case_id=cid)).current_data()["security_controls"]
    assert "72 hours after sending or at the receipt deadline, whichever is later" in controls

    # Sent again the next day while the case still waits for the receipt: still good until the deadline.
    again = reissue_at(session_factory, link_config, first, NOW + timedelta(days=1))
    assert link_facts(session_factory, again)[0] == deadline

    # Once the deadline has passed and the practitioner is chasing, a new link has the plain lifetime.
    later = deadline + timedelta(seconds=30)
    with session_factory.begin() as s:
        fire_due_timers(session=s, now=later)
    assert [t["element_id"] for t in api.get(f"/api/cases/{cid}", HANA)["open_tasks"]] == ["follow_up_receipt"]
    third = reissue_at(session_factory, link_config, again, later)
    expires_at, deadline, _, _ = link_facts(session_factory, third)
    assert deadline is None and expires_at == later + link_config.secure_link_lifetime


def test_an_ordinary_link_keeps_its_72_hours_when_they_outlast_the_receipt_deadline(
        api: Api, open_task: OpenTask, session_factory: sessionmaker[Session], link_config: Config) -> None:
    cid = bring_to_send_securely(api, open_task, recipient_email="mash@example.org",
                                 summary="Unexplained bruising on a baby")  # purpose s47: 1 working day
    sent = send_at(session_factory, link_config, open_task, cid, NOW)

    expires_at, deadline, email, audited = link_facts(session_factory, sent)
    assert deadline == DEFAULT_CALENDAR.add_working_days(NOW, 1)  # Friday 12 February 10:00 by default
    assert link_config.secure_link_lifetime == timedelta(hours=72)
    assert expires_at == NOW + timedelta(hours=72) > deadline
    assert f"expires at {uk_time(expires_at)}" in email and "14 Feb 2027 10:00 GMT" in email
    assert datetime.fromisoformat(audited) == expires_at
