"""The package at rest: sealed bytes that hold no item text and open only with the master key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.config import Config
from service.disclosures.keys import Keyring, KeyUnavailable, keyring_at, new_key_line
from service.disclosures.models import SecureDisclosure
from service.disclosures.service import open_content, rewrap_all
from service.notifications.models import OutboxMessage
from tests.disclosures.conftest import ITEMS, SentLink


def stored(session_factory: sessionmaker[Session], disclosure_id: str) -> SecureDisclosure:
    with session_factory() as s:
        row = s.get(SecureDisclosure, disclosure_id)
        assert row is not None
        s.expunge(row)
        return row


def test_the_stored_bytes_hold_no_item_text_and_no_code(send_link: Callable[..., SentLink],
                                                        session_factory: sessionmaker[Session],
                                                        link_config: Config) -> None:
    sent = send_link()
    row = stored(session_factory, sent.disclosure_id)
    at_rest = row.sealed_content + row.sealed_code + row.wrapped_key + row.link_token_sha256.encode()
    for text in [i["summary"] for i in ITEMS] + ["Baby Lee", "Duty social worker", "bruis", sent.code, sent.token]:
        assert text.encode() not in at_rest and text.encode("utf-16-le") not in at_rest
    assert len(row.sealed_content) > sum(len(i["summary"]) for i in ITEMS), "the content is there, sealed"
    # The email that carried the link keeps no link once sent.
    with session_factory() as s:
        bodies = " ".join(m.body or "" for m in s.scalars(select(OutboxMessage)))
    assert sent.token not in bodies
    # With the master key it opens to exactly what was chosen.
    content = open_content(row, keyring_at(link_config.disclosure_keys_file, default_path=""))
    assert [i["summary"] for i in content["items"]] == [i["summary"] for i in ITEMS]


def test_without_the_master_key_it_cannot_be_opened(send_link: Callable[..., SentLink],
                                                    session_factory: sessionmaker[Session], tmp_path: Path) -> None:
    sent = send_link()
    row = stored(session_factory, sent.disclosure_id)
    with pytest.raises(KeyUnavailable, match="not in the key file"):
        open_content(row, Keyring.parse(new_key_line()))
    # A different key under the same id is refused too (the wrapping is authenticated).
    with pytest.raises(KeyUnavailable, match="does not open"):
        open_content(row, Keyring.parse(new_key_line(row.key_id)))
    with pytest.raises(KeyUnavailable, match="no key file"):
        keyring_at(str(tmp_path / "missing"), default_path=str(tmp_path / "elsewhere"))


def test_rotating_the_master_key_rewraps_every_package(send_link: Callable[..., SentLink],
                                                       session_factory: sessionmaker[Session],
                                                       link_config: Config) -> None:
    sent = send_link()
    old_line = Path(link_config.disclosure_keys_file).read_text().splitlines()[1]
    rotated = Keyring.parse(new_key_line("k-2027") + "\n" + old_line)
    before = stored(session_factory, sent.disclosure_id)
    with session_factory.begin() as s:
        assert rewrap_all(session=s, keyring=rotated) == 1
        assert rewrap_all(session=s, keyring=rotated) == 0, "already under the current key"
    after = stored(session_factory, sent.disclosure_id)
    assert after.key_id == "k-2027" and after.sealed_content == before.sealed_content
    only_new = Keyring(rotated.keys[:1])
    assert [i["summary"] for i in open_content(after, only_new)["items"]] == [i["summary"] for i in ITEMS]
    with pytest.raises(KeyUnavailable):
        open_content(after, Keyring.parse(old_line))


@pytest.mark.parametrize("text", ["", "# only a comment\n", "k1 not-base64!\n", "k1 c2hvcnQ=\n", "k1\n"])
def test_a_bad_key_file_is_refused_with_a_clear_error(text: str) -> None:
    with pytest.raises(KeyUnavailable, match="key file"):
        Keyring.parse(text)
