"""The embedded data folder (var/ by default) and what the service makes in it are its own user's alone:
the folder 0700; the SQLite database, its write-ahead log and shared memory, the key file and each
email written to the mail folder 0600 — whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from service.app import create_app
from service.config import Config
from service.db import make_engine, make_session_factory
from service.disclosures.keys import keyring_at
from service.migrate import upgrade
from service.notifications.delivery import FolderSender, deliver_due
from service.notifications.models import OutboxMessage, OutboxStatus


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask: modes the service sets must not depend on it."""
    before = os.umask(0)
    try:
        yield
    finally:
        os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_folder_and_every_file_the_service_makes_in_it_are_private(tmp_path: Path,
                                                                           open_umask: None) -> None:
    data = tmp_path / "var"
    config = Config(database_url=f"sqlite:///{data / 'safeguarding.db'}", mail_dir=str(data / "mail"),
                    disclosure_keys_file=str(data / "disclosure-keys"), testing=True)
    upgrade(config.database_url)
    keyring_at(config.disclosure_keys_file, default_path=config.disclosure_keys_file)  # made on first use
    app = create_app(config)
    assert app.test_client().get("/healthz").status_code == 200

    engine = make_engine(config.database_url)
    sessions = make_session_factory(engine)
    now = datetime.now(UTC)
    with sessions.begin() as s:
        s.add(OutboxMessage(recipient_address="someone@example.org", reason="letter_to_subject", subject="A letter",
                            link_path="/", body="The letter's words", status=OutboxStatus.PENDING, attempts=0,
                            next_attempt_at=now, created_at=now))
    assert deliver_due(sessions=sessions, config=config, sender=FolderSender(Path(config.mail_dir)), now=now).sent
    engine.dispose()

    folders = [data, *[p for p in data.rglob("*") if p.is_dir()]]
    files = [p for p in data.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"safeguarding.db", "disclosure-keys"} <= names and any(n.endswith(".eml") for n in names)
    assert {p.relative_to(tmp_path).as_posix(): oct(mode(p)) for p in folders if mode(p) != 0o700} == {}
    assert {p.relative_to(tmp_path).as_posix(): oct(mode(p)) for p in files if mode(p) != 0o600} == {}


def test_the_database_log_and_shared_memory_are_private_while_the_service_runs(tmp_path: Path,
                                                                               open_umask: None) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'safeguarding.db'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE scratch (x)")
        conn.exec_driver_sql("INSERT INTO scratch VALUES (1)")
        found = {name: oct(mode(tmp_path / "var" / name)) for name in
                 ("safeguarding.db", "safeguarding.db-wal", "safeguarding.db-shm")}
    engine.dispose()
    assert found == dict.fromkeys(found, oct(0o600))
    assert mode(tmp_path / "var") == 0o700


def test_an_existing_mail_folder_file_is_made_private_again(tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "7.eml").write_text("old")
    os.chmod(folder / "7.eml", 0o644)
    from email.message import EmailMessage

    message = EmailMessage()
    message["X-Outbox-Id"] = "7"
    message.set_content("Open it here: https://example.org/shared/token")
    FolderSender(folder).send(message)
    assert mode(folder / "7.eml") == 0o600 and b"/shared/token" in (folder / "7.eml").read_bytes()
