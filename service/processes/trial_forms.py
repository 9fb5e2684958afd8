"""Whether a sample's answers fit a step's form as the process being tried asks it.

A draft may add a question or tighten one: a sample's answers that the form refuses could not be
submitted by a person either, so the trial stops there and says which question. The form is read as
the case would ask it: defaults filled in, and questions whose ``x-when-fact`` the case's facts do not
meet left out (as ``service.tasks.form_rules.for_case`` does when a person fills it in).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .form_schema import form_validator

WHEN_FACT = "x-when-fact"


def form_of(files: Mapping[str, str], name: str | None) -> dict[str, Any] | None:
    """The form's JSON Schema from the files being tried; None for a step without a readable form."""
    try:
        schema = json.loads(files.get(f"forms/{name}", "")) if name else None
    except ValueError:
        return None
    return schema if isinstance(schema, dict) else None


def with_defaults(schema: Mapping[str, Any] | None, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers, with each question left out taking the default its form shows."""
    properties = (schema or {}).get("properties") or {}
    defaults = {k: v["default"] for k, v in properties.items() if isinstance(v, Mapping) and "default" in v}
    return {**defaults, **answers}


def answers_problem(schema: Mapping[str, Any] | None, answers: Mapping[str, Any],
                    facts: Mapping[str, Any]) -> str | None:
    """The first thing the form refuses in the answers, in words; None when they fit."""
    if schema is None:
        return None
    asked = _as_asked(schema, facts)
    # The files were checked before the run (``validate_files``): every form is a sound JSON Schema.
    errors = sorted(form_validator(asked).iter_errors(dict(answers)), key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:
        return None
    error = errors[0]
    titles = {name: spec.get("title") for name, spec in (asked.get("properties") or {}).items()
              if isinstance(spec, Mapping)}
    if error.validator == "required" and "'" in error.message:
        name = error.message.split("'")[1]
        return f"the question '{titles.get(name) or name}' is not answered"
    field = ".".join(str(p) for p in error.absolute_path)
    question = titles.get(field) or field or "the form"
    return f"'{question}': {error.message[:200]}"


def _as_asked(schema: Mapping[str, Any], facts: Mapping[str, Any]) -> dict[str, Any]:
    properties = schema.get("properties") or {}
    left_out = {name for name, spec in properties.items()
                if isinstance(spec, Mapping) and isinstance(spec.get(WHEN_FACT), Mapping)
                and any(facts.get(fact) != wanted for fact, wanted in spec[WHEN_FACT].items())}
    if not left_out:
        return dict(schema)
    asked: dict[str, Any] = json.loads(json.dumps(schema))
    for name in left_out:
        asked["properties"].pop(name, None)
    asked["required"] = [r for r in asked.get("required", []) if r not in left_out]
    for rule in asked.get("allOf", []):
        then = rule.get("then") or {}
        if "required" in then:
            then["required"] = [r for r in then["required"] if r not in left_out]
    asked["allOf"] = [rule for rule in asked.get("allOf", [])
                      if not set((rule.get("if") or {}).get("properties") or {}) & left_out]
    if not asked["allOf"]:
        asked.pop("allOf")
    return asked
