"""Cases read and made: a case by id, its engine instance, its reference and the facts it starts with.

Starting a case, firing its timers and handing it a message move it on: those are flows
(``service.flows.cases``)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.config import Config
from service.db import is_postgres
from service.engine import Instance
from service.errors import NotFound
from service.processes.service import compiled_process

from .models import Case

DIRECTIONS = ("outbound_concern", "inbound_request")
URGENCIES = ("emergency", "same_day", "routine")
# The engine state of a case whose process failed before its first wait: nothing of it ran.
NEVER_STARTED = "{}"


# Crockford's base 32: no I, L, O or U, so a reference read out over the phone is not misheard.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference(now: datetime) -> str:
    """A case reference people can read out, e.g. ISD-2611-7KQ2-M9XD (40 random bits: no clashes in
    practice; the database's unique constraint catches the one-in-a-billion)."""
    code = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"ISD-{now:%y%m}-{code[:4]}-{code[4:]}"


def starting_data(*, case: Case, data: Mapping[str, Any] | None) -> dict[str, Any]:
    """What a case's process starts with: ``data`` (the organisation's facts) and how the case was raised."""
    # "Emergency: a child is in immediate danger" is asked once, when the case starts.
    return {"immediate_danger": case.urgency == "emergency", **(data or {}), "direction": case.direction,
            "urgency": case.urgency, "started_by": case.started_by}


def organisation_facts(config: Config) -> dict[str, Any]:
    """The facts every case of this organisation starts with: whether it shares as a public body."""
    return {"public_authority": config.organisation_public_body}


def get_case(*, session: Session, case_id: str, for_update: bool = False) -> Case:
    """A case by id, optionally locked for the rest of the transaction."""
    query = select(Case).where(Case.id == case_id).execution_options(populate_existing=True)
    if for_update and is_postgres(session):
        query = query.with_for_update(of=Case)
    case = session.scalars(query).one_or_none()
    if case is None:
        raise NotFound(f"no case {case_id}")
    return case


def load_instance(case: Case) -> Instance:
    """The engine instance of a case, from the cached spec of its own version."""
    return Instance.load(compiled_process(case.process_version), case.instance_state)


def cases_by_id(*, session: Session, case_ids: Iterable[str]) -> dict[str, Case]:
    """The cases of these ids, by id, in one query."""
    wanted = set(case_ids)
    return {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(wanted)))} if wanted else {}


def case_by_reference(*, session: Session, reference: str) -> Case | None:
    """The case a reference names (e.g. ISD-2611-7KQ2-M9XD), if there is one."""
    return session.scalars(select(Case).where(Case.reference == reference)).one_or_none() if reference else None
