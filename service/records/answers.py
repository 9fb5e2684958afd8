"""Every answer a person gave, in plain words: the form's own question and the title of the choice made.

The record keeps what people wrote as they wrote it and what they chose as the words they chose
from, never a field name or a code: "Who are they? The child", not ``role: child``. The same
wording serves the record (stored with each revision), the case so far beside a task, and the
record's preview. Answers a form no longer declares (an older version's fields) are still shown,
under a question made from their name, so nothing anyone answered is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from service.uktime import uk_time

# Answers given on a form that are, by design, not part of the record, each with the reason. Every
# other answer of every form lands in the record (tests/records/test_record_completeness.py).
NOT_IN_RECORD: dict[str, str] = {}


@dataclass(frozen=True)
class Answer:
    """One question and its answer, as the person saw and gave it."""

    field: str
    question: str
    text: str


def describe_answers(schema: Mapping[str, Any] | None, answers: Mapping[str, Any]) -> list[Answer]:
    """The answers in the form's order, each with its question; answers the form does not know come last."""
    properties: Mapping[str, Any] = (schema or {}).get("properties") or {}
    known = [name for name in properties if name in answers]
    unknown = [name for name in answers if name not in properties]
    return [Answer(name, question_of(name, properties.get(name)), plain_answer(properties.get(name), answers[name]))
            for name in (*known, *unknown) if name not in NOT_IN_RECORD]


def plain_answer(spec: Mapping[str, Any] | None, value: Any) -> str:
    """An answer in the words of the form that asked for it."""
    spec = spec or {}
    if value is None or value == "" or value == []:
        return "Not answered"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        items = spec.get("items") or {}
        if all(isinstance(v, Mapping) for v in value):
            return "\n".join(f"{i}. {_entry(items, v)}" for i, v in enumerate(value, start=1))
        return "; ".join(plain_answer(items, v) for v in value)
    if isinstance(value, Mapping):
        return _entry(spec, value)
    title = choice_title(spec, value)
    if title is not None:
        return title
    if isinstance(value, str) and spec.get("format") == "date":
        return _day(value)
    if isinstance(value, str) and spec.get("format") == "date-time":
        return _moment(value)
    return str(value)


def choice_title(spec: Mapping[str, Any], value: Any) -> str | None:
    """The title of a one-of choice, or None when the field offers no titled choices."""
    for option in spec.get("oneOf") or ():
        if isinstance(option, Mapping) and option.get("const") == value and option.get("title"):
            return str(option["title"])
    return None


def choice_titles(forms: Iterable[Mapping[str, Any] | None]) -> dict[str, dict[str, str]]:
    """Every titled choice of every form, by field name: the words a stored code is shown in."""
    found: dict[str, dict[str, str]] = {}
    for form in forms:
        _collect_titles((form or {}).get("properties") or {}, found)
    return found


def _collect_titles(properties: Mapping[str, Any], found: dict[str, dict[str, str]]) -> None:
    for name, spec in properties.items():
        if not isinstance(spec, Mapping):
            continue
        items = spec.get("items") or {}
        for option in [*items.get("oneOf", []), *spec.get("oneOf", [])]:
            if isinstance(option, Mapping) and "const" in option and option.get("title"):
                found.setdefault(name, {}).setdefault(str(option["const"]), str(option["title"]))
        _collect_titles(items.get("properties") or {}, found)


def _entry(spec: Mapping[str, Any], value: Mapping[str, Any]) -> str:
    properties: Mapping[str, Any] = spec.get("properties") or {}
    names = [n for n in properties if n in value] + [n for n in value if n not in properties]
    parts = []
    for name in names:
        question = question_of(name, properties.get(name))
        parts.append(f"{question}{'' if question.endswith(('?', ':')) else ':'} "
                     f"{plain_answer(properties.get(name), value[name])}")
    return "; ".join(parts)


def question_of(name: str, spec: Mapping[str, Any] | None) -> str:
    """The question a field asks: its title, or its name in words when it has none."""
    return str((spec or {}).get("title") or name.replace("_", " ").capitalize())


def _day(value: str) -> str:
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{day.day} {day:%B %Y}"


def _moment(value: str) -> str:
    try:
        return uk_time(value)
    except ValueError:
        return value
