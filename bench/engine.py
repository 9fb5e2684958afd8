"""Engine benchmark: raw SpiffWorkflow vs. the domain services on SQLite and PostgreSQL.

    python -m bench.engine [--quick]

On PostgreSQL it also runs the same path with only the SQL a step cannot do without
(``bench.sql_floor``): the most any service on this stack could reach on this machine.

Prints progress to stderr and one JSON object as the last line of stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.actors import Actor
from service.db import make_engine, make_session_factory
from service.flows.cases import start_case
from service.flows.tasks import complete_task
from service.migrate import upgrade
from service.processes.service import register_version
from service.scratch_db import ServerUnavailable, scratch_database
from service.tasks.models import HumanTask, TaskStatus

from .sql_floor import FloorPath, floor_runner

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
ACTOR = Actor("bench.practitioner", frozenset({"practitioner"}), team="bench")
# The benchmarked path: raise a concern, not unsure, record the decision (two user tasks).
PATH_ANSWERS: list[dict[str, object]] = [{"concern": "Seen at the school gate", "unsure": False},
                {"outcome": "share_in_part", "reasons": "Minimum needed for early help"}]
POSTGRES_ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def process_files(name: str) -> dict[str, str]:
    files = {f"{name}.bpmn": (DATA / f"{name}.bpmn").read_text()}
    for form in sorted((DATA / "forms").glob("*.json")):
        files[f"forms/{form.name}"] = form.read_text()
    return files


def raw_runner() -> Callable[[int], float]:
    """Plain SpiffWorkflow in memory, with the full JSON round trip per user task it needs to persist."""
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(DATA / "review_case.bpmn"))
    spec, subprocesses = parser.get_spec("review_case"), parser.get_subprocess_specs("review_case")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))

    def run(cases: int) -> float:
        started = time.perf_counter()
        for _ in range(cases):
            _raw_case(spec, subprocesses, serializer)
        return time.perf_counter() - started

    return run


def _raw_case(spec: object, subprocesses: object, serializer: BpmnWorkflowSerializer) -> None:
    workflow = BpmnWorkflow(spec, subprocesses)
    workflow.task_tree.data.update(urgency="routine")
    workflow.do_engine_steps()
    state = serializer.serialize_json(workflow)
    for answers in PATH_ANSWERS:
        workflow = serializer.deserialize_json(state)
        task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update(answers)
        task.run()
        workflow.refresh_timers()
        workflow.do_engine_steps()
        state = serializer.serialize_json(workflow)
    assert workflow.completed


def _first_task(session: Session, case_id: str) -> str:
    return session.scalars(select(HumanTask.id).where(
        HumanTask.case_id == case_id, HumanTask.state == TaskStatus.OPEN)).one()


def _register(factory: sessionmaker[Session], key: str, name: str) -> None:
    with factory.begin() as session:
        register_version(session=session, key=key, name=name, files=process_files(name), author="bench",
                         change_note="benchmark", now=NOW)


def _start(factory: sessionmaker[Session], key: str) -> tuple[str, str]:
    """Start a case; its id and its first task, read in the same transaction (as the API answers)."""
    with factory.begin() as session:
        case_id = start_case(session=session, process_key=key, actor=ACTOR, direction="outbound_concern",
                             urgency="routine", summary="Benchmark case", now=NOW).id
        return case_id, _first_task(session, case_id)


def _complete(factory: sessionmaker[Session], task_id: str, answers: dict[str, object]) -> str | None:
    """Complete a task; the case's next open task, as the completion reports it (the API's ``next_tasks``)."""
    with factory.begin() as session:
        done = complete_task(session=session, task_id=task_id, actor=ACTOR, data=answers, now=NOW)
        return done.open_tasks[0].id if done.open_tasks else None


def service_runner(factory: sessionmaker[Session]) -> Callable[[int], float]:
    """The same path through start_case and complete_task, one transaction per step, as the web app runs it."""
    _register(factory, "review", "review_case")

    def run(cases: int) -> float:
        started = time.perf_counter()
        for _ in range(cases):
            task_id: str | None = _start(factory, "review")[1]
            for answers in PATH_ANSWERS:
                assert task_id is not None
                task_id = _complete(factory, task_id, answers)
            assert task_id is None
        return time.perf_counter() - started

    return run


def interleaved_rates(runners: dict[str, Callable[[int], float]], cases: int, rounds: int) -> dict[str, float]:
    """Cases per second for each runner, from the median of rounds taken in turn.

    Taking turns, and the median, keeps a noisy machine's pauses from landing on one side only.
    """
    spent: dict[str, list[float]] = {name: [] for name in runners}
    for round_no in range(1, rounds + 1):
        for name, run in runners.items():
            spent[name].append(run(cases))
        log(f"round {round_no}/{rounds}: " + ", ".join(f"{n} {cases / s[-1]:.1f}/s" for n, s in spent.items()))
    return {name: cases / statistics.median(times) for name, times in spent.items()}


def step_cost_ratio(factory: sessionmaker[Session], cases: int, steps: int) -> tuple[float, float, float]:
    """Median time to complete the 2nd and the ``steps``-th task of a looping case."""
    _register(factory, "loop", "loop_case")
    second, last = [], []
    for _ in range(cases):
        next_task: str | None = _start(factory, "loop")[1]
        for step in range(1, steps + 1):
            assert next_task is not None
            task_id = next_task
            began = time.perf_counter()
            next_task = _complete(factory, task_id, {"more": step < steps, "note": f"pass {step}"})
            spent = time.perf_counter() - began
            if step == 2:
                second.append(spent)
            elif step == steps:
                last.append(spent)
    s2, sn = statistics.median(second), statistics.median(last)
    return sn / s2, s2, sn


def sqlite_factory(directory: str) -> tuple[Engine, sessionmaker[Session]]:
    url = f"sqlite:///{directory}/bench.db"
    upgrade(url)
    engine = make_engine(url)
    return engine, make_session_factory(engine)


def _postgres(stack: ExitStack) -> sessionmaker[Session] | None:
    try:
        url = stack.enter_context(scratch_database(POSTGRES_ADMIN_URL, prefix="sg_bench"))
    except ServerUnavailable as exc:
        log(f"{exc}; skipping the PostgreSQL figures")
        return None
    engine = make_engine(url)
    stack.callback(engine.dispose)
    return make_session_factory(engine)


def sql_floor_runner(stack: ExitStack) -> Callable[[int], float]:
    """The path with the least SQL, in a database of its own (its audit chain is its own too)."""
    factory = _postgres(stack)
    assert factory is not None
    _register(factory, "review", "review_case")
    return floor_runner(FloorPath(factory, process_key="review", actor=ACTOR, now=NOW), PATH_ANSWERS)


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer cases; finishes in well under 30 s")
    args = parser.parse_args(argv)
    cases, rounds = (5, 3) if args.quick else (40, 7)
    loop_cases, loop_steps = (3, 200) if args.quick else (5, 200)

    result: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as directory, ExitStack() as stack:
        sqlite_engine, sqlite = sqlite_factory(directory)
        runners = {"raw": raw_runner(), "sqlite": service_runner(sqlite)}
        pg = _postgres(stack)
        if pg is not None:
            runners["postgres"] = service_runner(pg)
            runners["floor"] = sql_floor_runner(stack)
        try:
            log(f"{rounds} rounds of {cases} cases each: raw SpiffWorkflow, services on SQLite / PostgreSQL")
            rates = interleaved_rates(runners, cases, rounds)
            result.update(raw_cases_per_s=round(rates["raw"], 1), service_sqlite_cases_per_s=round(rates["sqlite"], 1))
            if pg is None:
                result.update(service_postgres_cases_per_s=None, ratio_postgres_vs_raw=None)
                log(f"looping case on SQLite: {loop_cases} cases x {loop_steps} steps")
                ratio, s2, sn = step_cost_ratio(sqlite, loop_cases, loop_steps)
                result.update(step_cost_backend="sqlite")
            else:
                result.update(service_postgres_cases_per_s=round(rates["postgres"], 1),
                              ratio_postgres_vs_raw=round(rates["postgres"] / rates["raw"], 3),
                              sql_floor_postgres_cases_per_s=round(rates["floor"], 1),
                              ratio_sql_floor_vs_raw=round(rates["floor"] / rates["raw"], 3))
                log(f"looping case on PostgreSQL: {loop_cases} cases x {loop_steps} steps")
                ratio, s2, sn = step_cost_ratio(pg, loop_cases, loop_steps)
                result.update(step_cost_backend="postgresql")
            result.update(step_cost_ratio_200_vs_2=round(ratio, 3), step_2_ms=round(s2 * 1000, 2),
                          step_200_ms=round(sn * 1000, 2))
        finally:
            sqlite_engine.dispose()
    result.update(quick=args.quick, cases_per_round=cases, rounds=rounds, loop_cases=loop_cases,
                  loop_steps=loop_steps)
    return result


if __name__ == "__main__":
    print(json.dumps(main()))
