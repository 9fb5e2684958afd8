"""What every page's code needs about the request it serves: who is signed in and the form's token; its
transaction, the time and the settings are the same as the API's (``service.request_scope``)."""

from __future__ import annotations

import secrets

from flask import abort, request, session

from service.actors import Actor
from service.request_scope import now, organisation_facts, reading, service_config, transaction, uk_today

__all__ = ["actor", "csrf_token", "now", "organisation_facts", "reading", "service_config", "transaction", "uk_today"]


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
