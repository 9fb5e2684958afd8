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
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.access import can_work_task, require_case_worker, require_readable
from service.actors import Actor
from service.audit.trail import record_event
from service.cases import service as cases
from service.cases.models import Case, CaseStatus
from service.config import DEFAULT_CONFIG, Config
from service.errors import Conflict, DomainError, Forbidden, NotFound
from service.notifications.service import queue_email
from service.processes.service import compiled_process
from service.tasks import service as tasks
from service.uktime import uk_time

from .keys import Keyring, open_sealed, seal
from .models import LinkState, SecureDisclosure
from .package import package_content, sender_words, staff_sender

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


def send_secure_link(
    *, session: Session, task_id: str, actor: Actor, keyring: Keyring, now: datetime, lifetime: timedelta,
    base_url: str, config: Config | None = None,
) -> SentLink:
    """Seal the chosen package, complete the "send securely" task with it and queue the link email.

    ``config`` gives the organisation the email and the letter speak for (its name and phone number):
    the app's settings, or without it the built-in defaults."""
    task = tasks.get_task(session=session, task_id=task_id)
    case = cases.get_case(session=session, case_id=task.case_id, for_update=True)
    if not can_work_task(actor, task, case):
        raise Forbidden(f"this step is for the {task.role} role")
    info = compiled_process(case.process_version).user_tasks.get(task.element_id)
    if info is None or info.policy_step != "transmission":
        raise Conflict(f"'{task.name}' does not send anything: a secure link can only be sent from 'Send securely'")
    facts = cases.load_instance(case).task_data(task.id)
    content = package_content(session=session, case=case, facts=facts, sender=actor, now=now)
    # The receipt deadline is set only once the task is completed, so the answer says how the expiry is chosen.
    answers = {"channel": SECURE_LINK, "sent_confirmed": True, "security_controls": (
        f"Encrypted package (AES-256-GCM, its key wrapped by a master key); single-use link emailed to "
        f"{content['recipient']['email']}, expiring {lifetime.total_seconds() / 3600:g} hours after sending or at "
        "the receipt deadline, whichever is later; one-time code given separately by phone; locks after 5 wrong "
        "codes; watermarked with the recipient's name")}
    completion = tasks.complete_task(session=session, task_id=task_id, actor=actor, data=answers, now=now,
                                     secure_link_sent=True, config=config or DEFAULT_CONFIG)
    return _seal_and_send(session=session, case=completion.case, task_id=task.id, content=content, actor=actor,
                          keyring=keyring, now=now, expires_at=_link_expiry(completion.case, now, lifetime),
                          base_url=base_url, config=config)


def reissue_link(
    *, session: Session, disclosure_id: str, actor: Actor, keyring: Keyring, now: datetime, lifetime: timedelta,
    base_url: str, config: Config | None = None,
) -> SentLink:
    """Send the same package again as a new link with a new code (the recipient lost the page, or the
    link expired or locked); the old link is withdrawn. The sender or the DSL only."""
    require_case_worker(actor)
    old = get_disclosure(session=session, disclosure_id=disclosure_id)
    case = _may_manage(session, actor, old)
    if session.scalar(select(SecureDisclosure.id).where(SecureDisclosure.replaces == old.id)) is not None:
        raise Conflict("this link has already been sent again: use the newest one")
    content = open_content(old, keyring)
    if old.revoked_at is None:
        old.revoked_at, old.revoked_by = now, actor.username
    return _seal_and_send(session=session, case=case, task_id=old.task_id, content=content, actor=actor,
                          keyring=keyring, now=now, expires_at=_link_expiry(case, now, lifetime), base_url=base_url,
                          replaces=old.id, config=config)


def receipt_deadline(case: Case) -> datetime | None:
    """When the case stops waiting for the recipient's receipt (its "no receipt in time" timer falls
    due); None if it is not waiting for a receipt now."""
    if case.status != CaseStatus.ACTIVE:
        return None
    return cases.load_instance(case).timer_due_at(RECEIPT_DEADLINE_TIMER)


def _link_expiry(case: Case, now: datetime, lifetime: timedelta) -> datetime:
    """A link lives for its lifetime, and at least until the receipt it asks for is due."""
    deadline = receipt_deadline(case)
    return now + lifetime if deadline is None else max(now + lifetime, deadline)


