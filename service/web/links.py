"""The sender's pages for secure links: send one from "Send securely", show its one-time code to
read out by phone, withdraw it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for

from service.api import casework
from service.cases import service as cases
from service.config import Config
from service.disclosures import service as disclosures
from service.disclosures.package import package_content
from service.errors import DomainError
from service.processes.service import compiled_process
from service.tasks import service as tasks

from .recipient import keyring
from .views import actor, now, transaction

web_links = Blueprint("web_links", __name__, template_folder="templates")


@web_links.post("/tasks/<task_id>/secure-link")
def send(task_id: str) -> Any:
    config: Config = current_app.extensions["service_config"]
    try:
        with transaction() as db:
            casework.check_task_access(session=db, task_id=task_id, actor=actor())
            sent = disclosures.send_secure_link(
                session=db, task_id=task_id, actor=actor(), keyring=keyring(), now=now(),
                lifetime=config.secure_link_lifetime, base_url=config.base_url)
            link = disclosures.link_summary(sent.disclosure, now())
    except DomainError as exc:
        flash(f"The secure link was not sent: {exc.message}")
        return redirect(url_for("web.task", task_id=task_id))
    # Shown here, once, and never put in a redirect or a cookie; the case page can show it again.
    return render_template("link_sent.html", link=link, code=sent.code, case_id=sent.case.id)


@web_links.post("/secure-links/<disclosure_id>/code")
def show_code(disclosure_id: str) -> Any:
    with transaction() as db:
        code = disclosures.reveal_code(session=db, disclosure_id=disclosure_id, actor=actor(), keyring=keyring(),
                                       now=now())
        link = disclosures.link_summary(disclosures.get_disclosure(session=db, disclosure_id=disclosure_id), now())
    return render_template("link_sent.html", link=link, code=code, case_id=link["case_id"], again=True)


@web_links.post("/secure-links/<disclosure_id>/reissue")
def reissue(disclosure_id: str) -> Any:
    config: Config = current_app.extensions["service_config"]
    with transaction() as db:
        sent = disclosures.reissue_link(session=db, disclosure_id=disclosure_id, actor=actor(), keyring=keyring(),
                                        now=now(), lifetime=config.secure_link_lifetime,
                                        base_url=config.base_url)
        link = disclosures.link_summary(sent.disclosure, now())
    return render_template("link_sent.html", link=link, code=sent.code, case_id=sent.case.id)


@web_links.post("/secure-links/<disclosure_id>/revoke")
def revoke(disclosure_id: str) -> Any:
    with transaction() as db:
        revoked = disclosures.revoke(session=db, disclosure_id=disclosure_id, actor=actor(), now=now())
        case_id = revoked.case_id
    flash("The secure link has been withdrawn: it can no longer be opened.")
    return redirect(url_for("web.case", case_id=case_id))



def transmission_preview(task_id: str) -> dict[str, Any] | None:
    """For an open "send securely" task: who the package would go to and how many items (None otherwise)."""
    with transaction() as db:
        task = tasks.get_task(session=db, task_id=task_id)
        case = cases.get_case(session=db, case_id=task.case_id)
        info = compiled_process(case.process_version).user_tasks.get(task.element_id)
        if task.state != "open" or info is None or info.policy_step != "transmission":
            return None
        try:
            content = package_content(session=db, case=case, facts={}, sender=actor(), now=now())
        except DomainError:
            return None
    return {"recipient": content["recipient"], "items": len(content["items"])}
