"""Working hours, working days and school days: the calendars every deadline is computed with.

The guidance sets its deadlines in working time ("2 working hours", "1 working day", "5 school
days"). A working day here is a weekday that is not an England and Wales bank holiday (from the
``holidays`` package); working hours run from ``day_start`` to ``day_end`` in UK local time.
A school day is a working day on which the organisation's schools are open: the school calendar is
the working calendar with the closures of the ``SCHOOL_CLOSURES`` setting (holidays, half terms)
as ``extra_closures``. After the last closure it lists, school days are working days again.

Nothing here reads the environment: ``calendars_for(config)`` builds both calendars from the settings
the app factory, a worker or a command was given; ``DEFAULT_CALENDARS`` are those of the built-in
defaults (09:00-17:00, the default closures).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, cached_property
from zoneinfo import ZoneInfo

import holidays

from service.config import Config, parse_closures

UK_TIME = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class WorkingCalendar:
    """Opening hours in a time zone, minus weekends, bank holidays and any extra closures."""

    day_start: time = time(9, 0)
    day_end: time = time(17, 0)
    zone: ZoneInfo = UK_TIME
    extra_closures: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.day_end <= self.day_start:
            raise ValueError("working hours must end after they start")

    @cached_property
    def _bank_holidays(self) -> holidays.HolidayBase:
        return holidays.country_holidays("GB", subdiv="ENG")

    @property
    def hours_per_day(self) -> float:
        return (_minutes(self.day_end) - _minutes(self.day_start)) / 60

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._bank_holidays and day not in self.extra_closures

    def next_opening(self, moment: datetime) -> datetime:
        """``moment`` itself if the office is open then, otherwise when it next opens."""
        local = _aware(moment).astimezone(self.zone)
        day = local.date()
        if self.is_working_day(day) and local.time() < self.day_end:
            if local.time() >= self.day_start:
                return local
            return self._at(day, self.day_start)
        return self._at(self._next_working_day(day), self.day_start)

    def add_working_hours(self, moment: datetime, hours: float) -> datetime:
        """The instant ``hours`` of working time after ``moment`` (counting starts at the next opening)."""
        if hours < 0:
            raise ValueError("hours must not be negative")
        current = self.next_opening(moment)
        remaining = timedelta(hours=hours)
        while True:
            close = self._at(current.date(), self.day_end)
            if current + remaining <= close:
                return (current + remaining).astimezone(UTC)
            remaining -= close - current
            current = self._at(self._next_working_day(current.date()), self.day_start)

    def add_working_days(self, moment: datetime, days: int) -> datetime:
        """``days`` whole working days of working time after ``moment``: Wednesday 15:00 + 1 is Thursday 15:00."""
        if days < 0:
            raise ValueError("days must not be negative")
        return self.add_working_hours(moment, days * self.hours_per_day)

    def end_of_working_day(self, moment: datetime) -> datetime:
        """Close of business on the working day ``moment`` falls in (or the next one, out of hours)."""
        opening = self.next_opening(moment)
        return self._at(opening.date(), self.day_end).astimezone(UTC)

    def start_of(self, day: date) -> datetime:
        """Opening time on ``day``, or on the next working day if it is not one."""
        if not self.is_working_day(day):
            day = self._next_working_day(day)
        return self._at(day, self.day_start).astimezone(UTC)

    def _next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        for _ in range(366):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise ValueError("no working day within a year")

    def _at(self, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=self.zone)


def _minutes(clock: time) -> int:
    return clock.hour * 60 + clock.minute


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def calendar_for_hours(hours: str) -> WorkingCalendar:
    """A calendar open during ``hours`` ("HH:MM-HH:MM", UK time)."""
    try:
        start, end = (time.fromisoformat(part.strip()) for part in hours.split("-"))
    except ValueError:
        raise ValueError(f"working hours must look like 09:00-17:00, not {hours!r}") from None
    return WorkingCalendar(day_start=start, day_end=end)


def school_calendar(hours: str, closures: str) -> WorkingCalendar:
    """The calendar school days are counted on: open during ``hours`` on working days, except the
    ``closures`` ("2026-12-21..2027-01-01,2027-02-15..2027-02-19", the SCHOOL_CLOSURES setting)."""
    return replace(calendar_for_hours(hours), extra_closures=parse_closures(closures))


@dataclass(frozen=True)
class WorkCalendars:
    """The two calendars deadlines are counted on: working time, and school days."""

    working: WorkingCalendar
    school: WorkingCalendar


def calendars_for(config: Config) -> WorkCalendars:
    """The calendars of ``config``'s WORKING_HOURS and SCHOOL_CLOSURES (a bad setting is a ValueError)."""
    return _calendars(config.working_hours, config.school_closures)


@cache
def _calendars(hours: str, closures: str) -> WorkCalendars:
    # One pair per setting, so each keeps its bank holidays loaded across requests and sweeps.
    return WorkCalendars(working=calendar_for_hours(hours), school=school_calendar(hours, closures))


DEFAULT_CALENDARS = calendars_for(Config())
DEFAULT_CALENDAR = DEFAULT_CALENDARS.working
DEFAULT_SCHOOL_CALENDAR = DEFAULT_CALENDARS.school
