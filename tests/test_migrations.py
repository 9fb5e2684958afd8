"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from service.db import Base, make_engine
from service.migrate import alembic_config
from service.models import load_all_models
from service.scratch_db import scratch_database
from tests.conftest import POSTGRES_ADMIN_URL


def test_migrated_schema_matches_the_models(db_engine):
    load_all_models()
    with db_engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_teams_migration_keeps_every_accounts_team_and_then_refuses_unknown_ones(backend, tmp_path):
    # Accounts written before teams existed name their team as text; each such team becomes a team.
    with ExitStack() as stack:
        url = (f"sqlite:///{tmp_path / 'old.db'}" if backend == "sqlite"
               else stack.enter_context(scratch_database(POSTGRES_ADMIN_URL, prefix="sg_mig")))
        command.upgrade(alembic_config(url), "head")  # a scratch database comes migrated; step back
        command.downgrade(alembic_config(url), "0013")
        engine = make_engine(url)
        stack.callback(engine.dispose)
        insert_user = text("INSERT INTO user_account (username, display_name, email, password_hash, roles, team, "
                           "active, created_at) VALUES (:u, :u, 'x@example.org', 'x', 'practitioner', :t, true, :at)")
        with engine.begin() as conn:
            for username, team in (("a.one", "east"), ("b.two", "east"), ("c.three", "West side"), ("d.lead", None)):
                conn.execute(insert_user, {"u": username, "t": team, "at": datetime(2026, 11, 1, tzinfo=UTC)})
        command.upgrade(alembic_config(url), "head")
        with engine.connect() as conn:
            assert sorted(conn.scalars(text("SELECT name FROM team"))) == ["West side", "east"]
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(insert_user, {"u": "e.four", "t": "nowhere", "at": datetime(2026, 11, 2, tzinfo=UTC)})
