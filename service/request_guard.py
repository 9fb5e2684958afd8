"""Every request is checked at the door, once for the whole service, before any view reads it.

- JSON bodies are parsed by one strict reader: a lone surrogate (``"\\ud800"``, which is no character
  and which no database or encoder takes), nesting deeper than ``MAX_DEPTH``, a whole number outside
  the 64-bit range, NaN or Infinity are refused with 400; a NUL character with 422 naming the field
  (no text column, PostgreSQL's least of all, stores one). A body that is not JSON at all is left to
  the view, which says what it expects.
- No address, query value or form field may hold a NUL character (400).
- Whole numbers in addresses (``<int:...>``) stop at the database's INTEGER range: past it, 404.
- Bodies are limited in size: ``MAX_BODY_BYTES`` everywhere, more where a view says so with
  ``@accepts_up_to``; past the limit, 413 in words (JSON under /api, a page elsewhere).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, current_app, jsonify, render_template, request
from flask import Request as FlaskRequest
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter, Map

from service.errors import InvalidInput, Malformed

# Cases, answers and accounts are small: 1 MiB is far more than any form's answers. Process uploads
# (a diagram with its tables and forms) declare more with @accepts_up_to.
MAX_BODY_BYTES = 1024 * 1024
MAX_DEPTH = 64
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# The database's INTEGER columns (version numbers, audit seqs) are 32-bit on PostgreSQL.
DB_INT_MAX = 2**31 - 1
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_LIMIT_ATTRIBUTE = "max_body_bytes"
_READ_NOTHING = frozenset({"healthz", "metrics", "static"})  # they take no input to check

View = TypeVar("View", bound=Callable[..., Any])


def accepts_up_to(max_bytes: int) -> Callable[[View], View]:
    """Let one view take bodies up to ``max_bytes`` (put it under the route decorator): the door reads the
    limit from the view before any body is read, and the view sets it on its request as well."""
    def mark(view: View) -> View:
        @wraps(view)
        def limited(*args: Any, **kwargs: Any) -> Any:
            request.max_content_length = max_bytes
            return view(*args, **kwargs)
        setattr(limited, _LIMIT_ATTRIBUTE, max_bytes)
        return cast(View, limited)
    return mark


class _Refused:
    """A number the reader will not pass on; the walk reports it with where it stands."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _whole_number(text: str) -> int | _Refused:
    if len(text.lstrip("-")) <= 19:
        value = int(text)
        if INT64_MIN <= value <= INT64_MAX:
            return value
    return _Refused("is a whole number outside the 64-bit range (-9223372036854775808 to 9223372036854775807)")


def _decimal(text: str) -> float | _Refused:
    value = float(text)
    return value if value not in (float("inf"), float("-inf")) else _Refused("is a number too large to store")


def _constant(text: str) -> _Refused:
    return _Refused(f"is {text}, which is not a number JSON allows")


def checked_loads(data: str | bytes, *, where: str = "the request body") -> Any:
    """Parse JSON text, refusing what the service could not store or answer (see the module's words).

    Text that is not JSON raises ``ValueError`` as ``json.loads`` does; refusals raise ``Malformed``
    (400) or, for a NUL character, ``InvalidInput`` (422) naming the field.
    """
    try:
        value = json.loads(data, parse_int=_whole_number, parse_float=_decimal, parse_constant=_constant)
    except RecursionError:
        raise Malformed(f"{where} is nested more than {MAX_DEPTH} levels deep") from None
    _check(value, where)
    return value


