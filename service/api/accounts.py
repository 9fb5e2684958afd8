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

from .schemas import accounts as shapes
from .schemas.answers import answers
from .schemas.spec import operation
from .views import body, current_actor, text_field

api_accounts = Blueprint("api_accounts", __name__, url_prefix="/api")


@api_accounts.get("/users")
@operation(resp=answers("403", HTTP_200=(shapes.Users, "Accounts")))
def users() -> Any:
    """Accounts (admins)"""
    with transaction() as session:
        actor = current_actor(session)
        return jsonify(users=[_user(u) for u in accounts.list_users(session=session, actor=actor)])


@api_accounts.post("/users")
@operation(json=shapes.NewUser, resp=answers("403", "409", "422", HTTP_201=(shapes.User, "The account")))
def create_user() -> Any:
    """Create an account (admins)"""
    with transaction() as session:
        actor = current_actor(session)
        require_admin(actor)
        data = body()
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
@operation(resp=answers("403", HTTP_200=(shapes.Teams, "Teams")))
def teams() -> Any:
    """The organisation's teams, with their active members (admins)"""
    with transaction() as session:
        actor = current_actor(session)
        return jsonify(organisation=current_app.extensions["service_config"].organisation_name,
                       teams=[_team(t) for t in list_teams(session=session, actor=actor)])


@api_accounts.post("/teams")
@operation(json=shapes.NewTeam, resp=answers("403", "409", "422", HTTP_201=(shapes.Team, "The team")))
def create_team() -> Any:
    """Add a team (admins); names differ from every other team's, whatever the case"""
    with transaction() as session:
        actor = current_actor(session)
        data = body()
        team = add_team(session=session, actor=actor, name=text_field(data, "name"), now=now())
        return jsonify(_team(TeamSummary(team.name, 0, team.created_by, team.created_at))), 201


@api_accounts.delete("/teams/<name>")
@operation(resp=answers("403", "404", "409", HTTP_204="Removed"))
def remove_team(name: str) -> Any:
    """Remove a team nobody belongs to and no case was raised in (admins; audited)"""
    with transaction() as session:
        drop_team(session=session, actor=current_actor(session), name=name, now=now())
    return "", 204


def _team(team: TeamSummary) -> dict[str, Any]:
    return {"name": team.name, "members": team.members, "created_by": team.created_by,
            "created_at": team.created_at.isoformat()}


@api_accounts.post("/users/<username>/deactivate")
@operation(resp=answers("403", "404", "409", HTTP_200=(shapes.User, "The account")))
def deactivate_user(username: str) -> Any:
    """Switch an account off (admins): it cannot sign in and its tokens are revoked; `steps_left_behind` lists
    the open steps given to it"""
    with transaction() as session:
        actor = current_actor(session)
        user = accounts.deactivate_user(session=session, actor=actor, username=username, now=now())
        return jsonify(_user(user, left_behind=steps_left_behind(session=session, user=user)))


@api_accounts.post("/users/<username>/reactivate")
@operation(resp=answers("403", "404", HTTP_200=(shapes.User, "The account")))
def reactivate_user(username: str) -> Any:
    """Switch an account on again (admins), with the roles and team it had; it signs in afresh"""
    with transaction() as session:
        actor = current_actor(session)
        return jsonify(_user(accounts.reactivate_user(session=session, actor=actor, username=username, now=now())))


@api_accounts.delete("/tokens/current")
@operation(resp=answers(HTTP_204="Revoked"))
def revoke_current_token() -> Any:
    """Sign out of the API: revoke the token sent with this request (audited)

    The token stops working at once."""
    with transaction() as session:
        actor = current_actor(session)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        revoke_token(session=session, actor=actor, token=token, now=now())
    return "", 204


@api_accounts.post("/account/password")
@operation(json=shapes.OwnPassword, resp=answers("422", HTTP_200=(shapes.SignedOut, "Signed out everywhere")))
def change_own_password() -> Any:
    """Change your own password, giving the current one: every session and token of yours ends, this one too
    (audited, never the password)"""
    with transaction() as session:
        actor = current_actor(session)
        data = body()
        ended = accounts.change_own_password(session=session, actor=actor, now=now(),
                                             current=text_field(data, "current_password"),
                                             new=text_field(data, "new_password"))
        return jsonify(username=actor.username, sessions_ended=ended)


@api_accounts.put("/users/<username>/password")
@operation(json=shapes.NewPassword, resp=answers("403", "404", "422", HTTP_200=(shapes.SignedOut,
                                                                               "Signed out everywhere")))
def reset_password(username: str) -> Any:
    """Give someone else's account a new password (admins): its sessions and tokens end"""
    with transaction() as session:
        actor = current_actor(session)
        data = body()
        ended = accounts.reset_password(session=session, actor=actor, username=username, now=now(),
                                        password=text_field(data, "password"))
        return jsonify(username=username, sessions_ended=ended)


@api_accounts.post("/users/<username>/sign-out")
@operation(resp=answers("403", "404", HTTP_200=(shapes.User, "The account, with `sessions_ended`")))
def sign_out_account(username: str) -> Any:
    """Sign an account out of every browser and revoke its API tokens (admins; audited)"""
    with transaction() as session:
        actor = current_actor(session)
        user = accounts.account(session=session, actor=actor, username=username)
        ended = sign_out_everywhere(session=session, actor=actor, user=user, now=now())
        return jsonify(_user(user) | {"sessions_ended": ended})


@api_accounts.patch("/users/<username>")
@operation(json=shapes.AccessChange, resp=answers("403", "404", "409", "422", HTTP_200=(shapes.User, "The account")))
def change_access(username: str) -> Any:
    """Give an account other roles or another team (admins; audited with what it had); a key left out keeps
    what the account has. `steps_left_behind`: open steps given to it that it can no longer work, for someone to
    give to a colleague"""
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
