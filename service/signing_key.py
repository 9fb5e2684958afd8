"""The key that signs session cookies: set as SECRET_KEY in any deployment, made on first run for the
embedded database.

A known or short key lets anyone forge a cookie, so the service refuses to start on one. With no
SECRET_KEY, only the embedded kind of deployment (an SQLite database, as `make run` makes) starts: it
keeps a random key in a file beside the database, created once, readable by the service's user alone.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

from service.config import Config, SettingError

MIN_KEY_LENGTH = 32
KEY_FILE_NAME = "secret-key"
# Values published as examples (in .env.example, the README, earlier defaults): never a real key.
PLACEHOLDER_WORDS = ("change-me", "changeme", "change_me", "dev-only", "secret-key", "example", "placeholder")
_MAKE_ONE = "make one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"


def session_signing_key(config: Config) -> str:
    """The key to sign cookies with, or a one-line SettingError saying what to set."""
    given = config.secret_key.strip()
    if given:
        if len(given) < MIN_KEY_LENGTH:
            raise SettingError(f"SECRET_KEY is too short ({len(given)} characters; at least {MIN_KEY_LENGTH}): "
                               f"{_MAKE_ONE}")
        if any(word in given.lower() for word in PLACEHOLDER_WORDS):
            raise SettingError(f"SECRET_KEY is an example value, not a secret: {_MAKE_ONE}")
        return given
    if config.testing:
        return secrets.token_urlsafe(48)
    url = make_url(config.database_url)
    if url.get_backend_name() != "sqlite":
        raise SettingError(f"SECRET_KEY is not set; every deployment needs its own: {_MAKE_ONE}")
    if not url.database or url.database == ":memory:":
        return secrets.token_urlsafe(48)  # a database that lives as long as the process: so does its key
    return _key_beside(Path(url.database).resolve().parent / KEY_FILE_NAME)


def _key_beside(path: Path) -> str:
    """The key kept at ``path``, made (0600, in a 0700 folder) on first run."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: read theirs
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(48) + "\n")
    key = path.read_text().strip()
    if len(key) < MIN_KEY_LENGTH:
        raise SettingError(f"the session key file {path} is empty or too short: delete it to have a new one made")
    return key
