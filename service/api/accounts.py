"""The admins' API: the organisation's accounts and teams. Every change here is an audit event."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request

from service.access import require_admin
from service.accounts import service as accounts
from service.accounts.sessions import revoke_token, sign_out_everywhere
from service.accounts.teams import TeamSummary, list_teams
from service.accounts.teams import create_team as add_team
from service.accounts.teams import remove_team as drop_team
from service.errors import InvalidInput
from service.request_scope import now, transaction
from service.tasks.models import HumanTask
from service.tasks.service import steps_left_behind

from .views import body, current_actor, text_field

api_accounts = Blueprint("api_accounts", __name__, url_prefix="/api")


@api_accounts.get("/users")
def users() -> Any:
    with transaction() as session:
        actor = current_actor(session)
        return jsonify(users=[_user(u) for u in accounts.list_users(session=session, actor=actor)])


@api_accounts.post("/users")
def create_user() -> Any:
    with transaction() as session:
        actor = current_actor(session)
        data = body()
        require_admin(actor)
        roles = data.get("roles")
        if not isinstance(roles, list) or not roles or not all(isinstance(r, str) for r in roles):
            raise InvalidInput("roles must be a list of role names", field="roles")
        team = data.get("team")
        user = accounts.create_user(session=session, username=text_field(data, "username"),
                                    password=text_field(data, "password"), roles=roles,
                                    display_name=text_field(data, "display_name"), email=text_field(data, "email"),
                                    team=team if isinstance(team, str) and team else None, now=now(), by=actor)
        return jsonify(_user(user)), 201


@api_accounts.get("/teams")
def teams() -> Any:
    with transaction() as session:
        actor = current_actor(session)
        return jsonify(organisation=current_app.extensions["service_config"].organisation_name,
                       teams=[_team(t) for t in list_teams(session=session, actor=actor)])


@api_accounts.post("/teams")
def create_team() -> Any:
    with transaction() as session:
        actor = current_actor(session)
        data = body()
        team = add_team(session=session, actor=actor, name=text_field(data, "name"), now=now())
        return jsonify(_team(TeamSummary(team.name, 0, team.created_by, team.created_at))), 201


@api_accounts.delete("/teams/<name>")
def remove_team(name: str) -> Any:
    with transaction() as session:
        drop_team(session=session, actor=current_actor(session), name=name, now=now())
    return "", 204


def _team(team: TeamSummary) -> dict[str, Any]:
    return {"name": team.name, "members": team.members, "created_by": team.created_by,
            "created_at": team.created_at.isoformat()}


@api_accounts.post("/users/<username>/deactivate")
def deactivate_user(username: str) -> Any:
    with transaction() as session:
        actor = current_actor(session)
        user = accounts.deactivate_user(session=session, actor=actor, username=username, now=now())
        return jsonify(_user(user, left_behind=steps_left_behind(session=session, user=user)))


@api_accounts.post("/users/<username>/reactivate")
def reactivate_user(username: str) -> Any:
    with transaction() as session:
        actor = current_actor(session)
        return jsonify(_user(accounts.reactivate_user(session=session, actor=actor, username=username, now=now())))


@api_accounts.delete("/tokens/current")
def revoke_current_token() -> Any:
    """Sign out of the API: the token sent with this request stops working at once."""
    with transaction() as session:
        actor = current_actor(session)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        revoke_token(session=session, actor=actor, token=token, now=now())
    return "", 204


@api_accounts.post("/account/password")
def change_own_password() -> Any:
    """A new password for the signed-in person: every session and token of theirs ends, this one too."""
    with transaction() as session:
        actor = current_actor(session)
        data = body()
        ended = accounts.change_own_password(session=session, actor=actor, now=now(),
                                             current=text_field(data, "current_password"),
                                             new=text_field(data, "new_password"))
        return jsonify(username=actor.username, sessions_ended=ended)


@api_accounts.put("/users/<username>/password")
def reset_password(username: str) -> Any:
    """An admin sets a new password for someone else's account: its sessions and tokens end."""
    with transaction() as session:
        actor = current_actor(session)
        data = body()
        ended = accounts.reset_password(session=session, actor=actor, username=username, now=now(),
                                        password=text_field(data, "password"))
        return jsonify(username=username, sessions_ended=ended)


@api_accounts.post("/users/<username>/sign-out")
def sign_out_account(username: str) -> Any:
    """An admin signs an account out of every browser and revokes its API tokens."""
    with transaction() as session:
        actor = current_actor(session)
        user = accounts.account(session=session, actor=actor, username=username)
        ended = sign_out_everywhere(session=session, actor=actor, user=user, now=now())
        return jsonify(_user(user) | {"sessions_ended": ended})


@api_accounts.patch("/users/<username>")
def change_access(username: str) -> Any:
    """Other roles or another team for an account; a key left out keeps what the account has."""
    with transaction() as session:
        actor = current_actor(session)
        data = body()
        current = accounts.account(session=session, actor=actor, username=username)
        roles = data.get("roles", current.roles.split())
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise InvalidInput("roles must be a list of role names", field="roles")
        team = data.get("team", current.team)
        if team is not None and not isinstance(team, str):
            raise InvalidInput("team must be a team's name, or null for none", field="team")
        changed = accounts.change_access(session=session, actor=actor, username=username, roles=roles,
                                         team=team or None, now=now())
        return jsonify(_user(changed, left_behind=steps_left_behind(session=session, user=changed)))


def _user(user: Any, left_behind: list[HumanTask] | None = None) -> dict[str, Any]:
    shown = {"username": user.username, "display_name": user.display_name, "email": user.email,
             "roles": user.roles.split(), "team": user.team, "active": user.active}
    if left_behind is not None:
        # Open steps given to them that they can no longer work: someone must give them to a colleague.
        shown["steps_left_behind"] = [{"task_id": t.id, "case_id": t.case_id, "name": t.name, "role": t.role,
                                       "due_at": t.due_at.isoformat() if t.due_at else None} for t in left_behind]
    return shown
