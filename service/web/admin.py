"""The admin's pages: the organisation's teams and accounts; add a team, create an account, change its
roles or team, switch it off or back on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from service.access import require_admin
from service.accounts import service as accounts
from service.accounts.sessions import sign_out_everywhere
from service.accounts.teams import create_team, list_teams, remove_team
from service.actors import ROLES
from service.errors import DomainError, InvalidInput
from service.tasks.service import steps_left_behind

from .context import actor, now, transaction

web_admin = Blueprint("web_admin", __name__, template_folder="templates")


def _page(error: str | None = None, status: int = 200, form: dict[str, Any] | None = None,
          team_error: str | None = None, team_form: str = "") -> Any:
    with transaction() as db:
        users = accounts.list_users(session=db, actor=actor())
        teams = list_teams(session=db, actor=actor())
        page = render_template("accounts.html", users=users, roles=ROLES, teams=teams, error=error, form=form or {},
                               team_error=team_error, team_form=team_form,
                               organisation=current_app.extensions["service_config"].organisation_name)
    return page, status


@web_admin.get("/admin/accounts")
def accounts_page() -> Any:
    return _page()


@web_admin.post("/admin/accounts")
def create() -> Any:
    form: dict[str, Any] = {name: request.form.get(name, "").strip()
                            for name in ("username", "display_name", "email", "team")}
    form["roles"] = request.form.getlist("roles")
    try:
        with transaction() as db:
            require_admin(actor())
            if not all(form[name] for name in ("username", "display_name", "email")):
                raise InvalidInput("give a username, a name and an email address", field="username")
            accounts.create_user(session=db, username=form["username"], password=request.form.get("password", ""),
                                 roles=form["roles"], display_name=form["display_name"],
                                 email=form["email"], team=form["team"] or None, now=now(), by=actor())
    except DomainError as exc:
        return _page(exc.message, exc.status, form)
    flash(f"Account {form['username']} created.")
    return redirect(url_for("web_admin.accounts_page"))


@web_admin.post("/admin/teams")
def add_team() -> Any:
    name = request.form.get("name", "")
    try:
        with transaction() as db:
            team = create_team(session=db, actor=actor(), name=name, now=now())
    except DomainError as exc:
        return _page(team_error=exc.message, status=exc.status, team_form=name)
    flash(f"Team {team.name} added: its practitioners and manager can now be given accounts.")
    return redirect(url_for("web_admin.accounts_page"))


@web_admin.post("/admin/teams/<name>/remove")
def drop_team(name: str) -> Any:
    try:
        with transaction() as db:
            remove_team(session=db, actor=actor(), name=name, now=now())
    except DomainError as exc:
        if exc.status == 404:
            raise
        return _page(team_error=exc.message, status=exc.status)
    flash(f"Team {name} removed.")
    return redirect(url_for("web_admin.accounts_page"))


@web_admin.post("/admin/accounts/<username>/deactivate")
def deactivate(username: str) -> Any:
    return _switch(username, accounts.deactivate_user,
                   "switched off: it can no longer sign in, and its API tokens are revoked.")


@web_admin.post("/admin/accounts/<username>/reactivate")
def reactivate(username: str) -> Any:
    return _switch(username, accounts.reactivate_user, "switched on again, with the roles and team it had.")


def _switch(username: str, switch: Callable[..., Any], done: str) -> Any:
    with transaction() as db:
        user = switch(session=db, actor=actor(), username=username, now=now())
        left = len(steps_left_behind(session=db, user=user))
    flash(f"Account {username} {done}" + _left_behind(username, left))
    return redirect(url_for("web_admin.accounts_page"))


def _left_behind(username: str, steps: int) -> str:
    if not steps:
        return ""
    return (f" {steps} open step{'s' if steps > 1 else ''} given to {username} can no longer be worked by them: "
            "a manager of the case's team or the DSL should give "
            f"{'them' if steps > 1 else 'it'} to someone else.")


def _account_page(username: str, error: str | None = None, status: int = 200,
                  chosen: dict[str, Any] | None = None) -> Any:
    with transaction() as db:
        user = accounts.account(session=db, actor=actor(), username=username)
        page = render_template("account.html", user=user, roles=ROLES, teams=list_teams(session=db, actor=actor()),
                               error=error, chosen=chosen or {"roles": user.roles.split(), "team": user.team or ""})
    return page, status


@web_admin.get("/admin/accounts/<username>")
def account_page(username: str) -> Any:
    return _account_page(username)


@web_admin.post("/admin/accounts/<username>")
def change_access(username: str) -> Any:
    roles, team = request.form.getlist("roles"), request.form.get("team", "").strip()
    try:
        with transaction() as db:
            user = accounts.change_access(session=db, actor=actor(), username=username, roles=roles,
                                          team=team or None, now=now())
            left = len(steps_left_behind(session=db, user=user))
    except DomainError as exc:
        if exc.status == 404:
            raise
        return _account_page(username, exc.message, exc.status, {"roles": roles, "team": team})
    flash(f"Account {username} now has: {', '.join(sorted(set(roles)))}" + (f", in {team}." if team else ".")
          + _left_behind(username, left))
    return redirect(url_for("web_admin.accounts_page"))


@web_admin.post("/admin/accounts/<username>/sign-out")
def sign_out(username: str) -> Any:
    with transaction() as db:
        user = accounts.account(session=db, actor=actor(), username=username)
        ended = sign_out_everywhere(session=db, actor=actor(), user=user, now=now())
    flash(f"{username} is signed out everywhere: " + (f"{ended} browser session(s) or API token(s) ended." if ended
                                                       else "they were not signed in anywhere."))
    return redirect(url_for("web_admin.account_page", username=username))
