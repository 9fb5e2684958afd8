"""Timer benchmark: arm many escalation timers due within a minute and let real Celery workers fire them.

    python -m bench.timers [--quick] [--timers N] [--window S] [--workers W]

Arms ``--timers`` cases on PostgreSQL (default 10,000; 1,000 with --quick) whose manager timers fall
due spread evenly over ``--window`` seconds (default 60), starts ``--workers`` Celery worker
processes (default 2) and one beat on Redis, waits until every timer has fired or the deadline has
passed, and reports what the database recorded: every firing, when it was due and when it fired.
Progress goes to stderr; the last line of stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service.cases.models import TimerFiring
from service.db import make_engine, make_session_factory
from service.flows.cases import start_case
from service.migrate import upgrade
from service.processes.service import register_version
from service.scratch_db import scratch_database

from .engine import ACTOR, POSTGRES_ADMIN_URL, log

ROOT = Path(__file__).resolve().parents[1]
ESCALATION = ROOT / "tests" / "data" / "escalation_case.bpmn"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
ARM_BATCH = 250
TIMER = "advice_overdue"


def arm(sessions: sessionmaker[Session], count: int, window: float) -> datetime:
    """Start ``count`` cases whose timers fall due evenly over ``window`` seconds from a moment
    far enough ahead that arming finishes first; returns that moment."""
    with sessions.begin() as s:
        register_version(session=s, key="escalation", name="Escalation",
                         files={ESCALATION.name: ESCALATION.read_text()}, author="bench", change_note="timers",
                         now=datetime.now(UTC))
    began = time.perf_counter()
    probe = 20
    _start_cases(sessions, probe, datetime.now(UTC) + timedelta(days=1), window, 0, probe)  # never due in the run
    per_case = (time.perf_counter() - began) / probe
    start_at = datetime.now(UTC) + timedelta(seconds=per_case * count * 1.5 + 5)
    for first in range(0, count, ARM_BATCH):
        _start_cases(sessions, min(ARM_BATCH, count - first), start_at, window, first, count)
        log(f"armed {min(first + ARM_BATCH, count)}/{count}")
    return start_at


def _start_cases(sessions: sessionmaker[Session], how_many: int, start_at: datetime, window: float, first: int,
                 total: int) -> None:
    with sessions.begin() as s:
        for index in range(first, first + how_many):
            offset_ms = int(window * 1000 * index / max(total, 1))
            start_case(session=s, process_key="escalation", actor=ACTOR, direction="outbound_concern",
                       urgency="same_day", summary="timer benchmark", now=start_at,
                       data={"due_in": f"PT{offset_ms // 1000}.{offset_ms % 1000:03d}S"})


def start_processes(database_url: str, workers: int, logs: Path) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "SWEEP_INTERVAL": "0.25",
           "MAIL_DIR": str(logs / "mail"), "PYTHONPATH": str(ROOT)}
    env.pop("SMTP_URL", None)
    celery = str(Path(sys.executable).with_name("celery"))
    commands = [[celery, "-A", "workers.app", "worker", "--loglevel=WARNING", "--concurrency=1", "-n",
                 f"bench{n}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]
                for n in range(workers)]
    commands.append([celery, "-A", "workers.app", "beat", "--loglevel=WARNING", "-s", str(logs / "schedule")])
    return [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=(logs / f"p{i}.log").open("wb"),
                             stderr=subprocess.STDOUT, start_new_session=True) for i, cmd in enumerate(commands)]


def stop_processes(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def fired_so_far(sessions: sessionmaker[Session]) -> int:
    with sessions() as s:
        return int(s.scalar(select(func.count(func.distinct(TimerFiring.case_id)))
                            .where(TimerFiring.element_id == TIMER)) or 0)


def report(sessions: sessionmaker[Session], armed: int) -> dict[str, object]:
    with sessions() as s:
        rows = s.execute(select(TimerFiring.case_id, TimerFiring.due_at, TimerFiring.fired_at,
                                TimerFiring.lateness_seconds).where(TimerFiring.element_id == TIMER)).all()
    cases = {row.case_id for row in rows}
    lateness = sorted(row.lateness_seconds for row in rows)
    span = (max(r.fired_at for r in rows) - min(r.due_at for r in rows)).total_seconds() if rows else 0.0

    def percentile(p: float) -> float | None:
        return round(lateness[min(len(lateness) - 1, int(p * len(lateness)))], 3) if lateness else None

    return {
        "armed": armed,
        "fired": len(cases),
        "lost": armed - len(cases),
        "duplicates": len(rows) - len(cases),
        "lateness_p50_s": round(statistics.median(lateness), 3) if lateness else None,
        "lateness_p99_s": percentile(0.99),
        "lateness_max_s": round(lateness[-1], 3) if lateness else None,
        "fired_per_s": round(len(rows) / span, 1) if span > 0 else None,
    }


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1,000 timers; finishes in under a minute")
    parser.add_argument("--timers", type=int)
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    count = args.timers or (1_000 if args.quick else 10_000)
    window = args.window if not args.quick or args.window != 60.0 else 20.0

    with ExitStack() as stack:
        url = stack.enter_context(scratch_database(POSTGRES_ADMIN_URL, prefix="sg_timers"))
        upgrade(url)
        engine = make_engine(url, pool_size=5)
        stack.callback(engine.dispose)
        sessions = make_session_factory(engine)
        start_at = arm(sessions, count, window)
        log(f"{count} timers due from {start_at.isoformat()} over {window:.0f} s; starting {args.workers} workers")
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        processes = start_processes(url, args.workers, logs)
        stack.callback(stop_processes, processes)
        deadline = start_at + timedelta(seconds=window + 30)
        while datetime.now(UTC) < deadline and fired_so_far(sessions) < count:
            time.sleep(1.0)
            log(f"fired {fired_so_far(sessions)}/{count}")
        time.sleep(2.0)  # let a duplicate, if any, land before counting
        result = report(sessions, count)
        result.update(quick=args.quick, window_s=window, workers=args.workers)
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
