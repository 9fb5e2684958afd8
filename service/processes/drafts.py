"""Process owners change the process: a draft is checked on every save, approved by a second process
owner, then published as a new immutable version; open cases move to it where that is safe.

Every save runs every check and reports every problem with the element it concerns: hardened XML and
the BPMN XSD, the engine's parse, the expression sandbox's lint, the forms, the policy the diagram
must keep (``policy.check_policy``), and that every name an expression uses is a case fact or a helper
called rightly, with sound decision tables (``draft_checks``). Nothing is stored for a refused draft.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.access import require_process_owner, require_second_owner
from service.actors import Actor
from service.audit.trail import record_event
from service.db import is_postgres
from service.engine import content_hash
from service.errors import Conflict, Forbidden, NotFound

from .diff import VersionDiff, diff_files
from .draft_checks import (
    change_note_text,
    draft_files,
    draft_problems,
    refusal,
    refuse,
    review_comment,
)
from .models import OPEN_DRAFT_STATUSES, DraftComment, DraftStatus, ProcessDefinition, ProcessDraft, ProcessVersion
from .service import latest_version
from .summaries import ProcessOverview, draft_diff, draft_summary, process_summary, version_summary

__all__ = [
    "SavedDraft",
    "VersionDiff",
    "approve_draft",
    "create_draft",
    "diff_files",
    "diff_versions",
    "draft_diff",
    "draft_problems",
    "draft_summary",
    "get_draft",
    "get_version",
    "latest",
    "list_definitions",
    "list_drafts",
    "list_processes",
    "list_versions",
    "process_summary",
    "save_draft",
    "submit_draft",
    "version_summary",
]



# --- reading --------------------------------------------------------------------------------------------------


def _plain(value: str, longest: int) -> bool:
    """Whether a looked-up key or id can name anything at all (no database is asked about NULs)."""
    return 0 < len(value) <= longest and "\x00" not in value


def definition_row(session: Session, key: str, *, lock: bool = False) -> ProcessDefinition:
    if not _plain(key, 100):
        raise NotFound(f"no process '{key[:100]}'")
    query = select(ProcessDefinition).where(ProcessDefinition.key == key)
    if lock and is_postgres(session):
        query = query.with_for_update()
    definition = session.scalars(query).one_or_none()
    if definition is None:
        raise NotFound(f"no process '{key}' has been published")
    return definition


def list_definitions(session: Session) -> list[ProcessDefinition]:
    """Every published process, by key."""
    return list(session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.key)))


def latest(session: Session, key: str) -> ProcessVersion:
    """The newest version of a process (the one new cases start on, and drafts are made from)."""
    return latest_version(session=session, key=definition_row(session, key).key)


def list_processes(session: Session) -> list[ProcessOverview]:
    """Every published process with its newest version and how many drafts await approval or publishing."""
    overviews = []
    for definition in list_definitions(session):
        pending = session.scalar(select(func.count()).select_from(ProcessDraft).where(
            ProcessDraft.definition_key == definition.key,
            ProcessDraft.status.in_([DraftStatus.SUBMITTED, DraftStatus.APPROVED]))) or 0
        overviews.append(ProcessOverview(definition, latest_version(session=session, key=definition.key), pending))
    return overviews


def list_versions(session: Session, key: str) -> list[ProcessVersion]:
    """A process's versions, newest first."""
    definition = definition_row(session, key)
    return list(session.scalars(select(ProcessVersion).where(ProcessVersion.definition_id == definition.id)
                                .order_by(ProcessVersion.number.desc())))


def get_version(session: Session, key: str, number: int) -> ProcessVersion:
    definition = definition_row(session, key)
    version = session.scalars(select(ProcessVersion).where(ProcessVersion.definition_id == definition.id,
                                                           ProcessVersion.number == number)).one_or_none()
    if version is None:
        raise NotFound(f"process '{key}' has no version {number}")
    return version


