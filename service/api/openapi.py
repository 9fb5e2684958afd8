"""The API's OpenAPI 3 document, and a plain HTML page that lists it (served locally, no CDN)."""

from __future__ import annotations

from html import escape
from typing import Any

from .openapi_accounts import account_paths
from .openapi_drafts import COMMENT_BODY, DRAFT_LIFE_FIELDS, DRAFT_STATUSES, draft_life_paths
from .openapi_parts import (
    DIFF_ENTRIES,
    DRAFT_ID,
    ERRORS,
    ID,
    JSON,
    NULLABLE_TEXT,
    OBJECT,
    PATH_ID,
    PROCESS_KEY,
    TASK_ID,
    _body,
    _error,
    _ok,
    _pdf,
    _ref,
    _responses,
)
from .openapi_stuck import stuck_paths
from .openapi_trials import trial_paths


def _process_paths() -> dict[str, Any]:
    """Process owners' endpoints (everyone else: 403)."""
    owner: dict[str, Any] = {"security": [{"bearer": []}]}
    xml = {"200": {"description": "The diagram (BPMN XML)",
                   "content": {"application/xml": {"schema": {"type": "string"}}}}}
    return {
        "/api/processes": {"get": {
            **owner, "summary": "Processes with their newest version and how many drafts are open (process owners)",
            "responses": _responses(_ok("Processes", {"type": "object", "properties": {
                "processes": {"type": "array", "items": _ref("Process")}}}), "403")}},
        "/api/processes/{key}/versions": {"get": {
            **owner, "summary": "A process's published versions, newest first", "parameters": PROCESS_KEY,
            "responses": _responses(_ok("Versions", {"type": "object", "properties": {
                "versions": {"type": "array", "items": _ref("ProcessVersion")}}}), "403", "404")}},
        "/api/processes/{key}/versions/{number}/bpmn": {"get": {
            **owner, "summary": "The diagram of one version",
            "parameters": [*PROCESS_KEY, {"name": "number", "in": "path", "required": True,
                                          "schema": {"type": "integer", "minimum": 1}}],
            "responses": _responses(xml, "403", "404")}},
        "/api/processes/{key}/diff": {"get": {
            **owner, "summary": "The elements added, changed and removed from one version to another",
            "parameters": [*PROCESS_KEY,
                           {"name": "from", "in": "query", "required": True, "schema": {"type": "integer"}},
                           {"name": "to", "in": "query", "required": True, "schema": {"type": "integer"}}],
            "responses": _responses(_ok("The diff", _ref("VersionDiff")), "403", "404", "422")}},
        "/api/processes/{key}/drafts": {
            "get": {**owner, "summary": "A process's drafts, newest first", "parameters": PROCESS_KEY,
                    "responses": _responses(_ok("Drafts", {"type": "object", "properties": {
                        "drafts": {"type": "array", "items": _ref("Draft")}}}), "403", "404")},
            "post": {
                **owner, "parameters": PROCESS_KEY,
                "summary": "Save your draft of the next version (each owner has one per process, edited in "
                           "place; submit: true also asks for approval): the diagram (and any decision tables "
                           "or forms to replace). Checked on save: safe XML, the BPMN schema, the engine, every "
                           "expression, the forms and the sharing policy; 422 lists every problem with its "
                           "element. A raw body with Content-Type application/xml is taken as the diagram "
                           "(?change_note=...&submit=true)",
                "requestBody": {"required": True, "content": {JSON: {"schema": {
                    "type": "object", "required": ["bpmn"], "properties": {
                        "bpmn": {"type": "string"}, "change_note": {"type": "string"},
                        "files": {"type": "object", "additionalProperties": {"type": "string"}},
                        "submit": {"type": "boolean", "default": False}}}},
                    "application/xml": {"schema": {"type": "string"}}}},
                "responses": _responses({**_ok("Your draft, edited in place, with what it changes", _ref("Draft")),
                                         **_ok("Your new draft, with what it changes", _ref("Draft"), "201")},
                                        "400", "403", "404", "409", "413", "422")}},
        "/api/processes/{key}/drafts/{id}": {"get": {
            **owner, "summary": "A draft, with what it changes in its base version", "parameters": DRAFT_ID,
            "responses": _responses(_ok("The draft", _ref("Draft")), "403", "404")}},
        "/api/processes/{key}/drafts/{id}/bpmn": {"get": {
            **owner, "summary": "A draft's diagram", "parameters": DRAFT_ID,
            "responses": _responses(xml, "403", "404")}},
        "/api/processes/{key}/drafts/{id}/approve": {"post": {
            **owner, "summary": "Approve another process owner's submitted draft (never your own: four eyes), "
                                "with an optional comment",
            "parameters": DRAFT_ID, "requestBody": COMMENT_BODY,
            "responses": _responses(_ok("The draft", _ref("Draft")), "400", "403", "404", "409", "422")}},
        "/api/processes/{key}/drafts/{id}/publish": {"post": {
            **owner, "parameters": DRAFT_ID,
            "summary": "Publish an approved draft as the newest version; open cases move to it where safe "
                       "(no changed step has run or is live in them) unless migrate is false",
            "requestBody": {"required": False, "content": {JSON: {"schema": {
                "type": "object", "properties": {"migrate": {"type": "boolean", "default": True}}}}}},
            "responses": _responses(_ok("The new version and the open cases moved or kept", {
                "type": "object", "required": ["version", "migrated", "kept"], "properties": {
                    "version": _ref("ProcessVersion"), "migrated": {"type": "array", "items": ID},
                    "kept": {"type": "array", "items": ID}}}), "400", "403", "404", "409", "422")}},
    }


