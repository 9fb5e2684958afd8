"""A form's errors read as plain words naming the question and the entry, in the order the form asks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from service.errors import InvalidInput
from service.tasks.service import validate_form_data

FORMS = Path(__file__).resolve().parents[2] / "workflows" / "forms"


def form(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FORMS / f"{name}.json").read_text())
    return loaded


def problems(name: str, answers: dict[str, Any]) -> list[dict[str, Any]]:
    with pytest.raises(InvalidInput) as refused:
        validate_form_data(form(name), answers)
    assert refused.value.message == refused.value.problems[0]["message"], "the headline is the first problem"
    return list(refused.value.problems)


def test_an_entry_missing_an_answer_is_named_as_the_page_heads_it_with_its_choices() -> None:
    found = problems("describe_concern", {"concern": "Often late and tired", "subjects": [
        {"role": "child", "name": "Sam Carter"}, {"name": "Jo Carter"}]})
    assert found == [{"field": "subjects/1/role",
                      "message": "Person 2: choose an answer to 'Who are they?': The child, A parent or carer, "
                                 "Someone else involved or Other"}]


def test_problems_come_in_the_order_the_questions_are_asked_and_never_in_schema_words() -> None:
    found = problems("proportionality", {"recipient_email": "not an address", "items": [
        {"summary": "Late most days", "nature": "fact", "currency": "current", "accuracy_checked": True},
        {"summary": "ok", "currency": "current"}]})
    messages = [p["message"] for p in found]
    assert messages[0] == "Answer 'Who will receive it?'"
    email = next(p for p in found if p["field"] == "recipient_email")
    assert email["message"] == "Enter an email address for 'Their secure email address', like name@example.org"
    second = {p["field"]: p["message"] for p in found if p["field"].startswith("items/1/")}
    assert second["items/1/summary"] == "Piece of information 2: write at least 3 characters for " \
                                        "'What is the information?'"
    assert second["items/1/nature"].startswith("Piece of information 2: choose an answer to 'Is it fact or opinion?'")
    assert second["items/1/accuracy_checked"].startswith("Piece of information 2: answer yes or no: ")
    fields = [p["field"] for p in found]
    assert fields.index("recipient_email") < fields.index("items/1/summary") < fields.index("share_extent")
    for message in messages:
        assert "required property" not in message and "is not valid" not in message and "'type'" not in message


def test_a_confirmation_left_unticked_says_to_tick_it() -> None:
    found = problems("record_decision", {"decision_summary": "Shared with social care"})
    assert found[0] == {"field": "accuracy_confirmed", "message":
                        "Tick to confirm: 'I have checked this record: it is accurate and complete'"}


def test_a_date_that_is_not_a_date_says_how_to_write_one() -> None:
    found = problems("inform_subject", {"subject_informed": True, "subject_informed_when": "next tuesday"})
    when = next(p for p in found if p["field"] == "subject_informed_when")
    assert when["message"].startswith("Enter '") and "as a real date, for example 27 11 2026" in when["message"]
