"""Journey benchmark: what a routine decision and an emergency share cost the people who make them.

    python -m bench.journey [--quick]

Debian's Chromium, driven by Playwright through the pages only, as real people would:
(a) scenario 1 (a young carer; the parent consents; the manager is consulted; a secure link; the
recipient confirms receipt; the mother is told) as the practitioner, the manager and the recipient;
(b) an emergency share, from "New case" to the decision recorded. It counts the practitioner's page
loads, the fields she fills and her clicks, questions she is asked twice and questions that decide the
lawful basis already answered when a page opens, and the server's time per page; then checks each
case ended as expected. ``--quick`` runs each journey once (a full run, three times). Prints one JSON
object on its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Response, sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from service.accounts.demo import DEMO_PASSWORD, seed_demo_accounts
from service.app import create_app
from service.cases.models import Case
from service.config import Config
from service.db import make_engine, make_session_factory
from service.disclosures.keys import write_new_key_file
from service.migrate import upgrade
from service.notifications.models import OutboxMessage
from service.processes.bundled import publish_bundled
from service.records.models import DecisionRecord

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Questions whose answers the lawful-basis tables read: none may be answered before the person does.
BASIS_QUESTIONS = frozenset({
    "identifies_individual", "special_category", "criminal_offence_data", "confidential", "subject_at_risk",
    "legal_obligation", "consent_result", "consent_appropriate", "consent_explicit", "consent_of_whom",
    "seeking_consent_increases_risk", "subject_can_consent", "risk_of_significant_harm", "overriding_public_interest",
    "public_interest", "threat_to_life", "purpose", "statutory_power", "telling_would_prejudice_crime",
    "legitimate_interests_assessed", "requester_is_public_body"})
PREANSWERED = """(names) => names.filter((name) => [...document.querySelectorAll(`[name="${name}"]`)]
    .some((input) => (input.type === 'radio' || input.type === 'checkbox') ? input.checked : input.value !== ''))"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Person:
    """One person's browser, counting what they did."""

    page: Page
    base: str
    loads: int = 0
    fields: int = 0
    clicks: int = 0
    questions: list[str] = field(default_factory=list)
    preanswered: list[str] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    slowest: list[tuple[float, str]] = field(default_factory=list)
    counting: bool = False

    def __post_init__(self) -> None:
        self.page.on("framenavigated", self._loaded)
        self.page.on("response", self._timed)

    def _loaded(self, frame: Any) -> None:
        if frame == self.page.main_frame and self.counting:
            self.loads += 1

    def _timed(self, response: Response) -> None:
        # Signing in is slow on purpose (the password hash, argon2): it is reported apart.
        if response.request.resource_type == "document" and not response.url.endswith("/login"):
            timing = response.request.timing
            if timing["responseStart"] > 0 and timing["requestStart"] >= 0:
                self.server_ms.append(timing["responseStart"] - timing["requestStart"])
                self.slowest.append((timing["responseStart"] - timing["requestStart"], response.url))

    def opened(self) -> None:
        """A task page has opened: note basis questions already answered before the person touched it."""
        names = self.page.evaluate(PREANSWERED, sorted(BASIS_QUESTIONS))
        self.preanswered += names

    def sign_in(self, username: str) -> None:
        self.page.goto(f"{self.base}/login")
        self.page.fill("#username", username)
        self.page.fill("#password", DEMO_PASSWORD)
        self.page.click("main button[type=submit]")

    def click(self, selector: str) -> None:
        self.clicks += 1
        self.page.click(selector)

    def answer(self, **answers: Any) -> None:
        """Answer questions on the open page: True/False pick yes/no, ("c", value) a choice, text is typed."""
        for name, value in answers.items():
            self.fields += 1
            if not re.search(r"-\d+-", name):  # each entry of a list asks its own questions again, rightly
                self.questions.append(self._question(name))
            if isinstance(value, bool):
                self.page.check(f"input[name='{name}'][value='{'yes' if value else 'no'}']")
            elif isinstance(value, tuple):
                for chosen in value[1:]:
                    self.page.check(f"input[name='{name}'][value='{chosen}']")
            else:
                self.page.fill(f"[name='{name}']", value)
            self.clicks += 1

    def submit(self) -> None:
        self.click("button[name=action][value=complete]")
        if "There is a problem" in self.page.content():
            raise AssertionError(self.page.inner_text("main")[:1500])

    def _question(self, name: str) -> str:
        box = self.page.locator(f"#field-{name}")
        label = box.locator("legend, label").first
        return " ".join(label.inner_text().split()) if label.count() else name


