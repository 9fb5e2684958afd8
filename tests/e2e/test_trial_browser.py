"""A process owner tries a draft in a real browser: every sample case ticked, a fact typed in wrongly and
told so, then each sample's path, timers in UK time, lawful basis and end, with the changes from the
published version in plain words."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from service.actors import Actor
from service.db import make_engine, make_session_factory
from service.processes.drafts import create_draft
from tests.e2e.test_web_journeys import SHOTS, serving, sign_in
from tests.processes.test_drafts import OLD_TIMER, with_manager_timer

KEY = "information_sharing"


def saved_draft(database_url: str) -> str:
    """pat.owner's draft giving a same-day manager three working hours instead of two."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine).begin() as s:
            slower = with_manager_timer(OLD_TIMER.replace("in_working_hours(2)", "in_working_hours(3)"))
            draft = create_draft(session=s, key=KEY, uploaded={"edited.bpmn": slower}, now=datetime.now(UTC),
                                 actor=Actor("pat.owner", frozenset({"process_owner"})),
                                 change_note="Three working hours for same-day advice")
            return draft.id
    finally:
        engine.dispose()


@pytest.mark.e2e
def test_a_process_owner_tries_a_draft_on_the_sample_cases(browser: Any, tmp_path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serving(tmp_path) as address:
        draft_id = saved_draft(f"sqlite:///{tmp_path / 'web.db'}")
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        sign_in(page, address, "pat.owner")
        page.goto(f"{address}/processes/{KEY}/drafts/{draft_id}/trial")
        expect(page.get_by_role("heading", name="Try the draft")).to_be_visible()
        boxes = page.get_by_role("checkbox")
        expect(boxes).to_have_count(6)
        for index in range(6):
            expect(boxes.nth(index)).to_be_checked()

        page.get_by_label("Facts to change (optional)").fill("consent refused")
        page.get_by_role("button", name="Try the draft").click()
        expect(page.get_by_role("alert")).to_contain_text("Line 1: write each fact as name = value")

        page.get_by_label("Facts to change (optional)").fill("")
        page.get_by_role("button", name="Try the draft").click()
        expect(page.get_by_role("heading", name="Results")).to_be_visible()

        self_harm = page.locator("section.trial-sample", has=page.get_by_role("heading", name="Scenario 5:"))
        expect(self_harm.get_by_text("Changes from version 1")).to_be_visible()
        expect(self_harm.locator(".trial-changes")).to_contain_text("'Advice overdue' falls due")
        expect(self_harm.locator(".trial-path").first).to_contain_text("Advise and decide (escalated) — DSL")
        expect(self_harm.locator(".trial-timers").first).to_contain_text("GMT")
        expect(self_harm.locator(".trial-end").first).to_contain_text("The case finished")

        young_carer = page.locator("section.trial-sample", has=page.get_by_role("heading", name="Scenario 1:"))
        expect(young_carer.get_by_text("Same outcome as version 1")).to_be_visible()
        expect(young_carer.locator(".trial-basis").first).to_contain_text("Article 6(1)(e) public task")
        expect(young_carer.locator(".trial-path li").nth(1)).to_have_text("Describe the concern — Practitioner")

        sports_club = page.locator("section.trial-sample", has=page.get_by_role("heading", name="Scenario 3:"))
        expect(sports_club.locator(".trial-end").first).to_contain_text("Waiting for 'Review date reached'")
        expect(sports_club.get_by_text("No lawful basis was decided on this path.").first).to_be_visible()

        self_harm.get_by_role("heading", name="Scenario 5:").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "trial-draft.png"), full_page=False)
        page.close()
