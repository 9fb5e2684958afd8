"""Every setting the service and workers read, each declared once with a typed default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "var"


@dataclass(frozen=True)
class Config:
    """Settings; ``Config.from_env()`` reads them from the environment, tests build one directly."""

    database_url: str = f"sqlite:///{DEFAULT_DATA_DIR / 'safeguarding.db'}"
    secret_key: str = "dev-only-secret-change-me"  # noqa: S105 - embedded default; README says to set it
    testing: bool = False

    @classmethod
    def from_env(cls) -> Config:
        """Build the configuration from environment variables (names are the field names upper-cased)."""
        defaults = cls()
        return cls(
            database_url=os.environ.get("DATABASE_URL", defaults.database_url),
            secret_key=os.environ.get("SECRET_KEY", defaults.secret_key),
        )
