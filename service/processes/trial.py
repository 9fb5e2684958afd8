"""Try process files on a sample case in memory: the path taken, the timers met, the lawful basis, the end.

Nothing is written anywhere: the files are compiled and run by the engine as a case would be, each ready
step completed with the sample's answers for it, messages the sample holds delivered when the case waits
for them, and the timers the sample lets fall due fired at their due time. A draft that cannot be
compiled, or stops on an expression, is reported, never raised. The run is bounded by ``max_steps``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from service.engine import EngineError, Incident, ReadyTask
from service.engine.tracing import Passed, TracedInstance
from service.errors import InvalidInput

from .samples import Answers, Sample
from .service import validate_files
from .trial_forms import answers_problem, form_of, with_defaults

log = logging.getLogger(__name__)

MAX_STEPS = 200
# What the record calls the lawful basis: the decision tables' outputs it carries, in its own words.
LAWFUL_BASIS = (
    ("article6_basis", "Article 6 basis"),
    ("article9_condition", "Article 9 condition"),
    ("schedule1_paragraph", "Schedule 1 paragraph"),
    ("article10_condition", "Article 10 condition"),
    ("exemption", "Exemption"),
    ("common_law_justification", "Common-law duty of confidence"),
    ("may_share", "May share"),
    ("no_basis_reason", "Why not"),
)


@dataclass(frozen=True)
class TimerMet:
    element_id: str
    name: str
    due_at: datetime
    for_step: str | None
    fired: bool


@dataclass(frozen=True)
class Ending:
    """Where a run ended: ``kind`` is finished, waiting_for_answers, waiting_for_timer, waiting_for_message,
    error, cannot_run or too_many_steps; ``words`` says it plainly."""

    kind: str
    words: str
    element_id: str | None = None
    element_name: str | None = None


@dataclass
class TrialRun:
    sample_id: str
    sample_name: str
    path: list[Passed] = field(default_factory=list)
    timers: list[TimerMet] = field(default_factory=list)
    lawful_basis: dict[str, Any] = field(default_factory=dict)
    ending: Ending = field(default_factory=lambda: Ending("cannot_run", "The run did not start"))
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found["timers"] = [t | {"due_at": t["due_at"].isoformat()} for t in found["timers"]]
        found["lawful_basis"] = [{"name": key, "label": label, "value": self.lawful_basis[key]}
                                 for key, label in LAWFUL_BASIS if key in self.lawful_basis]
        return found


def with_facts(sample: Sample, facts: Mapping[str, Any] | None) -> Sample:
    """The sample with facts typed in: ``name`` changes that fact wherever the sample gives it (and in the
    facts the case starts with); ``step.name`` changes it in that step's answers only."""
    if not facts:
        return sample
    start = dict(sample.start)
    answers: dict[str, Answers | list[Answers]] = {}
    scoped: dict[str, Answers] = {k.split(".", 1)[0]: {} for k in facts if "." in k}
    for key, value in facts.items():
        if "." in key:
            step, name = key.split(".", 1)
            scoped[step][name] = value
        else:
            start[key] = value
    plain = {k: v for k, v in facts.items() if "." not in k}
    for step in {*sample.answers, *scoped}:
        given = sample.answers.get(step, {})
        entries = given if isinstance(given, list) else [given]
        changed = [{**entry, **{k: v for k, v in plain.items() if k in entry}, **scoped.get(step, {})}
                   for entry in entries]
        answers[step] = changed if isinstance(given, list) else changed[0]
    return replace(sample, start=start, answers=answers)


