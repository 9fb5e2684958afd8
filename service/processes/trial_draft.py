"""Try a draft on sample cases beside the published version: each sample's two runs and what changes.

Only reads: the draft and the newest version are loaded, run in memory, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.access import require_process_owner
from service.actors import Actor
from service.errors import InvalidInput

from . import drafts
from .samples import SAMPLES, Sample, sample_by_id
from .trial import TrialRun, try_files
from .trial_compare import Change, compare_runs

MAX_FACTS = 50
MAX_FACT_LENGTH = 2000


@dataclass
class SampleTrial:
    sample: Sample
    draft: TrialRun
    published: TrialRun
    changes: list[Change]

    def as_dict(self) -> dict[str, Any]:
        return {"sample": {"id": self.sample.id, "name": self.sample.name, "expected": self.sample.expected},
                "draft": self.draft.as_dict(), "published": self.published.as_dict(),
                "changes": [c.as_dict() for c in self.changes], "same_outcome": not self.changes}


@dataclass
class DraftTrial:
    key: str
    draft_id: str
    published_version: int
    trials: list[SampleTrial]

    def as_dict(self) -> dict[str, Any]:
        return {"process": self.key, "draft_id": self.draft_id, "published_version": self.published_version,
                "samples": [t.as_dict() for t in self.trials]}


def choose_samples(ids: object) -> list[Sample]:
    """The samples asked for by id (all when none are named); an unknown id is refused, by name."""
    if ids is None:
        return list(SAMPLES)
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise InvalidInput("samples must be a list of sample ids", field="samples")
    chosen = []
    for sample_id in ids:
        sample = sample_by_id(sample_id)
        if sample is None:
            known = ", ".join(s.id for s in SAMPLES)
            raise InvalidInput(f"there is no sample '{sample_id[:60]}' (the samples are {known})", field="samples")
        chosen.append(sample)
    if not chosen:
        raise InvalidInput("choose at least one sample case", field="samples")
    return chosen


def check_facts(facts: object) -> dict[str, Any]:
    """Facts typed in: an object of names (``name`` or ``step.name``) to plain JSON values."""
    if facts is None:
        return {}
    if not isinstance(facts, Mapping):
        raise InvalidInput("facts must be an object of names and values", field="facts")
    if len(facts) > MAX_FACTS:
        raise InvalidInput(f"give at most {MAX_FACTS} facts", field="facts")
    for name, value in facts.items():
        parts = str(name).split(".")
        if not (isinstance(name, str) and len(parts) <= 2 and all(p.isidentifier() for p in parts)):
            raise InvalidInput(f"'{str(name)[:60]}' is not a fact name: use letters, digits and _ (or step.name)",
                               field="facts")
        if not isinstance(value, str | int | float | bool | type(None)) or len(str(value)) > MAX_FACT_LENGTH:
            raise InvalidInput(f"the value of '{name}' must be text, a number, true, false or null", field="facts")
    return dict(facts)


def try_draft(*, session: Session, key: str, draft_id: str, actor: Actor, samples: Sequence[Sample],
              facts: Mapping[str, Any] | None, now: datetime) -> DraftTrial:
    """Run each sample on the draft and on the newest published version, and list the changes."""
    require_process_owner(actor)
    draft = drafts.get_draft(session, key, draft_id)
    version = drafts.latest(session, key)
    draft_files, published_files = draft.file_map(), version.file_map()
    trials = []
    for sample in samples:
        published = try_files(published_files, sample, now, facts=facts)
        tried = try_files(draft_files, sample, now, facts=facts)
        trials.append(SampleTrial(sample, tried, published, compare_runs(published, tried)))
    return DraftTrial(key, draft.id, version.number, trials)
