"""Signing in, accounts and teams: what the API takes and what it answers."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from .common import Answer, Asked, Instant, Text


class SignIn(Asked):
    username: Text
    password: Text


class Token(Answer):
    token: str
    expires_at: Instant
    username: str
    roles: list[str]


class LeftBehind(Answer):
    """An open step given to the account that it can no longer work: someone must give it to a colleague."""

    task_id: str
    case_id: str
    name: str
    role: str
    due_at: Instant | None


class User(Answer):
    username: str
    display_name: str
    email: str
    roles: list[str]
    team: str | None
    active: bool
    steps_left_behind: list[LeftBehind] = Field(default_factory=list, description=(
        "After a change of access or a deactivation: the open steps given to it that it can no longer work"))
    sessions_ended: int | None = Field(default=None, description="After signing it out: the sessions ended")


class Users(Answer):
    users: list[User]


class Team(Answer):
    name: str
    members: int = Field(description="How many active accounts belong to it")
    created_by: str
    created_at: Instant


class Teams(Answer):
    organisation: str
    teams: list[Team]


class SignedOut(Answer):
    username: str
    sessions_ended: int


class NewUser(Asked):
    roles: list[str] = Field(min_length=1)
    username: Text
    password: Text
    display_name: Text
    email: Text
    team: str | None = Field(default=None, description="One of GET /api/teams; required for practitioners and "
                                                       "managers")
    WORDS: ClassVar[dict[str, str]] = {"roles": "roles must be a list of role names"}


class AccessChange(Asked):
    """Other roles or another team; a key left out keeps what the account has."""

    roles: list[str] | None = Field(default=None, json_schema_extra={"minItems": 1})
    team: str | None = Field(default=None, description="One of GET /api/teams, or null for none")
    WORDS: ClassVar[dict[str, str]] = {"roles": "roles must be a list of role names",
                                       "team": "team must be a team's name, or null for none"}


class NewTeam(Asked):
    name: Text = Field(json_schema_extra={"maxLength": 100})


class OwnPassword(Asked):
    current_password: Text
    new_password: Text = Field(json_schema_extra={"minLength": 12})


class NewPassword(Asked):
    password: Text = Field(json_schema_extra={"minLength": 12})
