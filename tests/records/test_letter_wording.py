"""The letter's words follow what was answered and which law applied (domain/lawful-bases.md, the letter)."""

from __future__ import annotations

from typing import Any

import pytest

from service.records.letter import (
    RIGHT_TO_OBJECT,
    RIGHT_TO_WITHDRAW,
    addressee_of,
    basis_in_plain_words,
    rights_for,
)

A6_CONSENT = "Article 6(1)(a) consent"
A6_LEGAL = "Article 6(1)(c) legal obligation"
A6_VITAL = "Article 6(1)(d) vital interests"
A6_PUBLIC_TASK = "Article 6(1)(e) public task (DPA 2018 s.8)"
A6_RLI = "Article 6(1)(ea) recognised legitimate interest: Annex 1 para 6 (safeguarding a vulnerable individual)"
A6_LEGITIMATE = "Article 6(1)(f) legitimate interests (assessment recorded)"
SUBJECTS = [{"role": "child", "name": "Sam Carter"}, {"role": "parent_carer", "name": "Sarah Clarke"}]


@pytest.mark.parametrize(("basis", "may_object"), [
    (A6_CONSENT, False), (A6_LEGAL, False), (A6_VITAL, False),
    (A6_PUBLIC_TASK, True), (A6_RLI, True), (A6_LEGITIMATE, True),
])
def test_the_right_to_object_is_offered_only_where_article_21_applies(basis: str, may_object: bool) -> None:
    assert (RIGHT_TO_OBJECT in rights_for({"article6_basis": basis})) is may_object


@pytest.mark.parametrize(("facts", "may_withdraw"), [
    ({"article6_basis": A6_CONSENT, "common_law_justification": "Not engaged: not given in confidence"}, True),
    ({"article6_basis": A6_PUBLIC_TASK, "common_law_justification": "Consent"}, True),
    ({"article6_basis": A6_PUBLIC_TASK, "common_law_justification": "Overriding public interest: protecting a child "
                                                                      "from significant harm"}, False),
])
def test_the_right_to_withdraw_consent_is_offered_where_consent_was_relied_on(facts: dict[str, Any],
                                                                               may_withdraw: bool) -> None:
    assert (RIGHT_TO_WITHDRAW in rights_for(facts)) is may_withdraw


def test_the_person_told_is_greeted_by_the_name_recorded_for_them() -> None:
    told = {"subject_informed": True, "subject_informed_who": "  sarah   CLARKE ", "subjects": SUBJECTS}
    assert addressee_of(told) == "Sarah Clarke"
    assert addressee_of(told | {"subject_informed_who": "Dr Amir Khan"}) == "Dr Amir Khan", "someone not on the case"
    assert addressee_of(told | {"subject_informed": False}) is None


def test_confidentiality_is_stated_only_when_it_was_answered_yes() -> None:
    facts = {"article6_basis": A6_PUBLIC_TASK, "common_law_justification": "Not engaged: not given in confidence"}
    assert not any("in confidence" in s for s in basis_in_plain_words(facts, {"confidential": False}))
    overriding = facts | {"common_law_justification": "Overriding public interest: protecting a child from "
                                                      "significant harm"}
    [*_, sentence] = basis_in_plain_words(overriding, {"confidential": True})
    assert sentence == ("Some of it was given to us in confidence. We shared it because protecting a child from "
                        "significant harm mattered more than keeping it confidential.")


def test_who_consented_is_named_when_consent_was_the_basis() -> None:
    answered = {"consent_result": "given", "consent_by_name": "Jo Carter", "consent_of_whom": "child_competent",
                "confidential": False}
    sentences = basis_in_plain_words({"article6_basis": A6_CONSENT, "common_law_justification": "Not engaged"},
                                     answered)
    assert "Jo Carter (the child) agreed to us sharing it." in sentences
    assert not any("agreed" in s for s in basis_in_plain_words(
        {"article6_basis": A6_PUBLIC_TASK, "common_law_justification": "Overriding public interest"}, answered))


def test_a_recognised_legitimate_interest_is_not_read_as_public_task() -> None:
    [first, *_] = basis_in_plain_words({"article6_basis": A6_RLI}, {})
    assert first == "Data protection law allowed us to share it because it was needed to keep a vulnerable person safe."
