"""A package shared through a secure link: sealed content, the link's state and the recipient's receipt."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, UTCDateTime

MAX_CODE_FAILURES = 5


class LinkState(StrEnum):
    WAITING = "waiting"  # sent; the recipient has not yet entered the code
    OPENED = "opened"  # the code was entered: the package was shown (the link cannot be used again)
    EXPIRED = "expired"
    REVOKED = "revoked"
    LOCKED = "locked"  # five wrong codes
    RECEIPT_CONFIRMED = "receipt_confirmed"  # opened, and the recipient confirmed they have it


class SecureDisclosure(Base):
    """One package for one recipient. Nothing readable of it is stored: the content and the one-time
    code are sealed under the package's own key, itself wrapped by a master key; the link token is
    kept only as its SHA-256."""

    __tablename__ = "secure_disclosure"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"), index=True)
    # The "send securely" task that sent it (joins it to its disclosure-log entry); a link sent again
    # for the same transmission (``reissue_link``) shares it, and the newest stands for it.
    task_id: Mapped[str] = mapped_column(String(36), index=True)
    replaces: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    recipient_person: Mapped[str] = mapped_column(String(200))
    recipient_organisation: Mapped[str] = mapped_column(String(200))
    recipient_email: Mapped[str] = mapped_column(String(300))
    key_id: Mapped[str] = mapped_column(String(40))
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    sealed_content: Mapped[bytes] = mapped_column(LargeBinary)
    sealed_code: Mapped[bytes] = mapped_column(LargeBinary)
    link_token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    receipt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    receipt_by: Mapped[str | None] = mapped_column(String(200), nullable=True)

    def state(self, now: datetime) -> LinkState:
        if self.revoked_at is not None:
            return LinkState.REVOKED
        if self.locked_at is not None:
            return LinkState.LOCKED
        if self.receipt_at is not None:
            return LinkState.RECEIPT_CONFIRMED
        if self.opened_at is not None:
            return LinkState.OPENED
        if now >= self.expires_at:
            return LinkState.EXPIRED
        return LinkState.WAITING
