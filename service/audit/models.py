"""The audit trail's tables: every event, append-only and hash-chained, and the chain's current end."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, UTCDateTime


class AuditEvent(Base):
    """Append-only and hash-chained: each row's hash covers its fields and the previous row's hash."""

    __tablename__ = "audit_event"
    __table_args__ = (
        # The auditor's list of changes to the service itself (accounts, teams, processes): no case.
        Index("ix_audit_event_service_changes", "seq", postgresql_where=text("case_id IS NULL"),
              sqlite_where=text("case_id IS NULL")),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(30))
    action: Mapped[str] = mapped_column(String(60))
    case_id: Mapped[str | None] = mapped_column(String(36), index=True, nullable=True)
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    # Unique: two writers that read the same tail cannot both append after it.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's current end, so removing the newest rows is caught as well as editing old ones."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
