"""The recipient's side of a secure link: open it with the one-time code, read the package, download it
once, confirm receipt.

``enter_code`` is throttled (a pause after each wrong code; five lock the link). The browser that
entered the code may open the package again for ``GRANT_LIFETIME`` (a reload, the PDF, the receipt);
another browser never can. The receipt reaches the case as the ``receipt_confirmed`` message. Every
attempt, successful or not, is an audit event.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.audit.trail import record_event
from service.db import is_postgres
from service.errors import InvalidInput, NotFound
from service.workcalendar import UK_TIME

from .keys import Keyring, open_sealed
from .models import MAX_CODE_FAILURES, LinkState, SecureDisclosure
from .service import (
    GRANT_LIFETIME,
    REFUSALS,
    LinkRefused,
    NotGranted,
    TooSoon,
    audit_link,
    open_content,
    recipient_actor,
    token_digest,
    unwrap_package_key,
)


def disclosure_for_link(*, session: Session, token: str, lock: bool = False) -> SecureDisclosure | None:
    query = select(SecureDisclosure).where(SecureDisclosure.link_token_sha256 == token_digest(token))
    if lock and is_postgres(session):
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def check_usable(*, session: Session, disclosure: SecureDisclosure | None, now: datetime, client: str
                 ) -> SecureDisclosure:
    """The disclosure behind a link, if it can still be opened; otherwise refuse and audit why."""
    if disclosure is None:
        record_event(session=session, actor=recipient_actor("unknown"), action="secure_link_refused", at=now,
                     summary={"reason": "unknown link", "client": client})
        raise LinkRefused("This link is not valid. Check you copied all of it, or contact the sender.",
                          state="unknown")
    state = disclosure.state(now)
    if state != LinkState.WAITING:
        audit_link(session, disclosure, "secure_link_refused", now, reason=str(state), client=client)
        raise LinkRefused(REFUSALS[state], state=str(state))
    return disclosure


def record_visit(*, session: Session, disclosure: SecureDisclosure, now: datetime, client: str) -> None:
    audit_link(session, disclosure, "secure_link_visited", now, client=client)


def enter_code(*, session: Session, token: str, code: str, keyring: Keyring, now: datetime, client: str,
               retry_delay: timedelta) -> tuple[SecureDisclosure, dict[str, Any]]:
    """Open the package with the one-time code: on success the link is spent and the content returned."""
    disclosure = check_usable(session=session, disclosure=disclosure_for_link(session=session, token=token, lock=True),
                              now=now, client=client)
    if disclosure.next_attempt_at is not None and now < disclosure.next_attempt_at:
        wait = max(1, int((disclosure.next_attempt_at - now).total_seconds() + 0.999))
        audit_link(session, disclosure, "secure_link_code_too_soon", now, client=client)
        raise TooSoon(f"Please wait {wait} seconds before trying another code.")
    package_key = unwrap_package_key(disclosure, keyring)
    expected = open_sealed(package_key, disclosure.sealed_code, aad=f"code|{disclosure.id}").decode()
    given = "".join(ch for ch in code if ch.isdigit())
    if not secrets.compare_digest(given.encode(), expected.encode()):
        disclosure.failed_attempts += 1
        disclosure.next_attempt_at = now + retry_delay * disclosure.failed_attempts
        if disclosure.failed_attempts >= MAX_CODE_FAILURES:
            disclosure.locked_at = now
            audit_link(session, disclosure, "secure_link_locked", now, client=client)
            raise LinkRefused(REFUSALS[LinkState.LOCKED], state=str(LinkState.LOCKED))
        audit_link(session, disclosure, "secure_link_code_wrong", now, client=client,
               attempts=disclosure.failed_attempts)
        left = MAX_CODE_FAILURES - disclosure.failed_attempts
        raise InvalidInput(f"That code is not right. {left} attempt{'s' if left != 1 else ''} left before the "
                           "link locks.", field="code")
    disclosure.opened_at = now
    audit_link(session, disclosure, "secure_link_opened", now, client=client)
    return disclosure, open_content(disclosure, keyring)


def grant_until(disclosure: SecureDisclosure) -> datetime | None:
    """Until when the browser that entered the code may open the package again (None: not opened)."""
    return disclosure.opened_at + GRANT_LIFETIME if disclosure.opened_at is not None else None


def uk_clock(moment: datetime) -> str:
    """A time of day as the recipient reads it, e.g. "14:35 BST"."""
    local = moment.astimezone(UK_TIME)
    return f"{local:%H:%M} {local.tzname()}"


def granted(*, session: Session, disclosure_id: str, in_this_browser: bool, now: datetime, client: str,
            action: str, lock: bool = False) -> SecureDisclosure:
    """The disclosure a recipient's browser opened by entering its code, while that browser may still come
    back to it (``GRANT_LIFETIME`` after the code) and the sender has not withdrawn it.

    ``in_this_browser``: the signed session asking is the one that entered the code. Another browser, or
    the same one after its time, is refused, and every refusal is audited."""
    query = select(SecureDisclosure).where(SecureDisclosure.id == disclosure_id)
    if lock and is_postgres(session):
        query = query.with_for_update()
    disclosure = session.scalars(query).one_or_none()
    if disclosure is None:
        raise NotFound("no such package")
    until = grant_until(disclosure)
    if not in_this_browser or until is None:
        audit_link(session, disclosure, "secure_link_refused", now, reason="code not entered in this browser",
               client=client)
        raise NotGranted("Open the link from your email and enter the code first.", state="not_granted")
    if disclosure.revoked_at is not None:
        audit_link(session, disclosure, "secure_link_refused", now, reason=f"{action}: revoked", client=client)
        raise LinkRefused(REFUSALS[LinkState.REVOKED], state=str(LinkState.REVOKED))
    if now >= until:
        audit_link(session, disclosure, "secure_link_refused", now, reason=f"{action}: closed", client=client)
        raise LinkRefused(f"This link closed at {uk_clock(until)}, {GRANT_LIFETIME.seconds // 60} minutes after "
                          "the code was entered. Ask the sender if you need the information again.", state="closed")
    return disclosure


def view_package(*, session: Session, disclosure: SecureDisclosure, keyring: Keyring, now: datetime, client: str
                 ) -> dict[str, Any]:
    """The package for the browser ``granted`` it (the first look after the code, or a reload): each view audited."""
    record_view(session=session, disclosure=disclosure, now=now, client=client, page="package")
    return open_content(disclosure, keyring)


def record_view(*, session: Session, disclosure: SecureDisclosure, now: datetime, client: str, page: str) -> None:
    audit_link(session, disclosure, "secure_link_viewed", now, client=client, page=page)


def download_pdf(*, session: Session, disclosure: SecureDisclosure, keyring: Keyring, now: datetime, client: str
                 ) -> dict[str, Any]:
    """The content for the one PDF download the link allows."""
    if disclosure.downloaded_at is not None:
        audit_link(session, disclosure, "secure_link_refused", now, reason="already downloaded", client=client)
        raise LinkRefused("The PDF has already been downloaded once from this link.", state="downloaded")
    disclosure.downloaded_at = now
    audit_link(session, disclosure, "secure_link_downloaded", now, client=client)
    return open_content(disclosure, keyring)
