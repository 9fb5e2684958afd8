"""Secure links: what the sender sees of one (never its content), and the answers of sending, reissuing,
revoking one and showing its code."""

from __future__ import annotations

from pydantic import Field

from .cases import Case, Task
from .common import Answer, Instant


class SecureLink(Answer):
    """To whom a package was sent, the link's state and what the recipient did (no content)."""

    id: str
    case_id: str
    task_id: str | None
    recipient_person: str
    recipient_organisation: str
    recipient_email: str
    sent_by: str
    sent_at: Instant | None
    expires_at: Instant | None
    state: str
    failed_attempts: int
    opened_at: Instant | None
    downloaded_at: Instant | None
    revoked_at: Instant | None
    revoked_by: str | None
    receipt_at: Instant | None
    receipt_by: str | None
    replaces: str | None = Field(description="The link this one was reissued in place of")


class SecureLinks(Answer):
    secure_links: list[SecureLink]


class Code(Answer):
    code: str = Field(description="The one-time code, for the sender to read out by phone")


class Reissued(Code):
    secure_link: SecureLink


class Sent(Reissued):
    case: Case
    next_tasks: list[Task]
