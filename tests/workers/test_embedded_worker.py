"""Without Redis, the service itself fires timers and writes mail, on a background thread."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service.config import Config
from service.flows.cases import start_case
from service.processes.service import register_version
from service.sweeper import EmbeddedWorker
from service.tasks.models import HumanTask
from tests.conftest import PRACTITIONER, escalation_files


def test_the_embedded_worker_fires_a_due_timer_and_writes_the_mail(
    sqlite_session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    sessions = sqlite_session_factory
    with sessions.begin() as s:
        register_version(session=s, key="escalation", name="Escalation", files=escalation_files(), author="pat",
                         change_note="test", now=datetime.now(UTC))
        start_case(session=s, process_key="escalation", actor=PRACTITIONER, direction="outbound_concern",
                   urgency="same_day", summary="embedded", now=datetime.now(UTC), data={"due_in": "PT1S"})
    mail = tmp_path / "mail"
    worker = EmbeddedWorker(sessions, Config(mail_dir=str(mail), sweep_interval=0.2), delivery_every=0.2)
    worker.start()
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with sessions() as s:
                escalated = s.scalar(select(func.count()).select_from(HumanTask)
                                     .where(HumanTask.element_id == "advise_escalated"))
            if escalated and len(list(mail.glob("*.eml"))) >= 2:
                break
            time.sleep(0.2)
    finally:
        worker.stop()
        worker.join(timeout=5)
    assert escalated == 1
    addressed = sorted(p.read_bytes().split(b"To: ")[1].split(b"\n")[0].strip() for p in mail.glob("*.eml"))
    assert addressed[:2] == [b"dsl@localhost", b"managers@localhost"]
