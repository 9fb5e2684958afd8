"""The decision record as people read it (API, case page, PDF), the case so far, and the record's preview."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.actors import Actor
from service.cases.models import Case
from service.cases.service import load_instance
from service.disclosures.service import disclosures_of, link_summary
from service.processes.models import ProcessVersion
from service.processes.service import compiled_process, form_schema
from service.tasks.service import completed_tasks

from .answers import choice_titles, describe_answers
from .decisions import ComposedRecord, compose_decision_record
from .fields import (
    ADVICE_FIELDS,
    DISCLOSURE_FIELDS,
    GATEWAY_ANSWER_FIELDS,
    ITEM_FIELDS,
    NEW_INFORMATION_FIELDS,
    RECORDED_ANSWER_FIELDS,
    REQUEST_FIELDS,
    REVISION_FIELDS,
    SUBJECT_FIELDS,
    fields,
)
from .layout import Words, as_json, record_sections, step_sections
from .models import DecisionRecord, DisclosureLogEntry, NewInformation
from .requests import sharing_request_of


def version_words(version: ProcessVersion) -> Words:
    """The words a version's stored codes read as: every titled choice of its forms."""
    forms = {info.form for info in compiled_process(version).user_tasks.values() if info.form}
    return Words(choice_titles(form_schema(version, form) for form in sorted(forms)))


def record_detail(case: Case, session: Session, *, now: datetime, preview: ComposedRecord | None = None
                  ) -> dict[str, Any]:
    """The case's record as JSON-ready data, with ``sections``: the same record as the page and the PDF show.
    Its secure links are described as they stand at ``now``.

    With ``preview``, the not-yet-written revision (and its request and transmissions) stands in."""
    revisions = list(session.scalars(select(DecisionRecord).where(DecisionRecord.case_id == case.id)
                                     .order_by(DecisionRecord.revision)))
    request = sharing_request_of(session=session, case_id=case.id)
    disclosures = list(session.scalars(select(DisclosureLogEntry).where(DisclosureLogEntry.case_id == case.id)
                                       .order_by(DisclosureLogEntry.id)))
    if preview is not None:
        revisions, request = [preview.record], preview.request
        disclosures += preview.transmissions
    links = {d.task_id: link_summary(d, now) for d in disclosures_of(session=session, case_id=case.id)}
    detail: dict[str, Any] = {
        "case": {"id": case.id, "reference": case.reference, "summary": case.summary, "status": case.status,
                 "direction": case.direction, "urgency": case.urgency},
        "sharing_request": fields(request, REQUEST_FIELDS) | {
            "subjects": [fields(s, SUBJECT_FIELDS) for s in request.subjects]} if request else None,
        "decisions": [fields(r, REVISION_FIELDS) | {
            "answers": [fields(a, GATEWAY_ANSWER_FIELDS) for a in r.answers],
            "advice": [fields(a, ADVICE_FIELDS) for a in r.advice],
            "every_answer": [fields(a, RECORDED_ANSWER_FIELDS) for a in r.every_answer]} for r in revisions],
        "new_information": [fields(n, NEW_INFORMATION_FIELDS) for n in new_information_of(session, case.id)],
        "disclosures": [fields(d, DISCLOSURE_FIELDS) | {
            "items": [fields(i, ITEM_FIELDS) for i in d.items],
            "secure_link": links.get(d.task_id or "")} for d in disclosures],
    }
    detail["sections"] = as_json(record_sections(detail, version_words(case.process_version),
                                                 preview=preview is not None))
    return detail


def record_preview(*, session: Session, case: Case, actor: Actor, now: datetime) -> dict[str, Any]:
    """The record as it will read once the record step is completed now (nothing is written)."""
    facts = load_instance(case).current_data()
    composed = compose_decision_record(session=session, case=case, facts=facts, recorded_by=actor, now=now,
                                       request=None)
    return record_detail(case, session, now=now, preview=composed)


def case_so_far(*, session: Session, case: Case) -> list[dict[str, Any]]:
    """Every completed step's answers in plain words, and any new information brought, oldest first: what an
    adviser, a reviewer or the next step reads."""
    steps = []
    for task in completed_tasks(session, case.id):
        answers = describe_answers(form_schema(case.process_version, task.form), task.answers or {})
        steps.append({"step": task.name, "element_id": task.element_id, "by": task.completed_by,
                      "role": task.role, "at": task.closed_at.isoformat() if task.closed_at else None,
                      "answers": [{"field": a.field, "question": a.question, "answer": a.text} for a in answers]})
    for news in new_information_of(session, case.id):
        steps.append({"step": "New information", "element_id": "new_information", "by": news.given_by,
                      "role": news.given_by_role, "at": news.received_at.isoformat(),
                      "answers": [{"field": "information", "question": "What is new", "answer": news.information}]})
    return sorted(steps, key=lambda step: step["at"] or "")


def case_so_far_sections(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return as_json(step_sections(steps))


def new_information_of(session: Session, case_id: str) -> list[NewInformation]:
    return list(session.scalars(select(NewInformation).where(NewInformation.case_id == case_id)
                                .order_by(NewInformation.id)))
