"""A case: one information-sharing decision being worked through the process."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db import Base, UTCDateTime
from service.processes.models import ProcessVersion
from service.sealing import SealedText


class CaseStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    INCIDENT = "incident"


class Case(Base):
    __tablename__ = "case"
    __table_args__ = (
        # The sweep asks "which active cases have a timer due by now?" many times a minute.
        Index("ix_case_due_timers", "status", "next_timer_at"),
        Index("ix_case_started_by", "started_by"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.ACTIVE)
    direction: Mapped[str] = mapped_column(String(20))
    urgency: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    started_by: Mapped[str] = mapped_column(String(100))
    team: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The engine's state: every answer the process holds, so kept sealed (service.sealing).
    instance_state: Mapped[str] = mapped_column(SealedText("case.instance_state"))
    serializer_version: Mapped[str] = mapped_column(String(20))
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    incident_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    incident_element: Mapped[str | None] = mapped_column(String(200), nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    process_version: Mapped[ProcessVersion] = relationship(lazy="joined")

    # Optimistic concurrency: every UPDATE checks and bumps `version`, so a writer holding a stale
    # copy fails instead of overwriting someone else's step.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it once


class TimerFiring(Base):
    """When a timer was due and when it fired: the lateness the operators' metrics report."""

    __tablename__ = "timer_firing"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"), index=True)
    element_id: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lateness_seconds: Mapped[float] = mapped_column(Float)

    case: Mapped[Case] = relationship(lazy="raise")
