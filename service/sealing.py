"""Sensitive values sealed at rest with the master key: what a copy of the database does not show.

Sealed (AES-256-GCM under a key derived from the current master key, ``service.master_keys``), and
opened again when the service reads them, so every reader in the service sees plain values:

- the outbox's message bodies (a secure link's token, a letter to the person);
- each case's engine state (``case.instance_state``: every answer the process holds);
- in each task's answers and draft, the information itself (``SEALED_ANSWERS``: the items shared,
  the information shared in an emergency, the concern and the information asked for);
- the record's answers in words (``recorded_answer.answer``), the disclosure log's items and new
  information brought to a case.

A sealed value reads ``sealed:1:<key id>:<base64>``, bound to the column it is kept in. Anything else
is a value written before sealing, read as it is. The keys are the ones the service was started with
(``use_keyring``, called by the app factory); a worker or a command names its configured key file
with ``use_key_file``, read on first use; without either, the default key file is.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
import threading
from collections.abc import Mapping
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import JSON, Text
from sqlalchemy.types import TypeDecorator

from service.config import Config
from service.master_keys import NONCE_BYTES, Keyring, KeyUnavailable, keyring_at

PREFIX = "sealed:1:"
# The answers that are the information itself. A form field of one of these names is sealed in every
# task's answers and draft, and kept in the audit trail as a digest only.
SEALED_ANSWERS = frozenset({"items", "information_shared", "concern", "information_requested"})

_lock = threading.Lock()
_keyring: Keyring | None = None
_key_file: str = Config.disclosure_keys_file
_read_from_file = False  # _keyring was read from _key_file, not given


def use_keyring(keyring: Keyring) -> Keyring:
    """Seal with (and open with) ``keyring`` from now on, in this process."""
    global _keyring, _read_from_file
    with _lock:
        _keyring, _read_from_file = keyring, False
    return keyring


def use_key_file(path: str) -> None:
    """Unless ``use_keyring`` was given keys, seal with those in ``path`` (a worker's or a command's
    DISCLOSURE_KEYS_FILE), read when first needed."""
    global _keyring, _key_file
    with _lock:
        _key_file = path
        if _read_from_file:
            _keyring = None


def current_keyring() -> Keyring:
    """The keys given to ``use_keyring``; without any, those of the file given to ``use_key_file``."""
    global _keyring, _read_from_file
    with _lock:
        if _keyring is None:
            _keyring, _read_from_file = keyring_at(_key_file, default_path=Config.disclosure_keys_file), True
        return _keyring


@cache
def _value_key(master: bytes) -> bytes:
    # Its own key, not the master key itself: the master key also wraps every package's key.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"values at rest").derive(master)


def _key_of(keyring: Keyring, key_id: str) -> bytes:
    for kid, master in keyring.keys:
        if kid == key_id:
            return _value_key(master)
    raise KeyUnavailable(f"master key {key_id!r} is not in the key file")


def seal_text(text: str, *, where: str, keyring: Keyring | None = None) -> str:
    """``text`` sealed for keeping in ``where`` (a column's name)."""
    keys = keyring or current_keyring()
    key_id = keys.current_id
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = nonce + AESGCM(_key_of(keys, key_id)).encrypt(nonce, text.encode(), f"{where}|{key_id}".encode())
    return f"{PREFIX}{key_id}:{base64.b64encode(sealed).decode()}"


def is_sealed(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def open_text(value: str, *, where: str, keyring: Keyring | None = None) -> str:
    """The text a sealed value holds; a value that was never sealed as it is."""
    if not is_sealed(value):
        return value
    key_id, _, body = value[len(PREFIX):].partition(":")
    try:
        sealed = base64.b64decode(body, validate=True)
        keys = keyring or current_keyring()
        return AESGCM(_key_of(keys, key_id)).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:],
                                                      f"{where}|{key_id}".encode()).decode()
    except (InvalidTag, binascii.Error, ValueError):
        raise KeyUnavailable(f"master key {key_id!r} does not open a value kept in {where}") from None


def seal_answers(answers: Mapping[str, Any] | None, *, where: str) -> dict[str, Any] | None:
    """A task's answers with the information itself (``SEALED_ANSWERS``) sealed, the rest as they are."""
    if answers is None:
        return None
    # Always sealed, whatever the value: an answer typed to look sealed is sealed like any other.
    return {name: seal_text(json.dumps(value), where=f"{where}.{name}") if name in SEALED_ANSWERS else value
            for name, value in answers.items()}


def open_answers(answers: Mapping[str, Any] | None, *, where: str) -> dict[str, Any] | None:
    if answers is None:
        return None
    return {name: json.loads(open_text(value, where=f"{where}.{name}")) if is_sealed(value) else value
            for name, value in answers.items()}


def digest_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers as the audit trail keeps them: the information itself as its SHA-256 only, which
    the record's answers can be checked against (the record is where it is read)."""
    return {name: {"sha256": hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()}
            if name in SEALED_ANSWERS else value for name, value in answers.items()}


class SealedText(TypeDecorator[str]):
    """A text column whose values are kept sealed; the service reads and writes them plain."""

    impl = Text
    cache_ok = True

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else seal_text(value, where=self.where)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else open_text(value, where=self.where)


class SealedAnswers(TypeDecorator[dict[str, Any]]):
    """A JSON column of a task's answers, with the information itself (``SEALED_ANSWERS``) kept sealed."""

    impl = JSON
    cache_ok = True

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def process_bind_param(self, value: Mapping[str, Any] | None, dialect: Any) -> dict[str, Any] | None:
        return seal_answers(value, where=self.where)

    def process_result_value(self, value: Mapping[str, Any] | None, dialect: Any) -> dict[str, Any] | None:
        return open_answers(value, where=self.where)
