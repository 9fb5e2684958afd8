"""REST endpoints for process owners: the processes and their versions, drafts checked on every save,
four-eyes approval, publishing (with open cases moved where safe), and diffs between versions.

Process owners only: everyone else gets 403, whatever else their role may do.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from sqlalchemy.orm import Session

from service.access import require_process_owner
from service.actors import Actor
from service.errors import InvalidInput, NotFound
from service.flows import publishing
from service.flows.migration import CaseMove
from service.processes import drafts, lifecycle
from service.request_guard import accepts_up_to
from service.request_scope import now, transaction

from .schemas import drafts as draft_shapes
from .schemas import processes as shapes
from .schemas.answers import answers
from .schemas.spec import checked_query, operation
from .views import body, current_actor

api_processes = Blueprint("api_processes", __name__, url_prefix="/api")

# A diagram, its decision tables and forms, with room for JSON's escaping; each file is capped at
# 2 MiB again when it is checked.
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_OPTIONS_BYTES = 64 * 1024  # publishing takes one option
XML_TYPES = ("application/xml", "text/xml")
UPLOADED_DIAGRAM = "diagram.bpmn"


def _owner(session: Session) -> Actor:
    actor = current_actor(session)
    require_process_owner(actor)
    return actor


@api_processes.get("/processes")
@operation(resp=answers("403", HTTP_200=(shapes.Processes, "Processes")))
def list_processes() -> Any:
    """Processes with their newest version and how many drafts are open (process owners)"""
    with transaction() as session:
        _owner(session)
        return jsonify(processes=[drafts.process_summary(p) for p in drafts.list_processes(session)])


@api_processes.get("/processes/<key>/versions")
@operation(resp=answers("403", "404", HTTP_200=(shapes.Versions, "Versions")))
def list_versions(key: str) -> Any:
    """A process's published versions, newest first"""
    with transaction() as session:
        _owner(session)
        return jsonify(versions=[drafts.version_summary(v) for v in drafts.list_versions(session, key)])


@api_processes.get("/processes/<key>/versions/<int:number>/bpmn")
@operation(raw={"200": "application/xml"}, resp=answers("403", "404", HTTP_200="The diagram (BPMN XML)"))
def version_bpmn(key: str, number: int) -> Any:
    """The diagram of one version"""
    with transaction() as session:
        _owner(session)
        files = drafts.get_version(session, key, number).file_map()
    return _bpmn_response(files)


def _bpmn_response(files: dict[str, str]) -> Response:
    diagram = next(content for name, content in sorted(files.items()) if name.endswith(".bpmn"))
    return Response(diagram, mimetype="application/xml")


@api_processes.get("/processes/<key>/diff")
@operation(query=shapes.DiffQuery, resp=answers("403", "404", "422", HTTP_200=(shapes.VersionDiff, "The diff")))
def diff(key: str) -> Any:
    """The elements added, changed and removed from one version to another"""
    with transaction() as session:
        _owner(session)
        asked = checked_query(shapes.DiffQuery)
        found = drafts.diff_versions(session=session, key=key, from_number=asked.from_, to_number=asked.to)
        return jsonify(found.as_dict())


@api_processes.get("/processes/<key>/drafts")
@operation(resp=answers("403", "404", HTTP_200=(draft_shapes.Drafts, "Drafts")))
def list_drafts(key: str) -> Any:
    """A process's drafts, newest first"""
    with transaction() as session:
        _owner(session)
        return jsonify(drafts=[drafts.draft_summary(d, with_diff=False) for d in drafts.list_drafts(session, key)])


@api_processes.post("/processes/<key>/drafts")
@operation(json=draft_shapes.Upload, xml_body=True, resp=answers(
    "403", "404", "409", "422", HTTP_200=(draft_shapes.Draft, "Your draft, edited in place, with what it changes"),
    HTTP_201=(draft_shapes.Draft, "Your new draft, with what it changes")))
