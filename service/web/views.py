"""The web pages: sign in, task lists, a task's form, a case with its diagram and record, audit."""

from __future__ import annotations

import json
import secrets
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from werkzeug.wrappers import Response as WerkzeugResponse

from service import casework
from service.access import may_bring_new_information, may_manage_link, may_read_audit, may_work_cases
from service.accounts.service import Unauthenticated, authenticate
from service.accounts.throttle import TooManyAttempts, record_failed_login
from service.audit.trail import MAX_SEQ, SERVICE_CHANGES, service_changes, verify_chain
from service.cases import service as cases
from service.config import PROJECT_ROOT
from service.disclosures.service import disclosures_of, link_summary
from service.errors import DomainError, InvalidInput
from service.flows import cases as case_flows
from service.flows.new_information import NEW_INFORMATION, bring_new_information
from service.flows.task_actions import act_on_task
from service.processes.bundled import BUNDLED_KEY
from service.records.letter import case_letter, has_letter
from service.records.pdf import record_pdf
from service.tasks import service as tasks
from service.tasks.form_rules import starting_values
from service.tasks.service import form_as_the_case_asks

from .context import actor, csrf_token, now, organisation_facts, reading, service_config, transaction, uk_today
from .forms import answers_from, errors_by_field
from .signin import begin, finish, safe_next, signed_in
from .task_page import task_page, task_page_again

web = Blueprint("web", __name__, template_folder="templates")
# Front-end libraries served from our own host: their built files, by the name the pages use.
VENDORS = {name: PROJECT_ROOT / "node_modules" / name / "dist" for name in ("bpmn-js", "dmn-js")}
CHANGES_PER_PAGE = 50
HEADINGS = {"mine": "My tasks", "team": "Team queue", "escalated": "Escalations"}


@web.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {"csrf_token": csrf_token, "actor": getattr(request, "actor", None), "queue_counts": _queue_counts}


def _queue_counts() -> dict[str, int]:
    """The number waiting in each of the signed-in person's queues, for the links to them."""
    current = getattr(request, "actor", None)
    if current is None or not may_work_cases(current):
        return {}
    with reading() as db:
        return casework.queue_counts(session=db, actor=current)


def _where_the_work_is() -> str:
    # Each role lands where its work waits: its own steps, else (for the DSL and managers, whose work is
    # the queues) the escalations, else the team queue. A practitioner always starts on their own steps.
    if not (actor().has_role("manager") or actor().has_role("dsl")):
        return "mine"
    counts = _queue_counts()
    return next((scope for scope in ("mine", "escalated", "team") if counts.get(scope)), "mine")


@web.before_app_request
def _guard() -> WerkzeugResponse | None:
    if request.path.startswith("/api/") or request.endpoint in (None, "static", "healthz", "metrics"):
        return None
    sent = request.form.get("csrf_token")
    if request.method == "POST" and (not sent or not secrets.compare_digest(sent, str(session.get("csrf", "")))):
        abort(400, "This form has expired: go back, reload the page and try again.")
    request.actor = signed_in()  # type: ignore[attr-defined]
    public = request.endpoint in ("web.login", "web.vendor", "index") or request.endpoint.startswith("recipient.")
    if request.actor is None and not public:  # type: ignore[attr-defined]
        return redirect(url_for("web.login", next=request.path))
    return None


@web.route("/login", methods=["GET", "POST"])
def login() -> Any:
    target = safe_next(request.values.get("next", ""))
    if request.method == "GET":
        return render_template("login.html", next=target)
    username = request.form.get("username", "").strip()
    try:
        with transaction() as db:
            user = authenticate(session=db, username=username, password=request.form.get("password", ""),
                                now=now(), client=request.remote_addr)
            begin(db, user)
    except Unauthenticated as exc:
        with transaction() as db:
            record_failed_login(session=db, username=username, now=now(), client=request.remote_addr)
        return render_template("login.html", error=exc.message, username=username, next=target), 401
    except TooManyAttempts as exc:
        return render_template("login.html", error=exc.message, username=username, next=target), 429
    csrf_token()
    return redirect(target or url_for("web.tasks"))


@web.post("/logout")
def logout() -> Any:
    finish()
    return redirect(url_for("web.login"))


