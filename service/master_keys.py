"""The master keys: they wrap each shared package's own key (envelope encryption with AES-256-GCM)
and seal the sensitive values the database keeps (``service.sealing``).

A key file holds one key a line, ``<key id> <base64 of 32 bytes>``; ``#`` starts a comment. The
first key wraps new package keys; the others only unwrap packages sealed before a rotation. To
rotate: put a new key on the first line, run ``python -m service rewrap-disclosure-keys`` (every
package key is re-wrapped under the new key; package contents are not touched), then remove the
old line. Without the key file no package can be opened.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from service.private_files import private_dir

NONCE_BYTES = 12
KEY_BYTES = 32


class KeyUnavailable(Exception):
    """The master key a package was wrapped with is not in the key file, or the key file is unusable."""


@dataclass(frozen=True)
class Keyring:
    """Master keys by id, the first one current."""

    keys: tuple[tuple[str, bytes], ...]

    @property
    def current_id(self) -> str:
        return self.keys[0][0]

    def _key(self, key_id: str) -> bytes:
        for kid, key in self.keys:
            if kid == key_id:
                return key
        raise KeyUnavailable(f"master key {key_id!r} is not in the key file")

    def wrap(self, package_key: bytes, *, context: str) -> tuple[str, bytes]:
        """Wrap a package key under the current master key; returns (key id, wrapped bytes)."""
        key_id = self.current_id
        return key_id, seal(self._key(key_id), package_key, aad=f"{context}|{key_id}")

    def unwrap(self, key_id: str, wrapped: bytes, *, context: str) -> bytes:
        try:
            return open_sealed(self._key(key_id), wrapped, aad=f"{context}|{key_id}")
        except InvalidTag:
            raise KeyUnavailable(f"master key {key_id!r} does not open this package") from None

    @classmethod
    def parse(cls, text: str) -> Keyring:
        keys = []
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            try:
                key = base64.b64decode(parts[1], validate=True) if len(parts) == 2 else b""
            except ValueError:
                key = b""
            if len(key) != KEY_BYTES:
                raise KeyUnavailable(f"key file line {number}: expected '<key id> <base64 of 32 bytes>'")
            keys.append((parts[0], key))
        if not keys:
            raise KeyUnavailable("the key file holds no key")
        return cls(tuple(keys))

    @classmethod
    def load(cls, path: Path, *, create: bool = False) -> Keyring:
        """Read the key file; with ``create`` (the embedded default) make one with a new key if missing."""
        if not path.exists():
            if not create:
                raise KeyUnavailable(f"no key file at {path}")
            write_new_key_file(path)
        return cls.parse(path.read_text(encoding="utf-8"))


def new_key_line(key_id: str | None = None) -> str:
    kid = key_id or f"k{secrets.token_hex(4)}"
    return f"{kid} {base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()}"


def write_new_key_file(path: Path) -> None:
    """A new key file, readable by the service's user alone (0600, in a 0700 folder if it makes one)."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("# Master keys for shared packages: the first line is current. Keep secret; back up.\n")
        handle.write(new_key_line() + "\n")


def seal(key: bytes, plaintext: bytes, *, aad: str) -> bytes:
    """AES-256-GCM: a fresh nonce followed by the ciphertext and its tag."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad.encode())


def open_sealed(key: bytes, sealed: bytes, *, aad: str) -> bytes:
    return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad.encode())


def keyring_at(path: str, *, default_path: str) -> Keyring:
    """The configured key file; only the embedded default location is created when missing (a
    deployment that names its own file and has lost it must fail, not seal under a new key)."""
    return Keyring.load(Path(path), create=path == default_path)
