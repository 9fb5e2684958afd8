"""Scenario 5 in a real browser: an unsure practitioner asks for advice, the manager lets the deadline pass,
the escalated DSL decides, and the practitioner shares and records on the DSL's decision."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from service.db import make_engine, make_session_factory
from service.flows.cases import fire_due_timers
from service.tasks.models import HumanTask
from tests.e2e.test_web_journeys import SHOTS, answer, live_server, open_task, sign_in, submit

__all__ = ["live_server"]  # imported so that pytest finds the fixture in this module

SUMMARY = "Pupil disclosed self-harm"
QUESTION = "Is this significant harm, and may I share without her consent?"
ADVICE = "Self-harm with a wish for secrecy: refer to children's services and CAMHS today"
A9_PUBLIC_INTEREST = "Article 9(2)(g) substantial public interest"


def main_text(page: Any) -> str:
    return str(page.inner_text("main"))


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Username")).to_be_visible()
    assert "/login" in page.url


def post_and_status(page: Any, button: Any) -> int:
    """Click a button that posts a form; the status of the answer to that POST."""
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        button.click()
    page.wait_for_load_state()
    return int(posted.value.status)


def let_the_deadline_pass(tmp_path: Path, task_id: str) -> list[str]:
    """Run the timer sweep against the server's database once the manager's deadline has passed.

    The deadline is in working hours, so three clock hours are not always enough (at night or at a
    weekend it falls on the next working morning): fire at whichever is later.
    """
    engine = make_engine(f"sqlite:///{tmp_path / 'web.db'}")
    try:
        with make_session_factory(engine).begin() as s:
            due = s.scalars(select(HumanTask.due_at).where(HumanTask.id == task_id)).one()
            assert due is not None
            moment = max(datetime.now(UTC) + timedelta(hours=3), due + timedelta(minutes=1))
            return list(fire_due_timers(session=s, now=moment).advanced)
    finally:
        engine.dispose()


@pytest.mark.e2e
def test_scenario_5_from_sign_in_to_the_printed_record(browser: Any, live_server: str, tmp_path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})

    # The practitioner starts a same-day case and works through it until she is unsure.
    sign_in(page, live_server, "tess.teacher")
    expect(page.get_by_role("heading", name="My tasks")).to_be_visible()
    page.get_by_role("link", name="New case").click()
    page.check("input[name=direction][value=outbound_concern]")
    page.check("input[name=urgency][value=same_day]")
    page.fill("#summary", SUMMARY)
    page.click("main button[type=submit]")
    expect(page.get_by_role("heading", name="Describe the concern")).to_be_visible()
    answer(page, concern="A Year 9 pupil showed me cuts on her forearm and asked me not to tell anyone",
           **{"subjects-0-role": ("c", "child"), "subjects-0-name": "Ria Patel"})
    submit(page)
    # Her next step opens at once; the case is a link away.
    assert page.get_by_role("heading", level=1).inner_text() == "Is there a clear legitimate purpose?"
    case_link = page.locator("main a[href^='/cases/']").first
    case_url = live_server + case_link.get_attribute("href")
    case_id = case_url.rsplit("/", 1)[1]
    reference = case_link.inner_text().removeprefix("Case ").strip()
    answer(page, purpose=("c", "s17"), purpose_clear=True,
           purpose_reasons="She may need support from CAMHS and children's services")
    submit(page)
    open_task(page, "Does it identify anyone? What kind of information?")
    answer(page, identifies_individual=True, special_category=True, criminal_offence_data=False, confidential=True,
           subject_at_risk=True, legal_obligation=False)
    submit(page)
    open_task(page, "Is consent the right basis, and do you have it?")
    answer(page, consent_result=("c", "not_sought"),
           consent_not_sought_reason="She asked me not to tell her parents; I need advice first",
           seeking_consent_increases_risk=True, subject_can_consent=True, unsure=True, question_for_adviser=QUESTION)
    submit(page)
    open_task(page, "Is there a lawful reason to share without consent?")
    # Her doubt and her question are carried over from the consent step, for her to change if need be.
    assert page.is_checked("input[name=unsure][value=yes]")
    assert page.input_value("[name=question_for_adviser]") == QUESTION
    answer(page, risk_of_significant_harm=False, overriding_public_interest=False,
           consent_override_reason="I do not know whether this is significant harm")
    submit(page)

    # The case now waits for the manager's advice, and the practitioner cannot give it herself.
    assert "Now: Advise and decide, with the manager queue of team north, due" in main_text(page)
    advice_url = live_server + page.get_by_role("link", name="Advise and decide", exact=True).get_attribute("href")
    advice_task_id = advice_url.rsplit("/", 1)[1]
    page.get_by_role("link", name="My tasks").click()
    assert "Advise and decide" not in main_text(page) and "Nothing waiting." in main_text(page)
    # Opened by its address, the page says whose step it is and offers nothing she cannot do.
    page.goto(advice_url)
    expect(page.get_by_role("heading", name="Advise and decide")).to_be_visible()
    assert "This step is for the manager role" in main_text(page)
    assert page.locator("button[name=action]").count() == 0 and page.locator("[name=advice]").count() == 0
    page.screenshot(path=str(SHOTS / "5-practitioner-refused.png"), full_page=True)
    page.goto(case_url)
    assert "Now: Advise and decide, with the manager queue of team north, due" in main_text(page), \
        "the refused attempts changed nothing"
    sign_out(page)

    # The manager finds it in the team queue and claims it...
    sign_in(page, live_server, "mo.manager")
    page.get_by_role("link", name="Team queue").click()
    expect(page.get_by_role("heading", name="Team queue")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Advise and decide")
    assert row.count() == 1 and reference in row.inner_text() and "same day" in row.inner_text()
    open_task(page, "Advise and decide")
    page.get_by_role("button", name="Claim this task").click()
    assert "Claimed by mo.manager." in main_text(page)
    expect(page.get_by_role("button", name="Put back in the queue")).to_be_visible()
    page.get_by_role("link", name="Team queue").click()
    assert "1 claimed" in main_text(page) and "mo.manager" in row.inner_text()
    page.screenshot(path=str(SHOTS / "5-team-queue-claimed.png"), full_page=True)

    # ...but lets the deadline pass: the timer cancels the manager's task and escalates to the DSL.
    assert let_the_deadline_pass(tmp_path, advice_task_id) == [case_id]
    page.goto(advice_url)
    assert "This task is cancelled" in main_text(page)
    assert page.get_by_role("button", name="Submit").count() == 0
    page.get_by_role("link", name="Team queue").click()
    assert "Advise and decide" not in main_text(page) and "Nothing waiting." in main_text(page)
    page.get_by_role("link", name="My tasks").click()
    assert "Nothing waiting." in main_text(page)
    sign_out(page)

    # The DSL finds it under Escalations, claims it and decides.
    sign_in(page, live_server, "dee.lead")
    page.get_by_role("link", name="Escalations").click()
    expect(page.get_by_role("heading", name="Escalations")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Advise and decide (escalated)")
    assert row.count() == 1 and reference in row.inner_text()
    page.screenshot(path=str(SHOTS / "5-escalations.png"), full_page=True)
    open_task(page, "Advise and decide (escalated)")
    page.get_by_role("button", name="Claim this task").click()
    assert "Claimed by dee.lead." in main_text(page)
    # The adviser reads the practitioner's question and the case so far before deciding.
    assert page.locator("section[aria-labelledby=question-heading]").inner_text().endswith(QUESTION)
    so_far = page.locator("details.case-so-far")
    assert so_far.get_attribute("open") is not None
    assert "A Year 9 pupil showed me cuts" in so_far.inner_text()
    page.screenshot(path=str(SHOTS / "5-dsl-reads-the-case.png"), full_page=True)
    answer(page, advice_decision=("c", "share"), advice=ADVICE, subject_named=True, risk_of_significant_harm=True,
           overriding_public_interest=False, legal_obligation=False)
    page.check("input[name=also_consulted][value=la_consultation_line]")
    submit(page)
    assert page.url == case_url
    assert "Now: Decide how much to share, with tess.teacher" in main_text(page)
    sign_out(page)

    # The practitioner shares on the DSL's decision and records it.
    sign_in(page, live_server, "tess.teacher")
    assert "Decide how much to share" in main_text(page)
    open_task(page, "Decide how much to share")
    page.check("input[name='identifying_details_shared'][value='Ria Patel (the child)']")
    answer(page, recipient_person="Duty social worker", recipient_role="Front door duty desk",
           recipient_organisation="Northshire children's services", recipient_email="duty@example.org",
           recipient_verified_how="Council directory; phoned the duty desk first", share_extent=("c", "share_in_part"),
           withheld_and_why="Friends' names: not needed", third_parties_redacted=True)
    answer(page, **{"items-0-summary": "Ria showed me cuts on her forearm", "items-0-nature": ("c", "fact"),
                    "items-0-currency": ("c", "current"), "items-0-accuracy_checked": True})
    submit(page)
    open_task(page, "Send securely")
    answer(page, channel=("c", "secure_email"), security_controls="Encrypted email to a verified address",
           sent_confirmed=True)
    submit(page)
    assert "Waiting for: Recipient confirms receipt, until" in main_text(page)
    assert "(then: No receipt or feedback in time)" in main_text(page)
    page.get_by_label("The recipient confirmed receipt: who confirmed?").fill("Duty desk")
    page.get_by_role("button", name="Record the receipt").click()
    assert "Receipt recorded." in main_text(page)
    open_task(page, "Tell the person it was shared?")
    answer(page, subject_informed=True, subject_informed_who="Ria Patel", subject_informed_when="2026-11-25",
           subject_informed_how=("c", "in_person"))
    submit(page)
    open_task(page, "Record the decision and reasons")
    answer(page, decision_summary="Referred on the DSL's decision.", accuracy_confirmed=True)
    submit(page)

    # The printed record: the DSL decided, on the substantial public interest, with her advice and the timeline.
    text = main_text(page)
    assert "Finished: the decision is recorded." in text and "Revision 1: Share in part" in text
    decided = page.locator("dl.record").filter(has_text="Decided by").first.inner_text()
    assert "dee.lead" in decided and "designated safeguarding lead" in decided
    assert A9_PUBLIC_INTEREST in text and "Overriding public interest" in text
    advice = page.locator("section.record-part").filter(
        has=page.get_by_role("heading", name="Advice from dee.lead (designated safeguarding lead)")).last
    assert ADVICE in advice.inner_text() and QUESTION in advice.inner_text()
    receipt = page.locator("dl.record dt:text-is('Receipt') + dd").inner_text()
    assert receipt.startswith("Duty desk, ")
    timeline = page.locator("section[aria-labelledby=timeline]").inner_text()
    for entry in ["tess.teacher (practitioner): case started",
                  "tess.teacher (practitioner): task completed: Is there a lawful reason to share without consent?",
                  "mo.manager (manager): task claimed: Advise and decide",
                  "system (system): timer fired",
                  "dee.lead (dsl): task claimed: Advise and decide (escalated)",
                  "dee.lead (dsl): task completed: Advise and decide (escalated)",
                  "tess.teacher (practitioner): message received",
                  "tess.teacher (practitioner): decision recorded"]:
        assert entry in timeline, entry
    assert "mo.manager (manager): task completed" not in timeline
    page.emulate_media(media="print")
    expect(page.locator("header")).to_be_hidden()
    expect(page.locator("#diagram")).to_be_hidden()
    page.screenshot(path=str(SHOTS / "5-printed-record.png"), full_page=True)
