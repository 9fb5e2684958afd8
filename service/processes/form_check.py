"""The checks an uploaded form (a JSON Schema file) must pass before a draft is saved, like a diagram's.

Each problem names the form's file and the JSON pointer of the place it concerns (``#/properties/x``):

- references stay inside the form: ``$ref`` is a local pointer (``#`` or ``#/...``) to a schema of the
  form, and references never loop on themselves; no ``$id``, ``$anchor``, ``$dynamicRef``,
  ``$dynamicAnchor``, ``$recursiveRef`` or ``$vocabulary``, and ``$schema`` only at the top, naming
  draft 2020-12;
- ``pattern`` and ``patternProperties`` keys compile with RE2 (the engine answers are matched with);
  ``unevaluatedProperties`` is not used alongside ``patternProperties`` (the library would match the
  patterns with Python's backtracking engine there);
- ``format`` is one the service checks (``form_schema.KNOWN_FORMATS``);
- every string has a ``maxLength`` of at most ``MAX_TEXT``, except one bounded by its choices
  (``enum``, ``const``, a ``oneOf`` of consts) or by its format (``date``, ``date-time``);
- every question is one the pages can show and read back (``service.web.forms``): yes / no, text, a
  date, a date-time, an email, a whole number, a number, a choice of strings or numbers, a set of
  choices, or a list of entries made of such fields.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote

from service.engine import Problem
from service.processes.identifying import IDENTIFYING_DETAILS, OPTIONS_KEYWORD

from .form_schema import DIALECT, KNOWN_FORMATS, pattern_problem

MAX_TEXT = 100_000
BOUNDED_FORMATS = ("date", "date-time")
FORBIDDEN = ("$id", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor", "$vocabulary")
# The lists of a case a question can offer its choices from (``x-options``).
CASE_LISTS = (IDENTIFYING_DETAILS,)
FIELD_TYPES = ("string", "integer", "number", "boolean", "array")
# Keywords whose value is one schema, a list of schemas, or a map of names to schemas (draft 2020-12).
_ONE = ("items", "additionalProperties", "unevaluatedProperties", "unevaluatedItems", "contains", "propertyNames",
        "not", "if", "then", "else", "contentSchema")
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
# Schemas applied to the same value (without going into it): a loop through these never ends.
_IN_PLACE_ONE = ("not", "if", "then", "else")
_IN_PLACE_MANY = ("allOf", "anyOf", "oneOf")


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def schema_nodes(schema: Any) -> dict[str, Any]:
    """Every schema in the form by its JSON pointer (``#``, ``#/properties/x``), in document order."""
    found: dict[str, Any] = {}
    stack: list[tuple[str, Any]] = [("#", schema)]
    while stack:
        pointer, node = stack.pop()
        found[pointer] = node
        if not isinstance(node, Mapping):
            continue
        children: list[tuple[str, Any]] = []
        for key in _ONE:
            if key in node:
                children.append((f"{pointer}/{_escape(key)}", node[key]))
        for key in _MANY:
            if isinstance(node.get(key), list):
                children.extend((f"{pointer}/{key}/{i}", sub) for i, sub in enumerate(node[key]))
        for key in _MAPS:
            if isinstance(node.get(key), Mapping):
                children.extend((f"{pointer}/{_escape(key)}/{_escape(str(name))}", sub)
                                for name, sub in node[key].items())
        stack.extend(reversed(children))
    return found


def form_problems(name: str, schema: Any) -> list[Problem]:
    """Every problem with one form (already valid JSON Schema), each naming the file and the place."""
    nodes = schema_nodes(schema)
    found = [*_reference_problems(nodes), *_keyword_problems(nodes), *_field_problems(schema)]
    return [Problem(message, element_id=pointer, file=name) for pointer, message in found]


def _local(ref: object) -> str | None:
    """The pointer a local reference names (``#/properties/x``), or None when it is not local."""
    if not isinstance(ref, str) or not (ref == "#" or ref.startswith("#/")):
        return None
    return "#" + unquote(ref[1:])


def _reference_problems(nodes: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for pointer, node in nodes.items():
        if not isinstance(node, Mapping):
            continue
        for key in FORBIDDEN:
            if key in node:
                yield (f"{pointer}/{key}", f"'{key}' is not allowed: a form refers only to its own parts, "
                       "with '$ref': '#/...'")
        if "$schema" in node and (pointer != "#" or str(node["$schema"]).rstrip("#") != DIALECT):
            yield (f"{pointer}/$schema", f"'$schema' may only name {DIALECT}, at the top of the form")
        if "$ref" in node:
            target = _local(node["$ref"])
            if target is None:
                yield (f"{pointer}/$ref", f"'$ref' must point inside the form ('#/...'), not "
                       f"{str(node['$ref'])[:120]!r}")
            elif target not in nodes:
                yield (f"{pointer}/$ref", f"'$ref' {str(node['$ref'])[:120]!r} names no schema in the form")
    loop = _reference_loop(nodes)
    if loop:
        yield (f"{loop}/$ref", "the references go round in a loop without reaching a question")


def _reference_loop(nodes: Mapping[str, Any]) -> str | None:
    """A schema whose references (through allOf, anyOf, oneOf, not, if/then/else) lead back to it."""
    def after(pointer: str) -> list[str]:
        node = nodes[pointer]
        if not isinstance(node, Mapping):
            return []
        nxt = [f"{pointer}/{key}" for key in _IN_PLACE_ONE if key in node]
        nxt += [f"{pointer}/{key}/{i}" for key in _IN_PLACE_MANY if isinstance(node.get(key), list)
                for i in range(len(node[key]))]
        target = _local(node.get("$ref"))
        if target is not None and target in nodes:
            nxt.append(target)
        return [n for n in nxt if n in nodes]

    done: set[str] = set()
    for start in nodes:
        if start in done:
            continue
        on_path: set[str] = {start}
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(after(start)))]
        while stack:
            pointer, rest = stack[-1]
            nxt = next(rest, None)
            if nxt is None:
                stack.pop()
                on_path.discard(pointer)
                done.add(pointer)
            elif nxt in on_path:
                return pointer if "$ref" in nodes[pointer] else nxt
            elif nxt not in done:
                on_path.add(nxt)
                stack.append((nxt, iter(after(nxt))))
    return None


