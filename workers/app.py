"""The Celery application: wakes due timers and delivers the outbox.

The database is the only source of truth. Redis carries nothing but wake-up calls: beat asks for a
sweep every second and a delivery every two; a sweep claims due cases with FOR UPDATE SKIP LOCKED,
so any number of workers and beats can run, and flushing Redis loses nothing — the next sweep finds
every due timer in the database. Run with ``celery -A workers.app worker`` and
``celery -A workers.app beat``.
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from celery.signals import setup_logging

from service.config import Config
from service.logs import configure_logging

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# Wake-up calls older than this are dropped: a newer one is already on its way.
WAKE_UP_EXPIRES_S = 10


def make_celery(config: Config | None = None) -> Celery:
    config = config or Config.from_env()
    redis_url = config.redis_url or DEFAULT_REDIS_URL
    celery = Celery("safeguarding", include=["workers.tasks"])
    celery.conf.update(
        broker_url=redis_url,
        result_backend=redis_url,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        # A task is acknowledged when it has finished, and given back if its worker dies mid-way.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_time_limit=120,
        task_soft_time_limit=100,
        worker_prefetch_multiplier=1,
        # Longer than any task runs; ETAs are never used beyond it (a longer one is delivered twice).
        broker_transport_options={"visibility_timeout": 3600},
        broker_connection_retry_on_startup=True,
        # beat writes its schedule file every few ticks, which its container healthcheck watches
        beat_sync_every=10,
        # The settings the tasks run with (workers.tasks): the one place a worker reads them.
        service_config=config,
        timezone="UTC",
        enable_utc=True,
        beat_schedule={
            "sweep-due-timers": {"task": "workers.tasks.sweep_timers", "schedule": config.sweep_interval,
                                 "options": {"expires": WAKE_UP_EXPIRES_S}},
            "deliver-outbox": {"task": "workers.tasks.deliver_outbox", "schedule": 2.0,
                               "options": {"expires": WAKE_UP_EXPIRES_S}},
        },
    )
    return celery


@setup_logging.connect  # type: ignore[untyped-decorator]
def _json_logs(**_: Any) -> None:
    # Workers and beat log as the web service does: JSON lines carrying case and task ids.
    configure_logging()


app = make_celery()
