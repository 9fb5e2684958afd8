"""The sender's pages for secure links: send one from "Send securely", show its one-time code to
read out by phone, withdraw it, send it again.

Each of those is a POST, and its page ("Secure link sent", the code) is shown once. Reached again by
GET (a reload, the back button, a bookmark), each address sends nothing and shows no code: it takes
the sender to the case page with a short note saying where the link stands.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from sqlalchemy.orm import Session

from service import casework
from service.cases import service as cases
from service.cases.models import Case
from service.config import Config
from service.disclosures import service as disclosures
from service.disclosures.models import LinkState, SecureDisclosure
from service.errors import DomainError, NotFound
from service.flows import secure_links
from service.flows.task_actions import task_for_work
from service.processes.service import compiled_process
from service.records.package import package_content
from service.tasks import service as tasks

from .context import actor, now, transaction
from .recipient import keyring

web_links = Blueprint("web_links", __name__, template_folder="templates")
ALREADY_SENT = "The secure link was already sent: you can show its code again from the case page."
STATE_WORDS = {LinkState.OPENED: "it has been opened", LinkState.RECEIPT_CONFIRMED: "its receipt is confirmed",
               LinkState.EXPIRED: "it has expired", LinkState.REVOKED: "it has been withdrawn",
               LinkState.LOCKED: "it locked after too many wrong codes"}


@web_links.post("/tasks/<task_id>/secure-link")
def send(task_id: str) -> Any:
    config: Config = current_app.extensions["service_config"]
    try:
        with transaction() as db:
            task_for_work(session=db, task_id=task_id, actor=actor())
            sent = secure_links.send_secure_link(
                session=db, task_id=task_id, actor=actor(), keyring=keyring(), now=now(),
                lifetime=config.secure_link_lifetime, base_url=config.base_url, config=config)
            link = disclosures.link_summary(sent.disclosure, now())
            following = _next_step(db, sent.case)
    except DomainError as exc:
        flash(f"The secure link was not sent: {exc.message}")
        return redirect(url_for("web.task", task_id=task_id))
    # Shown here, once, and never put in a redirect or a cookie; the case page can show it again.
    return render_template("link_sent.html", link=link, code=sent.code, case_id=sent.case.id, next_step=following)


@web_links.get("/tasks/<task_id>/secure-link")
def sent_page(task_id: str) -> Any:
    """"Secure link sent" reloaded: nothing is sent again and the code is not shown."""
    with transaction() as db:
        task = tasks.get_task(session=db, task_id=task_id)
        case = _visible_case(db, task.case_id, f"no task {task_id}")
        sent = [d for d in disclosures.disclosures_of(session=db, case_id=case.id) if d.task_id == task.id]
        still_open = task.state == "open"
    if sent:
        newest = sent[-1].state(now())
        flash(ALREADY_SENT if newest == LinkState.WAITING else
              f"The secure link was already sent, and {STATE_WORDS[newest]}: the case page shows where it stands.")
    elif still_open:
        flash("Nothing has been sent yet: press “Send a secure link” to send it.")
        return redirect(url_for("web.task", task_id=task_id))
    else:
        flash("No secure link was sent from this step.")
    return redirect(url_for("web.case", case_id=case.id))


@web_links.post("/secure-links/<disclosure_id>/code")
def show_code(disclosure_id: str) -> Any:
    with transaction() as db:
        code = disclosures.reveal_code(session=db, disclosure_id=disclosure_id, actor=actor(), keyring=keyring(),
                                       now=now())
        found = disclosures.get_disclosure(session=db, disclosure_id=disclosure_id)
        link = disclosures.link_summary(found, now())
        following = _next_step(db, cases.get_case(session=db, case_id=found.case_id))
    return render_template("link_sent.html", link=link, code=code, case_id=link["case_id"], again=True,
                           next_step=following)


@web_links.get("/secure-links/<disclosure_id>/code")
def code_page(disclosure_id: str) -> Any:
    """The code's page reloaded: the code is shown only when asked for, never at an address that reloads."""
    with transaction() as db:
        found = _visible_link(db, disclosure_id)
        state, case_id = found.state(now()), found.case_id
    flash("To see the one-time code again, press “Show the one-time code” beside the link."
          if state == LinkState.WAITING else
          f"This link's code is no longer needed: {STATE_WORDS[state]}.")
    return redirect(url_for("web.case", case_id=case_id))


@web_links.post("/secure-links/<disclosure_id>/reissue")
def reissue(disclosure_id: str) -> Any:
    config: Config = current_app.extensions["service_config"]
    with transaction() as db:
        sent = secure_links.reissue_link(session=db, disclosure_id=disclosure_id, actor=actor(), keyring=keyring(),
                                        now=now(), lifetime=config.secure_link_lifetime,
                                        base_url=config.base_url, config=config)
        link = disclosures.link_summary(sent.disclosure, now())
        following = _next_step(db, sent.case)
    return render_template("link_sent.html", link=link, code=sent.code, case_id=sent.case.id, next_step=following)


@web_links.get("/secure-links/<disclosure_id>/reissue")
def reissued_page(disclosure_id: str) -> Any:
    """"Send a new link" reloaded: nothing is sent again."""
    with transaction() as db:
        found = _visible_link(db, disclosure_id)
        sent_again = any(d.replaces == found.id for d in disclosures.disclosures_of(session=db, case_id=found.case_id))
        case_id = found.case_id
    flash("The new link was already sent: you can show its code again from the case page." if sent_again else
          "No new link was sent: press “Send a new link” on the case page to send one.")
    return redirect(url_for("web.case", case_id=case_id))


@web_links.post("/secure-links/<disclosure_id>/revoke")
def revoke(disclosure_id: str) -> Any:
    with transaction() as db:
        revoked = disclosures.revoke(session=db, disclosure_id=disclosure_id, actor=actor(), now=now())
        case_id = revoked.case_id
    flash("The secure link has been withdrawn: it can no longer be opened.")
    return redirect(url_for("web.case", case_id=case_id))


@web_links.get("/secure-links/<disclosure_id>/revoke")
def revoked_page(disclosure_id: str) -> Any:
    """"Withdraw the link" reached by GET: nothing is withdrawn by following an address."""
    with transaction() as db:
        found = _visible_link(db, disclosure_id)
        withdrawn, case_id = found.revoked_at is not None, found.case_id
    flash("The secure link was already withdrawn: it can no longer be opened." if withdrawn else
          "The link has not been withdrawn: press “Withdraw the link” on the case page to withdraw it.")
    return redirect(url_for("web.case", case_id=case_id))


def _visible_case(db: Session, case_id: str, unknown: str) -> Case:
    """The case, if the signed-in person may see it; otherwise, like an unknown id, not found."""
    case = cases.get_case(session=db, case_id=case_id)
    if not casework.can_see(db, actor(), case):
        raise NotFound(unknown)
    return case


def _visible_link(db: Session, disclosure_id: str) -> SecureDisclosure:
    found = disclosures.get_disclosure(session=db, disclosure_id=disclosure_id)
    _visible_case(db, found.case_id, f"no secure link {disclosure_id}")
    return found


def _next_step(db: Session, case: Case) -> dict[str, str] | None:
    """The first open step of the case the signed-in person can do now, if there is one."""
    found = casework.next_tasks(session=db, case=case, actor=actor())
    return {"id": found[0].id, "name": found[0].name} if found else None


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
