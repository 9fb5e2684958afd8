"""Operators see timer lateness, task backlogs, the outbox and incidents; logs carry case ids."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.app import create_app
from service.config import Config
from service.flows.cases import fire_due_timers, start_case
from service.logs import JsonFormatter
from service.metrics import render_metrics
from service.processes.service import register_version
from tests.conftest import PRACTITIONER, escalation_files


def _metric(text: str, line_start: str) -> float:
    [line] = [line for line in text.splitlines() if line.startswith(line_start + " ")]
    return float(line.rsplit(" ", 1)[1])


def test_metrics_report_lateness_backlogs_and_cases(session_factory: sessionmaker[Session], db_engine: Engine,
                                                    now: datetime, test_config: Callable[..., Config]) -> None:
    with session_factory.begin() as s:
        register_version(session=s, key="escalation", name="Escalation", files=escalation_files(), author="pat",
                         change_note="test", now=now)
        for _ in range(2):
            start_case(session=s, process_key="escalation", actor=PRACTITIONER, direction="outbound_concern",
                       urgency="same_day", summary="metrics", now=now, data={"due_in": "PT1H"})
    with session_factory.begin() as s:
        fire_due_timers(session=s, now=now + timedelta(hours=1, seconds=30))  # 30 s late
    with session_factory() as s:
        text = render_metrics(s, now + timedelta(hours=1, minutes=1))

    name = "safeguarding_timer_lateness_seconds"
    assert _metric(text, f'{name}_bucket{{le="10.0"}}') == 0
    assert _metric(text, f'{name}_bucket{{le="30.0"}}') == 2 and _metric(text, f"{name}_count") == 2
    assert _metric(text, f"{name}_sum") == 60.0
    assert _metric(text, 'safeguarding_open_tasks{role="dsl"}') == 2
    assert _metric(text, 'safeguarding_overdue_tasks{role="dsl"}') == 0
    assert _metric(text, 'safeguarding_outbox_messages{status="pending"}') == 4  # manager twice, then DSL twice
    assert _metric(text, 'safeguarding_cases{status="active"}') == 2
    assert _metric(text, "safeguarding_timers_due") == 0

    url = db_engine.url.render_as_string(hide_password=False)
    client = create_app(test_config(database_url=url, testing=True, metrics_token="scrape-me-0123456789")).test_client()
    response = client.get("/metrics", headers={"Authorization": "Bearer scrape-me-0123456789"})
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert f"# TYPE {name} histogram" in response.get_data(as_text=True)
    for headers in ({}, {"Authorization": "Bearer guess"}):
        refused = client.get("/metrics", headers=headers)
        assert refused.status_code == 401 and "METRICS_TOKEN" in refused.get_data(as_text=True)
        assert "safeguarding_" not in refused.get_data(as_text=True)
    off = create_app(test_config(database_url=url, testing=True)).test_client().get("/metrics")
    assert off.status_code == 404 and "metrics are off" in off.get_data(as_text=True)


def test_log_lines_are_json_with_the_case_and_task() -> None:
    record = logging.LogRecord("service.sweeper", logging.INFO, __file__, 1, "timer fired", None, None)
    record.case_id, record.task_id = "case-1", "task-9"
    entry = json.loads(JsonFormatter().format(record))
    assert (entry["message"], entry["case_id"], entry["task_id"], entry["level"]) == (
        "timer fired", "case-1", "task-9", "info")