def _check(root: Any, where: str) -> None:
    """Walk the parsed value without recursion: depth, text and numbers, keys included."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(root, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_DEPTH:
            raise Malformed(f"{where} is nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, str):
            _check_text(value, path, where)
        elif isinstance(value, _Refused):
            raise Malformed(f"{_place(path, where)} {value.reason}")
        elif isinstance(value, dict):
            for key, item in value.items():
                _check_text(key, (*path, key), where)
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, str(index))) for index, item in enumerate(value))


def _check_text(text: str, path: tuple[str, ...], where: str) -> None:
    found = _BAD_TEXT.search(text)
    if found is None:
        return
    place = _place(tuple(p.encode("utf-8", "backslashreplace").decode("utf-8") for p in path), where)
    if found.group() == "\x00":
        raise InvalidInput(f"{place} must not contain a NUL character", field=place if path else None)
    raise Malformed(f"{place} holds a lone surrogate (\\u{ord(found.group()):04x}), which is not a character: "
                    "send the text as valid Unicode")


def _place(path: tuple[str, ...], where: str) -> str:
    """Where in the body: its keys and indexes joined with "/" (an empty key shown as "")."""
    return "/".join(part or '""' for part in path) if path else where


class _CheckedJSON:
    """The JSON module ``request.get_json`` parses with."""

    @staticmethod
    def loads(data: str | bytes, **_: Any) -> Any:
        return checked_loads(data)

    @staticmethod
    def dumps(value: Any, **kwargs: Any) -> str:
        return json.dumps(value, **kwargs)


class GuardedRequest(FlaskRequest):
    """Flask's request with the checked JSON reader and a size limit a view may raise."""

    @property
    def json_module(self) -> Any:
        return _CheckedJSON

    @json_module.setter
    def json_module(self, _provider: Any) -> None:
        """Flask hands each request the app's JSON provider; bodies are still read by the checked one."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None:
            return self._max_content_length
        if not current_app:
            return MAX_BODY_BYTES
        view = current_app.view_functions.get(self.endpoint or "")
        declared: int | None = getattr(view, _LIMIT_ATTRIBUTE, None)
        configured: int | None = current_app.config["MAX_CONTENT_LENGTH"]
        return declared or configured

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        """A form's text fields may fill the whole body: one limit, the one the 413 names."""
        return self.max_content_length if self._max_form_memory_size is None else self._max_form_memory_size

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value


class DatabaseInt(IntegerConverter):
    """``<int:...>`` in an address: no larger than the database's INTEGER, else the route does not match."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = DB_INT_MAX, signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def query_number(name: str, *, minimum: int = 0, maximum: int = DB_INT_MAX, words: str | None = None) -> int | None:
    """A whole-number query parameter (ASCII digits) from ``minimum`` to ``maximum``; None when it is not
    sent; else 422 with ``words`` (by default, the range)."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= len(str(maximum)) and minimum <= int(raw) <= maximum):
        raise InvalidInput(words or f"{name} must be a whole number from {minimum} to {maximum}", field=name)
    return int(raw)


def _check_at_the_door() -> None:
    if request.endpoint in _READ_NOTHING:
        return
    if "\x00" in request.path:
        raise Malformed("the address must not contain a NUL character")
    for name, value in request.args.items(multi=True):
        if "\x00" in name or "\x00" in value:
            raise Malformed("the query must not contain a NUL character")
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in request.form.items(multi=True):
            if "\x00" in name or "\x00" in value:
                raise InvalidInput(f"{name or 'a field'} must not contain a NUL character", field=name or None)
    if request.is_json and request.content_length != 0:
        # Parsed now, with the cached result the view reads: refusals happen here, for every endpoint.
        request.get_json(silent=True)


def _too_large(exc: RequestEntityTooLarge) -> Any:
    limit = request.max_content_length or MAX_BODY_BYTES
    message = f"The request is too large: this address takes at most {_size(limit)}."
    if request.path.startswith("/api/"):
        return jsonify(error=message), 413
    return render_template("problem.html", message=message), 413


def _size(count: int) -> str:
    for unit, scale in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if count >= scale and count % scale == 0:
            return f"{count // scale} {unit}"
    return f"{count} bytes"


def install(app: Flask) -> None:
    """Put the checks in place; call before any blueprint is registered (the converter binds routes)."""
    app.request_class = GuardedRequest
    app.url_map.converters["int"] = DatabaseInt
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.before_request(_check_at_the_door)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
