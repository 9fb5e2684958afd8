"""The recipient's pages: open a secure link with the one-time code, read the package once,
download it once as a PDF, confirm receipt. No account: the link and the code are the keys.

Refusals are committed with their audit event before the page is shown (a wrong code counts
even though nothing opens). Pages are never cached and send no referrer.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, session
from sqlalchemy.orm import Session

from service.config import Config
from service.disclosures import service as disclosures
from service.disclosures.keys import Keyring
from service.disclosures.package import item_tags, package_pdf, watermark_text
from service.errors import DomainError, InvalidInput, NotFound

from .views import now, transaction

recipient = Blueprint("recipient", __name__, url_prefix="/shared", template_folder="templates")
GRANT_KEY = "shared_grant"
GRANT_LIFETIME = timedelta(minutes=30)


def keyring() -> Keyring:
    found: Keyring = current_app.extensions["disclosure_keyring"]
    return found


def client() -> str:
    return request.remote_addr or "unknown"


@recipient.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _refused(exc: DomainError) -> tuple[str, int]:
    return render_template("shared/refused.html", message=exc.message), exc.status


@recipient.get("/<token>")
def link(token: str) -> Any:
    refusal: DomainError
    with transaction() as db:
        try:
            found = disclosures.check_usable(session=db, disclosure=disclosures.disclosure_for_link(
                session=db, token=token), now=now(), client=client())
        except disclosures.LinkRefused as exc:
            refusal = exc
        else:
            disclosures.record_visit(session=db, disclosure=found, now=now(), client=client())
            return render_template("shared/code.html", token=token)
    return _refused(refusal)


@recipient.post("/<token>")
def enter_code(token: str) -> Any:
    config: Config = current_app.extensions["service_config"]
    problem: DomainError
    with transaction() as db:  # a wrong code is committed (counted and audited) before the page says so
        try:
            found, content = disclosures.enter_code(
                session=db, token=token, code=request.form.get("code", ""), keyring=keyring(), now=now(),
                client=client(), retry_delay=timedelta(seconds=config.code_retry_seconds))
        except (InvalidInput, disclosures.TooSoon, disclosures.LinkRefused) as exc:
            problem = exc
        else:
            session[GRANT_KEY] = {"id": found.id, "until": (now() + GRANT_LIFETIME).isoformat()}
            return _package_page(found.id, content)
    if isinstance(problem, disclosures.LinkRefused):
        return _refused(problem)
    return render_template("shared/code.html", token=token, error=problem.message), problem.status


def _package_page(disclosure_id: str, content: dict[str, Any]) -> str:
    return render_template("shared/package.html", content=content, disclosure_id=disclosure_id,
                           watermark=watermark_text(content), tags=item_tags)


def _granted_id(db: Session, disclosure_id: str) -> str:
    """This browser entered the code for this package, within the last half hour."""
    grant = session.get(GRANT_KEY) or {}
    until = grant.get("until")
    if grant.get("id") != disclosure_id or not until or datetime.fromisoformat(until) < now():
        disclosures.record_without_grant(session=db, disclosure_id=disclosure_id, now=now(), client=client())
        raise disclosures.NotGranted("Open the link from your email and enter the code first.", state="not_granted")
    return disclosure_id


@recipient.get("/package/<disclosure_id>.pdf")
def download(disclosure_id: str) -> Any:
    refusal: DomainError
    with transaction() as db:
        try:
            found = disclosures.granted(session=db, disclosure_id=_granted_id(db, disclosure_id), now=now(),
                                        client=client(), action="download", lock=True)
            content = disclosures.download_pdf(session=db, disclosure=found, keyring=keyring(), now=now(),
                                               client=client())
        except disclosures.LinkRefused as exc:
            refusal = exc
        else:
            return Response(package_pdf(content), mimetype="application/pdf", headers={
                "Content-Disposition": f'attachment; filename="shared-{content["case_reference"]}.pdf"'})
    return _refused(refusal)


@recipient.post("/package/<disclosure_id>/receipt")
def receipt(disclosure_id: str) -> Any:
    refusal: DomainError
    with transaction() as db:
        try:
            found = disclosures.granted(session=db, disclosure_id=_granted_id(db, disclosure_id), now=now(),
                                        client=client(), action="receipt", lock=True)
            disclosures.confirm_receipt(session=db, disclosure=found, received_by=request.form.get("received_by", ""),
                                        now=now(), client=client())
        except disclosures.LinkRefused as exc:
            refusal = exc
        except InvalidInput as exc:
            return render_template("shared/refused.html", message=exc.message, back=True), 422
        else:
            return render_template("shared/thanks.html", received_by=found.receipt_by)
    return _refused(refusal)


@recipient.errorhandler(NotFound)
def _unknown(exc: NotFound) -> Any:
    return render_template("shared/refused.html", message="There is no such package."), 404
