"""Times as people in the UK read and type them: Europe/London wall time, marked GMT or BST.

The service stores and computes in UTC. A person reads "due 10:00 BST" rather than "09:00 UTC", and a
time typed into a form (a browser's datetime-local has no zone) is their own wall time, not UTC:
in summer, taking it as UTC would put a record an hour out.
"""

from __future__ import annotations

from datetime import UTC, datetime

from service.workcalendar import UK_TIME

_READABLE = "%d %b %Y %H:%M"


def _instant(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone; the service keeps instants in UTC")
    return moment


def uk_time(value: datetime | str | None, *, date_only: bool = False) -> str:
    """An instant as UK wall time, e.g. "26 Nov 2026 14:05 GMT" or "1 Jul 2027 14:30 BST"; "" for none."""
    if value is None or value == "":
        return ""
    local = _instant(value).astimezone(UK_TIME)
    if date_only:
        return local.strftime("%d %b %Y")
    return f"{local.strftime(_READABLE)} {local.tzname()}"


def from_uk_input(raw: str) -> str:
    """A browser's datetime-local value ("2027-07-01T14:30"), taken as UK wall time, as an ISO instant in UTC.

    A time the clocks skip in spring is read as the same time of day in GMT, one the clocks repeat in
    autumn as its first (BST) occurrence."""
    wall = datetime.fromisoformat(raw)
    if wall.tzinfo is not None:
        return wall.astimezone(UTC).isoformat()
    return wall.replace(tzinfo=UK_TIME).astimezone(UTC).isoformat()


def to_uk_input(value: datetime | str | None) -> str:
    """An instant as a datetime-local value in UK wall time ("2027-07-01T14:30"), to fill a form field."""
    if value is None or value == "":
        return ""
    return _instant(value).astimezone(UK_TIME).strftime("%Y-%m-%dT%H:%M")
