"""A process owner's typos are refused in the modeler before anything is published: a timer calling a
helper that does not exist, a condition naming a fact no case holds, and a yes/no entry written 'yes';
each problem names its element and suggests the right word, and nothing is saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from service.db import make_engine, make_session_factory
from service.processes.models import ProcessDraft
from tests.e2e.test_decision_table_browser import DMN, open_table, type_into
from tests.e2e.test_modeler_browser import edit, open_modeler, save
from tests.e2e.test_web_journeys import SHOTS, serving

CONDITION = '(unsure == True or statutory_power == "none_identified") and urgancy != "emergency"'


def drafts_stored(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as s:
            return s.scalar(select(func.count()).select_from(ProcessDraft)) or 0
    finally:
        engine.dispose()


def set_raw(page: Any, field: str, text: str) -> None:
    """Type into an expression box for experts and leave it, as a person would."""
    box = page.locator(field)
    expect(box).to_be_visible()
    box.fill(text)
    box.press("Tab")


@pytest.mark.e2e
def test_three_typos_are_refused_each_at_its_element_with_the_word_meant(browser: Any, tmp_path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serving(tmp_path) as address:
        page = open_modeler(browser, address)
        edit(page, "manager_overdue")
        set_raw(page, "#prop-timer", "in_working_day(3)")
        edit(page, "f_in_doubt")
        set_raw(page, "#prop-condition", CONDITION)
        page.select_option("#file-choice", DMN)
        page.wait_for_selector("#dmn-canvas:not([hidden]) .tjs-table")
        open_table(page, "Does the consent count, and for what?")
        type_into(page, "consent_validity_rule1_in1", "yes")

        assert save(page, "Three days for routine advice").startswith("Not saved")
        problems = page.locator("#problems")
        expect(problems).to_contain_text("Advice overdue")
        expect(problems).to_contain_text("in_working_day, which is not a helper: did you mean in_working_days?")
        expect(problems).to_contain_text("urgancy")
        expect(problems).to_contain_text("did you mean urgency?")
        expect(problems).to_contain_text("'yes' is not an entry for the yes/no column")
        expect(problems).to_contain_text("did you mean True?")
        page.screenshot(path=str(SHOTS / "modeler-typos-refused.png"), full_page=True)
        assert drafts_stored(f"sqlite:///{tmp_path / 'web.db'}") == 0, "a refused draft is not stored"
        page.close()
