"""The recipient's pages: open a secure link with the one-time code, read the package, download it
once as a PDF, confirm receipt. No account: the link and the code are the keys.

The link opens once: entering the code grants the package to this browser's signed session only, and
the package page is a GET the same browser may reload for ``GRANT_LIFETIME`` after the code (a second
browser is refused, and so is this one after that time). Every view is an audit event. Refusals are
committed with their audit event before the page is shown (a wrong code counts even though nothing
opens). Pages are never cached and send no referrer.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, current_app, redirect, render_template, request, session, url_for
from sqlalchemy.orm import Session

from service.config import Config
from service.disclosures import opening
from service.disclosures import service as disclosures
from service.disclosures.keys import Keyring
from service.disclosures.models import SecureDisclosure
from service.errors import DomainError, InvalidInput, NotFound
from service.flows import secure_links
from service.records.package import package_pdf, package_words

from .context import now, transaction

recipient = Blueprint("recipient", __name__, url_prefix="/shared", template_folder="templates")
# The packages this browser's session entered the code for (their ids, newest last, a few at most).
GRANT_KEY = "shared_grant"
GRANT_LIFETIME = disclosures.GRANT_LIFETIME
MAX_GRANTS = 5


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


def _refused(exc: DomainError, *, again: dict[str, str] | None = None) -> tuple[str, int]:
    return render_template("shared/refused.html", message=exc.message, again=again), exc.status


@recipient.get("/<token>")
def link(token: str) -> Any:
    refusal: DomainError
    with transaction() as db:
        found = opening.disclosure_for_link(session=db, token=token)
        if found is not None and found.opened_at is not None and _entered_here(found.id):
            # The browser that entered the code comes back: the package page says whether it may still see it.
            return redirect(url_for("recipient.package", disclosure_id=found.id), 303)
        try:
            found = opening.check_usable(session=db, disclosure=found, now=now(), client=client())
        except disclosures.LinkRefused as exc:
            refusal = exc
        else:
            opening.record_visit(session=db, disclosure=found, now=now(), client=client())
            return render_template("shared/code.html", token=token)
    return _refused(refusal)


@recipient.post("/<token>")
def enter_code(token: str) -> Any:
    config: Config = current_app.extensions["service_config"]
    problem: DomainError
    again: dict[str, str] | None = None
    with transaction() as db:  # a wrong code is committed (counted and audited) before the page says so
        try:
            found, _content = opening.enter_code(
                session=db, token=token, code=request.form.get("code", ""), keyring=keyring(), now=now(),
                client=client(), retry_delay=timedelta(seconds=config.code_retry_seconds))
        except (InvalidInput, disclosures.TooSoon, disclosures.LinkRefused) as exc:
            problem = exc
            if isinstance(exc, disclosures.LinkRefused):
                again = _way_back(opening.disclosure_for_link(session=db, token=token))
        else:
            _grant(found.id)
            # Post, then redirect: the page the recipient reads (and reloads) is a GET of the package.
            return redirect(url_for("recipient.package", disclosure_id=found.id), 303)
    if isinstance(problem, disclosures.LinkRefused):
        return _refused(problem, again=again)
    return render_template("shared/code.html", token=token, error=problem.message), problem.status


def _entered_here(disclosure_id: str) -> bool:
    """Whether this browser's signed session entered the code for this package (the grant's time is the
    service's to judge: ``opening.granted``)."""
    grants = session.get(GRANT_KEY)
    if isinstance(grants, dict):  # the earlier form of the grant: one package, {"id": ..., "until": ...}
        grants = [grants.get("id")]
    return isinstance(grants, list) and disclosure_id in grants


def _grant(disclosure_id: str) -> None:
    grants = session.get(GRANT_KEY)
    kept = [g for g in grants if isinstance(g, str) and g != disclosure_id] if isinstance(grants, list) else []
    session[GRANT_KEY] = [*kept[-(MAX_GRANTS - 1):], disclosure_id]


def _way_back(found: SecureDisclosure | None) -> dict[str, str] | None:
    """For the browser that opened this link, while it still may: the way back to the package."""
    until = opening.grant_until(found) if found is not None else None
    if found is None or until is None or until <= now() or found.revoked_at is not None \
            or not _entered_here(found.id):
        return None
    return {"url": url_for("recipient.package", disclosure_id=found.id), "until": opening.uk_clock(until)}


def _granted(db: Session, disclosure_id: str, action: str, *, lock: bool = False) -> SecureDisclosure:
    return opening.granted(session=db, disclosure_id=disclosure_id, in_this_browser=_entered_here(disclosure_id),
                               now=now(), client=client(), action=action, lock=lock)


@recipient.get("/package/<disclosure_id>")
def package(disclosure_id: str) -> Any:
    """The package, for the browser that entered its code and for a short while after (a reload)."""
    refusal: DomainError
    with transaction() as db:
        try:
            found = _granted(db, disclosure_id, "view")
            content = opening.view_package(session=db, disclosure=found, keyring=keyring(), now=now(),
                                               client=client())
        except disclosures.LinkRefused as exc:
            refusal = exc
        else:
            until = opening.grant_until(found)
            return render_template(
                "shared/package.html", content=content, doc=package_words(content), disclosure_id=found.id,
                until=opening.uk_clock(until) if until else "", downloaded_at=found.downloaded_at,
                receipt_at=found.receipt_at, receipt_by=found.receipt_by)
    return _refused(refusal)


@recipient.get("/package/<disclosure_id>.pdf")
def download(disclosure_id: str) -> Any:
    refusal: DomainError
    with transaction() as db:
        try:
            found = _granted(db, disclosure_id, "download", lock=True)
            content = opening.download_pdf(session=db, disclosure=found, keyring=keyring(), now=now(),
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
            found = _granted(db, disclosure_id, "receipt", lock=True)
            secure_links.confirm_receipt(session=db, disclosure=found, received_by=request.form.get("received_by", ""),
                                         now=now(), client=client())
        except disclosures.LinkRefused as exc:
            refusal = exc
        except InvalidInput as exc:
            return render_template("shared/refused.html", message=exc.message,
                                   back=url_for("recipient.package", disclosure_id=disclosure_id)), 422
        else:  # sending the form again (a reload) changes nothing: the first receipt stands
            return render_template("shared/thanks.html", received_by=found.receipt_by)
    return _refused(refusal)


@recipient.get("/package/<disclosure_id>/receipt")
def receipt_page(disclosure_id: str) -> Any:
    """The receipt's address reached by GET (a bookmark, a reload): the thanks once the receipt is in,
    otherwise the package with its form."""
    refusal: DomainError
    with transaction() as db:
        try:
            found = _granted(db, disclosure_id, "receipt page")
        except disclosures.LinkRefused as exc:
            refusal = exc
        else:
            if found.receipt_at is None:
                return redirect(url_for("recipient.package", disclosure_id=found.id), 303)
            opening.record_view(session=db, disclosure=found, now=now(), client=client(), page="receipt")
            return render_template("shared/thanks.html", received_by=found.receipt_by)
    return _refused(refusal)


@recipient.errorhandler(NotFound)
def _unknown(exc: NotFound) -> Any:
    return render_template("shared/refused.html", message="There is no such package."), 404
