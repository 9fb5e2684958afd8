"""Times as people in the UK read and type them (Europe/London: GMT in winter, BST in summer), while the
service keeps UTC; a time typed into a form is the person's wall time, not UTC."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from service.processes.bundled import WORKFLOWS_DIR
from service.uktime import from_uk_input, to_uk_input, uk_time
from service.web.forms import answers_from


@pytest.mark.parametrize(("instant", "shown"), [
    (datetime(2026, 11, 26, 14, 5, tzinfo=UTC), "26 Nov 2026 14:05 GMT"),
    (datetime(2027, 7, 1, 13, 30, tzinfo=UTC), "01 Jul 2027 14:30 BST"),
    ("2027-07-01T13:30:00+00:00", "01 Jul 2027 14:30 BST"),
    ("2026-10-25T00:30:00+00:00", "25 Oct 2026 01:30 BST"),  # the hour the clocks repeat: first BST
    ("2026-10-25T01:30:00+00:00", "25 Oct 2026 01:30 GMT"),  # ... then GMT
])
def test_an_instant_reads_as_uk_wall_time_with_its_zone(instant: datetime | str, shown: str) -> None:
    assert uk_time(instant) == shown


def test_nothing_reads_as_nothing_and_a_time_without_a_zone_is_refused() -> None:
    assert uk_time(None) == "" and uk_time("") == "" and to_uk_input(None) == ""
    assert uk_time("2027-07-01T13:30:00+00:00", date_only=True) == "01 Jul 2027"
    with pytest.raises(ValueError, match="no time zone"):
        uk_time(datetime(2027, 7, 1, 13, 30))


@pytest.mark.parametrize(("typed", "stored"), [
    ("2027-07-01T14:30", "2027-07-01T13:30:00+00:00"),  # summer: BST is UTC+1
    ("2027-01-15T14:30", "2027-01-15T14:30:00+00:00"),  # winter: GMT is UTC
    ("2027-03-28T01:30", "2027-03-28T01:30:00+00:00"),  # skipped by the clocks: read as GMT
])
def test_a_typed_time_is_uk_wall_time_and_comes_back_as_typed(typed: str, stored: str) -> None:
    assert from_uk_input(typed) == stored
    if typed != "2027-03-28T01:30":
        assert to_uk_input(stored) == typed


def test_the_emergency_form_keeps_the_time_the_practitioner_typed() -> None:
    schema = json.loads((WORKFLOWS_DIR / "forms" / "share_in_emergency.json").read_text())
    answers = answers_from(schema, {"contacted_at": "2027-07-01T14:30"})
    assert answers["contacted_at"] == "2027-07-01T13:30:00+00:00"
    assert "contacted_at" not in answers_from(schema, {"contacted_at": ""})
    assert answers_from(schema, {"contacted_at": "2027-13-45T99:99"})["contacted_at"] == "2027-13-45T99:99"