def list_drafts(session: Session, key: str) -> list[ProcessDraft]:
    """A process's drafts, newest first."""
    definition_row(session, key)
    return list(session.scalars(select(ProcessDraft).where(ProcessDraft.definition_key == key)
                                .order_by(ProcessDraft.created_at.desc(), ProcessDraft.id)))


def get_draft(session: Session, key: str, draft_id: str) -> ProcessDraft:
    draft = None
    if _plain(draft_id, 36) and _plain(key, 100):
        draft = session.scalars(select(ProcessDraft).where(ProcessDraft.id == draft_id,
                                                           ProcessDraft.definition_key == key)
                                .execution_options(populate_existing=True)).one_or_none()
    if draft is None:
        raise NotFound(f"process '{key[:100]}' has no draft {draft_id[:36]}")
    return draft


def diff_versions(*, session: Session, key: str, from_number: int, to_number: int) -> VersionDiff:
    """The elements added, changed and removed from one version of a process to another."""
    old = get_version(session, key, from_number)
    new = get_version(session, key, to_number)
    return diff_files(old.file_map(), new.file_map())


# --- changing -------------------------------------------------------------------------------------------------


@dataclass
class SavedDraft:
    """A save: the owner's draft, whether the save made it (else it edited it in place), and whether its
    files changed."""

    draft: ProcessDraft
    created: bool
    changed: bool


def owners_open_draft(session: Session, key: str, username: str) -> ProcessDraft | None:
    """The one draft of this process still in this owner's hands (working, submitted, rejected or approved)."""
    return session.scalars(select(ProcessDraft).where(
        ProcessDraft.definition_key == key, ProcessDraft.author == username,
        ProcessDraft.status.in_(OPEN_DRAFT_STATUSES)).order_by(ProcessDraft.created_at.desc())).first()


def log_step(draft: ProcessDraft, *, actor: Actor, action: str, text: str, now: datetime) -> None:
    """Add one step to the draft's review thread, in the words of whoever took it."""
    draft.comments.append(DraftComment(author=actor.username, action=action, text=text, at=now))


def save_draft(*, session: Session, key: str, uploaded: Mapping[str, str], actor: Actor, change_note: str,
               now: datetime, submit: bool = False) -> SavedDraft:
    """Save a process owner's draft of the next version, if it passes every check (else 422, nothing stored).

    Each owner has one draft per process, edited in place: the uploaded files go over that draft's own
    files (or, for a new draft, over the newest version's), and it is made from the newest version again.
    Changing a submitted or approved draft takes it back to working: it must be submitted again. With
    ``submit`` the draft is also asked to be approved.
    """
    require_process_owner(actor)
    base = latest_version(session=session, key=definition_row(session, key).key)
    note = change_note_text(change_note)
    draft = owners_open_draft(session, key, actor.username)
    under = draft.file_map() if draft is not None else base.file_map()
    files = draft_files(under, uploaded)
    refuse(draft_problems(files), files)
    digest = content_hash(files)
    if digest == base.content_hash:
        raise refusal(f"nothing has changed: the draft is the same as version {base.number}", field="bpmn")
    same = session.scalars(select(ProcessVersion).where(ProcessVersion.definition_id == base.definition_id,
                                                        ProcessVersion.content_hash == digest)).first()
    if same is not None and not (draft is not None and draft.rollback_of == same.number):
        raise refusal(f"the draft is the same as version {same.number}: to bring it back, use \"Roll back to "
                       f"this version\" on the Processes page", field="bpmn")
    created = draft is None
    if draft is None:
        draft = ProcessDraft(id=str(uuid.uuid4()), definition_key=key, base_version_id=base.id, base_version=base,
                             files=files_json(files), content_hash=digest, author=actor.username,
                             author_roles_granted_by=actor.roles_granted_by, change_note=note,
                             status=DraftStatus.WORKING, created_at=now, updated_at=now)
        session.add(draft)
        changed = True
    else:
        changed = digest != draft.content_hash or base.id != draft.base_version_id
        if changed and draft.status in (DraftStatus.SUBMITTED, DraftStatus.APPROVED):
            log_step(draft, actor=actor, action="withdrawn", now=now,
                     text=f"Changed after it was {draft.status}: it needs submitting again.")
            draft.status, draft.approved_by, draft.approved_at = DraftStatus.WORKING, None, None
        if changed:
            draft.files, draft.content_hash, draft.updated_at = files_json(files), digest, now
            draft.base_version_id, draft.base_version = base.id, base
            if draft.rollback_of is not None and (same is None or same.number != draft.rollback_of):
                draft.rollback_of = None  # edited: no longer a plain rollback
        if note:
            draft.change_note = note
    session.flush()
    if changed:
        record_event(session=session, actor=actor, action="process_draft_saved", at=now,
                     summary={"process": key, "draft": draft.id, "base_version": base.number,
                              "content_hash": digest})
    if submit and draft.status != DraftStatus.SUBMITTED:
        submit_draft(session=session, key=key, draft_id=draft.id, actor=actor, now=now, comment="")
    return SavedDraft(draft=draft, created=created, changed=changed)