def _refusals_at_the_door(paths: dict[str, Any]) -> dict[str, Any]:
    """Every API operation may answer 400 (a NUL in its address or query); each that may be sent a body, 413."""
    for path, operations in paths.items():
        for method, operation in operations.items():
            if path.startswith("/api/"):
                operation["responses"] = {"400": ERRORS["400"], **operation["responses"]}
            if method in ("post", "put", "patch"):
                operation["responses"] = {"413": ERRORS["413"], **operation["responses"]}
    return paths


def document() -> dict[str, Any]:
    task_action: dict[str, Any] = {
        "parameters": TASK_ID,
        "responses": _responses(_ok("The task after the action", _ref("Task")), "400", "403", "404", "409"),
        "security": [{"bearer": []}],
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Safeguarding information sharing", "version": "1.0",
                 "description": "Decide, record and share information about a child, step by step. "
                                "Sign in with POST /api/tokens, then send `Authorization: Bearer <token>`."},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {
                    "error": {"type": "string"}, "field": NULLABLE_TEXT,
                    "problems": {"type": "array", "items": OBJECT}}},
                "Task": {"type": "object", "required": ["id", "case_id", "element_id", "name", "role", "state"],
                         "properties": {"id": ID, "case_id": ID, "element_id": ID, "name": {"type": "string"},
                                        "role": {"type": "string"}, "state": {"type": "string"},
                                        "assignee": {"type": "string", "nullable": True},
                                        "claimed_by": {"type": "string", "nullable": True},
                                        "due_at": {"type": "string", "nullable": True}}},
                "ProcessVersion": {"type": "object", "required": ["number", "content_hash", "author", "created_at"],
                                   "properties": {"number": {"type": "integer"}, "content_hash": {"type": "string"},
                                                  "author": {"type": "string"}, "approved_by": NULLABLE_TEXT,
                                                  "change_note": {"type": "string"},
                                                  "created_at": {"type": "string"}}},
                "Process": {"type": "object", "required": ["key", "name", "latest_version", "pending_drafts"],
                            "properties": {"key": {"type": "string"}, "name": {"type": "string"},
                                           "latest_version": _ref("ProcessVersion"),
                                           "pending_drafts": {"type": "integer"}}},
                "VersionDiff": {"type": "object", "required": ["added", "changed", "removed"], "properties": {
                    "added": DIFF_ENTRIES, "changed": DIFF_ENTRIES, "removed": DIFF_ENTRIES}},
                "Draft": {"type": "object", "required": ["id", "key", "status", "author", "content_hash"],
                          "properties": {"id": ID, "key": {"type": "string"},
                                         "status": {"type": "string", "enum": DRAFT_STATUSES},
                                         "author": {"type": "string"}, "change_note": {"type": "string"},
                                         "created_at": {"type": "string"}, "content_hash": {"type": "string"},
                                         "base_version": {"type": "integer", "nullable": True},
                                         "approved_by": NULLABLE_TEXT, "approved_at": NULLABLE_TEXT,
                                         "published_version": {"type": "integer", "nullable": True},
                                         "diff": _ref("VersionDiff"), **DRAFT_LIFE_FIELDS}},
                "Section": {"type": "object", "required": ["title", "lines", "parts"], "properties": {
                    "title": {"type": "string"},
                    "lines": {"type": "array", "items": {"type": "object", "required": ["label", "value"],
                                                         "properties": {"label": {"type": "string"},
                                                                        "value": {"type": "string"}}}},
                    "parts": {"type": "array", "items": OBJECT}}},
                "Case": {"type": "object", "required": ["id", "reference", "status"],
                         "properties": {"id": ID, "reference": {"type": "string"}, "status": {"type": "string"},
                                        "direction": {"type": "string"}, "urgency": {"type": "string"},
                                        "summary": {"type": "string"},
                                        "open_tasks": {"type": "array", "items": _ref("Task")},
                                        "timeline": {"type": "array", "items": OBJECT}}},
            },
        },
        "paths": _refusals_at_the_door({
            "/healthz": {"get": {"summary": "Is the service up?", "security": [],
                                 "responses": _ok("Up", {"type": "object"})}},
            "/api/tokens": {"post": {
                "summary": "Sign in: exchange a username and password for a bearer token", "security": [],
                "requestBody": _body({"type": "object", "required": ["username", "password"], "properties": {
                    "username": {"type": "string"}, "password": {"type": "string"}}}),
                "responses": {**_ok("A token, valid for 12 hours", {"type": "object", "required": ["token"],
                                    "properties": {"token": {"type": "string"}}}, "201"),
                              "400": ERRORS["400"], "401": ERRORS["401"], "422": ERRORS["422"],
                              "429": _error("Too many failed sign-ins: wait 15 minutes")}}},
            "/api/cases": {
                "get": {"summary": "Cases you may see, newest first", "security": [{"bearer": []}],
                        "responses": _responses(_ok("Cases", {"type": "object", "properties": {
                            "cases": {"type": "array", "items": _ref("Case")}}}), "403")},
                "post": {"summary": "Start a case (an outbound concern or an inbound request)",
                         "security": [{"bearer": []}],
                         "requestBody": _body({"type": "object", "required": ["direction", "urgency", "summary"],
                                               "properties": {
                                                   "direction": {"type": "string",
                                                                 "enum": ["outbound_concern", "inbound_request"]},
                                                   "urgency": {"type": "string",
                                                               "enum": ["emergency", "same_day", "routine"]},
                                                   "summary": {"type": "string"}}}),
                         "responses": _responses(_ok("The new case", _ref("Case"), "201"), "400", "403", "422")},
            },
            "/api/cases/{id}": {"get": {"summary": "A case: status, open tasks, what it waits for (waiting_for: "
                                                   "each step now with who has it, when it is due and what may "
                                                   "come next; a message or a date with its deadline), steps "
                                                   "done, timeline (the read is audited)",
                                        "parameters": PATH_ID, "security": [{"bearer": []}],
                                        "responses": _responses(_ok("The case", _ref("Case")), "403", "404")}},
            "/api/cases/{id}/record": {"get": {
                "summary": "The decision record: the request, each decision revision (with every answer of every "
                           "step), new information, the disclosure log; and `sections`, the same record as the "
                           "case page and the PDF show it",
                "parameters": PATH_ID, "security": [{"bearer": []}],
                "responses": _responses(_ok("The record", {"type": "object", "required": ["case", "decisions",
                                                                                           "sections"],
                                                           "properties": {"sections": {"type": "array",
                                                                                       "items": _ref("Section")}}}),
                                        "403", "404")}},
            "/api/cases/{id}/record.pdf": {"get": {
                "summary": "The decision record as a PDF (also: the record with Accept: application/pdf)",
                "parameters": PATH_ID, "security": [{"bearer": []}],
                "responses": _pdf("The PDF")}},
            "/api/cases/{id}/letter.pdf": {"get": {
                "summary": "The plain-language letter telling the person what was shared, with whom, why, on which "
                           "lawful basis, their rights and who to contact (to print); 404 until something is shared",
                "parameters": PATH_ID, "security": [{"bearer": []}],
                "responses": _pdf("The letter as a PDF")}},
            "/api/cases/{id}/new-information": {"post": {
                "summary": "New information about a decided case: its review opens now, not on its review date "
                           "(the practitioner whose case it is, a manager of its team or the DSL)",
                "parameters": PATH_ID, "security": [{"bearer": []}],
                "requestBody": _body({"type": "object", "required": ["information"], "properties": {
                    "information": {"type": "string", "minLength": 3, "maxLength": 4000}}}),
                "responses": _responses(_ok("The case", _ref("Case")), "400", "403", "404", "409", "422")}},
            "/api/cases/{id}/receipt": {"post": {
                "summary": "Record that the recipient confirmed receipt", "parameters": PATH_ID,
                "security": [{"bearer": []}],
                "requestBody": _body({"type": "object", "required": ["received_by"], "properties": {
                    "received_by": {"type": "string"}, "received_at": {"type": "string"}}}),
                "responses": _responses(_ok("The case", _ref("Case")), "400", "403", "404", "409", "422")}},
            "/api/tasks/{id}/secure-link": {"post": {
                "summary": "From a 'Send securely' task: seal the chosen package, email the recipient a single-use "
                           "link and complete the task; the reply holds the one-time code to read out by phone",
                "parameters": TASK_ID, "security": [{"bearer": []}],
                "responses": _responses(_ok("The link (no content) and its code", OBJECT, "201"),
                                        "403", "404", "409", "422")}},
            "/api/cases/{id}/secure-links": {"get": {
                "summary": "A case's secure links: recipient, state, opened, downloaded, receipt (no content)",
                "parameters": PATH_ID, "security": [{"bearer": []}],
                "responses": _responses(_ok("The links", OBJECT), "403", "404")}},
            "/api/secure-links/{id}/code": {"get": {
                "summary": "The one-time code again, for the sender or the DSL to read out (audited)",
                "parameters": PATH_ID, "security": [{"bearer": []}],
                "responses": _responses(_ok("The code", OBJECT), "403", "404")}},
            "/api/secure-links/{id}/reissue": {"post": {
                "summary": "Send the same package again as a new link with a new code (the old link is withdrawn); "
                           "the sender or the DSL",
                "parameters": PATH_ID, "security": [{"bearer": []}],
                "responses": _responses(_ok("The new link and its code", OBJECT, "201"), "403", "404", "409")}},
            "/api/secure-links/{id}/revoke": {"post": {
                "summary": "Withdraw a link (the sender or the DSL): it can no longer be opened",
                "parameters": PATH_ID, "security": [{"bearer": []}],
                "responses": _responses(_ok("The link", OBJECT), "403", "404")}},
            "/api/tasks": {"get": {
                "summary": "Task lists: yours, your team's queue (managers), escalations (DSL)",
                "parameters": [{"name": "scope", "in": "query", "required": False,
                                "schema": {"type": "string", "enum": ["mine", "team", "escalated"]}},
                               {"name": "limit", "in": "query", "required": False,
                                "schema": {"type": "integer", "minimum": 1, "maximum": 200}}],
                "security": [{"bearer": []}],
                "responses": _responses(_ok("Open tasks, soonest due first", {"type": "object", "properties": {
                    "tasks": {"type": "array", "items": _ref("Task")}, "count": {"type": "integer"}}}),
                    "403", "422")}},
            "/api/tasks/{id}": {"get": {"summary": "A task with its form (JSON Schema), current data, the case so "
                                                   "far (`case_so_far`) and, at the record step, `record_preview`",
                                        "parameters": TASK_ID, "security": [{"bearer": []}],
                                        "responses": _responses(_ok("The task", _ref("Task")), "403", "404")}},
            "/api/tasks/{id}/claim": {"post": {**task_action, "summary": "Take a queued task"}},
            "/api/tasks/{id}/unclaim": {"post": {**task_action, "summary": "Put a claimed task back"}},
            "/api/tasks/{id}/assign": {"post": {
                **task_action, "summary": "Give a task to a named person (managers, the DSL)",
                "requestBody": _body({"type": "object", "required": ["assignee"],
                                      "properties": {"assignee": {"type": "string"}}}),
                "responses": {**task_action["responses"], "422": ERRORS["422"]}}},
            "/api/tasks/{id}/draft": {"post": {
                **task_action, "summary": "Save unfinished answers (checked only on completion)",
                "requestBody": _body({"type": "object", "required": ["data"], "properties": {"data": OBJECT}}),
                "responses": {**task_action["responses"], "422": ERRORS["422"]}}},
            "/api/tasks/{id}/complete": {"post": {
                **task_action, "summary": "Complete a task with answers valid against its form; the reply lists "
                                          "the case's next tasks for you (`next_tasks`)",
                "requestBody": _body({"type": "object", "required": ["data"], "properties": {"data": OBJECT}}),
                "responses": {**task_action["responses"], "422": ERRORS["422"]}}},
            **account_paths(),
            **draft_life_paths(),
            **stuck_paths(),
            "/api/audit/verify": {"get": {"summary": "Walk the audit chain and report any break",
                                          "security": [{"bearer": []}],
                                          "responses": _responses(_ok("The report", OBJECT), "403")}},
            "/api/audit/changes": {"get": {
                "summary": "Changes to accounts, teams and processes, newest first (auditors and the DSL); "
                           "`older` is the `before` of the next page, or null on the last",
                "parameters": [{"name": "before", "in": "query", "required": False,
                                "schema": {"type": "integer", "minimum": 0}},
                               {"name": "limit", "in": "query", "required": False,
                                "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}}],
                "security": [{"bearer": []}],
                "responses": _responses(_ok("The changes", {"type": "object", "properties": {
                    "events": {"type": "array", "items": OBJECT},
                    "older": {"type": ["integer", "null"]}}}), "403", "422")}},
            **_process_paths(),
            **trial_paths(),
        }),
    }


def docs_page(spec: dict[str, Any]) -> str:
    """The API reference as one readable page, built from the same document."""
    rows = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            codes = ", ".join(sorted(op.get("responses", {})))
            rows.append(f"<tr><td><code>{method.upper()}</code></td><td><code>{escape(path)}</code></td>"
                        f"<td>{escape(op.get('summary', ''))}</td><td>{escape(codes)}</td></tr>")
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>API reference</title>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            "<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#111}"
            "table{border-collapse:collapse}td,th{border:1px solid #888;padding:.4rem .6rem;text-align:left}"
            "</style></head><body><main><h1>" + escape(spec["info"]["title"]) + " — API reference</h1>"
            "<p>" + escape(spec["info"]["description"]) + "</p>"
            "<p>Machine-readable: <a href='/api/openapi.json'>/api/openapi.json</a> (OpenAPI 3).</p>"
            "<table><caption>Endpoints</caption><thead><tr><th scope='col'>Method</th><th scope='col'>Path</th>"
            "<th scope='col'>What it does</th><th scope='col'>Responses</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></main></body></html>")
