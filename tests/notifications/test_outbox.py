"""Notifications are written with the step that causes them and delivered after it, never lost."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.config import Config
from service.flows.cases import fire_due_timers, start_case
from service.notifications.delivery import MAX_ATTEMPTS, FolderSender, SmtpSender, deliver_due
from service.notifications.models import OutboxMessage, OutboxStatus
from service.processes.service import register_version
from tests.conftest import PRACTITIONER, escalation_files
from tests.mailserver import MailServer, free_port


def _outbox(sessions: sessionmaker[Session]) -> list[OutboxMessage]:
    with sessions() as s:
        rows = list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        s.expunge_all()
        return rows


@pytest.fixture
def escalating_case(session_factory: sessionmaker[Session], now: datetime) -> str:
    with session_factory.begin() as s:
        register_version(session=s, key="escalation", name="Escalation", files=escalation_files(), author="pat",
                         change_note="test", now=now)
        case = start_case(session=s, process_key="escalation", actor=PRACTITIONER, direction="outbound_concern",
                          urgency="same_day", summary="Named child, sensitive summary", now=now,
                          data={"due_in": "PT1H"})
        return case.id


def test_each_step_queues_who_must_be_told_in_the_same_transaction(
    session_factory: sessionmaker[Session], escalating_case: str, now: datetime
) -> None:
    [waiting] = _outbox(session_factory)
    assert (waiting.reason, waiting.recipient_role, waiting.case_id) == ("task_waiting", "manager", escalating_case)

    with session_factory.begin() as s:
        fire_due_timers(session=s, now=now + timedelta(hours=1, seconds=1))
    escalated = _outbox(session_factory)[1]
    assert (escalated.reason, escalated.recipient_role) == ("task_waiting", "dsl"), "the DSL is told"

    with session_factory.begin() as s:
        fire_due_timers(session=s, now=now + timedelta(hours=2, seconds=2))
    further = _outbox(session_factory)[2]
    assert (further.reason, further.recipient_role) == ("escalation", "head_of_service")
    assert further.subject == "Safeguarding: Escalated to the head of service"
    assert len(_outbox(session_factory)) == 3


def test_a_notification_reaches_a_real_smtp_server_with_a_link_and_no_case_details(
    session_factory: sessionmaker[Session], escalating_case: str, now: datetime, mail_server: MailServer
) -> None:
    config = Config(smtp_url=mail_server.url, base_url="https://safeguarding.example", notify_manager="team@example")
    report = deliver_due(sessions=session_factory, config=config, sender=SmtpSender(mail_server.url), now=now)
    [message] = mail_server.inbox.messages
    body = message.get_payload(decode=True).decode()
    assert message["To"] == "team@example"
    assert "https://safeguarding.example/tasks/" in body
    assert "sensitive" not in body and "Named child" not in body and "sensitive" not in message["Subject"]
    [row] = _outbox(session_factory)
    assert report.sent == [row.id] and row.status == OutboxStatus.SENT and row.sent_at == now


def test_with_the_mail_server_down_a_message_waits_and_is_delivered_when_it_returns(
    session_factory: sessionmaker[Session], escalating_case: str, now: datetime, mail_server: MailServer
) -> None:
    port = free_port()
    config = Config(smtp_url=f"smtp://127.0.0.1:{port}")
    sender = SmtpSender(config.smtp_url or "", timeout=2)
    report = deliver_due(sessions=session_factory, config=config, sender=sender, now=now)
    [row] = _outbox(session_factory)
    assert report.retrying == [row.id] and row.status == OutboxStatus.PENDING
    assert row.attempts == 1 and row.last_error and row.next_attempt_at == now + timedelta(seconds=10)

    again = deliver_due(sessions=session_factory, config=config, sender=sender, now=now + timedelta(seconds=5))
    assert again.sent == again.retrying == [], "not before its retry time"

    returned = MailServer(port=port, inbox=mail_server.inbox)
    returned.start()
    try:
        later = deliver_due(sessions=session_factory, config=config, sender=sender, now=now + timedelta(seconds=11))
    finally:
        returned.stop()
    assert later.sent == [row.id] and len(mail_server.inbox.messages) == 1
    assert _outbox(session_factory)[0].status == OutboxStatus.SENT


def test_after_the_last_attempt_a_message_is_kept_as_failed_for_operators(
    session_factory: sessionmaker[Session], escalating_case: str, now: datetime
) -> None:
    config = Config(smtp_url=f"smtp://127.0.0.1:{free_port()}")
    sender = SmtpSender(config.smtp_url or "", timeout=1)
    moment = now
    for _ in range(MAX_ATTEMPTS):
        deliver_due(sessions=session_factory, config=config, sender=sender, now=moment)
        moment += timedelta(hours=2)
    [row] = _outbox(session_factory)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert deliver_due(sessions=session_factory, config=config, sender=sender, now=moment).sent == []


def test_the_embedded_default_writes_mail_to_a_folder(
    session_factory: sessionmaker[Session], escalating_case: str, now: datetime, tmp_path: Path
) -> None:
    config = Config(mail_dir=str(tmp_path / "mail"))
    deliver_due(sessions=session_factory, config=config, sender=FolderSender(tmp_path / "mail"), now=now)
    [written] = list((tmp_path / "mail").glob("*.eml"))
    assert b"managers@localhost" in written.read_bytes()
