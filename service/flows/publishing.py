"""Publishing an approved draft: it becomes the newest version, and open cases move to it where that is
safe (``migration``); before it, which open cases would move and which would stay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from service.access import require_process_owner
from service.actors import Actor
from service.audit.trail import record_event
from service.errors import Conflict
from service.processes.draft_checks import draft_problems, refuse
from service.processes.drafts import definition_row, get_draft, latest, log_step
from service.processes.models import DraftStatus, ProcessDraft, ProcessVersion
from service.processes.service import latest_version, register_version

from .migration import CaseMove, migrate_open_cases, open_cases_before, preview_moves


@dataclass
class Published:
    """A published draft: the new version, and the open cases moved to it or kept on their own."""

    version: ProcessVersion
    migrated: list[str]
    kept: list[str]


def publish_draft(*, session: Session, key: str, draft_id: str, actor: Actor, now: datetime,
                  migrate: bool = True) -> Published:
    """Publish an approved draft as the newest version; new cases start on it, and (with ``migrate``)
    open cases move to it where that is safe."""
    require_process_owner(actor)
    # One publisher at a time per process: the version numbers and the "newest" check depend on it.
    definition = definition_row(session, key, lock=True)
    draft = get_draft(session, key, draft_id)
    if draft.status == DraftStatus.PUBLISHED:
        number = draft.published_version.number if draft.published_version else "?"
        raise Conflict(f"the draft was already published as version {number}")
    if draft.status != DraftStatus.APPROVED:
        raise Conflict("the draft needs approval by a second process owner first")
    latest = latest_version(session=session, key=key)
    if draft.base_version_id != latest.id:
        raise Conflict(f"another version was published since; save the draft again (the newest is version "
                       f"{latest.number})")
    files = draft.file_map()
    refuse(draft_problems(files), files)
    version = register_version(session=session, key=key, name=definition.name, files=files, author=draft.author,
                               change_note=draft.change_note, now=now, repeat=draft.rollback_of is not None)
    if version.number <= latest.number:
        raise Conflict(f"the draft is the same as version {version.number}")
    version.approved_by = draft.approved_by
    draft.status = DraftStatus.PUBLISHED
    draft.published_version_id = version.id
    draft.published_version = version
    log_step(draft, actor=actor, action="published", text=f"Published as version {version.number}.", now=now)
    record_event(session=session, actor=actor, action="process_published", at=now,
                 summary={"process": key, "version": version.number, "draft": draft.id, "author": draft.author,
                          "approved_by": draft.approved_by, "content_hash": version.content_hash})
    session.flush()
    if migrate:
        migrated, kept = migrate_open_cases(session=session, key=key, to_version=version, now=now)
    else:
        migrated, kept = [], [case.id for case in open_cases_before(session, version)]
    return Published(version=version, migrated=migrated, kept=kept)


@dataclass
class PublishPreview:
    """What publishing an approved draft would do: the version it becomes and each open case's fate."""

    draft: ProcessDraft
    next_number: int
    moves: list[CaseMove]

    @property
    def moving(self) -> list[CaseMove]:
        return [m for m in self.moves if m.moves]

    @property
    def staying(self) -> list[CaseMove]:
        return [m for m in self.moves if not m.moves]


def publish_preview(*, session: Session, key: str, draft_id: str, actor: Actor) -> PublishPreview:
    """Which open cases publishing this draft would move to the new version and which would stay, and why;
    nothing is changed."""
    require_process_owner(actor)
    draft = get_draft(session, key, draft_id)
    if draft.status != DraftStatus.APPROVED:
        raise Conflict("the draft needs approval by a second process owner first")
    newest = latest(session, key)
    return PublishPreview(draft=draft, next_number=newest.number + 1,
                          moves=preview_moves(session=session, key=key, files=draft.file_map()))


