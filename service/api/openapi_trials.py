"""The OpenAPI paths for trying a draft on sample cases (process owners only)."""

from __future__ import annotations

from typing import Any

from .openapi_parts import DRAFT_ID, ID, NULLABLE_TEXT, OBJECT, PROCESS_KEY, _ok, _responses

TEXT = {"type": "string"}
SAMPLE = {"type": "object", "required": ["id", "name", "expected"],
          "properties": {"id": ID, "name": TEXT, "expected": TEXT}}
PASSED = {"type": "object", "required": ["element_id", "name", "kind"], "properties": {
    "element_id": ID, "name": TEXT, "lane": NULLABLE_TEXT,
    "kind": {"type": "string", "enum": ["step", "decision", "event"]}}}
TIMER = {"type": "object", "required": ["element_id", "name", "due_at", "fired"], "properties": {
    "element_id": ID, "name": TEXT, "due_at": {"type": "string", "format": "date-time"},
    "for_step": NULLABLE_TEXT, "fired": {"type": "boolean"}}}
ENDING = {"type": "object", "required": ["kind", "words"], "properties": {
    "kind": {"type": "string", "enum": ["finished", "waiting_for_answers", "waiting_for_timer", "waiting_for_message",
                                        "error", "cannot_run", "too_many_steps"]},
    "words": TEXT, "element_id": NULLABLE_TEXT, "element_name": NULLABLE_TEXT}}
RUN = {"type": "object", "required": ["sample_id", "path", "timers", "lawful_basis", "ending", "problems"],
       "properties": {
           "sample_id": ID, "sample_name": TEXT, "path": {"type": "array", "items": PASSED},
           "timers": {"type": "array", "items": TIMER},
           "lawful_basis": {"type": "array", "items": {"type": "object", "required": ["name", "label", "value"],
                                                        "properties": {"name": ID, "label": TEXT, "value": {}}}},
           "ending": ENDING, "problems": {"type": "array", "items": TEXT}}}
CHANGE = {"type": "object", "required": ["kind", "words"], "properties": {
    "kind": {"type": "string", "enum": ["path", "lawful_basis", "end", "timer"]}, "words": TEXT}}
TRIAL = {"type": "object", "required": ["process", "draft_id", "published_version", "samples"], "properties": {
    "process": ID, "draft_id": ID, "published_version": {"type": "integer"},
    "samples": {"type": "array", "items": {
        "type": "object", "required": ["sample", "draft", "published", "changes", "same_outcome"],
        "properties": {"sample": SAMPLE, "draft": RUN, "published": RUN, "same_outcome": {"type": "boolean"},
                       "changes": {"type": "array", "items": CHANGE}}}}}}
ASKED = {"type": "object", "properties": {
    "samples": {"type": "array", "items": ID, "description": "sample ids (GET .../samples); all when left out"},
    "facts": {**OBJECT, "description": "facts typed in over the samples' answers: `name` wherever a sample "
                                       "gives it (and in the starting facts), `step.name` in one step only"}}}


def trial_paths() -> dict[str, Any]:
    owner: dict[str, Any] = {"security": [{"bearer": []}]}
    return {
        "/api/processes/{key}/samples": {"get": {
            **owner, "summary": "The sample cases a draft can be tried on: the worked scenarios of the guidance",
            "parameters": PROCESS_KEY,
            "responses": _responses(_ok("Samples", {"type": "object", "required": ["samples"], "properties": {
                "samples": {"type": "array", "items": SAMPLE}}}), "403", "404")}},
        "/api/processes/{key}/drafts/{id}/trial": {"post": {
            **owner, "parameters": DRAFT_ID,
            "summary": "Try a draft on sample cases in memory (nothing is written): for each sample the draft's "
                       "run and the newest version's (path, timers with due times, lawful basis, end) and the "
                       "changes of outcome in plain words",
            "requestBody": {"required": False, "content": {"application/json": {"schema": ASKED}}},
            "responses": _responses(_ok("Each sample's runs and changes", TRIAL), "400", "403", "404", "422")}},
    }
