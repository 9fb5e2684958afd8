"""The flows of a secure link that move its case on: sending it completes the "send securely" step, and the
recipient's receipt is handed to the case waiting for it."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.access import can_work_task, require_case_worker
from service.actors import Actor
from service.audit.trail import record_event
from service.cases.models import Case
from service.cases.service import get_case, load_instance
from service.config import DEFAULT_CONFIG, Config
from service.disclosures.keys import Keyring, seal
from service.disclosures.models import SecureDisclosure
from service.disclosures.service import (
    CODE_DIGITS,
    RECEIPT_MESSAGE,
    SECURE_LINK,
    SentLink,
    audit_link,
    case_to_manage,
    get_disclosure,
    link_expiry,
    open_content,
    recipient_actor,
    token_digest,
)
from service.errors import Conflict, Forbidden, InvalidInput
from service.notifications.service import notify_user, queue_email
from service.processes.service import compiled_process
from service.records.package import package_content, sender_words, staff_sender
from service.tasks.service import get_task
from service.uktime import uk_time

from .cases import deliver_message
from .tasks import complete_task


def send_secure_link(
    *, session: Session, task_id: str, actor: Actor, keyring: Keyring, now: datetime, lifetime: timedelta,
    base_url: str, config: Config | None = None,
) -> SentLink:
    """Seal the chosen package, complete the "send securely" task with it and queue the link email.

    ``config`` gives the organisation the email and the letter speak for (its name and phone number):
    the app's settings, or without it the built-in defaults."""
    task = get_task(session=session, task_id=task_id)
    case = get_case(session=session, case_id=task.case_id, for_update=True)
    if not can_work_task(actor, task, case):
        raise Forbidden(f"this step is for the {task.role} role")
    info = compiled_process(case.process_version).user_tasks.get(task.element_id)
    if info is None or info.policy_step != "transmission":
        raise Conflict(f"'{task.name}' does not send anything: a secure link can only be sent from 'Send securely'")
    facts = load_instance(case).task_data(task.id)
    content = package_content(session=session, case=case, facts=facts, sender=actor, now=now)
    # The receipt deadline is set only once the task is completed, so the answer says how the expiry is chosen.
    answers = {"channel": SECURE_LINK, "sent_confirmed": True, "security_controls": (
        f"Encrypted package (AES-256-GCM, its key wrapped by a master key); single-use link emailed to "
        f"{content['recipient']['email']}, expiring {lifetime.total_seconds() / 3600:g} hours after sending or at "
        "the receipt deadline, whichever is later; one-time code given separately by phone; locks after 5 wrong "
        "codes; watermarked with the recipient's name")}
    completion = complete_task(session=session, task_id=task_id, actor=actor, data=answers, now=now,
                                     secure_link_sent=True, config=config or DEFAULT_CONFIG)
    return seal_and_send(session=session, case=completion.case, task_id=task.id, content=content, actor=actor,
                          keyring=keyring, now=now, expires_at=link_expiry(completion.case, now, lifetime),
                          base_url=base_url, config=config)


def reissue_link(
    *, session: Session, disclosure_id: str, actor: Actor, keyring: Keyring, now: datetime, lifetime: timedelta,
    base_url: str, config: Config | None = None,
) -> SentLink:
    """Send the same package again as a new link with a new code (the recipient lost the page, or the
    link expired or locked); the old link is withdrawn. The sender or the DSL only."""
    require_case_worker(actor)
    old = get_disclosure(session=session, disclosure_id=disclosure_id)
    case = case_to_manage(session, actor, old)
    if session.scalar(select(SecureDisclosure.id).where(SecureDisclosure.replaces == old.id)) is not None:
        raise Conflict("this link has already been sent again: use the newest one")
    content = open_content(old, keyring)
    if old.revoked_at is None:
        old.revoked_at, old.revoked_by = now, actor.username
    return seal_and_send(session=session, case=case, task_id=old.task_id, content=content, actor=actor,
                          keyring=keyring, now=now, expires_at=link_expiry(case, now, lifetime), base_url=base_url,
                          replaces=old.id, config=config)


def seal_and_send(
    *, session: Session, case: Case, task_id: str, content: dict[str, Any], actor: Actor, keyring: Keyring,
    now: datetime, expires_at: datetime, base_url: str, replaces: str | None = None, config: Config | None = None,
) -> SentLink:
    """A new link for ``content``: its own key, code and token; the email queued; the event audited."""
    recipient = content["recipient"]
    disclosure_id, code, token = str(uuid.uuid4()), new_code(), secrets.token_urlsafe(32)
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
                body=link_email(base_url=base_url, token=token, sender=staff_sender(session, actor),
                                 expires_at=expires_at, config=config or DEFAULT_CONFIG), now=now)
    record_event(session=session, actor=actor, action="secure_link_reissued" if replaces else "secure_link_sent",
                 at=now, case_id=case.id, task_id=task_id,
                 summary={"disclosure": disclosure_id, "recipient": disclosure.recipient_email,
                          "expires_at": expires_at.isoformat(), "replaces": replaces})
    session.flush()
    return SentLink(disclosure=disclosure, code=code, case=case)


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def link_email(*, base_url: str, token: str, sender: Mapping[str, Any], expires_at: datetime, config: Config
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


def confirm_receipt(*, session: Session, disclosure: SecureDisclosure, received_by: str, now: datetime, client: str
                    ) -> bool:
    """Record the recipient's receipt and hand it to the case; False if the case no longer waits for it
    (a follow-up has already started: the receipt is kept and shows on the record)."""
    name = received_by.strip()
    if not name or len(name) > 200:
        raise InvalidInput("Enter your name (up to 200 characters).", field="received_by")
    if disclosure.receipt_at is not None:
        return True
    disclosure.receipt_at, disclosure.receipt_by = now, name
    audit_link(session, disclosure, "secure_link_receipt_confirmed", now, client=client, received_by=name)
    try:
        deliver_message(session=session, case_id=disclosure.case_id, name=RECEIPT_MESSAGE,
                              payload={"received_by": name, "received_at": now.isoformat()},
                              actor=recipient_actor(disclosure.recipient_email), now=now)
    except Conflict:
        # The receipt came after the process started chasing it: the sender is told, so they can
        # answer the follow-up with it; the record takes the receipt from the link.
        case = get_case(session=session, case_id=disclosure.case_id)
        notify_user(session=session, case=case, user=disclosure.created_by, now=now,
                    subject="Safeguarding: the recipient has now confirmed receipt")
        return False
    return True
