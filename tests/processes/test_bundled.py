"""The shipped process is published once on a new database, then left to its process owners."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from service.flows.cases import start_case
from service.processes.bundled import BUNDLED_KEY, publish_bundled
from service.processes.service import compiled_process, latest_version
from tests.conftest import PRACTITIONER


def test_the_shipped_process_is_published_once_and_can_start_a_case(
    session_factory: sessionmaker[Session], now: datetime
) -> None:
    with session_factory.begin() as s:
        version = publish_bundled(session=s, now=now)
        assert version is not None and version.number == 1
        forms = {name for name in version.file_map() if name.startswith("forms/")}
        assert {f"forms/{t.form}" for t in compiled_process(version).user_tasks.values()} <= forms
    with session_factory.begin() as s:
        assert publish_bundled(session=s, now=now) is None, "a second start leaves the process owners' versions"
        assert latest_version(session=s, key=BUNDLED_KEY).number == 1
        case = start_case(session=s, process_key=BUNDLED_KEY, actor=PRACTITIONER, direction="inbound_request",
                          urgency="routine", summary="A request", now=now)
        assert case.status == "active"
