"""The settings given to ``create_app(config)`` reach the engine's deadlines; the environment does not."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.app import create_app
from service.config import PROJECT_ROOT, Config
from service.processes.service import register_version
from service.tasks.models import HumanTask
from service.workcalendar import WorkingCalendar, calendar_for_hours
from tests.api.conftest import Api, seed_process_and_accounts
from tests.conftest import DATA, outside_the_checkout

ROOT = Path(__file__).resolve().parents[2]


def _working_hours_process() -> dict[str, str]:
    """The escalation test process with its manager's deadline in working time: 2 working hours."""
    bpmn = (DATA / "escalation_case.bpmn").read_text()
    first = '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">due_in</bpmn:timeDuration>'
    assert first in bpmn
    bpmn = bpmn.replace(first, '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">in_working_hours(2)</bpmn:timeDate>',
                        1)
    return {"escalation_case.bpmn": bpmn}


def _advice_due(api: Api, sessions: sessionmaker[Session]) -> tuple[datetime, datetime]:
    """Start a case through the app; the manager's task's creation instant and its due time."""
    case = api.post("/api/cases", "tess.teacher", {"process": "working_hours", "direction": "outbound_concern",
                                                    "urgency": "same_day", "summary": "deadline"}, expect=201)
    with sessions() as s:
        task = s.scalars(select(HumanTask).where(HumanTask.case_id == case["id"],
                                                 HumanTask.element_id == "advise")).one()
    assert task.due_at is not None
    return task.created_at.replace(tzinfo=UTC), task.due_at.replace(tzinfo=UTC)


def test_the_working_hours_given_to_create_app_set_a_tasks_due_time(
    db_engine: Engine, session_factory: sessionmaker[Session], sealing_keys_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed_process_and_accounts(session_factory)
    with session_factory.begin() as s:
        register_version(session=s, key="working_hours", name="Working hours", files=_working_hours_process(),
                         author="pat.owner", change_note="deadline in working hours", now=datetime.now(UTC))
    # The environment says something else again: only the config given to the app counts.
    monkeypatch.setenv("WORKING_HOURS", "07:00-07:30")
    url = db_engine.url.render_as_string(hide_password=False)
    keys = str(sealing_keys_file)
    short = create_app(Config(database_url=url, testing=True, working_hours="09:00-10:00", disclosure_keys_file=keys))
    usual = create_app(Config(database_url=url, testing=True, disclosure_keys_file=keys))

    started, due = _advice_due(Api(short.test_client(), {}), session_factory)
    assert due == calendar_for_hours("09:00-10:00").add_working_hours(started, 2)
    usual_started, usual_due = _advice_due(Api(usual.test_client(), {}), session_factory)
    assert usual_due == WorkingCalendar().add_working_hours(usual_started, 2)
    # An hour a day: two working hours take two working days, never so in a nine-to-five office.
    assert (due - started) > (usual_due - usual_started)


def test_importing_the_calendar_reads_no_environment() -> None:
    # Settings that would stop start-up if read: importing the calendar (and the engine) must not read them.
    probe = ("import service.workcalendar as w, service.engine.deadlines as d; "
             "print(w.DEFAULT_CALENDAR.day_start, w.DEFAULT_CALENDAR.day_end, d.calendars_in_use().working.day_end)")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "WORKING_HOURS": "not hours at all",
           "SCHOOL_CLOSURES": "not dates either"}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["09:00:00", "17:00:00", "17:00:00"]


def test_the_apps_tests_make_keep_their_files_out_of_the_checkout(app: Flask) -> None:
    config: Config = app.extensions["service_config"]
    assert outside_the_checkout(config) is config
    assert not Path(config.disclosure_keys_file).is_relative_to(PROJECT_ROOT)
    assert not Path(config.mail_dir).is_relative_to(PROJECT_ROOT)
    # The embedded defaults are in var/ of the checkout: a test given them is stopped before it writes there.
    with pytest.raises(AssertionError, match="in the checkout"):
        outside_the_checkout(Config())
