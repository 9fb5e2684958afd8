"""Open human tasks, projected from the engine so task lists never load a process instance."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.cases.models import Case
from service.db import Base, UTCDateTime
from service.sealing import SealedAnswers


class TaskStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class HumanTask(Base):
    __tablename__ = "human_task"
    __table_args__ = (
        # Task lists read open tasks by role queue, by assignee or by claimer, soonest due first.
        Index("ix_human_task_queue", "state", "role", "due_at"),
        # A manager's team queue: open manager tasks of one team, soonest due first, however many cases exist.
        Index("ix_human_task_team_queue", "state", "role", "team", "due_at"),
        Index("ix_human_task_assignee", "state", "assignee"),
        Index("ix_human_task_claimed_by", "state", "claimed_by"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str | None] = mapped_column(String(100), nullable=True)
    role: Mapped[str] = mapped_column(String(30))
    # The case's team, copied so team queues need no join.
    team: Mapped[str | None] = mapped_column(String(100), nullable=True)
    assignee: Mapped[str | None] = mapped_column(String(100), nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    form: Mapped[str | None] = mapped_column(String(200), nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    state: Mapped[str] = mapped_column(String(20), default=TaskStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    completed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # Answers saved but not yet submitted ("save as draft"), so work is not lost between sittings.
    draft: Mapped[dict[str, Any] | None] = mapped_column(SealedAnswers("human_task.draft"), nullable=True)
    # What the person submitted, kept per task: the decision record lists each answer as given.
    answers: Mapped[dict[str, Any] | None] = mapped_column(SealedAnswers("human_task.answers"), nullable=True)
    # The order tasks of one case were completed in (the case's version at that moment).
    completion_order: Mapped[int | None] = mapped_column(Integer, nullable=True)

    # Declared so the unit of work writes a new case before the tasks that point at it.
    case: Mapped[Case] = relationship(lazy="raise")
