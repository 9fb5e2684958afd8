"""The REST API (JSON): a thin layer over the domain services; errors are mapped in one handler."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from sqlalchemy.orm import Session

from service.access import require_audit_reader, require_case_worker
from service.accounts.service import (
    Unauthenticated,
    actor_of,
    authenticate,
    issue_token,
    user_for_token,
)
from service.accounts.throttle import record_failed_login
from service.actors import Actor
from service.audit.trail import MAX_SEQ, service_changes, verify_chain
from service.cases import service as cases
from service.errors import InvalidInput, Malformed
from service.flows import cases as case_flows
from service.flows.new_information import bring_new_information
from service.flows.task_actions import act_on_task
from service.processes.bundled import BUNDLED_KEY
from service.records.letter import case_letter
from service.records.pdf import record_pdf
from service.request_guard import query_number
from service.request_scope import now, service_config, transaction

from . import casework, openapi

api = Blueprint("api", __name__, url_prefix="/api")
JSON_TYPE, PDF_TYPE = "application/json", "application/pdf"
# The longest text a field of the API takes (a summary, a name, a reason); a form's answers have their own.
MAX_TEXT = 4000


def body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Malformed("the request body must be a JSON object (Content-Type: application/json)")
    return data


def text_field(data: dict[str, Any], name: str, max_length: int = MAX_TEXT) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{name} is required", field=name)
    if len(value) > max_length:
        raise InvalidInput(f"{name} must be at most {max_length} characters", field=name)
    if "\x00" in value:
        # No text column (PostgreSQL's least of all) takes a NUL character: refused, not a server error.
        raise InvalidInput(f"{name} must not contain a NUL character", field=name)
    return value


def current_actor(session: Session) -> Actor:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise Unauthenticated("sign in first: send 'Authorization: Bearer <token>' (POST /api/tokens gives one)")
    return actor_of(user_for_token(session=session, token=header.removeprefix("Bearer ").strip(), now=now()))


@api.post("/tokens")
def create_token() -> Any:
    data = body()
    username, password = text_field(data, "username"), text_field(data, "password")
    try:
        with transaction() as session:
            user = authenticate(session=session, username=username, password=password, now=now(),
                                client=request.remote_addr)
            token, expires = issue_token(session=session, user=user, now=now())
            return jsonify(token=token, expires_at=expires.isoformat(), username=user.username,
                           roles=user.roles.split()), 201
    except Unauthenticated:
        with transaction() as session:
            record_failed_login(session=session, username=username, now=now(), client=request.remote_addr)
        raise


@api.get("/cases")
def list_cases() -> Any:
    with transaction() as session:
        actor = current_actor(session)
        return jsonify(cases=[casework.case_summary(c) for c in casework.list_cases(session=session, actor=actor)])


@api.post("/cases")
def start_case() -> Any:
    with transaction() as session:
        actor = current_actor(session)
        data = body()
        require_case_worker(actor)
        process = data.get("process", BUNDLED_KEY)
        if not isinstance(process, str):
            raise InvalidInput("process must be the key of a published process", field="process")
        case = case_flows.start_case(session=session, process_key=process, actor=actor,
                                direction=text_field(data, "direction"), urgency=text_field(data, "urgency"),
                                summary=text_field(data, "summary"), now=now(),
                                data=cases.organisation_facts(service_config()))
        return jsonify(casework.case_detail(case, session)), 201


@api.get("/cases/<case_id>")
def get_case(case_id: str) -> Any:
    with transaction() as session:
        actor = current_actor(session)
        case = casework.readable_case(session=session, case_id=case_id, actor=actor, now=now())
        return jsonify(casework.case_detail(case, session))


@api.get("/cases/<case_id>/record")
def get_record(case_id: str) -> Any:
    wants_pdf = request.accept_mimetypes.best_match([JSON_TYPE, PDF_TYPE]) == PDF_TYPE
    return _record(case_id, as_pdf=wants_pdf)


@api.get("/cases/<case_id>/record.pdf")
def get_record_pdf(case_id: str) -> Any:
    return _record(case_id, as_pdf=True)


def _record(case_id: str, *, as_pdf: bool) -> Any:
    with transaction() as session:
        actor = current_actor(session)
        case = casework.readable_case(session=session, case_id=case_id, actor=actor, now=now(),
                                      action="record_read")
        record = casework.record_detail(case, session, now=now())
    if not as_pdf:
        return jsonify(record)
    document = record_pdf(record, printed_by=actor.username, printed_at=now().isoformat(timespec="minutes"))
    return Response(document, mimetype=PDF_TYPE, headers={
        "Content-Disposition": f'attachment; filename="record-{record["case"]["reference"]}.pdf"'})


@api.get("/cases/<case_id>/letter.pdf")
def get_letter_pdf(case_id: str) -> Any:
    """The letter telling the person what was shared (to print); reading it is audited like the record."""
    with transaction() as session:
        actor = current_actor(session)
        case = casework.readable_case(session=session, case_id=case_id, actor=actor, now=now(), action="letter_read")
        letter = case_letter(session=session, case=case, now=now(),
                             config=service_config())
    return Response(letter.as_pdf(), mimetype=PDF_TYPE, headers={
        "Content-Disposition": f'attachment; filename="letter-{case.reference}.pdf"'})


@api.post("/cases/<case_id>/receipt")
def confirm_receipt(case_id: str) -> Any:
    with transaction() as session:
        actor = current_actor(session)
        data = body()
        require_case_worker(actor)
        casework.readable_case(session=session, case_id=case_id, actor=actor, now=now())
        payload = casework.receipt_payload(data, now())
        case = case_flows.deliver_message(session=session, case_id=case_id, name="receipt_confirmed", payload=payload,
                                     actor=actor, now=now())
        return jsonify(casework.case_detail(case, session))


@api.post("/cases/<case_id>/new-information")
def new_information(case_id: str) -> Any:
    """New information about a decided case: its review step opens at once, with the information recorded."""
    with transaction() as session:
        actor = current_actor(session)
        data = body()
        require_case_worker(actor)
        case = bring_new_information(session=session, case_id=case_id, actor=actor,
                                     information=data.get("information"), now=now())
        return jsonify(casework.case_detail(case, session))


@api.get("/tasks")
def list_tasks() -> Any:
    with transaction() as session:
        actor = current_actor(session)
        found = casework.list_tasks(session=session, actor=actor, scope=request.args.get("scope", "mine"),
                                    limit=_limit())
        return jsonify(tasks=[casework.task_summary(t) for t in found], count=len(found))


def _limit(default: int = 100) -> int:
    found = query_number("limit", minimum=1, maximum=200)
    return default if found is None else found


@api.get("/tasks/<task_id>")
def get_task(task_id: str) -> Any:
    with transaction() as session:
        actor = current_actor(session)
        return jsonify(casework.task_detail(session=session, task_id=task_id, actor=actor, now=now(), with_case=True))


def _task_action(task_id: str, action: str) -> Any:
    with transaction() as session:
        actor = current_actor(session)
        data = body() if action in ("assign", "complete", "draft") else {}
        done = act_on_task(session=session, task_id=task_id, actor=actor, action=action, now=now(),
                           answers=data.get("data"), config=service_config(),
                           assignee=text_field(data, "assignee") if action == "assign" else "")
        return jsonify({**casework.task_summary(done.task),
                        "next_tasks": [casework.task_summary(t) for t in done.next_tasks]})


@api.post("/tasks/<task_id>/claim")
def claim(task_id: str) -> Any:
    return _task_action(task_id, "claim")


@api.post("/tasks/<task_id>/unclaim")
def unclaim(task_id: str) -> Any:
    return _task_action(task_id, "unclaim")


@api.post("/tasks/<task_id>/assign")
def assign(task_id: str) -> Any:
    return _task_action(task_id, "assign")


@api.post("/tasks/<task_id>/draft")
def draft(task_id: str) -> Any:
    return _task_action(task_id, "draft")


@api.post("/tasks/<task_id>/complete")
def complete(task_id: str) -> Any:
    return _task_action(task_id, "complete")


@api.get("/audit/verify")
def verify_audit() -> Any:
    with transaction() as session:
        require_audit_reader(current_actor(session))
        report = verify_chain(session=session)
        return jsonify(ok=report.ok, checked=report.checked, problems=report.problems)


@api.get("/audit/changes")
def audit_changes() -> Any:
    """Changes to accounts, teams and processes, newest first, a page at a time."""
    with transaction() as session:
        require_audit_reader(current_actor(session))
        limit = _limit(default=50)
        before = query_number("before", maximum=MAX_SEQ, words="before must be the seq of an event")
        events = service_changes(session=session, before=before, limit=limit)
        return jsonify(events=[casework.audit_event(e) for e in events],
                       older=events[-1].seq if len(events) == limit else None)


@api.get("/openapi.json")
def openapi_document() -> Any:
    return jsonify(openapi.document())


@api.get("/docs")
def openapi_docs() -> Any:
    return openapi.docs_page(openapi.document())
