"""Every answer of every form of the shipped process lands in the record: its JSON, the case page and the PDF.

Each form is answered with a value no other field shares (a word made for it, a date, a choice), as
the person whose step it is, and the record step then writes the record. Each property must then be
found, beside its own question, in all three faces of the record, unless it is one of the answers
declared not to be part of the record (``service.records.answers.NOT_IN_RECORD``), with its reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from service.actors import Actor
from service.cases.service import get_case
from service.processes.service import compiled_process, form_schema
from service.records.answers import NOT_IN_RECORD, question_of
from service.records.decisions import write_decision_record
from service.tasks.models import HumanTask, TaskStatus
from tests.api.conftest import Api
from tests.record_faces import record_faces
from tests.workflows.conftest import WORKFLOWS

TESS = Actor("tess.teacher", frozenset({"practitioner"}), team="north")
ANSWERED_AT = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


class Answers:
    """Answers for a form, each value one no other field has, and what the record must say for each."""

    def __init__(self) -> None:
        self._numbers = count(1)
        self.expected: list[str] = []

    def form(self, schema: Mapping[str, Any]) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for name, spec in (schema.get("properties") or {}).items():
            if name in NOT_IN_RECORD:
                continue
            value, shown = self._value(spec)
            answers[name] = value
            self.expected.append(f"{question_of(name, spec)} {shown}")
        return answers

    def _value(self, spec: Mapping[str, Any]) -> tuple[Any, str]:
        number = next(self._numbers)
        if spec.get("type") == "boolean" or "boolean" in (spec.get("type") or []):
            return spec.get("const", True), "Yes" if spec.get("const", True) else "No"
        if "const" in spec:
            return spec["const"], str(spec["const"])
        if spec.get("oneOf"):
            option = spec["oneOf"][number % len(spec["oneOf"])]
            return option["const"], option["title"]
        if spec.get("type") == "array":
            items = spec.get("items") or {}
            if items.get("type") == "object":
                entry, said = {}, []
                for key, sub in (items.get("properties") or {}).items():
                    value, shown = self._value(sub)
                    entry[key] = value
                    question = question_of(key, sub)
                    said.append(f"{question}{'' if question.endswith('?') else ':'} {shown}")
                return [entry], "1. " + "; ".join(said)
            if items.get("oneOf"):
                option = items["oneOf"][number % len(items["oneOf"])]
                return [option["const"]], option["title"]
            word = f"zq{number}x"
            return [word], word
        if spec.get("format") == "date":
            day = date(2027, 1, 1) + timedelta(days=number)
            return day.isoformat(), f"{day.day} {day:%B %Y}"
        if spec.get("format") == "date-time":
            moment = datetime(2026, 1, 5, 9, 0, tzinfo=UTC) + timedelta(hours=number)
            return moment.isoformat(), moment.strftime("%d %b %Y %H:%M GMT")
        if spec.get("format") == "email":
            return f"zq{number}x@example.org", f"zq{number}x@example.org"
        word = f"zq{number}x words written by hand"
        return word, word


def _tasks(session: Session, case_id: str, answers: Answers) -> Iterator[HumanTask]:
    case = get_case(session=session, case_id=case_id)
    for order, info in enumerate(compiled_process(case.process_version).user_tasks.values(), start=1):
        schema = form_schema(case.process_version, info.form) or {}
        role = (info.lane or "practitioner").lower()
        yield HumanTask(id=f"00000000-0000-4000-8000-{order:012d}", case=case, element_id=info.element_id,
                        name=info.name, lane=info.lane, role=role, team=case.team, assignee=TESS.username,
                        form=info.form, state=TaskStatus.COMPLETED, created_at=ANSWERED_AT,
                        completed_by=TESS.username, closed_at=ANSWERED_AT + timedelta(minutes=order),
                        answers=answers.form(schema), completion_order=order)


def test_every_answer_of_every_form_is_in_the_record_json_page_and_pdf(
        api: Api, session_factory: sessionmaker[Session]) -> None:
    case = api.post("/api/cases", TESS.username, {"direction": "outbound_concern", "urgency": "routine",
                                                  "summary": "Every answer"}, expect=201)
    answers = Answers()
    with session_factory.begin() as s:
        done = list(_tasks(s, case["id"], answers))
        s.add_all(done)
        s.flush()
        write_decision_record(session=s, case=get_case(session=s, case_id=case["id"]), facts={"may_share": True},
                              recorded_by=TESS, now=ANSWERED_AT + timedelta(hours=1))
    forms = {t.form for t in done}
    assert forms == {p.name for p in (WORKFLOWS / "forms").glob("*.json")}, "every shipped form is answered"
    assert len(answers.expected) > 100

    record_faces(api, case["id"], TESS.username).all_say(*answers.expected)


def test_the_answers_left_out_of_the_record_are_few_each_with_its_reason() -> None:
    fields = {name for path in (WORKFLOWS / "forms").glob("*.json")
              for name in json.loads(path.read_text())["properties"]}
    assert len(NOT_IN_RECORD) <= 5
    for name, reason in NOT_IN_RECORD.items():
        assert name in fields, f"{name} is not a field of any form"
        assert len(reason.split()) >= 5, f"{name} needs a reason in words"
