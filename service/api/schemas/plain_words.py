"""A request the models refuse, said as the API says every refusal: plain words naming the field, in the
shape of the app's error handler (``{"error", "field", "problems"}``), never pydantic's own wording."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from service.errors import InvalidInput, Malformed

NOT_AN_OBJECT = "the request body must be a JSON object (Content-Type: application/json)"

# What each kind of refusal says of the field it names ({field}; the rest come from the error's context).
_WORDS = {
    "missing": "{field} is required",
    "blank": "{field} is required",
    "string_type": "{field} must be text",
    "string_too_short": "{field} must be at least {min_length} characters",
    "string_too_long": "{field} must be at most {max_length} characters",
    "int_type": "{field} must be a whole number",
    "int_parsing": "{field} must be a whole number",
    "int_from_float": "{field} must be a whole number",
    "greater_than_equal": "{field} must be {ge} or more",
    "less_than_equal": "{field} must be {le} or less",
    "bool_type": "{field} must be true or false",
    "bool_parsing": "{field} must be true or false",
    "dict_type": "{field} must be an object",
    "model_type": "{field} must be an object",
    "model_attributes_type": "{field} must be an object",
    "list_type": "{field} must be a list",
    "too_short": "{field} must hold at least {min_length}",
    "too_long": "{field} must hold at most {max_length}",
    "literal_error": "{field} must be one of {expected}",
    "enum": "{field} must be one of {expected}",
}


def field_of(error: ErrorDetails) -> str:
    """Where the error stands: the keys and indexes of the body joined with '/' (as the door says it)."""
    return "/".join(str(part) for part in error["loc"])


def said(model: type[BaseModel], error: ErrorDetails) -> tuple[str, str]:
    """The field and the plain words of one error: the model's own words for a field (``WORDS``, said of the
    field itself whatever within it is wrong), else the words of the kind of error."""
    field = field_of(error)
    own: dict[str, str] = getattr(model, "WORDS", {})
    top = str(error["loc"][0]) if error["loc"] else ""
    if top in own:
        return top, own[top]
    context = {k: _said(v) for k, v in (error.get("ctx") or {}).items()}
    template = _WORDS.get(error["type"], "{field} is not what this field takes")
    try:
        return field, template.format(field=field, **context)
    except (KeyError, IndexError):
        return field, f"{field} is not what this field takes"


def _said(value: Any) -> str:
    return value.replace("'", "") if isinstance(value, str) else str(value)


def refusal(model: type[BaseModel], exc: ValidationError) -> InvalidInput | Malformed:
    """The refusal to raise for a body or query the model does not take."""
    errors = exc.errors(include_url=False, include_input=False)
    if any(not e["loc"] and e["type"] in ("model_type", "model_attributes_type", "dict_type") for e in errors):
        return Malformed(NOT_AN_OBJECT)
    problems: list[dict[str, str | None]] = []
    for error in errors:
        field, message = said(model, error)
        if not any(p["field"] == field and p["message"] == message for p in problems):
            problems.append({"field": field, "message": message})
    first = problems[0]
    return InvalidInput(str(first["message"]), field=first["field"],
                        problems=problems if len(problems) > 1 else None)
