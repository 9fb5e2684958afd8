"""Fill the decision record and the disclosure log from the process data at the record step.

Each completed task keeps the answers its person gave (in the order they were given); the data
at the record step adds what the engine worked out (the lawful-basis outputs) and what arrived
from outside (the recipient's receipt). A new revision is written each time the case passes the
record step, holding the decision's summary fields and every answer of every step so far; a
transmission is logged once, the first time a record follows it. ``compose_decision_record``
builds the same revision without storing it, for the preview the record step shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.actors import Actor
from service.audit.trail import record_event
from service.cases.models import Case
from service.disclosures.models import SecureDisclosure
from service.processes.service import compiled_process, form_schema
from service.tasks.models import HumanTask
from service.tasks.service import completed_tasks, merged_answers

from .answers import describe_answers, plain_answer
from .models import (
    AdviceEntry,
    DecisionRecord,
    DisclosureLogEntry,
    GatewayAnswer,
    RecordedAnswer,
    SharingRequest,
)
from .requests import fill_sharing_request, sharing_request_of
from .transmissions import SHARING_STEPS, chosen_details, transmission_entry

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
    ("In doubt?", ("unsure",), "question_for_adviser"),
    ("What did the adviser decide?", ("advice_decision",), "advice"),
    ("How much to share?", ("share_extent",), "withheld_and_why"),
    ("Receipt confirmed?", ("receipt_confirmed_by_phone",), "followed_up_how"),
    ("Receipt after the follow-up", ("receipt_outcome",), "close_reason"),
    ("Tell the person it was shared?", ("subject_informed",), "subject_not_informed_reason"),
    ("Outcome of the review", ("review_outcome",), "review_notes"),
]
BASIS_OUTPUTS = ("article6_basis", "article9_condition", "schedule1_paragraph", "article10_condition",
                 "exemption", "common_law_justification")


@dataclass
class ComposedRecord:
    """A revision of the record with the sharing request and the transmissions not yet logged."""

    record: DecisionRecord
    request: SharingRequest
    transmissions: list[DisclosureLogEntry] = field(default_factory=list)


def write_decision_record(
    *, session: Session, case: Case, facts: Mapping[str, Any], recorded_by: Actor, now: datetime
) -> DecisionRecord:
    """Write the next revision of the case's decision record, and log any transmission not yet logged."""
    composed = compose_decision_record(session=session, case=case, facts=facts, recorded_by=recorded_by, now=now,
                                       request=sharing_request_of(session=session, case_id=case.id))
    session.add_all([composed.request, composed.record])
    session.flush()
    for entry in composed.transmissions:
        entry.decision_id = composed.record.id
        session.add(entry)
    record_event(session=session, actor=recorded_by, action="decision_recorded", at=now, case_id=case.id,
                 summary={"revision": composed.record.revision, "outcome": composed.record.outcome,
                          "disclosures_logged": len(composed.transmissions)})
    return composed.record


