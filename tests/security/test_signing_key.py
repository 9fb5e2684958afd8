"""The session signing key: never a published or short value; made once, privately, for the embedded database."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from service.__main__ import run
from service.app import create_app
from service.config import Config, SettingError
from service.signing_key import session_signing_key

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.mark.parametrize("value", ["dev-only-secret-change-me", "change-me-to-a-long-random-value",
                                   "change-me-to-a-long-random-value-of-sixty-characters-please"])
def test_a_published_example_key_is_refused(value: str, tmp_path: Path) -> None:
    with pytest.raises(SettingError, match=r"SECRET_KEY is (too short|an example value)"):
        create_app(Config(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", secret_key=value))


def test_a_short_key_is_refused_saying_how_long_it_must_be(tmp_path: Path) -> None:
    with pytest.raises(SettingError, match=r"^SECRET_KEY is too short \(9 characters; at least 32\)"):
        session_signing_key(Config(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", secret_key="hunter2!!"))


def test_a_deployment_without_a_key_does_not_start_and_says_so_in_one_line(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", POSTGRES)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr("flask.Flask.run", lambda *args, **kwargs: pytest.fail("the service started"))
    assert run(["serve", "--port", "8011"]) == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("error: SECRET_KEY is not set") and "\n" not in error


def test_the_embedded_database_gets_a_private_random_key_made_once(
        tmp_path: Path, test_config: Callable[..., Config]) -> None:
    config = test_config(database_url=f"sqlite:///{tmp_path / 'data' / 'db.sqlite'}")
    first = create_app(config).config["SECRET_KEY"]
    key_file = tmp_path / "data" / "secret-key"
    assert key_file.read_text().strip() == first and len(first) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert create_app(config).config["SECRET_KEY"] == first, "the same key after a restart: nobody is signed out"
    other = test_config(database_url=f"sqlite:///{tmp_path / 'elsewhere' / 'db.sqlite'}")
    assert create_app(other).config["SECRET_KEY"] != first


def test_a_real_key_is_used_as_given(test_config: Callable[..., Config]) -> None:
    key = "k3Yq9-very-random-and-long-enough-0123456789"
    assert create_app(test_config(database_url=POSTGRES, secret_key=key)).config["SECRET_KEY"] == key
