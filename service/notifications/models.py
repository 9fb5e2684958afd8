"""The outbox: notifications written with the change that caused them, delivered after commit."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.cases.models import Case
from service.db import Base, UTCDateTime
from service.sealing import SealedText


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after every retry: shown to operators, never dropped


class OutboxMessage(Base):
    """One email to send. A notification names no case details: only who it is for and a link into the
    service. A message to someone outside (a letter to the person the information is about) carries its
    address and its own body instead; the body is removed once it has been sent."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("case.id"), index=True, nullable=True)
    recipient_role: Mapped[str | None] = mapped_column(String(30), nullable=True)
    recipient_user: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # An address outside the service's accounts and queues (e.g. the person the information is about).
    recipient_address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    reason: Mapped[str] = mapped_column(String(40))  # task_waiting / escalation / reminder / letter_to_subject
    subject: Mapped[str] = mapped_column(String(200))
    link_path: Mapped[str] = mapped_column(String(200))
    # The message's own text, when it is not the standard "open the service" notification: kept sealed
    # (it may carry a secure link's token, or what was shared about a person), removed once sent.
    body: Mapped[str | None] = mapped_column(SealedText("outbox_message.body"), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    # Declared so the unit of work writes a new case before the messages about it.
    case: Mapped[Case | None] = relationship(lazy="raise")
