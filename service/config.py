"""Every setting the service and workers read, each declared once with a typed default."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "var"


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Config:
    """Settings; ``Config.from_env()`` reads them from the environment, tests build one directly."""

    database_url: str = f"sqlite:///{DEFAULT_DATA_DIR / 'safeguarding.db'}"
    secret_key: str = "dev-only-secret-change-me"  # noqa: S105 - embedded default; README says to set it
    redis_url: str = ""
    workflows_dir: Path = PROJECT_ROOT / "workflows"
    max_diagram_bytes: int = 2 * 1024 * 1024
    timer_sweep_batch: int = 100
    testing: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> Config:
        """Build the configuration from environment variables (names are the field names upper-cased)."""
        defaults = cls()
        return cls(
            database_url=_env("DATABASE_URL", defaults.database_url),
            secret_key=_env("SECRET_KEY", defaults.secret_key),
            redis_url=_env("REDIS_URL", defaults.redis_url),
            workflows_dir=Path(_env("WORKFLOWS_DIR", str(defaults.workflows_dir))),
            max_diagram_bytes=int(_env("MAX_DIAGRAM_BYTES", str(defaults.max_diagram_bytes))),
            timer_sweep_batch=int(_env("TIMER_SWEEP_BATCH", str(defaults.timer_sweep_batch))),
        )


ENVIRONMENT_VARIABLES = tuple(f.name.upper() for f in fields(Config) if f.name not in {"testing", "extra"})
