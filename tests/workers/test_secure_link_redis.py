"""A secure link delivered by a real Celery worker and beat: the email arrives, and nothing of the
package, its link or its code is ever in Redis (the tasks carry no arguments, only ids come back)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy import select

from service.accounts.demo import seed_demo_accounts
from service.accounts.service import actor_of, user_by_name
from service.disclosures.keys import Keyring, new_key_line
from service.flows import cases as case_flows
from service.flows import tasks as task_flows
from service.flows.secure_links import send_secure_link
from service.processes.bundled import BUNDLED_KEY, publish_bundled
from service.tasks.models import HumanTask, TaskStatus
from tests.e2e.test_recipient_browser import STEPS
from tests.mailserver import MailServer
from tests.workers.conftest import WorkerDatabase, Workers, reset_cases, wait_until

pytestmark = pytest.mark.postgres


def everything_in(client: redis.Redis) -> bytes:
    """Every key and value in the Redis database, as one blob to search."""
    blob = b""
    for key in client.scan_iter():
        kind = client.type(key)
        blob += key
        if kind == b"string":
            blob += client.get(key) or b""
        elif kind == b"list":
            blob += b"".join(client.lrange(key, 0, -1))
        elif kind == b"hash":
            blob += b"".join(k + v for k, v in client.hgetall(key).items())
        elif kind == b"set":
            blob += b"".join(client.smembers(key))
        elif kind == b"zset":
            blob += b"".join(client.zrange(key, 0, -1))
    return blob


def test_a_worker_delivers_the_link_and_redis_never_holds_the_package(
        worker_db: WorkerDatabase, workers: Workers, redis_client: redis.Redis, mail_server: MailServer,
        tmp_path: Path) -> None:
    reset_cases(worker_db)
    now = datetime.now(UTC)
    with worker_db.sessions.begin() as s:
        publish_bundled(session=s, now=now)
        seed_demo_accounts(session=s, now=now)
    with worker_db.sessions.begin() as s:
        user = user_by_name(session=s, username="tess.teacher")
        assert user is not None
        actor = actor_of(user)
        case_id = case_flows.start_case(session=s, process_key=BUNDLED_KEY, actor=actor, direction="outbound_concern",
                                   urgency="routine", summary="A concern", now=now).id
    for element, answers in [*STEPS, ("send_securely", None)]:
        with worker_db.sessions.begin() as s:
            task_id = s.scalars(select(HumanTask.id).where(HumanTask.case_id == case_id,
                                                           HumanTask.element_id == element,
                                                           HumanTask.state == TaskStatus.OPEN)).one()
            if answers is not None:
                task_flows.complete_task(session=s, task_id=task_id, actor=actor, data=answers, now=now)
            else:
                sent = send_secure_link(session=s, task_id=task_id, actor=actor, keyring=Keyring.parse(new_key_line()),
                                        now=now, lifetime=timedelta(hours=1), base_url="http://127.0.0.1:8000")
                code = sent.code

    workers.env["SMTP_URL"] = mail_server.url
    workers.worker()
    workers.beat()
    wait_until(lambda: any(m["To"] == "alex.reed@example.org" for m in mail_server.inbox.messages), 30,
               "the worker did not deliver the link")
    [email] = [m for m in mail_server.inbox.messages if m["To"] == "alex.reed@example.org"]
    token = re.search(r"/shared/([A-Za-z0-9_\-]+)", email.get_payload(decode=True).decode())
    assert token, "the email carries the link"
    stored = everything_in(redis_client)
    assert stored, "the worker and beat did use Redis"
    for secret in [token.group(1), code, "Sam cares for his mother", "Attendance fell", "Sam Carter", "Alex Reed"]:
        assert secret.encode() not in stored, secret
