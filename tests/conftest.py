"""Shared fixtures: a migrated SQLite database per test, and the real PostgreSQL server when present."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.actors import Actor
from service.config import PROJECT_ROOT, Config
from service.db import make_engine, make_session_factory
from service.master_keys import Keyring, write_new_key_file
from service.migrate import upgrade
from service.scratch_db import ServerUnavailable, scratch_database
from service.sealing import use_keyring
from tests.mailserver import mail_server  # noqa: F401 - a fixture for every test package

DATA = Path(__file__).parent / "data"
POSTGRES_ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

PRACTITIONER = Actor("tess.teacher", frozenset({"practitioner"}), team="north")
MANAGER = Actor("mo.manager", frozenset({"manager"}), team="north")
DSL = Actor("dee.lead", frozenset({"dsl"}), team=None)


@pytest.fixture(scope="session")
def sealing_keys_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's own master key file (never the embedded default in var/); workers started by tests read it too."""
    path = tmp_path_factory.mktemp("keys") / "disclosure-keys"
    write_new_key_file(path)
    return path


@pytest.fixture(autouse=True)
def _sealing_keys(sealing_keys_file: Path) -> None:
    """Every test starts sealing with the run's keys; an app a test makes seals with its own."""
    use_keyring(Keyring.load(sealing_keys_file))


def outside_the_checkout(config: Config) -> Config:
    """``config``, once none of the files it names (database, key file, mail folder) is in the checkout."""
    sqlite = config.database_url.removeprefix("sqlite:///") if config.database_url.startswith("sqlite:///") else None
    for setting, path in (("database_url", sqlite), ("disclosure_keys_file", config.disclosure_keys_file),
                          ("mail_dir", config.mail_dir)):
        assert path is None or not Path(path).resolve().is_relative_to(PROJECT_ROOT), (
            f"a test's {setting} is in the checkout: {path}")
    return config


@pytest.fixture
def test_config(tmp_path: Path, sealing_keys_file: Path) -> Callable[..., Config]:
    """Config(**settings) for an app or worker a test makes, its files under tmp_path (the run's key file,
    a mail folder, a database file unless given), never the embedded defaults in var/ of the checkout."""
    def make(**settings: Any) -> Config:
        defaults = {"database_url": f"sqlite:///{tmp_path / 'unused.db'}", "mail_dir": str(tmp_path / "mail"),
                    "disclosure_keys_file": str(sealing_keys_file)}
        return outside_the_checkout(Config(**{**defaults, **settings}))
    return make


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _truncate_all(engine: Engine) -> None:
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
        quoted = ", ".join(f'"{t}"' for t in tables)
        conn.execute(text(f"TRUNCATE {quoted} CASCADE"))
        conn.execute(text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :h)"), {"h": "0" * 64})


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    """A fresh, migrated PostgreSQL database for this test run, dropped afterwards."""
    try:
        with scratch_database(POSTGRES_ADMIN_URL, prefix="sg_test") as url:
            engine = make_engine(url, pool_size=10)
            try:
                yield engine
            finally:
                engine.dispose()
    except ServerUnavailable as exc:
        pytest.fail(f"{exc}. The integration tests need PostgreSQL: start it, point TEST_DATABASE_URL at "
                    "one, or deselect them with -m 'not postgres'.")


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per run; each test gets a copy (migrating per test is slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def _sqlite_engine(template: Path, tmp_path: Path) -> Engine:
    path = tmp_path / "test.db"
    shutil.copyfile(template, path)
    return make_engine(f"sqlite:///{path}")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """The same test on the embedded database and on PostgreSQL."""
    if request.param == "sqlite":
        engine = _sqlite_engine(request.getfixturevalue("migrated_sqlite_file"), tmp_path)
        yield engine
        engine.dispose()
    else:
        engine = request.getfixturevalue("postgres_engine")
        _truncate_all(engine)
        yield engine


@pytest.fixture
def pg_engine(postgres_engine: Engine) -> Engine:
    _truncate_all(postgres_engine)
    return postgres_engine


@pytest.fixture
def session_factory(db_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(db_engine)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as s:
        yield s


def review_files() -> dict[str, str]:
    """The small test process and its forms, as a process owner would upload them."""
    files = {"review_case.bpmn": (DATA / "review_case.bpmn").read_text()}
    for form in sorted((DATA / "forms").glob("*.json")):
        files[f"forms/{form.name}"] = form.read_text()
    return files


@pytest.fixture
def review_process(session_factory: sessionmaker[Session], now: datetime) -> str:
    """The review process registered as version 1; returns its key."""
    from service.processes.service import register_version

    with session_factory.begin() as s:
        register_version(session=s, key="review", name="Review a concern", files=review_files(),
                         author="pat.owner", change_note="first version", now=now)
    return "review"


def escalation_files() -> dict[str, str]:
    """A manager's advice that escalates to the DSL, then further, after ``due_in`` (an ISO duration)."""
    return {"escalation_case.bpmn": (DATA / "escalation_case.bpmn").read_text()}


@pytest.fixture
def sqlite_session_factory(migrated_sqlite_file: Path, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """The embedded database only: for behaviour that does not depend on the backend."""
    engine = _sqlite_engine(migrated_sqlite_file, tmp_path)
    yield make_session_factory(engine)
    engine.dispose()
