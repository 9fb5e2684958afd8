"""Bring a database's schema up to date with the migrations shipped in service/migrations."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig

from service.private_files import private_dir

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str) -> None:
    """Apply every pending migration."""
    if database_url.startswith("sqlite:///"):
        private_dir(Path(database_url.removeprefix("sqlite:///")).parent)
    command.upgrade(alembic_config(database_url), "head")
