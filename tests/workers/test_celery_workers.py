"""Escalations fired by real Celery workers: never late, never lost, never doubled."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import redis

from tests.mailserver import MailServer
from tests.workers.conftest import WorkerDatabase, Workers, reset_cases, wait_until

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _quiet_database(worker_db: WorkerDatabase) -> None:
    # Each test counts only its own cases; earlier tests' cases must not keep firing.
    reset_cases(worker_db)


def test_a_worker_and_beat_fire_an_escalation_and_the_dsl_is_emailed(
    worker_db: WorkerDatabase, workers: Workers, mail_server: MailServer
) -> None:
    workers.env["SMTP_URL"] = mail_server.url
    workers.env["NOTIFY_DSL"] = "dsl@school.example"
    [case_id] = worker_db.start_cases(1, due_in="PT2S")
    workers.worker()
    workers.beat()
    wait_until(lambda: worker_db.escalations([case_id])[case_id] == 1, 30, "the escalation did not fire")
    wait_until(lambda: any(m["To"] == "dsl@school.example" for m in mail_server.inbox.messages), 30,
               "the DSL was not emailed")
    time.sleep(1.5)
    assert worker_db.escalations([case_id]) == {case_id: 1}
    assert worker_db.timer_events([case_id]) == 1


@pytest.mark.parametrize("attempt", range(20))
def test_killing_the_worker_while_it_holds_an_escalation_loses_and_doubles_nothing(
    worker_db: WorkerDatabase, workers: Workers, attempt: int
) -> None:
    case_ids = worker_db.start_cases(100, due_in="PT1S")
    workers.beat()
    first = workers.worker("w1")
    # Kill it in the middle of its sweep: some escalations done, the next one in its hands.
    wait_until(lambda: sum(worker_db.escalations(case_ids).values()) > 0, 40, "the first worker fired nothing")
    workers.kill(first)
    fired_before_the_kill = sum(worker_db.escalations(case_ids).values())
    workers.worker("w2")
    wait_until(lambda: all(n >= 1 for n in worker_db.escalations(case_ids).values()), 60,
               f"not every escalation fired after the kill: {worker_db.escalations(case_ids)}")
    time.sleep(1.0)
    assert 0 < fired_before_the_kill < 100, "the kill landed mid-sweep"
    assert set(worker_db.escalations(case_ids).values()) == {1}
    assert worker_db.timer_events(case_ids) == 100 and worker_db.dsl_messages(case_ids) == 100
    assert worker_db.audit_chain_problems() == []


def test_flushing_redis_with_100_timers_pending_loses_none(
    worker_db: WorkerDatabase, workers: Workers, redis_client: redis.Redis
) -> None:
    case_ids = worker_db.start_cases(100, due_in="PT3S")
    workers.beat()
    workers.worker()
    for _ in range(3):
        time.sleep(1.0)
        redis_client.flushall()
    wait_until(lambda: all(n == 1 for n in worker_db.escalations(case_ids).values()), 60,
               "some timers were lost with Redis flushed")
    time.sleep(1.0)
    assert set(worker_db.escalations(case_ids).values()) == {1}
    assert worker_db.timer_events(case_ids) == 100


def test_two_workers_and_two_beats_never_fire_an_escalation_twice(
    worker_db: WorkerDatabase, workers: Workers, tmp_path: Path
) -> None:
    case_ids = worker_db.start_cases(50, due_in="PT2S")
    workers.worker("w1")
    workers.worker("w2")
    workers.beat("beat1")
    workers.beat("beat2")
    wait_until(lambda: all(n >= 1 for n in worker_db.escalations(case_ids).values()), 60,
               "not every escalation fired")
    time.sleep(2.0)
    assert set(worker_db.escalations(case_ids).values()) == {1}
    assert worker_db.timer_events(case_ids) == 50 and worker_db.dsl_messages(case_ids) == 50
    # Two processes appended to the audit chain at once, each remembering where it last left it.
    assert worker_db.audit_chain_problems() == []
