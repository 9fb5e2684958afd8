"""Sessions that end: browser sessions kept server-side, and ending them (with API tokens) on sign-out,
switch-off, a change of roles or team, or an admin's "sign out everywhere"."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, delete, select
from sqlalchemy.orm import Session, joinedload

from service.actors import Actor
from service.audit.trail import record_event

from .models import ApiToken, User, WebSession

# A working day and then some: a browser left signed in overnight asks for the password again.
SESSION_LIFETIME = timedelta(hours=12)

_SESSION_BY_HASH = (select(WebSession).options(joinedload(WebSession.user))
                    .where(WebSession.token_hash == bindparam("token_hash")))


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(*, session: Session, user: User, now: datetime) -> str:
    """A new browser session for ``user``; returns the id the cookie carries (only its digest is kept)."""
    token = secrets.token_urlsafe(32)
    session.add(WebSession(user_id=user.id, token_hash=digest(token), created_at=now,
                           expires_at=now + SESSION_LIFETIME))
    return token


def user_for_session(*, session: Session, token: str, now: datetime) -> User | None:
    """The active account a browser session belongs to; None once it has ended or expired."""
    found = session.scalars(_SESSION_BY_HASH, {"token_hash": digest(token)}).one_or_none()
    if found is None or found.expires_at <= now or not found.user.active:
        return None
    return found.user


def end_session(*, session: Session, token: str) -> None:
    """Sign this browser out: its cookie opens nothing any more."""
    session.execute(delete(WebSession).where(WebSession.token_hash == digest(token)))


def end_every_session(*, session: Session, user: User) -> int:
    """End every browser session and API token of ``user``; returns how many there were."""
    ended = 0
    for kind in (WebSession, ApiToken):
        result = cast(CursorResult[Any], session.execute(delete(kind).where(kind.user_id == user.id)))
        ended += result.rowcount or 0
    return ended


def sign_out_everywhere(*, session: Session, actor: Actor, user: User, now: datetime) -> int:
    """An admin signs an account out of every browser and revokes its API tokens (audited)."""
    ended = end_every_session(session=session, user=user)
    record_event(session=session, actor=actor, action="account_signed_out_everywhere", at=now,
                 summary={"username": user.username, "sessions_ended": ended})
    return ended


def revoke_token(*, session: Session, actor: Actor, token: str, now: datetime) -> None:
    """The API token presented is revoked at its holder's request (audited)."""
    session.execute(delete(ApiToken).where(ApiToken.token_hash == digest(token)))
    record_event(session=session, actor=actor, action="api_token_revoked", at=now,
                 summary={"username": actor.username})


def password_changed(*, session: Session, actor: Actor, user: User, now: datetime) -> int:
    """After a new password: every session and token of the account ends (whoever knew the old one is
    out), and the change is audited (never the password)."""
    ended = end_every_session(session=session, user=user)
    record_event(session=session, actor=actor, action="password_changed", at=now,
                 summary={"username": user.username, "sessions_ended": ended})
    return ended