def compose_decision_record(
    *, session: Session, case: Case, facts: Mapping[str, Any], recorded_by: Actor, now: datetime,
    request: SharingRequest | None = None,
) -> ComposedRecord:
    """The next revision as the record step would write it, stored nowhere (``request`` is filled in place)."""
    steps = {e: info.policy_step for e, info in compiled_process(case.process_version).user_tasks.items()}
    done = completed_tasks(session, case.id)
    answered = merged_answers(done)
    decisive = next((t for t in reversed(done) if steps.get(t.element_id) in DECISIVE), None)
    decisive_step = steps.get(decisive.element_id) if decisive else None
    decider = _decider(done, steps)
    recording = next((t for t in reversed(done) if steps.get(t.element_id) == "record"), None)
    own_words = (recording.answers or {}) if recording is not None and recording is done[-1] else {}

    record = DecisionRecord(
        case_id=case.id,
        revision=_next_revision(session, case.id),
        outcome=_outcome(decisive_step, answered),
        decided_at=now,
        decision_maker=decider.completed_by if decider and decider.completed_by else recorded_by.username,
        decision_maker_role=decider.role if decider else recorded_by.primary_role,
        decision_summary=own_words.get("decision_summary"),
        recorded_by=recorded_by.username,
        retention_rule=str(own_words.get("retention_rule") or answered.get("retention_rule") or DEFAULT_RETENTION),
        no_basis_reason=_no_basis(facts, decisive_step),
        **_basis(facts, decisive_step),
        **_consent(answered),
        withheld_and_why=answered.get("withheld_and_why")
        or ("Identifying details withheld: an anonymous consultation" if decisive_step == "anonymised_consultation"
            else None),
        identifying_details_withheld=_details_withheld(done, steps, answered, decisive_step),
        **_not_sharing(answered, decisive_step),
        reconsideration_history=_reconsiderations(done),
        **_informing(answered, decisive_step),
        review_date=_date(facts.get("review_date")),
    )
    record.answers = list(_gateway_answers(done, facts))
    record.advice = [_advice(case, t, steps, done, now) for t in done if steps.get(t.element_id) in
                     ("consultation", "anonymised_consultation")]
    record.every_answer = list(_every_answer(case, done))
    request = fill_sharing_request(request if request is not None else SharingRequest(case_id=case.id),
                                   case=case, answered=answered, done=done)
    return ComposedRecord(record, request, _unlogged_transmissions(session, case, done, steps, facts, answered))


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
    notes = {"condition_reasons": facts.get("part2_why") or None, "basis_notes": facts.get("basis_notes") or None}
    if step == "anonymised_consultation":
        return {"article6_basis": NOT_IDENTIFYING, **{k: None for k in BASIS_OUTPUTS if k != "article6_basis"},
                "condition_reasons": None, "basis_notes": None}
    return {**{key: (facts.get(key) or None) for key in BASIS_OUTPUTS}, **notes}


def _no_basis(facts: Mapping[str, Any], step: str | None) -> str | None:
    if facts.get("may_share") is not False:
        return None
    reason = str(facts.get("no_basis_reason") or "No lawful basis was found")
    if step == "emergency_share":  # already shared: the record says so, for the DPO to look at
        return f"Shared at once in an emergency, but afterwards: {reason} Ask the data protection officer to review it."
    return reason


def _consent(answered: Mapping[str, Any]) -> dict[str, Any]:
    result = answered.get("consent_result")
    if result is None:
        return {}
    sought = result != "not_sought"
    return {
        "consent_sought": sought,
        "consent_not_sought_reason": None if sought else answered.get("consent_not_sought_reason"),
        "consent_of_whom": answered.get("consent_of_whom") if sought else None,
        "consent_by_name": answered.get("consent_by_name") if sought else None,
        "consent_result": result if sought else None,
        "consent_explicit": answered.get("consent_explicit") if result == "given" else None,
        "consent_scope": answered.get("consent_scope") if result == "given" else None,
        "consent_date": _date(answered.get("consent_date")) if sought else None,
        "consent_method": answered.get("consent_method") if result == "given" else None,
        # Why sharing without consent is (or is not) justified: answered whenever consent was not given.
        "consent_override_reason": answered.get("consent_override_reason") if result != "given" else None,
    }


def _not_sharing(answered: Mapping[str, Any], step: str | None) -> dict[str, Any]:
    if step != "not_sharing":
        return {}
    return {"not_sharing_reasons": answered.get("not_sharing_reasons"),
            "discussed_with_requester_on": _date(answered.get("discussed_with_requester_on")),
            "how_requester_told": answered.get("how_requester_told")}


def _informing(answered: Mapping[str, Any], step: str | None) -> dict[str, Any]:
    if step in (None, "not_sharing", "anonymised_consultation") or "subject_informed" not in answered:
        return {}
    told = bool(answered["subject_informed"])
    return {
        "subject_informed": told,
        "subject_informed_who": answered.get("subject_informed_who") if told else None,
        "subject_informed_relationship": _relationship(answered) if told else None,
        "also_told": answered.get("also_told") if told else None,
        "subject_informed_when": _date(answered.get("subject_informed_when")) if told else None,
        "subject_informed_how": answered.get("subject_informed_how") if told else None,
        "subject_not_informed_reason": None if told else answered.get("subject_not_informed_reason"),
    }


def _relationship(answered: Mapping[str, Any]) -> str | None:
    """Who the person told is to the case, read from the people it names (or as answered, on older forms)."""
    if answered.get("subject_informed_relationship"):
        return str(answered["subject_informed_relationship"])
    told = " ".join(str(answered.get("subject_informed_who") or "").split()).casefold()
    return next((str(s.get("role")) for s in answered.get("subjects") or []
                 if isinstance(s, Mapping) and " ".join(str(s.get("name", "")).split()).casefold() == told), None)


