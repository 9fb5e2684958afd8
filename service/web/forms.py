"""A task's JSON Schema as HTML form fields, and a submitted HTML form back as the JSON answers.

Only the shapes our forms use are supported (the process owners' forms are checked against them):
booleans (yes / no), text, long text, dates, date-times, emails, whole numbers (integer), numbers,
one-of choices (of text or numbers), sets of choices, and lists of small records (people, items)
entered as rows. ``service.processes.form_check`` refuses, when a form is saved, any question outside
these shapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from service.processes.identifying import NONE_OF_THEM, OPTIONS_KEYWORD
from service.uktime import from_uk_input

LONG_TEXT = 200


@dataclass
class Field:
    name: str
    kind: str  # boolean / choice / choices / text / textarea / date / datetime / email / integer / number / rows
    title: str
    hint: str
    required: bool
    choices: list[tuple[str, str]] = field(default_factory=list)
    columns: list[Field] = field(default_factory=list)
    value: Any = None
    error: str | None = None
    const: Any = None
    # A list of entries: what one entry is called ("Person"), and each cell's error by "<index>-<column>".
    entry: str = "Entry"
    cell_errors: dict[str, str] = field(default_factory=dict)
    # A suggestion from the case ({"value": ..., "because": ...}) and ones that follow answers on the page.
    suggestion: dict[str, Any] | None = None
    suggests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        """How many entries to show: those filled in, or one to start (more are added on the page)."""
        return max(len(self.value or []), 1)

    def cells(self, index: int) -> list[Field]:
        """The columns of entry ``index``, each holding that entry's value and its own error."""
        rows = self.value if isinstance(self.value, list) else []
        row = rows[index] if index < len(rows) and isinstance(rows[index], Mapping) else {}
        return [replace(column, value=row.get(column.name), error=self.cell_errors.get(f"{index}-{column.name}"))
                for column in self.columns]


def fields_for(schema: Mapping[str, Any], data: Mapping[str, Any] | None = None,
               errors: Mapping[str, str] | None = None, options: Mapping[str, list[str]] | None = None,
               suggestions: Mapping[str, dict[str, Any]] | None = None) -> list[Field]:
    """The form's fields in display order, filled from ``data`` and marked with ``errors`` (keyed by the
    field's page name, ``subjects-1-role`` for an entry's cell); a field whose choices come from the case
    (``x-options``) offers ``options[<its list>]`` and "None of them"; ``suggestions`` are the case's own."""
    data, errors, options, suggestions = data or {}, errors or {}, options or {}, suggestions or {}
    required = set(schema.get("required", []))
    found = []
    for name, spec in (schema.get("properties") or {}).items():
        one = _field(name, spec, name in required)
        one.value = data.get(name, spec.get("default"))
        one.error = errors.get(name)
        one.cell_errors = {key.removeprefix(f"{name}-"): message for key, message in errors.items()
                           if key.startswith(f"{name}-")}
        one.suggestion = suggestions.get(name)
        one.suggests = [rule for rule in spec.get("x-suggest") or [] if "when" in rule]
        for column in one.columns:
            column.suggests = [rule for rule in ((spec.get("items") or {}).get("properties") or {})
                               .get(column.name, {}).get("x-suggest") or [] if "when_under_18_in" in rule]
        if spec.get(OPTIONS_KEYWORD):
            one.choices = [(v, v) for v in options.get(str(spec[OPTIONS_KEYWORD]), [])] + [(NONE_OF_THEM,
                                                                                           "None of them")]
        found.append(one)
    return found


def _field(name: str, spec: Mapping[str, Any], required: bool) -> Field:
    kinds = spec.get("type")
    kind_list = kinds if isinstance(kinds, list) else [kinds]
    title, hint = str(spec.get("title", name.replace("_", " "))), str(spec.get("description", ""))
    if "boolean" in kind_list:
        return Field(name, "boolean", title, hint, required, const=spec.get("const"))
    if "array" in kind_list:
        items = spec.get("items") or {}
        if items.get("type") == "object":
            inner = set(items.get("required", []))
            columns = [_field(key, sub, key in inner) for key, sub in (items.get("properties") or {}).items()]
            return Field(name, "rows", title, hint, required, columns=columns,
                         entry=str(items.get("title") or "Entry"))
        return Field(name, "choices", title, hint, required, choices=_choices(items))
    if "oneOf" in spec or "enum" in spec:
        return Field(name, "choice", title, hint, required, choices=_choices(spec), const=spec.get("const"))
    if "const" in spec:
        return Field(name, "choice", title, hint, required, choices=[(spec["const"], title)], const=spec["const"])
    for number in ("integer", "number"):
        if number in kind_list:
            return Field(name, number, title, hint, required)
    text_format = spec.get("format")
    kind = {"date": "date", "date-time": "datetime", "email": "email"}.get(str(text_format), "")
    if not kind:
        kind = "textarea" if int(spec.get("maxLength", LONG_TEXT + 1)) > LONG_TEXT else "text"
    return Field(name, kind, title, hint, required)


