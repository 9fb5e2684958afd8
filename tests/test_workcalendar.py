"""The working calendar: 09:00-17:00 UK time, weekdays, minus England and Wales bank holidays; and the
school calendar, which also skips the organisation's school closures (SCHOOL_CLOSURES).

Every expectation below is worked out by hand from a real 2026 calendar:
- Wednesday 25 November 2026 is an ordinary working day (GMT, so UK time == UTC);
- Christmas Day 2026 is a Friday, Boxing Day a Saturday, so Monday 28 December is the substitute bank holiday;
- Good Friday is 3 April 2026 and Easter Monday 6 April 2026;
- British Summer Time runs from Sunday 29 March to Sunday 25 October 2026 (UK time == UTC + 1).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from service.config import Config, SettingError, parse_closures
from service.workcalendar import (
    DEFAULT_CALENDAR,
    DEFAULT_SCHOOL_CALENDAR,
    UK_TIME,
    WorkCalendars,
    WorkingCalendar,
    calendars_for,
    school_calendar,
)

CAL = WorkingCalendar()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- the defaults --------------------------------------------------------------------------------


def test_the_default_calendar_is_nine_to_five_uk_time() -> None:
    assert DEFAULT_CALENDAR.day_start == time(9, 0)
    assert DEFAULT_CALENDAR.day_end == time(17, 0)
    assert DEFAULT_CALENDAR.zone == UK_TIME
    assert str(UK_TIME) == "Europe/London"
    assert DEFAULT_CALENDAR.extra_closures == frozenset()
    assert DEFAULT_CALENDAR.hours_per_day == 8


def test_hours_per_day_counts_minutes() -> None:
    assert WorkingCalendar(day_start=time(9, 30), day_end=time(17, 0)).hours_per_day == 7.5
    assert WorkingCalendar(day_start=time(8, 0), day_end=time(8, 45)).hours_per_day == 0.75


@pytest.mark.parametrize(
    ("start", "end"),
    [(time(17, 0), time(9, 0)), (time(9, 0), time(9, 0)), (time(12, 30), time(12, 0))],
)
def test_working_hours_must_end_after_they_start(start: time, end: time) -> None:
    with pytest.raises(ValueError, match="end after they start"):
        WorkingCalendar(day_start=start, day_end=end)


# --- is_working_day ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 25), True),  # Wednesday
        (date(2026, 11, 27), True),  # Friday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 29), False),  # Sunday
        (date(2026, 12, 24), True),  # Christmas Eve is not a bank holiday
        (date(2026, 12, 25), False),  # Christmas Day (Friday)
        (date(2026, 12, 28), False),  # Boxing Day observed (Monday)
        (date(2026, 12, 29), True),
        (date(2027, 1, 1), False),  # New Year's Day (Friday)
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 5, 4), False),  # Early May bank holiday
        (date(2026, 5, 25), False),  # Spring bank holiday
        (date(2026, 8, 31), False),  # Summer bank holiday (England, not Scotland's 3 August)
        (date(2026, 8, 3), True),
        (date(2026, 3, 17), True),  # St Patrick's Day is a holiday in Northern Ireland only
        (date(2026, 11, 30), True),  # St Andrew's Day is a holiday in Scotland only
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_extra_closures_are_not_working_days() -> None:
    closed = WorkingCalendar(extra_closures=frozenset({date(2026, 11, 26)}))
    assert not closed.is_working_day(date(2026, 11, 26))
    assert closed.is_working_day(date(2026, 11, 25))
    assert CAL.is_working_day(date(2026, 11, 26))  # the default calendar is unaffected


# --- add_working_hours ---------------------------------------------------------------------------


def test_hours_within_one_working_day() -> None:
    assert CAL.add_working_hours(utc(2026, 11, 25, 10, 0), 2) == utc(2026, 11, 25, 12, 0)
    assert CAL.add_working_hours(utc(2026, 11, 25, 10, 0), 0.5) == utc(2026, 11, 25, 10, 30)
    assert CAL.add_working_hours(utc(2026, 11, 25, 10, 0), 0) == utc(2026, 11, 25, 10, 0)


def test_hours_ending_exactly_at_close_end_at_close_the_same_day() -> None:
    # 15:00 + 2h lands on 17:00 exactly: ``current + remaining <= close`` keeps it on the same day.
    assert CAL.add_working_hours(utc(2026, 11, 25, 15, 0), 2) == utc(2026, 11, 25, 17, 0)


def test_hours_past_close_carry_over_to_the_next_morning() -> None:
    # Wednesday 15:00 + 3h: 2h on Wednesday, 1h from Thursday 09:00.
    assert CAL.add_working_hours(utc(2026, 11, 25, 15, 0), 3) == utc(2026, 11, 26, 10, 0)
    # A whole day's worth from the opening lands on close; a minute more spills into the next day.
    assert CAL.add_working_hours(utc(2026, 11, 25, 9, 0), 8) == utc(2026, 11, 25, 17, 0)
    assert CAL.add_working_hours(utc(2026, 11, 25, 9, 0), 8 + 1 / 60) == utc(2026, 11, 26, 9, 1)


def test_friday_afternoon_rolls_over_the_weekend() -> None:
    # Friday 27 November 16:00 + 2h: 1h on Friday, 1h from Monday 30 November 09:00.
    assert CAL.add_working_hours(utc(2026, 11, 27, 16, 0), 2) == utc(2026, 11, 30, 10, 0)


def test_hours_span_several_days() -> None:
    # Wednesday 13:00 + 20h: 4h Wed, 8h Thu, 8h Fri -> Friday 17:00.
    assert CAL.add_working_hours(utc(2026, 11, 25, 13, 0), 20) == utc(2026, 11, 27, 17, 0)
    # ... + 21h: on to Monday 10:00.
    assert CAL.add_working_hours(utc(2026, 11, 25, 13, 0), 21) == utc(2026, 11, 30, 10, 0)


def test_a_start_out_of_hours_counts_from_the_next_opening() -> None:
    # Saturday 03:00 + 1h counts from Monday 09:00.
    assert CAL.add_working_hours(utc(2026, 11, 28, 3, 0), 1) == utc(2026, 11, 30, 10, 0)
    # Before opening on a working day: from 09:00 the same day.
    assert CAL.add_working_hours(utc(2026, 11, 25, 6, 0), 1) == utc(2026, 11, 25, 10, 0)
    # After close: from 09:00 the next working day.
    assert CAL.add_working_hours(utc(2026, 11, 25, 20, 0), 1) == utc(2026, 11, 26, 10, 0)
    # Exactly at close is out of hours.
    assert CAL.add_working_hours(utc(2026, 11, 25, 17, 0), 1) == utc(2026, 11, 26, 10, 0)
    # Zero hours out of hours is the next opening.
    assert CAL.add_working_hours(utc(2026, 11, 28, 3, 0), 0) == utc(2026, 11, 30, 9, 0)


def test_hours_skip_bank_holidays() -> None:
    # Thursday 2 April 2026, 16:00 BST (15:00 UTC) + 2h: 1h Thursday, then Good Friday, the weekend and
    # Easter Monday are skipped: Tuesday 7 April 09:00 BST + 1h = 10:00 BST = 09:00 UTC.
    assert CAL.add_working_hours(utc(2026, 4, 2, 15, 0), 2) == utc(2026, 4, 7, 9, 0)


def test_british_summer_time_opens_at_eight_utc() -> None:
    # Wednesday 15 July 2026: 09:00 BST is 08:00 UTC and 17:00 BST is 16:00 UTC.
    assert CAL.add_working_hours(utc(2026, 7, 15, 7, 0), 1) == utc(2026, 7, 15, 9, 0)
    assert CAL.add_working_hours(utc(2026, 7, 15, 14, 0), 2) == utc(2026, 7, 15, 16, 0)
    assert CAL.add_working_hours(utc(2026, 7, 15, 15, 0), 2) == utc(2026, 7, 16, 9, 0)
    # 16:30 UTC is 17:30 BST: already closed.
    assert CAL.add_working_hours(utc(2026, 7, 15, 16, 30), 1) == utc(2026, 7, 16, 9, 0)


def test_hours_across_the_change_to_summer_time() -> None:
    # Friday 27 March 2026 16:00 GMT + 2h: 1h Friday, then Monday 30 March 09:00 BST (08:00 UTC) + 1h.
    assert CAL.add_working_hours(utc(2026, 3, 27, 16, 0), 2) == utc(2026, 3, 30, 9, 0)


def test_hours_across_the_change_back_to_winter_time() -> None:
    # Friday 23 October 2026 16:00 BST (15:00 UTC) + 2h: 1h Friday, then Monday 26 October 09:00 GMT + 1h.
    assert CAL.add_working_hours(utc(2026, 10, 23, 15, 0), 2) == utc(2026, 10, 26, 10, 0)


def test_extra_closures_are_skipped() -> None:
    closed = WorkingCalendar(extra_closures=frozenset({date(2026, 11, 26)}))
    # Wednesday 15:00 + 3h: 2h Wednesday, Thursday closed, 1h Friday.
    assert closed.add_working_hours(utc(2026, 11, 25, 15, 0), 3) == utc(2026, 11, 27, 10, 0)


def test_custom_hours() -> None:
    short = WorkingCalendar(day_start=time(10, 0), day_end=time(12, 0))
    assert short.add_working_hours(utc(2026, 11, 25, 11, 0), 3) == utc(2026, 11, 26, 12, 0)
    assert short.add_working_days(utc(2026, 11, 25, 11, 0), 1) == utc(2026, 11, 26, 11, 0)


@pytest.mark.parametrize("hours", [-1, -0.001])
def test_negative_hours_are_refused(hours: float) -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        CAL.add_working_hours(utc(2026, 11, 25, 10, 0), hours)


# --- add_working_days ----------------------------------------------------------------------------


def test_one_working_day_is_the_same_time_next_working_day() -> None:
    # Wednesday 15:00 + 1 working day is Thursday 15:00.
    assert CAL.add_working_days(utc(2026, 11, 25, 15, 0), 1) == utc(2026, 11, 26, 15, 0)
    # Friday 10:00 + 1 is Monday 10:00.
    assert CAL.add_working_days(utc(2026, 11, 27, 10, 0), 1) == utc(2026, 11, 30, 10, 0)
    # Wednesday + 5 is the next Wednesday.
    assert CAL.add_working_days(utc(2026, 11, 25, 11, 0), 5) == utc(2026, 12, 2, 11, 0)
    assert CAL.add_working_days(utc(2026, 11, 25, 11, 0), 0) == utc(2026, 11, 25, 11, 0)


def test_a_working_day_over_christmas() -> None:
    # Thursday 24 December 16:00 + 1 working day: 1h on the 24th, then the 25th (Friday), the weekend and
    # Monday 28th (Boxing Day observed) are skipped; 7h on Tuesday 29th -> 16:00.
    assert CAL.add_working_days(utc(2026, 12, 24, 16, 0), 1) == utc(2026, 12, 29, 16, 0)
    # 29th, 30th, 31st, then New Year's Day (Friday 1 January 2027) and the weekend are skipped.
    assert CAL.add_working_days(utc(2026, 12, 24, 16, 0), 3) == utc(2026, 12, 31, 16, 0)
    assert CAL.add_working_days(utc(2026, 12, 24, 16, 0), 4) == utc(2027, 1, 4, 16, 0)


def test_working_days_out_of_hours_count_from_the_next_opening() -> None:
    # Saturday 03:00 + 1 working day = Monday 09:00 + 8h = Monday 17:00.
    assert CAL.add_working_days(utc(2026, 11, 28, 3, 0), 1) == utc(2026, 11, 30, 17, 0)


def test_working_days_in_summer_time() -> None:
    # Wednesday 15 July 10:00 UTC (11:00 BST) + 1 is Thursday 11:00 BST = 10:00 UTC.
    assert CAL.add_working_days(utc(2026, 7, 15, 10, 0), 1) == utc(2026, 7, 16, 10, 0)


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        CAL.add_working_days(utc(2026, 11, 25, 10, 0), -1)


# --- end_of_working_day --------------------------------------------------------------------------


def test_end_of_working_day_during_hours_is_today_at_close() -> None:
    assert CAL.end_of_working_day(utc(2026, 11, 25, 10, 0)) == utc(2026, 11, 25, 17, 0)
    assert CAL.end_of_working_day(utc(2026, 11, 25, 16, 59)) == utc(2026, 11, 25, 17, 0)


def test_end_of_working_day_before_opening_is_today_at_close() -> None:
    assert CAL.end_of_working_day(utc(2026, 11, 25, 6, 0)) == utc(2026, 11, 25, 17, 0)


def test_end_of_working_day_after_hours_is_the_next_working_day() -> None:
    assert CAL.end_of_working_day(utc(2026, 11, 25, 17, 0)) == utc(2026, 11, 26, 17, 0)
    assert CAL.end_of_working_day(utc(2026, 11, 25, 22, 0)) == utc(2026, 11, 26, 17, 0)
    # Friday evening -> Monday.
    assert CAL.end_of_working_day(utc(2026, 11, 27, 18, 0)) == utc(2026, 11, 30, 17, 0)


def test_end_of_working_day_on_a_bank_holiday_is_the_next_working_day() -> None:
    # Christmas Day at noon -> Tuesday 29 December 17:00.
    assert CAL.end_of_working_day(utc(2026, 12, 25, 12, 0)) == utc(2026, 12, 29, 17, 0)
    # Easter Monday -> Tuesday 7 April 17:00 BST = 16:00 UTC.
    assert CAL.end_of_working_day(utc(2026, 4, 6, 10, 0)) == utc(2026, 4, 7, 16, 0)


def test_end_of_working_day_in_summer_time() -> None:
    assert CAL.end_of_working_day(utc(2026, 7, 15, 12, 0)) == utc(2026, 7, 15, 16, 0)
    # 16:30 UTC is 17:30 BST: closed, so tomorrow.
    assert CAL.end_of_working_day(utc(2026, 7, 15, 16, 30)) == utc(2026, 7, 16, 16, 0)


def test_late_evening_utc_can_already_be_the_next_uk_day() -> None:
    # 23:30 UTC on Thursday 16 July is 00:30 BST on Friday 17 July: Friday's close.
    assert CAL.end_of_working_day(utc(2026, 7, 16, 23, 30)) == utc(2026, 7, 17, 16, 0)
    # 23:30 UTC on Friday 17 July is 00:30 BST Saturday: Monday's close.
    assert CAL.end_of_working_day(utc(2026, 7, 17, 23, 30)) == utc(2026, 7, 20, 16, 0)


# --- start_of ------------------------------------------------------------------------------------


def test_start_of_a_working_day() -> None:
    assert CAL.start_of(date(2026, 12, 2)) == utc(2026, 12, 2, 9, 0)
    # In summer time 09:00 BST is 08:00 UTC.
    assert CAL.start_of(date(2026, 7, 15)) == utc(2026, 7, 15, 8, 0)


def test_start_of_a_weekend_rolls_to_monday() -> None:
    assert CAL.start_of(date(2026, 11, 28)) == utc(2026, 11, 30, 9, 0)
    assert CAL.start_of(date(2026, 11, 29)) == utc(2026, 11, 30, 9, 0)


def test_start_of_a_bank_holiday_rolls_to_the_next_working_day() -> None:
    assert CAL.start_of(date(2026, 12, 25)) == utc(2026, 12, 29, 9, 0)
    assert CAL.start_of(date(2026, 12, 28)) == utc(2026, 12, 29, 9, 0)
    # Good Friday -> Tuesday after Easter Monday, in summer time.
    assert CAL.start_of(date(2026, 4, 3)) == utc(2026, 4, 7, 8, 0)


def test_start_of_an_extra_closure_rolls_on() -> None:
    closed = WorkingCalendar(extra_closures=frozenset({date(2026, 12, 2)}))
    assert closed.start_of(date(2026, 12, 2)) == utc(2026, 12, 3, 9, 0)


# --- next_opening --------------------------------------------------------------------------------


def test_next_opening() -> None:
    assert CAL.next_opening(utc(2026, 11, 25, 10, 15)) == utc(2026, 11, 25, 10, 15)
    assert CAL.next_opening(utc(2026, 11, 25, 9, 0)) == utc(2026, 11, 25, 9, 0)
    assert CAL.next_opening(utc(2026, 11, 25, 8, 59)) == utc(2026, 11, 25, 9, 0)
    assert CAL.next_opening(utc(2026, 11, 25, 17, 0)) == utc(2026, 11, 26, 9, 0)
    assert CAL.next_opening(utc(2026, 11, 28, 12, 0)) == utc(2026, 11, 30, 9, 0)


def test_no_working_day_within_a_year_is_an_error() -> None:
    year = frozenset(date(2026, 1, 1) + timedelta(days=n) for n in range(800))
    closed = WorkingCalendar(extra_closures=year)
    with pytest.raises(ValueError, match="no working day within a year"):
        closed.start_of(date(2026, 6, 1))


# --- time zones of inputs and results ------------------------------------------------------------


def test_naive_datetimes_are_treated_as_utc() -> None:
    # In winter UTC and UK time agree.
    assert CAL.add_working_hours(datetime(2026, 11, 25, 15, 0), 3) == utc(2026, 11, 26, 10, 0)
    # In summer a naive 07:30 is 07:30 UTC = 08:30 BST: before opening, so 1h from 08:00 UTC.
    assert CAL.add_working_hours(datetime(2026, 7, 15, 7, 30), 1) == utc(2026, 7, 15, 9, 0)
    # A naive 15:30 is 16:30 BST: half an hour left today.
    assert CAL.add_working_hours(datetime(2026, 7, 15, 15, 30), 1) == utc(2026, 7, 16, 8, 30)
    assert CAL.end_of_working_day(datetime(2026, 7, 15, 16, 30)) == utc(2026, 7, 16, 16, 0)


def test_other_time_zones_are_converted() -> None:
    # 10:00 in New York (EST, UTC-5) on Wednesday 25 November is 15:00 UTC.
    from zoneinfo import ZoneInfo

    new_york = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    assert CAL.add_working_hours(new_york, 3) == utc(2026, 11, 26, 10, 0)


@pytest.mark.parametrize(
    "result",
    [
        CAL.add_working_hours(utc(2026, 7, 15, 10, 0), 1),
        CAL.add_working_hours(datetime(2026, 7, 15, 10, 0), 1),
        CAL.add_working_days(utc(2026, 7, 15, 10, 0), 1),
        CAL.end_of_working_day(utc(2026, 7, 15, 10, 0)),
        CAL.start_of(date(2026, 7, 15)),
    ],
)
def test_results_are_utc_aware(result: datetime) -> None:
    assert result.tzinfo is UTC
    assert result.utcoffset() == timedelta(0)


def test_working_hours_come_from_the_setting() -> None:
    from service.workcalendar import calendar_for_hours

    early = calendar_for_hours("08:00-16:30")
    assert (early.day_start, early.day_end) == (time(8, 0), time(16, 30))
    with pytest.raises(ValueError, match="09:00-17:00"):
        calendar_for_hours("nine to five")


# --- school days: the school calendar ------------------------------------------------------------
# Built explicitly from a closures text, so nothing here depends on SCHOOL_CLOSURES. 2027: half term
# Monday 15 - Friday 19 February (GMT); the early May bank holiday is Monday 3 May (BST, UTC + 1).

HALF_TERM = "2027-02-15..2027-02-19"


def test_five_school_days_from_before_a_half_term_land_after_it() -> None:
    school = school_calendar("09:00-17:00", HALF_TERM)
    # Thursday 11 February 10:00 + 5 school days: Friday 12th, then the half term is skipped, then
    # Monday 22nd to Thursday 25th 10:00; as working days it would be Thursday 18th, in the half term.
    assert school.add_working_days(utc(2027, 2, 11, 10, 0), 5) == utc(2027, 2, 25, 10, 0)
    assert CAL.add_working_days(utc(2027, 2, 11, 10, 0), 5) == utc(2027, 2, 18, 10, 0)
    assert not school.is_working_day(date(2027, 2, 15)) and not school.is_working_day(date(2027, 2, 19))
    assert school.is_working_day(date(2027, 2, 12)) and school.is_working_day(date(2027, 2, 22))


def test_a_bank_holiday_in_term_is_not_a_school_day() -> None:
    school = school_calendar("09:00-17:00", HALF_TERM)
    # Thursday 29 April 10:00 BST (09:00 UTC) + 5: Friday 30th, Monday 3 May (bank holiday) skipped,
    # Tuesday 4th to Friday 7th.
    assert school.add_working_days(utc(2027, 4, 29, 9, 0), 5) == utc(2027, 5, 7, 9, 0)
    assert not school.is_working_day(date(2027, 5, 3))


def test_school_days_over_the_christmas_holiday() -> None:
    school = school_calendar("09:00-17:00", "2026-12-21..2027-01-01")
    # Thursday 17 December 2026 16:00 + 1 school day: 1h on the 17th, 7h on Friday 18th -> 16:00.
    assert school.add_working_days(utc(2026, 12, 17, 16, 0), 1) == utc(2026, 12, 18, 16, 0)
    # + 2: the holiday (and its bank holidays) skipped, on to Monday 4 January 2027.
    assert school.add_working_days(utc(2026, 12, 17, 16, 0), 2) == utc(2027, 1, 4, 16, 0)
    assert school.end_of_working_day(utc(2026, 12, 22, 10, 0)) == utc(2027, 1, 4, 17, 0)


def test_the_school_calendar_keeps_the_working_hours() -> None:
    school = school_calendar("08:30-15:30", HALF_TERM)
    assert (school.day_start, school.day_end, school.zone) == (time(8, 30), time(15, 30), UK_TIME)
    with pytest.raises(ValueError, match="09:00-17:00"):
        school_calendar("all day", HALF_TERM)


def test_without_closures_school_days_are_working_days() -> None:
    school = school_calendar("09:00-17:00", "")
    assert school == CAL
    assert school.add_working_days(utc(2027, 2, 11, 10, 0), 5) == CAL.add_working_days(utc(2027, 2, 11, 10, 0), 5)


def test_the_default_school_calendar_is_the_working_calendar_less_the_default_closures() -> None:
    # The built-in defaults, whatever the environment of the run says (the calendar reads no setting).
    assert (DEFAULT_SCHOOL_CALENDAR.day_start, DEFAULT_SCHOOL_CALENDAR.day_end) == (
        DEFAULT_CALENDAR.day_start, DEFAULT_CALENDAR.day_end)
    assert DEFAULT_SCHOOL_CALENDAR.extra_closures == parse_closures(Config().school_closures)
    assert calendars_for(Config()) == WorkCalendars(working=DEFAULT_CALENDAR, school=DEFAULT_SCHOOL_CALENDAR)


def test_the_calendars_come_from_the_config_they_are_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKING_HOURS", "07:00-07:30")  # ignored: only the config given counts
    given = calendars_for(Config(working_hours="08:30-15:30", school_closures=HALF_TERM))
    assert (given.working.day_start, given.working.day_end) == (time(8, 30), time(15, 30))
    assert given.working.extra_closures == frozenset()
    assert given.school == school_calendar("08:30-15:30", HALF_TERM)
    with pytest.raises(ValueError, match="09:00-17:00"):
        calendars_for(Config(working_hours="nine to five"))


# --- the SCHOOL_CLOSURES setting -----------------------------------------------------------------


def test_closures_are_dates_and_inclusive_ranges() -> None:
    assert parse_closures("2027-02-15..2027-02-17,2027-05-31") == {
        date(2027, 2, 15), date(2027, 2, 16), date(2027, 2, 17), date(2027, 5, 31)}
    assert parse_closures("2027-02-15..2027-02-15") == {date(2027, 2, 15)}
    # A range over a month and a year end.
    assert len(parse_closures("2026-12-21..2027-01-01")) == 12


def test_closures_ignore_spaces_and_empty_parts() -> None:
    assert parse_closures(" 2027-02-15 .. 2027-02-16 ,\n 2027-05-31 ,, ") == {
        date(2027, 2, 15), date(2027, 2, 16), date(2027, 5, 31)}
    assert parse_closures("") == frozenset() == parse_closures(" , ")


def test_overlapping_closures_are_merged() -> None:
    assert parse_closures("2027-02-15..2027-02-17,2027-02-16..2027-02-18") == {
        date(2027, 2, 15), date(2027, 2, 16), date(2027, 2, 17), date(2027, 2, 18)}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-02-30", "SCHOOL_CLOSURES: '2027-02-30' is not a date (use YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD)"),
        ("2027-02-15..2027-02-30", "SCHOOL_CLOSURES: '2027-02-30' is not a date (use YYYY-MM-DD or "
                                   "YYYY-MM-DD..YYYY-MM-DD)"),
        ("2027-01-04, half term", "SCHOOL_CLOSURES: 'half term' is not a date (use YYYY-MM-DD or "
                                  "YYYY-MM-DD..YYYY-MM-DD)"),
        ("20270215", "SCHOOL_CLOSURES: '20270215' is not a date"),  # only the YYYY-MM-DD form
        ("2027-2-15", "SCHOOL_CLOSURES: '2027-2-15' is not a date"),
        ("2027-02-15 2027-02-19", "SCHOOL_CLOSURES: '2027-02-15 2027-02-19' is not a date"),  # a comma missing
        ("2027-02-15..", "SCHOOL_CLOSURES: '2027-02-15..' is not a date"),
        ("2027-02-15...2027-02-19", "SCHOOL_CLOSURES: '.2027-02-19' is not a date"),
        ("2027-02-15..2027-02-17..2027-02-19", "SCHOOL_CLOSURES: '2027-02-15..2027-02-17..2027-02-19' is not a date "
                                               "or a range"),
        ("2027-02-19..2027-02-15", "SCHOOL_CLOSURES: '2027-02-19..2027-02-15' ends before it starts"),
        ("2027-02-15..2072-02-19", "SCHOOL_CLOSURES: '2027-02-15..2072-02-19' is longer than a year"),
    ],
)
def test_a_malformed_closure_is_named_in_one_line(text: str, message: str) -> None:
    with pytest.raises(SettingError) as refused:
        parse_closures(text)
    assert str(refused.value).startswith(message)
    assert "\n" not in str(refused.value)
    assert isinstance(refused.value, ValueError)


def test_a_malformed_setting_stops_the_configuration_being_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHOOL_CLOSURES", "2026-12-21..2027-01-01,2027-02-30")
    with pytest.raises(SettingError, match=r"^SCHOOL_CLOSURES: '2027-02-30' is not a date \(use YYYY-MM-DD"):
        Config.from_env()
    monkeypatch.setenv("SCHOOL_CLOSURES", "2027-02-15..2027-02-19")
    assert Config.from_env().school_closure_dates == parse_closures(HALF_TERM)
    assert school_calendar("09:00-17:00", Config.from_env().school_closures).extra_closures == parse_closures(HALF_TERM)


def test_the_default_closures_are_the_typical_school_holidays_of_2026_27_and_2027_28() -> None:
    closed = Config().school_closure_dates
    typical = {
        "October half term": (date(2026, 10, 26), date(2027, 10, 29)),
        "Christmas": (date(2026, 12, 21), date(2027, 12, 20)),
        "February half term": (date(2027, 2, 15), date(2028, 2, 18)),
        "Easter": (date(2027, 4, 9), date(2028, 4, 10)),
        "May half term": (date(2027, 6, 4), date(2028, 5, 29)),
        "summer": (date(2027, 8, 2), date(2028, 8, 31)),
    }
    for holiday, days in typical.items():
        assert all(day in closed for day in days), holiday
    # Term days stay school days.
    for term_day in (date(2026, 12, 18), date(2027, 1, 4), date(2027, 2, 12), date(2027, 2, 22), date(2027, 9, 6),
                     date(2028, 1, 4), date(2028, 7, 20)):
        assert term_day not in closed, term_day
    # With them, 5 school days from the Thursday before the February half term land after it.
    school = WorkingCalendar(extra_closures=closed)
    assert school.add_working_days(utc(2027, 2, 11, 10, 0), 5) == utc(2027, 2, 25, 10, 0)
