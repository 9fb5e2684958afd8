"""The sharing request (the case as the record describes it), refreshed at each record step."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.cases.models import Case
from service.tasks.models import HumanTask

from .models import SharingRequest, SharingSubject

VERIFYING_FIELDS = ("identity_verified", "verification_method")
REQUEST_FIELDS = ("requester_name", "requester_role", "requester_organisation", "requester_contact",
                  "requester_authority", "purpose", "purpose_other", "statutory_power", "special_category",
                  "criminal_offence_data", "confidential", "data_sharing_agreement")


def sharing_request_of(*, session: Session, case_id: str) -> SharingRequest | None:
    """The case's sharing request, if a record step has written one."""
    return session.scalars(select(SharingRequest).where(SharingRequest.case_id == case_id)).one_or_none()


def fill_sharing_request(request: SharingRequest, *, case: Case, answered: Mapping[str, Any],
                         done: Sequence[HumanTask]) -> SharingRequest:
    """Bring a sharing request up to date with the answers given so far (in place)."""
    verifier = next((t for t in reversed(done) if any(f in (t.answers or {}) for f in VERIFYING_FIELDS)), None)
    inbound = case.direction == "inbound_request"
    request.direction = case.direction
    request.received_at = case.created_at
    request.channel = answered.get("channel") if inbound else "raised by the practitioner"
    request.urgency = case.urgency
    request.needed_by = _date(answered.get("needed_by"))
    for field in REQUEST_FIELDS:
        setattr(request, field, answered.get(field))
    request.requester_verified_how = answered.get("verification_method")
    request.requester_verified_by = verifier.completed_by if verifier else None
    request.requester_verified_at = verifier.closed_at if verifier else None
    categories = answered.get("data_categories")
    request.data_categories = ", ".join(str(c) for c in categories) if categories else None
    request.subjects = [
        SharingSubject(role=str(s.get("role", "other")), name=str(s.get("name", "")), identifiers=s.get("identifiers"))
        for s in answered.get("subjects") or [] if isinstance(s, Mapping)
    ]
    return request


def _date(value: Any) -> date | None:
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return value if isinstance(value, date) else None
