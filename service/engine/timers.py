"""Reading the due instants that SpiffWorkflow stores on waiting timer events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def parse_event_time(value: Any) -> datetime | None:
    """A timer's stored event value as an aware UTC instant; None if it has none yet."""
    if isinstance(value, dict):
        value = value.get("next")
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
