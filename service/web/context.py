"""What every page's code needs about the request it serves: its transaction, the time, who is signed in."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from flask import abort, current_app, g, request, session
from sqlalchemy.orm import Session

from service.actors import Actor
from service.cases import service as cases
from service.config import Config
from service.workcalendar import UK_TIME


@contextmanager
def transaction() -> Iterator[Session]:
    with current_app.extensions["db_session_factory"].begin() as db:
        g.open_transactions = [*g.get("open_transactions", []), db]
        try:
            yield db
        finally:
            g.open_transactions = g.open_transactions[:-1]


@contextmanager
def reading() -> Iterator[Session]:
    """A session to read with: the one this request already has open, else a transaction of its own.

    A page rendered inside its transaction that reads more (the queue counts in the header) must not
    open a second one: on the embedded database the second would wait for the first to finish.
    """
    open_now: list[Session] = g.get("open_transactions", [])
    if open_now:
        yield open_now[-1]
    else:
        with transaction() as db:
            yield db


def now() -> datetime:
    return datetime.now(UTC)


def uk_today() -> date:
    return now().astimezone(UK_TIME).date()


def service_config() -> Config:
    """The settings the app was built with (``create_app(config)``)."""
    config: Config = current_app.extensions["service_config"]
    return config


def organisation_facts() -> dict[str, Any]:
    """The facts every case of this organisation starts with (its settings, not questions)."""
    return cases.organisation_facts(service_config())


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def actor() -> Actor:
    """Whoever is signed in (the request guard has read them); 401 for nobody."""
    found: Actor | None = getattr(request, "actor", None)
    if found is None:
        abort(401)
    return found
