"""A process owner in a real browser sees the cases a broken expression stopped, in plain words, publishes a
fix and presses "Carry on": the cases move to the fixed version and their practitioner's next step opens.
The page passes an automated accessibility audit."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from service.accounts.service import actor_of, user_by_name
from service.db import make_engine, make_session_factory
from service.flows import cases as case_flows
from service.flows import tasks as task_flows
from service.processes.service import register_version
from service.tasks.models import HumanTask, TaskStatus
from tests.e2e.test_accessibility import violations
from tests.e2e.test_web_journeys import SHOTS, serving, sign_in
from tests.processes.test_stuck import BROKEN, FIXED, stuck_files


def publish(database_url: str, script: str) -> None:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine).begin() as s:
            register_version(session=s, key="stuck", name="Deadline check", files=stuck_files("task", script),
                             author="pat.owner", change_note="", now=datetime.now(UTC))
    finally:
        engine.dispose()


def stopped_case(database_url: str) -> str:
    """tess.teacher's case whose first step she completed; the reference of the case."""
    engine = make_engine(database_url)
    try:
        sessions = make_session_factory(engine)
        with sessions.begin() as s:
            user = user_by_name(session=s, username="tess.teacher")
            assert user is not None
            case = case_flows.start_case(session=s, process_key="stuck", actor=actor_of(user),
                                    direction="outbound_concern", urgency="routine", summary="A concern",
                                    now=datetime.now(UTC))
            case_id, reference = case.id, case.reference
        with sessions.begin() as s:
            task_id = s.scalars(select(HumanTask.id).where(HumanTask.case_id == case_id,
                                                           HumanTask.state == TaskStatus.OPEN)).one()
            task_flows.complete_task(session=s, task_id=task_id, actor=actor_of(user), data={}, now=datetime.now(UTC))
        return reference
    finally:
        engine.dispose()


@pytest.mark.e2e
def test_an_owner_sees_stuck_cases_publishes_a_fix_and_carries_them_on(browser: Any, tmp_path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serving(tmp_path) as address:
        database_url = f"sqlite:///{tmp_path / 'web.db'}"
        publish(database_url, BROKEN)
        first, second = stopped_case(database_url), stopped_case(database_url)

        page = browser.new_page(viewport={"width": 1200, "height": 900})
        sign_in(page, address, "pat.owner")
        page.goto(f"{address}/processes/stuck/stuck")
        expect(page.get_by_role("heading", name="Stuck cases: Deadline check")).to_be_visible()
        group = page.get_by_role("heading", name="2 cases stopped at 'Check the manager's deadline' (version 1)")
        expect(group).to_be_visible()
        expect(page.get_by_text("name 'days_left' is not defined")).to_be_visible()
        expect(page.get_by_text("No newer version has been published")).to_be_visible()
        expect(page.get_by_role("cell", name=first, exact=True)).to_be_visible()
        page.screenshot(path=str(SHOTS / "stuck-cases.png"), full_page=True)
        assert violations(page) == [], "an automated accessibility audit (axe-core, WCAG 2.1 AA) finds nothing"

        publish(database_url, FIXED)
        page.reload()
        expect(page.get_by_text("Version 2 is newer")).to_be_visible()
        page.get_by_role("button", name=f"Carry on {first}").click()
        expect(page.get_by_role("status").filter(
            has_text=f"{first}: It moved from version 1 to version 2. It carried on.")).to_be_visible()
        expect(page.get_by_role("heading", name=re.compile(r"^1 case stopped at"))).to_be_visible()
        expect(page.get_by_role("cell", name=first, exact=True)).to_have_count(0)

        page.get_by_role("button", name=f"Carry on {second}").click()
        expect(page.get_by_text("No case of this process is stuck.")).to_be_visible()
        page.screenshot(path=str(SHOTS / "stuck-cases-carried-on.png"), full_page=True)

        # The practitioner's cases carried on past the fixed step: her next step waits for her.
        practitioner = browser.new_page(viewport={"width": 1200, "height": 900})
        sign_in(practitioner, address, "tess.teacher")
        expect(practitioner.get_by_role("link", name="Decide")).to_have_count(2)
