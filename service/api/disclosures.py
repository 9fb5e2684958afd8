"""REST endpoints for secure links: send one from a "send securely" task, list a case's links,
show the one-time code to read by phone, revoke a link."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from service import casework
from service.config import Config
from service.disclosures import service as disclosures
from service.disclosures.keys import Keyring
from service.flows import secure_links
from service.flows.task_actions import task_for_work
from service.request_scope import now, transaction

from .schemas.answers import answers
from .schemas.links import Code, Reissued, SecureLink, SecureLinks, Sent
from .schemas.spec import operation
from .views import current_actor

api_links = Blueprint("api_links", __name__, url_prefix="/api")


def _keyring() -> Keyring:
    found: Keyring = current_app.extensions["disclosure_keyring"]
    return found


@api_links.post("/tasks/<task_id>/secure-link")
@operation(resp=answers("403", "404", "409", "422", HTTP_201=(Sent, "The link (no content) and its code")))
def send_secure_link(task_id: str) -> Any:
    """From a 'Send securely' task: seal the chosen package, email the recipient a single-use link and
    complete the task; the reply holds the one-time code to read out by phone"""
    config: Config = current_app.extensions["service_config"]
    with transaction() as session:
        actor = current_actor(session)
        task_for_work(session=session, task_id=task_id, actor=actor)
        sent = secure_links.send_secure_link(
            session=session, task_id=task_id, actor=actor, keyring=_keyring(), now=now(),
            lifetime=config.secure_link_lifetime, base_url=config.base_url, config=config)
        return jsonify(secure_link=disclosures.link_summary(sent.disclosure, now()), code=sent.code,
                       case=casework.case_summary(sent.case),
                       next_tasks=[casework.task_summary(t) for t in
                                   casework.next_tasks(session=session, case=sent.case, actor=actor)]), 201


@api_links.get("/cases/<case_id>/secure-links")
@operation(resp=answers("403", "404", HTTP_200=(SecureLinks, "The links")))
def list_secure_links(case_id: str) -> Any:
    """A case's secure links: recipient, state, opened, downloaded, receipt (no content)"""
    with transaction() as session:
        actor = current_actor(session)
        case = casework.readable_case(session=session, case_id=case_id, actor=actor, now=now())
        return jsonify(secure_links=[disclosures.link_summary(d, now())
                                     for d in disclosures.disclosures_of(session=session, case_id=case.id)])


@api_links.get("/secure-links/<disclosure_id>/code")
@operation(resp=answers("403", "404", HTTP_200=(Code, "The code")))
def show_code(disclosure_id: str) -> Any:
    """The one-time code again, for the sender or the DSL to read out (audited)"""
    with transaction() as session:
        actor = current_actor(session)
        code = disclosures.reveal_code(session=session, disclosure_id=disclosure_id, actor=actor, keyring=_keyring(),
                                       now=now())
        return jsonify(code=code)


@api_links.post("/secure-links/<disclosure_id>/reissue")
@operation(resp=answers("403", "404", "409", HTTP_201=(Reissued, "The new link and its code")))
def reissue(disclosure_id: str) -> Any:
    """Send the same package again as a new link with a new code (the old link is withdrawn); the sender or
    the DSL"""
    config: Config = current_app.extensions["service_config"]
    with transaction() as session:
        actor = current_actor(session)
        sent = secure_links.reissue_link(session=session, disclosure_id=disclosure_id, actor=actor, keyring=_keyring(),
                                        now=now(), lifetime=config.secure_link_lifetime,
                                        base_url=config.base_url, config=config)
        return jsonify(secure_link=disclosures.link_summary(sent.disclosure, now()), code=sent.code), 201


@api_links.post("/secure-links/<disclosure_id>/revoke")
@operation(resp=answers("403", "404", HTTP_200=(SecureLink, "The link")))
def revoke(disclosure_id: str) -> Any:
    """Withdraw a link (the sender or the DSL): it can no longer be opened"""
    with transaction() as session:
        actor = current_actor(session)
        revoked = disclosures.revoke(session=session, disclosure_id=disclosure_id, actor=actor, now=now())
        return jsonify(disclosures.link_summary(revoked, now()))
