"""The cases of a process an incident stopped, by step and version, and carrying one on (process owners)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .common import Answer, Instant


class StuckCase(Answer):
    id: str
    reference: str
    stopped_since: Instant
    message: str


class StuckGroup(Answer):
    element_id: str | None
    element_name: str = Field(description="The step's name in the diagram")
    version: int
    message: str
    count: int
    cases: list[StuckCase]


class StuckCases(Answer):
    process: str
    groups: list[StuckGroup]


class Resumed(Answer):
    case_id: str
    reference: str
    status: Literal["active", "completed", "incident"]
    version: int = Field(description="The version the case is on now")
    message: str | None = Field(description="Why it stopped again; null once it carried on")
    note: str = Field(description="What happened, in plain words")
