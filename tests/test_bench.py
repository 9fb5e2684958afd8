"""The engine benchmark measures what it says: its floor does a whole durable step's work, and a run
prints every figure the README explains."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bench import engine as engine_bench
from bench import record as record_bench
from bench.sql_floor import FloorPath, floor_runner
from service.audit.trail import verify_chain
from service.cases.models import Case, CaseStatus
from service.cases.service import load_instance
from service.tasks.models import HumanTask, TaskStatus


def test_the_floor_stores_every_step_it_times(
    session_factory: sessionmaker[Session], review_process: str, now: datetime
) -> None:
    run = floor_runner(FloorPath(session_factory, process_key=review_process, actor=engine_bench.ACTOR, now=now),
                       engine_bench.PATH_ANSWERS)
    assert run(2) > 0
    with session_factory() as session:
        cases = session.scalars(select(Case)).all()
        assert [(case.status, case.version) for case in cases] == [(CaseStatus.COMPLETED, 3)] * 2
        assert all(load_instance(case).completed for case in cases)
        tasks = session.scalars(select(HumanTask).order_by(HumanTask.created_at)).all()
        assert len(tasks) == 4
        assert all(task.state == TaskStatus.COMPLETED and task.answers for task in tasks)
        report = verify_chain(session=session)
        assert report.ok, report.problems
        assert report.checked == 6  # each case: started, then two tasks completed


@pytest.mark.postgres
def test_a_quick_run_prints_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    figures = engine_bench.main(["--quick"])
    rates = ("raw_cases_per_s", "service_sqlite_cases_per_s", "service_postgres_cases_per_s",
             "sql_floor_postgres_cases_per_s")
    assert all(isinstance(figures[key], float) and figures[key] > 0 for key in rates)
    raw = figures["raw_cases_per_s"]
    assert figures["ratio_postgres_vs_raw"] == pytest.approx(
        figures["service_postgres_cases_per_s"] / raw, abs=0.01)
    assert figures["ratio_sql_floor_vs_raw"] == pytest.approx(
        figures["sql_floor_postgres_cases_per_s"] / raw, abs=0.01)
    assert figures["step_cost_backend"] == "postgresql"
    assert figures["step_cost_ratio_200_vs_2"] > 0
    assert "round 3/3" in capsys.readouterr().err


def test_the_record_benchmark_keeps_and_reads_back_every_answer(capsys: pytest.CaptureFixture[str]) -> None:
    figures = record_bench.main(["--quick"])
    # Scenario 1's eight steps answer 43 questions today (the record step's retention rule by its default).
    assert figures["answers_kept_per_revision"] >= 40
    assert figures["pdf_pages"] >= 2
    assert all(figures[key] > 0 for key in ("other_step_p50_ms", "record_step_p50_ms", "record_json_p50_ms",
                                            "record_pdf_p50_ms"))
    assert "case 5/5" in capsys.readouterr().err


@pytest.mark.e2e
def test_the_journey_benchmark_drives_both_journeys_to_their_end() -> None:
    # Its own process, as `make bench` runs it: the suite's browser already holds this one's event loop.
    run = subprocess.run([sys.executable, "-m", "bench.journey", "--quick"], capture_output=True, text=True,
                         timeout=900, cwd=Path(__file__).resolve().parents[1], check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    # It fails by itself when a journey does not end as it should; here, that it counted what it says.
    assert figures["s1_practitioner_page_loads"] >= 8 and figures["emergency_page_loads"] >= 4
    assert figures["s1_practitioner_fields"] >= 30
    assert figures["s1_practitioner_clicks"] > figures["s1_practitioner_fields"]
    assert figures["s1_questions_asked_twice"] == 0 and figures["s1_preanswered_basis_questions"] == 0
    assert 0 < figures["page_server_p50_ms"] <= figures["page_server_p95_ms"]
    assert "run 1/1" in run.stderr