@contextmanager
def serving(folder: Path) -> Iterator[tuple[str, str]]:
    """The service on a free port over a fresh database with the demo accounts; yields (address, database)."""
    url = f"sqlite:///{folder / 'journey.db'}"
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine).begin() as s:
        publish_bundled(session=s, now=datetime.now(UTC))
        seed_demo_accounts(session=s, now=datetime.now(UTC))
    engine.dispose()
    keys = folder / "keys"
    write_new_key_file(keys)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"http://127.0.0.1:{port}"
    app = create_app(Config(database_url=url, base_url=address, disclosure_keys_file=str(keys),
                            mail_dir=str(folder / "mail")))
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield address, url
    finally:
        server.shutdown()


def _link_for(database_url: str, recipient: str) -> str:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as s:
            bodies = s.scalars(select(OutboxMessage.body).where(OutboxMessage.recipient_address == recipient)
                               .order_by(OutboxMessage.id.desc()))
            found = next(re.search(r"http://\S+/shared/\S+", b or "") for b in bodies if b and "/shared/" in b)
    finally:
        engine.dispose()
    assert found is not None, "no secure link was emailed"
    return found.group(0)


def _ended(database_url: str, reference: str) -> tuple[str, str | None]:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as s:
            case = s.scalars(select(Case).where(Case.reference == reference)).one()
            summary = s.scalar(select(DecisionRecord.decision_summary).where(DecisionRecord.case_id == case.id))
            return str(case.status), summary
    finally:
        engine.dispose()


def scenario_1(browser: Any, address: str, database_url: str) -> dict[str, Any]:
    tess = Person(browser.new_context(viewport={"width": 1280, "height": 900}).new_page(), address)
    tess.sign_in("tess.teacher")
    tess.counting = True
    tess.click("text=New case")
    tess.answer(direction=("c", "outbound_concern"), urgency=("c", "routine"), summary="Young carer: early help")
    tess.click("main button[type=submit]")
    tess.opened()
    tess.answer(concern="Sam looks after his mother most evenings and is often late and tired.",
                **{"subjects-0-role": ("c", "child"), "subjects-0-name": "Sam Carter",
                   "subjects-0-identifiers": "DOB 2014-03-02, Year 7"})
    tess.click("fieldset[data-rows=subjects] .add-row")
    tess.answer(**{"subjects-1-role": ("c", "parent_carer"), "subjects-1-name": "Jo Carter"})
    tess.submit()
    reference = tess.page.locator("main a[href^='/cases/']").first.inner_text().removeprefix("Case ").strip()
    tess.opened()
    tess.answer(purpose=("c", "early_help"), purpose_clear=True, purpose_reasons="An early help assessment")
    tess.submit()
    tess.opened()
    tess.answer(identifies_individual=True, special_category=True, criminal_offence_data=False, confidential=True,
                subject_at_risk=True, legal_obligation=False)
    tess.submit()
    tess.opened()
    tess.answer(consent_result=("c", "given"), consent_of_whom=("c", "parent_with_parental_responsibility"),
                consent_by_name="Jo Carter", consent_explicit=True, consent_appropriate=True,
                consent_scope="Sam's caring role and attendance, with early help", consent_method=("c", "written"),
                unsure=True, question_for_adviser="Should the mother's illness be mentioned at all?")
    tess.submit()
    assert "Now: Advise and decide" in tess.page.inner_text("main"), "the case waits for the manager"

    mo = Person(browser.new_context(viewport={"width": 1280, "height": 900}).new_page(), address)
    mo.sign_in("mo.manager")  # lands on the team queue, where the work is
    mo.page.get_by_role("link", name="Advise and decide").first.click()
    mo.page.get_by_role("button", name="Claim this task").click()
    mo.answer(advice_decision=("c", "share"), advice="Share the caring role; say only that his mother is unwell",
              subject_named=True, risk_of_significant_harm=False, overriding_public_interest=False,
              legal_obligation=False)
    mo.submit()

    tess.page.goto(f"{address}/tasks")
    tess.click("text=Decide how much to share")
    tess.opened()
    tess.answer(recipient_person="Alex Reed", recipient_role="Early help coordinator",
                recipient_organisation="Northshire Council early help team",
                recipient_email="alex.reed@example.org", recipient_verified_how="Council directory",
                identifying_details_shared=("c", "Sam Carter (the child)"),
                **{"items-0-nature": ("c", "reported_by_third_party"), "items-0-currency": ("c", "current"),
                   "items-0-accuracy_checked": True},
                share_extent=("c", "share_in_part"), withheld_and_why="The mother's diagnosis: not needed",
                third_parties_redacted=True)
    tess.submit()
    tess.opened()
    tess.click("button:has-text('Send a secure link')")
    code = re.sub(r"\D", "", tess.page.inner_text("#one-time-code"))

    recipient = browser.new_context(viewport={"width": 820, "height": 1180}).new_page()
    recipient.goto(_link_for(database_url, "alex.reed@example.org"))
    recipient.get_by_label("One-time code").fill(code)
    recipient.get_by_role("button", name="Open the information").click()
    recipient.get_by_label(re.compile("name", re.I)).first.fill("Alex Reed")
    recipient.get_by_role("button", name=re.compile("Confirm", re.I)).click()

    tess.page.goto(f"{address}/tasks")
    tess.click("text=Tell the person it was shared?")
    tess.opened()
    tess.answer(subject_informed=True, subject_informed_who="Jo Carter", subject_informed_how=("c", "in_person"))
    tess.submit()
    tess.opened()
    tess.answer(decision_summary="Shared the minimum with early help, with the mother's consent.",
                accuracy_confirmed=True)
    tess.submit()
    status, summary = _ended(database_url, reference)
    assert status == "completed" and summary and summary.startswith("Shared the minimum"), (status, summary)
    repeated = {q for q in tess.questions if tess.questions.count(q) > 1}
    log(f"asked twice: {sorted(repeated)}; slowest pages: {sorted(tess.slowest + mo.slowest)[-3:]}")
    return {"loads": tess.loads, "fields": tess.fields, "clicks": tess.clicks, "asked_twice": len(repeated),
            "preanswered": len(tess.preanswered), "server_ms": tess.server_ms + mo.server_ms}


