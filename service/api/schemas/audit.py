"""The audit trail as the API reads it: the chain's check, and the changes to accounts, teams and processes."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from service.audit.trail import MAX_SEQ

from .cases import AuditEvent
from .common import Answer, Query


class AuditReport(Answer):
    ok: bool
    checked: int = Field(description="How many events were walked")
    problems: list[str] = Field(description="Each break in the chain, in plain words")


class AuditChanges(Answer):
    events: list[AuditEvent]
    older: int | None = Field(description="The `before` of the next page; null on the last")


class AuditQuery(Query):
    before: int | None = Field(default=None, ge=0, le=MAX_SEQ, description="Events older than this seq")
    limit: int = Field(default=50, ge=1, le=200)
    WORDS: ClassVar[dict[str, str]] = {"before": "before must be the seq of an event",
                                       "limit": "limit must be a whole number from 1 to 200"}
