"""What a form may declare beyond JSON Schema: rules that need the case, or today's date.

- ``"x-after-today": true`` on a date field: the date must be after today (UK date), e.g. a review
  date; it may be declared in an ``allOf`` rule's ``then`` for the answers that call for it.
- ``"x-options": "identifying_details"`` on a list field: its choices are the case's own
  identifying details (``service.processes.identifying``).
- ``"x-when-fact": {"public_authority": false}``: the question is asked only when the case's facts
  say so (here, for an organisation that is not a public body); otherwise it is left out of the form
  and of what it requires.
- ``"x-start-from": "<fact>"``: the field starts from what the case already holds (the person's own
  earlier answer, shown as such); on a list of entries, ``{"summary": "concern"}`` offers a first
  entry. ``"x-default": "today"`` on a date field starts it at today.
- ``"x-suggest": [{"when": {"<field>": <value>}, "value": ..., "because": "..."}]``: a suggestion shown
  beside a question, never an answer given for the person; ``"when_case": "a_child_is_named"`` instead
  of ``"when"`` reads the case rather than another answer on the same form.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from service.errors import InvalidInput

AFTER_TODAY = "x-after-today"
WHEN_FACT = "x-when-fact"
START_FROM = "x-start-from"
DEFAULT = "x-default"
SUGGEST = "x-suggest"


def _specs(schema: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for name, spec in (schema.get("properties") or {}).items():
        yield name, spec
    for rule in schema.get("allOf") or ():
        for name, spec in ((rule.get("then") or {}).get("properties") or {}).items():
            yield name, spec


def check_dates_after_today(schema: Mapping[str, Any] | None, answers: Mapping[str, Any], today: date) -> None:
    """Refuse a date that must be in the future but is today or earlier, naming the question."""
    titles = {name: spec.get("title") for name, spec in ((schema or {}).get("properties") or {}).items()}
    for name, spec in _specs(schema or {}):
        value = answers.get(name)
        if not (isinstance(spec, Mapping) and spec.get(AFTER_TODAY) and isinstance(value, str)):
            continue
        try:
            chosen = date.fromisoformat(value[:10])
        except ValueError:
            continue  # not a date at all: the schema's own check says so
        if chosen <= today:
            question = titles.get(name) or name.replace("_", " ")
            message = f"Give a date after today for '{question}' (today is {today.day} {today:%B %Y})"
            raise InvalidInput(message, field=name, problems=[{"field": name, "message": message}])


def for_case(schema: Mapping[str, Any] | None, facts: Mapping[str, Any]) -> dict[str, Any] | None:
    """The form as this case asks it: questions whose ``x-when-fact`` the facts do not meet are left out."""
    if schema is None:
        return None
    left_out = {name for name, spec in (schema.get("properties") or {}).items()
                if isinstance(spec, Mapping) and spec.get(WHEN_FACT)
                and any(facts.get(fact) != wanted for fact, wanted in spec[WHEN_FACT].items())}
    if not left_out:
        return dict(schema)
    asked = copy.deepcopy(dict(schema))
    for name in left_out:
        asked["properties"].pop(name)
    asked["required"] = [r for r in asked.get("required", []) if r not in left_out]
    for rule in asked.get("allOf", []):
        then = rule.get("then") or {}
        then["required"] = [r for r in then.get("required", []) if r not in left_out]
    asked["allOf"] = [rule for rule in asked.get("allOf", [])
                      if not set((rule.get("if") or {}).get("properties") or {}) & left_out]
    return asked


def starting_values(schema: Mapping[str, Any] | None, facts: Mapping[str, Any], today: date) -> dict[str, Any]:
    """What a fresh form starts from: the case's own earlier answers it names, and today's date where offered."""
    values: dict[str, Any] = {}
    for name, spec in ((schema or {}).get("properties") or {}).items():
        source = spec.get(START_FROM) if isinstance(spec, Mapping) else None
        if isinstance(source, str) and facts.get(source) not in (None, ""):
            values[name] = facts[source]
        elif isinstance(source, Mapping):
            entry = {key: facts[fact] for key, fact in source.items() if facts.get(fact) not in (None, "")}
            if entry:
                values[name] = [entry]
        elif isinstance(spec, Mapping) and spec.get(DEFAULT) == "today":
            values[name] = today.isoformat()
    return values


def case_suggestions(schema: Mapping[str, Any] | None, facts: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Suggestions the case itself supports (``when_case``), by field: {"value": ..., "because": "..."}."""
    found: dict[str, dict[str, Any]] = {}
    for name, spec in ((schema or {}).get("properties") or {}).items():
        for rule in (spec.get(SUGGEST) or []) if isinstance(spec, Mapping) else []:
            reading = CASE_READINGS.get(str(rule.get("when_case")))
            if reading is not None and reading(facts):
                found[name] = {"value": rule.get("value"), "because": str(rule.get("because", ""))}
    return found


def form_suggestions(schema: Mapping[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    """Suggestions that follow another answer on the same form (``when``), for the page to show as they are given."""
    return {name: [rule for rule in spec.get(SUGGEST) or [] if "when" in rule]
            for name, spec in ((schema or {}).get("properties") or {}).items()
            if isinstance(spec, Mapping) and any("when" in rule for rule in spec.get(SUGGEST) or [])}


def _a_child_is_named(facts: Mapping[str, Any]) -> bool:
    return any(isinstance(s, Mapping) and s.get("role") == "child" for s in facts.get("subjects") or [])


CASE_READINGS = {"a_child_is_named": _a_child_is_named}
