"""Cases and their steps (tasks): what the API takes to start a case, act on a step or confirm a receipt,
and what it answers."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from service.processes.bundled import BUNDLED_KEY

from .common import Answer, Asked, Instant, Object, Query, Section, Text


class Task(Answer):
    """A step of a case, as every list of steps shows it."""

    id: str
    case_id: str
    element_id: str
    name: str
    role: str
    state: str
    assignee: str | None
    claimed_by: str | None
    form: str | None
    due_at: Instant | None
    created_at: Instant
    completed_by: str | None
    closed_at: Instant | None


class TaskAfterAction(Task):
    next_tasks: list[Task] = Field(description="The case's open steps the caller can do next")


class TaskList(Answer):
    tasks: list[Task]
    count: int


class GivenAnswer(Answer):
    field: str
    question: str
    answer: str


class StepSoFar(Answer):
    """A completed step's answers in plain words (or new information brought), as the next step reads them."""

    step: str
    element_id: str
    by: str | None
    role: str | None
    at: Instant | None
    answers: list[GivenAnswer]


class TaskDetail(Task):
    case_reference: str
    form_schema: Object | None = Field(description="The step's form (JSON Schema), as this case asks it")
    data: Object = Field(description="The answers so far (for an open step, the case's facts it starts from)")
    draft: Object | None
    suggestions: dict[str, Object]
    case_so_far: list[StepSoFar] = Field(default_factory=list)
    record_preview: list[Section] = Field(default_factory=list,
                                          description="At an open record step: the record as it will read")


class Case(Answer):
    """A case, as the list of cases shows it."""

    id: str
    reference: str
    status: str
    direction: str
    urgency: str
    summary: str
    started_by: str
    team: str | None
    created_at: Instant
    next_timer_at: Instant | None


class CaseList(Answer):
    cases: list[Case]


class Incident(Answer):
    element: str | None
    message: str


class Waiting(Answer):
    """What the case waits for: a step (who has it, what may come next), a message (until the timer beside
    it falls due) or a date."""

    kind: Literal["step", "message", "date"]
    what: str
    due_at: Instant | None
    who: str | None = None
    role: str | None = None
    task_id: str | None = None
    then: list[str] = Field(default_factory=list)
    element_id: str | None = None
    otherwise: str | None = None


class AuditEvent(Answer):
    seq: int
    at: Instant
    actor: str
    role: str | None
    action: str
    task_id: str | None
    summary: Object


class TimelineEvent(AuditEvent):
    task: str | None = Field(description="The step's name, for an event of a step")


class CaseDetail(Case):
    process_version: int
    incident: Incident | None
    open_tasks: list[Task]
    waiting_for: list[Waiting]
    steps_done: list[Task]
    active_elements: list[str]
    timeline: list[TimelineEvent]


class StartCase(Asked):
    process: str = Field(default=BUNDLED_KEY, description="The key of a published process")
    direction: Literal["outbound_concern", "inbound_request"]
    urgency: Literal["emergency", "same_day", "routine"]
    summary: Text
    WORDS: ClassVar[dict[str, str]] = {
        "process": "process must be the key of a published process",
        "direction": "direction must be one of outbound_concern, inbound_request",
        "urgency": "urgency must be one of emergency, same_day, routine",
    }


class Receipt(Asked):
    received_by: str = Field(min_length=1, max_length=200)
    received_at: str | None = Field(default=None, description="When, ISO 8601 (default: now)")
    WORDS: ClassVar[dict[str, str]] = {
        "received_by": "received_by: name who confirmed receipt (up to 200 characters)",
        "received_at": "received_at must be a date and time, e.g. 2026-11-25T10:30:00+00:00",
    }


class BringNewInformation(Asked):
    # Its length is checked where it is recorded, in its own words (3 to 4000 characters).
    information: str = Field(json_schema_extra={"minLength": 3, "maxLength": 4000})
    WORDS: ClassVar[dict[str, str]] = {"information": "Say what the new information is, in 3 to 4000 characters"}


class Assign(Asked):
    assignee: Text


class Answers(Asked):
    data: dict[str, Any] = Field(description="The answers, by the form's field names (checked against the form "
                                             "on completion)")
    WORDS: ClassVar[dict[str, str]] = {"data": "send the answers as an object in 'data'"}


class TaskQuery(Query):
    scope: Literal["mine", "team", "escalated"] = "mine"
    limit: int = Field(default=100, ge=1, le=200)
    WORDS: ClassVar[dict[str, str]] = {"scope": "scope must be one of mine, team, escalated",
                                       "limit": "limit must be a whole number from 1 to 200"}
