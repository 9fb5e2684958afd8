"""`python -m service serve --port N`: without BASE_URL, the links emailed to people point at the port being
served (`make run PORT=8010` sends :8010 links, not :8000); an explicit BASE_URL is kept."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from service.__main__ import main, serving_config
from service.config import Config
from service.disclosures.keys import write_new_key_file
from service.notifications.delivery import compose
from service.notifications.models import OutboxMessage


class Served:
    """What the serve command started: the app it ran, and the configuration its mail thread was given."""

    def __init__(self) -> None:
        self.app: Flask | None = None
        self.worker_config: Config | None = None


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Served:
    """The serve command with the server and the embedded worker caught instead of run."""
    keys = tmp_path / "keys"
    write_new_key_file(keys)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    monkeypatch.setenv("DISCLOSURE_KEYS_FILE", str(keys))
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("BASE_URL", raising=False)
    seen = Served()

    def run(app: Flask, **_: Any) -> None:
        seen.app = app

    class Worker:
        def __init__(self, sessions: Any, config: Config) -> None:
            seen.worker_config = config

        def start(self) -> None:
            pass

    monkeypatch.setattr(Flask, "run", run)
    monkeypatch.setattr("service.sweeper.EmbeddedWorker", Worker)
    monkeypatch.setattr("service.logs.configure_logging", lambda: None)
    return seen


def emailed_link(config: Config) -> str:
    """The link line of a notification as the service would email it."""
    message = OutboxMessage(id=1, recipient_user="tess.teacher", reason="task_waiting", subject="Safeguarding: a task",
                            link_path="/tasks/42", created_at=datetime.now(UTC))
    email = compose(message, config)
    assert email is not None
    [link] = [line for line in email.get_content().splitlines() if "/tasks/42" in line]
    return link


def test_the_emailed_link_follows_the_port_served_when_base_url_is_unset(served: Served) -> None:
    assert main(["serve", "--port", "8010"]) == 0
    assert served.app is not None and served.worker_config is not None
    assert emailed_link(served.app.extensions["service_config"]) == "http://127.0.0.1:8010/tasks/42"
    assert emailed_link(served.worker_config) == "http://127.0.0.1:8010/tasks/42", "the thread that sends the mail"


def test_an_explicit_base_url_is_kept_whatever_the_port(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BASE_URL", "https://safeguarding.example.org")
    assert main(["serve", "--host", "0.0.0.0", "--port", "8010"]) == 0
    assert served.worker_config is not None
    assert emailed_link(served.worker_config) == "https://safeguarding.example.org/tasks/42"


@pytest.mark.parametrize(("host", "expected"), [
    ("127.0.0.1", "http://127.0.0.1:8010"), ("localhost", "http://localhost:8010"),
    ("0.0.0.0", "http://127.0.0.1:8010"), ("::1", "http://[::1]:8010"),
])
def test_the_served_address_becomes_the_base_url(host: str, expected: str) -> None:
    assert serving_config(Config(), host, 8010, environ={}).base_url == expected
    assert serving_config(Config(), host, 8010, environ={"BASE_URL": "https://x.example"}) == Config()
