"""The REST API (JSON): a thin layer over the domain services; errors are mapped in one handler."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy.orm import Session

from service import casework
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
from service.audit.trail import service_changes, verify_chain
from service.cases import service as cases
from service.errors import InvalidInput, Malformed
from service.flows import cases as case_flows
from service.flows.new_information import bring_new_information
from service.flows.task_actions import act_on_task
from service.processes.bundled import BUNDLED_KEY
from service.records.letter import case_letter
from service.records.pdf import record_pdf
from service.request_scope import now, service_config, transaction

from .schemas import cases as shapes
from .schemas import records as record_shapes
from .schemas.accounts import SignIn, Token
from .schemas.answers import ErrorAnswer, answers
from .schemas.audit import AuditChanges, AuditQuery, AuditReport
from .schemas.document import docs_page, document
from .schemas.spec import checked_body, checked_query, operation

api = Blueprint("api", __name__, url_prefix="/api")
JSON_TYPE, PDF_TYPE = "application/json", "application/pdf"
# The longest text a field of the API takes (a summary, a name, a reason); a form's answers have their own.
MAX_TEXT = 4000
ACTED = (shapes.TaskAfterAction, "The task after the action")


def body() -> dict[str, Any]:
    """The request's JSON object, once the model its operation declares takes it (400 if it is no JSON
    object, 422 in plain words naming the field the model refuses)."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Malformed("the request body must be a JSON object (Content-Type: application/json)")
    return checked_body(data)


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
@operation(json=SignIn, security=[], resp=answers("422", "429", signed_in=False, HTTP_401=(
    ErrorAnswer, "Wrong username or password"), HTTP_201=(Token, "A token, valid for 12 hours")))
def create_token() -> Any:
    """Sign in: exchange a username and password for a bearer token"""
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
@operation(resp=answers("403", HTTP_200=(shapes.CaseList, "Cases")))
def list_cases() -> Any:
    """Cases you may see, newest first"""
    with transaction() as session:
        actor = current_actor(session)
        return jsonify(cases=[casework.case_summary(c) for c in casework.list_cases(session=session, actor=actor)])


@api.post("/cases")
@operation(json=shapes.StartCase, resp=answers("403", "404", "422", HTTP_201=(shapes.CaseDetail, "The new case")))
def start_case() -> Any:
    """Start a case (an outbound concern or an inbound request)"""
    with transaction() as session:
        actor = current_actor(session)
        require_case_worker(actor)
        data = body()
        process = data.get("process", BUNDLED_KEY)
        if not isinstance(process, str):
            raise InvalidInput("process must be the key of a published process", field="process")
        case = case_flows.start_case(session=session, process_key=process, actor=actor,
                                direction=text_field(data, "direction"), urgency=text_field(data, "urgency"),
                                summary=text_field(data, "summary"), now=now(),
                                data=cases.organisation_facts(service_config()))
        return jsonify(casework.case_detail(case, session)), 201


@api.get("/cases/<case_id>")
@operation(resp=answers("403", "404", HTTP_200=(shapes.CaseDetail, "The case")))
def get_case(case_id: str) -> Any:
    """A case: status, open tasks, what it waits for (waiting_for: each step now with who has it, when it is
    due and what may come next; a message or a date with its deadline), steps done, timeline (the read is
    audited)"""
    with transaction() as session:
        actor = current_actor(session)
        case = casework.readable_case(session=session, case_id=case_id, actor=actor, now=now())
        return jsonify(casework.case_detail(case, session))


@api.get("/cases/<case_id>/record")
@operation(raw={"200": PDF_TYPE}, resp=answers("403", "404", HTTP_200=(record_shapes.Record, "The record")))
def get_record(case_id: str) -> Any:
    """The decision record: the request, each decision revision (with every answer of every step), new
    information, the disclosure log; and `sections`, the same record as the case page and the PDF show it
    (as a PDF with Accept: application/pdf)"""
    wants_pdf = request.accept_mimetypes.best_match([JSON_TYPE, PDF_TYPE]) == PDF_TYPE
    return _record(case_id, as_pdf=wants_pdf)


@api.get("/cases/<case_id>/record.pdf")
@operation(raw={"200": PDF_TYPE}, resp=answers("403", "404", HTTP_200="The PDF"))
def get_record_pdf(case_id: str) -> Any:
    """The decision record as a PDF (also: the record with Accept: application/pdf)"""
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
@operation(raw={"200": PDF_TYPE}, resp=answers("403", "404", HTTP_200="The letter as a PDF"))
def get_letter_pdf(case_id: str) -> Any:
    """The plain-language letter telling the person what was shared, with whom, why, on which lawful basis,
    their rights and who to contact (to print); 404 until something is shared

    Reading it is audited like the record."""
    with transaction() as session:
        actor = current_actor(session)
        case = casework.readable_case(session=session, case_id=case_id, actor=actor, now=now(), action="letter_read")
        letter = case_letter(session=session, case=case, now=now(),
                             config=service_config())
    return Response(letter.as_pdf(), mimetype=PDF_TYPE, headers={
        "Content-Disposition": f'attachment; filename="letter-{case.reference}.pdf"'})


