"""A person changes their own password: every session of theirs ends, and they sign in with the new one."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for

from service.accounts import service as accounts
from service.errors import InvalidInput

from .context import actor, now, transaction

web_account = Blueprint("web_account", __name__, template_folder="templates")


@web_account.get("/account/password")
def password_page() -> Any:
    return render_template("password.html", error=None, field=None)


@web_account.post("/account/password")
def change_password() -> Any:
    try:
        with transaction() as db:
            accounts.change_own_password(session=db, actor=actor(), current=request.form.get("current_password", ""),
                                         new=request.form.get("new_password", ""), now=now())
    except InvalidInput as exc:
        return render_template("password.html", error=exc.message, field=exc.field), 422
    session.clear()
    flash("Your password is changed, and you are signed out everywhere: sign in with the new one.")
    return redirect(url_for("web.login"))
