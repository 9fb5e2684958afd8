"""Record benchmark: what writing and reading the whole decision record costs on the shipped process.

    python -m bench.record [--quick]

Each case is the young carer referred to early help (scenario 1) on SQLite, through the domain
services. The record step now keeps every answer of every step with the revision, so it is timed
against the other steps of the same cases; then the record is read as the API's JSON (with its
sections) and rendered as the PDF. Prints progress to stderr and one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.actors import Actor
from service.cases.service import get_case
from service.db import make_engine, make_session_factory
from service.flows.cases import deliver_message, start_case
from service.flows.tasks import complete_task
from service.migrate import upgrade
from service.processes.service import read_process_files, register_version
from service.records.pdf import record_pdf
from service.records.view import record_detail
from service.tasks.models import HumanTask, TaskStatus

WORKFLOWS = Path(__file__).resolve().parent.parent / "workflows"
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
ACTOR = Actor("bench.teacher", frozenset({"practitioner"}), team="bench")
CHILD = {"role": "child", "name": "Sam Carter", "identifiers": "DOB 2014-03-02, Year 7"}
STEPS: list[tuple[str, dict[str, Any]]] = [
    ("describe_concern", {"concern": "Sam looks after his mother most evenings.",
                          "subjects": [CHILD, {"role": "parent_carer", "name": "Jo Carter"}]}),
    ("check_purpose", {"purpose": "early_help", "purpose_clear": True, "purpose_reasons": "Early help assessment",
                       "statutory_power": "children_act_2004_s10"}),
    ("check_information", {"identifies_individual": True, "special_category": True, "criminal_offence_data": False,
                           "confidential": True, "subject_at_risk": True, "legal_obligation": False}),
    ("consider_consent", {"consent_appropriate": True, "seeking_consent_increases_risk": False,
                          "subject_can_consent": False, "consent_result": "given",
                          "consent_of_whom": "parent_with_parental_responsibility", "consent_by_name": "Jo Carter",
                          "consent_explicit": True, "consent_scope": "Caring role", "consent_date": "2026-11-24",
                          "consent_method": "written", "unsure": False}),
    ("choose_what_to_share", {
        "recipient_person": "Alex Reed", "recipient_role": "Early help coordinator",
        "recipient_organisation": "Northshire early help", "recipient_email": "alex.reed@example.org",
        "recipient_verified_how": "Council directory", "identifying_details_shared": ["Sam Carter (the child)"],
        "items": [{"summary": "Cares for his mother most evenings", "nature": "fact", "currency": "current",
                   "accuracy_checked": True}], "share_extent": "share_in_part",
        "withheld_and_why": "Mother's diagnosis: not needed", "third_parties_redacted": True}),
    ("send_securely", {"channel": "secure_email", "security_controls": "Encrypted email", "sent_confirmed": True}),
    ("tell_subject", {"subject_informed": True, "subject_informed_who": "Jo Carter",
                      "subject_informed_when": "2026-11-25",
                      "subject_informed_how": "in_person"}),
    ("record_decision", {"decision_summary": "Shared the minimum with early help, with consent.",
                         "accuracy_confirmed": True}),
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _complete(sessions: sessionmaker[Session], case_id: str, element: str, data: dict[str, Any]) -> float:
    with sessions() as s:
        task_id = s.scalars(select(HumanTask.id).where(HumanTask.case_id == case_id, HumanTask.element_id == element,
                                                       HumanTask.state == TaskStatus.OPEN)).one()
    started = time.perf_counter()
    with sessions.begin() as s:
        complete_task(session=s, task_id=task_id, actor=ACTOR, data=data, now=NOW)
    return time.perf_counter() - started


def run_case(sessions: sessionmaker[Session]) -> tuple[list[float], float, str]:
    """One case end to end: (other steps' seconds, the record step's seconds, the case id)."""
    with sessions.begin() as s:
        case_id = start_case(session=s, process_key="information_sharing", actor=ACTOR, direction="outbound_concern",
                             urgency="routine", summary="Young carer", now=NOW).id
    others, record = [], 0.0
    for element, data in STEPS:
        spent = _complete(sessions, case_id, element, data)
        if element == "record_decision":
            record = spent
        else:
            others.append(spent)
        if element == "send_securely":
            with sessions.begin() as s:
                deliver_message(session=s, case_id=case_id, name="receipt_confirmed", actor=ACTOR, now=NOW,
                                payload={"received_by": "Alex Reed", "received_at": NOW.isoformat()})
    return others, record, case_id


def ms(seconds: list[float]) -> float:
    return round(statistics.median(seconds) * 1000, 2)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer cases, for a smoke run")
    cases = 5 if parser.parse_args(argv).quick else 40
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/record.db"
        upgrade(url)
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        with sessions.begin() as s:
            register_version(session=s, key="information_sharing", name="Information sharing",
                             files=read_process_files(WORKFLOWS), author="bench", change_note="bench", now=NOW)
        steps, records, reads, pdfs, answers, pages = [], [], [], [], [], []
        for number in range(cases):
            others, record, case_id = run_case(sessions)
            steps += others
            records.append(record)
            with sessions() as s:
                started = time.perf_counter()
                detail = record_detail(get_case(session=s, case_id=case_id), s, now=datetime.now(UTC))
                reads.append(time.perf_counter() - started)
            started = time.perf_counter()
            document = record_pdf(detail, printed_by=ACTOR.username, printed_at=NOW.isoformat())
            pdfs.append(time.perf_counter() - started)
            answers.append(len(detail["decisions"][-1]["every_answer"]))
            pages.append(len(PdfReader(io.BytesIO(document)).pages))
            log(f"case {number + 1}/{cases}")
        engine.dispose()
    figures: dict[str, Any] = {
        "cases": cases, "quick": cases == 5, "backend": "sqlite",
        "other_step_p50_ms": ms(steps), "record_step_p50_ms": ms(records),
        "record_step_vs_other_step": round(statistics.median(records) / statistics.median(steps), 2),
        "record_json_p50_ms": ms(reads), "record_pdf_p50_ms": ms(pdfs),
        "answers_kept_per_revision": statistics.median(answers), "pdf_pages": statistics.median(pages),
    }
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
