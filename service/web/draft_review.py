"""Process owners' pages for a draft's life: the draft with its review thread and the steps open to the
person reading it (submit, withdraw, discard; approve or reject with a comment; comment), the page that
shows which open cases publishing would move before it is confirmed, and rolling back to a version."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from service.access import may_change_process
from service.actors import Actor
from service.errors import DomainError
from service.flows import publishing
from service.processes import drafts, lifecycle
from service.processes.models import DraftStatus, ProcessDraft

from .context import actor, now, reading, transaction

web_drafts = Blueprint("web_drafts", __name__, template_folder="templates")

# The steps a form on the draft's page may take, and what the page says once each is done.
STEPS: dict[str, tuple[Any, str]] = {
    "submit": (drafts.submit_draft, "Submitted: a second process owner can now approve or reject it."),
    "withdraw": (lifecycle.withdraw_draft, "Withdrawn: the draft is yours to change again."),
    "discard": (lifecycle.discard_draft, "Discarded: the draft is no longer offered; its history stays."),
    "approve": (drafts.approve_draft, "Approved: it can now be published."),
    "reject": (lifecycle.reject_draft, "Rejected: its author has your comment."),
    "comments": (lifecycle.comment_on_draft, "Your comment is added."),
}
ACTION_WORDS = {"submitted": "submitted it", "withdrawn": "withdrew it", "discarded": "discarded it",
                "approved": "approved it", "rejected": "rejected it", "commented": "commented",
                "published": "published it"}


def _owner() -> Actor:
    current = actor()
    if not may_change_process(current):
        abort(403, "Only process owners change the process.")
    return current


@web_drafts.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"drafts_to_review": _drafts_to_review}


def _drafts_to_review() -> int:
    """How many submitted drafts the signed-in process owner could review, for the header's link."""
    current = getattr(request, "actor", None)
    if current is None or not may_change_process(current):
        return 0
    with reading() as db:
        return lifecycle.drafts_waiting_for(db, current)


def offered_steps(draft: ProcessDraft, me: str, up_to_date: bool) -> list[str]:
    """The steps the page offers this person on this draft."""
    if draft.status in (DraftStatus.PUBLISHED, DraftStatus.DISCARDED):
        return []
    if draft.author == me:
        mine = {DraftStatus.WORKING: ["submit", "discard"], DraftStatus.REJECTED: ["submit", "discard"],
                DraftStatus.SUBMITTED: ["withdraw", "discard"], DraftStatus.APPROVED: ["publish", "withdraw"]}
        steps = mine.get(DraftStatus(draft.status), [])
    else:
        theirs = {DraftStatus.SUBMITTED: ["approve", "reject"], DraftStatus.APPROVED: ["publish"]}
        steps = theirs.get(DraftStatus(draft.status), [])
    if not up_to_date:
        steps = [s for s in steps if s not in ("submit", "approve", "publish")]
    return steps


@web_drafts.get("/processes/<key>/drafts/<draft_id>")
def draft_page(key: str, draft_id: str) -> Any:
    me = _owner()
    with transaction() as db:
        draft = drafts.get_draft(db, key, draft_id)
        newest = drafts.latest(db, key)
        up_to_date = draft.base_version_id == newest.id
        return render_template("draft.html", key=key, draft=draft, newest=newest, up_to_date=up_to_date,
                               steps=offered_steps(draft, me.username, up_to_date), me=me.username,
                               action_words=ACTION_WORDS)


@web_drafts.post("/processes/<key>/drafts/<draft_id>/step/<step>")
def take_step(key: str, draft_id: str, step: str) -> WerkzeugResponse:
    me = _owner()
    if step not in STEPS:
        abort(404, f"A draft has no step '{step[:40]}'.")
    take, done = STEPS[step]
    here = url_for("web_drafts.draft_page", key=key, draft_id=draft_id)
    try:
        with transaction() as db:
            take(session=db, key=key, draft_id=draft_id, actor=me, now=now(),
                 comment=request.form.get("comment", ""))
    except DomainError as exc:
        if exc.status == 404:
            raise
        flash(f"Not done: {exc.message}.")
        return redirect(here)
    flash(done)
    return redirect(here)


@web_drafts.get("/processes/<key>/drafts/<draft_id>/publish")
def publish_page(key: str, draft_id: str) -> Any:
    me = _owner()
    try:
        with transaction() as db:
            preview = publishing.publish_preview(session=db, key=key, draft_id=draft_id, actor=me)
            return render_template("publish.html", key=key, preview=preview, draft=preview.draft)
    except DomainError as exc:
        if exc.status == 404:
            raise
        flash(f"Not ready to publish: {exc.message}.")
        return redirect(url_for("web_drafts.draft_page", key=key, draft_id=draft_id))


@web_drafts.post("/processes/<key>/drafts/<draft_id>/publish")
def publish(key: str, draft_id: str) -> WerkzeugResponse:
    me = _owner()
    migrate = request.form.get("migrate", "") == "1"
    try:
        with transaction() as db:
            published = publishing.publish_draft(session=db, key=key, draft_id=draft_id, actor=me, now=now(),
                                             migrate=migrate)
            number = published.version.number
    except DomainError as exc:
        if exc.status == 404:
            raise
        flash(f"Not published: {exc.message}.")
        return redirect(url_for("web_drafts.draft_page", key=key, draft_id=draft_id))
    flash(f"Published version {number}. New cases use it; {len(published.migrated)} open case(s) moved to it; "
          f"{len(published.kept)} continue on their own version.")
    return redirect(url_for("web_processes.processes"))


@web_drafts.post("/processes/<key>/versions/<int:number>/rollback")
def rollback(key: str, number: int) -> WerkzeugResponse:
    me = _owner()
    try:
        with transaction() as db:
            draft = lifecycle.rollback_draft(session=db, key=key, number=number, actor=me, now=now(),
                                             comment=request.form.get("comment", ""))
            draft_id = draft.id
    except DomainError as exc:
        if exc.status == 404:
            raise
        flash(f"Not rolled back: {exc.message}.")
        return redirect(url_for("web_processes.processes"))
    flash(f"A draft bringing back version {number} is submitted: a second process owner approves it before it "
          "is published.")
    return redirect(url_for("web_drafts.draft_page", key=key, draft_id=draft_id))
