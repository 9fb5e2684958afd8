"""New information reopens a decided case at once, instead of waiting for its review date."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from service.access import may_bring_new_information, require_readable
from service.actors import Actor
from service.cases.models import Case, CaseStatus
from service.cases.service import get_case, load_instance
from service.errors import Conflict, Forbidden, InvalidInput
from service.flows.cases import deliver_message
from service.records.models import NewInformation

NEW_INFORMATION = "new_information"
MOST_CHARACTERS = 4000


def waits_for_new_information(case: Case) -> bool:
    """Whether the case is waiting for a review, which new information brings forward."""
    return case.status == CaseStatus.ACTIVE and NEW_INFORMATION in load_instance(case).waiting_messages()


def bring_new_information(*, session: Session, case_id: str, actor: Actor, information: object, now: datetime
                          ) -> Case:
    """Record what is new and bring the case's review forward to now: its review step opens at once."""
    case = get_case(session=session, case_id=case_id, for_update=True)
    require_readable(actor, case)
    if not may_bring_new_information(actor, case):
        raise Forbidden("only the practitioner whose case it is, a manager of its team or the DSL can reopen it")
    text = information.strip() if isinstance(information, str) else ""
    if len(text) < 3 or len(text) > MOST_CHARACTERS or "\x00" in text:
        raise InvalidInput(f"Say what the new information is, in 3 to {MOST_CHARACTERS} characters",
                           field="information")
    if case.status != CaseStatus.ACTIVE:
        raise Conflict(f"Case {case.reference} is closed, so new information cannot reopen it: start a new case "
                       f"with the new information and mention {case.reference} in it")
    if not waits_for_new_information(case):
        raise Conflict(f"Case {case.reference} is still being decided, not waiting for a review: add the new "
                       "information at its current step")
    session.add(NewInformation(case_id=case.id, received_at=now, given_by=actor.username,
                               given_by_role=actor.primary_role, information=text))
    return deliver_message(session=session, case_id=case.id, name=NEW_INFORMATION,
                           payload={"information": text, "given_by": actor.username, "received_at": now.isoformat()},
                           actor=actor, now=now)
