"""The engine's notion of "now", so timers can be fired for an explicit instant.

SpiffWorkflow compares timer due times with ``datetime.now(timezone.utc)`` inside its timer
module. The sweep that fires timers is given ``now`` by its caller (a worker, a test, a
benchmark); running the engine under that instant keeps "is this timer due?" one decision made
by the sweep, not a race between the sweep's clock and the library's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, tzinfo

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _timer_module

_engine_now: ContextVar[datetime | None] = ContextVar("engine_now", default=None)


class _EngineDatetime(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _EngineDatetime:
        fixed = _engine_now.get()
        if fixed is None:
            return super().now(tz)
        moment = fixed.astimezone(tz) if tz is not None else fixed
        return cls.fromtimestamp(moment.timestamp(), tz=moment.tzinfo)


_timer_module.datetime = _EngineDatetime


@contextmanager
def engine_time(now: datetime | None) -> Iterator[None]:
    """Run engine work as of ``now`` (a timezone-aware instant); None means the real clock."""
    if now is not None and now.tzinfo is None:
        raise ValueError("engine time must be timezone-aware")
    token = _engine_now.set(now)
    try:
        yield
    finally:
        _engine_now.reset(token)


def current_time() -> datetime:
    """The instant the engine is running as of: the fixed ``now`` if one is set, else the real clock."""
    fixed = _engine_now.get()
    return fixed if fixed is not None else datetime.now(UTC)
