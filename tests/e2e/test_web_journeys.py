"""Practitioners' journeys in a real browser, from signing in to the printed record."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from service.accounts.demo import DEMO_PASSWORD, seed_demo_accounts
from service.app import create_app
from service.config import Config
from service.db import make_engine, make_session_factory
from service.master_keys import write_new_key_file
from service.migrate import upgrade
from service.processes.bundled import publish_bundled
from tests.conftest import outside_the_checkout
from tests.mailserver import free_port

SHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e-screenshots"


@contextmanager
def serving(tmp_path: Path, **settings: Any) -> Iterator[str]:
    """The app on a real port over a fresh database (shipped process, demo accounts); yields its address."""
    url = f"sqlite:///{tmp_path / 'web.db'}"
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine).begin() as s:
        publish_bundled(session=s, now=datetime.now(UTC))
        seed_demo_accounts(session=s, now=datetime.now(UTC))
    engine.dispose()
    port = free_port()
    address = f"http://127.0.0.1:{port}"
    if "disclosure_keys_file" not in settings and not (tmp_path / "disclosure-keys").exists():
        write_new_key_file(tmp_path / "disclosure-keys")  # the app's own keys and mail beside its database, not in var/
    settings = {"disclosure_keys_file": str(tmp_path / "disclosure-keys"), "mail_dir": str(tmp_path / "mail"),
                **settings}
    app = create_app(outside_the_checkout(Config(database_url=url, base_url=address, **settings)))
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield address
    finally:
        server.shutdown()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    with serving(tmp_path) as address:
        yield address


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():  # the page after signing in has loaded before the test reads it
        page.click("main button[type=submit]")


def answer(page: Any, **answers: Any) -> None:
    """Fill a task's form: True/False pick yes/no, ("choice", v) picks a radio, strings are typed."""
    for name, value in answers.items():
        if isinstance(value, bool):
            page.check(f"input[name='{name}'][value='{'yes' if value else 'no'}']")
        elif isinstance(value, tuple):
            page.check(f"input[name='{name}'][value='{value[1]}']")
        else:
            page.fill(f"[name='{name}']", value)


def submit(page: Any) -> None:
    page.click("button[name=action][value=complete]")
    assert "There is a problem" not in page.content(), page.inner_text("main")


def open_task(page: Any, name: str) -> None:
    """Go to the step called ``name``: after Submit the person's next step opens by itself; otherwise its
    link (on the case page or the task list) opens it."""
    if page.get_by_role("heading", level=1).inner_text().strip() == name:
        return
    page.get_by_role("link", name=name).first.click()


def add_entry(page: Any, list_name: str) -> None:
    """Add another entry (a person, a piece of information) to a list on the form."""
    page.locator(f"fieldset[data-rows={list_name}] .add-row").click()


