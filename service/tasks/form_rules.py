"""Rules a form declares beyond JSON Schema, which need the case or today's date to check.

- ``"x-after-today": true`` on a date field: the date must be after today (UK date), e.g. a review
  date; it may be declared in an ``allOf`` rule's ``then`` for the answers that call for it.
- ``"x-options": "identifying_details"`` on a list field: its choices are the case's own
  identifying details (``service.records.identifying``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from service.errors import InvalidInput

AFTER_TODAY = "x-after-today"


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