@accepts_up_to(MAX_UPLOAD_BYTES)  # larger bodies are refused with 413 before they are read
def create_draft(key: str) -> Any:
    """Save your draft of the next version (each owner has one per process, edited in place; submit: true also
    asks for approval): the diagram (and any decision tables or forms to replace). Checked on save: safe XML,
    the BPMN schema, the engine, every expression, the forms and the sharing policy; 422 lists every problem
    with its element. A raw body with Content-Type application/xml is taken as the diagram
    (?change_note=...&submit=true)"""
    with transaction() as session:
        actor = _owner(session)
        uploaded, change_note, submit = _upload()
        saved = drafts.save_draft(session=session, key=key, uploaded=uploaded, actor=actor,
                                  change_note=change_note, now=now(), submit=submit)
        return jsonify(drafts.draft_summary(saved.draft) | {"changed": saved.changed}), 201 if saved.created else 200


def _upload() -> tuple[dict[str, str], str, bool]:
    """The uploaded files, change note and whether to submit the draft at once: JSON ({"bpmn",
    "change_note", "files", "submit"}) or a raw XML body (?change_note=...&submit=true)."""
    if request.mimetype in XML_TYPES:
        try:
            text = request.get_data().decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput("the diagram must be UTF-8 text", field="bpmn") from None
        return {UPLOADED_DIAGRAM: text}, request.args.get("change_note", ""), request.args.get("submit") == "true"
    data = body()
    files = data.get("files", {})
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise InvalidInput("files must map file names to their text", field="files")
    uploaded = dict(files)
    diagram = data.get("bpmn")
    if diagram is not None:
        if not isinstance(diagram, str):
            raise InvalidInput("bpmn must be the diagram's XML as text", field="bpmn")
        if any(name.endswith(".bpmn") for name in uploaded):
            raise InvalidInput("send the diagram once: in bpmn, or as a .bpmn file in files", field="bpmn")
        uploaded[UPLOADED_DIAGRAM] = diagram
    note = data.get("change_note", "")
    if not isinstance(note, str):
        raise InvalidInput("change_note must be text", field="change_note")
    submit = data.get("submit", False)
    if not isinstance(submit, bool):
        raise InvalidInput("submit must be true or false", field="submit")
    return uploaded, note, submit


@api_processes.get("/processes/<key>/drafts/<draft_id>")
@operation(resp=answers("403", "404", HTTP_200=(draft_shapes.Draft, "The draft")))
def get_draft(key: str, draft_id: str) -> Any:
    """A draft, with what it changes in its base version"""
    with transaction() as session:
        _owner(session)
        return jsonify(drafts.draft_summary(drafts.get_draft(session, key, draft_id)))


@api_processes.get("/processes/<key>/drafts/<draft_id>/bpmn")
@operation(raw={"200": "application/xml"}, resp=answers("403", "404", HTTP_200="The diagram (BPMN XML)"))
def draft_bpmn(key: str, draft_id: str) -> Any:
    """A draft's diagram"""
    with transaction() as session:
        _owner(session)
        files = drafts.get_draft(session, key, draft_id).file_map()
    return _bpmn_response(files)


@api_processes.post("/processes/<key>/drafts/<draft_id>/approve")
@operation(json=draft_shapes.CommentBody, body_optional=True, resp=answers(
    "403", "404", "409", "422", HTTP_200=(draft_shapes.Draft, "The draft")))
def approve_draft(key: str, draft_id: str) -> Any:
    """Approve another process owner's submitted draft (never your own: four eyes), with an optional
    comment"""
    with transaction() as session:
        actor = _owner(session)
        draft = drafts.approve_draft(session=session, key=key, draft_id=draft_id, actor=actor, now=now(),
                                     comment=_comment())
        return jsonify(drafts.draft_summary(draft))


def _comment() -> str:
    """The optional ``{"comment": "..."}`` of a step in a draft's review; no body means no comment."""
    if not request.get_data(cache=True):
        return ""
    comment = body().get("comment", "")
    if not isinstance(comment, str):
        raise InvalidInput("comment must be text", field="comment")
    return comment


# Steps in a draft's life that take only a comment: its author submits, withdraws or discards it; a
# second process owner rejects it (a comment is required); anyone comments.
_REVIEW_STEPS: dict[str, tuple[Any, str]] = {
    "submit": (drafts.submit_draft, "Its author asks a second process owner to approve a working or rejected "
                                    "draft"),
    "withdraw": (lifecycle.withdraw_draft, "Its author takes a submitted or approved draft back (an approval is "
                                           "void): it is working again"),
    "reject": (lifecycle.reject_draft, "A second process owner sends a submitted draft back to its author; the "
                                       "comment (why) is required"),
    "discard": (lifecycle.discard_draft, "Its author abandons a draft that is not published"),
    "comments": (lifecycle.comment_on_draft, "Any process owner adds a comment to the draft's review thread (the "
                                             "comment is required)"),
}


