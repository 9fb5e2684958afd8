"""The pieces the API's OpenAPI document is built of: error answers, bodies, common schemas."""

from __future__ import annotations

from typing import Any

JSON = "application/json"


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}}}


ERRORS = {
    "400": _error("Malformed request: a body that is not a JSON object or holds what the service refuses (a lone "
                  "surrogate, nesting over 64 deep, a number past 64 bits, NaN), or a NUL in the address or query"),
    "401": _error("No valid token"),
    "403": _error("Your role may not do this"),
    "404": _error("No such thing, or not one you may see"),
    "409": _error("Conflict: already completed, claimed by someone else, or changed meanwhile"),
    "422": _error("Invalid input; `field` names the first wrong field, `problems` lists them all"),
    "413": _error("The body is too large: 1 MiB at most, 8 MiB for a process upload, 64 KiB to publish"),
}


def _ok(description: str, schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    return {status: {"description": description, "content": {JSON: {"schema": schema}}}}


def _responses(ok: dict[str, Any], *codes: str) -> dict[str, Any]:
    return {**ok, **{code: ERRORS[code] for code in ("401", *codes)}}


def _pdf(description: str) -> dict[str, Any]:
    ok = {"200": {"description": description, "content": {"application/pdf": {
        "schema": {"type": "string", "format": "binary"}}}}}
    return _responses(ok, "403", "404")


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": schema}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


ID = {"type": "string"}
OBJECT: dict[str, Any] = {"type": "object", "additionalProperties": True}
PATH_ID = [{"name": "id", "in": "path", "required": True, "schema": ID}]
TASK_ID = [{"name": "id", "in": "path", "required": True, "schema": ID}]
PROCESS_KEY = [{"name": "key", "in": "path", "required": True, "schema": ID}]
DRAFT_ID = [*PROCESS_KEY, {"name": "id", "in": "path", "required": True, "schema": ID}]
NULLABLE_TEXT = {"type": "string", "nullable": True}
DIFF_CHANGES = {"type": "array", "description": "A changed entry's values that differ, in plain words "
                "(e.g. what 'timer', 'condition', 'lane (role)', 'when <column label>'); null where one side has none",
                "items": {"type": "object", "required": ["what", "before", "after"], "properties": {
                    "what": {"type": "string"}, "before": NULLABLE_TEXT, "after": NULLABLE_TEXT}}}
DIFF_VALUES = {"type": "array", "description": "An added or removed entry's values, in plain words",
               "items": {"type": "object", "required": ["what", "value"], "properties": {
                   "what": {"type": "string"}, "value": {"type": "string"}}}}
DIFF_ENTRIES = {"type": "array", "items": {"type": "object", "required": ["id", "type"], "properties": {
    "id": {"type": "string", "description": "The element's id; a form question is <file>#<question key>"},
    "type": {"type": "string", "description": "The element's tag (userTask, sequenceFlow, rule...), question, "
                                              "form or file"},
    "name": NULLABLE_TEXT,
    "kind": {"type": "string", "description": "The type in plain words (task, flow, timer on a step, rule...)"},
    "file": {"type": "string", "description": "For a form or a question, its file"},
    "group": {"type": "object", "description": "The step, decision table or form it belongs to",
              "required": ["id", "name", "kind"], "properties": {
                  "id": {"type": "string"}, "name": {"type": "string"},
                  "kind": {"type": "string", "enum": ["step", "process", "lanes", "decision", "form", "file"]}}},
    "marks": {"type": "array", "items": {"type": "string"},
              "description": "Ids of the elements to mark on the newer diagram"},
    "changes": DIFF_CHANGES, "values": DIFF_VALUES}}}
