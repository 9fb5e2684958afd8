"""What changed in a form (a JSON Schema file under forms/), question by question.

A question is a property of the form (or of a list's items, shown as ``list > question``); it is
read as facts in plain words: its question text, answer type, choices, whether it must be answered
(always, or when another answer is given), its hint and any limits. The form's own title and
description are facts of the form. A file that is not a JSON object is compared as text.
"""

from __future__ import annotations

import json
from typing import Any

from .diff_values import Facts, changes, values

_TYPE_WORDS = {"string": "text", "boolean": "yes or no", "integer": "whole number", "number": "number",
               "array": "list", "object": "group of questions"}
_FORMAT_WORDS = {"date": "date", "date-time": "date and time", "email": "email address"}
_LIMIT_WORDS = {
    "minLength": "shortest answer (characters)", "maxLength": "longest answer (characters)",
    "minimum": "smallest value", "maximum": "largest value", "minItems": "fewest entries",
    "maxItems": "most entries", "pattern": "must match", "default": "starts as", "x-default": "starts as",
    "const": "must be",
}
# Read into the facts above, or the questions themselves.
_READ = frozenset({"title", "type", "format", "oneOf", "anyOf", "enum", "description", "properties", "items",
                   "required"})
_PATH = " > "


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _choices(schema: dict[str, Any]) -> str | None:
    options = schema.get("oneOf") or schema.get("anyOf")
    if isinstance(options, list) and options:
        words = []
        for option in options:
            if isinstance(option, dict) and "const" in option:
                words.append(str(option.get("title") or _text(option["const"])))
            else:
                words.append(_text(option))
        return "; ".join(words)
    if isinstance(schema.get("enum"), list):
        return "; ".join(_text(v) for v in schema["enum"])
    items = schema.get("items")
    return _choices(items) if isinstance(items, dict) and schema.get("type") == "array" else None


