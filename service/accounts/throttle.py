"""Sign-in throttling that slows a password guesser without letting a stranger lock anyone out.

- One account from one address: after five failures in fifteen minutes that pair waits out the window.
  Nobody else is held back: the owner signing in from their own device is not.
- One account from anywhere, or one address across accounts (a shared office): past a threshold each
  further attempt waits a few seconds after the last failure (doubling, at most half a minute). That
  slows guessing to a crawl and only ever delays the owner, never locks them out.
Refused attempts are not counted, so hammering does not lengthen the wait. Failures older than the
window, expired API tokens and expired browser sessions are deleted whenever a sign-in is recorded.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from service.errors import DomainError

from .models import ApiToken, LoginAttempt, WebSession

FAILURE_WINDOW = timedelta(minutes=15)
MAX_PAIR_FAILURES = 5
ACCOUNT_FAILURES_BEFORE_DELAY = 10
CLIENT_FAILURES_BEFORE_DELAY = 50
MAX_DELAY = timedelta(seconds=30)


class TooManyAttempts(DomainError):
    status = 429


def check_sign_in_allowed(*, session: Session, username: str, client: str | None, now: datetime) -> None:
    """Refuse (429, saying how long to wait) a sign-in the recent failures hold back; else nothing."""
    since = LoginAttempt.at > now - FAILURE_WINDOW
    pair = (LoginAttempt.username == username,
            LoginAttempt.client == client if client else LoginAttempt.client.is_(None))
    if _count(session, since, *pair) >= MAX_PAIR_FAILURES:
        raise TooManyAttempts("too many failed sign-ins for this account from your device: wait 15 minutes and "
                              "try again, or ask an admin to check the account")
    wait = _wait(session, now, ACCOUNT_FAILURES_BEFORE_DELAY, since, LoginAttempt.username == username)
    if client:
        wait = max(wait, _wait(session, now, CLIENT_FAILURES_BEFORE_DELAY, since, LoginAttempt.client == client))
    if wait > timedelta(0):
        seconds = max(1, int(wait.total_seconds() + 0.999))
        raise TooManyAttempts(f"many failed sign-ins recently: wait {seconds} second{'s' if seconds > 1 else ''} "
                              "and try again")


def record_failed_login(*, session: Session, username: str, now: datetime, client: str | None = None) -> None:
    """Count a failed sign-in (in its own transaction, so the refusal's rollback does not undo it)."""
    session.add(LoginAttempt(username=username[:100], at=now, client=client[:64] if client else None))
    purge_expired(session=session, now=now)


def forget_failures(*, session: Session, username: str, client: str | None, now: datetime) -> None:
    """A successful sign-in clears its own pair's failures (not others': those are someone else's tries)."""
    pair = LoginAttempt.client == client if client else LoginAttempt.client.is_(None)
    session.execute(delete(LoginAttempt).where(LoginAttempt.username == username, pair))
    purge_expired(session=session, now=now)


def purge_expired(*, session: Session, now: datetime) -> None:
    """Delete what no longer counts: failures outside the window, expired tokens and sessions."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.at <= now - FAILURE_WINDOW))
    session.execute(delete(ApiToken).where(ApiToken.expires_at <= now))
    session.execute(delete(WebSession).where(WebSession.expires_at <= now))


def _count(session: Session, *where: ColumnElement[bool]) -> int:
    return session.scalar(select(func.count()).select_from(LoginAttempt).where(*where)) or 0


def _wait(session: Session, now: datetime, free: int, *where: ColumnElement[bool]) -> timedelta:
    """How much longer to wait after the last failure, once more than ``free`` failures are counted."""
    count, last = session.execute(select(func.count(), func.max(LoginAttempt.at)).where(*where)).one()
    if count < free or last is None:
        return timedelta(0)
    if last.tzinfo is None:  # SQLite gives the aggregate back without the column's type
        last = last.replace(tzinfo=now.tzinfo)
    delay = min(MAX_DELAY, timedelta(seconds=2 ** min(count - free, 5)))
    left: timedelta = last + delay - now
    return max(timedelta(0), left)
