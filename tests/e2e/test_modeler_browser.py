"""Process owners in a real browser: one changes the manager's escalation timer in the modeler (a first
save with a broken step is refused and marked on the diagram), a second approves and publishes; a new
case runs on the new timer while a case already waiting for its manager keeps the old one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from service.cases.models import Case
from service.db import make_engine, make_session_factory
from service.tasks.models import HumanTask, TaskStatus
from tests.api.test_authorisation import UNSURE_STEPS
from tests.e2e.test_recipient_browser import start_and_complete
from tests.e2e.test_web_journeys import SHOTS, serving, sign_in

NEW_TIMER = 'in_working_hours(2) if urgency == "same_day" else in_working_days(3)'


def manager_task(database_url: str, case_id: str) -> tuple[int, Any]:
    """The case's process version number and its open manager task's due time."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as s:
            case = s.get(Case, case_id)
            assert case is not None
            due = s.scalars(select(HumanTask.due_at).where(HumanTask.case_id == case_id,
                                                           HumanTask.element_id == "manager_advice",
                                                           HumanTask.state == TaskStatus.OPEN)).one()
            return case.process_version.number, due
    finally:
        engine.dispose()


def open_modeler(browser: Any, address: str, height: int = 950, width: int = 1400) -> Any:
    """A process owner's page on the shipped process's modeler, once the diagram is drawn."""
    page = browser.new_page(viewport={"width": width, "height": height})
    sign_in(page, address, "pat.owner")
    page.goto(f"{address}/processes/information_sharing/modeler")
    page.wait_for_function("() => window.modelerReady === true")
    return page


def edit(page: Any, element_id: str) -> None:
    page.fill("#find", element_id)
    page.press("#find", "Enter")
    page.dispatch_event("#find", "change")
    page.wait_for_selector("#props:not([hidden])")
    assert page.inner_text("#prop-id") == element_id


def save(page: Any, note: str) -> str:
    page.fill("#change-note", note)
    with page.expect_response(lambda r: r.request.method == "POST" and "/drafts" in r.url):
        page.click("#save")
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('Saved')"
                           " || document.getElementById('status').textContent.startsWith('Not saved')")
    return str(page.inner_text("#status"))


