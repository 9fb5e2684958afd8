"""API benchmark through the real HTTP stack: gunicorn serving the app, clients over loopback.

    python -m bench.api [--quick]

On PostgreSQL: a manager's team queue with 1,000 and then 100,000 cases in the database (seeded
with bulk inserts), task completions, and 20 clients racing to complete the same tasks. On SQLite
and PostgreSQL: whole cases (start + three tasks of a start -> A -> B -> C -> end diagram) by one
client, one after another. The server is gunicorn (2 workers x 8 threads) started by the
benchmark. Progress goes to stderr; the last line of stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from argon2 import PasswordHasher
from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.accounts.models import User
from service.accounts.teams import ensure_teams
from service.actors import SYSTEM_ACTOR
from service.cases.models import Case
from service.db import make_engine, make_session_factory
from service.migrate import upgrade
from service.processes.bundled import publish_bundled
from service.processes.service import register_version
from service.records.models import AuditEvent
from service.scratch_db import scratch_database
from service.tasks.models import HumanTask

from .engine import POSTGRES_ADMIN_URL, log

ROOT = Path(__file__).resolve().parents[1]
ABC = ROOT / "tests" / "data" / "abc_case.bpmn"
PASSWORD = "bench-password-2026"
# Cases run before the sequential rate is measured (not counted): the first requests on each gunicorn
# worker import, parse and cache the diagram and open database connections; the rate is the steady one.
WARM_UP = 6
TEAMS = 50
SEED_BATCH = 5_000


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """gunicorn serving the app over loopback, against the given database."""

    def __init__(self, database_url: str, logs: Path) -> None:
        self.port = free_port()
        # A deployment's own signing key, as every server on a real database needs (README: "Security").
        env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT), "REDIS_URL": "redis://unused",
               "SECRET_KEY": secrets.token_urlsafe(48)}
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.process = subprocess.Popen(
            [gunicorn, "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--threads", "8", "--log-level",
             "warning", "service.wsgi:app"], cwd=ROOT, env=env, stdout=(logs / "gunicorn.log").open("wb"),
            stderr=subprocess.STDOUT, start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.base}/healthz", timeout=5).ok:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start; see its log")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=15)


def prepare(sessions: sessionmaker[Session]) -> None:
    now = datetime.now(UTC)
    hashed = PasswordHasher().hash(PASSWORD)
    with sessions.begin() as s:
        publish_bundled(session=s, now=now)
        register_version(session=s, key="abc", name="Three steps", files={ABC.name: ABC.read_text()},
                         author="bench", change_note="benchmark", now=now)
        ensure_teams(session=s, names=["team0"], by=SYSTEM_ACTOR, now=now)
        for username, role, team in (("bench.practitioner", "practitioner", "team0"),
                                     ("bench.manager", "manager", "team0")):
            s.add(User(username=username, display_name=username, email=f"{username}@localhost",
                       password_hash=hashed, roles=role, team=team, active=True, created_at=now))


def token(base: str, username: str) -> str:
    response = requests.post(f"{base}/api/tokens", json={"username": username, "password": PASSWORD}, timeout=10)
    response.raise_for_status()
    return str(response.json()["token"])


def seed_cases(engine: Engine, sessions: sessionmaker[Session], target: int) -> float:
    """Bulk-insert cases, each with an open manager task, spread over TEAMS teams, up to ``target``."""
    began = time.perf_counter()
    with sessions() as s:
        have = s.scalar(select(func.count()).select_from(Case)) or 0
        template = s.scalars(select(Case).limit(1)).first()
        version_id = s.scalar(select(func.min(Case.process_version_id))) if template else None
    if version_id is None:
        with sessions() as s:
            from service.processes.models import ProcessVersion

            version_id = s.scalar(select(func.min(ProcessVersion.id)))
    base_time = datetime.now(UTC)
    for first in range(have, target, SEED_BATCH):
        cases, tasks = [], []
        for index in range(first, min(first + SEED_BATCH, target)):
            case_id = str(uuid.uuid4())
            team = f"team{index % TEAMS}"
            cases.append({"id": case_id, "reference": f"ISD-BENCH-{index:07d}", "process_version_id": version_id,
                          "status": "active", "direction": "outbound_concern", "urgency": "routine",
                          "summary": "seeded", "started_by": "seed", "team": team, "created_at": base_time,
                          "updated_at": base_time, "instance_state": "{}", "serializer_version": "seed",
                          "version": 1})
            tasks.append({"id": str(uuid.uuid4()), "case_id": case_id, "element_id": "manager_advice",
                          "name": "Advise and decide", "lane": "Manager", "role": "manager", "team": team,
                          "state": "open", "due_at": base_time + timedelta(minutes=index % 10_000),
                          "created_at": base_time})
        with engine.begin() as conn:
            conn.execute(insert(Case), cases)
            conn.execute(insert(HumanTask), tasks)
        log(f"seeded {min(first + SEED_BATCH, target)}/{target} cases")
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    return time.perf_counter() - began


def timed_gets(url: str, headers: dict[str, str], count: int) -> list[float]:
    spent = []
    with requests.Session() as http:
        for _ in range(count):
            began = time.perf_counter()
            response = http.get(url, headers=headers, timeout=10)
            response.raise_for_status()
            spent.append((time.perf_counter() - began) * 1000)
    return spent


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2)


def whole_cases(base: str, bearer: str, cases: int) -> tuple[float, list[float]]:
    """Cases per second for start + three completions, one client; and each completion's time (ms)."""
    headers = {"Authorization": f"Bearer {bearer}"}
    completions: list[float] = []
    began = time.perf_counter()
    with requests.Session() as http:
        for _ in range(cases):
            case = http.post(f"{base}/api/cases", headers=headers, timeout=10, json={
                "process": "abc", "direction": "outbound_concern", "urgency": "routine", "summary": "bench"}).json()
            following = case["open_tasks"]
            for _ in range(3):
                start = time.perf_counter()
                done = http.post(f"{base}/api/tasks/{following[0]['id']}/complete", headers=headers,
                                 json={"data": {}}, timeout=10)
                completions.append((time.perf_counter() - start) * 1000)
                done.raise_for_status()
                following = done.json()["next_tasks"]
            assert following == [], following
    return cases / (time.perf_counter() - began), completions