def _answer_type(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if not isinstance(kind, str):
        return _text(kind) if kind is not None else None
    words = _FORMAT_WORDS.get(str(schema.get("format"))) or _TYPE_WORDS.get(kind, kind)
    items = schema.get("items")
    if kind == "array" and isinstance(items, dict) and isinstance(items.get("type"), str):
        words = f"list of {_TYPE_WORDS.get(items['type'], items['type'])}"
    return words


def _choice_title(schema: Any, value: Any) -> str:
    if isinstance(schema, dict):
        for option in schema.get("oneOf") or schema.get("anyOf") or []:
            if isinstance(option, dict) and option.get("const") == value and option.get("title"):
                return str(option["title"])
    if value is True or value is False:
        return "yes" if value else "no"
    return _text(value)


def _conditions(form: dict[str, Any]) -> dict[str, list[str]]:
    """Questions that must be answered only when another answer is given: ``{key: ["when ..."]}``."""
    found: dict[str, list[str]] = {}
    properties = form["properties"] if isinstance(form.get("properties"), dict) else {}
    rules = form["allOf"] if isinstance(form.get("allOf"), list) else []
    for rule in rules:
        if not isinstance(rule, dict) or not isinstance(rule.get("if"), dict) or not isinstance(rule.get("then"), dict):
            continue
        asked = rule["if"].get("properties")
        needed = rule["then"].get("required")
        if not isinstance(asked, dict) or not isinstance(needed, list):
            continue
        words = []
        for key, test in asked.items():
            if isinstance(test, dict) and "const" in test:
                question = properties.get(key)
                title = question.get("title", key) if isinstance(question, dict) else key
                words.append(f"{title} is {_choice_title(question, test['const'])}")
        if words:
            for key in needed:
                _add_condition(found.setdefault(str(key), []), " and ".join(words))
    return found


def _add_condition(conditions: list[str], condition: str) -> None:
    """``A is x`` then ``A is y`` read as one: ``A is x or y``."""
    for n, known in enumerate(conditions):
        question, _, _ = known.rpartition(" is ")
        if question and " and " not in known and " and " not in condition and condition.startswith(question + " is "):
            conditions[n] = f"{known} or {condition.removeprefix(question + ' is ')}"
            return
    conditions.append(condition)


def _question_facts(schema: dict[str, Any], required: str) -> Facts:
    facts: Facts = {}
    for what, value in (("question", schema.get("title")), ("answer type", _answer_type(schema)),
                        ("choices", _choices(schema)), ("must be answered", required),
                        ("hint", schema.get("description"))):
        if value:
            facts[what] = str(value)
    for key in sorted(schema):
        if key not in _READ:
            facts[_LIMIT_WORDS.get(key, key)] = _text(schema[key])
    return facts


def questions(form: dict[str, Any], *, path: str = "", titles: str = "") -> dict[str, tuple[str, Facts]]:
    """Every question of a form: ``{path: (title, facts)}``, lists' questions after their list."""
    found: dict[str, tuple[str, Facts]] = {}
    properties = form.get("properties")
    if not isinstance(properties, dict):
        return found
    required = form["required"] if isinstance(form.get("required"), list) else []
    conditions = _conditions(form)
    for key, schema in properties.items():
        if not isinstance(schema, dict):
            schema = {"type": _text(schema)}
        must = "no"
        if key in required:
            must = "yes"
        elif key in conditions:
            must = "when " + " or when ".join(conditions[key])
        title = str(schema.get("title") or key)
        found[path + key] = (titles + title, _question_facts(schema, must))
        items = schema.get("items")
        if isinstance(items, dict) and isinstance(items.get("properties"), dict):
            found.update(questions(items, path=f"{path}{key}{_PATH}", titles=f"{titles}{title}{_PATH}"))
        elif isinstance(schema.get("properties"), dict):
            found.update(questions(schema, path=f"{path}{key}{_PATH}", titles=f"{titles}{title}{_PATH}"))
    return found


def _read(text: str) -> dict[str, Any] | None:
    try:
        form = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return form if isinstance(form, dict) else None


def _form_facts(form: dict[str, Any]) -> Facts:
    return {what: str(form[key]) for what, key in (("form title", "title"), ("form description", "description"))
            if form.get(key)}


def _entry(name: str, entry_id: str, entry_type: str, title: str) -> dict[str, Any]:
    return {"id": entry_id, "type": entry_type, "name": title, "file": name}


def form_changes(name: str, old: str, new: str) -> list[dict[str, Any]]:
    """The changed entries of one form file: the form itself, then each question changed."""
    before, after = _read(old), _read(new)
    if before is None or after is None:
        return [{**_entry(name, name, "file", name), "changes": [
            {"what": "contents", "before": _size(old, before), "after": _size(new, after)}]}] if old != new else []
    entries = []
    form_changed = changes(_form_facts(before), _form_facts(after), {})
    if form_changed:
        entries.append({**_entry(name, name, "form", str(after.get("title") or name)), "changes": form_changed})
    old_questions, new_questions = questions(before), questions(after)
    for path, (title, facts) in new_questions.items():
        if path in old_questions:
            differ = changes(old_questions[path][1], facts, {})
            if differ:
                entries.append({**_entry(name, f"{name}#{path}", "question", title), "changes": differ})
    return entries


def form_added_or_removed(name: str, old: str, new: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Questions added to and removed from a form file present in both versions."""
    before, after = _read(old), _read(new)
    if before is None or after is None:
        return [], []
    old_questions, new_questions = questions(before), questions(after)
    added = [{**_entry(name, f"{name}#{p}", "question", t), "values": values(f)}
             for p, (t, f) in new_questions.items() if p not in old_questions]
    removed = [{**_entry(name, f"{name}#{p}", "question", t), "values": values(f)}
               for p, (t, f) in old_questions.items() if p not in new_questions]
    return added, removed


def whole_file(name: str, text: str) -> dict[str, Any]:
    """A file added or removed: for a form, its title and questions."""
    form = _read(text) if name.endswith(".json") else None
    if form is None:
        return {**_entry(name, name, "file", name), "values": [{"what": "size", "value": f"{len(text)} characters"}]}
    shown = [{"what": "form title", "value": str(form.get("title") or name)}]
    shown += [{"what": "question", "value": title} for title, _ in questions(form).values()]
    return {**_entry(name, name, "form", str(form.get("title") or name)), "values": shown}


def _size(text: str, form: dict[str, Any] | None) -> str:
    return f"{len(text)} characters" + ("" if form is not None or not text.strip() else ", not a readable form")
