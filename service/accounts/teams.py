"""The organisation's teams: an admin adds them; every practitioner and manager belongs to one.

A manager sees their own team's cases, so a team named by hand ("North" for "north") would hide
cases from the person who should see them. Accounts therefore name only teams that exist here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.access import require_admin
from service.actors import Actor
from service.audit.trail import record_event
from service.cases.models import Case
from service.errors import Conflict, InvalidInput, NotFound

from .models import Team, User

# The roles whose work is scoped by team.
TEAM_ROLES = frozenset({"practitioner", "manager"})
MAX_NAME = 100


@dataclass(frozen=True)
class TeamSummary:
    name: str
    members: int
    created_by: str
    created_at: datetime


def create_team(*, session: Session, actor: Actor, name: str, now: datetime) -> Team:
    """Add a team to the organisation; its name must differ from every other team's, whatever the case."""
    require_admin(actor, "teams")
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("give the team a name", field="name")
    if len(name) > MAX_NAME or "\x00" in name:
        raise InvalidInput(f"a team name is at most {MAX_NAME} characters of text", field="name")
    clash = _named_alike(session, name)
    if clash is not None:
        raise Conflict(f"there is already a team called {clash}")
    return _add(session=session, name=name, by=actor, now=now)


def _add(*, session: Session, name: str, by: Actor, now: datetime) -> Team:
    team = Team(name=name, created_by=by.username, created_at=now)
    session.add(team)
    session.flush()
    record_event(session=session, actor=by, action="team_added", at=now, summary={"team": name})
    return team


def remove_team(*, session: Session, actor: Actor, name: str, now: datetime) -> None:
    """Remove a team nobody belongs to and no case was raised in: one added by mistake."""
    require_admin(actor, "teams")
    team = session.scalars(select(Team).where(Team.name == name)).one_or_none()
    if team is None:
        raise NotFound(f"no team {name}")
    accounts = int(session.scalar(select(func.count()).select_from(User).where(User.team == name)) or 0)
    if accounts:
        raise Conflict(f"{name} cannot be removed: {accounts} account(s) belong to it (switched off ones too); "
                       "give them another team first")
    if session.scalar(select(Case.id).where(Case.team == name).limit(1)) is not None:
        raise Conflict(f"{name} cannot be removed: cases were raised in it, and they keep their team")
    session.delete(team)
    record_event(session=session, actor=actor, action="team_removed", at=now, summary={"team": name})


def list_teams(*, session: Session, actor: Actor) -> list[TeamSummary]:
    """Every team with how many active accounts belong to it."""
    require_admin(actor, "teams")
    members = (select(User.team, func.count().label("members")).where(User.active.is_(True))
               .group_by(User.team).subquery())
    rows = session.execute(
        select(Team, func.coalesce(members.c.members, 0))
        .outerjoin(members, members.c.team == Team.name).order_by(Team.name)
    ).all()
    return [TeamSummary(team.name, int(count), team.created_by, team.created_at) for team, count in rows]


def team_names(*, session: Session) -> list[str]:
    return list(session.scalars(select(Team.name).order_by(Team.name)))


def _named_alike(session: Session, name: str) -> str | None:
    """The team whose name is this one whatever the case. Compared here, not with the database's lower(),
    which on SQLite folds only A-Z ("Á" would pass its check and then break the unique name)."""
    wanted = name.casefold()
    return next((found for found in team_names(session=session) if found.casefold() == wanted), None)


def check_team_for(*, session: Session, team: str | None, roles: Iterable[str]) -> None:
    """A practitioner or manager needs a team, and any team named must be one of the organisation's."""
    if team is None:
        if TEAM_ROLES & set(roles):
            raise InvalidInput("practitioners and managers belong to a team: choose one", field="team")
        return
    if session.scalar(select(Team.id).where(Team.name == team)) is None:
        near = _named_alike(session, " ".join(team.split()))
        hint = f"did you mean {near}?" if near else "an admin adds teams on the accounts page"
        raise InvalidInput(f"there is no team called {team}; {hint}", field="team")


def ensure_teams(*, session: Session, names: Iterable[str], by: Actor, now: datetime) -> None:
    """Set-up and demo data: add whichever of these teams the organisation does not have yet."""
    have = set(team_names(session=session))
    for name in sorted(set(names) - have):
        _add(session=session, name=name, by=by, now=now)
