"""Deadline functions a diagram's timer expressions may call, in working time.

Each returns an ISO 8601 instant, the form a BPMN ``timeDate`` takes, computed from the instant
the engine is running as of, so a timer set while a sweep fires at ``now`` is set from ``now``
(``by_end_of_working_day`` can be given another instant to run from, e.g. when an emergency share
happened). School days are counted on the school calendar (``service.workcalendar``).

The calendars are the settings' (WORKING_HOURS, SCHOOL_CLOSURES): whoever runs the engine on behalf
of a configuration (the app for each request, a worker for each task, the embedded sweeper) counts
deadlines inside ``use_calendars(calendars_for(config))``; outside one, the built-in defaults apply.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from typing import Any

from service.workcalendar import DEFAULT_CALENDARS, WorkCalendars, WorkingCalendar

from .clock import current_time

# What each helper takes, in the words a process owner is told when a call gives it the wrong number.
HELPER_ARGUMENTS = {
    "in_working_hours": "1 argument (a number of hours)",
    "in_working_days": "1 argument (a number of days)",
    "in_school_days": "1 argument (a number of school days)",
    "by_end_of_working_day": "no argument, or 1 (the date and time to count from)",
    "at_start_of": "1 argument (a date)",
}
# A diagram's deadline further out than this is a mistake, and would make the calendar walk for ages.
MAX_DAYS = 3660


_in_use: ContextVar[WorkCalendars] = ContextVar("work_calendars", default=DEFAULT_CALENDARS)


@contextmanager
def use_calendars(calendars: WorkCalendars) -> Iterator[None]:
    """Count the deadlines set inside this block on ``calendars``."""
    token = _in_use.set(calendars)
    try:
        yield
    finally:
        _in_use.reset(token)


def calendars_in_use() -> WorkCalendars:
    """The calendars deadlines are counted on here and now (the defaults outside ``use_calendars``)."""
    return _in_use.get()


def _checked(amount: float, most: float, unit: str) -> float:
    if not 0 <= amount <= most:
        raise ValueError(f"a deadline must be between 0 and {most:g} {unit} away")
    return amount


def _whole_days(days: float) -> int:
    checked = _checked(float(days), MAX_DAYS, "days")
    if checked != int(checked):
        raise ValueError("count deadlines in whole days, or use in_working_hours")
    return int(checked)


def _instant(value: str | datetime, name: str) -> datetime:
    """An ISO 8601 string or a datetime as an aware instant (one without a zone is UTC)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{name}: {value[:40]!r} is not a date and time "
                             "(use ISO 8601, e.g. 2026-11-25T16:30:00+00:00)") from None
    else:
        raise ValueError(f"{name} needs a date and time (ISO 8601), not {type(value).__name__}")
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    if abs(moment - current_time()) > timedelta(days=MAX_DAYS):
        raise ValueError(f"{name}: {value!s:.40} is more than {MAX_DAYS} days from now")
    return moment


def deadline_helpers(
    calendar: WorkingCalendar | None = None, school_calendar: WorkingCalendar | None = None,
) -> dict[str, Any]:
    """The names timer expressions can use, bound to the working calendar and the school calendar
    given, or (for one not given) counting on the calendars in use when each is called."""

    def working() -> WorkingCalendar:
        return calendar if calendar is not None else _in_use.get().working

    def school() -> WorkingCalendar:
        return school_calendar if school_calendar is not None else _in_use.get().school

    def in_working_hours(hours: float) -> str:
        return working().add_working_hours(current_time(), _checked(float(hours), MAX_DAYS * 8, "hours")).isoformat()

    def in_working_days(days: int) -> str:
        return working().add_working_days(current_time(), _whole_days(days)).isoformat()

    def in_school_days(days: int) -> str:
        # Whole school days of working time: working days on which the schools are open.
        return school().add_working_days(current_time(), _whole_days(days)).isoformat()

    def by_end_of_working_day(since: str | datetime | None = None) -> str:
        # Close of the working day ``since`` falls in (now, if not given); out of hours, the next one's.
        moment = current_time() if since is None else _instant(since, "by_end_of_working_day")
        return working().end_of_working_day(moment).isoformat()

    def at_start_of(day: str | date) -> str:
        chosen = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
        return working().start_of(chosen).isoformat()

    return {
        "in_working_hours": in_working_hours,
        "in_working_days": in_working_days,
        "in_school_days": in_school_days,
        "by_end_of_working_day": by_end_of_working_day,
        "at_start_of": at_start_of,
    }
