"""What the code of every page and every API call needs about the request it serves, in one place for both:
its transaction (one per request), the time, and the settings the app was built with."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from flask import current_app, g
from sqlalchemy.orm import Session

from service.cases import service as cases
from service.config import Config
from service.workcalendar import UK_TIME


@contextmanager
def transaction() -> Iterator[Session]:
    """The request's transaction: committed when the block ends, rolled back if it raises."""
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
