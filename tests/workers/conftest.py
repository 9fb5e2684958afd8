"""Real Celery workers and beats, as separate processes, against a real PostgreSQL and Redis."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.audit.trail import verify_chain
from service.cases.models import Case
from service.db import make_engine, make_session_factory
from service.flows.cases import start_case
from service.migrate import upgrade
from service.notifications.models import OutboxMessage
from service.processes.service import register_version
from service.records.models import AuditEvent
from service.scratch_db import ServerUnavailable, scratch_database
from service.tasks.models import HumanTask
from tests.conftest import POSTGRES_ADMIN_URL, PRACTITIONER, escalation_files

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + "/15"
CELERY = Path(sys.executable).with_name("celery")
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Workers:
    """Worker and beat processes started for one test, all stopped at its end."""

    env: dict[str, str]
    logs: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def _start(self, args: list[str], name: str, app: str = "workers.app") -> subprocess.Popen[bytes]:
        out = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen([str(CELERY), "-A", app, *args], cwd=ROOT, env=self.env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        return process

    def worker(self, name: str = "w1", app: str = "workers.app") -> subprocess.Popen[bytes]:
        """A worker of ``app`` (the Celery app's module): one process, one task at a time."""
        return self._start(["worker", "--loglevel=INFO", "--concurrency=1", "-n", f"{name}@%h",
                            "--without-gossip", "--without-mingle", "--without-heartbeat"], name, app)

    def beat(self, name: str = "beat1") -> subprocess.Popen[bytes]:
        return self._start(["beat", "--loglevel=INFO", "-s", str(self.logs / f"{name}-schedule")], name)

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """kill -9 the process and every child it forked."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                self.kill(process)
        self.processes.clear()


@dataclass
class WorkerDatabase:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    def start_cases(self, count: int, due_in: str) -> list[str]:
        now = datetime.now(UTC)
        with self.sessions.begin() as s:
            return [start_case(session=s, process_key="escalation", actor=PRACTITIONER, direction="outbound_concern",
                               urgency="same_day", summary="worker test", now=now, data={"due_in": due_in}).id
                    for _ in range(count)]

    def escalations(self, case_ids: list[str]) -> dict[str, int]:
        """How many DSL tasks each case has (exactly one when its manager timer fired once)."""
        with self.sessions() as s:
            rows = s.execute(select(HumanTask.case_id, func.count()).where(
                HumanTask.case_id.in_(case_ids), HumanTask.element_id == "advise_escalated")
                .group_by(HumanTask.case_id)).all()
        counts = dict.fromkeys(case_ids, 0)
        counts.update({case_id: n for case_id, n in rows})
        return counts

    def timer_events(self, case_ids: list[str], element: str = "advice_overdue") -> int:
        """How many times the audit trail says ``element``'s timer fired for these cases."""
        with self.sessions() as s:
            return int(s.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.case_id.in_(case_ids), AuditEvent.action == "timer_fired",
                AuditEvent.summary.contains(f'"{element}"'))) or 0)

    def audit_chain_problems(self) -> list[str]:
        """What verifying the whole audit chain finds (nothing, when every writer chained onto the real end)."""
        with self.sessions() as s:
            return verify_chain(session=s).problems

    def all_due(self, case_ids: list[str]) -> bool:
        """Whether every one of these cases has a timer due now."""
        with self.sessions() as s:
            due = s.scalar(select(func.count()).select_from(Case).where(
                Case.id.in_(case_ids), Case.next_timer_at <= datetime.now(UTC)))
        return due == len(case_ids)

    def sessions_waiting_for_a_lock(self) -> int:
        """How many other sessions on this database are waiting for a row lock someone holds."""
        with self.engine.connect() as conn:
            return int(conn.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'")) or 0)

    def end_sessions_waiting_for_a_lock(self) -> int:
        """End the sessions left waiting for a lock by a killed process (the server would end each once
        it noticed its client gone), so that their transactions roll back now."""
        with self.engine.connect() as conn:
            return len(conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'")).all())

    def dsl_messages(self, case_ids: list[str]) -> int:
        with self.sessions() as s:
            return int(s.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.case_id.in_(case_ids), OutboxMessage.recipient_role == "dsl")) or 0)


@pytest.fixture(scope="module")
def worker_db() -> Iterator[WorkerDatabase]:
    try:
        with scratch_database(POSTGRES_ADMIN_URL, prefix="sg_workers") as url:
            upgrade(url)
            engine = make_engine(url)
            sessions = make_session_factory(engine)
            with sessions.begin() as s:
                register_version(session=s, key="escalation", name="Escalation", files=escalation_files(),
                                 author="pat", change_note="workers", now=datetime.now(UTC))
            yield WorkerDatabase(url, engine, sessions)
            engine.dispose()
    except ServerUnavailable as exc:
        pytest.fail(f"{exc}: the worker tests need PostgreSQL")


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis is not answering at {REDIS_URL}: {exc}")
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def workers(worker_db: WorkerDatabase, redis_client: redis.Redis, tmp_path: Path,
            sealing_keys_file: Path) -> Iterator[Workers]:
    env = {**os.environ, "DATABASE_URL": worker_db.url, "REDIS_URL": REDIS_URL, "SWEEP_INTERVAL": "0.5",
           "MAIL_DIR": str(tmp_path / "mail"), "PYTHONPATH": str(ROOT)}
    env.pop("SMTP_URL", None)
    env["DISCLOSURE_KEYS_FILE"] = str(sealing_keys_file)  # the keys the tests seal with
    started = Workers(env=env, logs=tmp_path)
    yield started
    started.stop_all()


def wait_until(condition: Callable[[], bool], timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(message)


def reset_cases(worker_db: WorkerDatabase) -> None:
    with worker_db.engine.begin() as conn:
        conn.execute(text("UPDATE \"case\" SET status = 'completed' WHERE status = 'active'"))
