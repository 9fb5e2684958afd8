"""How answers are checked against a form's JSON Schema (draft 2020-12), safely whatever the form says.

- ``pattern``, ``patternProperties`` and ``additionalProperties`` (which reads the patterns too) match
  with RE2, a linear-time engine: a pattern such as ``^(a+)+$`` costs no more than any other. A
  pattern RE2 cannot compile (a back-reference, a look-ahead) is refused when the form is saved
  (``form_check``); met at run time in an older version, it fails the answer rather than the server.
- ``format`` knows the formats the pages ask for (``KNOWN_FORMATS``), each checked by length and RE2
  before it is parsed; any other format is refused when the form is saved.
- References are never fetched: a form refers only to its own parts (``#/...``), so the validator has
  an empty registry and nothing outside the form can be read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import re2
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from referencing import Registry

DIALECT = "https://json-schema.org/draft/2020-12/schema"
KNOWN_FORMATS = ("date", "date-time", "email")
# The longest value each format can take: the longest date-time has nanoseconds and an offset.
_FORMAT_LENGTH = {"date": 10, "date-time": 35, "email": 320}

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
_NOTHING_TO_FETCH: Registry[Any] = Registry()


@lru_cache(maxsize=1024)
def compiled(pattern: str) -> Any:
    """The pattern compiled by RE2 (raises ``re2.error`` when RE2 cannot take it)."""
    return re2.compile(pattern, options=_OPTIONS)


def pattern_problem(pattern: str) -> str | None:
    """Why RE2 cannot take a pattern, or None when it can."""
    try:
        compiled(pattern)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    return None


def _matches(pattern: str, text: str) -> bool | None:
    """Whether the pattern is found in the text (None when the pattern cannot be compiled)."""
    try:
        return compiled(pattern).search(text) is not None
    except re2.error:
        return None


def _pattern(validator: Any, pattern: str, instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "string"):
        return
    found = _matches(pattern, instance)
    if found is None:
        yield ValidationError(f"the form's pattern {pattern!r} cannot be checked")
    elif not found:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Any, patterns: Mapping[str, Any], instance: Any,
                        schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            found = _matches(pattern, key)
            if found is None:
                yield ValidationError(f"the form's pattern {pattern!r} cannot be checked")
                break
            if found:
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(validator: Any, additional: Any, instance: Any,
                           schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    known = schema.get("properties") or {}
    patterns = list(schema.get("patternProperties") or {})
    extras = sorted(key for key in instance
                    if key not in known and not any(_matches(p, key) for p in patterns))
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif additional is False and extras:
        listed = ", ".join(repr(extra) for extra in extras[:10])
        yield ValidationError(f"Additional properties are not allowed ({listed} unexpected)")


FORMATS = FormatChecker(formats=())
_DATE = re2.compile(r"\A\d{4}-\d{2}-\d{2}\z", options=_OPTIONS)
_DATE_TIME = re2.compile(r"\A\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})\z",
                         options=_OPTIONS)
_EMAIL = re2.compile(r"\A[^@\s]+@[^@\s]+\z", options=_OPTIONS)


def _shaped(kind: str, value: str, shape: Any) -> bool:
    return len(value) <= _FORMAT_LENGTH[kind] and shape.search(value) is not None


@FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _shaped("date", value, _DATE):
        return False
    date.fromisoformat(value)
    return True


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _shaped("date-time", value, _DATE_TIME):
        return False
    moment = value.upper().replace(" ", "T")
    whole, dot, rest = moment.partition(".")
    if dot:  # Python reads at most six digits of a second's fraction
        digits = len(rest) - len(rest.lstrip("0123456789"))
        moment = whole + "." + rest[:min(digits, 6)].ljust(6, "0") + rest[digits:]
    datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return True


@FORMATS.checks("email")
def _is_email(value: object) -> bool:
    return not isinstance(value, str) or _shaped("email", value, _EMAIL)


FormValidator: Any = validators.extend(Draft202012Validator, {  # type: ignore[no-untyped-call]
    "pattern": _pattern,
    "patternProperties": _pattern_properties,
    "additionalProperties": _additional_properties,
})


def form_validator(schema: Mapping[str, Any]) -> Validator:
    """A validator of answers to ``schema``: RE2 patterns, the known formats, and no reference fetched."""
    validator: Validator = FormValidator(schema, format_checker=FORMATS, registry=_NOTHING_TO_FETCH)
    return validator
