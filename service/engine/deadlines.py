"""Deadline functions a diagram's timer expressions may call, in working time.

Each returns an ISO 8601 instant, the form a BPMN ``timeDate`` takes, computed from the instant
the engine is running as of, so a timer set while a sweep fires at ``now`` is set from ``now``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from service.workcalendar import DEFAULT_CALENDAR, WorkingCalendar

from .clock import current_time

# A diagram's deadline further out than this is a mistake, and would make the calendar walk for ages.
MAX_DAYS = 3660


def _checked(amount: float, most: float, unit: str) -> float:
    if not 0 <= amount <= most:
        raise ValueError(f"a deadline must be between 0 and {most:g} {unit} away")
    return amount


def _whole_days(days: float) -> int:
    checked = _checked(float(days), MAX_DAYS, "days")
    if checked != int(checked):
        raise ValueError("count deadlines in whole days, or use in_working_hours")
    return int(checked)


def deadline_helpers(calendar: WorkingCalendar = DEFAULT_CALENDAR) -> dict[str, Any]:
    """The names timer expressions can use, bound to one working calendar."""

    def in_working_hours(hours: float) -> str:
        return calendar.add_working_hours(current_time(), _checked(float(hours), MAX_DAYS * 8, "hours")).isoformat()

    def in_working_days(days: int) -> str:
        return calendar.add_working_days(current_time(), _whole_days(days)).isoformat()

    def in_school_days(days: int) -> str:
        # School days are working days: term dates are not modelled (see service.workcalendar).
        return calendar.add_working_days(current_time(), _whole_days(days)).isoformat()

    def by_end_of_working_day() -> str:
        return calendar.end_of_working_day(current_time()).isoformat()

    def at_start_of(day: str | date) -> str:
        chosen = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
        return calendar.start_of(chosen).isoformat()

    return {
        "in_working_hours": in_working_hours,
        "in_working_days": in_working_days,
        "in_school_days": in_school_days,
        "by_end_of_working_day": by_end_of_working_day,
        "at_start_of": at_start_of,
    }
