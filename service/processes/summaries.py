"""Processes, versions and drafts as the API and the pages show them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .diff import VersionDiff, diff_files
from .models import ProcessDefinition, ProcessDraft, ProcessVersion


@dataclass
class ProcessOverview:
    definition: ProcessDefinition
    latest: ProcessVersion
    pending_drafts: int


def draft_diff(draft: ProcessDraft) -> VersionDiff:
    """What the draft changes in the version it was made from."""
    return diff_files(draft.base_version.file_map() if draft.base_version else {}, draft.file_map())


def version_summary(version: ProcessVersion) -> dict[str, Any]:
    return {"number": version.number, "content_hash": version.content_hash, "author": version.author,
            "approved_by": version.approved_by, "change_note": version.change_note,
            "created_at": version.created_at.isoformat()}


def process_summary(overview: ProcessOverview) -> dict[str, Any]:
    return {"key": overview.definition.key, "name": overview.definition.name,
            "latest_version": version_summary(overview.latest), "pending_drafts": overview.pending_drafts}


def draft_summary(draft: ProcessDraft, *, with_diff: bool = True) -> dict[str, Any]:
    """A draft as the API and the pages show it, with what it changes in its base version."""
    summary: dict[str, Any] = {
        "id": draft.id, "key": draft.definition_key, "status": draft.status, "author": draft.author,
        "change_note": draft.change_note, "created_at": draft.created_at.isoformat(),
        "content_hash": draft.content_hash,
        "base_version": draft.base_version.number if draft.base_version else None,
        "approved_by": draft.approved_by,
        "approved_at": draft.approved_at.isoformat() if draft.approved_at else None,
        "published_version": draft.published_version.number if draft.published_version else None,
        "files": sorted(draft.file_map()),
        "updated_at": draft.updated_at.isoformat() if draft.updated_at else None,
        "submitted_at": draft.submitted_at.isoformat() if draft.submitted_at else None,
        "rollback_of": draft.rollback_of,
        "comments": [{"author": c.author, "action": c.action, "text": c.text, "at": c.at.isoformat()}
                     for c in draft.comments],
    }
    if with_diff:
        summary["diff"] = draft_diff(draft).as_dict()
    return summary
