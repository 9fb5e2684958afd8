"""The worker's tasks: each safe to run anywhere, at any time, any number of times at once."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from service.config import Config
from service.db import make_engine, make_session_factory
from service.engine import use_calendars
from service.notifications.delivery import deliver_due, sender_for
from service.sealing import use_key_file
from service.sweeper import sweep_due_timers
from service.workcalendar import calendars_for
from workers.app import app

log = logging.getLogger(__name__)


@cache
def _config() -> Config:
    # The worker's settings, read once per process: the app's config (workers.app), its key file named for sealing.
    config: Config = app.conf.service_config
    use_key_file(config.disclosure_keys_file)
    return config


@cache
def _sessions() -> sessionmaker[Session]:
    # Created on first use in each worker process (after the fork), never shared between processes.
    return make_session_factory(make_engine(_config().database_url))


@app.task(  # type: ignore[untyped-decorator]
    name="workers.tasks.sweep_timers", autoretry_for=(OperationalError,), retry_backoff=True,
    retry_backoff_max=30, max_retries=10,
)
def sweep_timers() -> dict[str, Any]:
    """Fire every timer that is due now."""
    with use_calendars(calendars_for(_config())):
        report = sweep_due_timers(_sessions())
    return {"advanced": len(report.advanced), "incidents": len(report.incidents)}


@app.task(  # type: ignore[untyped-decorator]
    name="workers.tasks.deliver_outbox", autoretry_for=(OperationalError,), retry_backoff=True,
    retry_backoff_max=30, max_retries=10,
)
def deliver_outbox() -> dict[str, Any]:
    """Send the notifications whose time has come."""
    config = _config()
    report = deliver_due(sessions=_sessions(), config=config, sender=sender_for(config), now=datetime.now(UTC))
    return {"sent": len(report.sent), "retrying": len(report.retrying), "failed": len(report.failed)}
