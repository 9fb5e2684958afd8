"""A test client signed in as someone without typing a password: a real server-side session, as
signing in makes one (a cookie naming an account is not enough any more)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlalchemy import select

from service.accounts.models import User
from service.accounts.sessions import start_session
from service.web.signin import SESSION_KEY


def sign_in_as(client: FlaskClient, username: str, csrf: str | None = None) -> FlaskClient:
    with client.application.extensions["db_session_factory"].begin() as db:
        user = db.scalars(select(User).where(User.username == username)).one()
        token = start_session(session=db, user=user, now=datetime.now(UTC))
    with client.session_transaction() as session:
        session[SESSION_KEY] = token
        if csrf is not None:
            session["csrf"] = csrf
    return client
