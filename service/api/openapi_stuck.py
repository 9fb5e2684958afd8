"""The stuck-cases part of the API's OpenAPI document (process owners)."""

from __future__ import annotations

from typing import Any

from .openapi_parts import ID, NULLABLE_TEXT, PROCESS_KEY, _ok, _responses

STUCK_CASE = {"type": "object", "required": ["id", "reference", "stopped_since", "message"], "properties": {
    "id": ID, "reference": {"type": "string"}, "stopped_since": {"type": "string", "format": "date-time"},
    "message": {"type": "string"}}}
STUCK_GROUP = {"type": "object", "required": ["element_id", "element_name", "version", "message", "count", "cases"],
               "properties": {"element_id": NULLABLE_TEXT,
                              "element_name": {"type": "string", "description": "the step's name in the diagram"},
                              "version": {"type": "integer"}, "message": {"type": "string"},
                              "count": {"type": "integer"}, "cases": {"type": "array", "items": STUCK_CASE}}}
RESUMED = {"type": "object", "required": ["case_id", "reference", "status", "version", "message", "note"],
           "properties": {"case_id": ID, "reference": {"type": "string"},
                          "status": {"type": "string", "enum": ["active", "completed", "incident"]},
                          "version": {"type": "integer", "description": "the version the case is on now"},
                          "message": {**NULLABLE_TEXT, "description": "why it stopped again; null once it carried on"},
                          "note": {"type": "string", "description": "what happened, in plain words"}}}


def stuck_paths() -> dict[str, Any]:
    owner: dict[str, Any] = {"security": [{"bearer": []}]}
    return {
        "/api/processes/{key}/stuck-cases": {"get": {
            **owner, "summary": "The cases of a process stopped by an incident, by the step and version they "
                                "stopped at (process owners)",
            "parameters": PROCESS_KEY,
            "responses": _responses(_ok("Stuck cases", {"type": "object", "required": ["process", "groups"],
                                                        "properties": {"process": ID, "groups": {
                                                            "type": "array", "items": STUCK_GROUP}}}),
                                    "403", "404")}},
        "/api/processes/{key}/stuck-cases/{case_id}/resume": {"post": {
            **owner, "summary": "Try a stuck case's step again, on the newest version where the case can move to it "
                                "safely (else on its own); 409 if the case is not stuck",
            "parameters": [*PROCESS_KEY, {"name": "case_id", "in": "path", "required": True, "schema": ID}],
            "responses": _responses(_ok("Where the case stands now", RESUMED), "403", "404", "409")}},
    }
