"""Deadline helpers for timer expressions: computed in working time from the engine's fixed "now"
(or, for ``by_end_of_working_day(since)``, from the instant given); school days on the school calendar.

Wednesday 25 November 2026 is an ordinary working day in GMT (UK time == UTC); Christmas Day 2026 is a
Friday and Monday 28 December the substitute Boxing Day.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer

from service.engine import engine_time, sandbox
from service.engine.clock import current_time
from service.engine.deadlines import MAX_DAYS, deadline_helpers
from service.engine.instance import script_engine
from service.workcalendar import WorkingCalendar

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # Wednesday 15:00


def _trusted(helpers: dict[str, Any]) -> dict[str, Any]:
    return {name: sandbox.trusted_helper(function) for name, function in helpers.items()}


# --- the clock -----------------------------------------------------------------------------------


def test_engine_time_fixes_now_and_restores_it() -> None:
    before = datetime.now(UTC)
    with engine_time(NOW):
        assert current_time() == NOW
        later = NOW + timedelta(days=3)
        with engine_time(later):
            assert current_time() == later
        assert current_time() == NOW
    after = current_time()
    assert before - timedelta(seconds=5) <= after <= datetime.now(UTC) + timedelta(seconds=5)


def test_engine_time_none_means_the_real_clock() -> None:
    with engine_time(NOW), engine_time(None):
        assert abs(current_time() - datetime.now(UTC)) < timedelta(seconds=5)


def test_engine_time_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"), engine_time(datetime(2026, 11, 25, 15, 0)):
        pass


def test_engine_time_also_fixes_the_librarys_timer_clock() -> None:
    # SpiffWorkflow's timer module reads datetime.now(timezone.utc); under engine_time it sees the fixed now.
    with engine_time(NOW):
        seen = spiff_timer.datetime.now(UTC)
        assert seen == NOW and seen.tzinfo is not None
    assert abs(spiff_timer.datetime.now(UTC) - datetime.now(UTC)) < timedelta(seconds=5)


def test_engine_time_is_reset_after_an_error() -> None:
    with pytest.raises(RuntimeError), engine_time(NOW):
        raise RuntimeError("boom")
    assert abs(current_time() - datetime.now(UTC)) < timedelta(seconds=5)


# --- the helpers, called directly ----------------------------------------------------------------


def test_the_helpers_offered_to_diagrams() -> None:
    assert set(deadline_helpers()) == {
        "in_working_hours",
        "in_working_days",
        "in_school_days",
        "by_end_of_working_day",
        "at_start_of",
    }


def test_in_working_hours_counts_from_the_fixed_now() -> None:
    helpers = deadline_helpers()
    with engine_time(NOW):
        assert helpers["in_working_hours"](2) == "2026-11-25T17:00:00+00:00"
        assert helpers["in_working_hours"](3) == "2026-11-26T10:00:00+00:00"
        assert helpers["in_working_hours"](0.5) == "2026-11-25T15:30:00+00:00"
        assert helpers["in_working_hours"](0) == "2026-11-25T15:00:00+00:00"


def test_in_working_days_and_school_days_count_from_the_fixed_now() -> None:
    helpers = deadline_helpers(WorkingCalendar(), WorkingCalendar())
    with engine_time(NOW):
        assert helpers["in_working_days"](1) == "2026-11-26T15:00:00+00:00"
        assert helpers["in_working_days"](3) == "2026-11-30T15:00:00+00:00"  # over the weekend
        # With no school closures, school days are working days.
        assert helpers["in_school_days"](5) == "2026-12-02T15:00:00+00:00"
        assert helpers["in_school_days"](1) == helpers["in_working_days"](1)


def test_in_school_days_counts_on_the_school_calendar() -> None:
    # February half term 2027: Monday 15 to Friday 19 February.
    half_term = frozenset(date(2027, 2, 15) + timedelta(days=n) for n in range(5))
    helpers = deadline_helpers(WorkingCalendar(), WorkingCalendar(extra_closures=half_term))
    with engine_time(datetime(2027, 2, 11, 10, 0, tzinfo=UTC)):  # Thursday before the half term
        # 5 school days: Friday 12th, then Monday 22nd to Thursday 25th; working days ignore the half term.
        assert helpers["in_school_days"](5) == "2027-02-25T10:00:00+00:00"
        assert helpers["in_working_days"](5) == "2027-02-18T10:00:00+00:00"
        assert helpers["in_working_hours"](8 * 5) == "2027-02-18T10:00:00+00:00"
        assert helpers["by_end_of_working_day"]() == "2027-02-11T17:00:00+00:00"
    with engine_time(datetime(2027, 2, 16, 10, 0, tzinfo=UTC)):  # in the half term: counts from its end
        assert helpers["in_school_days"](1) == "2027-02-22T17:00:00+00:00"
        assert helpers["in_working_days"](1) == "2027-02-17T10:00:00+00:00"


def test_deadlines_over_christmas() -> None:
    helpers = deadline_helpers()
    with engine_time(datetime(2026, 12, 24, 16, 0, tzinfo=UTC)):
        assert helpers["in_working_days"](1) == "2026-12-29T16:00:00+00:00"
        assert helpers["by_end_of_working_day"]() == "2026-12-24T17:00:00+00:00"


def test_by_end_of_working_day() -> None:
    helpers = deadline_helpers()
    with engine_time(NOW):
        assert helpers["by_end_of_working_day"]() == "2026-11-25T17:00:00+00:00"
    with engine_time(datetime(2026, 11, 27, 18, 0, tzinfo=UTC)):  # Friday evening
        assert helpers["by_end_of_working_day"]() == "2026-11-30T17:00:00+00:00"


SHARE_DAY = datetime(2026, 11, 25, 16, 30, tzinfo=UTC)  # Wednesday 16:30: half an hour before close


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        ("2026-11-25T16:30:00+00:00", "2026-11-25T17:00:00+00:00"),  # in hours: that day's close
        (SHARE_DAY, "2026-11-25T17:00:00+00:00"),  # a datetime works too
        ("2026-11-25T16:30:00", "2026-11-25T17:00:00+00:00"),  # no zone: UTC
        ("2026-11-25T16:30:00Z", "2026-11-25T17:00:00+00:00"),
        ("2026-11-25T20:00:00+00:00", "2026-11-26T17:00:00+00:00"),  # out of hours: the next working day's close
        ("2026-11-25T06:00:00+00:00", "2026-11-25T17:00:00+00:00"),  # before opening: that day's close
        ("2026-11-28T11:00:00+00:00", "2026-11-30T17:00:00+00:00"),  # Saturday: Monday's close
        ("2026-11-27T18:00:00+00:00", "2026-11-30T17:00:00+00:00"),  # Friday evening: Monday's close
        ("2026-12-24T16:30:00+00:00", "2026-12-24T17:00:00+00:00"),  # Christmas Eve is a working day
        ("2026-12-25T10:00:00+00:00", "2026-12-29T17:00:00+00:00"),  # Christmas Day: after Boxing Day observed
        # Summer time: 16:30 BST is before the 17:00 BST close (16:00 UTC); 17:30 BST is after it.
        ("2027-07-01T16:30:00+01:00", "2027-07-01T16:00:00+00:00"),
        ("2027-07-01T16:30:00+00:00", "2027-07-02T16:00:00+00:00"),
    ],
)
def test_by_end_of_working_day_runs_from_the_instant_given(since: str | datetime, expected: str) -> None:
    helpers = deadline_helpers(WorkingCalendar(), WorkingCalendar())
    # The record step opens later (the next morning): the deadline still runs from the share.
    with engine_time(datetime(2026, 11, 26, 9, 30, tzinfo=UTC)):
        assert helpers["by_end_of_working_day"](since) == expected


def test_by_end_of_working_day_without_an_instant_runs_from_now() -> None:
    helpers = deadline_helpers(WorkingCalendar(), WorkingCalendar())
    with engine_time(datetime(2026, 11, 25, 20, 0, tzinfo=UTC)):
        assert helpers["by_end_of_working_day"]() == "2026-11-26T17:00:00+00:00"
        assert helpers["by_end_of_working_day"](None) == "2026-11-26T17:00:00+00:00"


@pytest.mark.parametrize(
    ("since", "message"),
    [
        ("yesterday afternoon", "by_end_of_working_day: 'yesterday afternoon' is not a date and time"),
        ("2026-11-31T10:00:00", "by_end_of_working_day: '2026-11-31T10:00:00' is not a date and time"),
        ("", "by_end_of_working_day: '' is not a date and time"),
        (20261125, "by_end_of_working_day needs a date and time (ISO 8601), not int"),
        (date(2026, 11, 25), "by_end_of_working_day needs a date and time (ISO 8601), not date"),
        ("9999-12-31T12:00:00+00:00", f"is more than {MAX_DAYS} days from now"),
        ("1900-01-01T12:00:00+00:00", f"is more than {MAX_DAYS} days from now"),
    ],
)
def test_by_end_of_working_day_refuses_what_is_not_an_instant(since: Any, message: str) -> None:
    with engine_time(NOW), pytest.raises(ValueError, match=re.escape(message)):
        deadline_helpers(WorkingCalendar(), WorkingCalendar())["by_end_of_working_day"](since)


def test_at_start_of() -> None:
    at_start_of = deadline_helpers()["at_start_of"]
    assert at_start_of("2026-12-02") == "2026-12-02T09:00:00+00:00"
    assert at_start_of(date(2026, 12, 2)) == "2026-12-02T09:00:00+00:00"
    # Only the date part of a longer ISO string is used.
    assert at_start_of("2026-12-02T15:30:00+00:00") == "2026-12-02T09:00:00+00:00"
    # Weekends and bank holidays roll on to the next working day.
    assert at_start_of("2026-11-28") == "2026-11-30T09:00:00+00:00"
    assert at_start_of("2026-12-25") == "2026-12-29T09:00:00+00:00"
    # In British Summer Time 09:00 is 08:00 UTC.
    assert at_start_of("2026-07-15") == "2026-07-15T08:00:00+00:00"


def test_at_start_of_does_not_depend_on_now() -> None:
    at_start_of = deadline_helpers()["at_start_of"]
    with engine_time(NOW):
        first = at_start_of("2026-12-02")
    with engine_time(NOW + timedelta(days=100)):
        assert at_start_of("2026-12-02") == first


def test_at_start_of_rejects_what_is_not_a_date() -> None:
    with pytest.raises(ValueError):
        deadline_helpers()["at_start_of"]("next tuesday")


def test_the_results_parse_as_utc_instants() -> None:
    helpers = deadline_helpers()
    with engine_time(NOW):
        for value in (
            helpers["in_working_hours"](2),
            helpers["in_working_days"](1),
            helpers["in_school_days"](1),
            helpers["by_end_of_working_day"](),
            helpers["at_start_of"]("2026-12-02"),
        ):
            assert isinstance(value, str)
            assert datetime.fromisoformat(value).utcoffset() == timedelta(0)


def test_numeric_strings_are_accepted() -> None:
    helpers = deadline_helpers()
    with engine_time(NOW):
        assert helpers["in_working_hours"]("2") == "2026-11-25T17:00:00+00:00"
        assert helpers["in_working_days"]("1") == "2026-11-26T15:00:00+00:00"


def test_the_helpers_use_the_calendar_they_are_bound_to() -> None:
    closed_thursday = WorkingCalendar(extra_closures=frozenset({date(2026, 11, 26)}))
    helpers = deadline_helpers(closed_thursday)
    with engine_time(NOW):
        assert helpers["in_working_days"](1) == "2026-11-27T15:00:00+00:00"
        assert deadline_helpers()["in_working_days"](1) == "2026-11-26T15:00:00+00:00"


@pytest.mark.parametrize(
    ("name", "amount"),
    [
        ("in_working_days", 100_000),
        ("in_working_days", MAX_DAYS + 1),
        ("in_working_days", -1),
        ("in_school_days", 100_000),
        ("in_school_days", -1),
        ("in_working_hours", MAX_DAYS * 8 + 1),
        ("in_working_hours", 10**9),
        ("in_working_hours", -1),
        ("in_working_hours", -0.5),
        ("in_working_hours", float("nan")),
        ("in_working_hours", float("inf")),
    ],
)
def test_out_of_range_amounts_are_refused(name: str, amount: float) -> None:
    with engine_time(NOW), pytest.raises(ValueError, match="a deadline must be between 0 and"):
        deadline_helpers()[name](amount)


def test_the_largest_allowed_amounts_still_work() -> None:
    helpers = deadline_helpers()
    with engine_time(NOW):
        far = datetime.fromisoformat(helpers["in_working_days"](MAX_DAYS))
        assert NOW + timedelta(days=MAX_DAYS) < far < NOW + timedelta(days=MAX_DAYS * 2)
        assert datetime.fromisoformat(helpers["in_working_hours"](MAX_DAYS * 8)) == far


@pytest.mark.parametrize("days", [-0.5, 1.9])
def test_days_must_be_whole_and_not_negative(days: float) -> None:
    with engine_time(NOW):
        for name in ("in_working_days", "in_school_days"):
            with pytest.raises(ValueError):
                deadline_helpers()[name](days)


# --- the helpers, called from a sandboxed expression ---------------------------------------------


def test_a_helper_called_through_the_sandbox_gives_the_direct_result() -> None:
    helpers = deadline_helpers()
    with engine_time(NOW):
        direct = helpers["in_working_days"](1)
        through = sandbox.evaluate("in_working_days(1)", {}, helpers=_trusted(helpers))
    assert through == direct == "2026-11-26T15:00:00+00:00"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("in_working_hours(2)", "2026-11-25T17:00:00+00:00"),
        ("in_working_hours(3)", "2026-11-26T10:00:00+00:00"),
        ("in_school_days(5)", "2026-12-02T15:00:00+00:00"),
        ("by_end_of_working_day()", "2026-11-25T17:00:00+00:00"),
        ("by_end_of_working_day(contacted_at)", "2026-11-24T17:00:00+00:00"),
        ('at_start_of("2026-12-02")', "2026-12-02T09:00:00+00:00"),
        ("at_start_of(review_date)", "2026-12-29T09:00:00+00:00"),
        ('in_working_hours(2) if urgency == "same_day" else in_working_days(1)', "2026-11-25T17:00:00+00:00"),
    ],
)
def test_timer_expressions_in_the_sandbox(expression: str, expected: str) -> None:
    context = {"review_date": "2026-12-25", "urgency": "same_day", "contacted_at": "2026-11-24T16:30:00+00:00"}
    helpers = _trusted(deadline_helpers(WorkingCalendar(), WorkingCalendar()))
    with engine_time(NOW):
        assert sandbox.evaluate(expression, context, helpers=helpers) == expected


def test_a_bad_instant_fails_the_expression_with_a_plain_message() -> None:
    helpers = _trusted(deadline_helpers(WorkingCalendar(), WorkingCalendar()))
    with engine_time(NOW), pytest.raises(sandbox.ExpressionFailed, match="'soon' is not a date and time"):
        sandbox.evaluate("by_end_of_working_day(contacted_at)", {"contacted_at": "soon"}, helpers=helpers)


def test_a_trusted_helper_does_not_use_up_the_step_budget() -> None:
    tiny = sandbox.Limits(max_steps=50)
    helpers = _trusted(deadline_helpers(WorkingCalendar()))
    with engine_time(NOW):
        assert sandbox.evaluate("in_working_days(1)", {}, helpers=helpers, limits=tiny) == "2026-11-26T15:00:00+00:00"
        # Thirty working days walks the calendar for hundreds of steps, none of them metered.
        assert sandbox.evaluate("in_working_days(30)", {}, helpers=helpers, limits=tiny) == "2027-01-11T15:00:00+00:00"


def test_the_same_tiny_budget_stops_an_expression_doing_real_work() -> None:
    with pytest.raises(sandbox.ExpressionFailed, match="more than 50 steps"):
        sandbox.evaluate("sum(i for i in range(1000))", {}, limits=sandbox.Limits(max_steps=50))


def test_an_unwrapped_helper_would_be_metered() -> None:
    # The contrast that shows trusted_helper is what keeps the calendar's work off the budget.
    raw = deadline_helpers(WorkingCalendar())
    with engine_time(NOW):
        raw["in_working_days"](30)  # load the bank holidays first, so only the walk itself is measured
        with pytest.raises(sandbox.ExpressionFailed, match="more than 50 steps"):
            sandbox.evaluate("in_working_days(30)", {}, helpers=raw, limits=sandbox.Limits(max_steps=50))


def test_a_refused_amount_fails_the_expression() -> None:
    with engine_time(NOW), pytest.raises(sandbox.ExpressionFailed, match="a deadline must be between 0 and"):
        sandbox.evaluate("in_working_days(100000)", {}, helpers=_trusted(deadline_helpers()))
    with engine_time(NOW), pytest.raises(sandbox.ExpressionFailed, match="a deadline must be between 0 and"):
        sandbox.evaluate("in_working_hours(-1)", {}, helpers=_trusted(deadline_helpers()))


def test_task_data_shadows_a_helper_name() -> None:
    with engine_time(NOW):
        assert sandbox.evaluate("in_working_days", {"in_working_days": 5}, helpers=_trusted(deadline_helpers())) == 5


def test_the_engines_script_engine_offers_the_helpers_trusted() -> None:
    environment = script_engine().environment
    assert set(environment.helpers) >= set(deadline_helpers())
    with engine_time(NOW):
        assert environment.evaluate("in_working_days(1)", {}) == "2026-11-26T15:00:00+00:00"
        assert environment.evaluate('at_start_of("2026-12-02")', {}) == "2026-12-02T09:00:00+00:00"
    tiny = sandbox.Limits(max_steps=50)
    with engine_time(NOW):
        assert (
            sandbox.evaluate("in_working_days(30)", {}, helpers=environment.helpers, limits=tiny)
            == "2027-01-11T15:00:00+00:00"
        )
