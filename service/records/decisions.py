"""Fill the decision record and the disclosure log from the process data at the record step.

Each completed task keeps the answers its person gave (in the order they were given); the data
at the record step adds what the engine worked out (the lawful-basis outputs) and what arrived
from outside (the recipient's receipt). A new revision is written each time the case passes the
record step; a transmission is logged once, the first time a record follows it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.actors import Actor
from service.cases.models import Case
from service.disclosures.models import SecureDisclosure
from service.processes.service import compiled_process
from service.tasks.models import HumanTask, TaskStatus

from .audit import record_event
from .models import AdviceEntry, DecisionRecord, DisclosedItem, DisclosureLogEntry, GatewayAnswer
from .requests import write_sharing_request

# Policy steps (the ``policyStep`` property of a diagram's tasks) this module reads.
DECISIVE = {"emergency_share": "share_in_full", "transmission": None, "not_sharing": "decline",
            "anonymised_consultation": "share_in_part"}
DEFAULT_RETENTION = "Kept until the child's 25th birthday"
NOT_IDENTIFYING = "Not applicable: the information does not identify anyone"

# The questions of the flow, the answers that settle each one, and where its reasons are written.
QUESTIONS: list[tuple[str, tuple[str, ...], str | None]] = [
    ("Is a child in immediate danger?", ("immediate_danger",), None),
    ("Is the requester who they say, with the authority they claim?", ("identity_verified",), "verification_method"),
    ("Is the request specific, not a trawl?", ("request_specific",), "verification_notes"),
    ("Is there a clear legitimate purpose?", ("purpose_clear", "purpose"), "purpose_reasons"),
    ("Does it identify anyone?", ("identifies_individual",), None),
    ("What kind of information is it?", ("special_category", "criminal_offence_data", "confidential"), None),
    ("Is consent the right basis?", ("consent_appropriate", "seeking_consent_increases_risk"),
     "consent_not_sought_reason"),
    ("Do you have consent?", ("consent_result",), "consent_scope"),
    ("Is there a lawful reason to share without consent?", ("risk_of_significant_harm", "overriding_public_interest"),
     "consent_override_reason"),
    ("Does a law or court order require sharing?", ("legal_obligation",), None),
    ("In doubt?", ("unsure",), None),
    ("How much to share?", ("share_extent",), "withheld_and_why"),
    ("Receipt confirmed?", ("receipt_confirmed_by_phone",), "followed_up_how"),
    ("Tell the person it was shared?", ("subject_informed",), "subject_not_informed_reason"),
    ("Outcome of the review", ("review_outcome",), "review_notes"),
]
BASIS_OUTPUTS = ("article6_basis", "article9_condition", "schedule1_paragraph", "article10_condition",
                 "exemption", "common_law_justification")


def write_decision_record(
    *, session: Session, case: Case, facts: Mapping[str, Any], recorded_by: Actor, now: datetime
) -> DecisionRecord:
    """Write the next revision of the case's decision record, and log any transmission not yet logged."""
    steps = {e: info.policy_step for e, info in compiled_process(case.process_version).user_tasks.items()}
    done = completed_tasks(session, case.id)
    answered = merged_answers(done)
    decisive = next((t for t in reversed(done) if steps.get(t.element_id) in DECISIVE), None)
    decisive_step = steps.get(decisive.element_id) if decisive else None
    decider = _decider(done, steps)

    record = DecisionRecord(
        case_id=case.id,
        revision=_next_revision(session, case.id),
        outcome=_outcome(decisive_step, answered),
        decided_at=now,
        decision_maker=decider.completed_by if decider and decider.completed_by else recorded_by.username,
        decision_maker_role=decider.role if decider else recorded_by.primary_role,
        **_basis(facts, decisive_step),
        **_consent(answered),
        withheld_and_why=answered.get("withheld_and_why")
        or ("Identifying details withheld: an anonymous consultation" if decisive_step == "anonymised_consultation"
            else None),
        not_sharing_reasons=answered.get("not_sharing_reasons") if decisive_step == "not_sharing" else None,
        discussed_with_requester_on=_date(answered.get("discussed_with_requester_on"))
        if decisive_step == "not_sharing" else None,
        reconsideration_history=_reconsiderations(done),
        **_informing(answered, decisive_step),
        review_date=_date(facts.get("review_date")),
    )
    record.answers = list(_gateway_answers(done, facts))
    record.advice = [_advice(t, steps) for t in done if steps.get(t.element_id) in
                     ("consultation", "anonymised_consultation")]
    session.add(record)
    write_sharing_request(session=session, case=case, answered=answered, done=done)
    session.flush()
    logged = _log_transmissions(session=session, case=case, record=record, done=done, steps=steps,
                                facts=facts, answered=answered)
    record_event(session=session, actor=recorded_by, action="decision_recorded", at=now, case_id=case.id,
                 summary={"revision": record.revision, "outcome": record.outcome, "disclosures_logged": logged})
    return record


