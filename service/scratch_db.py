"""Throwaway PostgreSQL databases for the test suite and the benchmarks: created, migrated, dropped."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import make_url

from service.db import make_engine
from service.migrate import upgrade


class ServerUnavailable(RuntimeError):
    """The PostgreSQL server named by the admin URL does not answer."""


@contextmanager
def scratch_database(admin_url: str, *, prefix: str) -> Iterator[str]:
    """Create a uniquely named database on the server of ``admin_url``, migrate it, yield its URL, drop it."""
    parsed = make_url(admin_url)
    admin = make_engine(parsed.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    try:
        try:
            with admin.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            raise ServerUnavailable(f"PostgreSQL is unreachable at {parsed}: {exc}") from exc
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = parsed.set(database=name).render_as_string(hide_password=False)
            upgrade(url)
            yield url
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