@api.post("/cases/<case_id>/receipt")
@operation(json=shapes.Receipt, resp=answers("403", "404", "409", "422", HTTP_200=(shapes.CaseDetail, "The case")))
def confirm_receipt(case_id: str) -> Any:
    """Record that the recipient confirmed receipt"""
    with transaction() as session:
        actor = current_actor(session)
        require_case_worker(actor)
        data = body()
        casework.readable_case(session=session, case_id=case_id, actor=actor, now=now())
        payload = casework.receipt_payload(data, now())
        case = case_flows.deliver_message(session=session, case_id=case_id, name="receipt_confirmed", payload=payload,
                                     actor=actor, now=now())
        return jsonify(casework.case_detail(case, session))


@api.post("/cases/<case_id>/new-information")
@operation(json=shapes.BringNewInformation, resp=answers("403", "404", "409", "422",
                                                         HTTP_200=(shapes.CaseDetail, "The case")))
def new_information(case_id: str) -> Any:
    """New information about a decided case: its review opens now, not on its review date (the practitioner
    whose case it is, a manager of its team or the DSL)"""
    with transaction() as session:
        actor = current_actor(session)
        require_case_worker(actor)
        data = body()
        case = bring_new_information(session=session, case_id=case_id, actor=actor,
                                     information=data.get("information"), now=now())
        return jsonify(casework.case_detail(case, session))


@api.get("/tasks")
@operation(query=shapes.TaskQuery, resp=answers("403", "422", HTTP_200=(shapes.TaskList,
                                                                        "Open tasks, soonest due first")))
def list_tasks() -> Any:
    """Task lists: yours, your team's queue (managers), escalations (DSL)"""
    with transaction() as session:
        actor = current_actor(session)
        asked = checked_query(shapes.TaskQuery)
        found = casework.list_tasks(session=session, actor=actor, scope=asked.scope, limit=asked.limit)
        return jsonify(tasks=[casework.task_summary(t) for t in found], count=len(found))


@api.get("/tasks/<task_id>")
@operation(resp=answers("403", "404", HTTP_200=(shapes.TaskDetail, "The task")))
def get_task(task_id: str) -> Any:
    """A task with its form (JSON Schema), current data, the case so far (`case_so_far`) and, at the record
    step, `record_preview`"""
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
@operation(resp=answers("403", "404", "409", HTTP_200=ACTED))
def claim(task_id: str) -> Any:
    """Take a queued task"""
    return _task_action(task_id, "claim")


@api.post("/tasks/<task_id>/unclaim")
@operation(resp=answers("403", "404", "409", HTTP_200=ACTED))
def unclaim(task_id: str) -> Any:
    """Put a claimed task back"""
    return _task_action(task_id, "unclaim")


@api.post("/tasks/<task_id>/assign")
@operation(json=shapes.Assign, resp=answers("403", "404", "409", "422", HTTP_200=ACTED))
def assign(task_id: str) -> Any:
    """Give a task to a named person (managers, the DSL)"""
    return _task_action(task_id, "assign")


@api.post("/tasks/<task_id>/draft")
@operation(json=shapes.Answers, resp=answers("403", "404", "409", "422", HTTP_200=ACTED))
def draft(task_id: str) -> Any:
    """Save unfinished answers (checked only on completion)"""
    return _task_action(task_id, "draft")


@api.post("/tasks/<task_id>/complete")
@operation(json=shapes.Answers, resp=answers("403", "404", "409", "422", HTTP_200=ACTED))
def complete(task_id: str) -> Any:
    """Complete a task with answers valid against its form; the reply lists the case's next tasks for you
    (`next_tasks`)"""
    return _task_action(task_id, "complete")


@api.get("/audit/verify")
@operation(resp=answers("403", HTTP_200=(AuditReport, "The report")))
def verify_audit() -> Any:
    """Walk the audit chain and report any break"""
    with transaction() as session:
        require_audit_reader(current_actor(session))
        report = verify_chain(session=session)
        return jsonify(ok=report.ok, checked=report.checked, problems=report.problems)


@api.get("/audit/changes")
@operation(query=AuditQuery, resp=answers("403", "422", HTTP_200=(AuditChanges, "The changes")))
def audit_changes() -> Any:
    """Changes to accounts, teams and processes, newest first (auditors and the DSL); `older` is the `before`
    of the next page, or null on the last"""
    with transaction() as session:
        require_audit_reader(current_actor(session))
        asked = checked_query(AuditQuery)
        limit = asked.limit
        events = service_changes(session=session, before=asked.before, limit=limit)
        return jsonify(events=[casework.audit_event(e) for e in events],
                       older=events[-1].seq if len(events) == limit else None)


@api.get("/openapi.json")
def openapi_document() -> Any:
    """The OpenAPI document, generated from the operations the views declare."""
    return jsonify(document(current_app))


@api.get("/docs")
def openapi_docs() -> Any:
    """The API reference: every operation of the document, on one page."""
    return docs_page(document(current_app))
