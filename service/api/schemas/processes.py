"""Processes, their versions and the differences between them, as process owners read them."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from service.request_guard import DB_INT_MAX

from .common import Answer, Instant, Query


class ProcessVersion(Answer):
    number: int
    content_hash: str
    author: str
    approved_by: str | None
    change_note: str
    created_at: Instant


class Process(Answer):
    key: str
    name: str
    latest_version: ProcessVersion
    pending_drafts: int = Field(description="How many drafts are open")


class Processes(Answer):
    processes: list[Process]


class Versions(Answer):
    versions: list[ProcessVersion]


class ValueChange(Answer):
    """A changed entry's value that differs, in plain words (e.g. what 'timer', 'condition', 'lane (role)',
    'when <column label>'); null where one side has none."""

    what: str
    before: str | None
    after: str | None


class Value(Answer):
    """An added or removed entry's value, in plain words."""

    what: str
    value: str


class DiffGroup(Answer):
    """The step, decision table or form an entry belongs to."""

    id: str
    name: str
    kind: Literal["step", "process", "lanes", "decision", "form", "file"]


class DiffEntry(Answer):
    id: str = Field(description="The element's id; a form question is <file>#<question key>")
    type: str = Field(description="The element's tag (userTask, sequenceFlow, rule...), question, form or file")
    name: str | None = None
    kind: str | None = Field(default=None, description="The type in plain words (task, flow, timer on a step...)")
    file: str | None = Field(default=None, description="For a form or a question, its file")
    group: DiffGroup | None = None
    marks: list[str] = Field(default_factory=list, description="Ids of the elements to mark on the newer diagram")
    changes: list[ValueChange] = Field(default_factory=list)
    values: list[Value] = Field(default_factory=list)


class VersionDiff(Answer):
    """The elements added, changed and removed from one version to another."""

    added: list[DiffEntry]
    changed: list[DiffEntry]
    removed: list[DiffEntry]


class DiffQuery(Query):
    from_: int = Field(alias="from", ge=0, le=DB_INT_MAX, description="The older version's number")
    to: int = Field(ge=0, le=DB_INT_MAX, description="The newer version's number")
    WORDS: ClassVar[dict[str, str]] = {"from": "from must be a version number", "to": "to must be a version number"}
