"""The checks a form passes before a draft is saved, and the validator its answers meet: references only
inside the form, patterns in RE2 (never Python's backtracking engine), known formats, bounded text, and
only questions the pages can show and read back."""

from __future__ import annotations

import json
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from service.errors import InvalidInput
from service.processes.bundled import WORKFLOWS_DIR
from service.processes.drafts import draft_problems
from service.processes.form_check import form_problems
from service.tasks.service import validate_form_data
from service.web.forms import answers_from, fields_for

ADVERSARIAL = "a" * 30 + "!"


def problems(schema: dict[str, Any]) -> dict[str, str]:
    found = form_problems("forms/x.json", schema)
    assert all(p.file == "forms/x.json" for p in found)
    return {str(p.element_id): p.message for p in found}


def form(**fields: Any) -> dict[str, Any]:
    return {"type": "object", "properties": fields}


TEXT = {"type": "string", "maxLength": 200}


def test_every_shipped_form_passes() -> None:
    for path in sorted((WORKFLOWS_DIR / "forms").glob("*.json")):
        assert form_problems(path.name, json.loads(path.read_text())) == [], path.name


@pytest.mark.parametrize(("schema", "pointer", "words"), [
    ({**form(a=TEXT), "$id": "https://example.org/x"}, "#/$id", "not allowed"),
    ({**form(a=TEXT), "$schema": "http://json-schema.org/draft-04/schema#"}, "#/$schema", "may only name"),
    (form(a={**TEXT, "$schema": "https://json-schema.org/draft/2020-12/schema"}), "#/properties/a/$schema",
     "at the top"),
    (form(a={**TEXT, "$dynamicRef": "#meta"}), "#/properties/a/$dynamicRef", "not allowed"),
    (form(a={**TEXT, "$ref": "other.json#/x"}), "#/properties/a/$ref", "must point inside the form"),
    (form(a={**TEXT, "$ref": "#/$defs/missing"}), "#/properties/a/$ref", "names no schema"),
    ({**form(a=TEXT), "$ref": "#"}, "#/$ref", "loop"),
    ({**form(a={**TEXT, "$ref": "#/$defs/one"}),
      "$defs": {"one": {"allOf": [{"$ref": "#/$defs/two"}]}, "two": {"$ref": "#/$defs/one"}}},
     "#/$defs/two/$ref", "loop"),
    (form(a={**TEXT, "pattern": "(?<=a)b"}), "#/properties/a/pattern", "linear time"),
    ({**form(a=TEXT), "patternProperties": {r"^(x)\1$": TEXT}}, "#/patternProperties/^(x)\\1$", "linear time"),
    ({**form(a=TEXT), "patternProperties": {"^x": TEXT}, "unevaluatedProperties": False},
     "#/unevaluatedProperties", "additionalProperties"),
    (form(a={**TEXT, "format": "regex"}), "#/properties/a/format", "not one the service checks"),
    (form(a={"type": "string"}), "#/properties/a", "has no maxLength"),
    (form(a={"type": "string", "format": "email"}), "#/properties/a", "has no maxLength"),
    (form(a={"type": "string", "maxLength": 1_000_000}), "#/properties/a/maxLength", "at most"),
    (form(a={"type": "object"}), "#/properties/a", "a page shows"),
    (form(a={"title": "Anything"}), "#/properties/a", "no type"),
    (form(a={"type": ["string", "integer"], "maxLength": 5}), "#/properties/a/type", "more than one type"),
    (form(a={"type": "array", "items": TEXT}), "#/properties/a/items", "must offer its choices"),
    (form(a={"type": "array", "items": {"type": "object", "properties": {
        "b": {"type": "array", "items": {"type": "object", "properties": {"c": TEXT}}}}}}),
     "#/properties/a/items/properties/b/items", "inside an entry"),
    (form(a={"type": "array", "x-options": "everyone", "items": TEXT}), "#/properties/a/x-options", "a case's own"),
    (form(a={"oneOf": [{"const": {"x": 1}}]}), "#/properties/a", "not text or a number"),
    ({"type": "array"}, "#/type", "\"type\": \"object\""),
])
def test_a_form_is_refused_at_the_place_of_its_problem(schema: dict[str, Any], pointer: str, words: str) -> None:
    found = problems(schema)
    assert pointer in found and words in found[pointer], found


