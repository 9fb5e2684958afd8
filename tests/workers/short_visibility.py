"""The worker's Celery app with a short broker visibility timeout, for the tests only.

A task is acknowledged once it has finished (``task_acks_late``); a task whose worker was killed stays
unacknowledged in Redis and is given to another worker once the visibility timeout has passed. In
production that is an hour (longer than any task runs); here it is a few seconds, and the workers look
for such tasks every second, so a test can watch the redelivery happen.
Run with ``celery -A tests.workers.short_visibility worker``.
"""

from __future__ import annotations

from workers.app import app

VISIBILITY_TIMEOUT_S = 3

app.conf.broker_transport_options = {
    **app.conf.broker_transport_options,
    "visibility_timeout": VISIBILITY_TIMEOUT_S,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

__all__ = ["app"]