def _choices(spec: Mapping[str, Any]) -> list[tuple[str, str]]:
    if "oneOf" in spec:
        return [(str(option["const"]), str(option.get("title", option["const"]))) for option in spec["oneOf"]]
    return [(str(value), str(value).replace("_", " ")) for value in spec.get("enum", [])]


def answers_from(schema: Mapping[str, Any], form: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON answers a submitted form means (left-out fields are left out, not sent as blanks)."""
    answers: dict[str, Any] = {}
    for name, spec in (schema.get("properties") or {}).items():
        one = _field(name, spec, False)
        value = _read(one, spec, form, name)
        if value is not _MISSING:
            answers[name] = value
    return answers


_MISSING = object()


def _read(one: Field, spec: Mapping[str, Any], form: Mapping[str, Any], name: str) -> Any:
    getlist = getattr(form, "getlist", None)
    if one.kind == "rows":
        rows = []
        items = spec.get("items") or {}
        for index in range(50):
            row = {}
            for column in one.columns:
                column_spec = (items.get("properties") or {}).get(column.name, {})
                value = _read(column, column_spec, form, f"{name}-{index}-{column.name}")
                if value is not _MISSING:
                    row[column.name] = value
            if row:
                rows.append(row)
        return rows if rows else _MISSING
    if one.kind == "choices":
        chosen = getlist(name) if getlist else form.get(name, [])
        return [_chosen(spec.get("items") or {}, str(c)) for c in chosen] if chosen else _MISSING
    raw = form.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        nullable = isinstance(spec.get("type"), list) and "null" in spec["type"]
        return None if nullable and raw is not None else _MISSING
    if one.kind == "boolean":
        return {"yes": True, "no": False}.get(str(raw), raw)
    if one.kind in ("integer", "number"):
        return _number(str(raw).strip(), whole=one.kind == "integer")
    if one.kind == "choice":
        return _chosen(spec, str(raw).strip())
    if one.kind == "datetime" and len(str(raw)) == 16:
        # A browser's datetime-local has no zone: the person typed UK wall time.
        try:
            return from_uk_input(str(raw))
        except ValueError:
            return str(raw)  # not a time at all: the form's validation names the field
    return str(raw).strip()


def _number(text: str, *, whole: bool) -> Any:
    """A typed number as a number (``"7"`` -> 7); anything else as typed, for the validation to name."""
    digits = text.removeprefix("-").removeprefix("+")
    if len(text) > 30 or not digits:
        return text
    if digits.isascii() and digits.isdigit():
        return int(text)
    whole_part, dot, fraction = digits.partition(".")
    if whole or not dot or not (whole_part + fraction).isascii() or not (whole_part + fraction).isdigit():
        return text
    return float(text)


def _chosen(spec: Mapping[str, Any], raw: str) -> Any:
    """The value a ticked choice stands for: a number choice comes back as its number, not its text."""
    values = [o.get("const") for o in spec.get("oneOf") or () if isinstance(o, Mapping)] + list(spec.get("enum") or ())
    return next((v for v in values if not isinstance(v, str | bool) and str(v) == raw), raw)


def conditions(schema: Mapping[str, Any]) -> dict[str, list[tuple[str, Any]]]:
    """Fields that only matter after a certain answer: field -> [(question, answer), ...] that bring it up.

    Read from the schema's ``allOf`` of ``if {question: const} then {required: [...]}`` rules; the page
    hides such a field until one of its answers is given (without scripts, every field shows).
    """
    always = set(schema.get("required", []))
    shown_by: dict[str, list[tuple[str, Any]]] = {}
    for rule in schema.get("allOf", []):
        condition = (rule.get("if") or {}).get("properties") or {}
        if len(condition) != 1:
            continue
        [(question, test)] = condition.items()
        if "const" not in test:
            continue
        for name in (rule.get("then") or {}).get("required", []):
            if name not in always:
                shown_by.setdefault(name, []).append((question, test["const"]))
    return shown_by


def errors_by_field(problems: list[dict[str, str | None]] | None) -> dict[str, str]:
    """The first problem of each field, keyed by its name on the page: ``concern``, or ``subjects-1-role``
    for a cell of an entry (so the words sit beside that cell, not on the whole list)."""
    found: dict[str, str] = {}
    for problem in problems or []:
        name = "-".join((problem.get("field") or "").split("/"))
        found.setdefault(name, problem.get("message") or "Answer this question")
    return found
