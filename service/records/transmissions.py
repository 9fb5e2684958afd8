"""Each transmission as the disclosure log records it: who received what, when, how, and the receipt.

A transmission is a completed *Send securely* step (what it sent is the latest *Decide how much
to share* before it) or an emergency share. The record step logs each once; the letter to the
person reads them the same way before they are logged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from service.processes.identifying import identifying_details
from service.tasks.models import HumanTask

from .models import DisclosedItem, DisclosureLogEntry

SHARING_STEPS = ("transmission", "emergency_share")
EMERGENCY_SERVICES = {"police": "Police", "childrens_social_care": "Children's social care",
                      "ambulance": "Ambulance service", "other_emergency_service": "Another emergency service"}
NOT_KNOWN = "Not known"


def latest_before(done: Sequence[HumanTask], task: HumanTask, steps: Mapping[str, str | None], step: str
                  ) -> HumanTask | None:
    """The newest completed task of ``step`` before ``task``."""
    earlier = done[: done.index(task)]
    return next((t for t in reversed(earlier) if steps.get(t.element_id) == step), None)


def transmission_entry(task: HumanTask, done: Sequence[HumanTask], steps: Mapping[str, str | None],
                       facts: Mapping[str, Any]) -> DisclosureLogEntry:
    """The disclosure log entry for a completed sending step (not yet added to any session)."""
    if steps.get(task.element_id) == "emergency_share":
        return emergency_entry(task)
    chosen_task = latest_before(done, task, steps, "proportionality")
    return _secure_entry(task, (chosen_task.answers or {}) if chosen_task else {}, done, facts)


def _secure_entry(task: HumanTask, chosen: Mapping[str, Any], done: Sequence[HumanTask],
                  facts: Mapping[str, Any]) -> DisclosureLogEntry:
    sent = task.answers or {}
    receipt_at, receipt_by = _receipt(task, done, facts)
    entry = DisclosureLogEntry(
        sent_at=task.closed_at,
        recipient_person=str(chosen.get("recipient_person", "")),
        recipient_role=str(chosen.get("recipient_role", "")),
        recipient_organisation=str(chosen.get("recipient_organisation", "")),
        recipient_address=str(chosen.get("recipient_email", "")),
        recipient_verified_how=str(chosen.get("recipient_verified_how", "")),
        identifying_details=_lines(chosen.get("identifying_details_shared")),
        channel=str(sent.get("channel", "")),
        security_controls=str(sent.get("security_controls", "")),
        onward_sharing_restrictions=chosen.get("onward_sharing_restrictions"),
        receipt_at=receipt_at,
        receipt_by=receipt_by,
    )
    entry.items = [
        DisclosedItem(
            summary_or_reference=str(item.get("summary", "")),
            period_covered=item.get("period_covered"),
            currency=str(item.get("currency", "")),
            nature=str(item.get("nature", "")),
            accuracy_checked=bool(item.get("accuracy_checked", False)),
            redactions=item.get("redactions"),
        )
        for item in chosen.get("items", [])
    ]
    return entry


def _receipt(task: HumanTask, done: Sequence[HumanTask], facts: Mapping[str, Any]
             ) -> tuple[datetime | None, str | None]:
    receipt = facts.get("receipt")
    if isinstance(receipt, Mapping) and receipt.get("received_at"):
        return instant(receipt["received_at"]), str(receipt.get("received_by") or "")[:200] or None
    for follow_up in done[done.index(task) + 1:]:
        answers = follow_up.answers or {}
        if answers.get("receipt_confirmed_by_phone") or answers.get("receipt_outcome") == "confirmed":
            return follow_up.closed_at, answers.get("receipt_confirmed_by")
    return None, None


def emergency_entry(task: HumanTask) -> DisclosureLogEntry:
    """The log entry for a share made at once in an emergency: the service called, and the reference given."""
    answers = task.answers or {}
    service = str(answers.get("contacted") or "other_emergency_service")
    entry = DisclosureLogEntry(
        sent_at=instant(answers.get("contacted_at")) or task.closed_at,
        recipient_person=str(answers.get("contacted_person") or NOT_KNOWN),
        recipient_role=str(answers.get("contacted_role") or ""),
        recipient_organisation=EMERGENCY_SERVICES.get(service, service.replace("_", " ")),
        recipient_address="by telephone",
        recipient_verified_how="called the emergency service directly",
        reference=answers.get("contact_reference"),
        channel="telephone (emergency)",
        security_controls="direct call to the service; no prior sign-off (a child was in immediate danger)",
        onward_sharing_restrictions=None,
    )
    entry.items = [DisclosedItem(summary_or_reference=str(answers.get("information_shared", "")),
                                 period_covered=None, currency="current", nature="not tagged (emergency)",
                                 accuracy_checked=False, redactions=None)]
    return entry


def chosen_details(chosen: Mapping[str, Any], answered: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(shared, withheld) identifying details of a *Decide how much to share* answer."""
    offered = identifying_details(answered.get("subjects") or [])
    shared = [str(d) for d in chosen.get("identifying_details_shared") or []]
    return shared, [d for d in offered if d not in set(shared)]


def instant(value: Any) -> datetime | None:
    """An ISO instant (or datetime) as an aware datetime; None for anything else."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _lines(values: Any) -> str | None:
    if not isinstance(values, list):
        return None
    return "\n".join(str(v) for v in values) or "None: no identifying details"
