"""An automated accessibility audit (axe-core, WCAG 2.1 A and AA rules) of the pages each kind of user
(practitioner, auditor, process owner, admin, recipient) works in, in a real browser: no serious or critical
violation on any of them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from service.disclosures.keys import write_new_key_file
from tests.e2e.test_recipient_browser import STEPS, start_and_complete
from tests.e2e.test_web_journeys import serving, sign_in

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# The diagram is drawn by bpmn-js (an SVG canvas with its own keyboard handling); the pages around it are ours.
NOT_OURS = ["#diagram", "#canvas"]


def violations(page: Any) -> list[str]:
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run `make install` (it runs npm ci)")
    # Run as the browser's own tool, not a script tag: the pages allow only their own scripts (CSP).
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate("""async ([rules, exclude]) => {
        const present = exclude.filter((s) => document.querySelector(s)).map((s) => [s]);
        const result = await axe.run({ include: [['body']], exclude: present },
                                     { runOnly: { type: 'tag', values: rules } });
        return result.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
            .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }""", [RULES, NOT_OURS])
    return list(found)


def audit(page: Any, url: str, problems: dict[str, list[str]]) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    found = violations(page)
    if found:
        problems[url] = found


@pytest.mark.e2e
def test_the_pages_pass_an_automated_accessibility_audit(browser: Any, tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    write_new_key_file(keys)
    problems: dict[str, list[str]] = {}
    with serving(tmp_path, disclosure_keys_file=str(keys)) as address:
        database_url = f"sqlite:///{tmp_path / 'web.db'}"
        case_id = start_and_complete(database_url, "tess.teacher", STEPS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        audit(page, f"{address}/login", problems)
        sign_in(page, address, "tess.teacher")
        for path in ["/tasks", "/cases", "/cases/new", f"/cases/{case_id}"]:
            audit(page, f"{address}{path}", problems)
        page.goto(f"{address}/cases/{case_id}")
        page.get_by_role("link", name="Send securely").click()
        audit(page, page.url, problems)  # a task form, with the secure-link panel
        page.get_by_role("button", name="Send a secure link").click()
        code = re.sub(r"\D", "", page.inner_text("#one-time-code"))
        found = violations(page)
        if found:
            problems["link sent"] = found
        page.get_by_role("button", name="Sign out").click()
        sign_in(page, address, "ada.auditor")
        audit(page, f"{address}/audit", problems)
        page.get_by_role("button", name="Sign out").click()
        sign_in(page, address, "pat.owner")
        for path in ["/processes", "/processes/information_sharing/modeler"]:
            audit(page, f"{address}{path}", problems)
        page.select_option("#file-choice", "lawful_basis.dmn")  # the decision table editor
        page.wait_for_selector("#dmn-canvas:not([hidden]) .tjs-table")
        found = violations(page)
        if found:
            problems["the decision table editor"] = found
        page.get_by_role("button", name="Sign out").click()
        sign_in(page, address, "sam.admin")
        audit(page, f"{address}/admin/accounts", problems)
        audit(page, f"{address}/admin/accounts/tess.teacher", problems)
        page.get_by_role("button", name="Sign out").click()

        token = _link_token(database_url)
        recipient = browser.new_page(viewport={"width": 820, "height": 1180})
        audit(recipient, f"{address}/shared/{token}", problems)
        recipient.get_by_label("One-time code").fill(code)
        recipient.get_by_role("button", name="Open the information").click()
        found = violations(recipient)
        if found:
            problems["the package"] = found
        audit(recipient, f"{address}/shared/not-a-link", problems)
    assert problems == {}, "\n".join(f"{url}:\n  " + "\n  ".join(found) for url, found in problems.items())


def _link_token(database_url: str) -> str:
    """The link from the email in the outbox (the service's own mail is not delivered in this test)."""
    from sqlalchemy import select

    from service.db import make_engine, make_session_factory
    from service.notifications.models import OutboxMessage

    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as s:
            body = s.scalars(select(OutboxMessage.body).where(OutboxMessage.reason == "secure_link")).one()
    finally:
        engine.dispose()
    found = re.search(r"/shared/([A-Za-z0-9_\-]+)", body or "")
    assert found, body
    return found.group(1)
