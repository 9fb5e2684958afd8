"""A form's validation errors in plain words, naming the question, never a schema path or keyword.

"Person 2: choose an answer to 'Who are they?': The child, A parent or carer, Someone else involved
or Other" rather than
"subjects/1/role: 'role' is a required property". Each problem keeps the path of the field it
belongs to (``subjects/1/role``), so the page can put the words beside that very field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jsonschema.exceptions import ValidationError


def plain_problem(schema: Mapping[str, Any], error: ValidationError) -> dict[str, str]:
    """One validation error as {"field": path, "message": words a person can act on}."""
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path.append(missing)
    spec = _spec_at(schema, path)
    words = _words(error, spec, _entry_name(schema, path))
    return {"field": "/".join(path), "message": words[:1].upper() + words[1:]}


def _words(error: ValidationError, spec: Mapping[str, Any], entry: str | None) -> str:
    title = str(spec.get("title") or (error.absolute_path[-1] if error.absolute_path else "this question"))
    where = f"{entry}: " if entry else ""
    kind = error.validator
    if kind in ("required", "type", "oneOf", "enum") and _choices(spec):
        choices = _choices(spec)
        # A short list is named in full ("The child, A parent or carer ..."); a long one is on the page.
        return f"{where}choose an answer to '{title}'" + (f": {_or(choices)}" if len(choices) <= 4 else "")
    if kind in ("required", "type") and _is_boolean(spec):
        return f"{where}answer yes or no: '{title}'" if spec.get("const") is not True else f"Tick to confirm: '{title}'"
    if kind == "required" and spec.get("type") == "array":
        return f"Add at least one answer to '{title}'"
    if kind == "type" and _number_kind(spec):
        return f"{where}enter '{title}' as " + ("a whole number, for example 3" if _number_kind(spec) == "integer"
                                               else "a number, for example 2.5")
    if kind in ("required", "type"):
        return f"{where}answer '{title}'"
    if kind == "multipleOf":
        return f"{where}enter a multiple of {spec.get('multipleOf')} for '{title}'"
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        return f"{where}{_number_range(spec)} for '{title}'"
    if kind == "const" and spec.get("const") is True:
        return f"Tick to confirm: '{title}'"
    if kind in ("oneOf", "enum", "const"):
        return f"{where}choose one of the answers offered for '{title}'"
    if kind == "minLength":
        least = int(spec.get("minLength", 1))
        return f"{where}answer '{title}'" if least <= 1 else f"{where}write at least {least} characters for '{title}'"
    if kind == "maxLength":
        return f"{where}'{title}' must be {spec.get('maxLength')} characters or fewer"
    if kind == "format":
        return {"date": f"{where}enter '{title}' as a real date, for example 27 11 2026",
                "date-time": f"{where}enter '{title}' as a date and a time, for example 27 11 2026 14:30",
                "email": f"{where}enter an email address for '{title}', like name@example.org"}.get(
            str(spec.get("format")), f"{where}check the answer to '{title}'")
    if kind == "minItems":
        return f"Add at least {spec.get('minItems')} to '{title}'"
    if kind == "maxItems":
        return f"'{title}' can have at most {spec.get('maxItems')} entries"
    if kind == "uniqueItems":
        return f"Each answer to '{title}' can be ticked once"
    if kind == "additionalProperties":
        return "The form sent an answer to a question it does not ask: reload the page and try again"
    return f"{where}check the answer to '{title}'"


def _spec_at(schema: Mapping[str, Any], path: Sequence[str]) -> Mapping[str, Any]:
    spec: Mapping[str, Any] = schema
    for part in path:
        inner = spec.get("items") if part.isdigit() else (spec.get("properties") or {}).get(part)
        spec = inner if isinstance(inner, Mapping) else {}
    return spec


def _entry_name(schema: Mapping[str, Any], path: Sequence[str]) -> str | None:
    """The entry a path is in, as the page heads it: "Person 2", "Piece of information 1" ("Entry 2" untitled)."""
    at = max((i for i, part in enumerate(path) if part.isdigit()), default=None)
    if at is None:
        return None
    called = _spec_at(schema, path[:at]).get("items") or {}
    return f"{called.get('title') or 'Entry'} {int(path[at]) + 1}"


def _choices(spec: Mapping[str, Any]) -> list[str]:
    options = spec.get("oneOf") or (spec.get("items") or {}).get("oneOf") or []
    return [str(o.get("title", o.get("const"))) for o in options if isinstance(o, Mapping)]


def _is_boolean(spec: Mapping[str, Any]) -> bool:
    kinds = spec.get("type")
    return kinds == "boolean" or (isinstance(kinds, list) and "boolean" in kinds)


def _number_kind(spec: Mapping[str, Any]) -> str | None:
    kinds = spec.get("type")
    kind_list = kinds if isinstance(kinds, list) else [kinds]
    return next((k for k in ("integer", "number") if k in kind_list), None)


def _number_range(spec: Mapping[str, Any]) -> str:
    """What a number must be: "enter a whole number from 0 to 30", "enter a number of 1 or more"."""
    noun = "a whole number" if _number_kind(spec) == "integer" else "a number"
    low, high = spec.get("minimum", spec.get("exclusiveMinimum")), spec.get("maximum", spec.get("exclusiveMaximum"))
    if low is not None and high is not None and "minimum" in spec and "maximum" in spec:
        return f"enter {noun} from {low} to {high}"
    above = f"more than {low}" if "minimum" not in spec else f"{low} or more"
    below = f"less than {high}" if "maximum" not in spec else f"{high} or less"
    if low is not None and high is not None:
        return f"enter {noun}: {above}, and {below}"
    if low is not None:
        return f"enter {noun} of {above}" if "minimum" in spec else f"enter {noun} {above}"
    if high is not None:
        return f"enter {noun} of {below}" if "maximum" in spec else f"enter {noun} {below}"
    return f"enter {noun}"


def _or(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