@pytest.mark.e2e
def test_a_timer_change_is_submitted_approved_with_a_comment_published_and_rolled_back(browser: Any,
                                                                                       tmp_path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serving(tmp_path) as address:
        database_url = f"sqlite:///{tmp_path / 'web.db'}"
        waiting = start_and_complete(database_url, "tess.teacher", UNSURE_STEPS)  # at the manager's step
        old_version, old_due = manager_task(database_url, waiting)
        assert old_version == 1

        page = browser.new_page(viewport={"width": 1400, "height": 950})
        sign_in(page, address, "pat.owner")
        expect(page.get_by_role("heading", name="Processes"), "process owners start on Processes").to_be_visible()
        page.get_by_role("link", name="Open version 1 in the modeler").click()
        page.wait_for_function("() => window.modelerReady === true")

        # A task without a form breaks the policy: refused, and the task is marked on the diagram.
        edit(page, "consider_consent")
        page.select_option("#prop-form", "")
        page.click("#props button[type=submit]")
        status = save(page, "Try without a form")
        assert status.startswith("Not saved") and "consider_consent" in page.inner_text("#problems")
        assert "has no form" in page.inner_text("#problems")
        assert page.locator("[data-element-id='consider_consent'].problem").count() == 1
        page.screenshot(path=str(SHOTS / "modeler-refused.png"), full_page=True)
        edit(page, "consider_consent")
        page.select_option("#prop-form", "consent.json")
        page.click("#props button[type=submit]")

        edit(page, "manager_overdue")
        assert "in_working_days(1)" in page.input_value("#prop-timer")
        page.fill("#prop-timer", NEW_TIMER)
        page.click("#props button[type=submit]")
        assert save(page, "Managers get three working days for routine advice").startswith("Saved")
        assert page.locator(".problem").count() == 0
        page.screenshot(path=str(SHOTS / "modeler-saved.png"), full_page=True)

        # Saved is not yet asked for: Pat submits the draft from its page, with a note for the approver.
        page.get_by_role("link", name="Processes").first.click()
        assert "being written" in page.inner_text("table.drafts")
        page.get_by_role("link", name="Managers get three working days for routine advice").click()
        expect(page.get_by_role("heading", name="Draft of version 2, by pat.owner")).to_be_visible()
        assert page.get_by_role("button", name="Approve").count() == 0, "nobody approves their own change"
        page.get_by_label("A note for the approver (optional)").fill("Routine advice rarely needs the same day")
        page.get_by_role("button", name="Submit for approval").click()
        assert "Submitted" in page.inner_text("[role=status]")
        assert "Submitted: waiting for a second process owner" in page.inner_text(".draft-status")
        page.get_by_role("link", name="What changed").click()
        assert "manager_overdue" in page.inner_text("ul.diff-changed")
        assert page.locator("ul.diff-changed li").count() == 1, "only the timer: the modeler's rewrite is no change"
        page.get_by_role("button", name="Sign out").click()

        # Olu is told a draft waits, approves it with a comment, and sees which cases move before publishing.
        sign_in(page, address, "olu.owner")
        expect(page.get_by_role("link", name="Processes (1 to review)")).to_be_visible()
        page.get_by_role("link", name="Managers get three working days for routine advice").first.click()
        assert "Routine advice rarely needs the same day" in page.inner_text("ol.review-thread")
        page.get_by_role("button", name="Approve").click()
        assert page.locator("[role=status]").count() == 0, "an approval without a reason is not sent"
        page.get_by_label("Why you approve it").fill("Checked the diff: only the manager's timer changes")
        page.get_by_role("button", name="Approve").click()
        assert "Approved: it can now be published." in page.inner_text("[role=status]")
        assert "olu.owner approved it" in page.inner_text("ol.review-thread")
        page.get_by_role("link", name="Publish…").click()
        expect(page.get_by_role("heading", name="Publish version 2?")).to_be_visible()
        assert "(0)" in page.get_by_role("heading", name="Open cases that would move").inner_text()
        staying = page.inner_text("table.staying")
        assert "it has already reached a changed step ('Advice overdue', 'Advise and decide')" in staying
        page.screenshot(path=str(SHOTS / "publish-preview.png"), full_page=True)
        page.get_by_role("button", name="Publish version 2").click()
        flash = page.inner_text("[role=status]")
        assert "Published version 2" in flash and "1 continue on their own version" in flash
        assert "olu.owner" in page.inner_text("table.versions")
        page.screenshot(path=str(SHOTS / "modeler-published.png"), full_page=True)
        fresh = start_and_complete(database_url, "tess.teacher", UNSURE_STEPS)
        new_version, new_due = manager_task(database_url, fresh)
        assert new_version == 2 and manager_task(database_url, waiting) == (1, old_due), \
            "the waiting case keeps its timer"
        assert new_due > old_due, "three working days, not one"

        # Olu rolls back to version 1; Pat approves the rollback and publishes it as version 3.
        rollback = page.locator("tr[data-version='1'] details.rollback")
        rollback.locator("summary").click()
        rollback.get_by_label("Why version 1 should come back").fill("Managers asked for one day again")
        rollback.get_by_role("button", name="Submit the rollback for approval").click()
        expect(page.get_by_role("heading", name="Roll back to version 1, by olu.owner")).to_be_visible()
        page.get_by_role("button", name="Sign out").click()
        sign_in(page, address, "pat.owner")
        page.get_by_role("link", name="Roll back to version 1: Managers asked for one day again").first.click()
        page.get_by_label("Why you approve it").fill("Agreed")
        page.get_by_role("button", name="Approve").click()
        page.get_by_role("link", name="Publish…").click()
        page.get_by_role("button", name="Publish version 3").click()
        assert "Published version 3" in page.inner_text("[role=status]")
        page.close()

    rolled_back = start_and_complete(database_url, "tess.teacher", UNSURE_STEPS)
    version, due = manager_task(database_url, rolled_back)
    assert version == 3 and due < new_due, "version 3 is version 1 again: one working day"


@pytest.mark.e2e
def test_a_form_being_edited_says_where_it_stops_being_json(browser: Any, tmp_path: Path) -> None:
    with serving(tmp_path) as address:
        page = open_modeler(browser, address)
        page.select_option("#file-choice", "forms/consent.json")
        page.get_by_label("Edit as JSON (for experts)").check()  # the form opens as its questions
        assert page.inner_text("#file-check").startswith("Valid JSON")
        text = page.input_value("#file-text")
        page.fill("#file-text", text.replace('"type"', "type", 1))
        lines = text[: text.index('"type"')].split("\n")
        note = page.inner_text("#file-check")
        assert note.startswith(f"Not valid JSON (line {len(lines)}, column {len(lines[-1]) + 1})"), note
        page.fill("#file-text", text)
        assert page.inner_text("#file-check").startswith("Valid JSON")
        page.select_option("#file-choice", "lawful_basis.dmn")
        assert page.inner_text("#file-check") == "", "a decision table is not JSON"
        page.close()