def create_draft(*, session: Session, key: str, uploaded: Mapping[str, str], actor: Actor, change_note: str,
                 now: datetime, submit: bool = False) -> ProcessDraft:
    """``save_draft``, for callers that need only the draft."""
    return save_draft(session=session, key=key, uploaded=uploaded, actor=actor, change_note=change_note, now=now,
                      submit=submit).draft


def _up_to_date(session: Session, draft: ProcessDraft, doing: str) -> ProcessVersion:
    newest = latest_version(session=session, key=draft.definition_key)
    if draft.base_version_id != newest.id:
        made_from = draft.base_version.number if draft.base_version else "?"
        raise Conflict(f"this draft is out of date: it was made from version {made_from} and version "
                       f"{newest.number} was published since; its author must open it and save it again before "
                       f"it can be {doing}")
    return newest


def submit_draft(*, session: Session, key: str, draft_id: str, actor: Actor, now: datetime,
                 comment: object = "") -> ProcessDraft:
    """The author asks a second process owner to approve their working (or rejected) draft."""
    require_process_owner(actor)
    draft = get_draft(session, key, draft_id)
    if draft.author != actor.username:
        raise Forbidden(f"only {draft.author}, who wrote this draft, can submit it")
    if draft.status not in (DraftStatus.WORKING, DraftStatus.REJECTED):
        raise Conflict(f"the draft is {draft.status}: only a working or rejected draft can be submitted")
    words = review_comment(comment)
    _up_to_date(session, draft, "submitted")
    draft.status, draft.submitted_at = DraftStatus.SUBMITTED, now
    log_step(draft, actor=actor, action="submitted", text=words, now=now)
    record_event(session=session, actor=actor, action="process_draft_submitted", at=now,
                 summary={"process": key, "draft": draft.id})
    session.flush()
    return draft


def files_json(files: Mapping[str, str]) -> str:
    return json.dumps(dict(sorted(files.items())))


def approve_draft(*, session: Session, key: str, draft_id: str, actor: Actor, now: datetime,
                  comment: object = "") -> ProcessDraft:
    """A second process owner approves a submitted draft (four eyes: never its author), with a comment."""
    require_process_owner(actor)
    draft = get_draft(session, key, draft_id)
    require_second_owner(draft, actor, "approve")
    if draft.status == DraftStatus.WORKING:
        raise Conflict("the draft has not been submitted for approval yet: its author is still working on it")
    if draft.status != DraftStatus.SUBMITTED:
        raise Conflict(f"the draft is already {draft.status}")
    words = review_comment(comment)
    _up_to_date(session, draft, "approved")
    draft.status = DraftStatus.APPROVED
    draft.approved_by = actor.username
    draft.approved_at = now
    log_step(draft, actor=actor, action="approved", text=words, now=now)
    record_event(session=session, actor=actor, action="process_draft_approved", at=now,
                 summary={"process": key, "draft": draft.id, "author": draft.author, "comment": words})
    session.flush()
    return draft