def test_choices_dates_numbers_and_local_references_need_no_more() -> None:
    assert problems({
        **form(
            choice={"type": "string", "oneOf": [{"const": "a", "title": "A"}]},
            listed={"type": "string", "enum": ["x", "y"]},
            fixed={"type": "string", "const": "yes"},
            day={"type": ["string", "null"], "format": "date"},
            moment={"type": "string", "format": "date-time"},
            count={"type": "integer", "minimum": 0},
            share={"type": "number"},
            size={"type": "integer", "oneOf": [{"const": 1}, {"const": 2}]},
            ticked={"type": "array", "items": {"enum": ["p", "q"]}},
            typed={"type": "string", "maxLength": 10, "$ref": "#/$defs/short"},
            people={"type": "array", "items": {"type": "object", "properties": {"name": TEXT}}},
            words={**TEXT, "pattern": "^(a+)+$"},
        ),
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": {"short": {"type": "string", "maxLength": 10}},
        "allOf": [{"if": {"properties": {"count": {"const": 0}}}, "then": {"required": ["share"]}}],
    }) == {}


def test_answers_are_matched_with_re2_never_a_backtracking_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    class Backtracking:
        def __getattr__(self, name: str) -> Any:
            raise AssertionError(f"Python's re.{name} matched a form's pattern")

    import jsonschema._keywords
    import jsonschema._utils
    monkeypatch.setattr(jsonschema._keywords, "re", Backtracking())
    monkeypatch.setattr(jsonschema._utils, "re", Backtracking())
    schema = {**form(word={**TEXT, "title": "A word", "pattern": "^(a+)+$"}),
              "patternProperties": {"^x_(a+)+$": TEXT}, "additionalProperties": False}
    with pytest.raises(InvalidInput) as refused:
        validate_form_data(schema, {"word": ADVERSARIAL})
    assert refused.value.field == "word"
    with pytest.raises(InvalidInput):
        validate_form_data(schema, {f"x_{ADVERSARIAL}": "y"})
    assert validate_form_data(schema, {"word": "aaa", "x_aa": "y"}) == {"word": "aaa", "x_aa": "y"}


def test_a_reference_outside_the_form_is_never_fetched(tmp_path: Any) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text('{"type": "integer"}')
    schema = form(a={"$ref": secret.as_uri()})
    with pytest.raises(Exception) as failed:
        validate_form_data(schema, {"a": "text"})
    assert not isinstance(failed.value, InvalidInput), "the secret's schema was read"


@pytest.mark.parametrize(("value", "valid"), [
    ("2026-11-27", True), ("2026-02-30", False), ("2026-11-27" + "0" * 10_000, False),
])
def test_dates_are_checked_by_shape_then_by_the_calendar(value: str, valid: bool) -> None:
    schema = form(day={"type": "string", "format": "date", "title": "Day"})
    if valid:
        validate_form_data(schema, {"day": value})
    else:
        with pytest.raises(InvalidInput, match="real date"):
            validate_form_data(schema, {"day": value})


def test_numbers_are_shown_as_numeric_inputs_and_read_back_as_numbers() -> None:
    schema = form(count={"type": "integer", "title": "Count"}, share={"type": "number", "title": "Share"},
                  size={"type": "integer", "oneOf": [{"const": 1, "title": "One"}, {"const": 2, "title": "Two"}]},
                  note=TEXT)
    assert [f.kind for f in fields_for(schema)] == ["integer", "number", "choice", "text"]
    posted = MultiDict({"count": " 12 ", "share": "2.5", "size": "2", "note": "7"})
    assert answers_from(schema, posted) == {"count": 12, "share": 2.5, "size": 2, "note": "7"}
    assert answers_from(schema, MultiDict({"count": "1.5", "share": "-3"})) == {"count": "1.5", "share": -3}
    with pytest.raises(InvalidInput) as refused:
        validate_form_data(schema, answers_from(schema, MultiDict({"count": "twelve"})))
    assert refused.value.message == "Enter 'Count' as a whole number, for example 3"


def test_the_same_problem_in_two_forms_is_listed_for_each(sharing_process_files: dict[str, str]) -> None:
    files = dict(sharing_process_files)
    for name in ("forms/describe_concern.json", "forms/log_request.json"):
        schema = json.loads(files[name])
        del schema["properties"]["subjects"]["items"]["properties"]["name"]["maxLength"]
        files[name] = json.dumps(schema)
    found = draft_problems(files)
    assert {(p.file, p.element_id) for p in found} == {
        ("forms/describe_concern.json", "#/properties/subjects/items/properties/name"),
        ("forms/log_request.json", "#/properties/subjects/items/properties/name")}, found