def try_files(files: Mapping[str, str], sample: Sample, now: datetime, *, facts: Mapping[str, Any] | None = None,
              max_steps: int = MAX_STEPS) -> TrialRun:
    """Run ``files`` on ``sample`` from ``now``, in memory; every outcome, a broken draft's too, is in the result."""
    sample = with_facts(sample, facts)
    run = TrialRun(sample.id, sample.name)
    try:
        compiled = validate_files(files)
    except InvalidInput as exc:
        run.problems = [_problem_words(p) for p in exc.problems] or [str(exc)]
        run.ending = Ending("cannot_run", "The process cannot be run: " + run.problems[0])
        return run
    trial = _Trial(files, sample, now, run)
    try:
        started = TracedInstance.start(compiled, sample.start, now=now)
        assert isinstance(started, TracedInstance)
        trial.instance = started
        trial.go(max_steps)
    except Incident as incident:
        name = trial.element_name(incident.element_id)
        where = f" at '{name}'" if name else ""
        run.ending = Ending("error", f"The process stopped with an error{where}: {incident.message}",
                            incident.element_id, name)
    except (EngineError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        log.warning("trial run of %s stopped: %r", sample.id, exc)
        run.ending = Ending("error", f"The process stopped with an error: {exc}")
    trial.finish()
    return run


class _Trial:
    def __init__(self, files: Mapping[str, str], sample: Sample, now: datetime, run: TrialRun) -> None:
        self.files, self.sample, self.clock, self.run = files, sample, now, run
        self.instance: TracedInstance | None = None
        self.used: dict[str, int] = {}
        self.delivered: set[str] = set()
        self.fired: set[tuple[str, datetime]] = set()
        self.seen: dict[tuple[str, datetime], TimerMet] = {}
        self.stopped: Ending | None = None

    def go(self, max_steps: int) -> None:
        instance = self.instance
        assert instance is not None
        for _ in range(max_steps):
            self._note_timers()
            if instance.completed:
                self.run.ending = Ending("finished", "The case finished")
                return
            if self._answer_a_step() or (not self.stopped and (self._deliver_a_message() or self._fire_a_timer())):
                continue
            self.run.ending = self.stopped or self._waiting()
            return
        self.run.ending = Ending("too_many_steps", f"The run was stopped after {max_steps} steps: the process may "
                                                   "go round a loop the sample never leaves")

    def _answer_a_step(self) -> bool:
        assert self.instance is not None
        for task in self.instance.ready_tasks():
            given = self._answers_for(task)
            if given is None:
                continue
            schema = form_of(self.files, task.form)
            answers = with_defaults(schema, given)  # as when a person submits the form
            problem = answers_problem(schema, answers, {**self.instance.task_data(task.task_id), **answers})
            if problem:
                lane = f" ({task.lane})" if task.lane else ""
                self.stopped = Ending("waiting_for_answers", f"Waiting at '{task.name}'{lane}: the sample's answers "
                                      f"do not fit its form: {problem}", task.element_id, task.name)
                return False
            self.used[task.element_id] = self.used.get(task.element_id, 0) + 1
            self.instance.complete_step(task.task_id, answers, now=self.clock)
            return True
        return False

    def _answers_for(self, task: ReadyTask) -> Answers | None:
        form = (task.form or "").removesuffix(".json")
        given = self.sample.answers.get(task.element_id, self.sample.answers.get(form))
        if isinstance(given, list):
            turn = self.used.get(task.element_id, 0)
            return given[turn] if turn < len(given) else None
        return given

    def _deliver_a_message(self) -> bool:
        assert self.instance is not None
        for name in sorted(self.instance.waiting_messages()):
            if name in self.sample.messages and name not in self.delivered:
                self.delivered.add(name)
                waits = {w.element_id: w for w in self.instance.waits() if w.kind == "message"}
                before = len(self.instance.passed)
                self.instance.receive_message(name, self.sample.messages[name], now=self.clock)
                if not any(p.element_id in waits for p in self.instance.passed[before:]):
                    self.instance.passed.insert(before, Passed(name, f"Message received: {name}", None, "event"))
                return True
        return False

    def _fire_a_timer(self) -> bool:
        assert self.instance is not None
        due = [t for t in self.instance.waiting_timers() if t.element_id in self.sample.timers]
        if not due:
            return False
        first = due[0]
        self.fired.add((first.element_id, first.due_at))
        self.clock = max(self.clock, first.due_at + timedelta(seconds=30))
        self.instance.wake(now=self.clock)
        return True

    def _note_timers(self) -> None:
        assert self.instance is not None
        for timer in self.instance.waiting_timers():
            key = (timer.element_id, timer.due_at)
            self.seen.setdefault(key, TimerMet(timer.element_id, timer.name, timer.due_at, timer.for_step, False))

    def _waiting(self) -> Ending:
        assert self.instance is not None
        ready = self.instance.ready_tasks()
        if ready:
            task = ready[0]
            lane = f" ({task.lane})" if task.lane else ""
            return Ending("waiting_for_answers", f"Waiting at '{task.name}'{lane}: the sample has no answers for it",
                          task.element_id, task.name)
        waits = [w for w in self.instance.waits()]
        timers = [w for w in waits if w.kind == "timer"]
        if timers:
            first = min(timers, key=lambda w: w.due_at or self.clock)
            return Ending("waiting_for_timer", f"Waiting for '{first.name}'", first.element_id, first.name)
        if waits:
            return Ending("waiting_for_message", f"Waiting for '{waits[0].name}'", waits[0].element_id, waits[0].name)
        return Ending("waiting_for_message", "Waiting, with no step ready and nothing it waits for")

    def element_name(self, element_id: str | None) -> str | None:
        if not element_id:
            return None
        return self.instance.element_name(element_id) if self.instance else element_id

    def finish(self) -> None:
        if self.instance is None:
            return
        self.run.path = list(self.instance.passed)
        self.run.timers = sorted((replace(t, fired=k in self.fired) for k, t in self.seen.items()),
                                 key=lambda t: (t.due_at, t.element_id))
        data = self.instance.current_data()
        self.run.lawful_basis = {key: data[key] for key, _ in LAWFUL_BASIS if data.get(key) not in (None, "")}


def _problem_words(problem: Mapping[str, Any]) -> str:
    where = problem.get("element_id") or problem.get("file")
    return f"{where}: {problem.get('message')}" if where else str(problem.get("message"))