def _seal_and_send(
    *, session: Session, case: Case, task_id: str, content: dict[str, Any], actor: Actor, keyring: Keyring,
    now: datetime, expires_at: datetime, base_url: str, replaces: str | None = None, config: Config | None = None,
) -> SentLink:
    """A new link for ``content``: its own key, code and token; the email queued; the event audited."""
    recipient = content["recipient"]
    disclosure_id, code, token = str(uuid.uuid4()), _new_code(), secrets.token_urlsafe(32)
    package_key = AESGCM.generate_key(bit_length=256)
    key_id, wrapped = keyring.wrap(package_key, context=disclosure_id)
    disclosure = SecureDisclosure(
        id=disclosure_id, case_id=case.id, task_id=task_id, created_at=now, created_by=actor.username,
        recipient_person=recipient["person"][:200], recipient_organisation=recipient["organisation"][:200],
        recipient_email=recipient["email"][:300], key_id=key_id, wrapped_key=wrapped,
        sealed_content=seal(package_key, json.dumps(content).encode(), aad=f"content|{disclosure_id}"),
        sealed_code=seal(package_key, code.encode(), aad=f"code|{disclosure_id}"),
        link_token_sha256=token_digest(token), expires_at=expires_at, failed_attempts=0, replaces=replaces)
    session.add(disclosure)
    queue_email(session=session, case=case, address=disclosure.recipient_email, reason="secure_link",
                subject="Safeguarding information has been shared with you securely",
                body=_link_email(base_url=base_url, token=token, sender=staff_sender(session, actor),
                                 expires_at=expires_at, config=config or DEFAULT_CONFIG), now=now)
    record_event(session=session, actor=actor, action="secure_link_reissued" if replaces else "secure_link_sent",
                 at=now, case_id=case.id, task_id=task_id,
                 summary={"disclosure": disclosure_id, "recipient": disclosure.recipient_email,
                          "expires_at": expires_at.isoformat(), "replaces": replaces})
    session.flush()
    return SentLink(disclosure=disclosure, code=code, case=case)


def _new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def _link_email(*, base_url: str, token: str, sender: Mapping[str, Any], expires_at: datetime, config: Config
                ) -> str:
    """The recipient's email: who sends it and from where, the link, how to check it is genuine; nothing of
    the case. The number to call is the organisation's own setting, never anything the sender typed."""
    organisation = config.organisation_name
    phone = config.organisation_phone.strip()
    check = (f"call {organisation} on {phone} (or on a number you already have for them)" if phone else
             f"call {organisation} on a number you already know for them (from their website or your own "
             "records), never on a number given in an email")
    return (
        f"{sender_words(sender)} at {organisation}, has shared safeguarding information with you "
        "through a secure link.\n\n"
        f"Open it here: {base_url.rstrip('/')}/shared/{token}\n\n"
        "You will need the one-time code the sender gives you by phone; it never comes by email. The link "
        f"opens in one browser only, and expires at {uk_time(expires_at)}. This email holds none of the "
        "information. Do not forward it.\n\n"
        f"Not expecting this, or not sure it is genuine? Before you enter any code, {check}, and ask for "
        f"{sender['name']}.\n")


def open_content(disclosure: SecureDisclosure, keyring: Keyring) -> dict[str, Any]:
    key = unwrap_package_key(disclosure, keyring)
    sealed = open_sealed(key, disclosure.sealed_content, aad=f"content|{disclosure.id}")
    content: dict[str, Any] = json.loads(sealed)
    return content


def unwrap_package_key(disclosure: SecureDisclosure, keyring: Keyring) -> bytes:
    return keyring.unwrap(disclosure.key_id, disclosure.wrapped_key, context=disclosure.id)


def may_manage_link(actor: Actor, disclosure: SecureDisclosure, case: Case) -> bool:
    """The sender, the case's practitioner and the DSL may see a link's code and withdraw it."""
    return actor.username in (disclosure.created_by, case.started_by) or actor.has_role("dsl")


def _may_manage(session: Session, actor: Actor, disclosure: SecureDisclosure) -> Case:
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
    _may_manage(session, actor, disclosure)
    record_event(session=session, actor=actor, action="secure_link_code_shown", at=now, case_id=disclosure.case_id,
                 summary={"disclosure": disclosure.id})
    key = unwrap_package_key(disclosure, keyring)
    return open_sealed(key, disclosure.sealed_code, aad=f"code|{disclosure.id}").decode()


def revoke(*, session: Session, disclosure_id: str, actor: Actor, now: datetime) -> SecureDisclosure:
    require_case_worker(actor)
    disclosure = get_disclosure(session=session, disclosure_id=disclosure_id)
    _may_manage(session, actor, disclosure)
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
