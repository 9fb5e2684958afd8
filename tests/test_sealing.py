"""Sealed values: bound to their column, opened only with the key they were sealed under; values kept in
words before sealing read as they are; an answer typed to look sealed is sealed like any other."""

from __future__ import annotations

import pytest

from service.master_keys import Keyring, KeyUnavailable, new_key_line
from service.sealing import PREFIX, digest_answers, open_answers, open_text, seal_answers, seal_text


def test_a_value_opens_only_in_its_own_column_and_with_its_own_key() -> None:
    keys = Keyring.parse(new_key_line("k1"))
    sealed = seal_text("Body map of two bruises", where="a.b", keyring=keys)
    assert sealed.startswith(f"{PREFIX}k1:") and "Body map" not in sealed
    assert open_text(sealed, where="a.b", keyring=keys) == "Body map of two bruises"
    with pytest.raises(KeyUnavailable):
        open_text(sealed, where="a.c", keyring=keys)
    with pytest.raises(KeyUnavailable):
        open_text(sealed, where="a.b", keyring=Keyring.parse(new_key_line("k1")))
    assert open_text("kept in words", where="a.b", keyring=keys) == "kept in words"


def test_only_the_information_itself_is_sealed_in_answers_and_the_audit_keeps_its_digest() -> None:
    answers = {"items": [{"summary": "Body map"}], "concern": f"{PREFIX}looks sealed", "share_extent": "share_in_full"}
    sealed = seal_answers(answers, where="t.answers")
    assert sealed is not None and sealed["share_extent"] == "share_in_full"
    assert "Body map" not in str(sealed) and sealed["concern"] != answers["concern"]
    assert open_answers(sealed, where="t.answers") == answers
    digest = digest_answers(answers)
    assert "Body map" not in str(digest) and len(digest["items"]["sha256"]) == 64
    assert digest["share_extent"] == "share_in_full"
