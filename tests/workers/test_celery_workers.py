"""Escalations fired by real Celery workers: never late, never lost, never doubled."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import redis
from sqlalchemy import text

from service.config import Config
from tests.mailserver import MailServer
from tests.workers.conftest import REDIS_URL, WorkerDatabase, Workers, reset_cases, wait_until
from workers.app import make_celery

SHORT_VISIBILITY_APP = "tests.workers.short_visibility"

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


def test_a_sweep_whose_worker_is_killed_is_delivered_again_and_fires_each_timer_once(
    worker_db: WorkerDatabase, workers: Workers, redis_client: redis.Redis
) -> None:
    case_ids = worker_db.start_cases(5, due_in="PT1S")
    wait_until(lambda: worker_db.all_due(case_ids), 10, "the timers did not come due")
    # No beat: one wake-up call, sent once, is the only way these timers can fire.
    client = make_celery(Config(redis_url=REDIS_URL))
    with worker_db.engine.connect() as holder:
        # Hold the audit chain's head: the worker's sweep stops at its first timer's audit event, with
        # the call taken and not yet acknowledged, and commits nothing. Killed there, deterministically.
        held = holder.begin()
        holder.execute(text("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE"))
        first = workers.worker("w1", app=SHORT_VISIBILITY_APP)
        sent = client.send_task("workers.tasks.sweep_timers")
        wait_until(lambda: worker_db.sessions_waiting_for_a_lock() == 1, 60, "the worker did not start the sweep")
        workers.kill(first)
        assert worker_db.end_sessions_waiting_for_a_lock() == 1
        held.rollback()
    client.close()
    assert sum(worker_db.escalations(case_ids).values()) == 0, "the killed worker fired nothing"
    # Acknowledged late: the call is not back in the queue, it waits unacknowledged for its visibility timeout.
    assert redis_client.llen("celery") == 0 and redis_client.hlen("unacked") == 1

    workers.worker("w2", app=SHORT_VISIBILITY_APP)
    wait_until(lambda: all(n >= 1 for n in worker_db.escalations(case_ids).values()), 60,
               f"the sweep was not delivered again: {worker_db.escalations(case_ids)}")
    # Delivered again and acknowledged once it had run: nothing is left to deliver a third time.
    wait_until(lambda: redis_client.hlen("unacked") == 0 and redis_client.llen("celery") == 0, 30,
               "the sweep delivered again was not acknowledged")
    assert set(worker_db.escalations(case_ids).values()) == {1}
    assert worker_db.timer_events(case_ids) == 5 and worker_db.dsl_messages(case_ids) == 5
    assert worker_db.audit_chain_problems() == []
    # The same call: taken by the killed worker, run to its end by the other.
    first_log, second_log = ((workers.logs / f"{name}.log").read_text() for name in ("w1", "w2"))
    assert f"sweep_timers[{sent.id}] received" in first_log and "succeeded" not in first_log
    assert f"sweep_timers[{sent.id}] succeeded" in second_log


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