@pytest.mark.e2e
def test_scenario_1_from_sign_in_to_the_printed_record(browser: Any, live_server: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, "tess.teacher")
    expect(page.get_by_role("heading", name="My tasks")).to_be_visible()
    page.click("text=New case")
    page.check("input[name=direction][value=outbound_concern]")
    page.check("input[name=urgency][value=routine]")
    page.fill("#summary", "Young carer: referral to early help")
    page.click("main button[type=submit]")

    answer(page, concern="Sam looks after his mother most evenings and is often late.")
    answer(page, **{"subjects-0-role": ("c", "child"), "subjects-0-name": "Sam Carter"})
    add_entry(page, "subjects")
    answer(page, **{"subjects-1-role": ("c", "parent_carer"), "subjects-1-name": "Jo Carter"})
    page.screenshot(path=str(SHOTS / "1-describe-concern.png"), full_page=True)
    submit(page)
    open_task(page, "Is there a clear legitimate purpose?")
    answer(page, purpose=("c", "early_help"), purpose_clear=True, purpose_reasons="Early help assessment")
    submit(page)
    open_task(page, "Does it identify anyone? What kind of information?")
    answer(page, identifies_individual=True, special_category=False, criminal_offence_data=False, confidential=True,
           subject_at_risk=True, legal_obligation=False)
    submit(page)
    open_task(page, "Is consent the right basis, and do you have it?")
    answer(page, consent_result=("c", "given"), consent_of_whom=("c", "parent_with_parental_responsibility"),
           consent_by_name="Jo Carter", consent_explicit=True, consent_appropriate=True,
           consent_scope="Caring role and attendance", consent_date="2026-11-24", consent_method=("c", "written"),
           unsure=False)
    submit(page)
    open_task(page, "Decide how much to share")
    page.check("input[name='identifying_details_shared'][value='Sam Carter (the child)']")
    answer(page, recipient_person="Alex Reed", recipient_role="Early help coordinator",
           recipient_organisation="Northshire early help", recipient_email="alex.reed@example.org",
           recipient_verified_how="Council directory", share_extent=("c", "share_in_part"),
           withheld_and_why="Mother's diagnosis: not needed", third_parties_redacted=True)
    answer(page, **{"items-0-summary": "Cares for his mother most evenings", "items-0-nature": ("c", "fact"),
                    "items-0-currency": ("c", "current"), "items-0-accuracy_checked": True})
    submit(page)
    open_task(page, "Send securely")
    answer(page, channel=("c", "secure_email"), security_controls="Encrypted email", sent_confirmed=True)
    submit(page)
    page.fill("#received_by", "Alex Reed")
    page.click("text=Record the receipt")
    open_task(page, "Tell the person it was shared?")
    answer(page, subject_informed=True, subject_informed_who="Jo Carter", subject_informed_when="2026-11-25",
        subject_informed_how=("c", "in_person"))
    submit(page)
    open_task(page, "Record the decision and reasons")
    preview = page.inner_text(".record-preview")
    assert "Sam looks after his mother most evenings" in preview, "the record is checked before it is confirmed"
    assert "Identifying details withheld" not in preview or "Jo Carter (parent or carer)" in preview
    page.screenshot(path=str(SHOTS / "1-record-preview.png"), full_page=True)
    answer(page, decision_summary="Shared the minimum with early help, with consent.", accuracy_confirmed=True)
    submit(page)

    text = page.inner_text("main")
    assert "Finished: the decision is recorded." in text and "Share in part" in text
    assert "Shared the minimum with early help, with consent." in text, "the practitioner's own words"
    assert "Article 6(1)(e) public task (DPA 2018 s.8)" in text and "Consent" in text
    page.emulate_media(media="print")
    page.screenshot(path=str(SHOTS / "1-printed-record.png"), full_page=True)
    page.pdf(path=str(SHOTS / "1-record.pdf")) if hasattr(page, "pdf") else None


@pytest.mark.e2e
def test_pages_fit_a_tablet_and_start_with_a_skip_link(browser: Any, live_server: str) -> None:
    tablet = browser.new_page(viewport={"width": 768, "height": 1024})
    sign_in(tablet, live_server, "tess.teacher")
    tablet.click("text=New case")
    tablet.check("input[name=direction][value=outbound_concern]")
    tablet.check("input[name=urgency][value=same_day]")
    tablet.fill("#summary", "Unsure about a disclosure")
    tablet.click("main button[type=submit]")
    answer(tablet, concern="A pupil said something worrying")
    answer(tablet, **{"subjects-0-role": ("c", "child"), "subjects-0-name": "Ria"})
    submit(tablet)
    fits = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    assert tablet.evaluate(fits), "the case page fits a tablet without sideways scrolling"
    tablet.goto(f"{live_server}/tasks")
    assert tablet.evaluate(fits), "the task list fits a tablet"
    # Keyboard: the skip link is the first thing Tab reaches.
    tablet.keyboard.press("Tab")
    assert tablet.evaluate("document.activeElement.textContent") == "Skip to content"


@pytest.mark.e2e
def test_follow_up_questions_appear_only_once_their_answer_is_given(browser: Any, live_server: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, "tess.teacher")
    page.click("text=New case")
    page.check("input[name=direction][value=outbound_concern]")
    page.check("input[name=urgency][value=routine]")
    page.fill("#summary", "Conditional questions")
    page.click("main button[type=submit]")
    answer(page, concern="A concern")
    answer(page, **{"subjects-0-role": ("c", "child"), "subjects-0-name": "Sam"})
    submit(page)
    open_task(page, "Is there a clear legitimate purpose?")
    other = page.locator("[name=purpose_other]")
    expect(other, "asked only when the purpose is 'something else'").to_be_hidden()
    page.check("input[name=purpose][value=other]")
    expect(other).to_be_visible()
    page.check("input[name=purpose][value=s17]")
    expect(other).to_be_hidden()
