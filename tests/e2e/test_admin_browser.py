"""An admin in a real browser moves a practitioner into another team as its manager and switches an
account off and on again; the auditor then reads who did what on the audit page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_web_journeys import SHOTS, serving, sign_in


@pytest.mark.e2e
def test_the_admin_changes_access_and_the_auditor_sees_it(browser: Any, tmp_path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serving(tmp_path) as address:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in(page, address, "sam.admin")
        page.get_by_role("link", name="Change hana.visitor's roles or team").click()
        expect(page.get_by_label("practitioner")).to_be_checked()
        page.get_by_label("practitioner").uncheck()
        page.get_by_label("manager").check()
        page.get_by_label("Team", exact=True).select_option("north")
        page.get_by_role("button", name="Save the change").click()
        assert "hana.visitor now has: manager, in north." in page.inner_text("[role=status], .notice, main")
        row = page.locator("table.accounts tr", has_text="hana.visitor")
        assert "manager" in row.inner_text() and "north" in row.inner_text()

        page.get_by_role("button", name="Switch off tess.teacher").click()
        page.get_by_role("button", name="Switch on tess.teacher").click()
        assert "active" in page.locator("table.accounts tr", has_text="tess.teacher").inner_text()
        page.screenshot(path=str(SHOTS / "admin-accounts.png"), full_page=True)
        page.get_by_role("button", name="Sign out").click()

        sign_in(page, address, "ada.auditor")
        changes = page.locator("table.changes tbody tr")
        newest = [changes.nth(n).inner_text() for n in range(3)]
        assert "Account switched on" in newest[0] and "tess.teacher" in newest[0]
        assert "Account switched off" in newest[1]
        assert "Account's roles or team changed" in newest[2] and "had roles: practitioner" in newest[2]
        assert all("sam.admin (admin)" in row for row in newest)
        page.screenshot(path=str(SHOTS / "audit-changes.png"), full_page=True)
        page.close()