def completed_tasks(session: Session, case_id: str) -> list[HumanTask]:
    query = (select(HumanTask)
             .where(HumanTask.case_id == case_id, HumanTask.state == TaskStatus.COMPLETED)
             .order_by(HumanTask.completion_order, HumanTask.closed_at))
    return list(session.scalars(query))


def merged_answers(done: Iterable[HumanTask]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for task in done:
        merged.update(task.answers or {})
    return merged


def _next_revision(session: Session, case_id: str) -> int:
    latest = session.scalar(select(func.max(DecisionRecord.revision)).where(DecisionRecord.case_id == case_id))
    return (latest or 0) + 1


def _decider(done: list[HumanTask], steps: Mapping[str, str | None]) -> HumanTask | None:
    # A manager's or DSL's decision since the last record stands as the decision; otherwise the
    # practitioner who records it decided. (The record task being completed now is the last one.)
    earlier = done[:-1] if done and steps.get(done[-1].element_id) == "record" else done
    for task in reversed(earlier):
        step = steps.get(task.element_id)
        if step == "record":
            return None
        if step == "consultation":
            return task
    return None


def _outcome(step: str | None, answered: Mapping[str, Any]) -> str:
    if step is None:
        return "defer"
    fixed = DECISIVE[step]
    return fixed if fixed is not None else str(answered.get("share_extent") or "share_in_full")


def _basis(facts: Mapping[str, Any], step: str | None) -> dict[str, Any]:
    if step == "anonymised_consultation":
        return {"article6_basis": NOT_IDENTIFYING, **{k: None for k in BASIS_OUTPUTS if k != "article6_basis"}}
    return {key: (facts.get(key) or None) for key in BASIS_OUTPUTS}


def _consent(answered: Mapping[str, Any]) -> dict[str, Any]:
    result = answered.get("consent_result")
    if result is None:
        return {}
    sought = result != "not_sought"
    return {
        "consent_sought": sought,
        "consent_not_sought_reason": None if sought else answered.get("consent_not_sought_reason"),
        "consent_of_whom": answered.get("consent_of_whom") if sought else None,
        "consent_result": result if sought else None,
        "consent_scope": answered.get("consent_scope") if result == "given" else None,
        "consent_date": _date(answered.get("consent_date")) if sought else None,
        "consent_method": answered.get("consent_method") if result == "given" else None,
        # A refusal can only be overridden if consent was asked for and refused (or withdrawn).
        "consent_override_reason": answered.get("consent_override_reason")
        if result in ("refused", "withdrawn") else None,
    }


def _informing(answered: Mapping[str, Any], step: str | None) -> dict[str, Any]:
    if step in (None, "not_sharing", "anonymised_consultation") or "subject_informed" not in answered:
        return {}
    told = bool(answered["subject_informed"])
    return {
        "subject_informed": told,
        "subject_informed_who": answered.get("subject_informed_who") if told else None,
        "subject_informed_when": _date(answered.get("subject_informed_when")) if told else None,
        "subject_informed_how": answered.get("subject_informed_how") if told else None,
        "subject_not_informed_reason": None if told else answered.get("subject_not_informed_reason"),
    }


def _reconsiderations(done: Iterable[HumanTask]) -> str | None:
    lines = [f"{_day(t.closed_at)}: reconsidered by {t.completed_by}: {(t.answers or {}).get('review_notes', '')}"
             for t in done if (t.answers or {}).get("review_outcome") == "reconsider"]
    return "\n".join(lines) or None


def _gateway_answers(done: Iterable[HumanTask], facts: Mapping[str, Any]) -> Iterable[GatewayAnswer]:
    for task in done:
        answers = task.answers or {}
        for question, fields, reasons in QUESTIONS:
            given = [f for f in fields if f in answers]
            if given:
                text = "; ".join(f"{f.replace('_', ' ')}: {_plain(answers[f])}" for f in given)
                yield GatewayAnswer(question=question, answer=text[:200],
                                    reasons=answers.get(reasons) if reasons else None,
                                    answered_by=task.completed_by, answered_role=task.role,
                                    answered_at=task.closed_at)
    if "may_share" in facts:
        yield GatewayAnswer(question="Is it lawful to share?", answer=_plain(facts["may_share"]),
                            reasons=facts.get("common_law_justification"))


def _advice(task: HumanTask, steps: Mapping[str, str | None]) -> AdviceEntry:
    answers = task.answers or {}
    external = steps.get(task.element_id) == "anonymised_consultation"
    return AdviceEntry(
        adviser=str(answers.get("consulted_whom")) if external else (task.completed_by or ""),
        adviser_role="consulted without naming the child" if external else task.role,
        given_at=task.closed_at or datetime.now(UTC),
        advice=str(answers.get("advice", "")),
        subject_named=bool(answers.get("subject_named", False)),
    )


def _log_transmissions(
    *, session: Session, case: Case, record: DecisionRecord, done: list[HumanTask],
    steps: Mapping[str, str | None], facts: Mapping[str, Any], answered: Mapping[str, Any],
) -> int:
    sent = [t for t in done if steps.get(t.element_id) in ("transmission", "emergency_share")]
    if not sent:
        return 0
    already = set(session.scalars(select(DisclosureLogEntry.task_id).where(DisclosureLogEntry.case_id == case.id)))
    # A receipt confirmed through a secure link after the case stopped waiting for it (a follow-up began).
    link_receipts = {d.task_id: (d.receipt_at, d.receipt_by) for d in session.scalars(
        select(SecureDisclosure).where(SecureDisclosure.case_id == case.id, SecureDisclosure.receipt_at.is_not(None)))}
    count = 0
    for task in sent:
        if task.id in already:
            continue
        if steps.get(task.element_id) == "emergency_share":
            entry = _emergency_entry(task)
        else:
            chosen = _latest_before(done, task, steps, "proportionality")
            entry = _transmission_entry(task, (chosen.answers or {}) if chosen else {}, done, facts)
            if entry.receipt_at is None and task.id in link_receipts:
                entry.receipt_at, entry.receipt_by = link_receipts[task.id]
        entry.case_id = case.id
        entry.decision_id = record.id
        entry.task_id = task.id
        entry.purpose_snapshot = purpose_text(answered)
        entry.basis_snapshot = "; ".join(str(facts[k]) for k in BASIS_OUTPUTS if facts.get(k)) or "not determined"
        entry.subject_informed = record.subject_informed
        entry.subject_not_informed_reason = record.subject_not_informed_reason
        entry.retention_rule = str(answered.get("retention_rule") or DEFAULT_RETENTION)
        session.add(entry)
        count += 1
    return count


def _latest_before(done: list[HumanTask], task: HumanTask, steps: Mapping[str, str | None], step: str
                   ) -> HumanTask | None:
    earlier = done[: done.index(task)]
    return next((t for t in reversed(earlier) if steps.get(t.element_id) == step), None)


def _transmission_entry(task: HumanTask, chosen: Mapping[str, Any], done: list[HumanTask],
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


def _receipt(task: HumanTask, done: list[HumanTask], facts: Mapping[str, Any]) -> tuple[datetime | None, str | None]:
    receipt = facts.get("receipt")
    if isinstance(receipt, Mapping) and receipt.get("received_at"):
        return _instant(receipt["received_at"]), str(receipt.get("received_by") or "")[:200] or None
    later = done[done.index(task) + 1:]
    for follow_up in later:
        answers = follow_up.answers or {}
        if answers.get("receipt_confirmed_by_phone"):
            return follow_up.closed_at, answers.get("receipt_confirmed_by")
    return None, None


def _emergency_entry(task: HumanTask) -> DisclosureLogEntry:
    answers = task.answers or {}
    contacted = str(answers.get("contacted", "emergency service")).replace("_", " ")
    entry = DisclosureLogEntry(
        sent_at=_instant(answers.get("contacted_at")) or task.closed_at,
        recipient_person=str(answers.get("contact_reference") or "duty officer"),
        recipient_role="emergency contact",
        recipient_organisation=contacted,
        recipient_address="by telephone",
        recipient_verified_how="called the emergency service directly",
        channel="telephone (emergency)",
        security_controls="direct call to the service; no prior sign-off (a child was in immediate danger)",
        onward_sharing_restrictions=None,
    )
    entry.items = [DisclosedItem(summary_or_reference=str(answers.get("information_shared", "")),
                                 period_covered=None, currency="current", nature="not tagged (emergency)",
                                 accuracy_checked=False, redactions=None)]
    return entry


def purpose_text(answered: Mapping[str, Any]) -> str:
    purpose = str(answered.get("purpose", "not recorded")).replace("_", " ")
    reasons = answered.get("purpose_reasons")
    return f"{purpose}: {reasons}" if reasons else purpose


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "not answered"
    return str(value).replace("_", " ")


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return None


def _instant(value: Any) -> datetime | None:
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


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else "unknown date"
