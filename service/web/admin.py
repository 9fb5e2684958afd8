"""The admin's page: the accounts, with their roles and teams; create one, switch one off."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from service.accounts import service as accounts
from service.actors import ROLES
from service.errors import DomainError, InvalidInput

from .views import actor, now, transaction

web_admin = Blueprint("web_admin", __name__, template_folder="templates")


def _page(error: str | None = None, status: int = 200, form: dict[str, Any] | None = None) -> Any:
    with transaction() as db:
        users = accounts.list_users(session=db, actor=actor())
        teams = sorted({u.team for u in users if u.team})
        page = render_template("accounts.html", users=users, roles=ROLES, teams=teams, error=error, form=form or {})
    return page, status


@web_admin.get("/admin/accounts")
def accounts_page() -> Any:
    return _page()


@web_admin.post("/admin/accounts")
def create() -> Any:
    form = {name: request.form.get(name, "").strip() for name in ("username", "display_name", "email", "team")}
    try:
        with transaction() as db:
            accounts.require_admin(actor())
            if not all(form[name] for name in ("username", "display_name", "email")):
                raise InvalidInput("give a username, a name and an email address", field="username")
            accounts.create_user(session=db, username=form["username"], password=request.form.get("password", ""),
                                 roles=request.form.getlist("roles"), display_name=form["display_name"],
                                 email=form["email"], team=form["team"] or None, now=now())
    except DomainError as exc:
        return _page(exc.message, exc.status, form)
    flash(f"Account {form['username']} created.")
    return redirect(url_for("web_admin.accounts_page"))


@web_admin.post("/admin/accounts/<username>/deactivate")
def deactivate(username: str) -> Any:
    with transaction() as db:
        accounts.deactivate_user(session=db, actor=actor(), username=username)
    flash(f"Account {username} switched off: it can no longer sign in, and its tokens stop working.")
    return redirect(url_for("web_admin.accounts_page"))
