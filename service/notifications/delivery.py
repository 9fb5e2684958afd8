"""Deliver the outbox: each message claimed by one deliverer, sent, and marked — or retried later.

A message is marked sent only after the mail server accepted it, in its own transaction, so a
crash between the two sends it again rather than never (at least once). A message that keeps
failing is retried with a growing delay and, after the last attempt, kept as ``failed`` for an
operator to see; nothing is dropped.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.config import Config
from service.db import checkpoint_sqlite_wal, is_postgres
from service.private_files import private_dir, write_private

from .models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(seconds=10)
LONGEST_WAIT = timedelta(hours=1)
# What a sent message's body is replaced with (see _deliver_one).
BODY_REMOVED = "[sent; body removed]"


class Sender(Protocol):
    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class SmtpSender:
    """Sends through an SMTP server named by a URL: ``smtp://[user:password@]host[:port][?starttls=1]``."""

    url: str
    timeout: float = 10.0

    def send(self, message: EmailMessage) -> None:
        parts = urlsplit(self.url)
        with smtplib.SMTP(parts.hostname or "127.0.0.1", parts.port or 25, timeout=self.timeout) as smtp:
            if "starttls=1" in parts.query:
                smtp.starttls()
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
            smtp.send_message(message)


@dataclass(frozen=True)
class FolderSender:
    """The embedded default: each message becomes an .eml file in a folder, both readable by the
    service's user alone (a message may carry a secure link)."""

    folder: Path

    def send(self, message: EmailMessage) -> None:
        private_dir(self.folder)
        name = str(message["X-Outbox-Id"] or "message")
        write_private(self.folder / f"{name}.eml", bytes(message))


def sender_for(config: Config) -> Sender:
    return SmtpSender(config.smtp_url) if config.smtp_url else FolderSender(Path(config.mail_dir))


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    # Sent messages whose body was removed from the outbox.
    bodies_removed: list[int] = field(default_factory=list)


def compose(message: OutboxMessage, config: Config) -> EmailMessage | None:
    """The email for an outbox row: its own body to its own address when it has them, otherwise a link
    into the service and no case details. None if nobody to send to."""
    if message.recipient_address:
        to = message.recipient_address
    elif message.recipient_user:
        to = f"{message.recipient_user}@{config.user_mail_domain}"
    else:
        to = config.notify_address(message.recipient_role or "") or ""
    if not to:
        return None
    email = EmailMessage()
    email["From"] = config.mail_from
    email["To"] = to
    email["Subject"] = message.subject
    email["X-Outbox-Id"] = str(message.id)
    if message.body is not None:
        email.set_content(message.body)
        return email
    email.set_content(
        "Something in the safeguarding information-sharing service needs you.\n\n"
        "Open it here (you will be asked to sign in):\n"
        f"{config.base_url.rstrip('/')}{message.link_path}\n\n"
        "This email holds no case details. Do not forward it.\n"
    )
    return email


def deliver_due(
    *, sessions: sessionmaker[Session], config: Config, sender: Sender, now: datetime, limit: int = 50
) -> DeliveryReport:
    """Send up to ``limit`` messages whose time has come, one transaction each."""
    report = DeliveryReport()
    for _ in range(limit):
        with sessions.begin() as session:
            message = _claim_next(session, now)
            if message is None:
                break
            _deliver_one(message, config, sender, now, report)
    if report.bodies_removed:
        with sessions() as session:
            engine = session.get_bind()
        if isinstance(engine, Engine):
            checkpoint_sqlite_wal(engine)
    return report


def _claim_next(session: Session, now: datetime) -> OutboxMessage | None:
    query = (select(OutboxMessage)
             .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(1))
    if is_postgres(session):
        # Several deliverers may run at once: each takes a message no other holds.
        query = query.with_for_update(skip_locked=True)
    return session.scalars(query).first()


def _deliver_one(message: OutboxMessage, config: Config, sender: Sender, now: datetime,
                 report: DeliveryReport) -> None:
    message.attempts += 1
    email = compose(message, config)
    try:
        if email is None:
            raise LookupError(f"no address for role {message.recipient_role!r}")
        sender.send(email)
    except (OSError, smtplib.SMTPException, LookupError) as exc:
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxStatus.FAILED
            report.failed.append(message.id)
            log.error("notification %s failed for good after %s attempts: %s", message.id, message.attempts,
                      message.last_error, extra={"case_id": message.case_id})
        else:
            message.next_attempt_at = now + min(FIRST_RETRY * 2 ** (message.attempts - 1), LONGEST_WAIT)
            report.retrying.append(message.id)
            log.warning("notification %s not delivered (attempt %s), retrying at %s: %s", message.id,
                        message.attempts, message.next_attempt_at.isoformat(), message.last_error,
                        extra={"case_id": message.case_id})
        return
    message.status = OutboxStatus.SENT
    message.sent_at = now
    message.last_error = None
    if message.body is not None:
        # A body is the message itself (a letter telling a family what was shared about them, say):
        # once the mail server has it, the service keeps no copy. Scrubbed in the transaction that marks
        # it sent, so a crash before the commit sends the whole message again rather than an empty one.
        # (A message that failed for good keeps its body, so an operator can still send it.)
        message.body = BODY_REMOVED
        report.bodies_removed.append(message.id)
    report.sent.append(message.id)
    log.info("notification %s sent", message.id, extra={"case_id": message.case_id})
