"""Trying a draft on the sample cases before asking for approval: the samples, and each sample run on the draft
and on the published version with the changes of outcome (nothing is written)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from .common import Answer, Asked, Instant


class Sample(Answer):
    id: str
    name: str
    expected: str


class Samples(Answer):
    samples: list[Sample]


class Passed(Answer):
    element_id: str
    name: str
    lane: str | None = None
    kind: Literal["step", "decision", "event"]


class Timer(Answer):
    element_id: str
    name: str
    due_at: Instant
    for_step: str | None = None
    fired: bool


class Ending(Answer):
    kind: Literal["finished", "waiting_for_answers", "waiting_for_timer", "waiting_for_message", "error",
                  "cannot_run", "too_many_steps"]
    words: str
    element_id: str | None = None
    element_name: str | None = None


class Basis(Answer):
    name: str
    label: str
    value: Any


class Run(Answer):
    """One sample run on one version: its path, timers with due times, lawful basis, end."""

    sample_id: str
    sample_name: str | None = None
    path: list[Passed]
    timers: list[Timer]
    lawful_basis: list[Basis]
    ending: Ending
    problems: list[str]


class Change(Answer):
    kind: Literal["path", "lawful_basis", "end", "timer"]
    words: str


class SampleTrial(Answer):
    sample: Sample
    draft: Run
    published: Run
    changes: list[Change]
    same_outcome: bool


class Trial(Answer):
    process: str
    draft_id: str
    published_version: int
    samples: list[SampleTrial]


class TrialAsk(Asked):
    samples: list[str] | None = Field(default=None, description="Sample ids (GET .../samples); all when left out")
    facts: dict[str, Any] | None = Field(default=None, description=(
        "Facts typed in over the samples' answers: `name` wherever a sample gives it (and in the starting "
        "facts), `step.name` in one step only"))
    WORDS: ClassVar[dict[str, str]] = {"samples": "samples must be a list of sample ids",
                                       "facts": "facts must be an object of names and values"}
