"""Process definitions and their immutable, content-addressed versions."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db import Base, UTCDateTime


class ProcessDefinition(Base):
    __tablename__ = "process_definition"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    versions: Mapped[list[ProcessVersion]] = relationship(
        back_populates="definition", order_by="ProcessVersion.number"
    )


class ProcessVersion(Base):
    """One published version: its files never change once written."""

    __tablename__ = "process_version"
    # The same files may come back as a later version (a rollback), so the content hash is not unique.
    __table_args__ = (UniqueConstraint("definition_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"))
    number: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    process_id: Mapped[str] = mapped_column(String(200))
    author: Mapped[str] = mapped_column(String(100))
    change_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The second process owner who approved the draft this version was published from (four eyes);
    # None for the version the service shipped with.
    approved_by: Mapped[str | None] = mapped_column(String(100), nullable=True)

    definition: Mapped[ProcessDefinition] = relationship(back_populates="versions")
    files: Mapped[list[ProcessFile]] = relationship(
        back_populates="version", order_by="ProcessFile.name"
    )

    def file_map(self) -> dict[str, str]:
        return {f.name: f.content for f in self.files}


class ProcessFile(Base):
    """A BPMN, DMN or form (JSON Schema) file belonging to one version."""

    __tablename__ = "process_file"
    __table_args__ = (UniqueConstraint("version_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    content: Mapped[str] = mapped_column(Text)

    version: Mapped[ProcessVersion] = relationship(back_populates="files")


class DraftStatus(StrEnum):
    """A draft's life: its author edits it in place (working), asks for approval (submitted), may take it
    back (withdrawn, it is working again); a second process owner rejects it with a comment (rejected, its
    author may edit it again) or approves it (approved); then it is published, or its author discards it."""

    WORKING = "working"
    SUBMITTED = "submitted"
    REJECTED = "rejected"
    APPROVED = "approved"
    PUBLISHED = "published"
    DISCARDED = "discarded"


# Drafts still in someone's hands: each owner has at most one of these per process.
OPEN_DRAFT_STATUSES = (DraftStatus.WORKING, DraftStatus.SUBMITTED, DraftStatus.REJECTED, DraftStatus.APPROVED)
# Drafts waiting for a second process owner.
WAITING_DRAFT_STATUSES = (DraftStatus.SUBMITTED,)


class ProcessDraft(Base):
    """A process owner's proposed next version: checked when saved, published after a second owner approves."""

    __tablename__ = "process_draft"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    definition_key: Mapped[str] = mapped_column(String(100), index=True)
    # The version the draft was made from: it can only be published while that is still the newest.
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("process_version.id"), nullable=True)
    # The complete file set as JSON ({name: content}): the uploaded files over the base version's.
    files: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(100))
    # Who had given the author their roles when they wrote it: never the one to approve it.
    author_roles_granted_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    change_note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=DraftStatus.WORKING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When its files last changed (saving edits the owner's draft in place), and when it was last submitted.
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The version this draft brings back, when it is a rollback (its files are that version's).
    rollback_of: Mapped[int | None] = mapped_column(Integer, nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    published_version_id: Mapped[int | None] = mapped_column(ForeignKey("process_version.id"), nullable=True)

    base_version: Mapped[ProcessVersion | None] = relationship(foreign_keys=[base_version_id])
    published_version: Mapped[ProcessVersion | None] = relationship(foreign_keys=[published_version_id])
    comments: Mapped[list[DraftComment]] = relationship(order_by="DraftComment.id", back_populates="draft")

    def file_map(self) -> dict[str, str]:
        files: dict[str, str] = json.loads(self.files)
        return files


class DraftComment(Base):
    """One step of a draft's review, in the words of whoever took it: submitted, withdrawn, rejected,
    approved, published, discarded, or a plain comment."""

    __tablename__ = "process_draft_comment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("process_draft.id"), index=True)
    author: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    draft: Mapped[ProcessDraft] = relationship(back_populates="comments")