@web.get("/tasks", endpoint="tasks")
def tasks_page() -> Any:
    if not may_work_cases(actor()):  # each role starts on its own page
        if actor().has_role("process_owner"):
            return redirect(url_for("web_processes.processes"))
        if actor().has_role("auditor"):
            return redirect(url_for("web.audit"))
        if actor().has_role("admin"):
            return redirect(url_for("web_admin.accounts_page"))
    scope = request.args.get("scope") or _where_the_work_is()
    q, urgency = request.args.get("q", "").strip().lower(), request.args.get("urgency", "")
    overdue_only = request.args.get("overdue") == "1"
    moment = now()
    with transaction() as db:
        found = casework.list_tasks(session=db, actor=actor(), scope=scope if scope in HEADINGS else "mine")
        case_by_id = cases.cases_by_id(session=db, case_ids=(t.case_id for t in found))
        rows: list[dict[str, Any]] = []
        for task in found:
            case = case_by_id[task.case_id]
            row: dict[str, Any] = {"task": task, "case": case, "overdue": bool(task.due_at and task.due_at < moment)}
            text = f"{task.name} {case.reference} {case.summary}".lower()
            if (q and q not in text) or (urgency and case.urgency != urgency) or (overdue_only and not row["overdue"]):
                continue
            rows.append(row)
    rows.sort(key=lambda r: r["task"].created_at, reverse=True)
    counts = {"overdue": sum(r["overdue"] for r in rows), "claimed": sum(bool(r["task"].claimed_by) for r in rows)}
    return render_template("tasks.html", tasks=rows, scope=scope, heading=HEADINGS.get(scope, "My tasks"), q=q,
                           urgency=urgency, overdue_only=overdue_only, counts=counts)



@web.route("/tasks/<task_id>", methods=["GET", "POST"])
def task(task_id: str) -> Any:
    if request.method == "POST":
        return _act_on_task(task_id)
    with transaction() as db:
        detail = casework.task_detail(session=db, task_id=task_id, actor=actor(), now=now())
        case = cases.get_case(session=db, case_id=detail["case_id"])
        task_row = tasks.get_task(session=db, task_id=task_id)
        facts, schema = form_as_the_case_asks(task_row, case)
    start = task_row.draft or task_row.answers or starting_values(schema, facts, uk_today())
    return task_page(task_row, case, schema, dict(start), facts=facts)


def _act_on_task(task_id: str) -> Any:
    """A step taken from the task's page, in one transaction as through the API: the task and its case are
    read once, to check who may act and to read the answers the way the case's form asks them."""
    action = request.form.get("action", "complete")
    answers: dict[str, Any] = {}
    following: str | None = None

    def read_answers(schema: dict[str, Any]) -> dict[str, Any]:
        answers.update(answers_from(schema, request.form))  # kept to show again if the step is refused
        return answers

    try:
        with transaction() as db:
            done = act_on_task(session=db, task_id=task_id, actor=actor(), action=action, now=now(),
                               answers=read_answers, assignee=request.form.get("assignee", ""),
                               config=service_config())
            if action == "complete":
                following = done.next_tasks[0].id if done.next_tasks else None
                return _after_completing(done.task.name, done.case.id, following)
    except InvalidInput as exc:
        return task_page_again(task_id, answers, exc.message, errors_by_field(exc.problems)), 422
    except DomainError as exc:
        if exc.status == 404:
            raise
        return task_page_again(task_id, answers, exc.message), exc.status
    if action == "draft":
        flash("Draft saved: you can come back to it later.")
    if action == "assign":
        flash(f"Given to {request.form.get('assignee')}.")
    return redirect(url_for("web.task", task_id=task_id))


def _after_completing(name: str, case_id: str, following: str | None) -> WerkzeugResponse:
    """Straight on to the person's next step; the case page only when it waits for someone else."""
    flash(f"Saved: {name}" if name.endswith(("?", ".")) else f"Saved: {name}.")
    return redirect(url_for("web.task", task_id=following) if following else url_for("web.case", case_id=case_id))


@web.get("/cases", endpoint="cases")
def cases_page() -> Any:
    with transaction() as db:
        return render_template("cases.html", cases=casework.list_cases(session=db, actor=actor()))



@web.route("/cases/new", methods=["GET", "POST"])
def new_case() -> Any:
    if request.method == "GET":
        return render_template("new_case.html")
    try:
        with transaction() as db:
            if not may_work_cases(actor()):
                abort(403)
            case = case_flows.start_case(session=db, process_key=BUNDLED_KEY, actor=actor(),
                                    direction=request.form.get("direction", ""),
                                    urgency=request.form.get("urgency", ""),
                                    summary=request.form.get("summary", ""), now=now(), data=organisation_facts())
            first = next(iter(casework.case_detail(case, db)["open_tasks"]), None)
    except InvalidInput as exc:
        return render_template("new_case.html", error=exc.message), 422
    return redirect(url_for("web.task", task_id=first["id"]) if first else url_for("web.case", case_id=case.id))