def _types(node: Mapping[str, Any]) -> list[str]:
    kinds = node.get("type")
    return [str(k) for k in kinds] if isinstance(kinds, list) else [str(kinds)] if kinds is not None else []


def _bounded(node: Mapping[str, Any]) -> bool:
    """A string whose every allowed value is listed, or whose format keeps it short."""
    options = node.get("oneOf")
    return ("enum" in node or "const" in node or node.get("format") in BOUNDED_FORMATS
            or (isinstance(options, list) and bool(options)
                and all(isinstance(o, Mapping) and "const" in o for o in options)))


def _keyword_problems(nodes: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    patterned = any(isinstance(n, Mapping) and "patternProperties" in n for n in nodes.values())
    for pointer, node in nodes.items():
        if not isinstance(node, Mapping):
            continue
        if isinstance(node.get("pattern"), str):
            reason = pattern_problem(node["pattern"])
            if reason:
                yield (f"{pointer}/pattern", f"the pattern cannot be matched in linear time (RE2): {reason}")
        for key in node.get("patternProperties") or {}:
            reason = pattern_problem(str(key))
            if reason:
                yield (f"{pointer}/patternProperties/{_escape(str(key))}",
                       f"the pattern cannot be matched in linear time (RE2): {reason}")
        if patterned and "unevaluatedProperties" in node:
            yield (f"{pointer}/unevaluatedProperties", "'unevaluatedProperties' cannot be used in a form with "
                   "'patternProperties': use 'additionalProperties'")
        if "format" in node and node["format"] not in KNOWN_FORMATS:
            yield (f"{pointer}/format", f"format {str(node['format'])[:80]!r} is not one the service checks: "
                   f"use {', '.join(KNOWN_FORMATS)}")
        if "string" in _types(node) and not _bounded(node):
            longest = node.get("maxLength")
            field = _field_name(pointer)
            if longest is None:
                yield (pointer, f"the text field {field} has no maxLength: say how long an answer may be")
            elif longest > MAX_TEXT:
                yield (f"{pointer}/maxLength", f"the text field {field} may be at most {MAX_TEXT} characters long")


def _field_name(pointer: str) -> str:
    parts = pointer.split("/")
    names = [parts[i + 1] for i in range(len(parts) - 1) if parts[i] == "properties"]
    return f"'{names[-1].replace('~1', '/').replace('~0', '~')}'" if names else f"at {pointer}"


def _field_problems(schema: Any) -> Iterator[tuple[str, str]]:
    """Questions the pages cannot show or read back."""
    if not isinstance(schema, Mapping) or schema.get("type") != "object":
        yield ("#/type", "a form is a set of questions: give it \"type\": \"object\"")
        return
    properties = schema.get("properties") or {}
    for name, spec in properties.items():
        yield from _one_field(f"#/properties/{_escape(str(name))}", str(name), spec, in_entry=False)


def _one_field(pointer: str, name: str, spec: Any, *, in_entry: bool) -> Iterator[tuple[str, str]]:
    if not isinstance(spec, Mapping):
        yield (pointer, f"'{name}' must be a schema object that says what it asks")
        return
    kinds = [k for k in _types(spec) if k != "null"]
    if len(kinds) > 1:
        yield (f"{pointer}/type", f"'{name}' has more than one type ({', '.join(kinds)}): a page field takes one")
        return
    kind = kinds[0] if kinds else None
    if kind == "boolean":
        return
    if kind == "array":
        yield from _list_field(pointer, name, spec, in_entry=in_entry)
        return
    if "oneOf" in spec or "enum" in spec or "const" in spec:
        yield from _choice_problems(pointer, name, spec)
        return
    if kind not in FIELD_TYPES:
        shown = f"type {kind!r}" if kind else "no type of its own" if "$ref" in spec else "no type"
        yield (pointer, f"'{name}' has {shown}: a page shows text (string), whole numbers (integer), numbers, "
               "yes / no (boolean), choices, or a list of entries (an array of objects)")


def _list_field(pointer: str, name: str, spec: Mapping[str, Any], *, in_entry: bool) -> Iterator[tuple[str, str]]:
    items = spec.get("items")
    if not isinstance(items, Mapping):
        yield (f"{pointer}/items", f"the list '{name}' must say what it holds (items)")
    elif items.get("type") == "object":
        if in_entry:
            yield (f"{pointer}/items", f"'{name}' is a list of entries inside an entry: a page cannot show it")
            return
        columns = items.get("properties") or {}
        if not columns:
            yield (f"{pointer}/items/properties", f"the entries of '{name}' must say what they hold (properties)")
        for column, sub in columns.items():
            yield from _one_field(f"{pointer}/items/properties/{_escape(str(column))}", str(column), sub,
                                  in_entry=True)
    elif "oneOf" in items or "enum" in items:
        yield from _choice_problems(f"{pointer}/items", name, items)
    elif OPTIONS_KEYWORD in spec:
        if in_entry or spec[OPTIONS_KEYWORD] not in CASE_LISTS:
            yield (f"{pointer}/{OPTIONS_KEYWORD}", f"'{name}' offers choices from {spec[OPTIONS_KEYWORD]!r}: a page "
                   f"offers a case's own list ({', '.join(CASE_LISTS)}) only to a question of the form itself")
    else:
        yield (f"{pointer}/items", f"the list '{name}' must offer its choices (items.oneOf or items.enum) or "
               "hold entries (items of type object)")


def _choice_problems(pointer: str, name: str, spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if "oneOf" in spec:
        options = spec["oneOf"]
        if not all(isinstance(o, Mapping) and "const" in o for o in options):
            yield (f"{pointer}/oneOf", f"each choice of '{name}' must give its value as 'const'")
            return
        values = [o["const"] for o in options]
    else:
        values = list(spec["enum"]) if "enum" in spec else [spec.get("const")]
    for value in values:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            yield (pointer, f"the choice {str(value)[:40]!r} of '{name}' is not text or a number: a page "
                   "cannot offer it")
            return
