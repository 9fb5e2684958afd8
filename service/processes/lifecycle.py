"""The rest of a draft's life, beside saving, submitting, approving and publishing (``drafts``): its author
withdraws or discards it, a second process owner rejects it with a comment, anyone comments; an earlier
version comes back as a rollback draft (four eyes again); and how many drafts wait for an owner.
Publishing, and which open cases it would move, are flows (``service.flows.publishing``).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.access import may_change_process, require_process_owner, require_second_owner
from service.actors import Actor
from service.audit.trail import record_event
from service.errors import Conflict, Forbidden

from .draft_checks import review_comment
from .drafts import (
    files_json,
    get_draft,
    get_version,
    latest,
    log_step,
    owners_open_draft,
)
from .models import DraftStatus, ProcessDraft


def withdraw_draft(*, session: Session, key: str, draft_id: str, actor: Actor, now: datetime,
                   comment: object = "") -> ProcessDraft:
    """The author takes a submitted or approved draft back: it is working again (an approval is void)."""
    draft = _authors_own(session, key, draft_id, actor, "withdraw")
    if draft.status not in (DraftStatus.SUBMITTED, DraftStatus.APPROVED):
        raise Conflict(f"the draft is {draft.status}: only a submitted or approved draft can be withdrawn")
    draft.status, draft.approved_by, draft.approved_at = DraftStatus.WORKING, None, None
    log_step(draft, actor=actor, action="withdrawn", text=review_comment(comment), now=now)
    _audit(session, actor, "process_draft_withdrawn", draft, now)
    return draft


def reject_draft(*, session: Session, key: str, draft_id: str, actor: Actor, now: datetime,
                 comment: object) -> ProcessDraft:
    """A second process owner sends a submitted draft back to its author, saying why."""
    require_process_owner(actor)
    draft = get_draft(session, key, draft_id)
    require_second_owner(draft, actor, "reject")
    if draft.status != DraftStatus.SUBMITTED:
        raise Conflict(f"the draft is {draft.status}: only a submitted draft can be rejected")
    words = review_comment(comment, required="say why the draft is rejected, so its author knows what to change")
    draft.status = DraftStatus.REJECTED
    log_step(draft, actor=actor, action="rejected", text=words, now=now)
    _audit(session, actor, "process_draft_rejected", draft, now, comment=words)
    return draft


def discard_draft(*, session: Session, key: str, draft_id: str, actor: Actor, now: datetime,
                  comment: object = "") -> ProcessDraft:
    """The author abandons a draft that is not published: it leaves the list of drafts (its history stays)."""
    draft = _authors_own(session, key, draft_id, actor, "discard")
    if draft.status in (DraftStatus.PUBLISHED, DraftStatus.DISCARDED):
        raise Conflict(f"the draft is already {draft.status}")
    draft.status = DraftStatus.DISCARDED
    log_step(draft, actor=actor, action="discarded", text=review_comment(comment), now=now)
    _audit(session, actor, "process_draft_discarded", draft, now)
    return draft


def comment_on_draft(*, session: Session, key: str, draft_id: str, actor: Actor, now: datetime,
                     comment: object) -> ProcessDraft:
    """Any process owner adds a comment to a draft's review thread."""
    require_process_owner(actor)
    draft = get_draft(session, key, draft_id)
    log_step(draft, actor=actor, action="commented", now=now,
             text=review_comment(comment, required="write the comment before sending it"))
    session.flush()
    return draft


def rollback_draft(*, session: Session, key: str, number: int, actor: Actor, now: datetime,
                   comment: object) -> ProcessDraft:
    """A draft that brings version ``number``'s files back as the next version; like any draft it is
    submitted at once, and published only after a second process owner approves it."""
    require_process_owner(actor)
    newest = latest(session, key)
    earlier = get_version(session, key, number)
    if earlier.id == newest.id:
        raise Conflict(f"version {number} is already the newest: there is nothing to roll back")
    if owners_open_draft(session, key, actor.username) is not None:
        raise Conflict("you already have a draft of this process: publish, withdraw or discard it before "
                       "rolling back")
    why = review_comment(comment, required=f"say why version {number} should come back")
    draft = ProcessDraft(id=str(uuid.uuid4()), definition_key=key, base_version_id=newest.id, base_version=newest,
                         files=files_json(earlier.file_map()), content_hash=earlier.content_hash, author=actor.username,
                         author_roles_granted_by=actor.roles_granted_by, rollback_of=number,
                         change_note=f"Roll back to version {number}: {why}", status=DraftStatus.SUBMITTED,
                         created_at=now, updated_at=now, submitted_at=now)
    session.add(draft)
    log_step(draft, actor=actor, action="submitted", text=f"Roll back to version {number}: {why}", now=now)
    _audit(session, actor, "process_rollback_drafted", draft, now, version=number)
    return draft


def drafts_waiting_for(session: Session, actor: Actor) -> int:
    """How many submitted drafts a process owner could review (those they did not write)."""
    if not may_change_process(actor):
        return 0
    return session.scalar(select(func.count()).select_from(ProcessDraft).where(
        ProcessDraft.status == DraftStatus.SUBMITTED, ProcessDraft.author != actor.username)) or 0


def _authors_own(session: Session, key: str, draft_id: str, actor: Actor, doing: str) -> ProcessDraft:
    require_process_owner(actor)
    draft = get_draft(session, key, draft_id)
    if draft.author != actor.username:
        raise Forbidden(f"only {draft.author}, who wrote this draft, can {doing} it")
    return draft


def _audit(session: Session, actor: Actor, action: str, draft: ProcessDraft, now: datetime, **more: object) -> None:
    record_event(session=session, actor=actor, action=action, at=now,
                 summary={"process": draft.definition_key, "draft": draft.id, **more})
    session.flush()
