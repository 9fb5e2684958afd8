"""The practitioner's journey in a real browser: the next step opens at once, errors speak plainly and sit
beside the field, nothing that decides the lawful basis is answered for her, suggestions are shown as such,
the concern is offered as the first item, people are added and removed, and each role lands on its work."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import violations
from tests.e2e.test_web_journeys import SHOTS, add_entry, answer, live_server, sign_in, submit

__all__ = ["live_server"]  # imported so that pytest finds the fixture in this module

CONCERN = "Sam looks after his mother most evenings and is often late and tired."
BASIS = ["identifies_individual", "special_category", "criminal_offence_data", "confidential", "subject_at_risk",
         "legal_obligation"]


def start(page: Any, urgency: str = "routine") -> None:
    page.get_by_role("link", name="New case").click()
    page.check("input[name=direction][value=outbound_concern]")
    page.check(f"input[name=urgency][value={urgency}]")
    page.fill("#summary", "Young carer")
    page.click("main button[type=submit]")


def audited(page: Any, name: str, problems: dict[str, list[str]]) -> None:
    """The page as it is now passes axe with no serious or critical finding (its errors and rows included)."""
    found = violations(page)
    if found:
        problems[name] = found


def heading(page: Any) -> str:
    return str(page.get_by_role("heading", level=1).inner_text())


@pytest.mark.e2e
def test_a_routine_case_moves_from_step_to_step_and_speaks_plainly(browser: Any, live_server: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, "tess.teacher")
    start(page)
    assert heading(page) == "Describe the concern", "no question of immediate danger again: it was asked at the start"
    assert page.locator("[name=immediate_danger]").count() == 0

    # People are added and removed; a second person without their part in it is an error on that very cell.
    answer(page, concern=CONCERN, **{"subjects-0-role": ("c", "child"), "subjects-0-name": "Sam Carter",
                                     "subjects-0-identifiers": "DOB 2014-03-02, Year 7"})
    add_entry(page, "subjects")
    add_entry(page, "subjects")
    assert page.locator("fieldset[data-rows=subjects] > .rows > fieldset.row").count() == 3
    page.get_by_role("button", name="Remove person 3").click()
    assert page.locator("fieldset[data-rows=subjects] > .rows > fieldset.row").count() == 2
    page.fill("[name='subjects-1-name']", "Jo Carter")
    page.click("button[name=action][value=complete]")
    summary = page.locator("#error-summary")
    expected = ("Person 2: choose an answer to 'Who are they?': The child, A parent or carer, Someone else involved "
                "or Other")
    assert summary.inner_text().endswith(expected)
    assert page.evaluate("document.activeElement.id") == "error-summary", "the problems are read out first"
    assert page.locator("#field-subjects-1-role .error").inner_text() == expected, "beside the field it belongs to"
    assert page.locator("#field-subjects-0-role .error").count() == 0
    assert "required property" not in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "journey-error-on-the-entry.png"), full_page=True)
    problems: dict[str, list[str]] = {}
    audited(page, "an entry's error", problems)
    page.check("input[name='subjects-1-role'][value=parent_carer]")
    submit(page)

    # Straight on to the next step: the case page appears only when the case waits for someone else.
    assert heading(page) == "Is there a clear legitimate purpose?"
    assert "Saved: Describe the concern." in page.inner_text("[role=status]")
    answer(page, purpose=("c", "early_help"), purpose_clear=True, purpose_reasons="An early help assessment")
    submit(page)
    assert heading(page) == "Does it identify anyone? What kind of information?"
    assert page.evaluate("(names) => names.filter((n) => document.querySelector(`[name=${n}]:checked`))",
                         BASIS) == [], "nothing that decides the lawful basis is answered for her"
    special = page.locator("#field-special_category .suggestion")
    expect(special).to_be_hidden()
    page.check("input[name=data_categories][value=health]")
    expect(special).to_have_text("Suggested: Yes, because you ticked health. Answer it yourself.")
    assert "because a child is named on the case" in page.inner_text("#field-subject_at_risk")
    assert not page.is_checked("input[name=special_category][value=yes]"), "a suggestion, not an answer"
    page.screenshot(path=str(SHOTS / "journey-suggestions.png"), full_page=True)
    audited(page, "suggestions", problems)
    answer(page, identifies_individual=True, special_category=True, criminal_offence_data=False, confidential=True,
           subject_at_risk=True, legal_obligation=False)
    submit(page)
    assert heading(page) == "Is consent the right basis, and do you have it?"
    answer(page, consent_result=("c", "given"), consent_of_whom=("c", "parent_with_parental_responsibility"),
           consent_by_name="Jo Carter", consent_explicit=True, consent_appropriate=True,
           consent_scope="Caring role and attendance", consent_method=("c", "written"), unsure=False)
    submit(page)

    # The concern is offered as the first item; the secure link is offered once.
    assert heading(page) == "Decide how much to share"
    assert page.input_value("[name='items-0-summary']") == CONCERN
    audited(page, "items and identifying details", problems)
    identifying = page.locator("#field-identifying_details_shared").inner_text()
    assert "Sam Carter: DOB 2014-03-02" in identifying and "Jo Carter (parent or carer)" in identifying
    page.check("input[name='identifying_details_shared'][value='Sam Carter (the child)']")
    answer(page, recipient_person="Alex Reed", recipient_role="Early help coordinator",
           recipient_organisation="Northshire early help", recipient_email="alex.reed@example.org",
           recipient_verified_how="Council directory", share_extent=("c", "share_in_full"),
           third_parties_redacted=True, **{"items-0-nature": ("c", "fact"), "items-0-currency": ("c", "current"),
                                           "items-0-accuracy_checked": True})
    submit(page)
    assert heading(page) == "Send securely"
    assert page.locator("input[name=channel][value=secure_link]").count() == 0, "the link has its own button"
    assert page.get_by_role("button", name="Send a secure link").count() == 1
    audited(page, "send securely", problems)
    assert problems == {}, problems


@pytest.mark.e2e
def test_a_manager_lands_on_the_team_queue_where_the_work_is(browser: Any, live_server: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, "tess.teacher")
    start(page, urgency="same_day")
    answer(page, concern=CONCERN, **{"subjects-0-role": ("c", "child"), "subjects-0-name": "Sam Carter"})
    submit(page)
    answer(page, purpose=("c", "s17"), purpose_clear=True, purpose_reasons="Support")
    submit(page)
    answer(page, identifies_individual=True, special_category=False, criminal_offence_data=False, confidential=True,
           subject_at_risk=True, legal_obligation=False)
    submit(page)
    answer(page, consent_result=("c", "not_sought"), consent_not_sought_reason="I need advice first",
           seeking_consent_increases_risk=True, subject_can_consent=True, unsure=True,
           question_for_adviser="Is this enough for a referral?")
    submit(page)
    answer(page, risk_of_significant_harm=False, overriding_public_interest=False, consent_override_reason="Unsure")
    submit(page)
    assert heading(page).startswith("Case "), "waiting for someone else: the case page says who, for what, until when"
    assert "Now: Advise and decide, with the manager queue of team north, due" in page.inner_text("main")
    page.click("header button[type=submit]")  # sign out

    sign_in(page, live_server, "mo.manager")
    expect(page.get_by_role("heading", name="Team queue"), "not an empty 'My tasks'").to_be_visible()
    assert "Advise and decide" in page.inner_text("main")
    expect(page.get_by_role("link", name="Team queue (1)"), "each queue link says how many wait").to_be_visible()
    problems: dict[str, list[str]] = {}
    audited(page, "team queue with counts", problems)
    page.get_by_role("link", name="Advise and decide").first.click()
    assert "Is this enough for a referral?" in page.inner_text("main"), "the adviser sees the question"
    audited(page, "advise and decide", problems)
    page.get_by_role("link", name="Case ").first.click()
    for summary in [page.locator("main details:not([open]) > summary")] * 2:
        if summary.count():
            summary.first.click()  # the steps done, the diagram
    audited(page, "the case page, opened", problems)
    assert problems == {}, problems
