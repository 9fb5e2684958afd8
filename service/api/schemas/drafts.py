"""Process owners' drafts: saving one (checked on every save), its review (submit, withdraw, reject, discard,
comment, approve), the publish preview, publishing and rolling back."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from service.processes.models import DraftStatus

from .common import Answer, Asked, Instant
from .processes import ProcessVersion, VersionDiff


class Comment(Answer):
    author: str
    action: str
    text: str
    at: Instant


class Draft(Answer):
    """A draft of a process's next version, with what it changes in its base version (not in lists)."""

    id: str
    key: str
    status: DraftStatus
    author: str
    change_note: str
    created_at: Instant
    content_hash: str
    base_version: int | None
    approved_by: str | None
    approved_at: Instant | None
    published_version: int | None
    files: list[str]
    updated_at: Instant | None
    submitted_at: Instant | None
    rollback_of: int | None
    comments: list[Comment]
    diff: VersionDiff | None = None
    changed: bool | None = Field(default=None, description="On a save: whether the draft's files changed")


class Drafts(Answer):
    drafts: list[Draft]


class Upload(Asked):
    """The diagram (and any decision tables or forms to replace), a change note, and whether to ask for
    approval at once."""

    bpmn: str | None = Field(default=None, description="The diagram's XML")
    change_note: str = ""
    files: dict[str, str] = Field(default_factory=dict, description="Other files by name: tables, forms")
    submit: bool = False
    WORDS: ClassVar[dict[str, str]] = {
        "bpmn": "bpmn must be the diagram's XML as text", "change_note": "change_note must be text",
        "files": "files must map file names to their text", "submit": "submit must be true or false"}


class CommentBody(Asked):
    comment: str = Field(default="", json_schema_extra={"maxLength": 4000})
    WORDS: ClassVar[dict[str, str]] = {"comment": "comment must be text"}


class PublishOptions(Asked):
    migrate: bool = Field(default=True, description="Move open cases to the new version where safe")
    WORDS: ClassVar[dict[str, str]] = {"migrate": "migrate must be true or false"}


class CaseMove(Answer):
    case_id: str
    reference: str
    version: int
    reason: str


class PublishPreview(Answer):
    next_version: int
    moving: list[CaseMove]
    staying: list[CaseMove]


class Published(Answer):
    version: ProcessVersion
    migrated: list[str] = Field(description="The open cases moved to the new version")
    kept: list[str] = Field(description="The open cases kept on their own version")