def race(base: str, bearer: str, sessions: sessionmaker[Session], clients: int) -> dict[str, int]:
    """``clients`` clients each try to complete every one of ``clients`` open tasks at once."""
    headers = {"Authorization": f"Bearer {bearer}"}
    task_ids = []
    for _ in range(clients):
        case = requests.post(f"{base}/api/cases", headers=headers, timeout=10, json={
            "process": "abc", "direction": "outbound_concern", "urgency": "routine", "summary": "race"}).json()
        task_ids.append(case["open_tasks"][0]["id"])

    def client(offset: int) -> list[int]:
        codes = []
        with requests.Session() as http:
            for i in range(len(task_ids)):
                task_id = task_ids[(i + offset) % len(task_ids)]
                codes.append(http.post(f"{base}/api/tasks/{task_id}/complete", headers=headers, json={"data": {}},
                                       timeout=30).status_code)
        return codes

    with ThreadPoolExecutor(clients) as pool:
        codes = [code for result in pool.map(client, range(clients)) for code in result]
    with sessions() as s:
        completions: dict[str | None, int] = dict(s.execute(select(AuditEvent.task_id, func.count()).where(
            AuditEvent.task_id.in_(task_ids), AuditEvent.action == "task_completed")
            .group_by(AuditEvent.task_id)).tuples().all())
        completed_rows = s.scalar(select(func.count()).select_from(HumanTask).where(
            HumanTask.id.in_(task_ids), HumanTask.state == "completed")) or 0
    lost = sum(1 for t in task_ids if completions.get(t, 0) != 1) + (len(task_ids) - completed_rows)
    return {"concurrent_clients": clients, "concurrent_errors": sum(c not in (200, 409) for c in codes),
            "concurrent_successes": codes.count(200), "lost_updates": lost}


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10,000 cases instead of 100,000; under 60 s")
    args = parser.parse_args(argv)
    big = 10_000 if args.quick else 100_000
    gets, cases = (50, 20) if args.quick else (200, 60)
    result: dict[str, Any] = {"server": "gunicorn, 2 workers x 8 threads", "quick": args.quick}

    with ExitStack() as stack:
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        sqlite_url = f"sqlite:///{logs / 'bench.db'}"
        upgrade(sqlite_url)
        prepare(make_session_factory(make_engine(sqlite_url)))
        server = Server(sqlite_url, logs)
        try:
            bearer = token(server.base, "bench.practitioner")
            whole_cases(server.base, bearer, WARM_UP)  # each worker parses the diagram and connects once
            rate, _ = whole_cases(server.base, bearer, cases)
        finally:
            server.stop()
        result["http_cases_per_s_sqlite"] = round(rate, 1)
        log(f"SQLite: {rate:.1f} cases/s")

        url = stack.enter_context(scratch_database(POSTGRES_ADMIN_URL, prefix="sg_api"))
        upgrade(url)
        engine = make_engine(url)
        stack.callback(engine.dispose)
        sessions = make_session_factory(engine)
        prepare(sessions)
        server = Server(url, logs)
        stack.callback(server.stop)
        practitioner, manager = token(server.base, "bench.practitioner"), token(server.base, "bench.manager")
        whole_cases(server.base, practitioner, WARM_UP)
        rate, completions = whole_cases(server.base, practitioner, cases)
        result["http_cases_per_s_postgres"] = round(rate, 1)
        result["complete_p50_ms"] = round(statistics.median(completions), 2)
        result["complete_p99_ms"] = round(sorted(completions)[min(len(completions) - 1,
                                                                  int(0.99 * len(completions)))], 2)
        queue = f"{server.base}/api/tasks?scope=team&limit=20"  # one page, the same size however many cases
        headers = {"Authorization": f"Bearer {manager}"}
        seed_cases(engine, sessions, 1_000)
        timed_gets(queue, headers, 20)  # warm both workers' caches before measuring
        small = timed_gets(queue, headers, gets)
        seconds = seed_cases(engine, sessions, big)
        large = timed_gets(queue, headers, gets)
        size = "100k" if not args.quick else "10k"
        result.update({"task_list_p95_ms_1k": p95(small), f"task_list_p95_ms_{size}": p95(large),
                       f"task_list_ratio_{size}_vs_1k": round(p95(large) / p95(small), 2),
                       "seed_seconds": round(seconds, 1)})
        result.update(race(server.base, practitioner, sessions, 20))
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
