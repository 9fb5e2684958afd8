"""Who a browser is signed in as (a server-side session the cookie names), and where to send them after."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import session
from sqlalchemy.orm import Session

from service.accounts.models import User
from service.accounts.service import actor_of
from service.accounts.sessions import end_session, start_session, user_for_session
from service.actors import Actor

from .context import now, transaction

SESSION_KEY = "sid"


def signed_in() -> Actor | None:
    """The account this browser's session belongs to; a session that has ended is forgotten."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        return None
    with transaction() as db:
        user = user_for_session(session=db, token=token, now=now())
        found = actor_of(user) if user else None
    if found is None:
        session.clear()
    return found


def begin(db: Session, user: User) -> None:
    """Sign this browser in as ``user``: a fresh cookie naming a new server-side session."""
    session.clear()
    session[SESSION_KEY] = start_session(session=db, user=user, now=now())


def finish() -> None:
    """Sign this browser out: the session ends on the server, so a copy of the cookie opens nothing."""
    token = session.get(SESSION_KEY)
    if isinstance(token, str):
        with transaction() as db:
            end_session(session=db, token=token)
    session.clear()


def safe_next(target: str) -> str | None:
    """``target`` when it is a path on this site, else None: never another site, however it is spelt."""
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    # Browsers drop tabs and newlines and read a backslash as a slash: "/\t/evil.example" is "//evil.example".
    if any(ord(char) <= 0x20 or char in "\\\x7f" for char in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