def emergency(browser: Any, address: str, database_url: str) -> dict[str, Any]:
    tess = Person(browser.new_context(viewport={"width": 1280, "height": 900}).new_page(), address)
    tess.sign_in("tess.teacher")
    tess.counting = True
    tess.click("text=New case")
    tess.answer(direction=("c", "outbound_concern"), urgency=("c", "emergency"), summary="Afraid to go home")
    tess.click("main button[type=submit]")
    reference = tess.page.locator("main a[href^='/cases/']").first.inner_text().removeprefix("Case ").strip()
    tess.opened()
    tess.answer(contacted=("c", "childrens_social_care"), contacted_at=datetime.now().strftime("%Y-%m-%dT%H:%M"),
                information_shared="She said she is afraid to go home tonight",
                **{"subjects-0-role": ("c", "child"), "subjects-0-name": "Ria Patel"},
                purpose=("c", "s47"), threat_to_life=False, subject_can_consent=True, special_category=False,
                criminal_offence_data=True, confidential=True, subject_at_risk=True, legal_obligation=False)
    tess.submit()
    tess.opened()
    tess.answer(subject_informed=False, subject_not_informed_reason="Telling the parents could put her at risk",
                review_date="2027-06-01")
    tess.submit()
    tess.opened()
    tess.answer(decision_summary="Referred at once to children's social care.", accuracy_confirmed=True)
    tess.submit()
    status, summary = _ended(database_url, reference)
    assert status == "active" and summary == "Referred at once to children's social care.", (status, summary)
    return {"loads": tess.loads, "server_ms": tess.server_ms}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="each journey once")
    runs = 1 if parser.parse_args(argv).quick else 3
    firsts, emergencies = [], []
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as folder, \
            serving(Path(folder)) as (address, database_url):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"])
        # A first pass, not counted: a new server compiles each page's template the first time it is shown.
        scenario_1(browser, address, database_url)
        emergency(browser, address, database_url)
        for number in range(runs):
            firsts.append(scenario_1(browser, address, database_url))
            emergencies.append(emergency(browser, address, database_url))
            log(f"run {number + 1}/{runs}")
        browser.close()
    server_ms = sorted(ms for run in firsts + emergencies for ms in run["server_ms"])
    figures = {
        "quick": runs == 1, "runs": runs,
        "s1_practitioner_page_loads": max(r["loads"] for r in firsts),
        "s1_practitioner_fields": max(r["fields"] for r in firsts),
        "s1_practitioner_clicks": max(r["clicks"] for r in firsts),
        "s1_questions_asked_twice": max(r["asked_twice"] for r in firsts),
        "s1_preanswered_basis_questions": max(r["preanswered"] for r in firsts),
        "emergency_page_loads": max(r["loads"] for r in emergencies),
        "page_server_p95_ms": round(server_ms[int(0.95 * (len(server_ms) - 1))], 1),
        "page_server_p50_ms": round(statistics.median(server_ms), 1),
    }
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
