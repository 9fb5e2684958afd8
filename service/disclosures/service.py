"""Send a package through a secure link, show its code to the sender, withdraw it, send it again.

The sender's side: ``send_secure_link`` seals the package, completes the "send securely" task
and queues an email to the recipient carrying only the link. The one-time code never travels
with it: the sender reads it to the recipient by phone (``reveal_code``). The recipient's side is
``service.disclosures.opening``. Every attempt, successful or not, is an audit event. A link stays
usable for its lifetime (``SECURE_LINK_HOURS``) and never expires before the case's deadline for the
receipt, e.g. 5 school days for a child-protection file sent to a new school.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.access import may_manage_link, require_case_worker, require_readable
from service.actors import Actor
from service.audit.trail import record_event
from service.cases import service as cases
from service.cases.models import Case, CaseStatus
from service.errors import DomainError, Forbidden, NotFound

from .keys import Keyring, open_sealed
from .models import LinkState, SecureDisclosure

CODE_DIGITS = 8
SECURE_LINK = "secure_link"
RECEIPT_MESSAGE = "receipt_confirmed"
# The timer a case waits on, beside the receipt message, after "Send securely": its receipt deadline.
RECEIPT_DEADLINE_TIMER = "receipt_overdue"
# How long after entering the code the same browser may open the package again (a reload, the PDF, the
# receipt); another browser never can. Kept short: after it the link is closed for good.
GRANT_LIFETIME = timedelta(minutes=30)


class LinkRefused(DomainError):
    """The link cannot be used: unknown, expired, already used, revoked or locked."""

    status = 410

    def __init__(self, message: str, *, state: str) -> None:
        super().__init__(message)
        self.state = state
        if state == "unknown":
            self.status = 404


class NotGranted(LinkRefused):
    """The package was asked for by a browser that has not entered its code."""

    status = 403


class TooSoon(DomainError):
    status = 429


@dataclass(frozen=True)
class SentLink:
    disclosure: SecureDisclosure
    code: str
    case: Case


REFUSALS = {
    LinkState.EXPIRED: "This link has expired. Ask the sender to send the information again.",
    LinkState.OPENED: "This link has already been used: it opens only once. Ask the sender if you need it again.",
    LinkState.RECEIPT_CONFIRMED: "This link has already been used and its receipt confirmed: it opens only once. "
                                 "Ask the sender if you need the information again.",
    LinkState.REVOKED: "The sender has withdrawn this link. Contact them if you were expecting information.",
    LinkState.LOCKED: "This link is locked after too many wrong codes. Contact the sender for a new link.",
}


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def recipient_actor(email: str) -> Actor:
    return Actor(username=f"recipient {email}"[:100], roles=frozenset({"recipient"}))


def receipt_deadline(case: Case) -> datetime | None:
    """When the case stops waiting for the recipient's receipt (its "no receipt in time" timer falls
    due); None if it is not waiting for a receipt now."""
    if case.status != CaseStatus.ACTIVE:
        return None
    return cases.load_instance(case).timer_due_at(RECEIPT_DEADLINE_TIMER)


def link_expiry(case: Case, now: datetime, lifetime: timedelta) -> datetime:
    """A link lives for its lifetime, and at least until the receipt it asks for is due."""
    deadline = receipt_deadline(case)
    return now + lifetime if deadline is None else max(now + lifetime, deadline)


def open_content(disclosure: SecureDisclosure, keyring: Keyring) -> dict[str, Any]:
    key = unwrap_package_key(disclosure, keyring)
    sealed = open_sealed(key, disclosure.sealed_content, aad=f"content|{disclosure.id}")
    content: dict[str, Any] = json.loads(sealed)
    return content


def unwrap_package_key(disclosure: SecureDisclosure, keyring: Keyring) -> bytes:
    return keyring.unwrap(disclosure.key_id, disclosure.wrapped_key, context=disclosure.id)


def case_to_manage(session: Session, actor: Actor, disclosure: SecureDisclosure) -> Case:
    case = cases.get_case(session=session, case_id=disclosure.case_id)
    try:
        require_readable(actor, case)  # process owners and admins: 403; someone else's case: 404
    except NotFound:
        raise NotFound(f"no secure link {disclosure.id}") from None
    if not may_manage_link(actor, disclosure, case):
        raise Forbidden("only the sender or the DSL can manage this link")
    return case


def get_disclosure(*, session: Session, disclosure_id: str) -> SecureDisclosure:
    disclosure = session.get(SecureDisclosure, disclosure_id)
    if disclosure is None:
        raise NotFound(f"no secure link {disclosure_id}")
    return disclosure


def reveal_code(*, session: Session, disclosure_id: str, actor: Actor, keyring: Keyring, now: datetime) -> str:
    """The one-time code, for the sender (or the DSL) to read to the recipient by phone."""
    require_case_worker(actor)
    disclosure = get_disclosure(session=session, disclosure_id=disclosure_id)
    case_to_manage(session, actor, disclosure)
    record_event(session=session, actor=actor, action="secure_link_code_shown", at=now, case_id=disclosure.case_id,
                 summary={"disclosure": disclosure.id})
    key = unwrap_package_key(disclosure, keyring)
    return open_sealed(key, disclosure.sealed_code, aad=f"code|{disclosure.id}").decode()


def revoke(*, session: Session, disclosure_id: str, actor: Actor, now: datetime) -> SecureDisclosure:
    require_case_worker(actor)
    disclosure = get_disclosure(session=session, disclosure_id=disclosure_id)
    case_to_manage(session, actor, disclosure)
    if disclosure.revoked_at is None:
        disclosure.revoked_at, disclosure.revoked_by = now, actor.username
        record_event(session=session, actor=actor, action="secure_link_revoked", at=now, case_id=disclosure.case_id,
                     summary={"disclosure": disclosure.id})
    return disclosure


def disclosures_of(*, session: Session, case_id: str) -> list[SecureDisclosure]:
    return list(session.scalars(select(SecureDisclosure).where(SecureDisclosure.case_id == case_id)
                                .order_by(SecureDisclosure.created_at)))


def rewrap_all(*, session: Session, keyring: Keyring) -> int:
    """After a key rotation: re-wrap every package key not under the current master key."""
    count = 0
    for disclosure in session.scalars(select(SecureDisclosure).where(SecureDisclosure.key_id != keyring.current_id)):
        package_key = unwrap_package_key(disclosure, keyring)
        disclosure.key_id, disclosure.wrapped_key = keyring.wrap(package_key, context=disclosure.id)
        count += 1
    return count


def audit_link(session: Session, disclosure: SecureDisclosure, action: str, now: datetime, **summary: Any) -> None:
    record_event(session=session, actor=recipient_actor(disclosure.recipient_email), action=action, at=now,
                 case_id=disclosure.case_id, summary={"disclosure": disclosure.id, **summary})


def link_summary(disclosure: SecureDisclosure, now: datetime) -> dict[str, Any]:
    """What the sender sees of a secure link: to whom, its state and what the recipient did (no content)."""
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {"id": disclosure.id, "case_id": disclosure.case_id, "task_id": disclosure.task_id,
            "recipient_person": disclosure.recipient_person,
            "recipient_organisation": disclosure.recipient_organisation,
            "recipient_email": disclosure.recipient_email, "sent_by": disclosure.created_by,
            "sent_at": iso(disclosure.created_at), "expires_at": iso(disclosure.expires_at),
            "state": str(disclosure.state(now)), "failed_attempts": disclosure.failed_attempts,
            "opened_at": iso(disclosure.opened_at), "downloaded_at": iso(disclosure.downloaded_at),
            "revoked_at": iso(disclosure.revoked_at), "revoked_by": disclosure.revoked_by,
            "receipt_at": iso(disclosure.receipt_at), "receipt_by": disclosure.receipt_by,
            "replaces": disclosure.replaces}
