"""A secure link in real browsers: the practitioner sends it and reads the code from the screen; the
recipient opens the emailed link, enters the code, reads the package and confirms receipt."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from service.accounts.service import actor_of, user_by_name
from service.config import Config
from service.db import make_engine, make_session_factory
from service.disclosures.keys import write_new_key_file
from service.flows import cases as case_flows
from service.flows import tasks as task_flows
from service.notifications.delivery import SmtpSender, deliver_due
from service.processes.bundled import BUNDLED_KEY
from service.tasks.models import HumanTask, TaskStatus
from tests.e2e.test_web_journeys import SHOTS, serving, sign_in
from tests.mailserver import MailServer
from tests.record_faces import pdf_text
from tests.workflows.test_scenarios import (
    CHILD,
    CONSENT_GIVEN,
    PARENT,
    chosen_items,
    information,
    no_danger_concern,
    purpose,
)

STEPS: list[tuple[str, dict[str, Any]]] = [
    ("describe_concern", no_danger_concern("Sam looks after his mother most evenings and is often late.",
                                           CHILD, PARENT)),
    ("check_purpose", purpose("early_help", True, "An early help assessment of Sam's needs as a young carer")),
    ("check_information", information(confidential=True)),
    ("consider_consent", CONSENT_GIVEN),
    ("choose_what_to_share", chosen_items()),
]


def start_and_complete(database_url: str, username: str, steps: list[tuple[str, dict[str, Any]]]) -> str:
    """Start a routine case as ``username`` in the server's database and complete ``steps`` in order."""
    engine = make_engine(database_url)
    try:
        sessions = make_session_factory(engine)
        now = datetime.now(UTC)
        with sessions.begin() as s:
            user = user_by_name(session=s, username=username)
            assert user is not None
            actor = actor_of(user)
            case_id = case_flows.start_case(session=s, process_key=BUNDLED_KEY, actor=actor,
                                            direction="outbound_concern", urgency="routine",
                                            summary="A concern about a pupil", now=now).id
        for element, answers in steps:
            with sessions.begin() as s:
                task_id = s.scalars(select(HumanTask.id).where(HumanTask.case_id == case_id,
                                                               HumanTask.element_id == element,
                                                               HumanTask.state == TaskStatus.OPEN)).one()
                task_flows.complete_task(session=s, task_id=task_id, actor=actor, data=answers, now=now)
        return case_id
    finally:
        engine.dispose()


def deliver(database_url: str, mail_server: MailServer, address: str) -> None:
    engine = make_engine(database_url)
    try:
        deliver_due(sessions=make_session_factory(engine), config=Config(database_url=database_url, base_url=address),
                    sender=SmtpSender(mail_server.url), now=datetime.now(UTC))
    finally:
        engine.dispose()


@pytest.mark.e2e
def test_the_recipient_opens_the_link_enters_the_code_reads_and_confirms(
        browser: Any, tmp_path: Path, mail_server: MailServer, caplog: pytest.LogCaptureFixture) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    keys = tmp_path / "keys"
    write_new_key_file(keys)
    with serving(tmp_path, smtp_url=mail_server.url, disclosure_keys_file=str(keys)) as address:
        database_url = f"sqlite:///{tmp_path / 'web.db'}"
        case_id = start_and_complete(database_url, "tess.teacher", STEPS)

        sender = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in(sender, address, "tess.teacher")
        sender.goto(f"{address}/cases/{case_id}")
        sender.get_by_role("link", name="Send securely").click()
        assert "Alex Reed" in sender.inner_text("#secure-link-heading + p")
        sender.get_by_role("button", name="Send a secure link").click()
        code = re.sub(r"\D", "", sender.inner_text("#one-time-code"))
        assert len(code) == 8
        assert "Now phone Alex Reed" in sender.inner_text("#next-step-now")
        sender.screenshot(path=str(SHOTS / "secure-link-sent.png"), full_page=True)
        # Reloading "Secure link sent" (a GET of the same address) sends nothing and shows no code.
        sender.goto(sender.url)
        assert "The secure link was already sent" in sender.inner_text("[role=status]")
        assert code[:4] not in sender.inner_text("main")

        deliver(database_url, mail_server, address)
        [email] = [m for m in mail_server.inbox.messages if m["To"] == "alex.reed@example.org"]
        body = email.get_payload(decode=True).decode()
        assert "Sam" not in body and "mother" not in body
        assert "at Northshire Safeguarding Partnership, has shared" in body
        link = re.search(rf"{re.escape(address)}/shared/\S+", body)
        assert link, body

        context = browser.new_context(viewport={"width": 820, "height": 1180})  # the recipient: a tablet
        page = context.new_page()
        page.goto(link.group(0))
        expect(page.get_by_role("heading", name="Enter your one-time code")).to_be_visible()
        page.get_by_label("One-time code").fill("9" * 8 if code != "9" * 8 else "1" * 8)
        page.get_by_role("button", name="Open the information").click()
        assert "4 attempts left" in page.inner_text("[role=alert]")
        page.get_by_label("One-time code").fill(f"{code[:4]} {code[4:]}")
        page.get_by_role("button", name="Open the information").click()
        assert "Please wait" in page.inner_text("[role=alert]"), "codes are rate-limited"
        page.wait_for_timeout(2100)
        page.get_by_label("One-time code").fill(f"{code[:4]} {code[4:]}")
        page.get_by_role("button", name="Open the information").click()
        expect(page.get_by_role("heading", name=re.compile("Safeguarding information"))).to_be_visible()
        items = page.inner_text("#items")
        assert "Sam cares for his mother most evenings" in items and "Reported by someone else" in items
        assert "Shared with Alex Reed" in str(page.get_attribute(".watermark", "data-mark"))
        assert "Early help" in page.inner_text("#purpose") and "early help:" not in page.inner_text("main")
        assert "Sam Carter (the child)" in page.inner_text("#about")
        assert re.search(r"You can reload this page until \d\d:\d\d (GMT|BST)", page.inner_text("#reload-until"))
        page.screenshot(path=str(SHOTS / "secure-link-package.png"), full_page=True)
        # A reload in this browser shows the package again; another browser, even with the link, sees nothing.
        page.reload()
        assert "Sam cares for his mother most evenings" in page.inner_text("#items")
        stranger = browser.new_context()
        elsewhere = stranger.new_page()
        elsewhere.goto(link.group(0))
        assert "already been used" in elsewhere.inner_text("[role=alert]")
        elsewhere.goto(page.url)
        assert "enter the code first" in elsewhere.inner_text("[role=alert]")
        assert "Sam" not in elsewhere.inner_text("main")
        stranger.close()
        with page.expect_download() as download:
            page.get_by_role("link", name="Download as PDF (once)").click()
        package_text = pdf_text(Path(download.value.path()).read_bytes())
        assert "Sam cares for his mother most evenings" in package_text and "do not forward" in package_text
        page.get_by_label("Your name").fill("Alex Reed")
        page.get_by_role("button", name="Confirm receipt").click()
        expect(page.get_by_role("heading", name="Thank you: receipt confirmed")).to_be_visible()
        page.screenshot(path=str(SHOTS / "secure-link-receipt.png"), full_page=True)
        context.close()

        # The receipt completed the waiting step: the practitioner's next step is to tell the family.
        sender.goto(f"{address}/cases/{case_id}")
        expect(sender.get_by_role("link", name="Tell the person it was shared?")).to_be_visible()
        assert "receipt confirmed by Alex Reed" in sender.inner_text(".secure-links")
        sender.close()
    assert "/shared/[link]" in caplog.text and link.group(0).split("/shared/")[1] not in caplog.text
