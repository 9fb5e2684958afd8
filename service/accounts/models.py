"""People who use the service: the organisation's teams, local accounts with roles and a team, and
their API tokens. One deployment serves one organisation (named by ORGANISATION_NAME)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db import Base, UTCDateTime


class Team(Base):
    """A team of the organisation: practitioners and their manager; a manager sees their team's cases."""

    __tablename__ = "team"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(300))
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id
    roles: Mapped[str] = mapped_column(String(200))  # space-separated role names
    # Only a team the organisation has: a misspelt team would hide cases from their manager.
    team: Mapped[str | None] = mapped_column(ForeignKey("team.name"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Who last set this account's roles (created it, or changed them): four eyes on a process change
    # means two process owners neither of whom was given the role by the other.
    roles_granted_by: Mapped[str | None] = mapped_column(String(100), nullable=True)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")
    sessions: Mapped[list[WebSession]] = relationship(back_populates="user", cascade="all, delete-orphan")


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored, so a database leak gives no working token."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="tokens")


class WebSession(Base):
    """A signed-in browser session: the cookie carries a random id, only its SHA-256 is stored. Deleting
    the row ends the session, whatever the cookie says (signing out, switching an account off)."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="sessions")


class LoginAttempt(Base):
    """Failed sign-ins, counted per username and per client address to slow down password guessing
    (kept in the database, so every web process sees the same counts)."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The address the attempt came from: many usernames tried from one place are slowed down too.
    client: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
