"""The OpenAPI description of a draft's life: submitting, withdrawing, rejecting, discarding and commenting,
the publish preview, and rolling back to an earlier version."""

from __future__ import annotations

from typing import Any

from .openapi_parts import DRAFT_ID, ID, JSON, NULLABLE_TEXT, PROCESS_KEY, _ok, _ref, _responses

DRAFT_STATUSES = ["working", "submitted", "rejected", "approved", "published", "discarded"]
COMMENT_BODY = {"required": False, "content": {JSON: {"schema": {
    "type": "object", "properties": {"comment": {"type": "string", "maxLength": 4000}}}}}}

DRAFT_LIFE_FIELDS: dict[str, Any] = {
    "updated_at": NULLABLE_TEXT, "submitted_at": NULLABLE_TEXT,
    "rollback_of": {"type": "integer", "nullable": True},
    "changed": {"type": "boolean", "description": "On a save: whether the draft's files changed"},
    "comments": {"type": "array", "items": {"type": "object", "required": ["author", "action", "text", "at"],
                                            "properties": {"author": {"type": "string"},
                                                           "action": {"type": "string"},
                                                           "text": {"type": "string"},
                                                           "at": {"type": "string"}}}},
}

_STEPS = {
    "submit": "Its author asks a second process owner to approve a working or rejected draft",
    "withdraw": "Its author takes a submitted or approved draft back (an approval is void): it is working again",
    "reject": "A second process owner sends a submitted draft back to its author; the comment (why) is required",
    "discard": "Its author abandons a draft that is not published",
    "comments": "Any process owner adds a comment to the draft's review thread (the comment is required)",
}


def draft_life_paths() -> dict[str, Any]:
    owner: dict[str, Any] = {"security": [{"bearer": []}]}
    moves = {"type": "array", "items": {"type": "object", "required": ["case_id", "reference", "version", "reason"],
                                        "properties": {"case_id": ID, "reference": {"type": "string"},
                                                       "version": {"type": "integer"},
                                                       "reason": {"type": "string"}}}}
    paths: dict[str, Any] = {
        f"/api/processes/{{key}}/drafts/{{id}}/{step}": {"post": {
            **owner, "summary": summary, "parameters": DRAFT_ID, "requestBody": COMMENT_BODY,
            "responses": _responses(_ok("The draft", _ref("Draft")), "400", "403", "404", "409", "422")}}
        for step, summary in _STEPS.items()
    }
    paths["/api/processes/{key}/drafts/{id}/publish-preview"] = {"get": {
        **owner, "parameters": DRAFT_ID,
        "summary": "Before publishing an approved draft: which open cases would move to the new version and which "
                   "would stay on their own, and why. Nothing is changed",
        "responses": _responses(_ok("The open cases, moving and staying", {
            "type": "object", "required": ["next_version", "moving", "staying"],
            "properties": {"next_version": {"type": "integer"}, "moving": moves, "staying": moves}}),
            "403", "404", "409")}}
    paths["/api/processes/{key}/versions/{number}/rollback"] = {"post": {
        **owner, "parameters": [*PROCESS_KEY, {"name": "number", "in": "path", "required": True,
                                               "schema": {"type": "integer", "minimum": 1}}],
        "summary": "A submitted draft that brings an earlier version's files back as the next version; a second "
                   "process owner approves it like any draft. The comment (why) is required",
        "requestBody": COMMENT_BODY,
        "responses": _responses(_ok("The rollback draft", _ref("Draft"), "201"), "400", "403", "404", "409",
                                "422")}}
    return paths
