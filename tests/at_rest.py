"""What a copy of the database shows someone who holds it: SQLite's file and its write-ahead log read as
raw bytes; on PostgreSQL, every column of every table read as text."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine


def database_copy(engine: Engine) -> dict[str, bytes]:
    """Where the data is (a file, or a table's column) and its bytes."""
    if engine.dialect.name == "sqlite":
        path = Path(str(engine.url.database))
        return {p.name: p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists()}
    copy: dict[str, bytes] = {}
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            for column in inspect(engine).get_columns(table):
                values = conn.execute(text(f'SELECT CAST("{column["name"]}" AS TEXT) FROM "{table}"')).scalars()
                copy[f"{table}.{column['name']}"] = "\n".join(v for v in values if v is not None).encode()
    return copy


def found_in(copy: dict[str, bytes], texts: list[str]) -> dict[str, list[str]]:
    """Each of ``texts`` the copy holds in words, with where."""
    return {t: places for t in texts if (places := [where for where, data in copy.items() if t.encode() in data])}


def held_in_the_database(engine: Engine, texts: list[str]) -> dict[str, list[str]]:
    return found_in(database_copy(engine), texts)
