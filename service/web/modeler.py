"""Process owners' pages: the processes with their versions and drafts, the modeler (bpmn-js with a
small properties panel of our own), saving a draft with its problems marked on the diagram, four-eyes
approval, publishing, and the diff between versions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, render_template, request

from service.access import may_change_process
from service.actors import Actor
from service.api.processes import MAX_UPLOAD_BYTES
from service.engine.xml import parse_xml
from service.errors import DomainError, InvalidInput, Malformed
from service.flows import stuck
from service.processes import drafts
from service.processes.facts import process_facts
from service.processes.models import ProcessVersion
from service.request_guard import accepts_up_to, checked_loads, query_number

from .context import actor, now, transaction

web_processes = Blueprint("web_processes", __name__, template_folder="templates", static_folder="static",
                          static_url_path="/static/web")


def owner() -> Actor:
    current = actor()
    if not may_change_process(current):
        abort(403, "Only process owners change the process.")
    return current


@web_processes.get("/processes")
def processes() -> Any:
    current = owner()
    with transaction() as db:
        listed = [{"definition": d, "versions": list(reversed(d.versions)),
                   "drafts": drafts.list_drafts(session=db, key=d.key),
                   "mine": drafts.owners_open_draft(db, d.key, current.username),
                   "stuck": sum(len(g.cases) for g in stuck.list_stuck_cases(session=db, key=d.key, actor=current))}
                  for d in drafts.list_definitions(session=db)]
        page = render_template("processes.html", processes=listed, me=current.username)
    return page


@web_processes.get("/processes/<key>/modeler")
def modeler(key: str) -> Any:
    current = owner()
    draft_id = request.args.get("draft")
    with transaction() as db:
        version = drafts.latest(session=db, key=key)
        if not draft_id:
            # Saving goes into the owner's one draft, so the modeler opens it rather than the version.
            mine = drafts.owners_open_draft(db, key, current.username)
            draft_id = mine.id if mine is not None else None
        files = drafts.get_draft(session=db, key=key, draft_id=draft_id).file_map() if draft_id \
            else version.file_map()
        published = _published_ids(drafts.list_versions(session=db, key=key))
    editable = {name: text for name, text in sorted(files.items()) if not name.endswith(".bpmn")}
    return render_template("modeler.html", key=key, version=version, draft_id=draft_id,
                           forms=[n.removeprefix("forms/") for n in editable if n.startswith("forms/")],
                           files=editable, bpmn_name=next(n for n in files if n.endswith(".bpmn")),
                           bpmn=next(t for n, t in files.items() if n.endswith(".bpmn")),
                           published_ids=published)


def _published_ids(versions: list[ProcessVersion]) -> list[str]:
    """Every id any published version's diagram uses: the modeler never gives a new element one of them, and
    never changes an element's that has one (open cases are moved between versions by their steps' ids)."""
    found: set[str] = set()
    for version in versions:
        for name, text in version.file_map().items():
            if name.endswith(".bpmn"):
                found.update(e.get("id") or "" for e in parse_xml(text, name=name).iter() if isinstance(e.tag, str))
    return sorted(found - {""})


@web_processes.post("/processes/<key>/drafts")
@accepts_up_to(MAX_UPLOAD_BYTES)
def save_draft(key: str) -> Any:
    """The modeler's save: the diagram (and any edited file) as a new draft, or every problem with its element."""
    current = owner()
    uploaded = _uploaded()
    try:
        with transaction() as db:
            draft = drafts.create_draft(session=db, key=key, uploaded=uploaded, actor=current, now=now(),
                                        change_note=request.form.get("change_note", "").strip())
            summary = drafts.draft_summary(draft)
    except InvalidInput as exc:
        return jsonify(error=exc.message, problems=exc.problems or [{"message": exc.message,
                                                                     "element_id": exc.field}]), 422
    except DomainError as exc:
        return jsonify(error=exc.message), exc.status
    return jsonify(summary), 201


def _uploaded() -> dict[str, str]:
    bpmn_name, bpmn = request.form.get("bpmn_name", ""), request.form.get("bpmn", "")
    if not bpmn_name.endswith(".bpmn") or not bpmn.strip():
        raise Malformed("the diagram is missing from the save")
    try:
        others = checked_loads(request.form.get("files") or "{}", where="the edited files")
    except ValueError:
        raise Malformed("the edited files are not valid JSON") from None
    if not isinstance(others, dict) or not all(isinstance(v, str) for v in others.values()):
        raise Malformed("the edited files must map file names to their text")
    return {bpmn_name: bpmn, **others}


@web_processes.get("/processes/<key>/diff")
def diff(key: str) -> Any:
    owner()
    words = "choose two version numbers to compare"
    before, after = query_number("from", words=words), query_number("to", words=words)
    if before is None or after is None:
        raise InvalidInput(words, field="from")
    with transaction() as db:
        found = drafts.diff_versions(session=db, key=key, from_number=before, to_number=after)
    return render_template("diff.html", key=key, before=before, after=after, diff=found)


@web_processes.get("/processes/<key>/drafts/<draft_id>/diff")
def draft_diff(key: str, draft_id: str) -> Any:
    owner()
    with transaction() as db:
        summary = drafts.draft_summary(drafts.get_draft(session=db, key=key, draft_id=draft_id))
    return render_template("diff.html", key=key, before=summary["base_version"], after=None,
                           diff=summary["diff"], draft=summary)


@web_processes.get("/processes/<key>/diff/diagram")
def diff_diagram(key: str) -> Any:
    """The newer diagram of a diff (``?version=<n>`` or ``?draft=<id>``) as XML, for the diff page's viewer."""
    owner()
    number, draft_id = query_number("version", words="choose a version number"), request.args.get("draft")
    if number is None and not draft_id:
        raise InvalidInput("choose a version or a draft", field="version")
    with transaction() as db:
        files = drafts.get_draft(session=db, key=key, draft_id=draft_id).file_map() if draft_id \
            else drafts.get_version(db, key, number or 0).file_map()
    diagram = next(text for name, text in sorted(files.items()) if name.endswith(".bpmn"))
    return diagram, 200, {"Content-Type": "application/xml; charset=utf-8"}


@web_processes.get("/processes/<key>/facts")
def facts(key: str) -> Any:
    """The case facts a condition or a decision-table entry may read, in words, for the modeler's builders:
    of the draft ``?draft=<id>`` (the owner's own open draft when none is named) or the latest version."""
    current = owner()
    draft_id = request.args.get("draft")
    with transaction() as db:
        if not draft_id:
            mine = drafts.owners_open_draft(db, key, current.username)
            draft_id = mine.id if mine is not None else None
        files = drafts.get_draft(session=db, key=key, draft_id=draft_id).file_map() if draft_id \
            else drafts.latest(session=db, key=key).file_map()
    return jsonify(facts=[fact.as_json() for fact in process_facts(files)])