def _details_withheld(done: Sequence[HumanTask], steps: Mapping[str, str | None], answered: Mapping[str, Any],
                      step: str | None) -> str | None:
    chosen = next((t for t in reversed(done) if steps.get(t.element_id) == "proportionality"), None)
    if chosen is None or step != "transmission" or "identifying_details_shared" not in (chosen.answers or {}):
        return None
    _, withheld = chosen_details(chosen.answers or {}, answered)
    return "\n".join(withheld) or "None: every identifying detail recorded went with it"


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
                            reasons=facts.get("no_basis_reason") or facts.get("common_law_justification"))


def _every_answer(case: Case, done: Iterable[HumanTask]) -> Iterable[RecordedAnswer]:
    position = 0
    for task in done:
        for answer in describe_answers(form_schema(case.process_version, task.form), task.answers or {}):
            position += 1
            yield RecordedAnswer(position=position, step=task.name[:200], element_id=task.element_id,
                                 field=answer.field[:100], question=answer.question, answer=answer.text,
                                 answered_by=task.completed_by, answered_role=task.role, answered_at=task.closed_at)


def _advice(case: Case, task: HumanTask, steps: Mapping[str, str | None], done: Sequence[HumanTask],
            now: datetime) -> AdviceEntry:
    answers = task.answers or {}
    form = (form_schema(case.process_version, task.form) or {}).get("properties") or {}
    external = steps.get(task.element_id) == "anonymised_consultation"
    asked = None if external else _question_asked(done[: done.index(task)], steps)
    return AdviceEntry(
        adviser=str(answers.get("consulted_whom")) if external else (task.completed_by or ""),
        adviser_role="consulted without naming the child" if external else task.role,
        given_at=task.closed_at or now,
        advice=str(answers.get("advice", "")),
        subject_named=bool(answers.get("subject_named", False)),
        decision=answers.get("advice_decision"),
        question=asked,
        also_consulted=plain_answer(form.get("also_consulted"), answers["also_consulted"])
        if answers.get("also_consulted") else None,
    )


def _question_asked(before: Sequence[HumanTask], steps: Mapping[str, str | None]) -> str | None:
    """The practitioner's question for this consultation: the latest since any earlier advice."""
    for task in reversed(before):
        if steps.get(task.element_id) == "consultation":
            return None
        question = (task.answers or {}).get("question_for_adviser")
        if question:
            return str(question)
    return None


def _unlogged_transmissions(session: Session, case: Case, done: list[HumanTask], steps: Mapping[str, str | None],
                            facts: Mapping[str, Any], answered: Mapping[str, Any]) -> list[DisclosureLogEntry]:
    sent = [t for t in done if steps.get(t.element_id) in SHARING_STEPS]
    if not sent:
        return []
    already = set(session.scalars(select(DisclosureLogEntry.task_id).where(DisclosureLogEntry.case_id == case.id)))
    # A receipt confirmed through a secure link after the case stopped waiting for it (a follow-up began).
    link_receipts = {d.task_id: (d.receipt_at, d.receipt_by) for d in session.scalars(
        select(SecureDisclosure).where(SecureDisclosure.case_id == case.id, SecureDisclosure.receipt_at.is_not(None)))}
    entries = []
    informing = _informing(answered, "transmission")
    for task in sent:
        if task.id in already:
            continue
        entry = transmission_entry(task, done, steps, facts)
        if entry.receipt_at is None and task.id in link_receipts:
            entry.receipt_at, entry.receipt_by = link_receipts[task.id]
        entry.case_id = case.id
        entry.task_id = task.id
        entry.purpose_snapshot = purpose_text(answered)
        entry.basis_snapshot = "; ".join(str(facts[k]) for k in BASIS_OUTPUTS if facts.get(k)) or "not determined"
        entry.subject_informed = informing.get("subject_informed")
        entry.subject_not_informed_reason = informing.get("subject_not_informed_reason")
        entry.retention_rule = str(answered.get("retention_rule") or DEFAULT_RETENTION)
        entries.append(entry)
    return entries


def purpose_text(answered: Mapping[str, Any]) -> str:
    purpose = str(answered.get("purpose", "not recorded")).replace("_", " ")
    if answered.get("purpose") == "other" and answered.get("purpose_other"):
        purpose = str(answered["purpose_other"])
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


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else "unknown date"