@web.get("/cases/<case_id>")
def case(case_id: str) -> Any:
    with transaction() as db:
        found = casework.readable_case(session=db, case_id=case_id, actor=actor(), now=now())
        detail = casework.case_detail(found, db)
        record = casework.record_detail(found, db, now=now())
        waiting_for = cases.load_instance(found).waiting_messages() if found.status == "active" else set()
        waiting = "receipt_confirmed" in waiting_for
        reopen = NEW_INFORMATION in waiting_for and may_bring_new_information(actor(), found)
        sent_links = disclosures_of(session=db, case_id=found.id)
        replaced = {d.replaces for d in sent_links}
        links = [link_summary(d, now()) | {"may_manage": may_manage_link(actor(), d, found),
                                           "newest": d.id not in replaced} for d in sent_links]
        letter = has_letter(session=db, case=found)
    # The same rule as the receipt endpoint: anyone who works cases and may read this one.
    return render_template("case.html", case=found, detail=detail, record=record, waiting_for_receipt=waiting,
                           may_work=may_work_cases(actor()), links=links, letter=letter, may_reopen=reopen)


@web.post("/cases/<case_id>/new-information")
def new_information(case_id: str) -> Any:
    try:
        with transaction() as db:
            found = bring_new_information(session=db, case_id=case_id, actor=actor(),
                                          information=request.form.get("information", ""), now=now())
            review = next((t for t in casework.next_tasks(session=db, case=found, actor=actor())), None)
            review_id = review.id if review else None
    except DomainError as exc:
        flash(exc.message)
        return redirect(url_for("web.case", case_id=case_id))
    flash("New information recorded: the decision is open for review now.")
    return redirect(url_for("web.task", task_id=review_id) if review_id else url_for("web.case", case_id=case_id))


@web.get("/cases/<case_id>/record.pdf")
def record_download(case_id: str) -> Any:
    with transaction() as db:
        found = casework.readable_case(session=db, case_id=case_id, actor=actor(), now=now(), action="record_read")
        record = casework.record_detail(found, db, now=now())
    document = record_pdf(record, printed_by=actor().username, printed_at=now().isoformat(timespec="minutes"))
    return Response(document, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="record-{found.reference}.pdf"'})


@web.get("/cases/<case_id>/letter.pdf")
def letter_download(case_id: str) -> Any:
    with transaction() as db:
        found = casework.readable_case(session=db, case_id=case_id, actor=actor(), now=now(), action="letter_read")
        letter = case_letter(session=db, case=found, now=now(),
                             config=service_config())
    return Response(letter.as_pdf(), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="letter-{found.reference}.pdf"'})


@web.post("/cases/<case_id>/receipt")
def receipt(case_id: str) -> Any:
    with transaction() as db:
        casework.readable_case(session=db, case_id=case_id, actor=actor(), now=now())
        if not may_work_cases(actor()):
            abort(403)
        by = request.form.get("received_by", "").strip() or "the recipient"
        case_flows.deliver_message(session=db, case_id=case_id, name="receipt_confirmed",
                              payload={"received_by": by, "received_at": now().isoformat()}, actor=actor(), now=now())
    flash("Receipt recorded.")
    return redirect(url_for("web.case", case_id=case_id))


@web.get("/cases/<case_id>/diagram.bpmn")
def diagram(case_id: str) -> Any:
    with transaction() as db:
        found = casework.readable_case(session=db, case_id=case_id, actor=actor(), now=now())
        files = found.process_version.file_map()
    xml = next(text for name, text in files.items() if name.endswith(".bpmn"))
    return Response(xml, mimetype="application/xml")


@web.route("/audit", methods=["GET", "POST"])
def audit() -> Any:
    current = actor()
    if not may_read_audit(current):
        abort(403)
    reference = request.args.get("reference", "").strip()
    before = request.args.get("before", "")
    with transaction() as db:
        found = cases.case_by_reference(session=db, reference=reference)
        report = verify_chain(session=db) if request.method == "POST" else None
        changes = service_changes(session=db, before=int(before) if before.isascii() and before.isdigit()
                                  and len(before) <= len(str(MAX_SEQ)) and int(before) <= MAX_SEQ else None,
                                  limit=CHANGES_PER_PAGE)
    return render_template("audit.html", reference=reference, found=found, report=report, labels=SERVICE_CHANGES,
                           changes=[(event, _readable_details(event.summary)) for event in changes],
                           older=changes[-1].seq if len(changes) == CHANGES_PER_PAGE else None)


# Who or what a change was about comes first, what it had before last.
_DETAIL_ORDER = ("username", "team", "process", "version", "roles", "had_roles", "had_team")


def _readable_details(summary: str | None) -> dict[str, object]:
    details: dict[str, object] = json.loads(summary or "{}")
    first = [key for key in _DETAIL_ORDER if key in details]
    return {key: details[key] for key in first + sorted(set(details) - set(first))}


@web.get("/vendor/<library>/<path:path>")
def vendor(library: str, path: str) -> Any:
    folder = VENDORS.get(library)
    if folder is None or not folder.is_dir():
        abort(404)
    return send_from_directory(folder, path, max_age=3600)