def _review_step(step: str, take: Any, summary: str) -> None:
    """One step of a draft's review, as an operation of its own."""
    def review(key: str, draft_id: str) -> Any:
        with transaction() as session:
            actor = _owner(session)
            draft = take(session=session, key=key, draft_id=draft_id, actor=actor, now=now(), comment=_comment())
            return jsonify(drafts.draft_summary(draft))

    review.__name__ = review.__qualname__ = f"review_{step}"
    review.__doc__ = summary
    declared = operation(json=draft_shapes.CommentBody, body_optional=True, resp=answers(
        "403", "404", "409", "422", HTTP_200=(draft_shapes.Draft, "The draft")))
    view = declared(accepts_up_to(MAX_OPTIONS_BYTES)(review))
    api_processes.add_url_rule(f"/processes/<key>/drafts/<draft_id>/{step}", view_func=view, methods=["POST"])


for _step, (_take, _summary) in _REVIEW_STEPS.items():
    _review_step(_step, _take, _summary)


@api_processes.post("/processes/<key>/drafts/<draft_id>/<step>")
def no_such_step(key: str, draft_id: str, step: str) -> Any:
    raise NotFound(f"a draft has no step '{step[:40]}': use one of {', '.join(sorted(_REVIEW_STEPS))}")


@api_processes.get("/processes/<key>/drafts/<draft_id>/publish-preview")
@operation(resp=answers("403", "404", "409", HTTP_200=(draft_shapes.PublishPreview,
                                                      "The open cases, moving and staying")))
def publish_preview(key: str, draft_id: str) -> Any:
    """Before publishing an approved draft: which open cases would move to the new version and which would
    stay on their own, and why. Nothing is changed"""
    with transaction() as session:
        actor = _owner(session)
        preview = publishing.publish_preview(session=session, key=key, draft_id=draft_id, actor=actor)
        return jsonify(next_version=preview.next_number,
                       moving=[_case_move(m) for m in preview.moving], staying=[_case_move(m) for m in preview.staying])


def _case_move(move: CaseMove) -> dict[str, Any]:
    return {"case_id": move.case.id, "reference": move.case.reference, "version": move.case.process_version.number,
            "reason": move.reason}


@api_processes.post("/processes/<key>/versions/<int:number>/rollback")
@operation(json=draft_shapes.CommentBody, body_optional=True, resp=answers(
    "403", "404", "409", "422", HTTP_201=(draft_shapes.Draft, "The rollback draft")))
@accepts_up_to(MAX_OPTIONS_BYTES)
def rollback(key: str, number: int) -> Any:
    """A submitted draft that brings an earlier version's files back as the next version; a second process
    owner approves it like any draft. The comment (why) is required"""
    with transaction() as session:
        actor = _owner(session)
        draft = lifecycle.rollback_draft(session=session, key=key, number=number, actor=actor, now=now(),
                                         comment=_comment())
        return jsonify(drafts.draft_summary(draft)), 201


@api_processes.post("/processes/<key>/drafts/<draft_id>/publish")
@operation(json=draft_shapes.PublishOptions, body_optional=True, resp=answers(
    "403", "404", "409", "422", HTTP_200=(draft_shapes.Published, "The new version and the open cases moved or kept")))
@accepts_up_to(MAX_OPTIONS_BYTES)
def publish_draft(key: str, draft_id: str) -> Any:
    """Publish an approved draft as the newest version; open cases move to it where safe (no changed step has
    run or is live in them) unless migrate is false"""
    with transaction() as session:
        actor = _owner(session)
        migrate = _migrate_option()
        published = publishing.publish_draft(session=session, key=key, draft_id=draft_id, actor=actor, now=now(),
                                         migrate=migrate)
        return jsonify(version=drafts.version_summary(published.version), migrated=published.migrated,
                       kept=published.kept)


def _migrate_option() -> bool:
    """``{"migrate": false}`` keeps every open case on its own version; no body means true."""
    if not request.get_data(cache=True):
        return True
    data = body()
    migrate = data.get("migrate", True)
    if not isinstance(migrate, bool):
        raise InvalidInput("migrate must be true or false", field="migrate")
    return migrate
