"""Stored codes read as words in the record: who the person told is reads as the form offered their role."""

from __future__ import annotations

import json

from service.config import PROJECT_ROOT
from service.records.answers import choice_titles
from service.records.layout import Words

FORMS = PROJECT_ROOT / "workflows" / "forms"


def test_who_the_person_told_is_reads_in_the_forms_words() -> None:
    forms = [json.loads(path.read_text()) for path in sorted(FORMS.glob("*.json"))]
    words = Words(choice_titles(forms))
    assert words.of("subject_informed_relationship", "parent_carer") == "A parent or carer"
    assert words.of("subject_informed_relationship", "child") == "The child"
    # A relationship typed on an older form, that no form offers, is kept as typed.
    assert words.of("subject_informed_relationship", "Aunt") == "Aunt"
    # A staff role is still a staff role.
    assert words.of("decision_maker_role", "dsl") == "designated safeguarding lead"
